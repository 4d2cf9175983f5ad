// PluginRegistry: every refusal rule of docs/formats/plugin-abi.md §11 (and the key-table rules
// of §6 as the registry applies them) on in-memory descriptors, alias derivation and ambiguity,
// lookups and their error messages, and loading the tests/plugins shared libraries with dlopen.
#include "runtime/plugin/plugin_registry.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "runtime/plugin/host.h"
#include "tests/unit/plugin/fake_plugin.cc"  // NOLINT: the fake's definitions, linked once here

namespace sluice::plugin {
namespace {

using testing::FakeLibrary;
using testing::make_descriptor;

// Registers `lib` into a fresh registry and returns the refusal reason ("" if registered).
std::string refusal_of(FakeLibrary& lib) {
  PluginRegistry registry;
  Status s = registry.add_library_for_testing(&lib.lib(), "libfake.so");
  if (s.is_ok()) {
    EXPECT_TRUE(registry.refused().empty());
    return "";
  }
  EXPECT_EQ(registry.refused().size(), 1u);
  EXPECT_TRUE(registry.plugins().empty()) << "a refused library registers nothing";
  if (registry.refused().empty()) return "";
  EXPECT_EQ(registry.refused()[0].file, "libfake.so");
  EXPECT_EQ(registry.refused()[0].reason, s.message());
  return registry.refused()[0].reason;
}

FakeLibrary valid_two_plugin_library() {
  return FakeLibrary({make_descriptor(SLUICE_KIND_SOURCE, "com.example.TickerSourceConnector"),
                      make_descriptor(SLUICE_KIND_SINK, "com.example.TickerSinkConnector")});
}

TEST(PluginRegistryTest, ValidLibraryRegistersAllPlugins) {
  static const sluice_config_key kKeys[] = {{.name = "topic",
                                             .type = SLUICE_CONFIG_STRING,
                                             .importance = SLUICE_IMPORTANCE_HIGH,
                                             .flags = SLUICE_KEY_REQUIRED,
                                             .doc = "Topic.",
                                             .order_in_group = -1},
                                            {.name = nullptr}};
  FakeLibrary lib({make_descriptor(SLUICE_KIND_SOURCE, "com.example.TickerSourceConnector", kKeys),
                   make_descriptor(SLUICE_KIND_SINK, "com.example.TickerSinkConnector"),
                   make_descriptor(SLUICE_KIND_CONVERTER, "com.example.AvroConverter"),
                   make_descriptor(SLUICE_KIND_TRANSFORM, "com.example.MaskTransformation")});
  PluginRegistry registry;
  ASSERT_TRUE(registry.add_library_for_testing(&lib.lib(), "libticker.so").is_ok());
  auto all = registry.plugins();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0]->class_name, "com.example.AvroConverter");  // sorted by class name
  EXPECT_EQ(all[3]->class_name, "com.example.TickerSourceConnector");
  const PluginInfo* source = registry.find("com.example.TickerSourceConnector");
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(source->kind, PluginKind::kSource);
  EXPECT_EQ(source->version, "1.2.3");
  EXPECT_EQ(source->description, "A fake plugin.");
  EXPECT_EQ(source->library_file, "libticker.so");
  EXPECT_EQ(source->descriptor, &lib.descriptor(0));
  EXPECT_EQ(source->hooks, lib.descriptor(0).hooks);
  ASSERT_EQ(source->config_keys.size(), 1u);
  EXPECT_EQ(source->config_keys[0].name, "topic");
  ASSERT_TRUE(source->config_def.has_value());
  EXPECT_NE(source->config_def->find("topic"), nullptr);
  EXPECT_NE(source->config_def->find("connector.class"), nullptr);  // common keys added
  EXPECT_EQ(registry.find("com.example.AvroConverter")->kind, PluginKind::kConverter);
  EXPECT_FALSE(registry.find("com.example.AvroConverter")->config_def.has_value());
  EXPECT_EQ(registry.find("MaskTransformation")->kind, PluginKind::kTransform);
  EXPECT_EQ(registry.find("Mask")->class_name, "com.example.MaskTransformation");
  EXPECT_EQ(registry.find("Avro")->class_name, "com.example.AvroConverter");
  EXPECT_EQ(registry.find("TickerSink")->kind, PluginKind::kSink);
  EXPECT_EQ(registry.find("tickersink"), nullptr);  // names are case-sensitive
}

