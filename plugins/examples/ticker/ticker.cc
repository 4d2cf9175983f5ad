// The ticker example: a source connector that emits numbered ticks ("tick 1", "tick 2", ...) to
// one topic at a fixed interval and, after a restart, carries on after the last tick whose offset
// the worker committed. Written against the Sluice C++ SDK only; see README.md.
#include <sluice/sdk.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kTopic = "topic";
constexpr const char* kIntervalMs = "interval.ms";
constexpr const char* kFormat = "format";

// The one source partition of this connector, and the field of its offset.
constexpr const char* kPartitionField = "ticker";
constexpr const char* kPartitionValue = "default";
constexpr const char* kOffsetField = "n";

sluice::ConfigDef ticker_keys() {
  return sluice::ConfigDef()
      .define(kTopic, sluice::ConfigType::kString, sluice::Importance::kHigh,
              "Topic the ticks are written to.", {.required = true, .non_empty = true})
      .define(kIntervalMs, sluice::ConfigType::kLong, sluice::Importance::kMedium,
              "Milliseconds between two ticks.", {.default_value = 1000, .min = 1, .max = 3600000})
      .define(kFormat, sluice::ConfigType::kString, sluice::Importance::kLow,
              "Value format: 'string' writes the text \"tick N\"; 'struct' writes a typed value "
              "{n: int64, at: Timestamp} with its schema.",
              {.default_value = "string", .valid_values = {"string", "struct"}});
}

class TickerConnector : public sluice::SourceConnector {
 public:
  static sluice::ConfigDef config_def() { return ticker_keys(); }
  static std::string version() { return "1.0.0"; }

  void start(const sluice::Config& config) override { config_ = config.originals(); }

  // The ticks form one sequence, so there is exactly one task whatever tasks.max says.
  std::vector<sluice::TaskConfig> task_configs(uint32_t /*max_tasks*/) override {
    return {config_};
  }

 private:
  sluice::TaskConfig config_;
};

class TickerTask : public sluice::SourceTask {
 public:
  static sluice::ConfigDef config_def() { return ticker_keys(); }

  void start(const sluice::Config& config) override {
    topic_ = config.get_string(kTopic);
    interval_ = std::chrono::milliseconds(config.get_long(kIntervalMs));
    typed_ = config.get_string(kFormat) == "struct";
    partition_.set(kPartitionField, kPartitionValue);

    // Resume after the last committed tick.
    if (auto offset = context().offset(partition_)) {
      if (auto n = offset->get_int64(kOffsetField)) next_ = *n + 1;
    }
    if (typed_) {
      schema_id_ = context().register_schema(sluice::Schema::struct_type()
                                                 .name("sluice.example.Tick")
                                                 .field("n", sluice::Schema::int64())
                                                 .field("at", sluice::Schema::timestamp()));
    }
    due_ = Clock::now();
    sluice::log_info("ticking to ", topic_, " every ", interval_.count(), " ms from tick ", next_);
  }

  void poll(uint32_t max_wait_ms, sluice::SourceRecordBatch& batch) override {
    {
      std::unique_lock lock(mutex_);
      auto limit = Clock::now() + std::chrono::milliseconds(max_wait_ms);
      woken_.wait_until(lock, std::min(due_, limit), [&] { return wake_requested_; });
      if (wake_requested_) {  // the worker wants poll back (stop or pause)
        wake_requested_ = false;
        return;
      }
    }
    if (Clock::now() < due_) return;  // max_wait_ms ran out first: an empty poll is fine
    due_ += interval_;

    sluice::SourceRecord& record = batch.add().topic(topic_);
    if (typed_) {
      auto now = std::chrono::system_clock::now().time_since_epoch();
      record.value_typed(schema_id_)
          .begin_struct()
          .int64(next_)
          .timestamp(std::chrono::duration_cast<std::chrono::milliseconds>(now).count())
          .end_struct();
    } else {
      text_ = "tick " + std::to_string(next_);
      record.value_string(text_);
    }
    record.source_partition(partition_);
    record.source_offset().set(kOffsetField, next_);
    ++next_;
  }

  void wake() override {
    std::lock_guard lock(mutex_);
    wake_requested_ = true;
    woken_.notify_all();
  }

 private:
  std::string topic_;
  std::chrono::milliseconds interval_{1000};
  bool typed_ = false;
  uint32_t schema_id_ = 0;
  sluice::Fields partition_;
  int64_t next_ = 1;
  Clock::time_point due_;
  std::string text_;

  std::mutex mutex_;
  std::condition_variable woken_;
  bool wake_requested_ = false;
};

}  // namespace

SLUICE_PLUGIN_LIBRARY("sluice-ticker-example", "1.0.0",
                      sluice::source_plugin<TickerConnector, TickerTask>(
                          "com.example.sluice.TickerSourceConnector",
                          "Emits numbered ticks at a fixed interval (SDK example).", {"Ticker"}))
