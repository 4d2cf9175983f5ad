// libsluice-verifiable.so through the ABI: numbered task configs, values/keys/offsets of the
// source, resuming after a committed seqno, pacing to `throughput` without spinning, wake(), and
// the sink's JSON lines.
#include <gtest/gtest.h>
#include <time.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/unit/connectors/connectors_test_util.h"
#include "tests/unit/connectors/plugin_test_util.h"

namespace sluice::connectors::testing {
namespace {

constexpr char kSourceClass[] = "io.sluice.connect.verifiable.VerifiableSourceConnector";
constexpr char kSinkClass[] = "io.sluice.connect.verifiable.VerifiableSinkConnector";

const sluice_plugin_descriptor* source_plugin() {
  return plugin_in(SLUICE_VERIFIABLE_PLUGIN_PATH, kSourceClass);
}
const sluice_plugin_descriptor* sink_plugin() {
  return plugin_in(SLUICE_VERIFIABLE_PLUGIN_PATH, kSinkClass);
}

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

class VerifiableSourcePluginTest : public ::testing::Test {
 protected:
  void SetUp() override { FakeHost::instance().clear_offsets(); }
};

TEST_F(VerifiableSourcePluginTest, ConnectorNumbersItsTasks) {
  ConnectorRun<sluice_source_hooks> connector(source_plugin());
  ASSERT_EQ(connector.start(ConfigArg{{"topic", "v"}}, 3), SLUICE_OK) << connector.error();
  ASSERT_EQ(connector.tasks().size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    auto config = connector.tasks()[i].as_map();
    EXPECT_EQ(config["task.id"], std::to_string(i));
    EXPECT_EQ(config["topic"], "v");
    EXPECT_EQ(config["throughput"], "-1");
  }
  ConnectorRun<sluice_source_hooks> no_topic(source_plugin());
  EXPECT_EQ(no_topic.start(ConfigArg{{"throughput", "5"}}), SLUICE_ERR_CONFIG);
}

TEST_F(VerifiableSourcePluginTest, UnlimitedTaskEmitsSequencedJsonValues) {
  TaskRun<sluice_source_hooks> task(source_plugin());
  ASSERT_EQ(task.start(ConfigArg{{"topic", "v"}, {"task.id", "2"}}), SLUICE_OK) << task.error();
  auto first = poll_source(task);
  ASSERT_FALSE(first.empty());
  auto second = poll_source(task);
  ASSERT_FALSE(second.empty());
  first.insert(first.end(), second.begin(), second.end());
  for (size_t i = 0; i < first.size(); ++i) {
    const PolledRecord& r = first[i];
    ASSERT_EQ(r.value_form, uint32_t{SLUICE_FORM_STRING});
    std::string prefix = "{\"task\":2,\"seqno\":" + std::to_string(i) + ",\"time_ms\":";
    ASSERT_EQ(r.value.rfind(prefix, 0), 0u) << r.value;
    EXPECT_EQ(r.value.back(), '}');
    EXPECT_EQ(r.key_form, uint32_t{SLUICE_FORM_STRING});
    EXPECT_EQ(r.key, "2");
    EXPECT_EQ(r.topic, "v");
    EXPECT_EQ(r.partition, (FieldMap{{"id", "2"}}));
    EXPECT_EQ(r.offset, (FieldMap{{"seqno", std::to_string(i)}}));
  }
}

TEST_F(VerifiableSourcePluginTest, ResumesAfterTheCommittedSeqno) {
  FakeHost::instance().set_offset({{"id", "0"}}, {{"seqno", 41}});
  TaskRun<sluice_source_hooks> task(source_plugin());
  ASSERT_EQ(task.start(ConfigArg{{"topic", "v"}, {"task.id", "0"}}), SLUICE_OK) << task.error();
  auto records = poll_source(task);
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records[0].offset, (FieldMap{{"seqno", "42"}}));
  EXPECT_EQ(records[0].value.rfind("{\"task\":0,\"seqno\":42,", 0), 0u) << records[0].value;
}

TEST_F(VerifiableSourcePluginTest, PacesToThroughputWithoutSpinning) {
  TaskRun<sluice_source_hooks> task(source_plugin());
  ASSERT_EQ(task.start(ConfigArg{{"topic", "v"}, {"task.id", "0"}, {"throughput", "200"}}),
            SLUICE_OK);
  double cpu_before = cpu_seconds();
  auto start = std::chrono::steady_clock::now();
  size_t count = 0;
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1000)) {
    count += poll_source(task, 100).size();
  }
  double cpu = cpu_seconds() - cpu_before;
  EXPECT_GE(count, 170u);  // 200/s for one second, allowing for scheduling on a loaded machine
  EXPECT_LE(count, 215u);
  EXPECT_LT(cpu, 0.3) << "pacing must sleep, not spin";
}

