// Tests for committed offsets and persistence: OffsetCommit checks, simple commits, OffsetFetch,
// durability through the journal (reply only after fsync, failures never acknowledged), replay
// of __consumer_offsets after a restart, and DeleteGroups tombstones.
#include <gtest/gtest.h>

#include "broker-lite/coordinator/offsets_codec.h"
#include "tests/unit/coordinator/coordinator_test_util.h"

namespace sluice::coord::testing {
namespace {

namespace ke = kafka_error;

using GroupOffsetsTest = CoordinatorTest;

int16_t only_error(const Slot<OffsetCommitResult>& r) {
  EXPECT_TRUE(r->has_value());
  return (*r)->topics.at(0).partitions.at(0).error_code;
}

// Replays every journal record into a fresh coordinator, as the server does at start.
std::unique_ptr<GroupCoordinator> replay(const FakeJournal& journal, OffsetJournal* new_journal,
                                         int64_t now_ms) {
  auto c = std::make_unique<GroupCoordinator>(CoordinatorTest::test_config(), new_journal);
  for (const FakeJournal::Record& r : journal.records) {
    std::optional<std::span<const uint8_t>> value;
    if (r.value) value = std::span<const uint8_t>(*r.value);
    Status s = c->load_record(r.key, value);
    EXPECT_TRUE(s.is_ok()) << s.to_string();
  }
  c->finish_loading(now_ms);
  return c;
}

TEST_F(GroupOffsetsTest, SimpleCommitCreatesEmptyGroupAndFetchReturnsOffsets) {
  auto r = commit("", -1, {topic("t", {{0, 10}, {1, 20}}), topic("u", {{0, 5}})});
  ASSERT_TRUE(r->has_value());
  ASSERT_EQ((*r)->topics.size(), 2u);
  EXPECT_EQ((*r)->topics[0].name, "t");
  EXPECT_EQ((*r)->topics[0].partitions[1].partition, 1);
  EXPECT_EQ((*r)->topics[0].partitions[1].error_code, ke::kNone);
  EXPECT_EQ(state(), GroupState::kEmpty);
  EXPECT_EQ(fetched("t", 0), 10);
  EXPECT_EQ(fetched("t", 1), 20);
  EXPECT_EQ(fetched("u", 0), 5);
  EXPECT_EQ(fetched("t", 2), -1);                   // never committed
  EXPECT_EQ(fetched("t", 0, "unknown-group"), -1);  // unknown group: -1, no error

  OffsetFetchArgs all{group_, std::nullopt};
  OffsetFetchResult everything = coord_->fetch_offsets(all);
  ASSERT_EQ(everything.topics.size(), 2u);
  EXPECT_EQ(everything.topics[0].name, "t");
  ASSERT_EQ(everything.topics[0].partitions.size(), 2u);
  EXPECT_EQ(everything.topics[0].partitions[0].metadata, "m");
  EXPECT_EQ(everything.topics[1].partitions[0].offset, 5);
  EXPECT_TRUE(coord_->fetch_offsets({"unknown-group", std::nullopt}).topics.empty());
}

TEST_F(GroupOffsetsTest, LaterCommitReplacesEarlierOne) {
  commit("", -1, {topic("t", {{0, 10}})});
  commit("", -1, {topic("t", {{0, 3}})});  // offsets may go backwards (seek)
  EXPECT_EQ(fetched("t", 0), 3);
}

TEST_F(GroupOffsetsTest, CommitChecksGenerationAndMember) {
  EXPECT_EQ(only_error(commit("m", 3, {topic("t", {{0, 1}})})), ke::kIllegalGeneration);
  EXPECT_FALSE(coord_->group_state(group_).has_value()) << "no group is created for that";

  const auto [a, b] = form_stable_pair();
  EXPECT_EQ(only_error(commit(a, 1, {topic("t", {{0, 1}})})), ke::kIllegalGeneration);
  EXPECT_EQ(only_error(commit("stranger", 2, {topic("t", {{0, 1}})})), ke::kUnknownMemberId);
  // A simple commit into a group with members is refused.
  EXPECT_EQ(only_error(commit("", -1, {topic("t", {{0, 1}})})), ke::kUnknownMemberId);
  EXPECT_EQ(fetched("t", 0), -1);
  EXPECT_EQ(only_error(commit(b, 2, {topic("t", {{0, 7}})})), ke::kNone);
  EXPECT_EQ(fetched("t", 0), 7);

  // While the group prepares a rebalance commits of the current generation still count...
  auto jc = join("");
  ASSERT_EQ(state(), GroupState::kPreparingRebalance);
  EXPECT_EQ(only_error(commit(a, 2, {topic("t", {{0, 8}})})), ke::kNone);
  // ...but once the new generation is formed and not yet synced they do not.
  join(a);
  join(b);
  ASSERT_EQ(state(), GroupState::kCompletingRebalance);
  EXPECT_EQ(only_error(commit(a, 3, {topic("t", {{0, 9}})})), ke::kRebalanceInProgress);
  EXPECT_EQ(fetched("t", 0), 8);
}

TEST_F(GroupOffsetsTest, CommitWithFencedInstanceIdIsRejected) {
  auto j = join(join_args("", {{"range", {1}}}, "inst-1"));
  const std::string s1 = (*j)->member_id;
  sync(s1, 1, {{s1, {1}}});
  OffsetCommitArgs args;
  args.group_id = group_;
  args.generation_id = 1;
  args.member_id = "old-id";
  args.group_instance_id = "inst-1";
  args.topics = {topic("t", {{0, 1}})};
  std::optional<OffsetCommitResult> r;
  coord_->commit_offsets(args, now_, [&](OffsetCommitResult x) { r = std::move(x); });
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->topics[0].partitions[0].error_code, ke::kFencedInstanceId);
}

TEST_F(GroupOffsetsTest, CommitKeepsMemberAlive) {
  const auto [a, b] = form_stable_pair();
  for (int i = 0; i < 4; ++i) {
    advance(kSession / 2);
    heartbeat(a, 2);
    ASSERT_EQ(only_error(commit(b, 2, {topic("t", {{0, i}})})), ke::kNone) << i;
  }
  EXPECT_EQ(state(), GroupState::kStable);
}

TEST_F(GroupOffsetsTest, MetadataLargerThanLimitIsRejectedPerPartition) {
  OffsetCommitTopic t = topic("t", {{0, 1}, {1, 2}});
  t.partitions[0].metadata = std::string(4097, 'x');
  t.partitions[1].metadata = std::string(4096, 'y');
  auto r = commit("", -1, {t});
  EXPECT_EQ((*r)->topics[0].partitions[0].error_code, ke::kOffsetMetadataTooLarge);
  EXPECT_EQ((*r)->topics[0].partitions[1].error_code, ke::kNone);
  EXPECT_EQ(fetched("t", 0), -1);
  EXPECT_EQ(fetched("t", 1), 2);
}

TEST_F(GroupOffsetsTest, CommitIsAnsweredOnlyWhenDurable) {
  journal_.auto_complete = false;
  auto r = commit("", -1, {topic("t", {{0, 10}, {1, 11}})});
  EXPECT_FALSE(r->has_value());
  EXPECT_EQ(journal_.waiting.size(), 2u);
  EXPECT_EQ(fetched("t", 0), -1) << "not visible before it is durable";
  journal_.complete_all(Status::ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->topics[0].partitions[0].error_code, ke::kNone);
  EXPECT_EQ(fetched("t", 0), 10);
  EXPECT_EQ(fetched("t", 1), 11);

  // The records are Kafka's offset commit key and value.
  Result<OffsetsTopicKey> key = decode_offsets_topic_key(journal_.records[0].key);
  ASSERT_TRUE(key.is_ok());
  EXPECT_EQ(key->kind, OffsetsTopicKey::Kind::kOffset);
  EXPECT_EQ(key->group, group_);
  EXPECT_EQ(key->topic, "t");
  Result<OffsetRecordValue> value = decode_offset_value(*journal_.records[0].value);
  ASSERT_TRUE(value.is_ok());
  EXPECT_EQ(value->offset, 10);
  EXPECT_EQ(value->metadata, "m");
  EXPECT_EQ(value->commit_timestamp_ms, now_);
}

TEST_F(GroupOffsetsTest, FailedWriteIsNeverAcknowledged) {
  commit("", -1, {topic("t", {{0, 10}})});
  journal_.status = Status::io_error("fsync of __consumer_offsets-0 failed");
  auto r = commit("", -1, {topic("t", {{0, 20}})});
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(only_error(r), ke::kJournalWriteFailed);
  EXPECT_EQ(fetched("t", 0), 10);
}

TEST_F(GroupOffsetsTest, PartialFailureReportsPerPartition) {
  journal_.auto_complete = false;
  auto r = commit("", -1, {topic("t", {{0, 10}, {1, 11}})});
  auto first = std::move(journal_.waiting.front());
  journal_.waiting.pop_front();
  first(Status::ok());
  EXPECT_FALSE(r->has_value());
  journal_.complete_all(Status::io_error("disk full"));
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->topics[0].partitions[0].error_code, ke::kNone);
  EXPECT_EQ((*r)->topics[0].partitions[1].error_code, ke::kJournalWriteFailed);
  EXPECT_EQ(fetched("t", 0), 10);
  EXPECT_EQ(fetched("t", 1), -1);
}

