// libsluice-file.so through the ABI, driven by a fake host: descriptors and key tables, the
// source's records/partitions/offsets, resuming from a committed offset, config errors, wake(),
// rotation warnings through the host log, and the sink's lines and flush.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include "tests/unit/connectors/connectors_test_util.h"
#include "tests/unit/connectors/plugin_test_util.h"

namespace sluice::connectors::testing {
namespace {

constexpr char kSourceClass[] = "org.apache.kafka.connect.file.FileStreamSourceConnector";
constexpr char kSinkClass[] = "org.apache.kafka.connect.file.FileStreamSinkConnector";

const sluice_plugin_descriptor* source_plugin() {
  return plugin_in(SLUICE_FILE_PLUGIN_PATH, kSourceClass);
}
const sluice_plugin_descriptor* sink_plugin() {
  return plugin_in(SLUICE_FILE_PLUGIN_PATH, kSinkClass);
}

const sluice_config_key* key_named(const sluice_plugin_descriptor* plugin, std::string_view name) {
  for (const auto* key = plugin->config_keys; key && key->name;
       key = reinterpret_cast<const sluice_config_key*>(reinterpret_cast<const char*>(key) +
                                                        plugin->config_key_size)) {
    if (name == key->name) return key;
  }
  return nullptr;
}

TEST(FilePluginTest, LibraryDescribesBothPluginsAndTheirKeys) {
  LoadedLibrary loaded = load_library(SLUICE_FILE_PLUGIN_PATH);
  ASSERT_NE(loaded.library, nullptr) << loaded.error;
  EXPECT_EQ(loaded.library->abi_major, SLUICE_ABI_MAJOR);
  EXPECT_EQ(loaded.library->plugin_count, 2u);
  const sluice_plugin_descriptor* source = source_plugin();
  const sluice_plugin_descriptor* sink = sink_plugin();
  ASSERT_NE(source, nullptr);
  ASSERT_NE(sink, nullptr);
  EXPECT_EQ(source->kind, uint32_t{SLUICE_KIND_SOURCE});
  EXPECT_EQ(sink->kind, uint32_t{SLUICE_KIND_SINK});
  ASSERT_NE(source->description, nullptr);
  EXPECT_NE(std::strstr(source->description, "position"), nullptr);

  const sluice_config_key* topic = key_named(source, "topic");
  ASSERT_NE(topic, nullptr);
  EXPECT_NE(topic->flags & SLUICE_KEY_REQUIRED, 0u);
  const sluice_config_key* batch = key_named(source, "batch.size");
  ASSERT_NE(batch, nullptr);
  EXPECT_EQ(batch->type, uint32_t{SLUICE_CONFIG_INT});
  EXPECT_STREQ(batch->default_value, "2000");
  EXPECT_STREQ(batch->min_value, "1");
  ASSERT_NE(key_named(source, "file"), nullptr);
  ASSERT_NE(key_named(sink, "file"), nullptr);
  EXPECT_EQ(key_named(sink, "topics"), nullptr) << "topics belongs to the host";

  const auto* source_hooks = static_cast<const sluice_source_hooks*>(source->hooks);
  EXPECT_NE(source_hooks->wake, nullptr);
  EXPECT_NE(source_hooks->connector.alter_offsets, nullptr);
  const auto* sink_hooks = static_cast<const sluice_sink_hooks*>(sink->hooks);
  EXPECT_NE(sink_hooks->flush, nullptr);
  EXPECT_EQ(sink_hooks->pre_commit, nullptr) << "the host flushes, then commits what it put";
}

class FileSourcePluginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeHost::instance().clear_offsets();
    (void)FakeHost::instance().take_logs();
  }
  TempDir dir_;
  std::string path_ = dir_.file("lines.txt");
};

