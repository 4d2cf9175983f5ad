// FileStreamSink connector and task: see file_stream_sink.h.
#include "connectors/file/file_stream_sink.h"

#include "connectors/common/data_text.h"

namespace sluice::connectors {
namespace {

constexpr char kSinkFileKey[] = "file";

}  // namespace

const char kFileSinkDescription[] =
    "Appends the value of every record it consumes to a text file (or stdout) as one line, like "
    "Kafka Connect's FileStreamSink. Topics are chosen with the worker's `topics` or "
    "`topics.regex`. STRING and BYTES values are written unchanged, a null value as `null`, any "
    "other typed value as compact JSON (structs as the array of their field values, maps with "
    "string keys as objects). Each value is followed by \\n. One task (so lines of different "
    "partitions never interleave inside a line), whatever tasks.max says. Writes are buffered "
    "and made durable with fdatasync before the worker commits the consumer offsets, so every "
    "committed record is on disk; after a crash the records after the last commit are written "
    "again (at least once).";

ConfigDef FileStreamSinkConnector::config_def() {
  return ConfigDef().define(kSinkFileKey, ConfigType::kString, Importance::kHigh,
                            "Path of the file to append to, created when missing (relative "
                            "paths are relative to the worker's working directory). Empty or "
                            "unset: write to stdout.",
                            {.default_value = ""});
}

void FileStreamSinkConnector::start(const Config& config) {
  task_config_ = {{kSinkFileKey, config.get_string(kSinkFileKey)}};
}

std::vector<TaskConfig> FileStreamSinkConnector::task_configs(uint32_t max_tasks) {
  (void)max_tasks;  // one writer per file
  return {task_config_};
}

void FileStreamSinkTask::start(const Config& config) {
  open_writer(config.get_string(kSinkFileKey));
}

void FileStreamSinkTask::put(std::span<const SinkRecord> records) {
  for (const SinkRecord& record : records) {
    line_.clear();
    append_data_text(line_, record.value());
    writer_->append_line(line_);
  }
  // Each batch reaches the file at once (readers see it); flush() makes it durable before the
  // worker commits its offsets.
  writer_->write_out();
}

}  // namespace sluice::connectors