TEST_F(GroupOffsetsTest, SyncWaitsForDurableGroupMetadataAndFailsIfItIsNot) {
  auto j = join("");
  const std::string a = (*j)->member_id;
  journal_.auto_complete = false;
  auto s = sync(a, 1, {{a, {3}}});
  EXPECT_FALSE(s->has_value());
  ASSERT_EQ(journal_.waiting.size(), 1u);
  journal_.complete_all(Status::io_error("fsync failed"));
  ASSERT_TRUE(s->has_value());
  EXPECT_EQ((*s)->error_code, ke::kJournalWriteFailed);
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
  journal_.auto_complete = true;
  auto again = join(a);
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ((*again)->generation_id, 2);
  EXPECT_EQ((*sync(a, 2, {{a, {3}}}))->assignment, Bytes{3});
}

TEST_F(GroupOffsetsTest, ReplayRestoresOffsetsAndGroups) {
  const auto [a, b] = form_stable_pair();
  ASSERT_EQ(only_error(commit(a, 2, {topic("t", {{0, 100}, {1, 200}})})), ke::kNone);
  commit("", -1, {topic("t", {{0, 5}})}, "offsets-only");
  group_ = "emptied";
  const std::string e = join_alone_and_sync();
  commit(e, 1, {topic("x", {{3, 33}})});
  coord_->leave_group({group_, {{e, std::nullopt}}}, now_);
  ASSERT_EQ(state(), GroupState::kEmpty);
  group_ = "g";

  FakeJournal fresh;
  coord_ = replay(journal_, &fresh, now_);
  std::vector<ListedGroup> groups = coord_->list_groups({});
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].group_id, "emptied");
  EXPECT_EQ(groups[0].state, "Empty");
  EXPECT_EQ(groups[0].protocol_type, "consumer");
  EXPECT_EQ(groups[1].group_id, "g");
  EXPECT_EQ(groups[1].state, "Stable");
  EXPECT_EQ(groups[2].group_id, "offsets-only");
  EXPECT_EQ(groups[2].state, "Empty");
  EXPECT_EQ(fetched("t", 0), 100);
  EXPECT_EQ(fetched("t", 1), 200);
  EXPECT_EQ(fetched("t", 0, "offsets-only"), 5);
  EXPECT_EQ(fetched("x", 3, "emptied"), 33);
  EXPECT_EQ(coord_->group_generation("emptied"), 2);

  // The stable group continues where it was: same generation, members and assignments.
  EXPECT_EQ(coord_->group_generation(group_), 2);
  EXPECT_EQ(heartbeat(a, 2), ke::kNone);
  EXPECT_EQ((*sync(b, 2))->assignment, Bytes{2});
  std::vector<std::string> ids{group_};
  DescribedGroup d = coord_->describe_groups(ids).at(0);
  EXPECT_EQ(d.protocol_data, "range");
  ASSERT_EQ(d.members.size(), 2u);
  // Its members' sessions run from the end of the replay: B, silent since, expires.
  advance(kSession / 2);
  EXPECT_EQ(heartbeat(a, 2), ke::kNone);
  advance(kSession / 2);
  EXPECT_EQ(state(), GroupState::kPreparingRebalance);
  EXPECT_EQ(member_count(), 1u);
}

