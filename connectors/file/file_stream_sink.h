// FileStreamSink: Kafka Connect's file sink as a Sluice plugin. One task appends each record's
// value as a line to the file (or stdout) through a buffered AppendWriter and makes the file
// durable (fdatasync) in flush, which the worker calls before it commits consumer offsets.
#ifndef SLUICE_CONNECTORS_FILE_FILE_STREAM_SINK_H_
#define SLUICE_CONNECTORS_FILE_FILE_STREAM_SINK_H_

#include <sluice/sdk.h>

#include <memory>
#include <string>
#include <vector>

#include "connectors/common/line_sink_task.h"

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

// flush and stop (fdatasync) come from LineSinkTask.
class FileStreamSinkTask : public LineSinkTask {
 public:
  static ConfigDef config_def() { return FileStreamSinkConnector::config_def(); }
  void start(const Config& config) override;
  void put(std::span<const SinkRecord> records) override;
};

}  // namespace sluice::connectors

#endif  // SLUICE_CONNECTORS_FILE_FILE_STREAM_SINK_H_
