// The SDK's hook trampolines against a fake host: an exception thrown in any kind of hook becomes
// the status and set_error text of plugin-abi.md §10 (never a crash); optional hooks a class does
// not override are NULL in the table; records, offsets and contexts cross the boundary intact.
#include <gtest/gtest.h>

#include <sluice/sdk.h>

#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/unit/sdk/fake_host.h"

namespace sluice::sdk_test {
namespace {

enum class Throw { kNone, kRetriable, kConfig, kFailed, kStd, kOther };
Throw g_throw = Throw::kNone;
std::string g_throw_in;  // the hook that throws

void maybe_throw(const char* hook) {
  if (g_throw_in != hook) return;
  switch (g_throw) {
    case Throw::kNone:
      return;
    case Throw::kRetriable:
      throw RetriableError("boom");
    case Throw::kConfig:
      throw ConfigError("boom");
    case Throw::kFailed:
      throw FailedError("boom");
    case Throw::kStd:
      throw std::out_of_range("boom");
    case Throw::kOther:
      throw 42;
  }
}

class TestConnector : public SourceConnector {
 public:
  static ConfigDef config_def() {
    return ConfigDef()
        .define("topic", ConfigType::kString, Importance::kHigh, "Topic.", {.required = true})
        .define("batch", ConfigType::kInt, Importance::kLow, "Batch.",
                {.default_value = 10, .min = 1});
  }
  static std::string version() { return "2.5.0"; }
  TestConnector() { maybe_throw("create"); }
  void validate(const Config& config, ValidationReporter& reporter) override {
    maybe_throw("validate");
    if (config.get_string("topic") == "bad") reporter.error("topic", "no bad topics");
  }
  void start(const Config& config) override {
    maybe_throw("start");
    config_ = config.originals();
  }
  std::vector<TaskConfig> task_configs(uint32_t max_tasks) override {
    maybe_throw("task_configs");
    std::vector<TaskConfig> out;
    for (uint32_t i = 0; i < max_tasks; ++i) {
      out.push_back(config_);
      out.back()["task.id"] = std::to_string(i);
    }
    return out;
  }
  void stop() override { maybe_throw("stop"); }
  void alter_offsets(const Config&, std::span<const OffsetChange> changes) override {
    maybe_throw("alter_offsets");
    last_changes = {changes.begin(), changes.end()};
  }
  static inline std::vector<OffsetChange> last_changes;

 private:
  TaskConfig config_;
};

class TestSourceTask : public SourceTask {
 public:
  TestSourceTask() { maybe_throw("task_create"); }
  void start(const Config& config) override {
    maybe_throw("task_start");
    topic_ = config.get_string("topic");
    resume = context().offset(Fields{{"file", "a.txt"}});
  }
  void poll(uint32_t, SourceRecordBatch& batch) override {
    maybe_throw("poll");
    for (int i = 0; i < records_per_poll; ++i) {
      SourceRecord& r =
          batch.add().topic(topic_).key_string("k").value_bytes("v" + std::to_string(i));
      r.header_string("h", "hv");
      r.source_partition().set("file", "a.txt");
      r.source_offset().set("position", int64_t{100 + i});
      r.cookie(static_cast<uint64_t>(i + 7));
    }
    if (no_topic) (void)batch.add();  // a record without a topic
  }
  void commit_record(uint64_t cookie, const std::optional<RecordMetadata>& m) override {
    maybe_throw("commit_record");
    cookies.push_back(cookie);
    if (m) last_offset = m->offset;
  }
  void commit() override { maybe_throw("commit"); }
  void stop() override { maybe_throw("task_stop"); }
  void wake() override { maybe_throw("wake"); }

  static inline int records_per_poll = 2;
  static inline bool no_topic = false;
  static inline std::optional<Fields> resume;
  static inline std::vector<uint64_t> cookies;
  static inline int64_t last_offset = -1;

