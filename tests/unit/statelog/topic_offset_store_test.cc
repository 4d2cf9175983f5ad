// TopicOffsetStore against a real in-process broker-lite: Kafka Connect's record bytes and
// partitioning, round trips across a restart, tombstones, another worker's writes, rejected
// entries, and errors instead of hangs when the cluster is gone.
#include "runtime/statelog/topic_offset_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "tests/unit/kafka/in_process_broker.h"

namespace sluice::statelog {
namespace {

using kafka_client::Props;
using kafka_client::testing::InProcessBrokerTest;
using storage::OffsetEntry;

// Java's Utils.murmur2 (the hash of Kafka's default partitioner), written from its definition
// so the test checks the partition Kafka Connect would choose independently of librdkafka.
int32_t java_murmur2(const std::string& data) {
  const uint32_t seed = 0x9747b28c;
  const uint32_t m = 0x5bd1e995;
  const int r = 24;
  const size_t length = data.size();
  uint32_t h = seed ^ static_cast<uint32_t>(length);
  const size_t quads = length / 4;
  const auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(data[i])); };
  for (size_t i = 0; i < quads; ++i) {
    const size_t at = i * 4;
    uint32_t k = byte(at) | (byte(at + 1) << 8) | (byte(at + 2) << 16) | (byte(at + 3) << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  const size_t tail = quads * 4;
  switch (length % 4) {
    case 3:
      h ^= byte(tail + 2) << 16;
      [[fallthrough]];
    case 2:
      h ^= byte(tail + 1) << 8;
      [[fallthrough]];
    case 1:
      h ^= byte(tail);
      h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

int32_t connect_partition(const std::string& key, int32_t partitions) {
  return (java_murmur2(key) & 0x7fffffff) % partitions;
}

class TopicOffsetStoreTest : public InProcessBrokerTest {
 protected:
  TopicOffsetStoreOptions options(int start_timeout_ms = 10000) const {
    TopicOffsetStoreOptions o;
    o.spec = offset_topic_spec("offs", 25, 1);
    o.client_props = Props{{"bootstrap.servers", bootstrap_}};
    o.start_timeout_ms = start_timeout_ms;
    o.write_timeout_ms = 2000;
    return o;
  }

  std::unique_ptr<TopicOffsetStore> open() {
    auto store = TopicOffsetStore::open(options());
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    return store.is_ok() ? std::move(*store) : nullptr;
  }
};

const std::string kKeyA1 = R"(["file-source",{"filename":"a.txt"}])";
const std::string kKeyA2 = R"(["file-source",{"filename":"b.txt"}])";
const std::string kKeyB = R"(["jdbc",{"table":"orders"}])";

TEST_F(TopicOffsetStoreTest, RoundTripAcrossARestart) {
  {
    auto store = open();
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->size(), 0u);
    std::vector<OffsetEntry> batch = {{kKeyA1, R"({"position":1})"},
                                      {kKeyA2, R"({"position":7})"},
                                      {kKeyB, R"({"id":42})"},
                                      {kKeyA1, R"({"position":2})"}};  // later entry wins
    ASSERT_TRUE(store->put_and_flush(batch).is_ok());
    EXPECT_EQ(store->get(kKeyA1), R"({"position":2})");
    EXPECT_EQ(store->get(kKeyB), R"({"id":42})");
    EXPECT_EQ(store->get(R"(["nope",{}])"), std::nullopt);
  }
  auto reopened = open();  // another process start: everything comes from the topic
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->size(), 3u);
  EXPECT_EQ(reopened->get(kKeyA1), R"({"position":2})");
  EXPECT_EQ(reopened->get(kKeyA2), R"({"position":7})");
  std::vector<OffsetEntry> a = reopened->entries_for_connector("file-source");
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0], (OffsetEntry{kKeyA1, R"({"position":2})"}));
  EXPECT_EQ(a[1], (OffsetEntry{kKeyA2, R"({"position":7})"}));
  EXPECT_EQ(reopened->entries_for_connector("jdbc").size(), 1u);
  EXPECT_TRUE(reopened->entries_for_connector("file").empty());
}

TEST_F(TopicOffsetStoreTest, TombstonesAndRemoveConnectorSurviveARestart) {
  {
    auto store = open();
    ASSERT_NE(store, nullptr);
    std::vector<OffsetEntry> batch = {
        {kKeyA1, R"({"position":1})"}, {kKeyA2, R"({"position":2})"}, {kKeyB, R"({"id":1})"}};
    ASSERT_TRUE(store->put_and_flush(batch).is_ok());
    std::vector<OffsetEntry> drop = {{kKeyB, std::nullopt}};
    ASSERT_TRUE(store->put_and_flush(drop).is_ok());
    EXPECT_EQ(store->get(kKeyB), std::nullopt);
    ASSERT_TRUE(store->remove_connector("file-source").is_ok());
    EXPECT_TRUE(store->entries_for_connector("file-source").empty());
    EXPECT_EQ(store->size(), 0u);
    // A key deleted and then written again holds the new value.
    std::vector<OffsetEntry> again = {{kKeyB, R"({"id":9})"}};
    ASSERT_TRUE(store->put_and_flush(again).is_ok());
  }
  auto reopened = open();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->size(), 1u);
  EXPECT_EQ(reopened->get(kKeyA1), std::nullopt);
  EXPECT_EQ(reopened->get(kKeyB), R"({"id":9})");
}

