// The librdkafka wrappers against a real broker-lite running in-process on a loopback port:
// configuration errors (secrets kept out of messages), topic creation (twice), cluster id, topic
// listing, producing with delivery reports, consuming in a group with a rebalance callback and
// commits, and the group-offset admin calls (list, alter, delete).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "runtime/kafka/admin.h"
#include "runtime/kafka/conf.h"
#include "runtime/kafka/consumer.h"
#include "runtime/kafka/producer.h"
#include "tests/unit/kafka/in_process_broker.h"

namespace sluice::kafka_client {
namespace {

constexpr int kTimeoutMs = 10000;

class KafkaClientTest : public testing::InProcessBrokerTest {
 protected:
  Props client_props() const { return {{"bootstrap.servers", bootstrap_}}; }

  std::unique_ptr<Admin> admin() {
    auto a = Admin::create(client_props());
    EXPECT_TRUE(a.is_ok()) << a.status().to_string();
    return a.is_ok() ? std::move(*a) : nullptr;
  }

  // Produces `count` values "v<i>" to partition 0 of `topic`; returns the delivered offsets.
  std::vector<int64_t> produce(const std::string& topic, int count) {
    struct Reports {
      std::vector<int64_t> offsets;
      int errors = 0;
    } reports;
    auto on_delivery = [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
      auto* r = static_cast<Reports*>(opaque);
      if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++r->errors;
      } else {
        r->offsets.push_back(m->offset);
      }
    };
    Props props = client_props();
    props["linger.ms"] = "1";
    auto producer = Producer::create(props, on_delivery, &reports);
    EXPECT_TRUE(producer.is_ok()) << producer.status().to_string();
    if (!producer.is_ok()) return {};
    for (int i = 0; i < count; ++i) {
      std::string value = "v" + std::to_string(i);
      rd_kafka_resp_err_t err =
          rd_kafka_producev((*producer)->handle(), RD_KAFKA_V_TOPIC(topic.c_str()),
                            RD_KAFKA_V_PARTITION(0), RD_KAFKA_V_VALUE(value.data(), value.size()),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      EXPECT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(err);
    }
    EXPECT_EQ(rd_kafka_flush((*producer)->handle(), kTimeoutMs), RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(reports.errors, 0);
    return reports.offsets;
  }
};

TEST(KafkaConfTest, UnknownAndInvalidPropertiesAreNamed) {
  auto unknown = make_conf({{"bootstrap.servers", "127.0.0.1:1"}, {"no.such.property", "1"}});
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("\"no.such.property\""), std::string::npos)
      << unknown.status().to_string();

  auto invalid = make_conf({{"message.max.bytes", "lots"}});
  ASSERT_FALSE(invalid.is_ok());
  EXPECT_NE(invalid.status().message().find("\"message.max.bytes\": "), std::string::npos);
  EXPECT_GT(invalid.status().message().size(), std::string("Kafka client property "
                                                           "\"message.max.bytes\": ")
                                                   .size());

  auto producer = Producer::create({{"enable.idempotence", "maybe"}}, nullptr, nullptr);
  ASSERT_FALSE(producer.is_ok());
  EXPECT_NE(producer.status().message().find("enable.idempotence"), std::string::npos);

  auto ok = make_conf({{"bootstrap.servers", "127.0.0.1:1"}, {"sasl.password", "pw"}});
  ASSERT_TRUE(ok.is_ok()) << ok.status().to_string();
  rd_kafka_conf_destroy(*ok);
}

TEST(KafkaConfTest, SecretValuesNeverAppearInMessages) {
  EXPECT_TRUE(is_sensitive_property("sasl.password"));
  EXPECT_TRUE(is_sensitive_property("ssl.key.password"));
  EXPECT_TRUE(is_sensitive_property("sasl.oauthbearer.client.secret"));
  EXPECT_TRUE(is_sensitive_property("SSL.KEY.PEM"));
  EXPECT_FALSE(is_sensitive_property("bootstrap.servers"));
  EXPECT_FALSE(is_sensitive_property("sasl.username"));
  // Whatever librdkafka says about a secret-named property, its value is not repeated.
  for (const char* key : {"ssl.key.password.x", "my.secret.retries"}) {
    auto r = make_conf({{key, "Hunter2-XYZ"}});
    ASSERT_FALSE(r.is_ok());
    EXPECT_EQ(std::string(r.status().message()).find("Hunter2-XYZ"), std::string::npos)
        << r.status().to_string();
  }
}

TEST_F(KafkaClientTest, CreateTopicTwiceListTopicsAndClusterId) {
  auto a = admin();
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->create_topic("events", 3, 1, {{"cleanup.policy", "compact"}}, kTimeoutMs));
  Status again = a->create_topic("events", 3, 1, {}, kTimeoutMs);
  EXPECT_TRUE(again.is_ok()) << again.to_string();
  ASSERT_TRUE(a->create_topic("defaults", -1, -1, {}, kTimeoutMs));
  Status bad = a->create_topic("bad topic name!", 1, 1, {}, kTimeoutMs);
  EXPECT_FALSE(bad.is_ok());
  EXPECT_NE(bad.message().find("bad topic name!"), std::string::npos) << bad.to_string();

