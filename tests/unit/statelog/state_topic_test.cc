// StateTopic and ensure_state_topic against a real in-process broker-lite: topics created with
// their settings, misconfigured topics refused with a message naming topic, key, setting and
// fix, records read back in order by the writer and by a second worker, tombstones, an
// unreachable cluster reported within the timeout, and clean stops.
#include "runtime/statelog/state_topic.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "broker-lite/server/topic_manager.h"
#include "runtime/kafka/admin.h"
#include "tests/unit/kafka/in_process_broker.h"

namespace sluice::statelog {
namespace {

using kafka_client::Props;
using kafka_client::testing::InProcessBrokerTest;

// Collects what a reader's callback received; thread-safe.
class RecordSink {
 public:
  RecordCallback callback() {
    return [this](const StateRecord& r) {
      std::lock_guard lock(mu_);
      records_.push_back(r);
    };
  }
  std::vector<StateRecord> records() {
    std::lock_guard lock(mu_);
    return records_;
  }

 private:
  std::mutex mu_;
  std::vector<StateRecord> records_;
};

// Waits for the acknowledgements of sends made with callback().
class Acks {
 public:
  struct Ack {
    Status status;
    int32_t partition;
    int64_t offset;
  };
  AckCallback callback() {
    return [this](const Status& s, int32_t p, int64_t o) {
      std::lock_guard lock(mu_);
      acks_.push_back(Ack{s, p, o});
      cv_.notify_all();
    };
  }
  // Waits until `n` acknowledgements arrived (at most 10 s) and returns them.
  std::vector<Ack> wait_for(size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&]() { return acks_.size() >= n; });
    return acks_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Ack> acks_;
};

// A loopback port nobody listens on.
uint16_t closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class StateTopicTest : public InProcessBrokerTest {
 protected:
  Props props() const { return Props{{"bootstrap.servers", bootstrap_}}; }

  std::unique_ptr<kafka_client::Admin> admin() {
    auto made = kafka_client::Admin::create(props());
    EXPECT_TRUE(made.is_ok()) << made.status().to_string();
    return std::move(*made);
  }

  std::unique_ptr<StateTopic> started(const StateTopicSpec& spec, RecordSink& sink) {
    auto topic = std::make_unique<StateTopic>(spec, props(), sink.callback());
    Status s = topic->start(10000);
    EXPECT_TRUE(s.is_ok()) << s.to_string();
    return topic;
  }
};

TEST_F(StateTopicTest, EnsureCreatesEachTopicWithItsSettings) {
  std::unique_ptr<kafka_client::Admin> a = admin();
  auto configs = ensure_state_topic(*a, config_topic_spec("cfg", 1), bootstrap_, 10000);
  ASSERT_TRUE(configs.is_ok()) << configs.status().to_string();
  EXPECT_EQ(*configs, 1);
  auto offsets = ensure_state_topic(*a, offset_topic_spec("offs", 25, 1), bootstrap_, 10000);
  ASSERT_TRUE(offsets.is_ok()) << offsets.status().to_string();
  EXPECT_EQ(*offsets, 25);
  auto statuses = ensure_state_topic(*a, status_topic_spec("stat", 5, -1), bootstrap_, 10000);
  ASSERT_TRUE(statuses.is_ok()) << statuses.status().to_string();
  EXPECT_EQ(*statuses, 5);
  // A second worker finds them acceptable as they are.
  auto again = ensure_state_topic(*a, offset_topic_spec("offs", 7, 1), bootstrap_, 10000);
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_EQ(*again, 25);
  a.reset();

  // The broker's own view, read once it stopped (only its network thread touches it before).
  broker_->stop();
  for (const auto& [name, partitions] :
       std::map<std::string, size_t>{{"cfg", 1}, {"offs", 25}, {"stat", 5}}) {
    const broker::Topic* t = broker_->broker().topics().find(name);
    ASSERT_NE(t, nullptr) << name;
    EXPECT_EQ(t->partitions.size(), partitions) << name;
    ASSERT_EQ(t->overrides.count("cleanup.policy"), 1u) << name;
    EXPECT_EQ(t->overrides.at("cleanup.policy"), "compact") << name;
  }
}

TEST_F(StateTopicTest, DefaultSpecsAreKafkaConnects) {
  const StateTopicSpec expected[] = {{"connect-configs", "config.storage.topic", 1, 3, true},
                                     {"connect-offsets", "offset.storage.topic", 25, 3, false},
                                     {"connect-status", "status.storage.topic", 5, 3, false}};
  const StateTopicSpec actual[] = {config_topic_spec(), offset_topic_spec(), status_topic_spec()};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(actual[i].topic, expected[i].topic);
    EXPECT_EQ(actual[i].config_key, expected[i].config_key) << expected[i].topic;
    EXPECT_EQ(actual[i].partitions, expected[i].partitions) << expected[i].topic;
    EXPECT_EQ(actual[i].replication_factor, expected[i].replication_factor) << expected[i].topic;
    EXPECT_EQ(actual[i].single_partition, expected[i].single_partition) << expected[i].topic;
  }
}

