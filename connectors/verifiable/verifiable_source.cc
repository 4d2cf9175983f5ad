// VerifiableSource connector and task: see verifiable_source.h.
#include "connectors/verifiable/verifiable_source.h"

#include <charconv>
#include <chrono>

namespace sluice::connectors {
namespace {

constexpr char kTopicKey[] = "topic";
constexpr char kThroughputKey[] = "throughput";
constexpr char kIdField[] = "id";
constexpr char kSeqnoField[] = "seqno";

// Appends `v` in decimal to the buffer at `at`; returns the new end.
char* put_integer(char* at, char* end, int64_t v) {
  return std::to_chars(at, end, v).ptr;
}

char* put_text(char* at, std::string_view text) {
  for (char c : text) *at++ = c;
  return at;
}

}  // namespace

const char kVerifiableSourceDescription[] =
    "Generates numbered records for correctness tests and load: each task T emits seqno 0, 1, "
    "2, ... as STRING values {\"task\":T,\"seqno\":N,\"time_ms\":<wall clock ms when "
    "generated>} with the key \"T\" (the task number as text), at `throughput` records per "
    "second per task (paced by a timer, no spinning; -1 = as fast as the worker takes them). "
    "tasks.max tasks are started. Offsets: source partition {\"id\": T}, offset {\"seqno\": N} "
    "(Kafka Connect's VerifiableSource uses the same names); a restarted task continues after "
    "its last committed seqno, so a checker sees every seqno of every task at least once, and "
    "duplicates only for the records after the last offset commit.";

ConfigDef with_task_id_key(ConfigDef def) {
  def.define(kTaskIdKey, ConfigType::kInt, Importance::kLow,
             "The task number (set by the connector).", {.required = true, .min = 0});
  return def;
}

std::vector<TaskConfig> numbered_task_configs(const TaskConfig& base, uint32_t max_tasks) {
  std::vector<TaskConfig> configs(max_tasks == 0 ? 1 : max_tasks, base);
  for (size_t i = 0; i < configs.size(); ++i) configs[i][kTaskIdKey] = std::to_string(i);
  return configs;
}

ConfigDef VerifiableSourceConnector::config_def() {
  return ConfigDef()
      .define(kTopicKey, ConfigType::kString, Importance::kHigh,
              "The topic to write the records to.", {.required = true, .non_empty = true})
      .define(kThroughputKey, ConfigType::kLong, Importance::kHigh,
              "Records per second each task emits; -1 (or any value <= 0) means no limit, as "
              "with Kafka's verifiable tools.",
              {.default_value = -1});
}

void VerifiableSourceConnector::start(const Config& config) {
  base_ = {{kTopicKey, config.get_string(kTopicKey)},
           {kThroughputKey, std::to_string(config.get_long(kThroughputKey))}};
}

std::vector<TaskConfig> VerifiableSourceConnector::task_configs(uint32_t max_tasks) {
  return numbered_task_configs(base_, max_tasks);
}

ConfigDef VerifiableSourceTask::config_def() {
  return with_task_id_key(VerifiableSourceConnector::config_def());
}

void VerifiableSourceTask::start(const Config& config) {
  task_ = config.get_int(kTaskIdKey);
  key_ = std::to_string(task_);
  topic_ = config.get_string(kTopicKey);
  pacer_ = std::make_unique<Pacer>(config.get_long(kThroughputKey));
  next_seqno_ = 0;
  if (auto offset = context().offset(Fields{{kIdField, task_}})) {
    auto seqno = offset->get_int64(kSeqnoField);
    if (!seqno) throw FailedError("the committed offset of task " + key_ + " has no \"seqno\"");
    next_seqno_ = *seqno + 1;
    log_info("verifiable task ", task_, " resumes after seqno ", *seqno);
  }
}

void VerifiableSourceTask::poll(uint32_t max_wait_ms, SourceRecordBatch& batch) {
  auto deadline = Waiter::Clock::now() + std::chrono::milliseconds(max_wait_ms);
  size_t due = pacer_->allowed(Waiter::Clock::now(), kMaxBatch);
  while (due == 0) {
    auto until = std::min(pacer_->next_due(), deadline);
    if (waiter_.wait(-1, until) == Waiter::Result::kWoken) return;
    auto now = Waiter::Clock::now();
    due = pacer_->allowed(now, kMaxBatch);
    if (due == 0 && now >= deadline) return;
  }
  int64_t time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  char value[96];
  char* end = value + sizeof value;
  for (size_t i = 0; i < due; ++i) {
    int64_t seqno = next_seqno_++;
    char* at = put_text(value, "{\"task\":");
    at = put_integer(at, end, task_);
    at = put_text(at, ",\"seqno\":");
    at = put_integer(at, end, seqno);
    at = put_text(at, ",\"time_ms\":");
    at = put_integer(at, end, time_ms);
    at = put_text(at, "}");
    SourceRecord& record = batch.add().topic(topic_).key_string(key_).value_string(
        std::string_view(value, static_cast<size_t>(at - value)));
    record.source_partition().set(kIdField, task_);
    record.source_offset().set(kSeqnoField, seqno);
  }
  pacer_->consumed(due);
}

}  // namespace sluice::connectors