  auto topics = a->list_topics(kTimeoutMs);
  ASSERT_TRUE(topics.is_ok()) << topics.status().to_string();
  EXPECT_NE(std::find(topics->begin(), topics->end(), "events"), topics->end());
  EXPECT_NE(std::find(topics->begin(), topics->end(), "defaults"), topics->end());
  EXPECT_TRUE(std::is_sorted(topics->begin(), topics->end()));

  auto id = a->cluster_id(kTimeoutMs);
  ASSERT_TRUE(id.is_ok()) << id.status().to_string();
  EXPECT_EQ(*id, broker_->broker().cluster_id());
  EXPECT_FALSE(id->empty());
}

TEST_F(KafkaClientTest, ProduceWithDeliveryReports) {
  auto a = admin();
  ASSERT_TRUE(a->create_topic("lines", 1, 1, {}, kTimeoutMs));
  std::vector<int64_t> offsets = produce("lines", 25);
  ASSERT_EQ(offsets.size(), 25u);
  for (size_t i = 0; i < offsets.size(); ++i) EXPECT_EQ(offsets[i], static_cast<int64_t>(i));
}

struct RebalanceLog {
  std::atomic<int> assigned{0};
  std::atomic<int> revoked{0};
};

void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                  rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  auto* log = static_cast<RebalanceLog*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    log->assigned += partitions->cnt;
    rd_kafka_assign(rk, partitions);
  } else {
    log->revoked += partitions->cnt;
    rd_kafka_assign(rk, nullptr);
  }
}

TEST_F(KafkaClientTest, ConsumeInGroupCommitAndManageGroupOffsets) {
  auto a = admin();
  ASSERT_TRUE(a->create_topic("in", 1, 1, {}, kTimeoutMs));
  ASSERT_EQ(produce("in", 10).size(), 10u);

  RebalanceLog rebalances;
  Props props = client_props();
  props["group.id"] = "connect-sink";
  props["auto.offset.reset"] = "earliest";
  props["enable.auto.commit"] = "false";
  auto consumer = Consumer::create(props, on_rebalance, &rebalances);
  ASSERT_TRUE(consumer.is_ok()) << consumer.status().to_string();
  rd_kafka_t* rk = (*consumer)->handle();
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, "in", RD_KAFKA_PARTITION_UA);
  ASSERT_EQ(rd_kafka_subscribe(rk, topics), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(topics);

  std::vector<std::string> values;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (values.size() < 10 && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 200);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      values.emplace_back(static_cast<const char*>(m->payload), m->len);
    }
    rd_kafka_message_destroy(m);
  }
  ASSERT_EQ(values.size(), 10u);
  EXPECT_EQ(values.front(), "v0");
  EXPECT_EQ(values.back(), "v9");
  EXPECT_EQ(rebalances.assigned.load(), 1);

  rd_kafka_topic_partition_list_t* commit = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(commit, "in", 0)->offset = 7;
  ASSERT_EQ(rd_kafka_commit(rk, commit, 0), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(commit);

  auto listed = a->list_group_offsets("connect-sink", kTimeoutMs);
  ASSERT_TRUE(listed.is_ok()) << listed.status().to_string();
  EXPECT_EQ(*listed, (std::vector<GroupOffset>{{"in", 0, 7}}));

  // A group with an active member cannot be deleted.
  Status busy = a->delete_group("connect-sink", kTimeoutMs);
  EXPECT_EQ(busy.code(), StatusCode::kFailedPrecondition) << busy.to_string();

  ASSERT_TRUE((*consumer)->close());
  ASSERT_TRUE((*consumer)->close());  // idempotent
  EXPECT_EQ(rebalances.revoked.load(), 1);
  consumer->reset();

  ASSERT_TRUE(a->alter_group_offsets("connect-sink", {{"in", 0, 3}}, kTimeoutMs));
  listed = a->list_group_offsets("connect-sink", kTimeoutMs);
  ASSERT_TRUE(listed.is_ok()) << listed.status().to_string();
  EXPECT_EQ(*listed, (std::vector<GroupOffset>{{"in", 0, 3}}));

  Status deleted = a->delete_group("connect-sink", kTimeoutMs);
  ASSERT_TRUE(deleted.is_ok()) << deleted.to_string();
  listed = a->list_group_offsets("connect-sink", kTimeoutMs);
  ASSERT_TRUE(listed.is_ok()) << listed.status().to_string();
  EXPECT_TRUE(listed->empty());
  EXPECT_EQ(a->delete_group("connect-sink", kTimeoutMs).code(), StatusCode::kNotFound);
}

TEST(KafkaAdminTest, UnreachableClusterTimesOut) {
  auto a = Admin::create({{"bootstrap.servers", "127.0.0.1:1"}});
  ASSERT_TRUE(a.is_ok()) << a.status().to_string();
  auto id = (*a)->cluster_id(300);
  EXPECT_EQ(id.status().code(), StatusCode::kUnavailable);
  Status created = (*a)->create_topic("t", 1, 1, {}, 300);
  EXPECT_FALSE(created.is_ok());
  EXPECT_NE(created.message().find("create topic t"), std::string::npos) << created.to_string();
}

}  // namespace
}  // namespace sluice::kafka_client