TEST_F(VerifiableSourcePluginTest, WakeEndsAPacedWait) {
  TaskRun<sluice_source_hooks> task(source_plugin());
  ASSERT_EQ(task.start(ConfigArg{{"topic", "v"}, {"task.id", "0"}, {"throughput", "1"}}),
            SLUICE_OK);
  (void)poll_source(task, 10);  // starts the schedule
  std::thread waker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    task.hooks()->wake(task.task());
  });
  auto start = std::chrono::steady_clock::now();
  (void)poll_source(task, 20000);
  waker.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1500));
}

TEST(VerifiableSinkPluginTest, WritesOneJsonLinePerRecord) {
  TempDir dir;
  std::string path = dir.file("seen.jsonl");
  ConnectorRun<sluice_sink_hooks> connector(sink_plugin());
  ASSERT_EQ(connector.start(ConfigArg{{"file", path}}, 2), SLUICE_OK) << connector.error();
  ASSERT_EQ(connector.tasks().size(), 2u);
  TaskRun<sluice_sink_hooks> task(sink_plugin());
  ASSERT_EQ(task.start(connector.tasks()[1]), SLUICE_OK) << task.error();

  std::string_view key = "0";
  std::string_view value = "{\"task\":0,\"seqno\":7}";
  sluice_record records[2] = {};
  for (auto& r : records) {
    r.topic = sluice_str{"v", 1};
    r.partition = 3;
  }
  records[0].offset = 10;
  records[0].key.form = SLUICE_FORM_STRING;
  records[0].key.bytes = sluice_bytes{reinterpret_cast<const uint8_t*>(key.data()), key.size()};
  records[0].value.form = SLUICE_FORM_STRING;
  records[0].value.bytes =
      sluice_bytes{reinterpret_cast<const uint8_t*>(value.data()), value.size()};
  records[1].offset = 11;  // null key and value
  sluice_record_batch batch{records, 2, sizeof(sluice_record)};
  ASSERT_EQ(task.hooks()->put(task.task(), &batch), SLUICE_OK) << task.error();
  sluice_tp_offset current{{"v", 1}, 3, 0, 12};
  ASSERT_EQ(task.hooks()->flush(task.task(), &current, 1), SLUICE_OK) << task.error();
  EXPECT_EQ(read_file(path),
            "{\"task\":1,\"topic\":\"v\",\"partition\":3,\"offset\":10,\"key\":\"0\","
            "\"value\":\"{\\\"task\\\":0,\\\"seqno\\\":7}\"}\n"
            "{\"task\":1,\"topic\":\"v\",\"partition\":3,\"offset\":11,\"key\":null,"
            "\"value\":null}\n");
}

TEST(VerifiableSinkPluginTest, FileIsRequired) {
  ConnectorRun<sluice_sink_hooks> connector(sink_plugin());
  EXPECT_EQ(connector.start(ConfigArg{{"topics", "v"}}), SLUICE_ERR_CONFIG);
  EXPECT_NE(connector.error().find("file"), std::string::npos) << connector.error();
}

}  // namespace
}  // namespace sluice::connectors::testing
