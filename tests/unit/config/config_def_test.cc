// Tests of ConnectorConfigDef: the plugin key-table checks (each refusal), validation messages
// for each rule, the ConfigKeyInfo / ConfigInfos JSON shapes, and masking of secrets.
#include "runtime/config/config_def.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

namespace sluice::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const char* const kModes[] = {"fast", "SAFE", nullptr};

sluice_config_key make_key(const char* name, uint32_t type, const char* default_value = nullptr,
                           uint32_t flags = 0) {
  sluice_config_key k{};
  k.name = name;
  k.type = type;
  k.importance = SLUICE_IMPORTANCE_MEDIUM;
  k.flags = flags;
  k.default_value = default_value;
  k.doc = "Some documentation.";
  k.order_in_group = -1;
  return k;
}

// A small table like a file connector's, with one key of each interesting kind.
struct TestTable {
  std::vector<sluice_config_key> keys;
  TestTable() {
    keys.push_back(make_key("topic", SLUICE_CONFIG_STRING, nullptr,
                            SLUICE_KEY_REQUIRED | SLUICE_KEY_NON_EMPTY));
    keys.back().importance = SLUICE_IMPORTANCE_HIGH;
    keys.back().group = "File";
    keys.back().order_in_group = 1;
    keys.back().display_name = "Topic";
    keys.push_back(make_key("batch.size", SLUICE_CONFIG_INT, "2000"));
    keys.back().min_value = "1";
    keys.back().max_value = "100000";
    keys.push_back(make_key("ratio", SLUICE_CONFIG_DOUBLE, "0.5"));
    keys.push_back(make_key("follow", SLUICE_CONFIG_BOOLEAN, "true"));
    keys.push_back(make_key("mode", SLUICE_CONFIG_STRING, "fast", SLUICE_KEY_CASE_INSENSITIVE));
    keys.back().valid_values = kModes;
    keys.push_back(make_key("modes", SLUICE_CONFIG_LIST, ""));
    keys.back().valid_values = kModes;
    keys.push_back(make_key("db.password", SLUICE_CONFIG_PASSWORD));
    keys.push_back(make_key("token", SLUICE_CONFIG_STRING, nullptr, SLUICE_KEY_SENSITIVE));
    keys.push_back(make_key("file", SLUICE_CONFIG_STRING));
    keys.push_back(sluice_config_key{});  // NULL-name end
  }
};

ConnectorConfigDef make_def(ConnectorKind kind = ConnectorKind::kSource) {
  TestTable t;
  auto r = ConnectorConfigDef::from_plugin_table(kind, t.keys.data(), sizeof(sluice_config_key));
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return std::move(r).value();
}

// --- table checks ---

std::string refusal(std::vector<sluice_config_key> keys,
                    uint32_t stride = sizeof(sluice_config_key)) {
  keys.push_back(sluice_config_key{});
  auto r = ConnectorConfigDef::from_plugin_table(ConnectorKind::kSource, keys.data(), stride);
  EXPECT_FALSE(r.is_ok());
  return r.is_ok() ? "" : std::string(r.status().message());
}

TEST(ConfigTableTest, AcceptsValidTableAndNullTable) {
  ConnectorConfigDef def = make_def();
  EXPECT_EQ(def.plugin_keys().size(), 9u);
  EXPECT_EQ(def.plugin_keys()[0].name, "topic");
  EXPECT_TRUE(def.plugin_keys()[0].required);
  EXPECT_EQ(def.keys()[0].name, "name");
  auto empty = ConnectorConfigDef::from_plugin_table(ConnectorKind::kSink, nullptr, 0);
  ASSERT_TRUE(empty.is_ok());
  EXPECT_TRUE(empty->plugin_keys().empty());
  EXPECT_NE(empty->find("topics"), nullptr);
  EXPECT_EQ(empty->find("topic.creation.groups"), nullptr);
}

TEST(ConfigTableTest, ReadsEntriesWithALargerStride) {
  // A plugin built for a later minor has bigger entries; only the 1.0 part is read.
  struct Bigger {
    sluice_config_key key;
    uint64_t added_later;
  };
  Bigger table[3] = {};
  table[0].key = make_key("a", SLUICE_CONFIG_INT, "1");
  table[0].added_later = 77;
  table[1].key = make_key("b", SLUICE_CONFIG_STRING);
  auto r =
      ConnectorConfigDef::from_plugin_table(ConnectorKind::kSource, &table[0].key, sizeof(Bigger));
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->plugin_keys().size(), 2u);
  EXPECT_EQ(r->plugin_keys()[1].name, "b");
}

