// The group coordinator: Kafka's classic group membership protocol (JoinGroup / SyncGroup /
// Heartbeat / LeaveGroup, with MEMBER_ID_REQUIRED and static membership) and committed offsets
// (OffsetCommit / OffsetFetch), plus ListGroups / DescribeGroups / DeleteGroups. It is
// protocol-agnostic: consumers and Sluice workers use the same code, and member metadata and
// assignments are opaque bytes it stores and hands back.
//
// Pure logic: no sockets, no threads, no clock of its own. Every operation takes the current time
// in milliseconds, and tick(now_ms) runs the expiries (session timeouts, join and sync deadlines,
// the initial rebalance delay), so tests drive time by hand. Single-threaded: the server calls
// every method, and completes every journal write, on one thread.
//
// Durability: offsets and group metadata are written through an OffsetJournal; OffsetCommit is
// answered only once its records are durable, and the committed offsets it serves are only those
// whose records are durable. At start the server replays the journal's records into
// load_record() and then calls finish_loading().
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "broker-lite/coordinator/group.h"
#include "broker-lite/coordinator/group_api.h"
#include "broker-lite/coordinator/offset_journal.h"
#include "broker-lite/util/status.h"

namespace sluice::coord {

class GroupCoordinator {
 public:
  // `journal` is borrowed and must outlive the coordinator; nullptr keeps everything in memory
  // (writes count as durable at once), for tests and for a broker without persistence.
  GroupCoordinator(GroupCoordinatorConfig config, OffsetJournal* journal);
  ~GroupCoordinator();
  GroupCoordinator(const GroupCoordinator&) = delete;
  GroupCoordinator& operator=(const GroupCoordinator&) = delete;

  // JoinGroup. The reply comes when the join phase ends (all members rejoined, the rebalance
  // timeout passed, or the initial delay of a new group ran out), or at once for errors,
  // MEMBER_ID_REQUIRED and rejoins that need no rebalance.
  void join_group(const JoinGroupArgs& args, int64_t now_ms, JoinGroupReply reply);
  // SyncGroup. Followers are answered when the leader's assignments are durable in the journal.
  void sync_group(const SyncGroupArgs& args, int64_t now_ms, SyncGroupReply reply);
  // Heartbeat: returns the error code (0, 22, 25, 27, 82, ...).
  int16_t heartbeat(const HeartbeatArgs& args, int64_t now_ms);
  LeaveGroupResult leave_group(const LeaveGroupArgs& args, int64_t now_ms);

  // OffsetCommit. The reply comes once every record of the commit is durable (or failed).
  void commit_offsets(const OffsetCommitArgs& args, int64_t now_ms, OffsetCommitReply reply);
  OffsetFetchResult fetch_offsets(const OffsetFetchArgs& args) const;

  // ListGroups; `states_filter` (v4+) compares state names case-insensitively, empty = all.
  std::vector<ListedGroup> list_groups(std::span<const std::string> states_filter) const;
  std::vector<DescribedGroup> describe_groups(std::span<const std::string> group_ids) const;
  // DeleteGroups: only groups without members (GROUP_ID_NOT_FOUND 69, NON_EMPTY_GROUP 68). Writes
  // tombstones for the group and each of its offsets; replies when they are durable.
  void delete_groups(std::span<const std::string> group_ids, int64_t now_ms,
                     DeleteGroupsReply reply);

  // Runs every expiry due at now_ms. Call it regularly (every 100 ms or so); nothing else needs it.
  void tick(int64_t now_ms);

  // Replays one record of __consumer_offsets (key and value borrowed for the call; nullopt value =
  // tombstone). Records must come in log order. Unknown key versions are skipped (OK); a record
  // that cannot be parsed returns kCorruption and changes nothing.
  Status load_record(std::span<const uint8_t> key, std::optional<std::span<const uint8_t>> value);
  // Ends the replay: drops groups left with neither metadata nor offsets, makes groups with
  // members Stable and starts their session timeouts at now_ms.
  void finish_loading(int64_t now_ms);

  // Introspection (tests, metrics). nullopt for an unknown group.
  std::optional<GroupState> group_state(std::string_view group_id) const;
  std::optional<int32_t> group_generation(std::string_view group_id) const;
  size_t group_count() const { return groups_.size(); }

 private:
  class ReplyScope;

  Group* find_group(std::string_view group_id);
  const Group* find_group(std::string_view group_id) const;
  Group& create_group(const std::string& group_id, int64_t now_ms);
  std::string new_member_id(std::string_view prefix);

  // Replies are queued and sent when the outermost public call (or journal completion) finishes.
  void defer(std::function<void()> fn);
  void flush_replies();

  // --- membership transitions ---
  int16_t validate_member(const Group& g, const std::string& member_id,
                          const std::optional<std::string>& instance_id) const;
  void join_new_static_member(Group& g, const JoinGroupArgs& args, int32_t rebalance_timeout_ms,
                              int64_t now_ms, JoinGroupReply reply);
  void add_member_and_rebalance(Group& g, const JoinGroupArgs& args, const std::string& member_id,
                                int32_t rebalance_timeout_ms, int64_t now_ms, JoinGroupReply reply);
  void update_member_and_rebalance(Group& g, GroupMember& m, const JoinGroupArgs& args,
                                   int32_t rebalance_timeout_ms, int64_t now_ms,
                                   JoinGroupReply reply);
  GroupMember& replace_static_member(Group& g, const std::string& instance_id,
                                     const std::string& old_id, const std::string& new_id);
  void reply_current_generation(const Group& g, const GroupMember& m, bool skip_assignment,
                                JoinGroupReply reply);
  void remove_member_and_update_group(Group& g, const std::string& member_id, int64_t now_ms);
  void rebalance_or_try_complete(Group& g, int64_t now_ms);
  void maybe_prepare_rebalance(Group& g, int64_t now_ms);
  void prepare_rebalance(Group& g, int64_t now_ms);
  void try_complete_join(Group& g, int64_t now_ms);
  void complete_join(Group& g, int64_t now_ms);
  // Answers every member waiting in SyncGroup: its assignment, or `error_code` (and clears it).
  void propagate_assignments(Group& g, int16_t error_code);
  void observe_time(int64_t now_ms);
  void refresh_heartbeat(GroupMember& m, int64_t now_ms);
  void tick_group(Group& g, int64_t now_ms);

  // --- journal ---
  // Writes the group's metadata record; `done` (may be empty) gets the outcome.
  void write_group_metadata(const Group& g, std::function<void(Status)> done);
  void journal_append(std::span<const uint8_t> key, std::optional<std::span<const uint8_t>> value,
                      std::function<void(Status)> done);

  GroupCoordinatorConfig config_;
  OffsetJournal* journal_;  // borrowed, may be null
  std::unordered_map<std::string, std::unique_ptr<Group>> groups_;
  uint64_t next_incarnation_ = 1;
  uint64_t next_journal_sequence_ = 1;
  std::mt19937_64 rng_;
  int64_t last_now_ms_ = 0;  // latest time seen, for journal completions
  int depth_ = 0;            // nesting of public calls, for reply deferral
  std::vector<std::function<void()>> outbox_;
  // Set to false by the destructor; journal completions that arrive later do nothing.
  std::shared_ptr<bool> alive_;
};

}  // namespace sluice::coord