TEST(PluginRegistryTest, DerivedAliases) {
  EXPECT_EQ(derived_aliases("org.apache.kafka.connect.file.FileStreamSourceConnector"),
            (std::vector<std::string>{"FileStreamSourceConnector", "FileStreamSource"}));
  EXPECT_EQ(derived_aliases("a.b.JsonConverter"),
            (std::vector<std::string>{"JsonConverter", "Json"}));
  EXPECT_EQ(derived_aliases("a.b.InsertFieldTransformation"),
            (std::vector<std::string>{"InsertFieldTransformation", "InsertField"}));
  EXPECT_EQ(derived_aliases("a.Plain"), (std::vector<std::string>{"Plain"}));
  EXPECT_EQ(derived_aliases("NoDots"), (std::vector<std::string>{}));
  EXPECT_EQ(derived_aliases("FooConnector"), (std::vector<std::string>{"Foo"}));
  EXPECT_EQ(derived_aliases("a.Connector"), (std::vector<std::string>{"Connector"}));
}

TEST(PluginRegistryTest, DeclaredAliasesAreRegistered) {
  static const char* const kAliases[] = {"Ticks", "Tick-Source", nullptr};
  FakeLibrary lib({make_descriptor(SLUICE_KIND_SOURCE, "com.example.TickerSourceConnector")});
  lib.descriptor(0).aliases = kAliases;
  PluginRegistry registry;
  ASSERT_TRUE(registry.add_library_for_testing(&lib.lib(), "lib.so").is_ok());
  const PluginInfo* p = registry.find("Ticks");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(registry.find("Tick-Source"), p);
  EXPECT_EQ(p->aliases, (std::vector<std::string>{"Tick-Source", "TickerSource",
                                                  "TickerSourceConnector", "Ticks"}));
}

TEST(PluginRegistryTest, AmbiguousDerivedAliasIsRegisteredForNeither) {
  FakeLibrary a({make_descriptor(SLUICE_KIND_SOURCE, "com.a.FileSourceConnector")});
  FakeLibrary b({make_descriptor(SLUICE_KIND_SOURCE, "com.b.FileSourceConnector")});
  PluginRegistry registry;
  ASSERT_TRUE(registry.add_library_for_testing(&a.lib(), "a.so").is_ok());
  EXPECT_NE(registry.find("FileSource"), nullptr);
  ASSERT_TRUE(registry.add_library_for_testing(&b.lib(), "b.so").is_ok());
  EXPECT_EQ(registry.find("FileSource"), nullptr);
  EXPECT_EQ(registry.find("FileSourceConnector"), nullptr);
  EXPECT_NE(registry.find("com.a.FileSourceConnector"), nullptr);
  EXPECT_TRUE(registry.find("com.a.FileSourceConnector")->aliases.empty());
  std::string m = registry.unknown_class_message("FileSource");
  EXPECT_NE(m.find("com.a.FileSourceConnector in a.so"), std::string::npos) << m;
  EXPECT_NE(m.find("com.b.FileSourceConnector in b.so"), std::string::npos) << m;
}

TEST(PluginRegistryTest, AliasEqualToAnotherClassNameLosesToTheClass) {
  static const char* const kAliases[] = {"com.example.Other", nullptr};
  FakeLibrary lib({make_descriptor(SLUICE_KIND_SOURCE, "com.example.One"),
                   make_descriptor(SLUICE_KIND_SINK, "com.example.Other")});
  lib.descriptor(0).aliases = kAliases;
  PluginRegistry registry;
  ASSERT_TRUE(registry.add_library_for_testing(&lib.lib(), "lib.so").is_ok());
  EXPECT_EQ(registry.find("com.example.Other")->kind, PluginKind::kSink);
}

