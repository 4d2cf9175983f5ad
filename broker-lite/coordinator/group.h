// The state the coordinator keeps for one group: its members (with their protocols, assignments,
// pending replies and deadlines), generation, selected protocol, leader and committed offsets,
// plus the pure queries on that state (protocol support and selection). Transitions and timers
// live in GroupCoordinator; this file has no behaviour that depends on time or I/O.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "broker-lite/coordinator/group_api.h"
#include "broker-lite/coordinator/offsets_codec.h"

namespace sluice::coord {

struct MemberProtocol {
  std::string name;
  std::vector<uint8_t> metadata;  // owned copy

  bool operator==(const MemberProtocol&) const = default;
};

struct GroupMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  std::vector<MemberProtocol> protocols;  // preference order
  std::vector<uint8_t> assignment;
  JoinGroupReply join_reply;  // set while the member waits for the join phase to end
  SyncGroupReply sync_reply;  // set while the member waits for the leader's assignment
  int64_t heartbeat_deadline_ms = 0;
  bool is_new = false;  // joined during the current join phase and has not been answered yet

  bool awaiting_join() const { return static_cast<bool>(join_reply); }
  bool awaiting_sync() const { return static_cast<bool>(sync_reply); }
  // This member's metadata for `protocol`, or nullptr if it does not support it.
  const std::vector<uint8_t>* metadata_for(std::string_view protocol) const;
  // True when `protocols` equals this member's (names, metadata and order).
  bool same_protocols(const std::vector<JoinGroupProtocol>& protocols) const;
};

std::vector<MemberProtocol> copy_protocols(const std::vector<JoinGroupProtocol>& protocols);

struct CommittedOffset {
  OffsetRecordValue value;
  uint64_t journal_sequence = 0;  // order of the write that produced it
};

struct Group {
  std::string id;
  uint64_t incarnation = 0;  // distinguishes a deleted-and-recreated group from the old one
  GroupState state = GroupState::kEmpty;
  int64_t state_timestamp_ms = -1;
  int32_t generation = 0;
  std::string protocol_type;  // kept while Empty, for listings
  std::optional<std::string> protocol_name;
  std::optional<std::string> leader;
  std::map<std::string, GroupMember> members;         // by member id
  std::map<std::string, std::string> static_members;  // instance id -> member id
  std::map<std::string, int64_t> pending_members;     // MEMBER_ID_REQUIRED ids -> expiry
  std::set<std::string> pending_sync;                 // answered JoinGroup, SyncGroup not seen yet

  // PreparingRebalance: when the join phase ends.
  int64_t join_deadline_ms = 0;
  bool in_initial_delay = false;           // the first join phase of an empty group
  int64_t initial_delay_remaining_ms = 0;  // how much longer it may be extended
  bool new_member_added = false;           // a member joined during the initial delay
  // CompletingRebalance/Stable with pending_sync: when members that did not sync are removed.
  int64_t sync_deadline_ms = 0;

  // topic -> partition -> committed offset
  std::map<std::string, std::map<int32_t, CommittedOffset>> offsets;
  bool loaded_metadata = false;  // replay only: a group metadata record was seen

  bool has_offsets() const { return !offsets.empty(); }
  bool is_leader(std::string_view member_id) const { return leader && *leader == member_id; }
  // All members have sent JoinGroup in this join phase and no MEMBER_ID_REQUIRED id is pending.
  bool all_members_joined() const;
  // The largest rebalance timeout of the members (0 without members).
  int32_t max_rebalance_timeout_ms() const;
  // Whether a member of `protocol_type` offering `protocols` may join: for a group without
  // members, any non-empty type and list; otherwise the same type and at least one protocol that
  // every member supports.
  bool supports(std::string_view protocol_type,
                const std::vector<JoinGroupProtocol>& protocols) const;
  // The protocol that every member supports with the most first-choice votes (ties go to the
  // earlier one in the first member's list); nullopt without members or common protocol.
  std::optional<std::string> select_protocol() const;
  // The group as a __consumer_offsets metadata record (members' metadata for the selected
  // protocol and their current assignments).
  GroupRecordValue to_record() const;
};

}  // namespace sluice::coord
