// OffsetFetch against an in-process broker: offsets committed for a group on several topics are
// all returned for null Topics at every version that has it (v2-v7 top-level, v8 per group),
// nothing for a group that never committed; v1 lists named partitions and rejects a null list.
// Also the bodies librdkafka 2.0.x sends with bytes after them (OffsetFetch v6/v7 "all offsets"
// with its unfinished 4-byte Topics count, ListGroups v4 with one extra byte): answered, as Kafka
// answers them, on a connection that stays open.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "tests/unit/server/broker_test_util.h"

namespace sluice::broker {
namespace {

using namespace sluice::broker::testing;
using Bytes = std::vector<uint8_t>;
// (topic, partition) -> (committed offset, error code)
using Listed = std::map<std::pair<std::string, int32_t>, std::pair<int64_t, int16_t>>;

const Listed kCommittedA = {{{"alpha", 0}, {5, 0}}, {{"alpha", 2}, {17, 0}}, {{"beta", 1}, {3, 0}}};
const Listed kCommittedB = {{{"beta", 0}, {9, 0}}};

template <typename Topics>
Listed listed(const Topics& topics) {
  Listed out;
  for (const auto& t : topics) {
    for (const auto& p : t.partitions) {
      EXPECT_TRUE(out.emplace(std::pair(t.name, p.partition_index),
                              std::pair(p.committed_offset, p.error_code))
                      .second)
          << t.name << "[" << p.partition_index << "] listed twice";
    }
  }
  return out;
}

// An OffsetFetch v6/v7 body as librdkafka 2.0.x writes it for "all offsets": compact group id,
// the unfinished 4-byte count, RequireStable (v7 only), an empty tagged-field section.
Bytes librdkafka_body(const std::string& group, int16_t version, uint8_t require_stable = 0) {
  kafka::WireWriter w;
  w.write_string(group, true);
  w.write_int32(0);
  if (version >= 7) w.write_int8(static_cast<int8_t>(require_stable));
  w.write_unsigned_varint(0);
  return w.flatten();
}

class OffsetFetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_ = std::make_unique<BrokerThread>(test_config(dir_.path() + "/data"));
    Status s = broker_->start();
    ASSERT_TRUE(s.is_ok()) << s.to_string();
    client_ = connect();
    create_topic(*client_, "alpha", 3);
    create_topic(*client_, "beta", 2);
    commit("group-a", kCommittedA);
    commit("group-b", kCommittedB);
  }

  std::unique_ptr<RawClient> connect() {
    auto c = std::make_unique<RawClient>(broker_->port());
    EXPECT_TRUE(c->connected());
    return c;
  }

  // A simple (generation -1) commit of `offsets` for `group`.
  void commit(const std::string& group, const Listed& offsets) {
    kafka::OffsetCommitRequest req;
    req.group_id = group;
    for (const auto& [tp, committed] : offsets) {
      if (req.topics.empty() || req.topics.back().name != tp.first) {
        req.topics.emplace_back();
        req.topics.back().name = tp.first;
      }
      kafka::OffsetCommitRequest::OffsetCommitRequestPartition p;
      p.partition_index = tp.second;
      p.committed_offset = committed.first;
      req.topics.back().partitions.push_back(p);
    }
    auto r = client_->call<kafka::OffsetCommitResponse>(req, kOffsetCommitV);
    ASSERT_TRUE(r) << client_->last_error();
    for (const auto& t : r->topics) {
      for (const auto& p : t.partitions) ASSERT_EQ(p.error_code, 0) << t.name;
    }
  }

  // OffsetFetch v2-v7 for `group` with null topics; the whole response.
  kafka::OffsetFetchResponse fetch_all(const std::string& group, int16_t version) {
    kafka::OffsetFetchRequest req;
    req.group_id = group;
    req.topics.reset();
    auto r = client_->call<kafka::OffsetFetchResponse>(req, version);
    EXPECT_TRUE(r) << "v" << version << ": " << client_->last_error();
    return r ? *r : kafka::OffsetFetchResponse{};
  }

  TempDir dir_;
  std::unique_ptr<BrokerThread> broker_;
  std::unique_ptr<RawClient> client_;
};

TEST_F(OffsetFetchTest, V1ListsNamedPartitionsAndRejectsNullTopics) {
  kafka::OffsetFetchRequest req;
  req.group_id = "group-a";
  req.topics.emplace();
  req.topics->push_back({"alpha", {0, 1}});
  req.topics->push_back({"beta", {1}});
  auto r = client_->call<kafka::OffsetFetchResponse>(req, 1);
  ASSERT_TRUE(r) << client_->last_error();
  EXPECT_EQ(listed(r->topics),
            (Listed{{{"alpha", 0}, {5, 0}}, {{"alpha", 1}, {-1, 0}}, {{"beta", 1}, {3, 0}}}));

  // A -1 count is no null list at v1: the request is malformed and its connection closed.
  auto bad = connect();
  kafka::WireWriter w;
  w.write_string("group-a");
  w.write_int32(-1);
  ASSERT_TRUE(bad->send_bytes(raw_frame(kafka::OffsetFetchRequest::kApiKey, 1, 7, w.flatten())));
  EXPECT_TRUE(bad->wait_closed(3000));
}