 private:
  std::string topic_;
};

// Overrides nothing optional.
class MinimalSourceTask : public SourceTask {
 public:
  void start(const Config&) override {}
  void poll(uint32_t, SourceRecordBatch&) override {}
};
class MinimalConnector : public SourceConnector {
 public:
  void start(const Config&) override {}
  std::vector<TaskConfig> task_configs(uint32_t) override { return {{}}; }
};

class TestSinkConnector : public SinkConnector {
 public:
  void start(const Config&) override {}
  std::vector<TaskConfig> task_configs(uint32_t) override { return {{}}; }
};

class TestSinkTask : public SinkTask {
 public:
  void start(const Config&) override { maybe_throw("task_start"); }
  void open(std::span<const TopicPartition> tps) override {
    maybe_throw("open");
    opened.assign(tps.begin(), tps.end());
  }
  void close(std::span<const TopicPartition>) override { maybe_throw("close"); }
  void put(std::span<const SinkRecord> records) override {
    maybe_throw("put");
    seen.clear();
    for (const SinkRecord& r : records) {
      seen.push_back(std::string(r.topic()) + "/" + std::to_string(r.partition()) + "@" +
                     std::to_string(r.offset()) + "=" + std::string(r.value().as_string_view()));
      if (r.value().as_string_view() == "bad") {
        context().errant_record_reporter().report(r, "cannot write bad");
      }
    }
  }
  void flush(std::span<const TopicPartitionOffset>) override { maybe_throw("flush"); }
  std::vector<TopicPartitionOffset> pre_commit(std::span<const TopicPartitionOffset> c) override {
    maybe_throw("pre_commit");
    if (!commit_override.empty()) return commit_override;
    return {c.begin(), c.end()};
  }
  void stop() override { maybe_throw("task_stop"); }

  static inline std::vector<TopicPartition> opened;
  static inline std::vector<std::string> seen;
  static inline std::vector<TopicPartitionOffset> commit_override;
};

class SinkFlushOnly : public SinkTask {
 public:
  void start(const Config&) override {}
  void put(std::span<const SinkRecord>) override {}
  void flush(std::span<const TopicPartitionOffset>) override {}
};

const auto& kSource = sdk_detail::kSourceHooks<TestConnector, TestSourceTask>;
const auto& kSink = sdk_detail::kSinkHooks<TestSinkConnector, TestSinkTask>;

class HooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_throw = Throw::kNone;
    g_throw_in.clear();
    TestSourceTask::records_per_poll = 2;
    TestSourceTask::no_topic = false;
    TestSinkTask::commit_override.clear();
    TestSourceTask::cookies.clear();
  }
  void TearDown() override { g_throw_in.clear(); }

  sluice_connector* make_connector() {
    sluice_connector* c = nullptr;
    EXPECT_EQ(kSource.connector.create(host_.ctx(), &c), SLUICE_OK);
    return c;
  }
  sluice_task* make_source_task() {
    sluice_task* t = nullptr;
    EXPECT_EQ(kSource.task_create(host_.ctx(), &t), SLUICE_OK);
    return t;
  }
  sluice_task* make_sink_task() {
    sluice_task* t = nullptr;
    EXPECT_EQ(kSink.task_create(host_.ctx(), &t), SLUICE_OK);
    return t;
  }

  FakeHost host_;
  RawConfig config_{{"topic", "t1"}, {"name", "c"}};
};

struct Expectation {
  Throw kind;
  int32_t status;
  const char* text;
};
const Expectation kExpectations[] = {
    {Throw::kRetriable, SLUICE_ERR_RETRIABLE, "boom"},
    {Throw::kConfig, SLUICE_ERR_CONFIG, "boom"},
    {Throw::kFailed, SLUICE_ERR_FAILED, "boom"},
    {Throw::kStd, SLUICE_ERR_EXCEPTION, "std::out_of_range: boom"},
    {Throw::kOther, SLUICE_ERR_EXCEPTION, "unknown exception"},
};