TEST(ConfigTableTest, EachRefusalNamesTheKey) {
  EXPECT_EQ(refusal({make_key("a", SLUICE_CONFIG_INT)}, 40),
            "config key table stride 40 is smaller than the ABI 1.0 entry size 88");
  EXPECT_EQ(refusal({make_key("", SLUICE_CONFIG_INT)}), "config key #1: empty name");
  EXPECT_EQ(refusal({make_key("a", SLUICE_CONFIG_INT), make_key("a", SLUICE_CONFIG_LONG)}),
            "config key 'a' is defined twice");
  EXPECT_THAT(refusal({make_key("tasks.max", SLUICE_CONFIG_INT)}),
              HasSubstr("config key 'tasks.max' is one of the worker's common connector keys"));
  EXPECT_THAT(refusal({make_key("errors.tolerance", SLUICE_CONFIG_STRING)}),
              HasSubstr("config key 'errors.tolerance' is one of the worker's"));
  EXPECT_THAT(refusal({make_key("producer.override.acks", SLUICE_CONFIG_STRING)}),
              HasSubstr("'producer.override.acks' is one of the worker's"));
  EXPECT_EQ(refusal({make_key("a", 9)}), "config key 'a': unknown type 9");
  auto bad_importance = make_key("a", SLUICE_CONFIG_INT);
  bad_importance.importance = 0;
  EXPECT_EQ(refusal({bad_importance}), "config key 'a': unknown importance 0");
  auto no_doc = make_key("a", SLUICE_CONFIG_INT);
  no_doc.doc = nullptr;
  EXPECT_EQ(refusal({no_doc}), "config key 'a': doc is NULL");
  EXPECT_EQ(refusal({make_key("batch.size", SLUICE_CONFIG_INT, "ten")}),
            "config key 'batch.size': default 'ten' is not an INT");
  EXPECT_EQ(refusal({make_key("f", SLUICE_CONFIG_BOOLEAN, "maybe")}),
            "config key 'f': default 'maybe' is not a BOOLEAN");
  auto bad_min = make_key("a", SLUICE_CONFIG_LONG);
  bad_min.min_value = "x";
  EXPECT_EQ(refusal({bad_min}), "config key 'a': min_value 'x' is not a LONG");
  auto bad_max = make_key("a", SLUICE_CONFIG_DOUBLE);
  bad_max.max_value = "1.5.2";
  EXPECT_EQ(refusal({bad_max}), "config key 'a': max_value '1.5.2' is not a DOUBLE");
  auto string_min = make_key("a", SLUICE_CONFIG_STRING);
  string_min.min_value = "1";
  EXPECT_EQ(refusal({string_min}),
            "config key 'a': min_value is only allowed for INT, LONG and DOUBLE keys");
  auto crossed = make_key("a", SLUICE_CONFIG_INT);
  crossed.min_value = "10";
  crossed.max_value = "5";
  EXPECT_EQ(refusal({crossed}), "config key 'a': min_value 10 is greater than max_value 5");
  auto below = make_key("a", SLUICE_CONFIG_INT, "0");
  below.min_value = "1";
  EXPECT_EQ(refusal({below}), "config key 'a': default '0' is invalid: Value must be at least 1");
  auto above = make_key("a", SLUICE_CONFIG_INT, "9");
  above.max_value = "5";
  EXPECT_EQ(refusal({above}),
            "config key 'a': default '9' is invalid: Value must be no more than 5");
  static const char* const kInts[] = {"1", "two", nullptr};
  auto bad_valid = make_key("a", SLUICE_CONFIG_INT);
  bad_valid.valid_values = kInts;
  EXPECT_EQ(refusal({bad_valid}), "config key 'a': valid value 'two' is not an INT");
  auto not_valid = make_key("mode", SLUICE_CONFIG_STRING, "slow");
  not_valid.valid_values = kModes;
  EXPECT_EQ(refusal({not_valid}),
            "config key 'mode': default 'slow' is invalid: String must be one of: fast, SAFE");
  EXPECT_EQ(refusal({make_key("a", SLUICE_CONFIG_INT, "1", SLUICE_KEY_REQUIRED)}),
            "config key 'a': is REQUIRED but has default '1'");
}

// --- validation ---

