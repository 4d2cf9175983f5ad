// Test helpers for the group coordinator: an in-memory OffsetJournal whose completions the test
// controls, and a fixture that issues JoinGroup/SyncGroup/OffsetCommit calls and captures their
// (possibly delayed) replies. Time is a plain number the tests advance by hand.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "broker-lite/coordinator/error_codes.h"
#include "broker-lite/coordinator/group_coordinator.h"

namespace sluice::coord::testing {

using Bytes = std::vector<uint8_t>;

// Records every append. In auto mode each append completes at once with `status`; otherwise
// completions wait for complete_next()/complete_all().
class FakeJournal : public OffsetJournal {
 public:
  struct Record {
    Bytes key;
    std::optional<Bytes> value;
  };

  void append(std::span<const uint8_t> key, std::optional<std::span<const uint8_t>> value,
              std::function<void(Status)> on_durable) override {
    Record r{Bytes(key.begin(), key.end()), std::nullopt};
    if (value) r.value = Bytes(value->begin(), value->end());
    records.push_back(std::move(r));
    if (auto_complete) {
      on_durable(status);
    } else {
      waiting.push_back(std::move(on_durable));
    }
  }

  void complete_all(const Status& s) {
    while (!waiting.empty()) {
      auto cb = std::move(waiting.front());
      waiting.pop_front();
      cb(s);
    }
  }

  std::vector<Record> records;
  std::deque<std::function<void(Status)>> waiting;
  bool auto_complete = true;
  Status status;
};

template <typename T>
using Slot = std::shared_ptr<std::optional<T>>;

struct Proto {
  std::string name;
  Bytes metadata;
};

class CoordinatorTest : public ::testing::Test {
 public:
  static constexpr int32_t kSession = 10000;
  static constexpr int32_t kRebalance = 30000;

  static GroupCoordinatorConfig test_config() {
    GroupCoordinatorConfig c;
    c.initial_rebalance_delay_ms = 0;
    c.member_id_seed = 42;
    return c;
  }

 protected:
  CoordinatorTest() : coord_(std::make_unique<GroupCoordinator>(test_config(), &journal_)) {}

  void recreate(GroupCoordinatorConfig config) {
    coord_ = std::make_unique<GroupCoordinator>(config, &journal_);
  }

  JoinGroupArgs join_args(const std::string& member_id,
                          std::vector<Proto> protocols = {{"range", {1}}},
                          std::optional<std::string> instance_id = std::nullopt) {
    JoinGroupArgs a;
    a.group_id = group_;
    a.member_id = member_id;
    a.group_instance_id = std::move(instance_id);
    a.client_id = "client";
    a.client_host = "/127.0.0.1";
    a.session_timeout_ms = kSession;
    a.rebalance_timeout_ms = kRebalance;
    a.protocol_type = "consumer";
    for (Proto& p : protocols) {
      storage_.push_back(std::move(p.metadata));
      a.protocols.push_back({p.name, storage_.back()});
    }
    return a;
  }

  Slot<JoinGroupResult> join(const JoinGroupArgs& args) {
    auto slot = std::make_shared<std::optional<JoinGroupResult>>();
    coord_->join_group(args, now_, [slot](JoinGroupResult r) { *slot = std::move(r); });
    return slot;
  }
  Slot<JoinGroupResult> join(const std::string& member_id,
                             std::vector<Proto> protocols = {{"range", {1}}}) {
    return join(join_args(member_id, std::move(protocols)));
  }

  Slot<SyncGroupResult> sync(const std::string& member_id, int32_t generation,
                             std::vector<std::pair<std::string, Bytes>> assignments = {}) {
    SyncGroupArgs a;
    a.group_id = group_;
    a.generation_id = generation;
    a.member_id = member_id;
    for (auto& [id, bytes] : assignments) {
      storage_.push_back(std::move(bytes));
      a.assignments.push_back({id, storage_.back()});
    }
    auto slot = std::make_shared<std::optional<SyncGroupResult>>();
    coord_->sync_group(a, now_, [slot](SyncGroupResult r) { *slot = std::move(r); });
    return slot;
  }

  int16_t heartbeat(const std::string& member_id, int32_t generation,
                    std::optional<std::string> instance_id = std::nullopt) {
    return coord_->heartbeat({group_, generation, member_id, std::move(instance_id)}, now_);
  }

  // Joins a single new member (no MEMBER_ID_REQUIRED) into an empty group and completes the
  // generation with an assignment; returns its member id.
  std::string join_alone_and_sync(Bytes assignment = {9}) {
    auto j = join("");
    EXPECT_TRUE(j->has_value());
    const std::string id = (*j)->member_id;
    auto s = sync(id, (*j)->generation_id, {{id, std::move(assignment)}});
    EXPECT_TRUE(s->has_value());
    return id;
  }

  // Forms a Stable group of two members at generation 2 (A leads, assignments {1} and {2}).
  std::pair<std::string, std::string> form_stable_pair() {
    const std::string a = join_alone_and_sync();
    auto jb = join("");
    join(a);
    const std::string b = (*jb)->member_id;
    sync(a, 2, {{a, {1}}, {b, {2}}});
    sync(b, 2);
    EXPECT_EQ(state(), GroupState::kStable);
    return {a, b};
  }

  Slot<OffsetCommitResult> commit(const std::string& member_id, int32_t generation,
                                  std::vector<OffsetCommitTopic> topics,
                                  const std::string& group = "") {
    OffsetCommitArgs a;
    a.group_id = group.empty() ? group_ : group;
    a.generation_id = generation;
    a.member_id = member_id;
    a.topics = std::move(topics);
    auto slot = std::make_shared<std::optional<OffsetCommitResult>>();
    coord_->commit_offsets(a, now_, [slot](OffsetCommitResult r) { *slot = std::move(r); });
    return slot;
  }

  static OffsetCommitTopic topic(const std::string& name,
                                 std::vector<std::pair<int32_t, int64_t>> offsets) {
    OffsetCommitTopic t;
    t.name = name;
    for (auto [p, o] : offsets) t.partitions.push_back({p, o, -1, std::string("m"), -1});
    return t;
  }

  // The committed offset of one partition (-1 when none).
  int64_t fetched(const std::string& topic_name, int32_t partition,
                  const std::string& group = "") const {
    OffsetFetchArgs a;
    a.group_id = group.empty() ? group_ : group;
    a.topics = std::vector<OffsetFetchTopic>{{topic_name, {partition}}};
    OffsetFetchResult r = coord_->fetch_offsets(a);
    return r.topics.at(0).partitions.at(0).offset;
  }

  GroupState state() const { return coord_->group_state(group_).value_or(GroupState::kDead); }

  size_t member_count() const {
    std::vector<std::string> ids{group_};
    return coord_->describe_groups(ids).at(0).members.size();
  }

  void advance(int64_t ms) {
    now_ += ms;
    coord_->tick(now_);
  }

  FakeJournal journal_;
  std::unique_ptr<GroupCoordinator> coord_;
  std::string group_ = "g";
  int64_t now_ = 1000000;
  std::deque<Bytes> storage_;  // keeps borrowed bytes alive for the duration of a call
};

}  // namespace sluice::coord::testing