TEST_F(HooksTest, ExceptionInEveryStatusHookBecomesStatusAndText) {
  // Each entry calls one hook on fresh instances and returns its status.
  using Call = std::function<int32_t()>;
  const sluice_topic_partition tp{sdk_detail::to_str("t"), 0, 0};
  const sluice_tp_offset tpo{sdk_detail::to_str("t"), 0, 0, 5};
  sluice_tp_offset out[1];
  uint32_t out_count = 0;
  const std::vector<std::pair<std::string, Call>> hooks = {
      {"create",
       [&] {
         sluice_connector* c = nullptr;
         int32_t s = kSource.connector.create(host_.ctx(), &c);
         if (s == SLUICE_OK) {
           kSource.connector.destroy(c);
         } else {
           EXPECT_EQ(c, nullptr);
         }
         return s;
       }},
      {"validate",
       [&] {
         auto* c = make_connector();
         int32_t s = kSource.connector.validate(c, config_.get());
         kSource.connector.destroy(c);
         return s;
       }},
      {"start",
       [&] {
         auto* c = make_connector();
         int32_t s = kSource.connector.start(c, config_.get());
         kSource.connector.destroy(c);
         return s;
       }},
      {"task_configs",
       [&] {
         auto* c = make_connector();
         const sluice_config* tasks = nullptr;
         uint32_t n = 0;
         int32_t s = kSource.connector.task_configs(c, 2, &tasks, &n);
         kSource.connector.destroy(c);
         return s;
       }},
      {"stop",
       [&] {
         auto* c = make_connector();
         int32_t s = kSource.connector.stop(c);
         kSource.connector.destroy(c);
         return s;
       }},
      {"alter_offsets",
       [&] {
         auto* c = make_connector();
         int32_t s = kSource.connector.alter_offsets(c, config_.get(), nullptr, 0);
         kSource.connector.destroy(c);
         return s;
       }},
      {"task_create",
       [&] {
         sluice_task* t = nullptr;
         int32_t s = kSource.task_create(host_.ctx(), &t);
         if (s == SLUICE_OK) {
           kSource.task_destroy(t);
         } else {
           EXPECT_EQ(t, nullptr);
         }
         return s;
       }},
      {"task_start",
       [&] {
         auto* t = make_source_task();
         int32_t s = kSource.task_start(t, config_.get());
         kSource.task_destroy(t);
         return s;
       }},
      {"poll",
       [&] {
         auto* t = make_source_task();
         EXPECT_EQ(kSource.task_start(t, config_.get()), SLUICE_OK);
         sluice_record_batch batch{};
         int32_t s = kSource.poll(t, 10, &batch);
         if (s != SLUICE_OK) {
           EXPECT_EQ(batch.count, 0u);
         }
         kSource.task_destroy(t);
         return s;
       }},
      {"commit_record",
       [&] {
         auto* t = make_source_task();
         int32_t s = kSource.commit_record(t, 1, nullptr);
         kSource.task_destroy(t);
         return s;
       }},
      {"commit",
       [&] {
         auto* t = make_source_task();
         int32_t s = kSource.commit(t);
         kSource.task_destroy(t);
         return s;
       }},
      {"task_stop",
       [&] {
         auto* t = make_source_task();
         int32_t s = kSource.task_stop(t);
         kSource.task_destroy(t);
         return s;
       }},
      {"open",
       [&] {
         auto* t = make_sink_task();
         int32_t s = kSink.open(t, &tp, 1);
         kSink.task_destroy(t);
         return s;
       }},
      {"close",
       [&] {
         auto* t = make_sink_task();
         int32_t s = kSink.close(t, &tp, 1);
         kSink.task_destroy(t);
         return s;
       }},
      {"put",
       [&] {
         auto* t = make_sink_task();
         sluice_record_batch batch{nullptr, 0, sizeof(sluice_record)};
         int32_t s = kSink.put(t, &batch);
         kSink.task_destroy(t);
         return s;
       }},
      {"flush",
       [&] {
         auto* t = make_sink_task();
         int32_t s = kSink.flush(t, &tpo, 1);
         kSink.task_destroy(t);
         return s;
       }},
      {"pre_commit",
       [&] {
         auto* t = make_sink_task();
         int32_t s = kSink.pre_commit(t, &tpo, 1, out, &out_count);
         if (s != SLUICE_OK) {
           EXPECT_EQ(out_count, 0u);
         }
         kSink.task_destroy(t);
         return s;
       }},
  };
  for (const auto& [hook, call] : hooks) {
    g_throw_in = hook;
    for (const Expectation& e : kExpectations) {
      SCOPED_TRACE(hook + " kind " + std::to_string(static_cast<int>(e.kind)));
      g_throw = e.kind;
      host_.errors.clear();
      EXPECT_EQ(call(), e.status);
      ASSERT_FALSE(host_.errors.empty());
      EXPECT_EQ(host_.errors.back(), e.text);
    }
    g_throw = Throw::kNone;
    host_.errors.clear();
    EXPECT_EQ(call(), SLUICE_OK) << hook;
    EXPECT_TRUE(host_.errors.empty()) << hook;
  }
}