std::vector<std::string> errors_of(const ConfigInfos& infos, const std::string& key) {
  for (const auto& [definition, value] : infos.configs) {
    if (value.name == key) return value.errors;
  }
  return {};
}

Props good_source_config() {
  return {{"name", "c1"}, {"connector.class", "X"}, {"topic", "t"}};
}

TEST(ValidateTest, GoodConfigHasNoErrorsAndUnknownKeysPass) {
  ConnectorConfigDef def = make_def();
  Props config = good_source_config();
  config["something.else"] = "kept for the plugin";
  ConfigInfos infos = def.validate("com.example.X", config);
  EXPECT_EQ(infos.error_count, 0) << testing::PrintToString(infos.error_messages());
  EXPECT_EQ(infos.name, "com.example.X");
  EXPECT_THAT(infos.groups, ElementsAre("Common", "Transforms", "Predicates", "Error Handling",
                                        "Topic Creation", "File"));
}

TEST(ValidateTest, TypeErrors) {
  ConnectorConfigDef def = make_def();
  Props config = good_source_config();
  config["batch.size"] = "abc";
  config["ratio"] = "1e999";  // not finite
  config["follow"] = "yes";
  config["tasks.max"] = "2147483648";
  ConfigInfos infos = def.validate("X", config);
  EXPECT_THAT(errors_of(infos, "batch.size"),
              ElementsAre("Invalid value abc for configuration batch.size: Not a number of type "
                          "INT"));
  EXPECT_THAT(errors_of(infos, "ratio"),
              ElementsAre("Invalid value 1e999 for configuration ratio: Not a number of type "
                          "DOUBLE"));
  EXPECT_THAT(errors_of(infos, "follow"),
              ElementsAre("Invalid value yes for configuration follow: Expected value to be "
                          "either true or false"));
  EXPECT_THAT(errors_of(infos, "tasks.max"),
              ElementsAre("Invalid value 2147483648 for configuration tasks.max: Not a number of "
                          "type INT"));
  EXPECT_EQ(infos.error_count, 4);
}

TEST(ValidateTest, RequiredMissingAndNonEmpty) {
  ConnectorConfigDef def = make_def();
  ConfigInfos infos = def.validate("X", {{"topic", ""}});
  EXPECT_THAT(errors_of(infos, "name"),
              ElementsAre("Missing required configuration \"name\" which has no default value."));
  EXPECT_THAT(errors_of(infos, "connector.class"),
              ElementsAre("Missing required configuration \"connector.class\" which has no "
                          "default value."));
  EXPECT_THAT(errors_of(infos, "topic"),
              ElementsAre("Invalid value  for configuration topic: String must be non-empty"));
  EXPECT_EQ(infos.error_count, 3);
  infos = def.validate("X", {{"name", "c"}, {"connector.class", "X"}});
  EXPECT_THAT(errors_of(infos, "topic"),
              ElementsAre("Missing required configuration \"topic\" which has no default value."));
}

TEST(ValidateTest, RangesValidValuesAndTasksMax) {
  ConnectorConfigDef def = make_def();
  Props config = good_source_config();
  config["batch.size"] = "0";
  config["tasks.max"] = "0";
  config["mode"] = "Safe";  // case-insensitive key: accepted
  config["modes"] = "fast, slow";
  config["errors.tolerance"] = "ALL";  // Connect's valid strings are case-sensitive
  ConfigInfos infos = def.validate("X", config);
  EXPECT_THAT(errors_of(infos, "batch.size"),
              ElementsAre("Invalid value 0 for configuration batch.size: Value must be at least "
                          "1"));
  EXPECT_THAT(errors_of(infos, "tasks.max"),
              ElementsAre("Invalid value 0 for configuration tasks.max: Value must be at least "
                          "1"));
  EXPECT_TRUE(errors_of(infos, "mode").empty());
  EXPECT_THAT(errors_of(infos, "modes"),
              ElementsAre("Invalid value fast, slow for configuration modes: String must be one "
                          "of: fast, SAFE"));
  EXPECT_THAT(errors_of(infos, "errors.tolerance"),
              ElementsAre("Invalid value ALL for configuration errors.tolerance: String must be "
                          "one of: none, all"));
  config = good_source_config();
  config["batch.size"] = "100001";
  config["mode"] = "other";
  infos = def.validate("X", config);
  EXPECT_THAT(errors_of(infos, "batch.size"),
              ElementsAre("Invalid value 100001 for configuration batch.size: Value must be no "
                          "more than 100000"));
  EXPECT_THAT(errors_of(infos, "mode"),
              ElementsAre("Invalid value other for configuration mode: String must be one of "
                          "(case insensitive): fast, SAFE"));
}