TEST(PluginRegistryTest, LibraryPrefixRefusals) {
  {
    FakeLibrary lib = valid_two_plugin_library();
    lib.lib().abi_major = 2;
    EXPECT_EQ(refusal_of(lib), "ABI major 2 is not supported (this worker implements 1.0)");
  }
  {
    FakeLibrary lib = valid_two_plugin_library();
    lib.lib().abi_minor = 3;
    EXPECT_EQ(refusal_of(lib), "built for ABI 1.3, this worker implements up to 1.0");
  }
  {
    FakeLibrary lib = valid_two_plugin_library();
    lib.lib().struct_size = 32;
    EXPECT_EQ(refusal_of(lib), "sluice_library struct_size 32 is smaller than its ABI 1.0 size 40");
  }
  {
    FakeLibrary lib = valid_two_plugin_library();
    lib.lib().plugin_count = 0;
    EXPECT_EQ(refusal_of(lib), "sluice_library plugin_count is 0");
  }
  {
    FakeLibrary lib = valid_two_plugin_library();
    lib.lib().plugins = nullptr;
    EXPECT_EQ(refusal_of(lib), "sluice_library plugins is NULL");
  }
  {
    FakeLibrary lib = valid_two_plugin_library();
    const sluice_plugin_descriptor* with_null[] = {&lib.descriptor(0), nullptr};
    lib.lib().plugins = with_null;
    EXPECT_EQ(refusal_of(lib), "sluice_library plugins[1] is NULL");
  }
  {
    PluginRegistry registry;
    EXPECT_FALSE(registry.add_library_for_testing(nullptr, "null.so").is_ok());
    ASSERT_EQ(registry.refused().size(), 1u);
    EXPECT_EQ(registry.refused()[0].reason, "sluice_plugin_entry returned NULL");
  }
}

TEST(PluginRegistryTest, DescriptorRefusals) {
  struct Case {
    std::function<void(sluice_plugin_descriptor&)> mutate;
    std::string reason;
  };
  std::vector<Case> cases = {
      {[](auto& d) { d.abi_major = 0; },
       "plugins[1]: ABI major 0 is not supported (this worker implements 1.0)"},
      {[](auto& d) { d.abi_minor = 9; },
       "plugins[1]: built for ABI 1.9, this worker implements up to 1.0"},
      {[](auto& d) { d.struct_size = 48; },
       "plugins[1]: sluice_plugin_descriptor struct_size 48 is smaller than its ABI 1.0 size 64"},
      {[](auto& d) { d.class_name = nullptr; }, "plugins[1]: class_name is NULL"},
      {[](auto& d) { d.class_name = ""; },
       "plugins[1]: class_name '' is not a valid class name (ASCII letters, digits, '.', '_', "
       "'$', '-')"},
      {[](auto& d) { d.class_name = "com.example.Bad Name"; },
       "plugins[1]: class_name 'com.example.Bad Name' is not a valid class name (ASCII letters, "
       "digits, '.', '_', '$', '-')"},
      {[](auto& d) { d.kind = 9; }, "plugin 'com.example.Bad': unknown kind 9"},
      {[](auto& d) { d.version = nullptr; },
       "plugin 'com.example.Bad' (sink): version is NULL or empty"},
      {[](auto& d) { d.version = ""; },
       "plugin 'com.example.Bad' (sink): version is NULL or empty"},
      {[](auto& d) { d.hooks = nullptr; }, "plugin 'com.example.Bad' (sink): hooks is NULL"},
      {[](auto& d) { d.config_key_size = 80; },
       "plugin 'com.example.Bad' (sink): config_key_size 80 is smaller than the ABI 1.0 size 88"},
  };
  for (const Case& c : cases) {
    FakeLibrary lib({make_descriptor(SLUICE_KIND_SOURCE, "com.example.Good"),
                     make_descriptor(SLUICE_KIND_SINK, "com.example.Bad")});
    c.mutate(lib.descriptor(1));
    EXPECT_EQ(refusal_of(lib), c.reason);
  }
}

