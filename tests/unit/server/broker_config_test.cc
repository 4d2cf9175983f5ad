// broker-lite's YAML configuration: every key type, the retention and roll aliases and their
// precedence, unknown keys (the error names the key, the file and the nearest known key), bad
// types, bad listeners and the one-directory rule of log.dirs.
#include <gtest/gtest.h>

#include <string>

#include "broker-lite/server/broker_config.h"

namespace sluice::broker {
namespace {

constexpr char kSource[] = "configs/test-broker.yaml";

Result<BrokerConfig> parse(const std::string& yaml) {
  return parse_broker_config_yaml(yaml, kSource);
}

std::string error_of(const std::string& yaml) {
  auto c = parse(yaml);
  EXPECT_FALSE(c.is_ok()) << "expected an error for:\n" << yaml;
  return c ? std::string() : std::string(c.status().message());
}

TEST(BrokerConfigTest, EmptyDocumentGivesDefaults) {
  auto c = parse("");
  ASSERT_TRUE(c) << c.status().to_string();
  EXPECT_EQ(c->node_id, 1);
  ASSERT_EQ(c->listeners.size(), 1u);
  EXPECT_EQ(c->listeners[0].host, "127.0.0.1");
  EXPECT_EQ(c->listeners[0].port, 9092);
  EXPECT_EQ(c->num_partitions, 1);
  EXPECT_TRUE(c->auto_create_topics);
  EXPECT_EQ(c->log_retention_ms, 7LL * 24 * 3600 * 1000);
  EXPECT_TRUE(c->explicit_values.empty());
}

TEST(BrokerConfigTest, EveryKeyTypeIsParsed) {
  auto c = parse(
      "node.id: 7\n"                              // int
      "listeners: PLAINTEXT://127.0.0.1:19092\n"  // list (scalar form)
      "advertised.listeners:\n"                   // list (sequence form)
      "  - PLAINTEXT://localhost:29092\n"
      "log.dirs: data/b1\n"  // string
      "num.partitions: 3\n"
      "auto.create.topics.enable: false\n"  // bool
      "delete.topic.enable: true\n"
      "log.segment.bytes: 5000000000\n"      // long (> int32 range is refused below)
      "log.retention.bytes: 123456789012\n"  // long
      "message.max.bytes: 2000000\n"
      "socket.request.max.bytes: 4096\n"
      "log.cleanup.policy: compact\n"
      "log.level: debug\n");
  // log.segment.bytes has a range check (<= 2^31-1): the value above is refused by name.
  ASSERT_FALSE(c);
  EXPECT_NE(c.status().message().find("log.segment.bytes"), std::string::npos)
      << c.status().to_string();

  c = parse(
      "node.id: 7\n"
      "listeners: PLAINTEXT://127.0.0.1:19092\n"
      "advertised.listeners:\n"
      "  - PLAINTEXT://localhost:29092\n"
      "log.dirs: data/b1\n"
      "num.partitions: 3\n"
      "auto.create.topics.enable: false\n"
      "delete.topic.enable: true\n"
      "log.segment.bytes: 1048576\n"
      "log.retention.bytes: 123456789012\n"
      "message.max.bytes: 2000000\n"
      "socket.request.max.bytes: 4096\n"
      "log.cleanup.policy: compact\n"
      "log.level: debug\n");
  ASSERT_TRUE(c) << c.status().to_string();
  EXPECT_EQ(c->node_id, 7);
  ASSERT_EQ(c->listeners.size(), 1u);
  EXPECT_EQ(c->listeners[0].name, "PLAINTEXT");
  EXPECT_EQ(c->listeners[0].host, "127.0.0.1");
  EXPECT_EQ(c->listeners[0].port, 19092);
  ASSERT_EQ(c->advertised_listeners.size(), 1u);
  EXPECT_EQ(c->advertised_listeners[0].host, "localhost");
  EXPECT_EQ(c->advertised_listeners[0].port, 29092);
  EXPECT_EQ(c->log_dir, "data/b1");
  EXPECT_EQ(c->num_partitions, 3);
  EXPECT_FALSE(c->auto_create_topics);
  EXPECT_TRUE(c->delete_topic_enable);
  EXPECT_EQ(c->log_segment_bytes, 1048576);
  EXPECT_EQ(c->log_retention_bytes, 123456789012LL);
  EXPECT_EQ(c->message_max_bytes, 2000000);
  EXPECT_EQ(c->socket_request_max_bytes, 4096);
  EXPECT_EQ(c->log_cleanup_policy, "compact");
  EXPECT_EQ(c->log_level, "debug");
  EXPECT_EQ(c->explicit_values.at("num.partitions"), "3");
  EXPECT_EQ(c->explicit_values.at("advertised.listeners"), "PLAINTEXT://localhost:29092");
}

TEST(BrokerConfigTest, SeveralListenersInOneString) {
  auto c = parse("listeners: PLAINTEXT://127.0.0.1:1, PLAINTEXT://[::1]:2\n");
  ASSERT_TRUE(c) << c.status().to_string();
  ASSERT_EQ(c->listeners.size(), 2u);
  EXPECT_EQ(c->listeners[1].host, "::1");
  EXPECT_EQ(c->listeners[1].port, 2);
}

TEST(BrokerConfigTest, BrokerIdIsAnAliasOfNodeId) {
  auto c = parse("broker.id: 42\n");
  ASSERT_TRUE(c) << c.status().to_string();
  EXPECT_EQ(c->node_id, 42);
}

TEST(BrokerConfigTest, RetentionAliasesMsBeatsMinutesBeatsHours) {
  auto hours = parse("log.retention.hours: 2\n");
  ASSERT_TRUE(hours);
  EXPECT_EQ(hours->log_retention_ms, 2 * 3600000LL);

  auto minutes = parse("log.retention.hours: 2\nlog.retention.minutes: 5\n");
  ASSERT_TRUE(minutes);
  EXPECT_EQ(minutes->log_retention_ms, 5 * 60000LL);

  // Order in the file must not matter: ms wins even when it comes first.
  auto ms = parse("log.retention.ms: 1234\nlog.retention.minutes: 5\nlog.retention.hours: 2\n");
  ASSERT_TRUE(ms);
  EXPECT_EQ(ms->log_retention_ms, 1234);
  auto ms_last =
      parse("log.retention.minutes: 5\nlog.retention.hours: 2\nlog.retention.ms: 1234\n");
  ASSERT_TRUE(ms_last);
  EXPECT_EQ(ms_last->log_retention_ms, 1234);

  auto forever = parse("log.retention.ms: -1\nlog.retention.hours: 2\n");
  ASSERT_TRUE(forever);
  EXPECT_EQ(forever->log_retention_ms, -1);

  auto roll = parse("log.roll.ms: 999\nlog.roll.hours: 3\n");
  ASSERT_TRUE(roll);
  EXPECT_EQ(roll->log_roll_ms, 999);
  auto roll_hours = parse("log.roll.hours: 3\n");
  ASSERT_TRUE(roll_hours);
  EXPECT_EQ(roll_hours->log_roll_ms, 3 * 3600000LL);
}

TEST(BrokerConfigTest, UnknownKeyNamesTheKeyTheFileAndTheNearestKey) {
  std::string msg = error_of("num.partition: 3\n");
  EXPECT_NE(msg.find("'num.partition'"), std::string::npos) << msg;
  EXPECT_NE(msg.find(kSource), std::string::npos) << msg;
  EXPECT_NE(msg.find("'num.partitions'"), std::string::npos) << msg;

  msg = error_of("log.retension.hours: 3\n");
  EXPECT_NE(msg.find("log.retention.hours"), std::string::npos) << msg;

  // Nothing close: no suggestion, but still the key and the file.
  msg = error_of("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz: 1\n");
  EXPECT_NE(msg.find("zzzz"), std::string::npos) << msg;
  EXPECT_NE(msg.find(kSource), std::string::npos) << msg;
  EXPECT_EQ(msg.find("did you mean"), std::string::npos) << msg;
}

TEST(BrokerConfigTest, NearestKeyHelper) {
  EXPECT_EQ(nearest_key("message.max.byte", broker_config_keys()), "message.max.bytes");
  EXPECT_EQ(nearest_key("qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", broker_config_keys()), "");
}

TEST(BrokerConfigTest, BadTypesNameTheKeyAndTheValue) {
  std::string msg = error_of("num.partitions: three\n");
  EXPECT_NE(msg.find("num.partitions"), std::string::npos) << msg;
  EXPECT_NE(msg.find("three"), std::string::npos) << msg;
  EXPECT_NE(msg.find(kSource), std::string::npos) << msg;

  // Each bad document and a word its error must contain.
  const std::pair<const char*, const char*> cases[] = {
      {"auto.create.topics.enable: maybe\n", "auto.create.topics.enable"},
      {"node.id: 3000000000\n", "node.id"},  // an int key beyond int32
      {"message.max.bytes: 1.5\n", "message.max.bytes"},
      {"num.partitions:\n  nested: 1\n", "num.partitions"},
      {"- a\n- b\n", "top level"},
      {"key: [unterminated\n", "YAML"},
      {"num.partitions: 0\n", "num.partitions"},
      {"log.cleanup.policy: shred\n", "shred"},
      {"default.replication.factor: 3\n", "default.replication.factor"},
  };
  for (const auto& [yaml, word] : cases) {
    msg = error_of(yaml);
    EXPECT_NE(msg.find(word), std::string::npos) << yaml << " -> " << msg;
  }
}

TEST(BrokerConfigTest, BadListenersAreRefused) {
  for (const char* bad : {"listeners: 127.0.0.1:9092\n",           // no scheme
                          "listeners: PLAINTEXT://127.0.0.1\n",    // no port
                          "listeners: PLAINTEXT://127.0.0.1:x\n",  // port not a number
                          "listeners: PLAINTEXT://127.0.0.1:70000\n",
                          "listeners: SSL://127.0.0.1:9093\n",  // only PLAINTEXT
                          "listeners: ''\n"}) {
    std::string msg = error_of(bad);
    EXPECT_NE(msg.find("listener"), std::string::npos) << bad << " -> " << msg;
  }
  EXPECT_FALSE(parse_listener("PLAINTEXT://host:-1"));
  auto ok = parse_listener("PLAINTEXT://:0");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->host, "127.0.0.1");
  EXPECT_EQ(ok->port, 0);
}

TEST(BrokerConfigTest, LogDirsWithCommasIsRefused) {
  std::string msg = error_of("log.dirs: a,b\n");
  EXPECT_NE(msg.find("log.dirs"), std::string::npos) << msg;
  EXPECT_NE(msg.find("one log directory"), std::string::npos) << msg;
  // A YAML list of two directories is the same thing.
  msg = error_of("log.dirs:\n  - a\n  - b\n");
  EXPECT_NE(msg.find("log.dirs"), std::string::npos) << msg;
  auto one = parse("log.dirs:\n  - only\n");
  ASSERT_TRUE(one) << one.status().to_string();
  EXPECT_EQ(one->log_dir, "only");
  msg = error_of("log.dir: ''\n");
  EXPECT_NE(msg.find("log.dir"), std::string::npos) << msg;
}

TEST(BrokerConfigTest, FlatMapAndMissingFile) {
  auto c = broker_config_from_map({{"num.partitions", " 4 "}, {"log.dir", "x"}}, "worker.broker");
  ASSERT_TRUE(c) << c.status().to_string();
  EXPECT_EQ(c->num_partitions, 4);
  EXPECT_EQ(c->log_dir, "x");
  auto missing = load_broker_config_file("no-such-dir/broker.yaml");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.status().message().find("no-such-dir/broker.yaml"), std::string::npos);
}

TEST(BrokerConfigTest, ReferenceListsEveryKey) {
  const std::string md = broker_config_reference_markdown();
  for (const auto& k : broker_config_keys())
    EXPECT_NE(md.find("`" + std::string(k.name) + "`"), std::string::npos) << k.name;
}

}  // namespace
}  // namespace sluice::broker
