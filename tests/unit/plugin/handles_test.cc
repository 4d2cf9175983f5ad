// The typed adapters: hook statuses and set_error texts become the documented Status messages,
// OK drops the text, exceptions become EXCEPTION, outputs are checked and copied, instances are
// destroyed exactly once (never when abandoned); Props ↔ sluice_config; PluginConverter; the
// generated Markdown page.
#include "runtime/plugin/handles.h"

#include <gtest/gtest.h>

#include "runtime/plugin/abi_names.h"
#include "runtime/plugin/config_view.h"
#include "runtime/plugin/plugin_converter.h"
#include "runtime/plugin/plugin_docs.h"
#include "tests/unit/plugin/fake_plugin.h"

namespace sluice::plugin {
namespace {

using testing::FakeLibrary;
using testing::FakeScript;
using testing::make_descriptor;

class HandlesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeScript::get().reset();
    ASSERT_TRUE(registry_.add_library_for_testing(&lib_.lib(), "libfake.so").is_ok());
  }
  const PluginInfo& info(std::string_view name) { return *registry_.find(name); }
  std::unique_ptr<HostContext> ctx(int32_t task) {
    return make_context({"files", task, "127.0.0.1:8083", "x"}, nullptr, nullptr);
  }
  std::unique_ptr<ConnectorHandle> connector(std::string_view name = "FakeSource") {
    auto h = ConnectorHandle::create(info(name), ctx(-1));
    EXPECT_TRUE(h.is_ok()) << h.status().to_string();
    return std::move(h).value();
  }

  FakeLibrary lib_{{make_descriptor(SLUICE_KIND_SOURCE, "com.example.FakeSourceConnector"),
                    make_descriptor(SLUICE_KIND_SINK, "com.example.FakeSinkConnector"),
                    make_descriptor(SLUICE_KIND_CONVERTER, "com.example.FakeConverter")}};
  PluginRegistry registry_;
};

TEST_F(HandlesTest, StatusWithTextBecomesTheDocumentedMessage) {
  auto h = connector();
  FakeScript::get().status["start"] = SLUICE_ERR_CONFIG;
  FakeScript::get().error_text["start"] = "topic is required";
  Status s = h->start({{"topic", ""}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "com.example.FakeSourceConnector connector files failed in start: CONFIG: topic is "
            "required");
  EXPECT_EQ(h->last_status(), SLUICE_ERR_CONFIG);
  EXPECT_EQ(FakeScript::get().last_config.at("topic"), "");
  EXPECT_EQ(FakeScript::get().last_ctx, &h->context());
}

TEST_F(HandlesTest, StatusWithoutTextNamesHookNameAndValue) {
  auto h = connector();
  FakeScript::get().status["stop"] = SLUICE_ERR_FAILED;
  Status s = h->stop();
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_EQ(s.message(),
            "com.example.FakeSourceConnector connector files failed in stop: stop returned FAILED "
            "(3) without an error message");
  FakeScript::get().status["stop"] = 42;  // unknown values are FAILED
  s = h->stop();
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_NE(s.message().find("stop returned FAILED (42)"), std::string_view::npos);
}

TEST_F(HandlesTest, TextSetDuringAnOkHookIsDropped) {
  auto h = connector();
  FakeScript::get().error_text["start"] = "stale";
  EXPECT_TRUE(h->start({}).is_ok());
  FakeScript::get().error_text.erase("start");
  FakeScript::get().status["start"] = SLUICE_ERR_RETRIABLE;
  Status s = h->start({});
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.message().find("stale"), std::string_view::npos) << s.message();
}

TEST_F(HandlesTest, CreateFailureAndWrongKind) {
  FakeScript::get().status["create"] = SLUICE_ERR_FAILED;
  FakeScript::get().error_text["create"] = "no licence";
  auto h = ConnectorHandle::create(info("FakeSink"), ctx(-1));
  ASSERT_FALSE(h.is_ok());
  EXPECT_EQ(h.status().message(),
            "com.example.FakeSinkConnector connector files failed in create: FAILED: no licence");
  EXPECT_EQ(FakeScript::get().destroyed, 0) << "nothing to destroy";
  auto wrong = ConnectorHandle::create(info("FakeConverter"), ctx(-1));
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
  auto wrong_task = SinkTaskHandle::create(info("FakeSource"), ctx(0));
  EXPECT_FALSE(wrong_task.is_ok());
}