TEST(ValidateTest, NameWithControlCharacters) {
  ConnectorConfigDef def = make_def();
  Props config = good_source_config();
  config["name"] = "a\nb";
  ConfigInfos infos = def.validate("X", config);
  EXPECT_THAT(errors_of(infos, "name"),
              ElementsAre("Invalid value a\nb for configuration name: String must not contain ISO "
                          "control characters"));
}

TEST(ValidateTest, SinkTopicsRules) {
  ConnectorConfigDef def = make_def(ConnectorKind::kSink);
  Props base = good_source_config();
  ConfigInfos none = def.validate("X", base);
  EXPECT_THAT(errors_of(none, "topics"),
              ElementsAre("Must configure one of topics or topics.regex"));
  EXPECT_THAT(errors_of(none, "topics.regex"),
              ElementsAre("Must configure one of topics or topics.regex"));
  EXPECT_EQ(none.error_count, 2);

  Props both = base;
  both["topics"] = "a";
  both["topics.regex"] = "a.*";
  ConfigInfos b = def.validate("X", both);
  EXPECT_THAT(errors_of(b, "topics"),
              ElementsAre("topics and topics.regex are mutually exclusive options, but both are "
                          "set."));
  EXPECT_EQ(b.error_count, 2);

  Props topics = base;
  topics["topics"] = "a, b";
  EXPECT_EQ(def.validate("X", topics).error_count, 0);
  topics["errors.deadletterqueue.topic.name"] = "b";
  EXPECT_THAT(errors_of(def.validate("X", topics), "errors.deadletterqueue.topic.name"),
              ElementsAre(HasSubstr("dead letter queue topic 'b' is also a topic this connector "
                                    "consumes")));

  Props regex = base;
  regex["topics.regex"] = "orders-(";
  EXPECT_THAT(errors_of(def.validate("X", regex), "topics.regex"),
              ElementsAre(HasSubstr("Invalid value orders-( for configuration topics.regex: not a "
                                    "valid regular expression")));
  regex["topics.regex"] = "orders-.*";
  regex["errors.deadletterqueue.topic.name"] = "orders-dlq";
  regex["errors.deadletterqueue.topic.replication.factor"] = "0";
  ConfigInfos r = def.validate("X", regex);
  EXPECT_THAT(errors_of(r, "errors.deadletterqueue.topic.name"),
              ElementsAre(HasSubstr("(via topics.regex)")));
  EXPECT_THAT(errors_of(r, "errors.deadletterqueue.topic.replication.factor"),
              ElementsAre("Invalid value 0 for configuration "
                          "errors.deadletterqueue.topic.replication.factor: Value must be -1 (the "
                          "broker's default) or at least 1"));
  // A source connector has no topics rule.
  EXPECT_EQ(make_def(ConnectorKind::kSource).validate("X", base).error_count, 0);
}

TEST(ValidateTest, TopicCreationCountsForSources) {
  ConnectorConfigDef def = make_def();
  Props config = good_source_config();
  config["topic.creation.default.partitions"] = "-1";
  config["topic.creation.default.replication.factor"] = "-2";
  ConfigInfos infos = def.validate("X", config);
  EXPECT_EQ(infos.error_count, 1);
  EXPECT_THAT(errors_of(infos, "topic.creation.default.replication.factor"),
              ElementsAre(HasSubstr("Value must be -1 (the broker's default) or at least 1")));
}

TEST(ValidateTest, TransformAndPredicateAliases) {
  ConnectorConfigDef def = make_def();
  Props config = good_source_config();
  config["transforms"] = "a, b, a";
  config["transforms.a.type"] = "org.apache.kafka.connect.transforms.InsertField$Value";
  config["predicates"] = "p";
  ConfigInfos infos = def.validate("X", config);
  EXPECT_THAT(errors_of(infos, "transforms"),
              ElementsAre("Duplicate alias provided: 'a' is listed twice."));
  EXPECT_THAT(errors_of(infos, "transforms.b.type"),
              ElementsAre("Missing required configuration \"transforms.b.type\" which has no "
                          "default value."));
  EXPECT_THAT(errors_of(infos, "predicates.p.type"),
              ElementsAre("Missing required configuration \"predicates.p.type\" which has no "
                          "default value."));
  EXPECT_EQ(infos.error_count, 3);
}