TEST_F(FileSourcePluginTest, ConnectorMakesOneTaskWithResolvedKeys) {
  ConnectorRun<sluice_source_hooks> connector(source_plugin());
  ASSERT_EQ(connector.start(ConfigArg{{"file", path_}, {"topic", "lines"}}, 5), SLUICE_OK)
      << connector.error();
  ASSERT_EQ(connector.tasks().size(), 1u);
  auto config = connector.tasks()[0].as_map();
  EXPECT_EQ(config["file"], path_);
  EXPECT_EQ(config["topic"], "lines");
  EXPECT_EQ(config["batch.size"], "2000");
}

TEST_F(FileSourcePluginTest, MissingTopicOrBadBatchSizeIsAConfigError) {
  ConnectorRun<sluice_source_hooks> no_topic(source_plugin());
  EXPECT_EQ(no_topic.start(ConfigArg{{"file", path_}}), SLUICE_ERR_CONFIG);
  EXPECT_NE(no_topic.error().find("topic"), std::string::npos) << no_topic.error();
  ConnectorRun<sluice_source_hooks> zero_batch(source_plugin());
  EXPECT_EQ(zero_batch.start(ConfigArg{{"topic", "t"}, {"batch.size", "0"}}), SLUICE_ERR_CONFIG);
  EXPECT_NE(zero_batch.error().find("batch.size"), std::string::npos) << zero_batch.error();
}

TEST_F(FileSourcePluginTest, TopicWithACommaIsRefused) {
  ConnectorRun<sluice_source_hooks> connector(source_plugin());
  ASSERT_EQ(connector.validate(ConfigArg{{"file", path_}, {"topic", "lines"}}), SLUICE_OK);
  EXPECT_TRUE(connector.config_errors().empty());
  ASSERT_EQ(connector.validate(ConfigArg{{"file", path_}, {"topic", "a,b"}}), SLUICE_OK)
      << connector.error();
  ASSERT_EQ(connector.config_errors().size(), 1u);
  EXPECT_EQ(connector.config_errors()[0].first, "topic");
  EXPECT_EQ(
      connector.config_errors()[0].second.rfind("Invalid value a,b for configuration topic: ", 0),
      0u)
      << connector.config_errors()[0].second;
  EXPECT_NE(connector.config_errors()[0].second.find("single topic"), std::string::npos);
  // The SDK's own checks still come first: a missing topic is reported as missing.
  ASSERT_EQ(connector.validate(ConfigArg{{"file", path_}}), SLUICE_OK);
  ASSERT_EQ(connector.config_errors().size(), 1u);
  EXPECT_NE(connector.config_errors()[0].second.find("Missing required"), std::string::npos);

  ConnectorRun<sluice_source_hooks> started(source_plugin());
  EXPECT_EQ(started.start(ConfigArg{{"file", path_}, {"topic", "a, b"}}), SLUICE_ERR_CONFIG);
  EXPECT_NE(started.error().find("single topic"), std::string::npos) << started.error();
}

TEST_F(FileSourcePluginTest, EmitsLinesAsStringValuesWithFilenameAndPosition) {
  write_file(path_, "first\nsecond\r\nthird");
  TaskRun<sluice_source_hooks> task(source_plugin());
  ASSERT_EQ(task.start(ConfigArg{{"file", path_}, {"topic", "lines"}}), SLUICE_OK) << task.error();
  auto records = poll_source(task);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].topic, "lines");
  EXPECT_EQ(records[0].key_form, uint32_t{SLUICE_FORM_NULL});
  EXPECT_EQ(records[0].value_form, uint32_t{SLUICE_FORM_STRING});
  EXPECT_EQ(records[0].value, "first");
  EXPECT_EQ(records[1].value, "second");
  EXPECT_EQ(records[0].partition, (FieldMap{{"filename", "s:" + path_}}));
  EXPECT_EQ(records[0].offset, (FieldMap{{"position", "6"}}));
  EXPECT_EQ(records[1].offset, (FieldMap{{"position", "14"}}));
  append_to(path_, "\n");
  records = poll_source(task);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].value, "third");
  EXPECT_EQ(records[0].offset, (FieldMap{{"position", "20"}}));
}

