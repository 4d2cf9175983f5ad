// FlakySource: a test plugin (C++ SDK) whose source task fails its first `fail.polls` polls with
// a retriable error, then writes `records` numbered values ("flaky N") to `topic` and goes idle.
// The worker must back off between the failed polls (100 ms, doubling) instead of retrying at
// once, and the records must then arrive. Used by tests/integration/worker.
#include <sluice/sdk.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace {

constexpr const char* kTopic = "topic";
constexpr const char* kFailPolls = "fail.polls";
constexpr const char* kRecords = "records";

sluice::ConfigDef flaky_keys() {
  return sluice::ConfigDef()
      .define(kTopic, sluice::ConfigType::kString, sluice::Importance::kHigh,
              "Topic the records are written to.", {.required = true, .non_empty = true})
      .define(kFailPolls, sluice::ConfigType::kLong, sluice::Importance::kHigh,
              "How many polls fail with a retriable error before records are written.",
              {.default_value = 3, .min = 0, .max = 1000})
      .define(kRecords, sluice::ConfigType::kLong, sluice::Importance::kMedium,
              "How many records are written after the failures.",
              {.default_value = 10, .min = 0, .max = 1000000});
}

class FlakyConnector : public sluice::SourceConnector {
 public:
  static sluice::ConfigDef config_def() { return flaky_keys(); }
  static std::string version() { return "1.0.0"; }
  void start(const sluice::Config& config) override { config_ = config.originals(); }
  std::vector<sluice::TaskConfig> task_configs(uint32_t /*max_tasks*/) override {
    return {config_};
  }

 private:
  sluice::TaskConfig config_;
};

class FlakyTask : public sluice::SourceTask {
 public:
  static sluice::ConfigDef config_def() { return flaky_keys(); }
  void start(const sluice::Config& config) override {
    topic_ = config.get_string(kTopic);
    failures_left_ = config.get_long(kFailPolls);
    records_left_ = config.get_long(kRecords);
  }
  void poll(uint32_t max_wait_ms, sluice::SourceRecordBatch& batch) override {
    if (failures_left_ > 0) {
      --failures_left_;
      throw sluice::RetriableError("flaky source: poll failure, " + std::to_string(failures_left_) +
                                   " to go");
    }
    if (records_left_ == 0) {  // idle until woken or the wait runs out
      std::unique_lock lock(mutex_);
      woken_.wait_for(lock, std::chrono::milliseconds(max_wait_ms), [&] { return wake_; });
      wake_ = false;
      return;
    }
    for (; records_left_ > 0; --records_left_) {
      texts_.push_back("flaky " + std::to_string(next_++));
    }
    for (const std::string& text : texts_) batch.add().topic(topic_).value_string(text);
  }
  void wake() override {
    std::lock_guard lock(mutex_);
    wake_ = true;
    woken_.notify_all();
  }

 private:
  std::string topic_;
  int64_t failures_left_ = 0;
  int64_t records_left_ = 0;
  int64_t next_ = 1;
  std::vector<std::string> texts_;  // the record values, kept until the next poll
  std::mutex mutex_;
  std::condition_variable woken_;
  bool wake_ = false;
};

}  // namespace

SLUICE_PLUGIN_LIBRARY("sluice-test-flaky", "1.0.0",
                      sluice::source_plugin<FlakyConnector, FlakyTask>(
                          "org.sluice.test.FlakySourceConnector",
                          "Fails its first polls with a retriable error (test plugin).",
                          {"FlakySource"}))