TEST_F(HooksTest, ExceptionInWakeIsLoggedAndSwallowed) {
  auto* t = make_source_task();
  g_throw_in = "wake";
  g_throw = Throw::kStd;
  kSource.wake(t);
  g_throw = Throw::kOther;
  kSource.wake(t);
  kSource.task_destroy(t);
  ASSERT_EQ(host_.logs.size(), 2u);
  EXPECT_EQ(host_.logs[0].first, static_cast<uint32_t>(SLUICE_LOG_ERROR));
  EXPECT_EQ(host_.logs[0].second, "wake threw std::out_of_range: boom");
  EXPECT_EQ(host_.logs[1].second, "wake threw an unknown exception");
  EXPECT_TRUE(host_.errors.empty());
}

TEST_F(HooksTest, OptionalHooksAreNullUnlessOverridden) {
  EXPECT_NE(kSource.connector.validate, nullptr);
  EXPECT_NE(kSource.connector.alter_offsets, nullptr);
  EXPECT_NE(kSource.commit_record, nullptr);
  EXPECT_NE(kSource.commit, nullptr);
  EXPECT_NE(kSource.wake, nullptr);
  const auto& minimal = sdk_detail::kSourceHooks<MinimalConnector, MinimalSourceTask>;
  EXPECT_EQ(minimal.struct_size, SLUICE_SOURCE_HOOKS_V1_0_SIZE);
  EXPECT_EQ(minimal.connector.validate, nullptr);
  EXPECT_EQ(minimal.connector.alter_offsets, nullptr);
  EXPECT_EQ(minimal.commit_record, nullptr);
  EXPECT_EQ(minimal.commit, nullptr);
  EXPECT_EQ(minimal.wake, nullptr);
  EXPECT_NE(minimal.poll, nullptr);
  EXPECT_NE(minimal.task_stop, nullptr);

  const auto& flush_only = sdk_detail::kSinkHooks<TestSinkConnector, SinkFlushOnly>;
  EXPECT_EQ(flush_only.open, nullptr);
  EXPECT_EQ(flush_only.close, nullptr);
  EXPECT_EQ(flush_only.pre_commit, nullptr);
  EXPECT_NE(flush_only.flush, nullptr);
  EXPECT_NE(kSink.pre_commit, nullptr);
  EXPECT_NE(kSink.open, nullptr);
}

TEST_F(HooksTest, ConnectorStartAppliesDefinitionAndTaskConfigsAreLent) {
  auto* c = make_connector();
  RawConfig missing{{"name", "c"}};
  EXPECT_EQ(kSource.connector.start(c, missing.get()), SLUICE_ERR_CONFIG);
  EXPECT_NE(host_.errors.back().find("\"topic\""), std::string::npos);
  ASSERT_EQ(kSource.connector.start(c, config_.get()), SLUICE_OK);
  const sluice_config* tasks = nullptr;
  uint32_t n = 0;
  ASSERT_EQ(kSource.connector.task_configs(c, 3, &tasks, &n), SLUICE_OK);
  ASSERT_EQ(n, 3u);
  auto task2 = Config::to_map(tasks[2]);
  EXPECT_EQ(task2["topic"], "t1");
  EXPECT_EQ(task2["task.id"], "2");
  EXPECT_EQ(task2.count("batch"), 0u);  // originals only, not defaults
  kSource.connector.destroy(c);
}

