// Plain argument and result types of the group coordinator's operations (JoinGroup, SyncGroup,
// Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, ListGroups, DescribeGroups, DeleteGroups)
// and its configuration. They are independent of the wire protocol: the server copies request
// fields in and response fields out. Byte spans in arguments are borrowed for the duration of
// the call only (the coordinator copies what it keeps); results own all their data.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::coord {

// Broker settings the coordinator follows (Kafka's property names in the comments).
struct GroupCoordinatorConfig {
  int32_t min_session_timeout_ms = 6000;                         // group.min.session.timeout.ms
  int32_t max_session_timeout_ms = 1800000;                      // group.max.session.timeout.ms
  int32_t initial_rebalance_delay_ms = 3000;                     // group.initial.rebalance.delay.ms
  int32_t max_group_size = std::numeric_limits<int32_t>::max();  // group.max.size
  int32_t max_offset_metadata_bytes = 4096;                      // offset.metadata.max.bytes
  // How long a brand-new member waiting in its first JoinGroup is kept without other signs of life.
  int32_t new_member_join_timeout_ms = 300000;
  // Seed for generated member ids; 0 seeds from std::random_device.
  uint64_t member_id_seed = 0;
};

enum class GroupState { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable, kDead };

// "Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead" (DescribeGroups and
// ListGroups strings).
std::string_view group_state_name(GroupState state);

// --- JoinGroup ---

struct JoinGroupProtocol {
  std::string name;
  std::span<const uint8_t> metadata;  // borrowed for the call
};

struct JoinGroupArgs {
  std::string group_id;
  std::string member_id;                         // empty on a first join
  std::optional<std::string> group_instance_id;  // static membership (v5+)
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = -1;  // v0 has none: pass -1 and the session timeout is used
  std::string protocol_type;
  std::vector<JoinGroupProtocol> protocols;  // in the member's order of preference
  // True for JoinGroup v4+: a first join without group instance id gets MEMBER_ID_REQUIRED.
  bool require_known_member_id = false;
};

struct JoinGroupResponseMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::vector<uint8_t> metadata;
};

struct JoinGroupResult {
  int16_t error_code = 0;
  int32_t generation_id = -1;
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
  std::string leader;
  std::string member_id;         // also set with MEMBER_ID_REQUIRED (the id to rejoin with)
  bool skip_assignment = false;  // v9+: the leader must not compute a new assignment
  std::vector<JoinGroupResponseMember> members;  // only in the leader's result
};

// --- SyncGroup ---

struct SyncGroupAssignment {
  std::string member_id;
  std::span<const uint8_t> assignment;  // borrowed for the call
};

struct SyncGroupArgs {
  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::optional<std::string> protocol_type;      // v5+, checked when present
  std::optional<std::string> protocol_name;      // v5+, checked when present
  std::vector<SyncGroupAssignment> assignments;  // the leader's; empty from followers
};

struct SyncGroupResult {
  int16_t error_code = 0;
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
  std::vector<uint8_t> assignment;
};

// --- Heartbeat ---

struct HeartbeatArgs {
  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
};

// --- LeaveGroup ---

struct LeaveGroupMember {
  std::string member_id;  // may be empty in v3+ when group_instance_id is set
  std::optional<std::string> group_instance_id;
};

struct LeaveGroupArgs {
  std::string group_id;
  // v0-2: exactly one entry (the request's MemberId); v3+: the request's Members.
  std::vector<LeaveGroupMember> members;
};

struct LeaveGroupMemberResult {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  int16_t error_code = 0;
};

struct LeaveGroupResult {
  int16_t error_code = 0;  // v0-2 answer: error_code if set, else members[0].error_code
  std::vector<LeaveGroupMemberResult> members;
};

// --- OffsetCommit ---

struct OffsetCommitPartition {
  int32_t partition = 0;
  int64_t offset = 0;
  int32_t leader_epoch = -1;
  std::optional<std::string> metadata;  // null is stored as ""
  int64_t commit_timestamp_ms = -1;     // v1 only; -1: the coordinator's clock
};

struct OffsetCommitTopic {
  std::string name;
  std::vector<OffsetCommitPartition> partitions;
};

struct OffsetCommitArgs {
  std::string group_id;
  int32_t generation_id = -1;  // -1 with an empty member id: a "simple" (non-group) commit
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::vector<OffsetCommitTopic> topics;
};

struct OffsetCommitPartitionResult {
  int32_t partition = 0;
  int16_t error_code = 0;
};

struct OffsetCommitTopicResult {
  std::string name;
  std::vector<OffsetCommitPartitionResult> partitions;
};

struct OffsetCommitResult {
  std::vector<OffsetCommitTopicResult> topics;  // same order as the request
};

// --- OffsetFetch ---

struct OffsetFetchTopic {
  std::string name;
  std::vector<int32_t> partitions;
};

struct OffsetFetchArgs {
  std::string group_id;
  std::optional<std::vector<OffsetFetchTopic>> topics;  // nullopt: every committed partition
};

struct OffsetFetchPartitionResult {
  int32_t partition = 0;
  int64_t offset = -1;  // -1: nothing committed
  int32_t leader_epoch = -1;
  std::string metadata;
  int16_t error_code = 0;
};

struct OffsetFetchTopicResult {
  std::string name;
  std::vector<OffsetFetchPartitionResult> partitions;
};

struct OffsetFetchResult {
  int16_t error_code = 0;
  std::vector<OffsetFetchTopicResult> topics;
};

// --- ListGroups / DescribeGroups / DeleteGroups ---

struct ListedGroup {
  std::string group_id;
  std::string protocol_type;
  std::string state;  // group_state_name()
};

struct DescribedMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  std::vector<uint8_t> metadata;    // for the selected protocol; empty unless Stable
  std::vector<uint8_t> assignment;  // empty unless Stable
};

struct DescribedGroup {
  int16_t error_code = 0;
  std::string group_id;
  std::string state;          // "Dead" for an unknown group
  std::string protocol_type;  // "" when none
  std::string protocol_data;  // selected protocol name when Stable, else ""
  std::vector<DescribedMember> members;
};

struct DeleteGroupResult {
  std::string group_id;
  int16_t error_code = 0;
};

// Reply callbacks. They may run before the call that takes them returns, or later from another
// call, tick() or a journal completion; always on the coordinator's thread and never while the
// coordinator is in the middle of changing its state (it may be called again from inside).
using JoinGroupReply = std::function<void(JoinGroupResult)>;
using SyncGroupReply = std::function<void(SyncGroupResult)>;
using OffsetCommitReply = std::function<void(OffsetCommitResult)>;
using DeleteGroupsReply = std::function<void(std::vector<DeleteGroupResult>)>;

}  // namespace sluice::coord