TEST_F(OffsetFetchTest, NullTopicsListsEveryCommittedOffsetFromV2ToV7) {
  for (int16_t v = 2; v <= 7; ++v) {
    auto a = fetch_all("group-a", v);
    EXPECT_EQ(a.error_code, 0) << "v" << v;
    EXPECT_EQ(listed(a.topics), kCommittedA) << "v" << v;
    auto b = fetch_all("group-b", v);
    EXPECT_EQ(listed(b.topics), kCommittedB) << "v" << v;
    auto none = fetch_all("never-committed", v);
    EXPECT_EQ(none.error_code, 0) << "v" << v;
    EXPECT_TRUE(none.topics.empty()) << "v" << v;
  }
}

TEST_F(OffsetFetchTest, V8GroupsArrayWithNullAndNamedTopics) {
  kafka::OffsetFetchRequest req;
  auto add_group =
      [&](const std::string& id,
          std::optional<std::vector<std::pair<std::string, std::vector<int32_t>>>> topics) {
        kafka::OffsetFetchRequest::OffsetFetchRequestGroup g;
        g.group_id = id;
        if (topics) {
          g.topics.emplace();
          for (auto& [name, parts] : *topics) g.topics->push_back({name, parts});
        } else {
          g.topics.reset();
        }
        req.groups.push_back(std::move(g));
      };
  add_group("group-a", std::nullopt);
  add_group("group-b", std::vector<std::pair<std::string, std::vector<int32_t>>>{{"beta", {0, 1}}});
  add_group("never-committed", std::nullopt);
  auto r = client_->call<kafka::OffsetFetchResponse>(req, 8);
  ASSERT_TRUE(r) << client_->last_error();
  ASSERT_EQ(r->groups.size(), 3u);
  EXPECT_EQ(r->groups[0].group_id, "group-a");
  EXPECT_EQ(r->groups[0].error_code, 0);
  EXPECT_EQ(listed(r->groups[0].topics), kCommittedA);
  EXPECT_EQ(r->groups[1].group_id, "group-b");
  EXPECT_EQ(listed(r->groups[1].topics), (Listed{{{"beta", 0}, {9, 0}}, {{"beta", 1}, {-1, 0}}}));
  EXPECT_EQ(r->groups[2].group_id, "never-committed");
  EXPECT_EQ(r->groups[2].error_code, 0);
  EXPECT_TRUE(r->groups[2].topics.empty());
}

TEST_F(OffsetFetchTest, Librdkafka20AllOffsetsBodyIsAnsweredAndTheConnectionStaysOpen) {
  int32_t id = 40;
  for (int16_t v : {6, 7}) {
    for (uint8_t stable : {0, 1}) {
      if (v == 6 && stable == 1) continue;  // no RequireStable before v7
      for (const auto& [group, expected] : {std::pair{std::string("group-a"), kCommittedA},
                                            std::pair{std::string("group-b"), kCommittedB},
                                            std::pair{std::string("never-committed"), Listed{}}}) {
        ++id;
        ASSERT_TRUE(client_->send_bytes(raw_frame(kafka::OffsetFetchRequest::kApiKey, v, id,
                                                  librdkafka_body(group, v, stable))));
        auto r = client_->read_response<kafka::OffsetFetchResponse>(v, id);
        ASSERT_TRUE(r) << "v" << v << " " << group << ": " << client_->last_error();
        EXPECT_EQ(r->error_code, 0);
        EXPECT_EQ(listed(r->topics), expected) << "v" << v << " " << group;
      }
    }
  }
  // The same connection still serves a regular request.
  EXPECT_EQ(listed(fetch_all("group-a", 7).topics), kCommittedA);
}

TEST_F(OffsetFetchTest, Librdkafka20ListGroupsV4BodyIsAnswered) {
  // Captured from rd_kafka_ListConsumerGroups without options: an empty StatesFilter, the
  // tagged-field section, and one more zero byte.
  const Bytes body = {0x01, 0x00, 0x00};
  ASSERT_TRUE(client_->send_bytes(raw_frame(kafka::ListGroupsRequest::kApiKey, 4, 90, body)));
  auto r = client_->read_response<kafka::ListGroupsResponse>(4, 90);
  ASSERT_TRUE(r) << client_->last_error();
  EXPECT_EQ(r->error_code, 0);
  std::vector<std::string> ids;
  for (const auto& g : r->groups) ids.push_back(g.group_id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"group-a", "group-b"}));
  EXPECT_EQ(listed(fetch_all("group-b", 7).topics), kCommittedB);
}

}  // namespace
}  // namespace sluice::broker
