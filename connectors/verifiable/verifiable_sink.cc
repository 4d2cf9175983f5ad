// VerifiableSink connector and task: see verifiable_sink.h.
#include "connectors/verifiable/verifiable_sink.h"

#include "connectors/common/data_text.h"
#include "connectors/verifiable/verifiable_source.h"

namespace sluice::connectors {
namespace {

constexpr char kFileKey[] = "file";

}  // namespace

const char kVerifiableSinkDescription[] =
    "Records every record it consumes as one JSON line appended to `file`: "
    "{\"task\":T,\"topic\":<topic>,\"partition\":P,\"offset\":O,\"key\":K,\"value\":V} where T "
    "is the sink task number and K and V are null, a JSON string (STRING and BYTES data, e.g. a "
    "VerifiableSource value as text) or the JSON rendering of a typed value. tasks.max tasks may "
    "append to the same file; a line is always written whole. Writes are buffered and made "
    "durable (fdatasync) before the worker commits the consumer offsets, so every committed "
    "record has its line on disk; records after the last commit may appear twice after a crash.";

ConfigDef VerifiableSinkConnector::config_def() {
  return ConfigDef().define(kFileKey, ConfigType::kString, Importance::kHigh,
                            "Path of the file the lines are appended to (created when missing).",
                            {.required = true, .non_empty = true});
}

void VerifiableSinkConnector::start(const Config& config) {
  base_ = {{kFileKey, config.get_string(kFileKey)}};
}

std::vector<TaskConfig> VerifiableSinkConnector::task_configs(uint32_t max_tasks) {
  return numbered_task_configs(base_, max_tasks);
}

ConfigDef VerifiableSinkTask::config_def() {
  return with_task_id_key(VerifiableSinkConnector::config_def());
}

void VerifiableSinkTask::start(const Config& config) {
  task_ = std::to_string(config.get_int(kTaskIdKey));
  open_writer(config.get_string(kFileKey));
}

void VerifiableSinkTask::put(std::span<const SinkRecord> records) {
  for (const SinkRecord& record : records) {
    line_.assign("{\"task\":");
    line_ += task_;
    line_ += ",\"topic\":";
    json::append_string(line_, record.topic());
    line_ += ",\"partition\":";
    json::append_integer(line_, record.partition());
    line_ += ",\"offset\":";
    json::append_integer(line_, record.offset());
    line_ += ",\"key\":";
    append_data_json(line_, record.key());
    line_ += ",\"value\":";
    append_data_json(line_, record.value());
    line_ += '}';
    writer_->append_line(line_);
  }
  // Each batch reaches the file at once (readers see it); flush() makes it durable before the
  // worker commits its offsets.
  writer_->write_out();
}

}  // namespace sluice::connectors
