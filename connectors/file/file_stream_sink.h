// FileStreamSink: Kafka Connect's file sink as a Sluice plugin. One task appends each record's
// value as a line to the file (or stdout) through a buffered AppendWriter and makes the file
// durable (fdatasync) in flush, which the worker calls before it commits consumer offsets.
#ifndef SLUICE_CONNECTORS_FILE_FILE_STREAM_SINK_H_
#define SLUICE_CONNECTORS_FILE_FILE_STREAM_SINK_H_

#include <sluice/sdk.h>

#include <memory>
#include <string>
#include <vector>

#include "connectors/common/append_writer.h"

namespace sluice::connectors {

inline constexpr char kFileSinkClass[] = "org.apache.kafka.connect.file.FileStreamSinkConnector";
extern const char kFileSinkDescription[];

class FileStreamSinkConnector : public SinkConnector {
 public:
  static ConfigDef config_def();
  void start(const Config& config) override;
  std::vector<TaskConfig> task_configs(uint32_t max_tasks) override;

 private:
  TaskConfig task_config_;
};

class FileStreamSinkTask : public SinkTask {
 public:
  static ConfigDef config_def() { return FileStreamSinkConnector::config_def(); }
  void start(const Config& config) override;
  void put(std::span<const SinkRecord> records) override;
  void flush(std::span<const TopicPartitionOffset> current) override;
  void stop() override;

 private:
  std::unique_ptr<AppendWriter> writer_;
  std::string line_;  // the line being rendered, reused
};

}  // namespace sluice::connectors

#endif  // SLUICE_CONNECTORS_FILE_FILE_STREAM_SINK_H_