TEST_F(HooksTest, ValidateReportsBadValuesPerKey) {
  auto* c = make_connector();
  RawConfig bad_batch{{"topic", "t"}, {"batch", "zero"}};
  ASSERT_EQ(kSource.connector.validate(c, bad_batch.get()), SLUICE_OK);
  ASSERT_EQ(host_.config_errors.size(), 1u);
  EXPECT_EQ(host_.config_errors[0].first, "batch");
  RawConfig bad_topic{{"topic", "bad"}};
  ASSERT_EQ(kSource.connector.validate(c, bad_topic.get()), SLUICE_OK);
  ASSERT_EQ(host_.config_errors.size(), 2u);
  EXPECT_EQ(host_.config_errors[1],
            std::make_pair(std::string("topic"), std::string("no bad topics")));
  kSource.connector.destroy(c);
}

TEST_F(HooksTest, AlterOffsetsReceivesChanges) {
  auto* c = make_connector();
  Fields part{{"file", "a"}}, off{{"position", 9}};
  std::vector<sluice_field> p, o;
  part.to_abi(p);
  off.to_abi(o);
  sluice_offset_change changes[2] = {{p.data(), 1, 1, o.data()}, {p.data(), 1, 0, nullptr}};
  ASSERT_EQ(kSource.connector.alter_offsets(c, config_.get(), changes, 2), SLUICE_OK);
  ASSERT_EQ(TestConnector::last_changes.size(), 2u);
  EXPECT_EQ(TestConnector::last_changes[0].partition, part);
  EXPECT_EQ(TestConnector::last_changes[0].offset, off);
  EXPECT_FALSE(TestConnector::last_changes[1].offset.has_value());
  kSource.connector.destroy(c);
}

TEST_F(HooksTest, SourceTaskResumesAndPollLendsRecords) {
  host_.stored_offset = Fields{{"position", 42}};
  auto* t = make_source_task();
  ASSERT_EQ(kSource.task_start(t, config_.get()), SLUICE_OK);
  ASSERT_EQ(host_.offset_requests.size(), 1u);
  EXPECT_EQ(host_.offset_requests[0], (Fields{{"file", "a.txt"}}));
  ASSERT_TRUE(TestSourceTask::resume.has_value());
  EXPECT_EQ(TestSourceTask::resume->get_int64("position"), 42);

  for (int round = 0; round < 2; ++round) {  // the second poll reuses the storage
    sluice_record_batch batch{};
    ASSERT_EQ(kSource.poll(t, 100, &batch), SLUICE_OK);
    ASSERT_EQ(batch.count, 2u);
    EXPECT_EQ(batch.record_size, sizeof(sluice_record));
    const sluice_record& r = batch.records[1];
    EXPECT_EQ(sdk_detail::from_str(r.topic), "t1");
    EXPECT_EQ(r.partition, -1);
    EXPECT_EQ(r.timestamp_ms, -1);
    EXPECT_EQ(r.key.form, static_cast<uint32_t>(SLUICE_FORM_STRING));
    EXPECT_EQ(r.value.form, static_cast<uint32_t>(SLUICE_FORM_BYTES));
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(r.value.bytes.ptr), r.value.bytes.len),
              "v1");
    ASSERT_EQ(r.header_count, 1u);
    EXPECT_EQ(sdk_detail::from_str(r.headers[0].key), "h");
    EXPECT_EQ(Fields::from_abi(r.source_partition, r.source_partition_count),
              (Fields{{"file", "a.txt"}}));
    EXPECT_EQ(Fields::from_abi(r.source_offset, r.source_offset_count),
              (Fields{{"position", 101}}));
    EXPECT_EQ(r.cookie, 8u);
  }
  TestSourceTask::records_per_poll = 0;
  sluice_record_batch empty{};
  ASSERT_EQ(kSource.poll(t, 100, &empty), SLUICE_OK);
  EXPECT_EQ(empty.count, 0u);

  TestSourceTask::no_topic = true;
  sluice_record_batch bad{};
  EXPECT_EQ(kSource.poll(t, 100, &bad), SLUICE_ERR_EXCEPTION);
  EXPECT_EQ(host_.errors.back(), "std::logic_error: source record without a topic");

  sluice_record_metadata m{sdk_detail::to_str("t1"), 0, 0, 77, 5};
  ASSERT_EQ(kSource.commit_record(t, 8, &m), SLUICE_OK);
  ASSERT_EQ(kSource.commit_record(t, 9, nullptr), SLUICE_OK);
  EXPECT_EQ(TestSourceTask::cookies, (std::vector<uint64_t>{8, 9}));
  EXPECT_EQ(TestSourceTask::last_offset, 77);
  kSource.task_destroy(t);
}