TEST_F(FileSourcePluginTest, BatchSizeBoundsEachPoll) {
  write_file(path_, "a\nb\nc\n");
  TaskRun<sluice_source_hooks> task(source_plugin());
  ASSERT_EQ(task.start(ConfigArg{{"file", path_}, {"topic", "t"}, {"batch.size", "2"}}), SLUICE_OK);
  EXPECT_EQ(poll_source(task).size(), 2u);
  EXPECT_EQ(poll_source(task).size(), 1u);
}

TEST_F(FileSourcePluginTest, ResumesAfterTheCommittedPosition) {
  write_file(path_, "one\ntwo\nthree\n");
  FakeHost::instance().set_offset({{"filename", "s:" + path_}}, {{"position", 8}});
  TaskRun<sluice_source_hooks> task(source_plugin());
  ASSERT_EQ(task.start(ConfigArg{{"file", path_}, {"topic", "t"}}), SLUICE_OK) << task.error();
  auto records = poll_source(task);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].value, "three");
  EXPECT_EQ(records[0].offset, (FieldMap{{"position", "14"}}));
}

TEST_F(FileSourcePluginTest, WakeEndsABlockedPollPromptly) {
  write_file(path_, "");
  TaskRun<sluice_source_hooks> task(source_plugin());
  ASSERT_EQ(task.start(ConfigArg{{"file", path_}, {"topic", "t"}}), SLUICE_OK);
  std::thread waker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    task.hooks()->wake(task.task());
  });
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(poll_source(task, 20000).empty());
  waker.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(FileSourcePluginTest, RotationIsLoggedAsAWarningThroughTheHost) {
  write_file(path_, "old\n");
  TaskRun<sluice_source_hooks> task(source_plugin());
  ASSERT_EQ(task.start(ConfigArg{{"file", path_}, {"topic", "t"}}), SLUICE_OK);
  EXPECT_EQ(poll_source(task).size(), 1u);
  std::filesystem::rename(path_, path_ + ".1");
  write_file(path_, "new\n");
  auto records = poll_source(task);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].value, "new");
  EXPECT_EQ(records[0].offset, (FieldMap{{"position", "4"}}));
  bool warned = false;
  for (const auto& line : FakeHost::instance().take_logs()) {
    warned = warned || (line.rfind("WARN ", 0) == 0 && line.find(path_) != std::string::npos);
  }
  EXPECT_TRUE(warned);
}

TEST_F(FileSourcePluginTest, AlterOffsetsChecksTheShapeOfNewOffsets) {
  const auto* hooks = static_cast<const sluice_source_hooks*>(source_plugin()->hooks);
  sluice_host_ctx ctx;
  sluice_connector* connector = nullptr;
  ASSERT_EQ(hooks->connector.create(&ctx, &connector), SLUICE_OK);
  ConfigArg config{{"topic", "t"}};
  sluice_field partition{{"filename", 8}, SLUICE_FIELD_STRING, 0, {}};
  partition.v.s = sluice_str{"a.txt", 5};
  sluice_field good{{"position", 8}, SLUICE_FIELD_INT64, 0, {}};
  good.v.i = 10;
  sluice_field bad{{"position", 8}, SLUICE_FIELD_INT64, 0, {}};
  bad.v.i = -1;
  sluice_offset_change change{&partition, 1, 1, &good};
  EXPECT_EQ(hooks->connector.alter_offsets(connector, config.get(), &change, 1), SLUICE_OK);
  change.offset = &bad;
  EXPECT_NE(hooks->connector.alter_offsets(connector, config.get(), &change, 1), SLUICE_OK);
  EXPECT_NE(ctx.last_error.find("position"), std::string::npos) << ctx.last_error;
  sluice_offset_change reset{&partition, 1, 0, nullptr};
  EXPECT_EQ(hooks->connector.alter_offsets(connector, config.get(), &reset, 1), SLUICE_OK);
  hooks->connector.destroy(connector);
}

