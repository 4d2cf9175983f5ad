// Tests for the group membership state machine: JoinGroup (incl. MEMBER_ID_REQUIRED, protocol
// selection, initial delay, static membership), SyncGroup, Heartbeat, LeaveGroup and the
// session / rebalance / sync timeouts, driven with a hand-advanced clock.
#include <gtest/gtest.h>

#include <map>

#include "tests/unit/coordinator/coordinator_test_util.h"

namespace sluice::coord::testing {
namespace {

namespace ke = kafka_error;

using GroupMembershipTest = CoordinatorTest;

TEST_F(GroupMembershipTest, SingleMemberJoinsSyncsAndHeartbeats) {
  auto j = join("");
  ASSERT_TRUE(j->has_value());
  const JoinGroupResult& r = **j;
  EXPECT_EQ(r.error_code, ke::kNone);
  EXPECT_EQ(r.generation_id, 1);
  EXPECT_EQ(r.protocol_name, "range");
  EXPECT_EQ(r.protocol_type, "consumer");
  EXPECT_EQ(r.leader, r.member_id);
  EXPECT_EQ(r.member_id.rfind("client-", 0), 0u) << r.member_id;
  ASSERT_EQ(r.members.size(), 1u);
  EXPECT_EQ(r.members[0].member_id, r.member_id);
  EXPECT_EQ(r.members[0].metadata, Bytes{1});
  EXPECT_EQ(state(), GroupState::kCompletingRebalance);

  auto s = sync(r.member_id, 1, {{r.member_id, {7, 7}}});
  ASSERT_TRUE(s->has_value());
  EXPECT_EQ((*s)->error_code, ke::kNone);
  EXPECT_EQ((*s)->assignment, (Bytes{7, 7}));
  EXPECT_EQ(state(), GroupState::kStable);
  EXPECT_EQ(heartbeat(r.member_id, 1), ke::kNone);

  std::vector<std::string> ids{group_};
  DescribedGroup d = coord_->describe_groups(ids).at(0);
  EXPECT_EQ(d.state, "Stable");
  EXPECT_EQ(d.protocol_type, "consumer");
  EXPECT_EQ(d.protocol_data, "range");
  ASSERT_EQ(d.members.size(), 1u);
  EXPECT_EQ(d.members[0].client_id, "client");
  EXPECT_EQ(d.members[0].metadata, Bytes{1});
  EXPECT_EQ(d.members[0].assignment, (Bytes{7, 7}));
}

TEST_F(GroupMembershipTest, MemberIdRequiredRoundTrip) {
  JoinGroupArgs a = join_args("");
  a.require_known_member_id = true;
  auto first = join(a);
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->error_code, ke::kMemberIdRequired);
  const std::string id = (*first)->member_id;
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(member_count(), 0u);  // only pending