TEST_F(HandlesTest, ValidateCollectsKeyErrors) {
  auto h = connector();
  FakeScript::get().during["validate"] = [](sluice_host_ctx* c) {
    host_api()->config_error(c, str_of("topic"), str_of("must not be empty"));
    host_api()->config_error(c, str_of("nonsense.key"), str_of("unknown"));
  };
  std::vector<KeyError> errors;
  ASSERT_TRUE(h->validate({{"topic", ""}}, &errors).is_ok());
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], KeyError("topic", "must not be empty"));
  EXPECT_EQ(errors[1].first, "nonsense.key");
  // Outside validate, config_error is refused.
  int32_t outside = SLUICE_OK;
  FakeScript::get().during["start"] = [&](sluice_host_ctx* c) {
    outside = host_api()->config_error(c, str_of("topic"), str_of("x"));
  };
  ASSERT_TRUE(h->start({}).is_ok());
  EXPECT_EQ(outside, SLUICE_ERR_ILLEGAL_STATE);
}

TEST_F(HandlesTest, TaskConfigsAreCopiedAndBounded) {
  auto h = connector();
  FakeScript::get().task_configs = {{{"file", "a"}, {"topic", "t"}}, {{"file", "b"}}};
  auto configs = h->task_configs(2);
  ASSERT_TRUE(configs.is_ok()) << configs.status().to_string();
  ASSERT_EQ(configs->size(), 2u);
  EXPECT_EQ((*configs)[0].at("topic"), "t");
  EXPECT_EQ((*configs)[1].at("file"), "b");
  auto too_many = h->task_configs(1);
  ASSERT_FALSE(too_many.is_ok());
  EXPECT_EQ(too_many.status().message(),
            "com.example.FakeSourceConnector connector files failed in task_configs: FAILED: "
            "returned 2 task configs but tasks.max is 1");
  // tasks.max.enforce=false: kept, with a warning.
  auto unenforced = h->task_configs(1, /*enforce_max=*/false);
  ASSERT_TRUE(unenforced.is_ok()) << unenforced.status().to_string();
  EXPECT_EQ(unenforced->size(), 2u);
}

TEST_F(HandlesTest, ConnectorIsDestroyedOnce) {
  {
    auto h = connector();
    EXPECT_TRUE(h->has_alter_offsets());
    EXPECT_TRUE(h->alter_offsets({{"k", "v"}}, {}).is_ok());
  }
  EXPECT_EQ(FakeScript::get().destroyed, 1);
  EXPECT_EQ(FakeScript::get().calls.back(), "destroy");
}

TEST_F(HandlesTest, SourceTaskLifecycleAndExceptions) {
  auto created = SourceTaskHandle::create(info("FakeSource"), ctx(2));
  ASSERT_TRUE(created.is_ok());
  auto task = std::move(created).value();
  EXPECT_EQ(task->context().role(), ContextRole::kSourceTask);
  ASSERT_TRUE(task->start({{"file", "a"}}).is_ok());
  sluice_record_batch batch{};
  ASSERT_TRUE(task->poll(10, &batch).is_ok());
  EXPECT_EQ(batch.count, 0u);
  FakeScript::get().status["poll"] = SLUICE_ERR_RETRIABLE;
  FakeScript::get().error_text["poll"] = "upstream busy";
  Status s = task->poll(10, &batch);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(
      s.message(),
      "com.example.FakeSourceConnector task files-2 failed in poll: RETRIABLE: upstream busy");
  FakeScript::get().throw_in_poll = true;
  s = task->poll(10, &batch);
  EXPECT_EQ(task->last_status(), SLUICE_ERR_EXCEPTION);
  EXPECT_NE(s.message().find("failed in poll: EXCEPTION:"), std::string_view::npos) << s.message();
  FakeScript::get().throw_in_poll = false;
  EXPECT_TRUE(task->commit_record(7, nullptr).is_ok());
  EXPECT_TRUE(task->commit().is_ok());
  task->wake();
  EXPECT_TRUE(task->stop().is_ok());
  task.reset();
  EXPECT_EQ(FakeScript::get().destroyed, 1);
  std::vector<std::string> tail(FakeScript::get().calls.end() - 5, FakeScript::get().calls.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"commit_record", "commit", "wake", "task_stop",
                                            "task_destroy"}));
}

TEST_F(HandlesTest, AbandonedTaskIsNeverDestroyed) {
  auto task = std::move(SourceTaskHandle::create(info("FakeSource"), ctx(0))).value();
  task->abandon();
  task->wake();  // no longer called
  task.reset();
  EXPECT_EQ(FakeScript::get().destroyed, 0);
  EXPECT_EQ(std::count(FakeScript::get().calls.begin(), FakeScript::get().calls.end(), "wake"), 0);
  // The host never destroys it; the test releases the fake plugin's instance itself.
  testing::fake_source_hooks().task_destroy(FakeScript::get().last_task);
}