TEST(PluginRegistryTest, SmallHookTableIsRefused) {
  sluice_sink_hooks hooks = testing::fake_sink_hooks();
  hooks.struct_size = 100;
  FakeLibrary lib({make_descriptor(SLUICE_KIND_SINK, "com.example.Bad")});
  lib.descriptor(0).hooks = &hooks;
  EXPECT_EQ(refusal_of(lib),
            "plugin 'com.example.Bad' (sink): sluice_sink_hooks struct_size 100 is smaller than "
            "its ABI 1.0 size 144");
}

TEST(PluginRegistryTest, EveryRequiredHookIsChecked) {
  using SourceField = std::pair<const char*, std::function<void(sluice_source_hooks&)>>;
  std::vector<SourceField> source = {
      {"create", [](auto& h) { h.connector.create = nullptr; }},
      {"destroy", [](auto& h) { h.connector.destroy = nullptr; }},
      {"start", [](auto& h) { h.connector.start = nullptr; }},
      {"task_configs", [](auto& h) { h.connector.task_configs = nullptr; }},
      {"stop", [](auto& h) { h.connector.stop = nullptr; }},
      {"task_create", [](auto& h) { h.task_create = nullptr; }},
      {"task_destroy", [](auto& h) { h.task_destroy = nullptr; }},
      {"task_start", [](auto& h) { h.task_start = nullptr; }},
      {"poll", [](auto& h) { h.poll = nullptr; }},
      {"task_stop", [](auto& h) { h.task_stop = nullptr; }},
  };
  for (const auto& [name, clear] : source) {
    sluice_source_hooks hooks = testing::fake_source_hooks();
    clear(hooks);
    FakeLibrary lib({make_descriptor(SLUICE_KIND_SOURCE, "com.example.Src")});
    lib.descriptor(0).hooks = &hooks;
    EXPECT_EQ(refusal_of(lib), std::string("plugin 'com.example.Src' (source): required hook '") +
                                   name + "' is NULL");
  }
  using SinkField = std::pair<const char*, std::function<void(sluice_sink_hooks&)>>;
  std::vector<SinkField> sink = {
      {"create", [](auto& h) { h.connector.create = nullptr; }},
      {"task_create", [](auto& h) { h.task_create = nullptr; }},
      {"task_destroy", [](auto& h) { h.task_destroy = nullptr; }},
      {"task_start", [](auto& h) { h.task_start = nullptr; }},
      {"put", [](auto& h) { h.put = nullptr; }},
      {"task_stop", [](auto& h) { h.task_stop = nullptr; }},
  };
  for (const auto& [name, clear] : sink) {
    sluice_sink_hooks hooks = testing::fake_sink_hooks();
    clear(hooks);
    FakeLibrary lib({make_descriptor(SLUICE_KIND_SINK, "com.example.Bad")});
    lib.descriptor(0).hooks = &hooks;
    EXPECT_EQ(refusal_of(lib),
              std::string("plugin 'com.example.Bad' (sink): required hook '") + name + "' is NULL");
  }
  // Optional hooks may be NULL.
  sluice_sink_hooks optional = testing::fake_sink_hooks();
  optional.open = optional.close = nullptr;
  optional.flush = nullptr;
  optional.pre_commit = nullptr;
  optional.wake = nullptr;
  optional.connector.validate = nullptr;
  optional.connector.alter_offsets = nullptr;
  FakeLibrary ok({make_descriptor(SLUICE_KIND_SINK, "com.example.Lean")});
  ok.descriptor(0).hooks = &optional;
  EXPECT_EQ(refusal_of(ok), "");

  sluice_converter_hooks converter = testing::fake_converter_hooks();
  converter.to_connect = nullptr;
  FakeLibrary conv({make_descriptor(SLUICE_KIND_CONVERTER, "com.example.C")});
  conv.descriptor(0).hooks = &converter;
  EXPECT_EQ(refusal_of(conv),
            "plugin 'com.example.C' (converter): required hook 'to_connect' is NULL");

  sluice_transform_hooks transform = testing::fake_transform_hooks();
  transform.apply = nullptr;
  FakeLibrary tr({make_descriptor(SLUICE_KIND_TRANSFORM, "com.example.T")});
  tr.descriptor(0).hooks = &transform;
  EXPECT_EQ(refusal_of(tr), "plugin 'com.example.T' (transform): required hook 'apply' is NULL");
}

