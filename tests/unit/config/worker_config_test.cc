// Tests of the worker file: key checking with nearest-key hints, types, YAML errors, the broker
// map, prefixed families, typed getters and defaults.
#include "runtime/config/worker_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "runtime/config/worker_keys.h"

namespace sluice::config {
namespace {

using ::testing::HasSubstr;

WorkerConfig parse_ok(const std::string& yaml) {
  auto r = parse_worker_config(yaml, "worker.yaml");
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? *r : WorkerConfig{};
}

std::string worker_parse_error(const std::string& yaml) {
  auto r = parse_worker_config(yaml, "worker.yaml");
  EXPECT_FALSE(r.is_ok());
  if (r.is_ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  return std::string(r.status().message());
}

TEST(WorkerConfigTest, TypicalStandaloneFile) {
  WorkerConfig c = parse_ok(
      "listeners: http://127.0.0.1:18083\n"
      "plugin.path: [lib/a.so, lib/plugins]\n"
      "offset.storage.file.filename: data/offsets\n"
      "offset.flush.interval.ms: 1000\n"
      "key.converter: org.apache.kafka.connect.storage.StringConverter\n"
      "key.converter.schemas.enable: false\n"
      "topic.tracking.enable: FALSE\n");
  EXPECT_EQ(c.source_file, "worker.yaml");
  EXPECT_TRUE(c.embedded_broker());
  EXPECT_EQ(c.get_string("listeners"), "http://127.0.0.1:18083");
  EXPECT_EQ(c.get_list("plugin.path"), (std::vector<std::string>{"lib/a.so", "lib/plugins"}));
  EXPECT_EQ(c.get_long("offset.flush.interval.ms"), 1000);
  EXPECT_FALSE(c.get_bool("topic.tracking.enable"));
  EXPECT_EQ(c.with_prefix("key.converter."), (Props{{"schemas.enable", "false"}}));
  EXPECT_TRUE(c.check_standalone().is_ok());
  EXPECT_EQ(c.connector_store_file(), "data/offsets.connectors.json");
}

TEST(WorkerConfigTest, DefaultsComeFromTheKeyTable) {
  WorkerConfig c = parse_ok("");
  EXPECT_EQ(c.get_long("offset.flush.interval.ms"), 60000);
  EXPECT_EQ(c.get_long("offset.flush.timeout.ms"), 5000);
  EXPECT_EQ(c.get_long("task.shutdown.graceful.timeout.ms"), 5000);
  EXPECT_TRUE(c.get_bool("topic.creation.enable"));
  EXPECT_TRUE(c.get_bool("topic.tracking.allow.reset"));
  EXPECT_EQ(c.get_string("listeners"), "http://127.0.0.1:8083");
  EXPECT_EQ(c.get_string("value.converter"), "org.apache.kafka.connect.json.JsonConverter");
  EXPECT_EQ(c.get_string("group.id"), "connect-cluster");
  EXPECT_TRUE(c.get_list("plugin.path").empty());
  EXPECT_FALSE(c.get("offset.storage.file.filename").has_value());
  EXPECT_TRUE(c.props.empty());
  Status s = c.check_standalone();
  EXPECT_FALSE(s.is_ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr("worker.yaml: missing required key "
                                                  "'offset.storage.file.filename'"));
}

TEST(WorkerConfigTest, UnknownKeyNamesFileAndNearestKey) {
  EXPECT_EQ(worker_parse_error("offset.flush.intervl.ms: 10\n"),
            "worker.yaml: unknown worker key 'offset.flush.intervl.ms' (did you mean "
            "'offset.flush.interval.ms'?)");
  EXPECT_EQ(worker_parse_error("bootstrap.server: x:9092\n"),
            "worker.yaml: unknown worker key 'bootstrap.server' (did you mean "
            "'bootstrap.servers'?)");
  // A misspelt family prefix is matched against the family with the rest of the key.
  EXPECT_EQ(worker_parse_error("prodcer.acks: all\n"),
            "worker.yaml: unknown worker key 'prodcer.acks' (did you mean 'producer.acks'?)");
  EXPECT_EQ(worker_parse_error("key.convertr.schemas.enable: false\n"),
            "worker.yaml: unknown worker key 'key.convertr.schemas.enable' (did you mean "
            "'key.converter.schemas.enable'?)");
  EXPECT_EQ(worker_parse_error("brokr:\n  log.dirs: x\n"),
            "worker.yaml: unknown worker key 'brokr.log.dirs' (did you mean "
            "'broker.log.dirs'?)");
  // Nothing near: no hint.
  EXPECT_EQ(worker_parse_error("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz: 1\n"),
            "worker.yaml: unknown worker key 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz'");
}

TEST(WorkerConfigTest, TypeErrorsNameKeyAndValue) {
  EXPECT_EQ(worker_parse_error("offset.flush.interval.ms: abc\n"),
            "worker.yaml: key 'offset.flush.interval.ms': 'abc' is not a LONG");
  EXPECT_EQ(worker_parse_error("topic.creation.enable: yes please\n"),
            "worker.yaml: key 'topic.creation.enable': 'yes please' is not a BOOLEAN");
  EXPECT_EQ(worker_parse_error("rest.advertised.port: 99999999999\n"),
            "worker.yaml: key 'rest.advertised.port': '99999999999' is not an INT");
  EXPECT_EQ(worker_parse_error("connect.protocol: fancy\n"),
            "worker.yaml: key 'connect.protocol': 'fancy' is not one of eager, compatible, "
            "sessioned");
}

TEST(WorkerConfigTest, SyntaxErrorNamesLineAndColumn) {
  std::string m = worker_parse_error("listeners: http://127.0.0.1:8083\nplugin.path: [a, b\n");
  EXPECT_THAT(m, testing::MatchesRegex("worker\\.yaml:[23]:[0-9]+: YAML syntax error: .+"));
  m = worker_parse_error("a: b\n  c: d\n");
  EXPECT_THAT(m, testing::StartsWith("worker.yaml:2:"));
  EXPECT_THAT(worker_parse_error("- just\n- a list\n"), HasSubstr("the top level must be a map"));
}

TEST(WorkerConfigTest, BrokerMapIsKeptApartAndFlattened) {
  WorkerConfig c = parse_ok(
      "offset.storage.file.filename: offsets\n"
      "broker:\n"
      "  listeners: [PLAINTEXT://127.0.0.1:19092, PLAINTEXT://127.0.0.1:19093]\n"
      "  log.dirs: ./data\n"
      "  num.partitions: 3\n"
      "  log:\n"
      "    retention.ms: 1000\n"
      "  auto.create.topics.enable: true\n");
  EXPECT_TRUE(c.embedded_broker());
  EXPECT_EQ(c.broker,
            (Props{{"listeners", "PLAINTEXT://127.0.0.1:19092,PLAINTEXT://127.0.0.1:19093"},
                   {"log.dirs", "./data"},
                   {"num.partitions", "3"},
                   {"log.retention.ms", "1000"},
                   {"auto.create.topics.enable", "true"}}));
  EXPECT_EQ(c.props.count("broker.log.dirs"), 0u);
  EXPECT_EQ(c.props.size(), 1u);
  // Dotted top-level keys are the same as the nested map.
  WorkerConfig flat = parse_ok("broker.log.dirs: ./d\nbroker:\n  num.partitions: 2\n");
  EXPECT_EQ(flat.broker, (Props{{"log.dirs", "./d"}, {"num.partitions", "2"}}));
  EXPECT_THAT(worker_parse_error("broker.log.dirs: ./d\nbroker:\n  log.dirs: ./e\n"),
              HasSubstr("key 'log.dirs' is given twice"));
}

TEST(WorkerConfigTest, BrokerWithBootstrapServersIsAnError) {
  EXPECT_THAT(worker_parse_error("bootstrap.servers: kafka:9092\nbroker:\n  log.dirs: x\n"),
              HasSubstr("worker.yaml: key 'broker' is only used when bootstrap.servers is unset"));
  // "embedded" and an empty value mean the embedded broker: the map is fine then.
  EXPECT_TRUE(parse_ok("bootstrap.servers: embedded\nbroker: {log.dirs: x}\n").embedded_broker());
  EXPECT_TRUE(parse_ok("bootstrap.servers:\nbroker: {log.dirs: x}\n").embedded_broker());
  WorkerConfig remote = parse_ok("bootstrap.servers: [k1:9092, k2:9092]\n");
  EXPECT_FALSE(remote.embedded_broker());
  EXPECT_EQ(remote.get_list("bootstrap.servers"), (std::vector<std::string>{"k1:9092", "k2:9092"}));
  EXPECT_THAT(worker_parse_error("broker: 5\n"), HasSubstr("key 'broker' must be a map"));
}

TEST(WorkerConfigTest, NestedPrefixedMapsAreFlattened) {
  WorkerConfig c = parse_ok(
      "producer:\n"
      "  acks: all\n"
      "  compression: {type: lz4}\n"
      "consumer.max.poll.records: 100\n"
      "value.converter:\n"
      "  schemas.enable: false\n"
      "admin: {request.timeout.ms: 1000}\n"
      "listeners.https.ssl.keystore.location: /k\n");
  EXPECT_EQ(c.with_prefix("producer."), (Props{{"acks", "all"}, {"compression.type", "lz4"}}));
  EXPECT_EQ(c.with_prefix("consumer."), (Props{{"max.poll.records", "100"}}));
  EXPECT_EQ(c.with_prefix("admin."), (Props{{"request.timeout.ms", "1000"}}));
  EXPECT_EQ(c.props.at("value.converter.schemas.enable"), "false");
  // value.converter itself was not set by the nested map: the default applies.
  EXPECT_EQ(c.get_string("value.converter"), "org.apache.kafka.connect.json.JsonConverter");
}

TEST(WorkerConfigTest, KeyGivenTwiceAfterFlatteningIsAnError) {
  EXPECT_THAT(worker_parse_error("producer.acks: 1\nproducer:\n  acks: all\n"),
              HasSubstr("key 'producer.acks' is given twice (lines 1 and 3)"));
}

TEST(WorkerConfigTest, ProvidersAreResolvedAndRawKept) {
  ::setenv("SLUICE_CFG_TEST_INTERVAL", "2500", 1);
  ::setenv("SLUICE_CFG_TEST_SECRET", "s3cret", 1);
  WorkerConfig c = parse_ok(
      "offset.flush.interval.ms: ${env:SLUICE_CFG_TEST_INTERVAL}\n"
      "producer.sasl.password: ${env:SLUICE_CFG_TEST_SECRET}\n"
      "broker: {log.dirs: \"${env:SLUICE_CFG_TEST_INTERVAL}/x\"}\n");
  EXPECT_EQ(c.get_long("offset.flush.interval.ms"), 2500);
  EXPECT_EQ(c.props.at("producer.sasl.password"), "s3cret");
  EXPECT_EQ(c.raw_placeholders.at("producer.sasl.password"), "${env:SLUICE_CFG_TEST_SECRET}");
  EXPECT_EQ(c.broker.at("log.dirs"), "2500/x");
  // A resolved value of the wrong type is reported with the placeholder, not the value.
  ::setenv("SLUICE_CFG_TEST_BAD", "soon", 1);
  EXPECT_EQ(worker_parse_error("offset.flush.interval.ms: ${env:SLUICE_CFG_TEST_BAD}\n"),
            "worker.yaml: key 'offset.flush.interval.ms': '${env:SLUICE_CFG_TEST_BAD}' is not a "
            "LONG");
  ::unsetenv("SLUICE_CFG_TEST_UNSET");
  EXPECT_EQ(worker_parse_error("client.id: ${env:SLUICE_CFG_TEST_UNSET}\n"),
            "worker.yaml: key 'client.id': ${env:SLUICE_CFG_TEST_UNSET}: environment variable "
            "SLUICE_CFG_TEST_UNSET is not set");
}

TEST(WorkerConfigTest, DistributedKeysAreKnown) {
  WorkerConfig c = parse_ok(
      "group.id: g\nconfig.storage.topic: cfg\noffset.storage.partitions: 5\n"
      "status.storage.replication.factor: 1\nconnect.protocol: eager\n");
  EXPECT_EQ(c.get_string("config.storage.topic"), "cfg");
  EXPECT_EQ(c.get_long("offset.storage.partitions"), 5);
}

TEST(WorkerConfigTest, LoadFromFile) {
  std::string path = ::testing::TempDir() + "/sluice_worker_config_test.yaml";
  {
    std::ofstream out(path);
    out << "offset.storage.file.filename: o\n";
  }
  auto r = load_worker_config(path);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->source_file, path);
  auto missing = load_worker_config(path + ".missing");
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr(path + ".missing"));
}

TEST(WorkerKeysTest, TableKeysInsideFamilies) {
  // admin.listeners lies inside the admin. family but is still a table key; other admin.* keys
  // (the admin client's settings) pass unchecked, a typo after the prefix included.
  WorkerConfig c = parse_ok(
      "admin.listeners: [http://127.0.0.1:1]\nadmin.retries: 3\n"
      "admin.listeners.https.ssl.key.password: k\n");
  EXPECT_EQ(c.get_list("admin.listeners"), (std::vector<std::string>{"http://127.0.0.1:1"}));
  // Only the admin client's own settings.
  EXPECT_EQ(c.with_prefix("admin."), (Props{{"retries", "3"}}));
  EXPECT_EQ(c.with_prefix("admin.listeners.https."), (Props{{"ssl.key.password", "k"}}));
  EXPECT_NE(find_worker_key("admin.listeners"), nullptr);
  EXPECT_NE(find_worker_prefix("admin.listenrs"), nullptr);
}

TEST(WorkerKeysTest, TableIsConsistent) {
  for (const auto& k : worker_keys()) {
    SCOPED_TRACE(k.name);
    EXPECT_NE(std::string(k.doc), "");
    if (k.default_value != nullptr) {
      EXPECT_TRUE(parses_as(k.type, k.default_value));
    }
    EXPECT_EQ(find_worker_key(k.name), &k);
  }
}

}  // namespace
}  // namespace sluice::config