TEST_F(HandlesTest, SinkPutSeesTheBatchAndPreCommitIsChecked) {
  auto task = std::move(SinkTaskHandle::create(info("FakeSink"), ctx(0))).value();
  ASSERT_TRUE(task->start({}).is_ok());
  sluice_topic_partition tps[1] = {{str_of("lines"), 0, 0}};
  ASSERT_TRUE(task->open(tps).is_ok());
  sluice_record records[2] = {};
  sluice_record_batch batch{records, 2, sizeof(sluice_record)};
  int32_t errant = -1;
  FakeScript::get().during["put"] = [&](sluice_host_ctx* c) {
    errant = host_api()->report_errant(c, &records[1], str_of("bad"));
  };
  Status put = task->put(batch);
  EXPECT_TRUE(put.is_ok());
  EXPECT_EQ(errant, SLUICE_ERR_FAILED) << "no listener: tolerance none";
  EXPECT_EQ(task->context().current_batch(), nullptr) << "batch cleared after put";

  std::string topic_a = "lines", topic_b = "other";
  std::vector<sluice_tp_offset> current = {{str_of(topic_a), 0, 0, 100},
                                           {str_of(topic_b), 1, 0, 50}};
  std::string plugin_topic = "lines";  // the plugin's own memory for the topic
  FakeScript::get().pre_commit_result = {{str_of(plugin_topic), 0, 0, 90}};
  std::vector<sluice_tp_offset> safe;
  ASSERT_TRUE(task->pre_commit(current, &safe).is_ok());
  ASSERT_EQ(safe.size(), 1u);
  EXPECT_EQ(safe[0].offset, 90);
  EXPECT_EQ(safe[0].topic.ptr, topic_a.data()) << "topic views point into current";

  FakeScript::get().pre_commit_result = {{str_of(topic_a), 0, 0, 101}};
  Status beyond = task->pre_commit(current, &safe);
  EXPECT_FALSE(beyond.is_ok());
  EXPECT_NE(beyond.message().find("returned offset 101 for lines-0"), std::string_view::npos)
      << beyond.message();
  FakeScript::get().pre_commit_result = {{str_of(topic_a), 7, 0, 1}};
  EXPECT_FALSE(task->pre_commit(current, &safe).is_ok());
  FakeScript::get().pre_commit_result = {
      {str_of(topic_a), 0, 0, 1}, {str_of(topic_b), 1, 0, 1}, {str_of(topic_b), 1, 0, 1}};
  EXPECT_FALSE(task->pre_commit(current, &safe).is_ok()) << "more entries than partitions";
  FakeScript::get().pre_commit_result.clear();
  FakeScript::get().status["pre_commit"] = SLUICE_ERR_RETRIABLE;
  EXPECT_EQ(task->pre_commit(current, &safe).code(), StatusCode::kUnavailable);
  EXPECT_TRUE(safe.empty());
  EXPECT_TRUE(task->close(tps).is_ok());
  EXPECT_TRUE(task->stop().is_ok());
}

TEST_F(HandlesTest, SinkWithoutPreCommitFlushesThenCommitsCurrent) {
  sluice_sink_hooks lean = testing::fake_sink_hooks();
  lean.pre_commit = nullptr;
  FakeLibrary lib({make_descriptor(SLUICE_KIND_SINK, "com.example.LeanSinkConnector")});
  lib.descriptor(0).hooks = &lean;
  PluginRegistry registry;
  ASSERT_TRUE(registry.add_library_for_testing(&lib.lib(), "lean.so").is_ok());
  auto task = std::move(SinkTaskHandle::create(*registry.find("LeanSink"), ctx(0))).value();
  std::vector<sluice_tp_offset> current = {{str_of("t"), 0, 0, 5}};
  std::vector<sluice_tp_offset> safe;
  ASSERT_TRUE(task->pre_commit(current, &safe).is_ok());
  ASSERT_EQ(safe.size(), 1u);
  EXPECT_EQ(safe[0].offset, 5);
  EXPECT_EQ(FakeScript::get().calls.back(), "flush");
  FakeScript::get().status["flush"] = SLUICE_ERR_FAILED;
  EXPECT_FALSE(task->pre_commit(current, &safe).is_ok());
  EXPECT_TRUE(safe.empty()) << "a failed flush commits nothing";
}