// A STRING/BYTES/NULL/TYPED value for a sink record.
sluice_data string_data(std::string_view text, uint32_t form = SLUICE_FORM_STRING) {
  sluice_data d{};
  d.form = form;
  d.bytes = sluice_bytes{reinterpret_cast<const uint8_t*>(text.data()), text.size()};
  return d;
}

sluice_record sink_record(sluice_data value, int64_t offset) {
  sluice_record r{};
  r.topic = sluice_str{"events", 6};
  r.partition = 0;
  r.offset = offset;
  r.timestamp_ms = -1;
  r.value = value;
  return r;
}

TEST(FileSinkPluginTest, AppendsValuesAsLinesAtTheEndOfEachPut) {
  TempDir dir;
  std::string path = dir.file("out.txt");
  write_file(path, "before\n");
  ConnectorRun<sluice_sink_hooks> connector(sink_plugin());
  ASSERT_EQ(connector.start(ConfigArg{{"file", path}}, 3), SLUICE_OK) << connector.error();
  ASSERT_EQ(connector.tasks().size(), 1u);
  TaskRun<sluice_sink_hooks> task(sink_plugin());
  ASSERT_EQ(task.start(connector.tasks()[0]), SLUICE_OK) << task.error();

  // A typed struct {1, "x", [true]} with a schema id, i.e. a value the sink renders as JSON.
  sluice_value nodes[5] = {};
  nodes[0].type = SLUICE_VALUE_STRUCT, nodes[0].span = 5, nodes[0].u.count = 3;
  nodes[1].type = SLUICE_VALUE_INT32, nodes[1].span = 1, nodes[1].u.i = 1;
  nodes[2].type = SLUICE_VALUE_STRING, nodes[2].span = 1;
  nodes[2].u.b = sluice_bytes{reinterpret_cast<const uint8_t*>("x"), 1};
  nodes[3].type = SLUICE_VALUE_ARRAY, nodes[3].span = 2, nodes[3].u.count = 1;
  nodes[4].type = SLUICE_VALUE_BOOLEAN, nodes[4].span = 1, nodes[4].u.i = 1;
  sluice_data typed{};
  typed.form = SLUICE_FORM_TYPED;
  typed.schema_id = 1;
  typed.nodes = nodes;
  typed.node_count = 5;

  sluice_record records[4] = {sink_record(string_data("hello"), 0),
                              sink_record(string_data("raw\tbytes", SLUICE_FORM_BYTES), 1),
                              sink_record(sluice_data{}, 2), sink_record(typed, 3)};
  sluice_record_batch batch{records, 4, sizeof(sluice_record)};
  ASSERT_EQ(task.hooks()->put(task.task(), &batch), SLUICE_OK) << task.error();
  // Each put reaches the file at once (readers see it); flush then makes it durable.
  const std::string expected = "before\nhello\nraw\tbytes\nnull\n[1,\"x\",[true]]\n";
  EXPECT_EQ(read_file(path), expected) << "written out at the end of put";
  sluice_tp_offset current{{"events", 6}, 0, 0, 4};
  ASSERT_EQ(task.hooks()->flush(task.task(), &current, 1), SLUICE_OK) << task.error();
  EXPECT_EQ(read_file(path), expected);
}

TEST(FileSinkPluginTest, UnwritablePathFailsTheTaskStartNamingTheFile) {
  TempDir dir;
  std::string path = dir.file("no-such-dir/out.txt");
  TaskRun<sluice_sink_hooks> task(sink_plugin());
  EXPECT_NE(task.start(ConfigArg{{"file", path}}), SLUICE_OK);
  EXPECT_NE(task.error().find(path), std::string::npos) << task.error();
}

}  // namespace
}  // namespace sluice::connectors::testing
