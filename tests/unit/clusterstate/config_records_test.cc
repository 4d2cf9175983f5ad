// Tests of the config-topic record bytes: byte-exact encodings of every kind as Kafka Connect
// writes them, key parsing, decoding of foreign-but-valid JSON, malformed values of each kind, and
// encode/decode round trips.
#include "runtime/clusterstate/config_records.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sluice::clusterstate {
namespace {

using ::testing::HasSubstr;

TEST(ConfigRecordsTest, KeysAreConnectsPrefixesAndNames) {
  EXPECT_EQ(connector_config_key("a"), "connector-a");
  EXPECT_EQ(task_config_key("my-conn", 12), "task-my-conn-12");
  EXPECT_EQ(tasks_commit_key("a"), "commit-a");
  EXPECT_EQ(target_state_key("a"), "target-state-a");
  EXPECT_EQ(restart_request_key("a"), "restart-connector-a");
  EXPECT_EQ(task_count_key("a"), "tasks-fencing-a");
  EXPECT_EQ(kSessionKeyRecordKey, "session-key");
}

TEST(ConfigRecordsTest, ConnectorConfigBytesMatchConnect) {
  EXPECT_EQ(encode_properties({{"name", "a"}, {"connector.class", "FileStreamSource"}}),
            R"({"properties":{"connector.class":"FileStreamSource","name":"a"}})");
  EXPECT_EQ(encode_properties({}), R"({"properties":{}})");
}

TEST(ConfigRecordsTest, PropertiesEscapeLikeJackson) {
  EXPECT_EQ(encode_properties({{"k", "a\"b\\c\n\t\x01/é"}}),
            "{\"properties\":{\"k\":\"a\\\"b\\\\c\\n\\t\\u0001/é\"}}");
}

TEST(ConfigRecordsTest, CommitTargetStateSessionRestartTaskCountBytes) {
  EXPECT_EQ(encode_tasks_commit(3), R"({"tasks":3})");
  EXPECT_EQ(encode_tasks_commit(0), R"({"tasks":0})");
  EXPECT_EQ(encode_target_state(TargetState::kStarted),
            R"({"state":"STARTED","state.v2":"STARTED"})");
  EXPECT_EQ(encode_target_state(TargetState::kPaused), R"({"state":"PAUSED","state.v2":"PAUSED"})");
  // Older readers only know "state": STOPPED is written there as PAUSED.
  EXPECT_EQ(encode_target_state(TargetState::kStopped),
            R"({"state":"PAUSED","state.v2":"STOPPED"})");
  EXPECT_EQ(encode_session_key({std::string("\x00\x01\x02\x03", 4), "HmacSHA256", 1700000000000}),
            R"({"key":"AAECAw==","algorithm":"HmacSHA256","creation-timestamp":1700000000000})");
  EXPECT_EQ(encode_restart_request(true, false), R"({"include-tasks":true,"only-failed":false})");
  EXPECT_EQ(encode_restart_request(false, true), R"({"include-tasks":false,"only-failed":true})");
  EXPECT_EQ(encode_task_count(2), R"({"task-count":2})");
}

TEST(ConfigRecordsTest, ParsesEveryKeyKind) {
  EXPECT_EQ(*parse_config_key("connector-a"),
            (ConfigKey{ConfigRecordKind::kConnectorConfig, "a", -1}));
  EXPECT_EQ(*parse_config_key("task-my-conn-7"),
            (ConfigKey{ConfigRecordKind::kTaskConfig, "my-conn", 7}));
  EXPECT_EQ(*parse_config_key("commit-a-b"),
            (ConfigKey{ConfigRecordKind::kTasksCommit, "a-b", -1}));
  EXPECT_EQ(*parse_config_key("target-state-x"),
            (ConfigKey{ConfigRecordKind::kTargetState, "x", -1}));
  EXPECT_EQ(*parse_config_key("session-key"), (ConfigKey{ConfigRecordKind::kSessionKey, "", -1}));
  EXPECT_EQ(*parse_config_key("restart-connector-r"),
            (ConfigKey{ConfigRecordKind::kRestartRequest, "r", -1}));
  EXPECT_EQ(*parse_config_key("tasks-fencing-f"),
            (ConfigKey{ConfigRecordKind::kTaskCount, "f", -1}));
  // A connector whose name starts like another prefix stays a connector.
  EXPECT_EQ(*parse_config_key("connector-task-1"),
            (ConfigKey{ConfigRecordKind::kConnectorConfig, "task-1", -1}));
}

TEST(ConfigRecordsTest, RejectsBadKeys) {
  EXPECT_EQ(parse_config_key("unknown-a").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(parse_config_key("").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(parse_config_key("session-key-2").status().code(), StatusCode::kNotFound);
  for (const char* bad :
       {"connector-", "commit-", "target-state-", "task-a", "task-a-", "task--1", "task-a-x",
        "task-a-1x", "task-a-99999999999", "restart-connector-", "tasks-fencing-"}) {
    Result<ConfigKey> k = parse_config_key(bad);
    ASSERT_FALSE(k.is_ok()) << bad;
    EXPECT_EQ(k.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(k.status().message()), HasSubstr(bad));
  }
}

TEST(ConfigRecordsTest, DecodesForeignSpacingAndOrder) {
  Result<Properties> p = decode_properties(
      " { \"other\" : 1, \"properties\" : { \"b\" : \"2\", \"a\" : \"1\", \"n\": null } } ");
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  EXPECT_EQ(*p, (Properties{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(*decode_tasks_commit("{ \"tasks\" : 4 }"), 4);
  EXPECT_EQ(*decode_task_count(R"({"task-count":0})"), 0);
}

TEST(ConfigRecordsTest, TargetStatePrefersV2AndFallsBackOnState) {
  EXPECT_EQ(*decode_target_state(R"({"state":"PAUSED","state.v2":"STOPPED"})"),
            TargetState::kStopped);
  EXPECT_EQ(*decode_target_state(R"({"state":"PAUSED"})"), TargetState::kPaused);
  EXPECT_EQ(*decode_target_state(R"({"state":"STARTED","state.v2":null})"), TargetState::kStarted);
  EXPECT_EQ(*decode_target_state(R"({"state":"PAUSED","state.v2":7})"), TargetState::kPaused);
  EXPECT_FALSE(decode_target_state(R"({"state":"PAUSED","state.v2":"SLEEPING"})").is_ok());
  EXPECT_FALSE(decode_target_state(R"({"state":"started"})").is_ok());
  EXPECT_FALSE(decode_target_state(R"({"state.v2":5})").is_ok());
  EXPECT_FALSE(decode_target_state(R"({})").is_ok());
}

TEST(ConfigRecordsTest, MalformedValuesOfEachKind) {
  for (const char* bad : {"", "not json", "[1]", "\"s\"", "{\"properties\":[]}",
                          "{\"properties\":{\"a\":1}}", "{\"properties\":{\"a\":{}}}", "{}",
                          "{\"properties\":{\"a\":\"1\"}", "{\"properties\":{\"a\":\"\xff\"}}"}) {
    EXPECT_FALSE(decode_properties(bad).is_ok()) << bad;
  }
  for (const char* bad : {"{}", "{\"tasks\":\"3\"}", "{\"tasks\":1.5}", "{\"tasks\":1e2}",
                          "{\"tasks\":-1}", "{\"tasks\":2147483648}", "{\"tasks\":null}", "3"}) {
    EXPECT_FALSE(decode_tasks_commit(bad).is_ok()) << bad;
  }
  for (const char* bad :
       {"{}", R"({"key":"AAEC","algorithm":"HmacSHA256"})",
        R"({"key":"not base64!","algorithm":"HmacSHA256","creation-timestamp":1})",
        R"({"key":"","algorithm":"HmacSHA256","creation-timestamp":1})",
        R"({"key":"AAECAw==","algorithm":1,"creation-timestamp":1})",
        R"({"key":"AAECAw==","algorithm":"HmacSHA256","creation-timestamp":"1"})"}) {
    EXPECT_FALSE(decode_session_key(bad).is_ok()) << bad;
  }
  EXPECT_FALSE(decode_restart_request("a", "[]").is_ok());
  EXPECT_FALSE(decode_task_count(R"({"task-count":-2})").is_ok());
}

TEST(ConfigRecordsTest, RestartFlagsDefaultToFalse) {
  RestartRequest r = *decode_restart_request("c", R"({"include-tasks":"yes"})");
  EXPECT_EQ(r, (RestartRequest{"c", false, false}));
  r = *decode_restart_request("c", R"({"only-failed":true,"include-tasks":true})");
  EXPECT_EQ(r, (RestartRequest{"c", true, true}));
}

TEST(ConfigRecordsTest, RoundTrips) {
  Properties p{{"connector.class", "X"}, {"tasks.max", "3"}, {"weird", "\x1f\"\\ ü"}};
  EXPECT_EQ(*decode_properties(encode_properties(p)), p);
  for (TargetState s : {TargetState::kStarted, TargetState::kPaused, TargetState::kStopped}) {
    EXPECT_EQ(*decode_target_state(encode_target_state(s)), s);
  }
  SessionKey k{std::string("\xff\x00secret", 8), "HmacSHA512", -5};
  EXPECT_EQ(*decode_session_key(encode_session_key(k)), k);
  EXPECT_EQ(*decode_tasks_commit(encode_tasks_commit(2147483647)), 2147483647);
  EXPECT_EQ(*decode_restart_request("z", encode_restart_request(true, true)),
            (RestartRequest{"z", true, true}));
  EXPECT_EQ(*decode_task_count(encode_task_count(9)), 9);
  // Keys read back as what they were built from.
  EXPECT_EQ(parse_config_key(task_config_key("a-b-c", 0))->connector, "a-b-c");
}

TEST(ConfigRecordsTest, WriteBatchesInConnectsOrder) {
  EXPECT_EQ(
      connector_deletion_records("a"),
      (std::vector<KeyValue>{{"connector-a", std::nullopt}, {"target-state-a", std::nullopt}}));
  std::vector<KeyValue> create =
      connector_creation_records("a", {{"name", "a"}}, TargetState::kStopped);
  ASSERT_EQ(create.size(), 2u);
  EXPECT_EQ(create[0].key, "target-state-a");
  EXPECT_EQ(create[1], (KeyValue{"connector-a", R"({"properties":{"name":"a"}})"}));
  std::vector<KeyValue> tasks = task_config_records("a", {{{"t", "0"}}, {{"t", "1"}}});
  EXPECT_EQ(tasks, (std::vector<KeyValue>{{"task-a-0", R"({"properties":{"t":"0"}})"},
                                          {"task-a-1", R"({"properties":{"t":"1"}})"}}));
}

}  // namespace
}  // namespace sluice::clusterstate