TEST_F(StateTopicTest, ReplicationFactorTheClusterCannotHaveIsRefusedNamingTheTopic) {
  std::unique_ptr<kafka_client::Admin> a = admin();
  auto made = ensure_state_topic(*a, config_topic_spec("cfg3"), bootstrap_, 10000);
  ASSERT_FALSE(made.is_ok());
  EXPECT_EQ(made.status().code(), StatusCode::kInvalidArgument) << made.status().to_string();
  EXPECT_NE(made.status().message().find("\"cfg3\" (config.storage.topic)"), std::string::npos)
      << made.status().message();
}

TEST_F(StateTopicTest, ConfigTopicWithTwoPartitionsIsRefused) {
  std::unique_ptr<kafka_client::Admin> a = admin();
  ASSERT_TRUE(a->create_topic("cfg", 2, 1, {{"cleanup.policy", "compact"}}, 10000).is_ok());
  StateTopic topic(config_topic_spec("cfg", 1), props(), {});
  Status s = topic.start(10000);
  ASSERT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.to_string();
  const std::string m(s.message());
  EXPECT_NE(m.find("\"cfg\" (config.storage.topic)"), std::string::npos) << m;
  EXPECT_NE(m.find("has 2 partitions"), std::string::npos) << m;
  EXPECT_NE(m.find("exactly 1"), std::string::npos) << m;
  EXPECT_NE(m.find("set config.storage.topic"), std::string::npos) << m;
  // A refused topic is not started: nothing can be sent.
  EXPECT_EQ(topic.send("k", "v", {}).code(), StatusCode::kFailedPrecondition);
  // The same topic is fine as a status topic (any partition count).
  auto status = ensure_state_topic(*a, status_topic_spec("cfg", 5, 1), bootstrap_, 10000);
  ASSERT_TRUE(status.is_ok()) << status.status().to_string();
  EXPECT_EQ(*status, 2);
}

TEST_F(StateTopicTest, TopicWithoutCompactionIsRefused) {
  std::unique_ptr<kafka_client::Admin> a = admin();
  ASSERT_TRUE(a->create_topic("offs", 3, 1, {{"cleanup.policy", "delete"}}, 10000).is_ok());
  ASSERT_TRUE(a->create_topic("both", 1, 1, {{"cleanup.policy", "compact,delete"}}, 10000).is_ok());
  auto refused = ensure_state_topic(*a, offset_topic_spec("offs", 25, 1), bootstrap_, 10000);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  const std::string m(refused.status().message());
  EXPECT_NE(m.find("\"offs\" (offset.storage.topic)"), std::string::npos) << m;
  EXPECT_NE(m.find("has cleanup.policy=delete"), std::string::npos) << m;
  EXPECT_NE(m.find("--entity-name offs --add-config cleanup.policy=compact"), std::string::npos)
      << m;
  EXPECT_NE(m.find("set offset.storage.topic"), std::string::npos) << m;

  auto mixed = ensure_state_topic(*a, config_topic_spec("both", 1), bootstrap_, 10000);
  ASSERT_FALSE(mixed.is_ok());
  EXPECT_NE(mixed.status().message().find("cleanup.policy=compact,delete"), std::string::npos)
      << mixed.status().message();
}

