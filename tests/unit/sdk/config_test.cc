// sluice::ConfigDef / ConfigKeyTable / Config: definition mistakes are caught, the ABI key table
// says what was declared, and parsing fills defaults and rejects bad values naming the key.
#include <gtest/gtest.h>

#include <sluice/sdk.h>

#include <map>
#include <string>
#include <vector>

namespace sluice {
namespace {

ConfigDef example_def() {
  return ConfigDef()
      .define("file", ConfigType::kString, Importance::kHigh, "Source file.",
              {.required = true,
               .non_empty = true,
               .group = "Input",
               .order_in_group = 1,
               .display_name = "File"})
      .define("batch.size", ConfigType::kInt, Importance::kLow, "Lines per poll.",
              {.default_value = 2000, .min = 1, .max = 100000})
      .define("ratio", ConfigType::kDouble, Importance::kLow, "A ratio.",
              {.default_value = 0.5, .min = 0.0, .max = 1.0})
      .define("big", ConfigType::kLong, Importance::kLow, "A long.",
              {.default_value = "5000000000"})
      .define("enabled", ConfigType::kBoolean, Importance::kMedium, "On/off.",
              {.default_value = true})
      .define("mode", ConfigType::kString, Importance::kMedium, "Mode.",
              {.default_value = "fast", .case_insensitive = true, .valid_values = {"fast", "safe"}})
      .define("fields", ConfigType::kList, Importance::kLow, "Fields.",
              {.default_value = "a, b", .valid_values = {"a", "b", "c"}})
      .define("secret", ConfigType::kPassword, Importance::kHigh, "Password.", {})
      .define("token", ConfigType::kString, Importance::kHigh, "Token.", {.sensitive = true});
}

TEST(ConfigDefTest, RejectsDefinitionMistakes) {
  EXPECT_THROW(ConfigDef()
                   .define("a", ConfigType::kInt, Importance::kLow, "d")
                   .define("a", ConfigType::kInt, Importance::kLow, "d"),
               std::invalid_argument);
  EXPECT_THROW(ConfigDef().define("topics", ConfigType::kList, Importance::kLow, "d"),
               std::invalid_argument);
  EXPECT_THROW(ConfigDef().define("errors.tolerance", ConfigType::kString, Importance::kLow, "d"),
               std::invalid_argument);
  EXPECT_THROW(
      ConfigDef().define("n", ConfigType::kInt, Importance::kLow, "d", {.default_value = "ten"}),
      std::invalid_argument);
  EXPECT_THROW(ConfigDef().define("n", ConfigType::kInt, Importance::kLow, "d",
                                  {.default_value = 0, .min = 1}),
               std::invalid_argument);
  EXPECT_THROW(ConfigDef().define("n", ConfigType::kString, Importance::kLow, "d",
                                  {.default_value = "x", .required = true}),
               std::invalid_argument);
  EXPECT_THROW(ConfigDef().define("m", ConfigType::kString, Importance::kLow, "d",
                                  {.default_value = "slow", .valid_values = {"fast"}}),
               std::invalid_argument);
  EXPECT_NO_THROW(ConfigDef().define("topic.prefix", ConfigType::kString, Importance::kLow, "d"));
}

TEST(ConfigKeyTableTest, DescribesEveryKeyAndEndsWithSentinel) {
  ConfigDef def = example_def();
  ConfigKeyTable table(def);
  ASSERT_EQ(table.size(), 9u);
  const sluice_config_key* k = table.data();
  EXPECT_STREQ(k[0].name, "file");
  EXPECT_EQ(k[0].type, static_cast<uint32_t>(SLUICE_CONFIG_STRING));
  EXPECT_EQ(k[0].importance, static_cast<uint32_t>(SLUICE_IMPORTANCE_HIGH));
  EXPECT_EQ(k[0].flags, SLUICE_KEY_REQUIRED | SLUICE_KEY_NON_EMPTY);
  EXPECT_EQ(k[0].default_value, nullptr);
  EXPECT_STREQ(k[0].doc, "Source file.");
  EXPECT_STREQ(k[0].group, "Input");
  EXPECT_EQ(k[0].order_in_group, 1);
  EXPECT_STREQ(k[0].display_name, "File");
  EXPECT_EQ(k[0].valid_values, nullptr);

  EXPECT_STREQ(k[1].default_value, "2000");
  EXPECT_STREQ(k[1].min_value, "1");
  EXPECT_STREQ(k[1].max_value, "100000");
  EXPECT_EQ(k[1].flags, 0u);
  EXPECT_EQ(k[1].group, nullptr);
  EXPECT_EQ(k[1].order_in_group, -1);
  EXPECT_EQ(k[1].display_name, nullptr);
  EXPECT_STREQ(k[2].default_value, "0.5");
  EXPECT_STREQ(k[4].default_value, "true");

  EXPECT_EQ(k[5].flags, SLUICE_KEY_CASE_INSENSITIVE);
  ASSERT_NE(k[5].valid_values, nullptr);
  EXPECT_STREQ(k[5].valid_values[0], "fast");
  EXPECT_STREQ(k[5].valid_values[1], "safe");
  EXPECT_EQ(k[5].valid_values[2], nullptr);

  EXPECT_EQ(k[7].type, static_cast<uint32_t>(SLUICE_CONFIG_PASSWORD));
  EXPECT_EQ(k[7].flags, SLUICE_KEY_SENSITIVE);  // PASSWORD is always sensitive
  EXPECT_EQ(k[8].flags, SLUICE_KEY_SENSITIVE);
  EXPECT_EQ(k[9].name, nullptr);  // sentinel
}

TEST(ConfigTest, FillsDefaultsAndParsesTypes) {
  ConfigDef def = example_def();
  Config config(def, std::map<std::string, std::string>{{"file", " in.txt "},
                                                        {"batch.size", "10"},
                                                        {"mode", "SAFE"},
                                                        {"name", "my-connector"},
                                                        {"secret", " pw "}});
  EXPECT_EQ(config.get_string("file"), "in.txt");  // trimmed
  EXPECT_EQ(config.get_int("batch.size"), 10);
  EXPECT_EQ(config.get_long("big"), 5000000000);
  EXPECT_DOUBLE_EQ(config.get_double("ratio"), 0.5);
  EXPECT_TRUE(config.get_bool("enabled"));
  EXPECT_EQ(config.get_string("mode"), "SAFE");
  EXPECT_EQ(config.get_list("fields"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(config.get_string("secret"), " pw ");        // passwords are not trimmed
  EXPECT_EQ(config.get_string("name"), "my-connector");  // undeclared keys stay readable
  EXPECT_TRUE(config.has("ratio"));
  EXPECT_FALSE(config.has("token"));  // default null
  EXPECT_THROW((void)config.get_string("token"), ConfigError);
  EXPECT_EQ(config.get_optional_string("token"), std::nullopt);
  EXPECT_EQ(config.originals().count("ratio"), 0u);
  EXPECT_EQ(config.values().at("ratio"), "0.5");
  EXPECT_THROW((void)config.get_int("name"), ConfigError);  // not a number
}

TEST(ConfigTest, RejectsBadValuesNamingTheKey) {
  ConfigDef def = example_def();
  struct Case {
    std::map<std::string, std::string> given;
    std::string key;
    std::string fragment;
  };
  const std::vector<Case> cases = {
      {{}, "file", "Missing required configuration \"file\""},
      {{{"file", "  "}}, "file", "non-empty"},
      {{{"file", "f"}, {"batch.size", "many"}},
       "batch.size",
       "Invalid value many for configuration batch.size"},
      {{{"file", "f"}, {"batch.size", "0"}}, "batch.size", "at least 1"},
      {{{"file", "f"}, {"batch.size", "100001"}}, "batch.size", "no more than 100000"},
      {{{"file", "f"}, {"batch.size", "3000000000"}}, "batch.size", "Not a number of type INT"},
      {{{"file", "f"}, {"ratio", "1.5"}}, "ratio", "no more than"},
      {{{"file", "f"}, {"enabled", "yes"}}, "enabled", "true or false"},
      {{{"file", "f"}, {"mode", "slow"}}, "mode", "one of"},
      {{{"file", "f"}, {"fields", "a,d"}}, "fields", "Invalid value a,d"},
      {{{"file", "f"}, {"big", "1.5"}}, "big", "Invalid value 1.5"},
  };
  for (const Case& c : cases) {
    try {
      Config config(def, c.given);
      ADD_FAILURE() << "no error for key " << c.key;
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.key(), c.key);
      EXPECT_NE(std::string(e.what()).find(c.fragment), std::string::npos) << e.what();
    }
  }
}

// The same words as the worker's own checks (runtime/config value_problem and
// invalid_value_message), so that a plugin's error and the host's read the same.
TEST(ConfigTest, MessagesUseTheWorkersWording) {
  ConfigDef def = example_def();
  auto message = [&](std::map<std::string, std::string> given) {
    given.emplace("file", "f");
    try {
      Config config(def, given);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message({{"batch.size", "abc"}}),
            "Invalid value abc for configuration batch.size: Not a number of type INT");
  EXPECT_EQ(message({{"batch.size", "2147483648"}}),
            "Invalid value 2147483648 for configuration batch.size: Not a number of type INT");
  EXPECT_EQ(message({{"big", "1.5"}}),
            "Invalid value 1.5 for configuration big: Not a number of type LONG");
  EXPECT_EQ(message({{"ratio", "half"}}),
            "Invalid value half for configuration ratio: Not a number of type DOUBLE");
  EXPECT_EQ(message({{"ratio", "-0.1"}}),
            "Invalid value -0.1 for configuration ratio: Value must be at least 0");
  EXPECT_EQ(message({{"batch.size", "100001"}}),
            "Invalid value 100001 for configuration batch.size: Value must be no more than 100000");
  EXPECT_EQ(message({{"enabled", "yes"}}),
            "Invalid value yes for configuration enabled: Expected value to be either true or "
            "false");
  EXPECT_EQ(message({{"mode", "slow"}}),
            "Invalid value slow for configuration mode: String must be one of (case insensitive): "
            "fast, safe");
  EXPECT_EQ(message({{"fields", "a, d"}}),
            "Invalid value a, d for configuration fields: String must be one of: a, b, c");
  EXPECT_EQ(message({{"file", " "}}),
            "Invalid value   for configuration file: String must be non-empty");
  Config config(def, std::map<std::string, std::string>{{"file", "f"}, {"name", "x1"}});
  try {
    (void)config.get_int("name");
    ADD_FAILURE();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "Invalid value x1 for configuration name: Not a number of type INT");
  }
  try {
    Config missing(def, std::map<std::string, std::string>{});
    ADD_FAILURE();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "Missing required configuration \"file\" which has no default value.");
  }
}

TEST(ConfigTest, NonEmptyAndBoundsFollowTheWorker) {
  ConfigDef def =
      ConfigDef()
          .define("s", ConfigType::kString, Importance::kLow, "S.", {.non_empty = true})
          .define("p", ConfigType::kPassword, Importance::kLow, "P.", {.non_empty = true})
          .define("l", ConfigType::kList, Importance::kLow, "L.", {.non_empty = true});
  for (const char* key : {"s", "p", "l"}) {
    try {
      Config config(def, std::map<std::string, std::string>{{key, "  "}});
      ADD_FAILURE() << key;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("String must be non-empty"), std::string::npos)
          << e.what();
    }
  }
  // A bound that is not a number of the key's type (or on a non-numeric key) is a definition
  // mistake.
  EXPECT_THROW(ConfigDef().define("n", ConfigType::kInt, Importance::kLow, "d", {.min = "one"}),
               std::invalid_argument);
  EXPECT_THROW(ConfigDef().define("n", ConfigType::kInt, Importance::kLow, "d", {.max = 1.5}),
               std::invalid_argument);
  EXPECT_THROW(ConfigDef().define("s", ConfigType::kString, Importance::kLow, "d", {.min = 1}),
               std::invalid_argument);
}

TEST(ConfigTest, SensitiveValuesAreNotEchoed) {
  ConfigDef def =
      ConfigDef().define("pin", ConfigType::kInt, Importance::kHigh, "PIN.", {.sensitive = true});
  try {
    Config config(def, std::map<std::string, std::string>{{"pin", "12ab"}});
    ADD_FAILURE();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).find("12ab"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("[hidden]"), std::string::npos);
  }
}

TEST(ConfigTest, ReadsAbiConfig) {
  std::string k = "file", v = "x";
  sluice_kv kv{sdk_detail::to_str(k), sdk_detail::to_str(v)};
  sluice_config raw{&kv, 1};
  ConfigDef def = example_def();
  Config config(def, raw);
  EXPECT_EQ(config.get_string("file"), "x");
  EXPECT_EQ(config.get_int("batch.size"), 2000);
  sluice_config empty{nullptr, 0};
  EXPECT_THROW(Config(def, empty), ConfigError);
}

TEST(ConfigTest, ListParsing) {
  EXPECT_TRUE(sdk_detail::split_list("").empty());
  EXPECT_TRUE(sdk_detail::split_list("  ").empty());
  EXPECT_EQ(sdk_detail::split_list("a,,b "), (std::vector<std::string>{"a", "", "b"}));
}

}  // namespace
}  // namespace sluice