TEST(PluginRegistryTest, BadKeyTablesAreRefused) {
  static const sluice_config_key kBadDefault[] = {{.name = "batch.size",
                                                   .type = SLUICE_CONFIG_INT,
                                                   .importance = SLUICE_IMPORTANCE_LOW,
                                                   .default_value = "ten",
                                                   .doc = "Batch.",
                                                   .order_in_group = -1},
                                                  {.name = nullptr}};
  FakeLibrary lib({make_descriptor(SLUICE_KIND_SINK, "com.example.Bad", kBadDefault)});
  EXPECT_EQ(refusal_of(lib),
            "plugin 'com.example.Bad': config key 'batch.size': default 'ten' is not an INT");

  static const sluice_config_key kHostKey[] = {{.name = "tasks.max",
                                                .type = SLUICE_CONFIG_INT,
                                                .importance = SLUICE_IMPORTANCE_LOW,
                                                .default_value = "1",
                                                .doc = "Mine.",
                                                .order_in_group = -1},
                                               {.name = nullptr}};
  FakeLibrary host_key({make_descriptor(SLUICE_KIND_SOURCE, "com.example.Greedy", kHostKey)});
  std::string reason = refusal_of(host_key);
  EXPECT_NE(reason.find("plugin 'com.example.Greedy': config key 'tasks.max'"), std::string::npos)
      << reason;

  static const sluice_config_key kTwice[] = {{.name = "a",
                                              .type = SLUICE_CONFIG_STRING,
                                              .importance = 1,
                                              .doc = "A.",
                                              .order_in_group = -1},
                                             {.name = "a",
                                              .type = SLUICE_CONFIG_STRING,
                                              .importance = 1,
                                              .doc = "A.",
                                              .order_in_group = -1},
                                             {.name = nullptr}};
  FakeLibrary twice({make_descriptor(SLUICE_KIND_SOURCE, "com.example.Twice", kTwice)});
  reason = refusal_of(twice);
  EXPECT_NE(reason.find("plugin 'com.example.Twice': config key 'a'"), std::string::npos) << reason;

  static const sluice_config_key kNoDoc[] = {
      {.name = "a", .type = SLUICE_CONFIG_STRING, .importance = 1, .order_in_group = -1},
      {.name = nullptr}};
  FakeLibrary no_doc({make_descriptor(SLUICE_KIND_CONVERTER, "com.example.NoDoc", kNoDoc)});
  EXPECT_NE(refusal_of(no_doc), "");

  static const sluice_config_key kBadType[] = {
      {.name = "a", .type = 42, .importance = 1, .doc = "A.", .order_in_group = -1},
      {.name = nullptr}};
  FakeLibrary bad_type({make_descriptor(SLUICE_KIND_SOURCE, "com.example.BadType", kBadType)});
  EXPECT_NE(refusal_of(bad_type), "");

  // A converter may define keys a connector could not (no host-owned connector keys there).
  static const sluice_config_key kConverterKeys[] = {{.name = "topics",
                                                      .type = SLUICE_CONFIG_LIST,
                                                      .importance = SLUICE_IMPORTANCE_LOW,
                                                      .doc = "Fine for a converter.",
                                                      .order_in_group = -1},
                                                     {.name = nullptr}};
  FakeLibrary conv({make_descriptor(SLUICE_KIND_CONVERTER, "com.example.Conv", kConverterKeys)});
  EXPECT_EQ(refusal_of(conv), "");
}