TEST_F(GroupOffsetsTest, ReplayAppliesTombstonesAndSkipsUnknownKeys) {
  FakeJournal j;
  auto append = [&](Bytes key, std::optional<Bytes> value) {
    j.records.push_back({std::move(key), std::move(value)});
  };
  append(encode_offset_key("g", "t", 0), encode_offset_value({1, -1, "", 0}));
  append(encode_offset_key("g", "t", 1), encode_offset_value({2, -1, "", 0}));
  append(encode_offset_key("g", "t", 0), std::nullopt);
  append(Bytes{0x00, 0x07, 0x01}, Bytes{0x02});  // a newer record kind: skipped
  append(encode_offset_key("gone", "t", 0), encode_offset_value({1, -1, "", 0}));
  append(encode_offset_key("gone", "t", 0), std::nullopt);
  coord_ = replay(j, &journal_, now_);
  EXPECT_EQ(fetched("t", 0), -1);
  EXPECT_EQ(fetched("t", 1), 2);
  EXPECT_FALSE(coord_->group_state("gone").has_value());
  EXPECT_EQ(coord_->group_count(), 1u);
}

TEST_F(GroupOffsetsTest, CorruptRecordIsReportedAndChangesNothing) {
  Bytes bad_value = encode_offset_value({1, -1, "", 0});
  bad_value.pop_back();
  Status s =
      coord_->load_record(encode_offset_key("g", "t", 0), std::span<const uint8_t>(bad_value));
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("group g"), std::string_view::npos) << s.to_string();
  coord_->finish_loading(now_);
  EXPECT_EQ(coord_->group_count(), 0u);
}

