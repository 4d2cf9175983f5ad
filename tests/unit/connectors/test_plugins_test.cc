// The fixtures in tests/plugins/ (built into <build>/test-plugins/) really carry the defect each
// one is named after, as seen by a loader: so the worker's loader tests that use them test what
// they claim. The refusal texts themselves are the worker's (runtime/plugin) to test.
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/connectors/fake_host.h"

namespace sluice::connectors::testing {
namespace {

std::string fixture(const char* name) {
  return std::string(SLUICE_TEST_PLUGIN_DIR "/") + name;
}

TEST(TestPluginsTest, GoodMixedIsAValidTwoPluginLibrary) {
  LoadedLibrary loaded = load_library(fixture("libgood_mixed.so"));
  ASSERT_NE(loaded.library, nullptr) << loaded.error;
  EXPECT_EQ(loaded.library->abi_major, SLUICE_ABI_MAJOR);
  EXPECT_EQ(loaded.library->abi_minor, SLUICE_ABI_MINOR);
  ASSERT_EQ(loaded.library->plugin_count, 2u);
  const auto* sink = find_plugin(loaded.library, "io.sluice.test.GoodMixedSinkConnector");
  ASSERT_NE(sink, nullptr);
  EXPECT_NE(static_cast<const sluice_sink_hooks*>(sink->hooks)->put, nullptr);
}

TEST(TestPluginsTest, AbiVersionFixturesClaimMajorTwoAndMinorNine) {
  LoadedLibrary major = load_library(fixture("libbad_abi_major.so"));
  ASSERT_NE(major.library, nullptr) << major.error;
  EXPECT_EQ(major.library->abi_major, 2);
  LoadedLibrary minor = load_library(fixture("libbad_abi_minor.so"));
  ASSERT_NE(minor.library, nullptr) << minor.error;
  EXPECT_EQ(minor.library->abi_major, SLUICE_ABI_MAJOR);
  EXPECT_EQ(minor.library->abi_minor, 9);
}

TEST(TestPluginsTest, MissingPutFixtureHasAValidSourceBesideTheBrokenSink) {
  LoadedLibrary loaded = load_library(fixture("libbad_missing_put.so"));
  ASSERT_NE(loaded.library, nullptr) << loaded.error;
  const auto* sink = find_plugin(loaded.library, "io.sluice.test.NoPutSinkConnector");
  ASSERT_NE(sink, nullptr);
  EXPECT_EQ(static_cast<const sluice_sink_hooks*>(sink->hooks)->put, nullptr);
  EXPECT_NE(find_plugin(loaded.library, "io.sluice.test.HalfGoodSourceConnector"), nullptr);
}

TEST(TestPluginsTest, EntryAndSymbolFixtures) {
  LoadedLibrary null_entry = load_library(fixture("libbad_entry_null.so"));
  EXPECT_TRUE(null_entry.error.empty()) << null_entry.error;
  EXPECT_EQ(null_entry.library, nullptr);
  LoadedLibrary no_entry = load_library(fixture("libbad_no_entry.so"));
  EXPECT_NE(no_entry.error.find("no sluice_plugin_entry symbol"), std::string::npos)
      << no_entry.error;
  LoadedLibrary notes = load_library(fixture("notes.so"));
  EXPECT_EQ(notes.library, nullptr);
  EXPECT_NE(notes.error.find("notes.so"), std::string::npos) << notes.error;
}

TEST(TestPluginsTest, ConfigAndDuplicateFixtures) {
  LoadedLibrary bad_default = load_library(fixture("libbad_config_default.so"));
  ASSERT_NE(bad_default.library, nullptr) << bad_default.error;
  const sluice_config_key* keys = bad_default.library->plugins[0]->config_keys;
  ASSERT_NE(keys, nullptr);
  EXPECT_STREQ(keys[1].name, "batch.size");
  EXPECT_EQ(keys[1].type, uint32_t{SLUICE_CONFIG_INT});
  EXPECT_STREQ(keys[1].default_value, "ten");
  LoadedLibrary duplicate = load_library(fixture("libbad_duplicate_class.so"));
  ASSERT_NE(duplicate.library, nullptr) << duplicate.error;
  EXPECT_STREQ(duplicate.library->plugins[0]->class_name,
               "org.apache.kafka.connect.file.FileStreamSourceConnector");
}

}  // namespace
}  // namespace sluice::connectors::testing