TEST(ConfigViewTest, PropsRoundTrip) {
  config::Props props = {{"a", "1"}, {"empty", ""}, {"topic", "lines"}};
  ConfigView view(props);
  ASSERT_EQ(view.get()->count, 3u);
  EXPECT_EQ(view_of(view.get()->entries[2].value), "lines");
  EXPECT_EQ(view.get()->entries[2].value.ptr, props["topic"].data()) << "a view, not a copy";
  auto back = props_from_config(*view.get(), "test");
  ASSERT_TRUE(back.is_ok());
  EXPECT_EQ(*back, props);

  ConfigView empty_view(config::Props{});
  EXPECT_EQ(empty_view.get()->count, 0u);

  sluice_kv dup[2] = {{str_of("k"), str_of("1")}, {str_of("k"), str_of("2")}};
  auto twice = props_from_config({dup, 2}, "task config 0");
  ASSERT_FALSE(twice.is_ok());
  EXPECT_EQ(twice.status().message(), "task config 0: key 'k' appears twice");
  sluice_kv bad[1] = {{sluice_str{nullptr, 4}, str_of("1")}};
  EXPECT_FALSE(props_from_config({bad, 1}, "x").is_ok());
  EXPECT_FALSE(props_from_config({nullptr, 3}, "x").is_ok());
}

TEST_F(HandlesTest, PluginConverterWrapsTheHooks) {
  auto conv = PluginConverter::create(info("FakeConverter"), ctx(0), {{"schemas.enable", "false"}},
                                      /*is_key=*/false);
  ASSERT_TRUE(conv.is_ok()) << conv.status().to_string();
  data::Converter& c = **conv;
  sluice_data in{};
  sluice_bytes out{};
  EXPECT_TRUE(c.from_connect("t", in, &out).is_ok());
  sluice_data back{};
  EXPECT_TRUE(c.to_connect("t", sluice_bytes{nullptr, 0}, &back).is_ok());
  auto not_a_converter = PluginConverter::create(info("FakeSource"), ctx(0), {}, /*is_key=*/true);
  EXPECT_FALSE(not_a_converter.is_ok());
}

TEST(PluginDocsTest, RendersTheKeyTable) {
  static const char* const kModes[] = {"none", "all", nullptr};
  static const sluice_config_key kKeys[] = {{.name = "topic",
                                             .type = SLUICE_CONFIG_STRING,
                                             .importance = SLUICE_IMPORTANCE_HIGH,
                                             .flags = SLUICE_KEY_REQUIRED | SLUICE_KEY_NON_EMPTY,
                                             .doc = "Topic to write to.",
                                             .order_in_group = -1},
                                            {.name = "batch.size",
                                             .type = SLUICE_CONFIG_INT,
                                             .importance = SLUICE_IMPORTANCE_LOW,
                                             .default_value = "2000",
                                             .doc = "Lines per poll | at most.",
                                             .order_in_group = -1,
                                             .min_value = "1"},
                                            {.name = "mode",
                                             .type = SLUICE_CONFIG_STRING,
                                             .importance = SLUICE_IMPORTANCE_MEDIUM,
                                             .default_value = "none",
                                             .doc = "Mode.",
                                             .order_in_group = -1,
                                             .valid_values = kModes},
                                            {.name = "secret",
                                             .type = SLUICE_CONFIG_PASSWORD,
                                             .importance = SLUICE_IMPORTANCE_LOW,
                                             .doc = "A secret.",
                                             .order_in_group = -1},
                                            {.name = nullptr}};
  FakeLibrary lib(
      {make_descriptor(SLUICE_KIND_SOURCE, "com.example.TickerSourceConnector", kKeys)});
  PluginRegistry registry;
  ASSERT_TRUE(registry.add_library_for_testing(&lib.lib(), "libticker.so").is_ok());
  std::string md = render_connector_markdown(*registry.find("TickerSource"));
  EXPECT_EQ(md.rfind("# TickerSourceConnector\n", 0), 0u) << md;
  EXPECT_NE(md.find("| Class | `com.example.TickerSourceConnector` |"), std::string::npos) << md;
  EXPECT_NE(md.find("| Kind | source connector |"), std::string::npos);
  EXPECT_NE(md.find("`TickerSource`, `TickerSourceConnector`"), std::string::npos) << md;
  EXPECT_NE(md.find("| `topic` | STRING | (required) | non-empty | HIGH | Topic to write to. |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| `batch.size` | INT | `2000` | ≥ 1 | LOW | Lines per poll \\| at most. |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| `mode` | STRING | `none` | one of `none`, `all` | MEDIUM | Mode. |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| `secret` | PASSWORD | null |  | LOW | A secret. (Sensitive"),
            std::string::npos)
      << md;
  EXPECT_EQ(md, render_connector_markdown(*registry.find("TickerSource"))) << "deterministic";
}

}  // namespace
}  // namespace sluice::plugin