TEST_F(GroupOffsetsTest, DeleteGroupsWritesTombstones) {
  commit("", -1, {topic("t", {{0, 1}, {1, 2}})});
  form_stable_pair();  // "g" now has members
  group_ = "idle";
  commit("", -1, {topic("t", {{0, 1}, {1, 2}}), topic("u", {{4, 4}})});

  std::vector<std::string> ids{"idle", "g", "missing"};
  std::optional<std::vector<DeleteGroupResult>> results;
  const size_t before = journal_.records.size();
  coord_->delete_groups(ids, now_, [&](std::vector<DeleteGroupResult> r) { results = r; });
  ASSERT_TRUE(results.has_value());
  ASSERT_EQ(results->size(), 3u);
  EXPECT_EQ((*results)[0].error_code, ke::kNone);
  EXPECT_EQ((*results)[1].error_code, ke::kNonEmptyGroup);
  EXPECT_EQ((*results)[2].error_code, ke::kGroupIdNotFound);
  EXPECT_FALSE(coord_->group_state("idle").has_value());
  EXPECT_EQ(fetched("t", 0, "idle"), -1);

  // One tombstone for the group and one per committed offset.
  ASSERT_EQ(journal_.records.size(), before + 4);
  int group_keys = 0, offset_keys = 0;
  for (size_t i = before; i < journal_.records.size(); ++i) {
    EXPECT_FALSE(journal_.records[i].value.has_value());
    Result<OffsetsTopicKey> k = decode_offsets_topic_key(journal_.records[i].key);
    ASSERT_TRUE(k.is_ok());
    EXPECT_EQ(k->group, "idle");
    if (k->kind == OffsetsTopicKey::Kind::kGroup) ++group_keys;
    if (k->kind == OffsetsTopicKey::Kind::kOffset) ++offset_keys;
  }
  EXPECT_EQ(group_keys, 1);
  EXPECT_EQ(offset_keys, 3);

  // After a restart the deleted group stays deleted.
  FakeJournal fresh;
  coord_ = replay(journal_, &fresh, now_);
  EXPECT_FALSE(coord_->group_state("idle").has_value());
  EXPECT_TRUE(coord_->group_state("g").has_value());
}

TEST_F(GroupOffsetsTest, DeleteRepliesAfterTombstonesAreDurable) {
  commit("", -1, {topic("t", {{0, 1}})});
  journal_.auto_complete = false;
  std::optional<std::vector<DeleteGroupResult>> results;
  std::vector<std::string> ids{group_};
  coord_->delete_groups(ids, now_, [&](std::vector<DeleteGroupResult> r) { results = r; });
  EXPECT_FALSE(results.has_value());
  journal_.complete_all(Status::io_error("fsync failed"));
  ASSERT_TRUE(results.has_value());
  EXPECT_EQ((*results)[0].error_code, ke::kJournalWriteFailed);
}

TEST_F(GroupOffsetsTest, CommitInFlightWhenGroupIsDeletedDoesNotResurrectIt) {
  journal_.auto_complete = false;
  auto r = commit("", -1, {topic("t", {{0, 1}})});
  std::vector<std::string> ids{group_};
  coord_->delete_groups(ids, now_, [](std::vector<DeleteGroupResult>) {});
  journal_.complete_all(Status::ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_FALSE(coord_->group_state(group_).has_value());
  EXPECT_EQ(fetched("t", 0), -1);
}

}  // namespace
}  // namespace sluice::coord::testing