TEST(PluginRegistryTest, DeclaredAliasMustBeAValidName) {
  static const char* const kAliases[] = {"has space", nullptr};
  FakeLibrary lib({make_descriptor(SLUICE_KIND_SOURCE, "com.example.A")});
  lib.descriptor(0).aliases = kAliases;
  EXPECT_EQ(refusal_of(lib),
            "plugin 'com.example.A' (source): alias 'has space' is not a valid name");
}

TEST(PluginRegistryTest, DuplicateClassRefusesTheWholeSecondLibrary) {
  FakeLibrary first({make_descriptor(SLUICE_KIND_SOURCE, "com.example.X")});
  FakeLibrary second({make_descriptor(SLUICE_KIND_SINK, "com.example.Fresh"),
                      make_descriptor(SLUICE_KIND_SOURCE, "com.example.X")});
  PluginRegistry registry;
  ASSERT_TRUE(registry.add_library_for_testing(&first.lib(), "plugins/a/libx.so").is_ok());
  Status s = registry.add_library_for_testing(&second.lib(), "plugins/libdup.so");
  EXPECT_FALSE(s.is_ok());
  ASSERT_EQ(registry.refused().size(), 1u);
  EXPECT_EQ(registry.refused()[0].file, "plugins/libdup.so");
  EXPECT_EQ(registry.refused()[0].reason,
            "plugin 'com.example.X' is already provided by plugins/a/libx.so");
  EXPECT_EQ(registry.find("com.example.Fresh"), nullptr) << "no half-registered library";
  EXPECT_EQ(registry.find("com.example.X")->library_file, "plugins/a/libx.so");
  // The refused library declared Fresh: asking for it explains why it is missing.
  std::string m = registry.unknown_class_message("Fresh");
  EXPECT_EQ(m,
            "unknown plugin class 'Fresh': the plugin library plugins/libdup.so was refused: "
            "plugin 'com.example.X' is already provided by plugins/a/libx.so");

  FakeLibrary inner({make_descriptor(SLUICE_KIND_SOURCE, "com.example.Y"),
                     make_descriptor(SLUICE_KIND_SINK, "com.example.Y")});
  EXPECT_EQ(refusal_of(inner), "plugin 'com.example.Y' is declared twice in this library");
}

TEST(PluginRegistryTest, UnknownClassMessageSuggestsTheNearestName) {
  FakeLibrary lib = valid_two_plugin_library();
  PluginRegistry registry;
  ASSERT_TRUE(registry.add_library_for_testing(&lib.lib(), "lib.so").is_ok());
  EXPECT_EQ(registry.unknown_class_message("TickerSorce"),
            "unknown plugin class 'TickerSorce'; did you mean 'TickerSource'?");
  EXPECT_EQ(registry.unknown_class_message("org.Completely.Different.Thing"),
            "unknown plugin class 'org.Completely.Different.Thing'");
}

// ---- dlopen path -------------------------------------------------------------------------

// The build's test-plugins directory (tests/plugins), found upwards from the test binary.
std::filesystem::path test_plugin_dir() {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
  for (int i = 0; i < 4 && !dir.empty(); ++i, dir = dir.parent_path()) {
    if (std::filesystem::exists(dir / "test-plugins" / "libgood_mixed.so")) {
      return dir / "test-plugins";
    }
  }
  return {};
}

const RefusedPlugin* refusal_for(const PluginRegistry& r, std::string_view file_suffix) {
  for (const RefusedPlugin& p : r.refused()) {
    if (p.file.size() >= file_suffix.size() &&
        p.file.compare(p.file.size() - file_suffix.size(), file_suffix.size(), file_suffix) == 0) {
      return &p;
    }
  }
  return nullptr;
}

