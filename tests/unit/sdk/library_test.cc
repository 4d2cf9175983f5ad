// The entry function and descriptors: SLUICE_PLUGIN_LIBRARY's entry checks the host's ABI major
// (§1 rule 1), builds static descriptors from the plugin specs and refuses (NULL + a log line)
// a library whose config definition is wrong.
#include <gtest/gtest.h>

#include <sluice/sdk.h>

#include <cstring>
#include <string>

#include "tests/unit/sdk/fake_host.h"

namespace sluice::sdk_test {
namespace {

class SrcConnector : public SourceConnector {
 public:
  static ConfigDef config_def() {
    return ConfigDef().define("file", ConfigType::kString, Importance::kHigh, "File.", {});
  }
  void start(const Config&) override {}
  std::vector<TaskConfig> task_configs(uint32_t) override { return {{}}; }
};
class SrcTask : public SourceTask {
 public:
  void start(const Config&) override {}
  void poll(uint32_t, SourceRecordBatch&) override {}
};
class SnkConnector : public SinkConnector {
 public:
  static std::string version() { return "9.9.9"; }
  void start(const Config&) override {}
  std::vector<TaskConfig> task_configs(uint32_t) override { return {{}}; }
};
class SnkTask : public SinkTask {
 public:
  void start(const Config&) override {}
  void put(std::span<const SinkRecord>) override {}
};
class BadDefConnector : public SrcConnector {
 public:
  static ConfigDef config_def() {
    return ConfigDef().define("name", ConfigType::kString, Importance::kHigh, "Owned by host.");
  }
};

}  // namespace
}  // namespace sluice::sdk_test

using sluice::sdk_test::SnkConnector;
using sluice::sdk_test::SnkTask;
using sluice::sdk_test::SrcConnector;
using sluice::sdk_test::SrcTask;

SLUICE_PLUGIN_LIBRARY("test-lib", "0.3.0",
                      sluice::source_plugin<SrcConnector, SrcTask>("com.example.SrcConnector",
                                                                   "A source.", {"Src1", "Src2"}),
                      sluice::sink_plugin<SnkConnector, SnkTask>("com.example.SnkConnector"))

namespace sluice::sdk_test {
namespace {

TEST(LibraryTest, EntryBuildsDescriptors) {
  FakeHost host;
  sluice_plugin_entry_fn entry = &sluice_plugin_entry;
  const sluice_library* lib = entry(host.api());
  ASSERT_NE(lib, nullptr);
  EXPECT_EQ(entry(host.api()), lib);  // static data, built once
  EXPECT_EQ(lib->abi_major, SLUICE_ABI_MAJOR);
  EXPECT_EQ(lib->abi_minor, SLUICE_ABI_MINOR);
  EXPECT_EQ(lib->struct_size, sizeof(sluice_library));
  EXPECT_STREQ(lib->library_name, "test-lib");
  EXPECT_STREQ(lib->library_version, "0.3.0");
  ASSERT_EQ(lib->plugin_count, 2u);

  const sluice_plugin_descriptor* src = lib->plugins[0];
  EXPECT_EQ(src->abi_major, SLUICE_ABI_MAJOR);
  EXPECT_EQ(src->struct_size, sizeof(sluice_plugin_descriptor));
  EXPECT_EQ(src->kind, static_cast<uint32_t>(SLUICE_KIND_SOURCE));
  EXPECT_EQ(src->config_key_size, sizeof(sluice_config_key));
  EXPECT_STREQ(src->class_name, "com.example.SrcConnector");
  EXPECT_STREQ(src->version, "0.3.0");  // no version(): the library's
  EXPECT_STREQ(src->description, "A source.");
  ASSERT_NE(src->aliases, nullptr);
  EXPECT_STREQ(src->aliases[0], "Src1");
  EXPECT_STREQ(src->aliases[1], "Src2");
  EXPECT_EQ(src->aliases[2], nullptr);
  EXPECT_STREQ(src->config_keys[0].name, "file");
  EXPECT_EQ(src->config_keys[1].name, nullptr);
  auto* hooks = static_cast<const sluice_source_hooks*>(src->hooks);
  EXPECT_EQ(hooks->struct_size, sizeof(sluice_source_hooks));
  EXPECT_NE(hooks->poll, nullptr);

  const sluice_plugin_descriptor* snk = lib->plugins[1];
  EXPECT_EQ(snk->kind, static_cast<uint32_t>(SLUICE_KIND_SINK));
  EXPECT_STREQ(snk->version, "9.9.9");
  EXPECT_EQ(snk->description, nullptr);
  EXPECT_EQ(snk->aliases, nullptr);
  EXPECT_STREQ(snk->config_keys[0].name, nullptr);
  EXPECT_EQ(static_cast<const sluice_sink_hooks*>(snk->hooks)->struct_size,
            SLUICE_SINK_HOOKS_V1_0_SIZE);
}

TEST(LibraryTest, ForeignMajorGetsStaticDataAndNoCalls) {
  FakeHost host;
  sdk_detail::g_host = nullptr;
  sluice_host_api foreign = *host.api();
  foreign.abi_major = 2;
  const sluice_library* lib = sdk_detail::build_library(
      &foreign, "x", "1", {source_plugin<SrcConnector, SrcTask>("com.example.X")});
  ASSERT_NE(lib, nullptr);
  EXPECT_EQ(lib->abi_major, SLUICE_ABI_MAJOR);
  EXPECT_EQ(lib->plugin_count, 0u);
  EXPECT_EQ(sdk_detail::g_host, nullptr);  // the host is not used
  EXPECT_TRUE(host.logs.empty());
  EXPECT_EQ(sdk_detail::build_library(nullptr, "x", "1", {}), nullptr);
}

TEST(LibraryTest, BadDefinitionRefusesTheLibraryWithALogLine) {
  FakeHost host;
  const sluice_library* lib = sdk_detail::build_library(
      host.api(), "bad-lib", "1.0", {source_plugin<BadDefConnector, SrcTask>("com.example.Bad")});
  EXPECT_EQ(lib, nullptr);
  ASSERT_EQ(host.logs.size(), 1u);
  EXPECT_EQ(host.logs[0].first, static_cast<uint32_t>(SLUICE_LOG_ERROR));
  EXPECT_NE(host.logs[0].second.find("com.example.Bad"), std::string::npos);
  EXPECT_NE(host.logs[0].second.find("'name' belongs to the worker"), std::string::npos);

  EXPECT_EQ(sdk_detail::build_library(host.api(), "v", nullptr,
                                      {source_plugin<SrcConnector, SrcTask>("com.example.V")}),
            nullptr);  // no version anywhere
  EXPECT_EQ(
      sdk_detail::build_library(host.api(), "e", "1", {source_plugin<SrcConnector, SrcTask>("")}),
      nullptr);
}

}  // namespace
}  // namespace sluice::sdk_test
