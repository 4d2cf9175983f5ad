// MessageBatch against a real in-process broker-lite: staged messages arrive in order with their
// keys, null values and opaques; a full librdkafka queue keeps the refused message and every
// later one staged, in order, for the next call; a message librdkafka will not take at all is
// reported as a rejection while the others go on.
#include "runtime/kafka/message_batch.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "runtime/kafka/admin.h"
#include "runtime/kafka/producer.h"
#include "tests/unit/kafka/in_process_broker.h"

namespace sluice::kafka_client {
namespace {

constexpr int kBatchTimeoutMs = 10000;

struct Delivered {
  intptr_t opaque;
  int64_t offset;
  std::string key;  // "<null>" for a null key
  std::string value;
  bool null_value;
};

struct Reports {
  std::vector<Delivered> delivered;
  int errors = 0;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* reports = static_cast<Reports*>(opaque);
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++reports->errors;
    return;
  }
  reports->delivered.push_back(
      Delivered{reinterpret_cast<intptr_t>(m->_private), m->offset,
                m->key ? std::string(static_cast<const char*>(m->key), m->key_len) : "<null>",
                m->payload ? std::string(static_cast<const char*>(m->payload), m->len) : "",
                m->payload == nullptr});
}

void* opaque_of(intptr_t n) {
  return reinterpret_cast<void*>(n);
}

class MessageBatchTest : public testing::InProcessBrokerTest {
 protected:
  void SetUp() override {
    InProcessBrokerTest::SetUp();
    auto admin = Admin::create({{"bootstrap.servers", bootstrap_}});
    ASSERT_TRUE(admin.is_ok());
    ASSERT_TRUE((*admin)->create_topic("t", 1, 1, {}, kBatchTimeoutMs).is_ok());
  }
  std::unique_ptr<Producer> producer(Props extra) {
    Props props{{"bootstrap.servers", bootstrap_}, {"linger.ms", "1"}};
    for (auto& [k, v] : extra) props[k] = v;
    auto made = Producer::create(props, &on_delivery, &reports_);
    EXPECT_TRUE(made.is_ok()) << made.status().to_string();
    return made.is_ok() ? std::move(*made) : nullptr;
  }

  Reports reports_;
};

TEST_F(MessageBatchTest, DeliversInOrderWithKeysNullsAndOpaques) {
  auto p = producer({{"enable.idempotence", "true"}, {"acks", "all"}});
  ASSERT_NE(p, nullptr);
  rd_kafka_topic_t* topic = rd_kafka_topic_new(p->handle(), "t", nullptr);
  MessageBatch batch;
  std::vector<MessageBatch::Rejection> rejected;
  for (int round = 0; round < 3; ++round) {  // the batch is reused after each enqueue
    for (int i = 0; i < 400; ++i) {
      const int n = round * 400 + i;
      std::string key = "k" + std::to_string(n);
      std::string value = "value-" + std::to_string(n);
      const bool null_key = n % 7 == 0;
      const bool null_value = n % 11 == 0;
      batch.add(RD_KAFKA_PARTITION_UA, null_key ? nullptr : key.data(), key.size(),
                null_value ? nullptr : value.data(), value.size(), opaque_of(n + 1));
    }
    EXPECT_EQ(batch.size(), 400u);
    EXPECT_TRUE(batch.enqueue(topic, &rejected));
    EXPECT_TRUE(batch.empty());
  }
  EXPECT_TRUE(rejected.empty());
  ASSERT_EQ(rd_kafka_flush(p->handle(), kBatchTimeoutMs), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(reports_.errors, 0);
  ASSERT_EQ(reports_.delivered.size(), 1200u);
  for (int n = 0; n < 1200; ++n) {
    const Delivered& d = reports_.delivered[n];
    EXPECT_EQ(d.opaque, n + 1);
    EXPECT_EQ(d.offset, n);
    EXPECT_EQ(d.key, n % 7 == 0 ? "<null>" : "k" + std::to_string(n));
    EXPECT_EQ(d.null_value, n % 11 == 0);
    if (n % 11 != 0) {
      EXPECT_EQ(d.value, "value-" + std::to_string(n));
    }
  }
  rd_kafka_topic_destroy(topic);
}

TEST_F(MessageBatchTest, FullQueueKeepsTheRestStagedInOrder) {
  auto p = producer({{"queue.buffering.max.messages", "10"}});
  ASSERT_NE(p, nullptr);
  rd_kafka_topic_t* topic = rd_kafka_topic_new(p->handle(), "t", nullptr);
  MessageBatch batch;
  for (int n = 0; n < 25; ++n) {
    std::string value = "m" + std::to_string(n);
    batch.add(RD_KAFKA_PARTITION_UA, nullptr, 0, value.data(), value.size(), opaque_of(n + 1));
  }
  std::vector<MessageBatch::Rejection> rejected;
  int calls = 0;
  while (!batch.enqueue(topic, &rejected)) {
    ++calls;
    EXPECT_LT(batch.size(), 25u);
    ASSERT_LT(calls, 200) << "the queue never drained";
    rd_kafka_poll(p->handle(), 100);  // deliveries free room in the queue
  }
  EXPECT_GE(calls, 2);  // 25 messages cannot pass a queue of 10 in fewer than three calls
  EXPECT_TRUE(rejected.empty());
  ASSERT_EQ(rd_kafka_flush(p->handle(), kBatchTimeoutMs), RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_EQ(reports_.delivered.size(), 25u);
  for (int n = 0; n < 25; ++n) {
    EXPECT_EQ(reports_.delivered[n].opaque, n + 1);
    EXPECT_EQ(reports_.delivered[n].value, "m" + std::to_string(n));
  }
  rd_kafka_topic_destroy(topic);
}

TEST_F(MessageBatchTest, MessageTooLargeIsRejectedAndTheOthersGoOn) {
  auto p = producer({{"message.max.bytes", "1000"}});
  ASSERT_NE(p, nullptr);
  rd_kafka_topic_t* topic = rd_kafka_topic_new(p->handle(), "t", nullptr);
  MessageBatch batch;
  const std::string small = "small";
  const std::string large(5000, 'x');
  batch.add(RD_KAFKA_PARTITION_UA, nullptr, 0, small.data(), small.size(), opaque_of(1));
  batch.add(RD_KAFKA_PARTITION_UA, nullptr, 0, large.data(), large.size(), opaque_of(2));
  batch.add(RD_KAFKA_PARTITION_UA, nullptr, 0, small.data(), small.size(), opaque_of(3));
  std::vector<MessageBatch::Rejection> rejected;
  EXPECT_TRUE(batch.enqueue(topic, &rejected));
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(reinterpret_cast<intptr_t>(rejected[0].opaque), 2);
  EXPECT_EQ(rejected[0].error, RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE);
  ASSERT_EQ(rd_kafka_flush(p->handle(), kBatchTimeoutMs), RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_EQ(reports_.delivered.size(), 2u);
  EXPECT_EQ(reports_.delivered[0].opaque, 1);
  EXPECT_EQ(reports_.delivered[1].opaque, 3);
  rd_kafka_topic_destroy(topic);
}

}  // namespace
}  // namespace sluice::kafka_client