TEST(ValidateTest, AddErrorAndErrorMessages) {
  ConnectorConfigDef def = make_def();
  ConfigInfos infos = def.validate("X", good_source_config());
  infos.add_error("topic", "the plugin does not like it");
  infos.add_error("not.a.key", "cross-key rule failed");
  EXPECT_EQ(infos.error_count, 2);
  EXPECT_THAT(infos.error_messages(), ElementsAre("topic: the plugin does not like it",
                                                  "not.a.key: cross-key rule failed"));
  nlohmann::json j = infos.to_json();
  // An error about a key without a definition comes first, with a null definition.
  EXPECT_TRUE(j["configs"][0]["definition"].is_null());
  EXPECT_EQ(j["configs"][0]["value"]["name"], "not.a.key");
  EXPECT_EQ(j["configs"][0]["value"]["errors"][0], "cross-key rule failed");
}

// --- JSON shapes ---

TEST(JsonTest, DefinitionsJsonShape) {
  ConnectorConfigDef def = make_def();
  nlohmann::json defs = def.definitions_json();
  ASSERT_TRUE(defs.is_array());
  ASSERT_EQ(defs.size(), def.keys().size());
  nlohmann::json tasks_max;
  nlohmann::json topic;
  nlohmann::json password;
  for (const auto& d : defs) {
    if (d["name"] == "tasks.max") tasks_max = d;
    if (d["name"] == "topic") topic = d;
    if (d["name"] == "db.password") password = d;
  }
  EXPECT_EQ(tasks_max["type"], "INT");
  EXPECT_EQ(tasks_max["required"], false);
  EXPECT_EQ(tasks_max["default_value"], "1");
  EXPECT_EQ(tasks_max["importance"], "HIGH");
  EXPECT_EQ(tasks_max["group"], "Common");
  EXPECT_EQ(tasks_max["order_in_group"], 3);
  EXPECT_EQ(tasks_max["width"], "SHORT");
  EXPECT_EQ(tasks_max["display_name"], "Tasks max");
  EXPECT_EQ(tasks_max["dependents"], nlohmann::json::array());
  EXPECT_TRUE(tasks_max["documentation"].is_string());
  std::vector<std::string> fields;
  for (const auto& [k, v] : tasks_max.items()) fields.push_back(k);
  EXPECT_THAT(fields, testing::UnorderedElementsAre("name", "type", "required", "default_value",
                                                    "importance", "documentation", "group",
                                                    "order_in_group", "width", "display_name",
                                                    "dependents"));
  EXPECT_EQ(topic["required"], true);
  EXPECT_TRUE(topic["default_value"].is_null());
  EXPECT_EQ(topic["display_name"], "Topic");
  EXPECT_EQ(topic["group"], "File");
  EXPECT_EQ(password["type"], "PASSWORD");
  EXPECT_TRUE(password["group"].is_null());
  EXPECT_EQ(password["display_name"], "db.password");
  EXPECT_EQ(password["width"], "NONE");
}

TEST(JsonTest, ConfigInfosShape) {
  ConnectorConfigDef def = make_def();
  Props config = good_source_config();
  config["batch.size"] = "x";
  config["db.password"] = "hunter2";
  nlohmann::json j = def.validate("com.example.X", config).to_json();
  EXPECT_EQ(j["name"], "com.example.X");
  EXPECT_EQ(j["error_count"], 1);
  EXPECT_TRUE(j["groups"].is_array());
  ASSERT_EQ(j["configs"].size(), def.keys().size());
  for (const auto& entry : j["configs"]) {
    ASSERT_TRUE(entry.contains("definition"));
    const auto& v = entry["value"];
    std::vector<std::string> fields;
    for (const auto& [k, unused] : v.items()) fields.push_back(k);
    EXPECT_THAT(fields, testing::UnorderedElementsAre("name", "value", "recommended_values",
                                                      "errors", "visible"));
    EXPECT_EQ(entry["definition"]["name"], v["name"]);
    if (v["name"] == "batch.size") {
      EXPECT_EQ(v["value"], "x");
      EXPECT_EQ(v["errors"].size(), 1u);
    }
    if (v["name"] == "ratio") {
      EXPECT_EQ(v["value"], "0.5");  // the default
    }
    if (v["name"] == "file") {
      EXPECT_TRUE(v["value"].is_null());
    }
    if (v["name"] == "mode") {
      EXPECT_EQ(v["recommended_values"], nlohmann::json({"fast", "SAFE"}));
    }
    if (v["name"] == "db.password") {
      EXPECT_EQ(v["value"], "[hidden]");
    }
  }
  EXPECT_EQ(j.dump().find("hunter2"), std::string::npos);
}