TEST_F(StateTopicTest, WriteThenReadToEndSeesIt) {
  RecordSink sink;
  auto topic = started(status_topic_spec("stat", 5, 1), sink);
  EXPECT_EQ(topic->partitions(), 5);
  EXPECT_TRUE(sink.records().empty());
  Acks acks;
  ASSERT_TRUE(topic->send("status-connector-a", R"({"state":"RUNNING"})", acks.callback()).is_ok());
  std::vector<Acks::Ack> got = acks.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_TRUE(got[0].status.is_ok()) << got[0].status.to_string();
  ASSERT_TRUE(topic->read_to_end(10000).is_ok());
  std::vector<StateRecord> records = sink.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].key, "status-connector-a");
  EXPECT_EQ(records[0].value, R"({"state":"RUNNING"})");
  EXPECT_EQ(records[0].partition, got[0].partition);
  EXPECT_EQ(records[0].offset, got[0].offset);
}

TEST_F(StateTopicTest, FlushWaitsForEveryAcknowledgement) {
  RecordSink sink;
  auto topic = started(config_topic_spec("cfg", 1), sink);
  Acks acks;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(topic->send("k" + std::to_string(i), "v", acks.callback()).is_ok());
  }
  ASSERT_TRUE(topic->flush(10000).is_ok());
  std::vector<Acks::Ack> got = acks.wait_for(0);  // flush returned: all callbacks have run
  ASSERT_EQ(got.size(), 20u);
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_TRUE(got[i].status.is_ok());
    EXPECT_EQ(got[i].offset, static_cast<int64_t>(i));  // one partition, in send order
  }
}

TEST_F(StateTopicTest, SecondWorkerSeesTheFirstOnesWritesInOrder) {
  const StateTopicSpec spec = status_topic_spec("stat", 5, 1);
  RecordSink first_sink;
  auto first = started(spec, first_sink);
  // Several keys, each written several times: each key's values must arrive in send order.
  for (int round = 0; round < 10; ++round) {
    for (int k = 0; k < 8; ++k) {
      ASSERT_TRUE(first->send("key-" + std::to_string(k), std::to_string(round), {}).is_ok());
    }
  }
  ASSERT_TRUE(first->flush(10000).is_ok());

  RecordSink second_sink;
  auto second = started(spec, second_sink);  // start() reads to the end
  std::vector<StateRecord> seen = second_sink.records();
  ASSERT_EQ(seen.size(), 80u);
  std::map<std::string, int> last_round;
  std::map<int32_t, int64_t> last_offset;
  std::map<std::string, int32_t> partition_of;
  for (const StateRecord& r : seen) {
    ASSERT_TRUE(r.key && r.value);
    int round = std::stoi(*r.value);
    auto it = last_round.find(*r.key);
    EXPECT_EQ(round, it == last_round.end() ? 0 : it->second + 1) << *r.key;
    last_round[*r.key] = round;
    auto at = last_offset.find(r.partition);
    if (at != last_offset.end()) {
      EXPECT_GT(r.offset, at->second);
    }
    last_offset[r.partition] = r.offset;
    auto [p, fresh] = partition_of.emplace(*r.key, r.partition);
    EXPECT_EQ(p->second, r.partition) << "one key, one partition: " << *r.key;
  }
  EXPECT_EQ(last_round.size(), 8u);

  // Later writes of the second worker reach the first once it reads to the end.
  Acks acks;
  ASSERT_TRUE(second->send("key-from-second", "x", acks.callback()).is_ok());
  ASSERT_TRUE(acks.wait_for(1)[0].status.is_ok());
  ASSERT_TRUE(first->read_to_end(10000).is_ok());
  std::vector<StateRecord> first_seen = first_sink.records();
  ASSERT_EQ(first_seen.size(), 81u);
  EXPECT_EQ(first_seen.back().key, "key-from-second");
}