TEST_F(HooksTest, SinkTaskSeesRecordsAndReportsErrant) {
  auto* t = make_sink_task();
  ASSERT_EQ(kSink.task_start(t, config_.get()), SLUICE_OK);
  sluice_topic_partition tps[2] = {{sdk_detail::to_str("a"), 0, 0},
                                   {sdk_detail::to_str("b"), 3, 0}};
  ASSERT_EQ(kSink.open(t, tps, 2), SLUICE_OK);
  EXPECT_EQ(TestSinkTask::opened, (std::vector<TopicPartition>{{"a", 0}, {"b", 3}}));

  std::string good = "good", bad = "bad";
  sluice_record records[2]{};
  records[0].topic = sdk_detail::to_str("a");
  records[0].offset = 10;
  records[0].value = sluice_data{SLUICE_FORM_STRING,
                                 0,
                                 {reinterpret_cast<const uint8_t*>(good.data()), good.size()},
                                 nullptr,
                                 0};
  records[1] = records[0];
  records[1].offset = 11;
  records[1].value.bytes = {reinterpret_cast<const uint8_t*>(bad.data()), bad.size()};
  sluice_record_batch batch{records, 2, sizeof(sluice_record)};
  ASSERT_EQ(kSink.put(t, &batch), SLUICE_OK);
  EXPECT_EQ(TestSinkTask::seen, (std::vector<std::string>{"a/0@10=good", "a/0@11=bad"}));
  EXPECT_EQ(host_.errant_record, &records[1]);
  EXPECT_EQ(host_.errant.back(), "cannot write bad");

  host_.errant_status = SLUICE_ERR_FAILED;  // errors.tolerance=none
  EXPECT_EQ(kSink.put(t, &batch), SLUICE_ERR_FAILED);
  EXPECT_NE(host_.errors.back().find("cannot write bad"), std::string::npos);

  // A host whose records are shorter than the 1.0 layout: the SDK widens them with zeros.
  std::vector<char> packed(2 * 120, 0);
  std::memcpy(packed.data(), &records[0], 120);
  std::memcpy(packed.data() + 120, &records[0], 120);
  host_.errant_status = SLUICE_OK;
  sluice_record_batch short_batch{reinterpret_cast<const sluice_record*>(packed.data()), 2, 120};
  ASSERT_EQ(kSink.put(t, &short_batch), SLUICE_OK);
  EXPECT_EQ(TestSinkTask::seen, (std::vector<std::string>{"a/0@10=good", "a/0@10=good"}));
  kSink.task_destroy(t);
}

TEST_F(HooksTest, PreCommitChecksWhatThePluginReturns) {
  auto* t = make_sink_task();
  sluice_tp_offset current[2] = {{sdk_detail::to_str("a"), 0, 0, 50},
                                 {sdk_detail::to_str("a"), 1, 0, 60}};
  sluice_tp_offset out[2];
  uint32_t n = 9;
  ASSERT_EQ(kSink.pre_commit(t, current, 2, out, &n), SLUICE_OK);
  ASSERT_EQ(n, 2u);
  EXPECT_EQ(out[1].offset, 60);
  EXPECT_EQ(sdk_detail::from_str(out[1].topic), "a");

  TestSinkTask::commit_override = {{"a", 1, 55}};
  ASSERT_EQ(kSink.pre_commit(t, current, 2, out, &n), SLUICE_OK);
  ASSERT_EQ(n, 1u);
  EXPECT_EQ(out[0].partition, 1);
  EXPECT_EQ(out[0].offset, 55);

  TestSinkTask::commit_override = {{"a", 1, 61}};
  EXPECT_EQ(kSink.pre_commit(t, current, 2, out, &n), SLUICE_ERR_FAILED);
  EXPECT_EQ(n, 0u);
  EXPECT_NE(host_.errors.back().find("beyond the delivered 60"), std::string::npos);
  TestSinkTask::commit_override = {{"z", 0, 1}};
  EXPECT_EQ(kSink.pre_commit(t, current, 2, out, &n), SLUICE_ERR_FAILED);
  TestSinkTask::commit_override = {{"a", 0, 1}, {"a", 1, 1}, {"a", 0, 1}};
  EXPECT_EQ(kSink.pre_commit(t, current, 2, out, &n), SLUICE_ERR_FAILED);
  kSink.task_destroy(t);
}