// --- masking ---

TEST(MaskingTest, SensitiveKeysAreHiddenUnlessPlaceholders) {
  ConnectorConfigDef def = make_def();
  EXPECT_TRUE(def.is_sensitive("db.password"));
  EXPECT_TRUE(def.is_sensitive("token"));
  EXPECT_FALSE(def.is_sensitive("topic"));
  EXPECT_FALSE(def.is_sensitive("name"));
  EXPECT_TRUE(def.is_sensitive("producer.override.sasl.jaas.config"));
  EXPECT_TRUE(def.is_sensitive("consumer.override.ssl.key.password"));
  EXPECT_FALSE(def.is_sensitive("undefined.key"));
  Props config{{"db.password", "hunter2"},
               {"token", "resolved-secret"},
               {"topic", "t"},
               {"producer.override.ssl.truststore.password", "x"}};
  Props raw{{"token", "${env:TOKEN}"}};
  Props masked = def.masked(config, &raw);
  EXPECT_EQ(masked, (Props{{"db.password", "[hidden]"},
                           {"token", "${env:TOKEN}"},
                           {"topic", "t"},
                           {"producer.override.ssl.truststore.password", "[hidden]"}}));
  EXPECT_EQ(def.masked(config, nullptr).at("token"), "[hidden]");
  ConfigInfos infos = def.validate("X", {{"db.password", "x"}, {"batch.size", "nope"}});
  for (const auto& m : infos.error_messages()) EXPECT_EQ(m.find("hunter2"), std::string::npos);
}

TEST(MaskingTest, ValidateShowsPlaceholdersInsteadOfResolvedValues) {
  ConnectorConfigDef def = make_def();
  Props config = good_source_config();
  config["file"] = "/secret/path";
  config["batch.size"] = "lots";
  config["token"] = "resolved";
  Props raw{{"file", "${env:FILE}"}, {"batch.size", "${env:BATCH}"}, {"token", "${env:TOKEN}"}};
  ConfigInfos infos = def.validate("X", config, &raw);
  EXPECT_THAT(errors_of(infos, "batch.size"),
              ElementsAre("Invalid value ${env:BATCH} for configuration batch.size: Not a number "
                          "of type INT"));
  std::string json = infos.to_json().dump();
  EXPECT_EQ(json.find("/secret/path"), std::string::npos);
  EXPECT_EQ(json.find("resolved"), std::string::npos);
  EXPECT_NE(json.find("${env:FILE}"), std::string::npos);
  EXPECT_NE(json.find("${env:TOKEN}"), std::string::npos);
  infos.add_error("", "the plugin refused the config");
  EXPECT_EQ(infos.error_messages().back(), "the plugin refused the config");
}

TEST(MaskingTest, InvalidSensitiveValueIsNotEchoed) {
  std::vector<sluice_config_key> keys = {
      make_key("pin", SLUICE_CONFIG_INT, nullptr, SLUICE_KEY_SENSITIVE), sluice_config_key{}};
  auto def = ConnectorConfigDef::from_plugin_table(ConnectorKind::kSource, keys.data(),
                                                   sizeof(sluice_config_key));
  ASSERT_TRUE(def.is_ok());
  ConfigInfos infos = def->validate("X", {{"pin", "12a4"}});
  EXPECT_THAT(errors_of(infos, "pin"),
              ElementsAre("Invalid value [hidden] for configuration pin: Not a number of type "
                          "INT"));
}

TEST(DefaultsTest, WithDefaults) {
  ConnectorConfigDef def = make_def();
  Props filled = def.with_defaults({{"topic", "t"}, {"batch.size", "5"}});
  EXPECT_EQ(filled.at("tasks.max"), "1");
  EXPECT_EQ(filled.at("batch.size"), "5");
  EXPECT_EQ(filled.at("errors.tolerance"), "none");
  EXPECT_EQ(filled.count("file"), 0u);
  EXPECT_EQ(filled.count("key.converter"), 0u);
}

}  // namespace
}  // namespace sluice::config