TEST_F(StateTopicTest, TombstonesArriveAsRecordsWithoutValue) {
  RecordSink sink;
  auto topic = started(config_topic_spec("cfg", 1), sink);
  ASSERT_TRUE(topic->send("connector-a", "{}", {}).is_ok());
  ASSERT_TRUE(topic->send("connector-a", std::nullopt, {}).is_ok());
  ASSERT_TRUE(topic->send("connector-b", "", {}).is_ok());  // empty, but not a tombstone
  ASSERT_TRUE(topic->flush(10000).is_ok());
  ASSERT_TRUE(topic->read_to_end(10000).is_ok());
  std::vector<StateRecord> records = sink.records();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].value, "{}");
  EXPECT_EQ(records[1].key, "connector-a");
  EXPECT_FALSE(records[1].value.has_value());
  EXPECT_EQ(records[2].value, "");
}

TEST_F(StateTopicTest, ReadToEndFromTheCallbackIsRefused) {
  Status from_callback;
  std::mutex mu;
  std::condition_variable cv;
  bool called = false;
  StateTopic* self = nullptr;
  StateTopic topic(config_topic_spec("cfg", 1), props(), [&](const StateRecord&) {
    Status s = self->read_to_end(1000);
    std::lock_guard lock(mu);
    from_callback = s;
    called = true;
    cv.notify_all();
  });
  self = &topic;
  ASSERT_TRUE(topic.start(10000).is_ok());
  ASSERT_TRUE(topic.send("k", "v", {}).is_ok());
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&]() { return called; }));
  EXPECT_EQ(from_callback.code(), StatusCode::kFailedPrecondition) << from_callback.to_string();
}

TEST_F(StateTopicTest, UnreachableClusterIsReportedWithinTheTimeout) {
  const std::string nowhere = "127.0.0.1:" + std::to_string(closed_port());
  StateTopic topic(config_topic_spec("cfg", 1), Props{{"bootstrap.servers", nowhere}}, {});
  const auto begin = std::chrono::steady_clock::now();
  Status s = topic.start(2000);
  const auto took = std::chrono::steady_clock::now() - begin;
  ASSERT_EQ(s.code(), StatusCode::kUnavailable) << s.to_string();
  EXPECT_NE(s.message().find("\"cfg\" (config.storage.topic)"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(nowhere), std::string::npos) << s.message();
  EXPECT_LT(took, std::chrono::seconds(6));
}

TEST_F(StateTopicTest, BrokerGoneAfterStartFailsSendsAndReadsWithinTheirTimeouts) {
  RecordSink sink;
  auto topic = started(config_topic_spec("cfg", 1), sink);
  broker_->stop();
  const auto begin = std::chrono::steady_clock::now();
  Status read = topic->read_to_end(1500);
  EXPECT_EQ(read.code(), StatusCode::kUnavailable) << read.to_string();
  Acks acks;
  ASSERT_TRUE(topic->send("k", "v", acks.callback()).is_ok());
  Status flushed = topic->flush(1000);
  EXPECT_EQ(flushed.code(), StatusCode::kUnavailable) << flushed.to_string();
  topic->stop(500);  // the unacknowledged record is reported as failed
  std::vector<Acks::Ack> got = acks.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_FALSE(got[0].status.is_ok());
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(10));
}

TEST_F(StateTopicTest, StopEndsTheReaderAndRefusesLaterCalls) {
  RecordSink sink;
  auto topic = started(config_topic_spec("cfg", 1), sink);
  ASSERT_TRUE(topic->send("k", "v", {}).is_ok());
  ASSERT_TRUE(topic->flush(10000).is_ok());
  const auto begin = std::chrono::steady_clock::now();
  topic->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(3));
  EXPECT_EQ(topic->send("k", "v", {}).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(topic->read_to_end(100).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(topic->flush(100).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(topic->start(100).code(), StatusCode::kFailedPrecondition);
  topic->stop();  // idempotent
  // Nothing arrives after stop.
  const size_t seen = sink.records().size();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(sink.records().size(), seen);
}

}  // namespace
}  // namespace sluice::statelog