TEST_F(TopicOffsetStoreTest, RecordsHaveKafkaConnectsBytesAndPartitions) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  std::vector<OffsetEntry> batch = {{kKeyA1, R"({"position":1})"}, {kKeyB, R"({"id":42})"}};
  ASSERT_TRUE(store->put_and_flush(batch).is_ok());
  ASSERT_TRUE(store->remove_connector("jdbc").is_ok());

  std::mutex mu;
  std::vector<StateRecord> raw;
  StateTopic reader(offset_topic_spec("offs", 25, 1), options().client_props,
                    [&](const StateRecord& r) {
                      std::lock_guard lock(mu);
                      raw.push_back(r);
                    });
  ASSERT_TRUE(reader.start(10000).is_ok());
  std::lock_guard lock(mu);
  ASSERT_EQ(raw.size(), 3u);
  std::sort(raw.begin(), raw.end(), [](const StateRecord& x, const StateRecord& y) {
    return std::tie(x.key, x.offset) < std::tie(y.key, y.offset);
  });
  EXPECT_EQ(raw[0].key, kKeyA1);
  EXPECT_EQ(raw[0].value, R"({"position":1})");
  EXPECT_EQ(raw[0].partition, connect_partition(kKeyA1, 25));
  EXPECT_EQ(raw[1].key, kKeyB);
  EXPECT_EQ(raw[1].value, R"({"id":42})");
  EXPECT_EQ(raw[1].partition, connect_partition(kKeyB, 25));
  EXPECT_EQ(raw[2].key, kKeyB);
  EXPECT_FALSE(raw[2].value.has_value());  // the tombstone, same partition
  EXPECT_EQ(raw[2].partition, raw[1].partition);
  // The two keys hash to different partitions, so the check above is not vacuous.
  EXPECT_NE(connect_partition(kKeyA1, 25), connect_partition(kKeyB, 25));
}

TEST_F(TopicOffsetStoreTest, AnotherWorkersOffsetsAppearAfterRefresh) {
  auto first = open();
  auto second = open();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  std::vector<OffsetEntry> batch = {{kKeyA1, R"({"position":5})"}};
  ASSERT_TRUE(first->put_and_flush(batch).is_ok());
  ASSERT_TRUE(second->refresh(10000).is_ok());
  EXPECT_EQ(second->get(kKeyA1), R"({"position":5})");
  std::vector<OffsetEntry> newer = {{kKeyA1, R"({"position":6})"}};
  ASSERT_TRUE(second->put_and_flush(newer).is_ok());
  ASSERT_TRUE(first->refresh(10000).is_ok());
  EXPECT_EQ(first->get(kKeyA1), R"({"position":6})");
}

TEST_F(TopicOffsetStoreTest, MalformedEntriesRejectTheWholeBatch) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  for (const OffsetEntry& bad :
       {OffsetEntry{R"({"not":"an array"})", "{}"}, OffsetEntry{R"(["c",{}])", "[1]"},
        OffsetEntry{R"(["c","p"])", "{}"}, OffsetEntry{"[", "{}"}}) {
    std::vector<OffsetEntry> batch = {{kKeyA1, R"({"position":1})"}, bad};
    Status s = store->put_and_flush(batch);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad.key_json;
    EXPECT_NE(s.message().find(bad.key_json), std::string::npos) << s.message();
  }
  ASSERT_TRUE(store->refresh(10000).is_ok());
  EXPECT_EQ(store->size(), 0u);  // nothing of the rejected batches was sent
}

TEST_F(TopicOffsetStoreTest, BrokerGoneMakesWritesFailWithinTheirTimeout) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  std::vector<OffsetEntry> first = {{kKeyA1, R"({"position":1})"}};
  ASSERT_TRUE(store->put_and_flush(first).is_ok());
  broker_->stop();
  const auto begin = std::chrono::steady_clock::now();
  std::vector<OffsetEntry> second = {{kKeyA1, R"({"position":2})"}};
  Status s = store->put_and_flush(second);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.to_string();
  EXPECT_NE(s.message().find("\"offs\" (offset.storage.topic)"), std::string::npos) << s.message();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(5));
  EXPECT_EQ(store->get(kKeyA1), R"({"position":1})");  // an unacknowledged write is not applied
  store->stop();
  EXPECT_EQ(store->put_and_flush(second).code(), StatusCode::kFailedPrecondition);
}

TEST_F(TopicOffsetStoreTest, OpenFailsWithinTheTimeoutWhenTheClusterIsUnreachable) {
  broker_->stop();
  const auto begin = std::chrono::steady_clock::now();
  auto store = TopicOffsetStore::open(options(1500));
  ASSERT_FALSE(store.is_ok());
  EXPECT_EQ(store.status().code(), StatusCode::kUnavailable) << store.status().to_string();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(6));
}

}  // namespace
}  // namespace sluice::statelog