TEST(PluginRegistryLoadTest, ScansTestPluginsRefusingTheBrokenOnes) {
  std::filesystem::path dir = test_plugin_dir();
  if (dir.empty()) GTEST_SKIP() << "test-plugins not built (target sluice_test_plugins)";
  auto registry = PluginRegistry::scan({" " + dir.string() + " ", ""}, host_api());
  EXPECT_NE(registry->find("io.sluice.test.GoodMixedSourceConnector"), nullptr);
  EXPECT_NE(registry->find("GoodMixedSink"), nullptr);
  const PluginInfo* good = registry->find("GoodMixedSource");
  ASSERT_NE(good, nullptr);
  EXPECT_EQ(good->library_file, (dir / "libgood_mixed.so").string());

  const RefusedPlugin* major = refusal_for(*registry, "libbad_abi_major.so");
  ASSERT_NE(major, nullptr);
  EXPECT_EQ(major->reason, "ABI major 2 is not supported (this worker implements 1.0)");
  const RefusedPlugin* minor = refusal_for(*registry, "libbad_abi_minor.so");
  ASSERT_NE(minor, nullptr);
  EXPECT_NE(minor->reason.find("built for ABI 1.9"), std::string::npos) << minor->reason;
  const RefusedPlugin* put = refusal_for(*registry, "libbad_missing_put.so");
  ASSERT_NE(put, nullptr);
  EXPECT_NE(put->reason.find("required hook 'put' is NULL"), std::string::npos) << put->reason;
  const RefusedPlugin* null_entry = refusal_for(*registry, "libbad_entry_null.so");
  ASSERT_NE(null_entry, nullptr);
  EXPECT_EQ(null_entry->reason, "sluice_plugin_entry returned NULL");
  const RefusedPlugin* no_entry = refusal_for(*registry, "libbad_no_entry.so");
  ASSERT_NE(no_entry, nullptr);
  EXPECT_EQ(no_entry->reason, "no sluice_plugin_entry symbol (not a Sluice plugin)");
  const RefusedPlugin* notes = refusal_for(*registry, "notes.so");
  ASSERT_NE(notes, nullptr);
  EXPECT_EQ(notes->reason.rfind("dlopen failed: ", 0), 0u) << notes->reason;
  const RefusedPlugin* bad_default = refusal_for(*registry, "libbad_config_default.so");
  ASSERT_NE(bad_default, nullptr);
  EXPECT_NE(bad_default->reason.find("is not an INT"), std::string::npos) << bad_default->reason;
}

TEST(PluginRegistryLoadTest, FileEntriesSymlinksAndMissingEntries) {
  std::filesystem::path dir = test_plugin_dir();
  if (dir.empty()) GTEST_SKIP() << "test-plugins not built (target sluice_test_plugins)";
  std::filesystem::path tmp =
      std::filesystem::temp_directory_path() / ("sluice-plugin-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(tmp / "sub" / "deeper");
  std::filesystem::create_symlink(dir / "libgood_mixed.so", tmp / "sub" / "libgood.so");
  std::filesystem::create_symlink(dir / "libgood_mixed.so", tmp / "libgood.so.1");
  std::filesystem::create_symlink(dir / "libbad_abi_major.so", tmp / "sub" / "deeper" / "x.so");
  auto registry = PluginRegistry::scan(
      {tmp.string(), (dir / "libbad_no_entry.so").string(), (tmp / "missing").string()},
      host_api());
  // The same real file reached twice is loaded once (no duplicate-class refusal).
  EXPECT_NE(registry->find("GoodMixedSource"), nullptr);
  EXPECT_EQ(refusal_for(*registry, "libgood.so"), nullptr);
  EXPECT_EQ(refusal_for(*registry, "libgood.so.1"), nullptr);
  // Depth 3 is not scanned.
  EXPECT_EQ(refusal_for(*registry, "x.so"), nullptr);
  // An explicit file is loaded whatever its name.
  EXPECT_NE(refusal_for(*registry, "libbad_no_entry.so"), nullptr);
  const RefusedPlugin* missing = refusal_for(*registry, "missing");
  ASSERT_NE(missing, nullptr);
  EXPECT_EQ(missing->reason, "plugin.path entry does not exist");
  std::filesystem::remove_all(tmp);
}

}  // namespace
}  // namespace sluice::plugin