TEST_F(HooksTest, SinkContextCallsTheHost) {
  SinkTaskContext context(host_.ctx());
  host_.assigned = {{"a", 0}, {"b", 1}};
  EXPECT_EQ(context.assignment(), host_.assigned);
  std::vector<TopicPartition> tps = {{"a", 0}};
  context.pause(tps);
  EXPECT_EQ(host_.paused, tps);
  std::vector<TopicPartitionOffset> offsets = {{"a", 0, 17}};
  context.reset_offsets(offsets);
  EXPECT_EQ(host_.resets, offsets);
  context.request_commit();
  EXPECT_EQ(host_.commit_requests, 1);

  ConnectorContext connector(host_.ctx());
  connector.request_task_reconfiguration();
  connector.raise_error("lost the source");
  EXPECT_EQ(host_.reconfigurations, 1);
  EXPECT_EQ(host_.raised, "lost the source");
  EXPECT_FALSE(connector.offset(Fields{{"x", 1}}).has_value());

  ContextInfo info = connector.info();
  EXPECT_EQ(info.connector, "conn");
  EXPECT_EQ(info.task, 2);
  uint32_t id = connector.register_schema(Schema::string());
  EXPECT_EQ(id, 1u);
  EXPECT_EQ(connector.register_schema(Schema::string()), 1u);
  EXPECT_EQ(connector.schema_json(id), "{\"type\":\"string\",\"optional\":false}");
  EXPECT_THROW((void)connector.schema_json(99), FailedError);
}

TEST_F(HooksTest, LoggingGoesThroughTheHostWithTheHookContext) {
  log_info("library ", 1);  // outside hooks: library-level (null ctx)
  ASSERT_EQ(host_.logs.size(), 1u);
  EXPECT_EQ(host_.logs[0],
            std::make_pair(static_cast<uint32_t>(SLUICE_LOG_INFO), std::string("library 1")));
  sdk_detail::guard(host_.ctx(), [] { log_warn("x=", 2.5, " y"); });
  EXPECT_EQ(host_.logs[1],
            std::make_pair(static_cast<uint32_t>(SLUICE_LOG_WARN), std::string("x=2.5 y")));
}

TEST(AbiStatusNameTest, NamesEveryStatusAndTreatsOthersAsFailed) {
  EXPECT_EQ(abi_status_name(SLUICE_OK), "OK");
  EXPECT_EQ(abi_status_name(SLUICE_ERR_RETRIABLE), "RETRIABLE");
  EXPECT_EQ(abi_status_name(SLUICE_ERR_CONFIG), "CONFIG");
  EXPECT_EQ(abi_status_name(SLUICE_ERR_FAILED), "FAILED");
  EXPECT_EQ(abi_status_name(SLUICE_ERR_EXCEPTION), "EXCEPTION");
  EXPECT_EQ(abi_status_name(SLUICE_ERR_NOT_FOUND), "NOT_FOUND");
  EXPECT_EQ(abi_status_name(SLUICE_ERR_UNSUPPORTED), "UNSUPPORTED");
  EXPECT_EQ(abi_status_name(SLUICE_ERR_ILLEGAL_STATE), "ILLEGAL_STATE");
  EXPECT_EQ(abi_status_name(SLUICE_ERR_INVALID_ARGUMENT), "INVALID_ARGUMENT");
  EXPECT_EQ(abi_status_name(42), "FAILED");
  EXPECT_EQ(abi_status_name(-1), "FAILED");
  try {
    sdk_detail::check_host_status(SLUICE_ERR_NOT_FOUND, "offset_get");
    ADD_FAILURE();
  } catch (const FailedError& e) {
    EXPECT_STREQ(e.what(), "host function offset_get returned NOT_FOUND (5)");
  }
  EXPECT_THROW(sdk_detail::check_host_status(SLUICE_ERR_RETRIABLE, "pause"), RetriableError);
}

}  // namespace
}  // namespace sluice::sdk_test
