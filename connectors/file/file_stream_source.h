// FileStreamSource: Kafka Connect's file source as a Sluice plugin. The connector validates its
// keys and hands one task the file, topic and batch size; the task follows the file with a
// FileTailer and emits each line as a STRING value with a null key, source partition
// {"filename": <file>} and offset {"position": <byte offset after the line>}.
#ifndef SLUICE_CONNECTORS_FILE_FILE_STREAM_SOURCE_H_
#define SLUICE_CONNECTORS_FILE_FILE_STREAM_SOURCE_H_

#include <sluice/sdk.h>

#include <memory>
#include <string>
#include <vector>

#include "connectors/file/file_tailer.h"

namespace sluice::connectors {

inline constexpr char kFileSourceClass[] =
    "org.apache.kafka.connect.file.FileStreamSourceConnector";
extern const char kFileSourceDescription[];

class FileStreamSourceConnector : public SourceConnector {
 public:
  static ConfigDef config_def();
  // Refuses a `topic` holding a comma (a list of topics): the source writes to exactly one.
  void validate(const Config& config, ValidationReporter& reporter) override;
  // Throws ConfigError for what validate() reports.
  void start(const Config& config) override;
  std::vector<TaskConfig> task_configs(uint32_t max_tasks) override;
  // Accepts a reset of any partition; a new offset must be {"position": <integer >= 0>} for a
  // partition {"filename": <text>}.
  void alter_offsets(const Config& config, std::span<const OffsetChange> changes) override;

 private:
  TaskConfig task_config_;
};

class FileStreamSourceTask : public SourceTask {
 public:
  static ConfigDef config_def() { return FileStreamSourceConnector::config_def(); }
  void start(const Config& config) override;
  void poll(uint32_t max_wait_ms, SourceRecordBatch& batch) override;
  void wake() override;

 private:
  std::string file_;  // empty = stdin
  std::string topic_;
  Fields partition_;                     // {"filename": file_}, lent to every record
  std::vector<FileTailer::Line> lines_;  // batch.size slots, reused by every poll
  std::unique_ptr<FileTailer> tailer_;
};

}  // namespace sluice::connectors

#endif  // SLUICE_CONNECTORS_FILE_FILE_STREAM_SOURCE_H_