  a.member_id = id;
  auto second = join(a);
  ASSERT_TRUE(second->has_value());
  EXPECT_EQ((*second)->error_code, ke::kNone);
  EXPECT_EQ((*second)->member_id, id);
  EXPECT_EQ((*second)->leader, id);
  EXPECT_EQ((*second)->generation_id, 1);
}

TEST_F(GroupMembershipTest, PendingMemberIdExpiresAfterSessionTimeout) {
  JoinGroupArgs a = join_args("");
  a.require_known_member_id = true;
  auto first = join(a);
  const std::string id = (*first)->member_id;
  advance(kSession);
  a.member_id = id;
  auto late = join(a);
  ASSERT_TRUE(late->has_value());
  EXPECT_EQ((*late)->error_code, ke::kUnknownMemberId);
}

TEST_F(GroupMembershipTest, PendingMemberHoldsTheJoinPhaseUntilItRejoins) {
  const std::string a = join_alone_and_sync();
  JoinGroupArgs args = join_args("");
  args.require_known_member_id = true;
  const std::string b = (*join(args))->member_id;  // pending, not yet a member
  auto ja = join(a);                               // leader rejoins: rebalance starts
  EXPECT_FALSE(ja->has_value()) << "must wait for the pending member";
  args.member_id = b;
  auto jb = join(args);
  ASSERT_TRUE(ja->has_value());
  ASSERT_TRUE(jb->has_value());
  EXPECT_EQ((*ja)->generation_id, 2);
  EXPECT_EQ((*ja)->members.size(), 2u);
}

TEST_F(GroupMembershipTest, ThreeMembersJoinInSequence) {
  const std::string a = join_alone_and_sync({1});
  EXPECT_EQ(coord_->group_generation(group_), 1);

  // B joins: its reply waits until A has rejoined.
  auto jb = join("");
  EXPECT_FALSE(jb->has_value());
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
  EXPECT_EQ(heartbeat(a, 1), ke::kRebalanceInProgress);
  auto ja = join(a);
  ASSERT_TRUE(ja->has_value());
  ASSERT_TRUE(jb->has_value());
  const std::string b = (*jb)->member_id;
  EXPECT_EQ((*ja)->generation_id, 2);
  EXPECT_EQ((*jb)->generation_id, 2);
  EXPECT_EQ((*ja)->leader, a);
  EXPECT_EQ((*jb)->leader, a);
  EXPECT_EQ((*ja)->members.size(), 2u);
  EXPECT_TRUE((*jb)->members.empty());

  auto sb = sync(b, 2);
  EXPECT_FALSE(sb->has_value());
  auto sa = sync(a, 2, {{a, {1}}, {b, {2}}});
  ASSERT_TRUE(sb->has_value());
  EXPECT_EQ((*sa)->assignment, Bytes{1});
  EXPECT_EQ((*sb)->assignment, Bytes{2});

  // C joins: both A and B must rejoin.
  auto jc = join("");
  EXPECT_EQ(heartbeat(b, 2), ke::kRebalanceInProgress);
  ja = join(a);
  EXPECT_FALSE(jc->has_value());
  jb = join(b);
  ASSERT_TRUE(jc->has_value());
  EXPECT_EQ((*jc)->generation_id, 3);
  EXPECT_EQ((*ja)->members.size(), 3u);
  const std::string c = (*jc)->member_id;
  sync(a, 3, {{a, {1}}, {b, {2}}, {c, {3}}});
  auto sc = sync(c, 3);
  ASSERT_TRUE(sc->has_value());
  EXPECT_EQ((*sc)->assignment, Bytes{3});
  EXPECT_EQ(state(), GroupState::kStable);
  EXPECT_EQ(member_count(), 3u);
}

TEST_F(GroupMembershipTest, FollowerSyncWaitsForLeader) {
  const std::string a = join_alone_and_sync();
  auto jb = join("");
  auto ja = join(a);
  const std::string b = (*jb)->member_id;
  auto sb = sync(b, 2);
  EXPECT_FALSE(sb->has_value());
  EXPECT_EQ(state(), GroupState::kCompletingRebalance);
  EXPECT_EQ(heartbeat(b, 2), ke::kNone);  // heartbeats are fine while waiting for the sync
  auto sa = sync(a, 2, {{b, {5}}});       // the leader leaves itself out: empty assignment
  ASSERT_TRUE(sb->has_value());
  EXPECT_EQ((*sb)->error_code, ke::kNone);
  EXPECT_EQ((*sb)->assignment, Bytes{5});
  EXPECT_TRUE((*sa)->assignment.empty());
}

TEST_F(GroupMembershipTest, LeaderLeavesMidRebalance) {
  const auto [a, b] = form_stable_pair();

  auto jc = join("");  // rebalance for generation 3
  ASSERT_FALSE(jc->has_value());
  LeaveGroupResult left = coord_->leave_group({group_, {{a, std::nullopt}}}, now_);
  ASSERT_EQ(left.members.size(), 1u);
  EXPECT_EQ(left.members[0].error_code, ke::kNone);
  EXPECT_FALSE(jc->has_value());  // B has not rejoined yet
  auto jb = join(b);
  ASSERT_TRUE(jb->has_value());
  ASSERT_TRUE(jc->has_value());
  const std::string c = (*jc)->member_id;
  EXPECT_EQ((*jb)->generation_id, 3);
  const std::string leader = (*jb)->leader;
  EXPECT_TRUE(leader == b || leader == c) << leader;
  EXPECT_EQ((*jc)->leader, leader);
  const auto& leader_result = leader == b ? **jb : **jc;
  const auto& follower_result = leader == b ? **jc : **jb;
  EXPECT_EQ(leader_result.members.size(), 2u);
  EXPECT_TRUE(follower_result.members.empty());
  EXPECT_EQ(heartbeat(a, 2), ke::kUnknownMemberId);
}

TEST_F(GroupMembershipTest, LeaderLeavesWhileFollowerWaitsInSync) {
  const std::string a = join_alone_and_sync();
  auto jb = join("");
  join(a);
  const std::string b = (*jb)->member_id;
  auto sb = sync(b, 2);
  ASSERT_FALSE(sb->has_value());
  coord_->leave_group({group_, {{a, std::nullopt}}}, now_);
  ASSERT_TRUE(sb->has_value());
  EXPECT_EQ((*sb)->error_code, ke::kRebalanceInProgress);
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
  jb = join(b);  // the only member left: the join completes at once
  ASSERT_TRUE(jb->has_value());
  EXPECT_EQ((*jb)->leader, b);
  EXPECT_EQ((*jb)->generation_id, 3);
}

TEST_F(GroupMembershipTest, SessionExpiryRemovesMemberAndRebalances) {
  const auto [a, b] = form_stable_pair();
  ASSERT_EQ(state(), GroupState::kStable);

  advance(kSession / 2);
  ASSERT_EQ(heartbeat(a, 2), ke::kNone);  // B stays silent
  advance(kSession / 2 - 1);
  EXPECT_EQ(state(), GroupState::kStable);
  advance(1);  // B's session timeout has passed
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
  EXPECT_EQ(member_count(), 1u);
  EXPECT_EQ(heartbeat(a, 2), ke::kRebalanceInProgress);
  EXPECT_EQ(heartbeat(b, 2), ke::kUnknownMemberId);
  auto ja = join(a);
  ASSERT_TRUE(ja->has_value());
  EXPECT_EQ((*ja)->generation_id, 3);
  EXPECT_EQ((*ja)->members.size(), 1u);
}

TEST_F(GroupMembershipTest, LastMemberExpiringEmptiesTheGroup) {
  const std::string a = join_alone_and_sync();
  advance(kSession);
  EXPECT_EQ(state(), GroupState::kEmpty);
  EXPECT_EQ(coord_->group_generation(group_), 2);
  EXPECT_EQ(member_count(), 0u);
  EXPECT_EQ(heartbeat(a, 1), ke::kUnknownMemberId);
}

TEST_F(GroupMembershipTest, RebalanceTimeoutRemovesMemberThatDoesNotRejoin) {
  const auto [a, b] = form_stable_pair();

  auto jc = join("");  // new member: A and B must rejoin within the rebalance timeout
  auto ja = join(a);
  // B keeps heartbeating (so its session never expires) but never rejoins.
  for (int64_t t = 5000; t < kRebalance; t += 5000) {
    advance(5000);
    ASSERT_EQ(heartbeat(b, 2), ke::kRebalanceInProgress) << t;
    ASSERT_FALSE(ja->has_value()) << t;
  }
  advance(4999);
  ASSERT_FALSE(ja->has_value());
  advance(1);  // the rebalance timeout has passed
  ASSERT_TRUE(ja->has_value());
  ASSERT_TRUE(jc->has_value());
  EXPECT_EQ((*ja)->generation_id, 3);
  EXPECT_EQ((*ja)->members.size(), 2u);
  EXPECT_EQ(heartbeat(b, 2), ke::kUnknownMemberId);
  EXPECT_EQ(member_count(), 2u);
}

TEST_F(GroupMembershipTest, MemberThatNeverSyncsIsRemovedAfterRebalanceTimeout) {
  const std::string a = join_alone_and_sync();
  auto jb = join("");
  join(a);
  const std::string b = (*jb)->member_id;
  auto sa = sync(a, 2, {{a, {1}}, {b, {2}}});
  ASSERT_TRUE(sa->has_value());
  EXPECT_EQ(state(), GroupState::kStable);
  for (int64_t t = 0; t < kRebalance; t += 5000) {
    advance(5000);
    heartbeat(a, 2);
    heartbeat(b, 2);  // alive, but never sends SyncGroup
  }
  EXPECT_EQ(heartbeat(b, 2), ke::kUnknownMemberId);
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
}

TEST_F(GroupMembershipTest, HeartbeatErrors) {
  EXPECT_EQ(heartbeat("nobody", 1), ke::kUnknownMemberId);  // no such group
  const std::string a = join_alone_and_sync();
  EXPECT_EQ(heartbeat("nobody", 1), ke::kUnknownMemberId);
  EXPECT_EQ(heartbeat(a, 0), ke::kIllegalGeneration);
  EXPECT_EQ(heartbeat(a, 2), ke::kIllegalGeneration);
  EXPECT_EQ(coord_->heartbeat({"", 1, a, std::nullopt}, now_), ke::kInvalidGroupId);
  join("");  // rebalance starts
  EXPECT_EQ(heartbeat(a, 1), ke::kRebalanceInProgress);
}

TEST_F(GroupMembershipTest, SyncErrors) {
  auto missing = sync("nobody", 1);
  EXPECT_EQ((*missing)->error_code, ke::kUnknownMemberId);
  const std::string a = join_alone_and_sync();
  EXPECT_EQ((*sync("nobody", 1))->error_code, ke::kUnknownMemberId);
  EXPECT_EQ((*sync(a, 5))->error_code, ke::kIllegalGeneration);
  join("");  // PreparingRebalance for generation 2
  EXPECT_EQ((*sync(a, 1))->error_code, ke::kRebalanceInProgress);
  // Stable again later: a repeated SyncGroup returns the stored assignment.
}

TEST_F(GroupMembershipTest, StableSyncReturnsStoredAssignment) {
  const std::string a = join_alone_and_sync({4, 2});
  auto again = sync(a, 1);
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ((*again)->error_code, ke::kNone);
  EXPECT_EQ((*again)->assignment, (Bytes{4, 2}));
}

TEST_F(GroupMembershipTest, SessionTimeoutOutsideBoundsIsRejected) {
  JoinGroupArgs a = join_args("");
  a.session_timeout_ms = 5999;
  EXPECT_EQ((*join(a))->error_code, ke::kInvalidSessionTimeout);
  a.session_timeout_ms = 1800001;
  EXPECT_EQ((*join(a))->error_code, ke::kInvalidSessionTimeout);
  a.session_timeout_ms = 6000;
  EXPECT_EQ((*join(a))->error_code, ke::kNone);
}

TEST_F(GroupMembershipTest, InconsistentProtocols) {
  join_alone_and_sync();
  JoinGroupArgs other_type = join_args("");
  other_type.protocol_type = "connect";
  EXPECT_EQ((*join(other_type))->error_code, ke::kInconsistentGroupProtocol);
  EXPECT_EQ((*join("", {{"roundrobin", {}}}))->error_code, ke::kInconsistentGroupProtocol);
  JoinGroupArgs none = join_args("", {});
  group_ = "fresh";
  none.group_id = group_;
  EXPECT_EQ((*join(none))->error_code, ke::kInconsistentGroupProtocol);
  EXPECT_EQ(coord_->describe_groups(std::vector<std::string>{"g"}).at(0).members.size(), 1u);
}

TEST_F(GroupMembershipTest, ProtocolWithMostVotesAmongCommonOnesIsSelected) {
  recreate([] {
    GroupCoordinatorConfig c = test_config();
    c.initial_rebalance_delay_ms = 100;  // let all three join in one generation
    return c;
  }());
  auto j1 = join("", {{"range", {1}}, {"roundrobin", {2}}, {"sticky", {3}}});
  auto j2 = join("", {{"roundrobin", {4}}, {"range", {5}}});
  auto j3 = join("", {{"roundrobin", {6}}, {"range", {7}}, {"sticky", {8}}});
  advance(100);  // members arrived during the delay: one more delay
  EXPECT_FALSE(j1->has_value());
  advance(100);
  ASSERT_TRUE(j1->has_value());
  EXPECT_EQ((*j1)->protocol_name, "roundrobin");
  EXPECT_EQ((*j3)->protocol_name, "roundrobin");
  const JoinGroupResult& leader =
      (*j1)->members.empty() ? ((*j2)->members.empty() ? **j3 : **j2) : **j1;
  ASSERT_EQ(leader.members.size(), 3u);
  // Each member's metadata for the selected protocol.
  std::map<std::string, Bytes> metadata;
  for (const JoinGroupResponseMember& m : leader.members) metadata[m.member_id] = m.metadata;
  EXPECT_EQ(metadata[(*j1)->member_id], Bytes{2});
  EXPECT_EQ(metadata[(*j2)->member_id], Bytes{4});
  EXPECT_EQ(metadata[(*j3)->member_id], Bytes{6});
}

TEST_F(GroupMembershipTest, InitialRebalanceDelayWaitsForMoreMembers) {
  recreate([] {
    GroupCoordinatorConfig c = test_config();
    c.initial_rebalance_delay_ms = 3000;
    return c;
  }());
  auto j1 = join("");
  advance(1000);
  auto j2 = join("");
  advance(1999);
  EXPECT_FALSE(j1->has_value());
  advance(1);  // 3000 ms: a member arrived during the delay, so wait another delay
  EXPECT_FALSE(j1->has_value());
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
  advance(3000);
  ASSERT_TRUE(j1->has_value());
  ASSERT_TRUE(j2->has_value());
  EXPECT_EQ((*j1)->generation_id, 1);
  EXPECT_EQ((*j2)->generation_id, 1);
  EXPECT_EQ((*j1)->leader, (*j2)->leader);
}

TEST_F(GroupMembershipTest, InitialDelayDefaultsToKafkaValue) {
  EXPECT_EQ(GroupCoordinatorConfig{}.initial_rebalance_delay_ms, 3000);
  recreate(GroupCoordinatorConfig{});
  auto j = join("");
  advance(2999);
  EXPECT_FALSE(j->has_value());
  advance(1);
  ASSERT_TRUE(j->has_value());
  EXPECT_EQ((*j)->error_code, ke::kNone);
}

TEST_F(GroupMembershipTest, FollowerRejoinInStableGetsCurrentGenerationWithoutRebalance) {
  const auto [a, b] = form_stable_pair();
  auto again = join(b);
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ((*again)->generation_id, 2);
  EXPECT_EQ(state(), GroupState::kStable);
  // Different metadata means a rebalance.
  auto changed = join(b, {{"range", {99}}});
  EXPECT_FALSE(changed->has_value());
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
}

TEST_F(GroupMembershipTest, StaticMemberRestartReplacesOldIdWithoutRebalance) {
  auto j1 = join(join_args("", {{"range", {1}}}, "inst-1"));
  ASSERT_TRUE(j1->has_value());
  EXPECT_EQ((*j1)->error_code, ke::kNone);  // static members skip MEMBER_ID_REQUIRED
  const std::string s1 = (*j1)->member_id;
  EXPECT_EQ(s1.rfind("inst-1-", 0), 0u) << s1;
  auto j2 = join(join_args("", {{"range", {1}}}, "inst-2"));
  EXPECT_FALSE(j2->has_value());
  auto again = join(join_args(s1, {{"range", {1}}}, "inst-1"));
  ASSERT_TRUE(j2->has_value());
  const std::string s2 = (*j2)->member_id;
  sync(s1, 2, {{s1, {1}}, {s2, {2}}});
  sync(s2, 2);
  ASSERT_EQ(state(), GroupState::kStable);

  // inst-2 restarts: it joins with no member id and gets a new one, same generation.
  const size_t records_before = journal_.records.size();
  auto restarted = join(join_args("", {{"range", {1}}}, "inst-2"));
  ASSERT_TRUE(restarted->has_value());
  const std::string s2b = (*restarted)->member_id;
  EXPECT_EQ((*restarted)->error_code, ke::kNone);
  EXPECT_NE(s2b, s2);
  EXPECT_EQ((*restarted)->generation_id, 2);
  EXPECT_EQ((*restarted)->leader, s1);
  EXPECT_EQ(state(), GroupState::kStable);
  EXPECT_EQ(journal_.records.size(), records_before + 1);  // the new member id is persisted

  // The old incarnation is fenced; the new one has the old assignment.
  EXPECT_EQ(heartbeat(s2, 2, "inst-2"), ke::kFencedInstanceId);
  EXPECT_EQ(heartbeat(s2b, 2, "inst-2"), ke::kNone);
  auto s = sync(s2b, 2);
  EXPECT_EQ((*s)->assignment, Bytes{2});
  SyncGroupArgs fenced_sync{group_, 2, s2, std::string("inst-2"), {}, {}, {}};
  auto fenced = std::make_shared<std::optional<SyncGroupResult>>();
  coord_->sync_group(fenced_sync, now_, [fenced](SyncGroupResult r) { *fenced = std::move(r); });
  EXPECT_EQ((*fenced)->error_code, ke::kFencedInstanceId);
  EXPECT_EQ(member_count(), 2u);
}

TEST_F(GroupMembershipTest, StaticLeaderRestartIsToldToSkipAssignment) {
  auto j1 = join(join_args("", {{"range", {1}}}, "inst-1"));
  const std::string s1 = (*j1)->member_id;
  sync(s1, 1, {{s1, {1}}});
  auto restarted = join(join_args("", {{"range", {1}}}, "inst-1"));
  ASSERT_TRUE(restarted->has_value());
  EXPECT_EQ((*restarted)->leader, (*restarted)->member_id);
  EXPECT_TRUE((*restarted)->skip_assignment);
  EXPECT_EQ((*restarted)->members.size(), 1u);
  EXPECT_EQ(state(), GroupState::kStable);
}

TEST_F(GroupMembershipTest, StaticMemberWithChangedProtocolsTriggersRebalance) {
  auto j1 = join(join_args("", {{"range", {1}}}, "inst-1"));
  const std::string s1 = (*j1)->member_id;
  sync(s1, 1, {{s1, {1}}});
  auto restarted = join(join_args("", {{"range", {2}}}, "inst-1"));
  ASSERT_TRUE(restarted->has_value());  // alone in the group: the join completes at once
  EXPECT_EQ((*restarted)->generation_id, 2);
  EXPECT_NE((*restarted)->member_id, s1);
  EXPECT_EQ(heartbeat(s1, 1, "inst-1"), ke::kFencedInstanceId);
}

TEST_F(GroupMembershipTest, StaticReplacementFencesAWaitingJoin) {
  auto j1 = join(join_args("", {{"range", {1}}}, "inst-1"));
  const std::string s1 = (*j1)->member_id;
  sync(s1, 1, {{s1, {1}}});
  auto jb = join("");  // rebalance: inst-1 must rejoin
  auto old_join = join(join_args(s1, {{"range", {1}}}, "inst-1"));
  ASSERT_TRUE(old_join->has_value());  // both joined: generation 2 completed
  ASSERT_TRUE(jb->has_value());
  auto jc = join("");  // another rebalance
  auto waiting = join(join_args(s1, {{"range", {1}}}, "inst-1"));
  ASSERT_FALSE(waiting->has_value());
  auto replaced = join(join_args("", {{"range", {1}}}, "inst-1"));
  ASSERT_TRUE(waiting->has_value());
  EXPECT_EQ((*waiting)->error_code, ke::kFencedInstanceId);
  (void)replaced;
  (void)jc;
}

TEST_F(GroupMembershipTest, LeaveGroupBatchByMemberAndInstanceId) {
  auto j1 = join(join_args("", {{"range", {1}}}, "inst-1"));
  const std::string s1 = (*j1)->member_id;
  sync(s1, 1, {{s1, {1}}});
  auto jd = join("");
  join(join_args(s1, {{"range", {1}}}, "inst-1"));
  const std::string d = (*jd)->member_id;
  ASSERT_EQ(member_count(), 2u);

  LeaveGroupArgs args{group_,
                      {{"", std::string("inst-1")},
                       {d, std::nullopt},
                       {"ghost", std::nullopt},
                       {"", std::string("inst-9")}}};
  LeaveGroupResult r = coord_->leave_group(args, now_);
  EXPECT_EQ(r.error_code, ke::kNone);
  ASSERT_EQ(r.members.size(), 4u);
  EXPECT_EQ(r.members[0].error_code, ke::kNone);
  EXPECT_EQ(r.members[1].error_code, ke::kNone);
  EXPECT_EQ(r.members[2].error_code, ke::kUnknownMemberId);
  EXPECT_EQ(r.members[3].error_code, ke::kUnknownMemberId);
  EXPECT_EQ(member_count(), 0u);
  EXPECT_EQ(state(), GroupState::kEmpty);

  LeaveGroupResult unknown_group = coord_->leave_group({"nope", {{"x", std::nullopt}}}, now_);
  EXPECT_EQ(unknown_group.members.at(0).error_code, ke::kUnknownMemberId);
}

TEST_F(GroupMembershipTest, LeaveGroupWithWrongMemberIdForInstanceIsFenced) {
  auto j1 = join(join_args("", {{"range", {1}}}, "inst-1"));
  const std::string s1 = (*j1)->member_id;
  LeaveGroupResult r = coord_->leave_group({group_, {{"stale-id", std::string("inst-1")}}}, now_);
  EXPECT_EQ(r.members.at(0).error_code, ke::kFencedInstanceId);
  EXPECT_EQ(member_count(), 1u);
  (void)s1;
}

TEST_F(GroupMembershipTest, LeavingMemberWaitingInJoinIsAnswered) {
  const std::string a = join_alone_and_sync();
  auto jb = join("");
  auto ja = join(a);
  const std::string b = (*jb)->member_id;
  sync(a, 2, {{a, {1}}});
  sync(b, 2);
  join("");      // rebalance 3
  ja = join(a);  // A waits for B
  ASSERT_FALSE(ja->has_value());
  coord_->leave_group({group_, {{b, std::nullopt}}}, now_);
  ASSERT_TRUE(ja->has_value());  // B's departure completes the join phase
  EXPECT_EQ((*ja)->generation_id, 3);
}

TEST_F(GroupMembershipTest, GroupMaxSizeIsEnforced) {
  recreate([] {
    GroupCoordinatorConfig c = test_config();
    c.max_group_size = 1;
    return c;
  }());
  join_alone_and_sync();
  EXPECT_EQ((*join(""))->error_code, ke::kGroupMaxSizeReached);
}

TEST_F(GroupMembershipTest, ListGroupsFiltersByState) {
  join_alone_and_sync();
  group_ = "other";
  join("");  // CompletingRebalance
  std::vector<ListedGroup> all = coord_->list_groups({});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].group_id, "g");
  EXPECT_EQ(all[0].state, "Stable");
  EXPECT_EQ(all[0].protocol_type, "consumer");
  EXPECT_EQ(all[1].state, "CompletingRebalance");
  std::vector<std::string> filter{"stable", "Empty"};
  std::vector<ListedGroup> stable = coord_->list_groups(filter);
  ASSERT_EQ(stable.size(), 1u);
  EXPECT_EQ(stable[0].group_id, "g");
}

TEST_F(GroupMembershipTest, DescribeUnknownGroupIsDead) {
  std::vector<std::string> ids{"missing"};
  DescribedGroup d = coord_->describe_groups(ids).at(0);
  EXPECT_EQ(d.error_code, ke::kNone);
  EXPECT_EQ(d.state, "Dead");
  EXPECT_TRUE(d.members.empty());
}

TEST_F(GroupMembershipTest, ReplyMayReenterTheCoordinator) {
  // A reply callback that immediately sends the next request must see consistent state.
  std::optional<SyncGroupResult> synced;
  JoinGroupArgs a = join_args("");
  coord_->join_group(a, now_, [&](JoinGroupResult r) {
    SyncGroupArgs s{group_, r.generation_id, r.member_id, std::nullopt, {}, {}, {}};
    coord_->sync_group(s, now_, [&](SyncGroupResult sr) { synced = std::move(sr); });
  });
  ASSERT_TRUE(synced.has_value());
  EXPECT_EQ(synced->error_code, ke::kNone);
  EXPECT_EQ(state(), GroupState::kStable);
}

}  // namespace
}  // namespace sluice::coord::testing
