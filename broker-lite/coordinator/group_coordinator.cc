// Group membership state machine and committed offsets (see group_coordinator.h). The
// transitions follow Kafka's classic group coordinator: Empty -> PreparingRebalance (join phase)
// -> CompletingRebalance (waiting for the leader's SyncGroup) -> Stable, back to
// PreparingRebalance on any membership or protocol change, and Dead once deleted.
#include "broker-lite/coordinator/group_coordinator.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "broker-lite/coordinator/error_codes.h"
#include "broker-lite/coordinator/offsets_codec.h"

namespace sluice::coord {

namespace ke = kafka_error;

// Counts nested entries into the coordinator; the outermost one sends the queued replies when it
// ends, so reply callbacks never run while state is half-changed and may call back in.
class GroupCoordinator::ReplyScope {
 public:
  explicit ReplyScope(GroupCoordinator* c) : c_(c) { ++c_->depth_; }
  ~ReplyScope() {
    if (--c_->depth_ == 0) c_->flush_replies();
  }
  ReplyScope(const ReplyScope&) = delete;
  ReplyScope& operator=(const ReplyScope&) = delete;

 private:
  GroupCoordinator* c_;
};

namespace {

JoinGroupResult join_error(int16_t error_code, std::string member_id) {
  JoinGroupResult r;
  r.error_code = error_code;
  r.member_id = std::move(member_id);
  return r;
}

SyncGroupResult sync_error(int16_t error_code) {
  SyncGroupResult r;
  r.error_code = error_code;
  return r;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

GroupCoordinator::GroupCoordinator(GroupCoordinatorConfig config, OffsetJournal* journal)
    : config_(config), journal_(journal), alive_(std::make_shared<bool>(true)) {
  uint64_t seed = config_.member_id_seed;
  if (seed == 0) {
    std::random_device rd;
    seed = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }
  rng_.seed(seed);
}

GroupCoordinator::~GroupCoordinator() {
  *alive_ = false;
}

void GroupCoordinator::defer(std::function<void()> fn) {
  outbox_.push_back(std::move(fn));
}

void GroupCoordinator::flush_replies() {
  while (!outbox_.empty()) {
    std::vector<std::function<void()>> batch;
    batch.swap(outbox_);
    for (auto& fn : batch) fn();
  }
}

Group* GroupCoordinator::find_group(std::string_view group_id) {
  auto it = groups_.find(std::string(group_id));
  return it == groups_.end() ? nullptr : it->second.get();
}

const Group* GroupCoordinator::find_group(std::string_view group_id) const {
  auto it = groups_.find(std::string(group_id));
  return it == groups_.end() ? nullptr : it->second.get();
}

Group& GroupCoordinator::create_group(const std::string& group_id, int64_t now_ms) {
  auto g = std::make_unique<Group>();
  g->id = group_id;
  g->incarnation = next_incarnation_++;
  g->state_timestamp_ms = now_ms;
  Group& ref = *g;
  groups_[group_id] = std::move(g);
  return ref;
}

std::string GroupCoordinator::new_member_id(std::string_view prefix) {
  // "<prefix>-<random UUID v4>", like Kafka's member ids.
  const uint64_t hi = (rng_() & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  const uint64_t lo = (rng_() & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  char uuid[37];
  std::snprintf(uuid, sizeof(uuid), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  std::string id(prefix);
  id += '-';
  id += uuid;
  return id;
}

void GroupCoordinator::observe_time(int64_t now_ms) {
  if (now_ms > last_now_ms_) last_now_ms_ = now_ms;
}

void GroupCoordinator::refresh_heartbeat(GroupMember& m, int64_t now_ms) {
  m.heartbeat_deadline_ms = now_ms + m.session_timeout_ms;
}

int16_t GroupCoordinator::validate_member(const Group& g, const std::string& member_id,
                                          const std::optional<std::string>& instance_id) const {
  if (instance_id) {
    auto it = g.static_members.find(*instance_id);
    if (it != g.static_members.end() && it->second != member_id) return ke::kFencedInstanceId;
  }
  if (!g.members.contains(member_id)) return ke::kUnknownMemberId;
  return ke::kNone;
}

// ---------------------------------------------------------------------------------------------
// JoinGroup

void GroupCoordinator::join_group(const JoinGroupArgs& args, int64_t now_ms, JoinGroupReply reply) {
  ReplyScope scope(this);
  observe_time(now_ms);
  auto fail = [&](int16_t code) {
    defer([reply, r = join_error(code, args.member_id)]() mutable { reply(std::move(r)); });
  };
  if (args.group_id.empty()) return fail(ke::kInvalidGroupId);
  if (args.session_timeout_ms < config_.min_session_timeout_ms ||
      args.session_timeout_ms > config_.max_session_timeout_ms) {
    return fail(ke::kInvalidSessionTimeout);
  }
  const int32_t rebalance_timeout_ms =
      args.rebalance_timeout_ms > 0 ? args.rebalance_timeout_ms : args.session_timeout_ms;

  Group* g = find_group(args.group_id);
  if (args.member_id.empty()) {
    // A new member.
    if (g == nullptr) g = &create_group(args.group_id, now_ms);
    if (!g->supports(args.protocol_type, args.protocols)) {
      return fail(ke::kInconsistentGroupProtocol);
    }
    const bool replaces_static =
        args.group_instance_id.has_value() && g->static_members.contains(*args.group_instance_id);
    if (!replaces_static && g->members.size() + g->pending_members.size() >=
                                static_cast<size_t>(config_.max_group_size)) {
      return fail(ke::kGroupMaxSizeReached);
    }
    if (args.group_instance_id) {
      return join_new_static_member(*g, args, rebalance_timeout_ms, now_ms, std::move(reply));
    }
    std::string member_id = new_member_id(args.client_id);
    if (args.require_known_member_id) {
      // KIP-394: hand out the id and make the client come back with it, so that a client that
      // retries after a timeout does not leave an orphan member behind.
      g->pending_members[member_id] = now_ms + args.session_timeout_ms;
      defer([reply, r = join_error(ke::kMemberIdRequired, member_id)]() mutable {
        reply(std::move(r));
      });
      return;
    }
    return add_member_and_rebalance(*g, args, member_id, rebalance_timeout_ms, now_ms,
                                    std::move(reply));
  }

  // A member that has an id already.
  if (g == nullptr) return fail(ke::kUnknownMemberId);
  if (!g->supports(args.protocol_type, args.protocols)) {
    return fail(ke::kInconsistentGroupProtocol);
  }
  if (g->pending_members.contains(args.member_id)) {
    if (args.group_instance_id) return fail(ke::kUnknownMemberId);  // static ids never pend
    g->pending_members.erase(args.member_id);
    return add_member_and_rebalance(*g, args, args.member_id, rebalance_timeout_ms, now_ms,
                                    std::move(reply));
  }
  if (int16_t err = validate_member(*g, args.member_id, args.group_instance_id)) return fail(err);
  GroupMember& m = g->members.at(args.member_id);
  switch (g->state) {
    case GroupState::kPreparingRebalance:
      return update_member_and_rebalance(*g, m, args, rebalance_timeout_ms, now_ms,
                                         std::move(reply));
    case GroupState::kCompletingRebalance:
      // A repeated JoinGroup of this generation: answer it again unless the protocols changed.
      if (m.same_protocols(args.protocols)) {
        refresh_heartbeat(m, now_ms);
        return reply_current_generation(*g, m, false, std::move(reply));
      }
      return update_member_and_rebalance(*g, m, args, rebalance_timeout_ms, now_ms,
                                         std::move(reply));
    case GroupState::kStable:
      // The leader rejoining, or anyone with new protocols/metadata, starts a rebalance.
      if (g->is_leader(m.member_id) || !m.same_protocols(args.protocols)) {
        return update_member_and_rebalance(*g, m, args, rebalance_timeout_ms, now_ms,
                                           std::move(reply));
      }
      refresh_heartbeat(m, now_ms);
      return reply_current_generation(*g, m, false, std::move(reply));
    case GroupState::kEmpty:
    case GroupState::kDead:
      return fail(ke::kUnknownMemberId);
  }
}

void GroupCoordinator::join_new_static_member(Group& g, const JoinGroupArgs& args,
                                              int32_t rebalance_timeout_ms, int64_t now_ms,
                                              JoinGroupReply reply) {
  const std::string& instance_id = *args.group_instance_id;
  std::string new_id = new_member_id(instance_id);
  auto existing = g.static_members.find(instance_id);
  if (existing == g.static_members.end() || !g.members.contains(existing->second)) {
    return add_member_and_rebalance(g, args, new_id, rebalance_timeout_ms, now_ms,
                                    std::move(reply));
  }
  const std::string old_id = existing->second;
  const bool unchanged = g.members.at(old_id).same_protocols(args.protocols);
  GroupMember& m = replace_static_member(g, instance_id, old_id, new_id);
  m.client_id = args.client_id;
  m.client_host = args.client_host;
  m.session_timeout_ms = args.session_timeout_ms;
  m.rebalance_timeout_ms = rebalance_timeout_ms;
  refresh_heartbeat(m, now_ms);

  if (g.state == GroupState::kStable && unchanged) {
    // KIP-345: a restarted static member takes its old place without a rebalance, once the new
    // member id is durable.
    const bool leader = g.is_leader(new_id);
    const std::string group_id = g.id;
    const uint64_t incarnation = g.incarnation;
    write_group_metadata(g, [this, group_id, incarnation, new_id, leader,
                             reply = std::move(reply)](Status s) mutable {
      Group* cur = find_group(group_id);
      if (!s.is_ok() || cur == nullptr || cur->incarnation != incarnation ||
          !cur->members.contains(new_id)) {
        defer([reply, r = join_error(s.is_ok() ? ke::kUnknownMemberId : ke::kJournalWriteFailed,
                                     new_id)]() mutable { reply(std::move(r)); });
        return;
      }
      reply_current_generation(*cur, cur->members.at(new_id), leader, std::move(reply));
    });
    return;
  }
  m.protocols = copy_protocols(args.protocols);
  m.join_reply = std::move(reply);
  rebalance_or_try_complete(g, now_ms);
}

GroupMember& GroupCoordinator::replace_static_member(Group& g, const std::string& instance_id,
                                                     const std::string& old_id,
                                                     const std::string& new_id) {
  auto node = g.members.extract(old_id);
  GroupMember& old = node.mapped();
  // The replaced instance is fenced: whatever it is waiting for fails with FENCED_INSTANCE_ID.
  if (old.join_reply) {
    defer([reply = std::move(old.join_reply),
           r = join_error(ke::kFencedInstanceId, old_id)]() mutable { reply(std::move(r)); });
    old.join_reply = nullptr;
  }
  if (old.sync_reply) {
    defer([reply = std::move(old.sync_reply)]() mutable {
      reply(sync_error(ke::kFencedInstanceId));
    });
    old.sync_reply = nullptr;
  }
  node.key() = new_id;
  node.mapped().member_id = new_id;
  auto inserted = g.members.insert(std::move(node));
  g.static_members[instance_id] = new_id;
  if (g.is_leader(old_id)) g.leader = new_id;
  if (g.pending_sync.erase(old_id) > 0) g.pending_sync.insert(new_id);
  return inserted.position->second;
}

void GroupCoordinator::add_member_and_rebalance(Group& g, const JoinGroupArgs& args,
                                                const std::string& member_id,
                                                int32_t rebalance_timeout_ms, int64_t now_ms,
                                                JoinGroupReply reply) {
  GroupMember m;
  m.member_id = member_id;
  m.group_instance_id = args.group_instance_id;
  m.client_id = args.client_id;
  m.client_host = args.client_host;
  m.session_timeout_ms = args.session_timeout_ms;
  m.rebalance_timeout_ms = rebalance_timeout_ms;
  m.protocols = copy_protocols(args.protocols);
  m.join_reply = std::move(reply);
  m.is_new = true;
  m.heartbeat_deadline_ms = now_ms + config_.new_member_join_timeout_ms;
  if (g.members.empty()) g.protocol_type = args.protocol_type;
  g.members[member_id] = std::move(m);
  if (args.group_instance_id) g.static_members[*args.group_instance_id] = member_id;
  if (!g.leader || !g.members.contains(*g.leader)) g.leader = member_id;
  if (g.state == GroupState::kPreparingRebalance && g.in_initial_delay) g.new_member_added = true;
  rebalance_or_try_complete(g, now_ms);
}

void GroupCoordinator::update_member_and_rebalance(Group& g, GroupMember& m,
                                                   const JoinGroupArgs& args,
                                                   int32_t rebalance_timeout_ms, int64_t now_ms,
                                                   JoinGroupReply reply) {
  if (m.join_reply) {
    // A second JoinGroup while the first still waits: the first one is answered now.
    defer([old = std::move(m.join_reply),
           r = join_error(ke::kRebalanceInProgress, m.member_id)]() mutable { old(std::move(r)); });
  }
  m.protocols = copy_protocols(args.protocols);
  m.client_id = args.client_id;
  m.client_host = args.client_host;
  m.session_timeout_ms = args.session_timeout_ms;
  m.rebalance_timeout_ms = rebalance_timeout_ms;
  m.join_reply = std::move(reply);
  rebalance_or_try_complete(g, now_ms);
}

void GroupCoordinator::reply_current_generation(const Group& g, const GroupMember& m,
                                                bool skip_assignment, JoinGroupReply reply) {
  JoinGroupResult r;
  r.generation_id = g.generation;
  r.protocol_type = g.protocol_type;
  r.protocol_name = g.protocol_name;
  r.leader = g.leader.value_or("");
  r.member_id = m.member_id;
  r.skip_assignment = skip_assignment;
  if (g.is_leader(m.member_id) && g.protocol_name) {
    for (const auto& [id, other] : g.members) {
      const std::vector<uint8_t>* md = other.metadata_for(*g.protocol_name);
      r.members.push_back({id, other.group_instance_id, md ? *md : std::vector<uint8_t>{}});
    }
  }
  defer([reply = std::move(reply), r = std::move(r)]() mutable { reply(std::move(r)); });
}

void GroupCoordinator::rebalance_or_try_complete(Group& g, int64_t now_ms) {
  if (g.state == GroupState::kPreparingRebalance) {
    try_complete_join(g, now_ms);
  } else {
    maybe_prepare_rebalance(g, now_ms);
  }
}

void GroupCoordinator::maybe_prepare_rebalance(Group& g, int64_t now_ms) {
  if (g.state == GroupState::kStable || g.state == GroupState::kCompletingRebalance ||
      g.state == GroupState::kEmpty) {
    prepare_rebalance(g, now_ms);
  }
}

void GroupCoordinator::prepare_rebalance(Group& g, int64_t now_ms) {
  if (g.state == GroupState::kCompletingRebalance) {
    // Members waiting in SyncGroup learn that this generation will not complete.
    propagate_assignments(g, ke::kRebalanceInProgress);
  }
  g.pending_sync.clear();
  const int32_t rebalance_timeout_ms = g.max_rebalance_timeout_ms();
  if (g.state == GroupState::kEmpty && config_.initial_rebalance_delay_ms > 0) {
    // Give the other members of a starting group a moment to arrive before the first generation.
    g.in_initial_delay = true;
    g.new_member_added = false;
    const int32_t delay = std::min(config_.initial_rebalance_delay_ms, rebalance_timeout_ms);
    g.join_deadline_ms = now_ms + delay;
    g.initial_delay_remaining_ms = std::max(0, rebalance_timeout_ms - delay);
  } else {
    g.in_initial_delay = false;
    g.join_deadline_ms = now_ms + rebalance_timeout_ms;
  }
  g.state = GroupState::kPreparingRebalance;
  g.state_timestamp_ms = now_ms;
  try_complete_join(g, now_ms);
}

void GroupCoordinator::try_complete_join(Group& g, int64_t now_ms) {
  if (g.state != GroupState::kPreparingRebalance || g.in_initial_delay) return;
  if (g.all_members_joined()) complete_join(g, now_ms);
}

void GroupCoordinator::complete_join(Group& g, int64_t now_ms) {
  // Members that did not rejoin in time are out.
  std::vector<std::string> gone;
  for (const auto& [id, m] : g.members) {
    if (!m.awaiting_join()) gone.push_back(id);
  }
  for (const std::string& id : gone) {
    GroupMember& m = g.members.at(id);
    if (m.sync_reply) {
      defer(
          [reply = std::move(m.sync_reply)]() mutable { reply(sync_error(ke::kUnknownMemberId)); });
    }
    if (m.group_instance_id) {
      auto it = g.static_members.find(*m.group_instance_id);
      if (it != g.static_members.end() && it->second == id) g.static_members.erase(it);
    }
    g.members.erase(id);
  }
  g.in_initial_delay = false;
  g.new_member_added = false;
  g.pending_sync.clear();
  ++g.generation;
  g.state_timestamp_ms = now_ms;

  if (g.members.empty()) {
    g.state = GroupState::kEmpty;
    g.protocol_name.reset();
    g.leader.reset();
    write_group_metadata(g, nullptr);
    return;
  }
  if (!g.leader || !g.members.contains(*g.leader)) g.leader = g.members.begin()->first;
  g.protocol_name = g.select_protocol();
  g.state = GroupState::kCompletingRebalance;
  for (auto& [id, m] : g.members) {
    m.assignment.clear();
    m.is_new = false;
    refresh_heartbeat(m, now_ms);
    g.pending_sync.insert(id);
    JoinGroupReply reply = std::move(m.join_reply);
    m.join_reply = nullptr;
    reply_current_generation(g, m, false, std::move(reply));
  }
  g.sync_deadline_ms = now_ms + g.max_rebalance_timeout_ms();
}

// ---------------------------------------------------------------------------------------------
// SyncGroup

void GroupCoordinator::sync_group(const SyncGroupArgs& args, int64_t now_ms, SyncGroupReply reply) {
  ReplyScope scope(this);
  observe_time(now_ms);
  auto fail = [&](int16_t code) { defer([reply, code]() mutable { reply(sync_error(code)); }); };
  if (args.group_id.empty()) return fail(ke::kInvalidGroupId);
  Group* g = find_group(args.group_id);
  if (g == nullptr) return fail(ke::kUnknownMemberId);
  if (int16_t err = validate_member(*g, args.member_id, args.group_instance_id)) return fail(err);
  if (args.generation_id != g->generation) return fail(ke::kIllegalGeneration);
  if ((args.protocol_type && *args.protocol_type != g->protocol_type) ||
      (args.protocol_name && args.protocol_name != g->protocol_name)) {
    return fail(ke::kInconsistentGroupProtocol);
  }
  GroupMember& m = g->members.at(args.member_id);
  switch (g->state) {
    case GroupState::kEmpty:
    case GroupState::kDead:
      return fail(ke::kUnknownMemberId);
    case GroupState::kPreparingRebalance:
      return fail(ke::kRebalanceInProgress);
    case GroupState::kStable: {
      g->pending_sync.erase(m.member_id);
      refresh_heartbeat(m, now_ms);
      SyncGroupResult r;
      r.protocol_type = g->protocol_type;
      r.protocol_name = g->protocol_name;
      r.assignment = m.assignment;
      defer([reply = std::move(reply), r = std::move(r)]() mutable { reply(std::move(r)); });
      return;
    }
    case GroupState::kCompletingRebalance:
      break;
  }
  if (m.sync_reply) {
    defer([old = std::move(m.sync_reply)]() mutable { old(sync_error(ke::kRebalanceInProgress)); });
  }
  m.sync_reply = std::move(reply);
  g->pending_sync.erase(m.member_id);
  refresh_heartbeat(m, now_ms);
  if (!g->is_leader(m.member_id)) return;

  // The leader's assignments: members it left out get an empty one; unknown ids are ignored.
  for (auto& [id, member] : g->members) member.assignment.clear();
  for (const SyncGroupAssignment& a : args.assignments) {
    auto it = g->members.find(a.member_id);
    if (it != g->members.end())
      it->second.assignment.assign(a.assignment.begin(), a.assignment.end());
  }
  const std::string group_id = g->id;
  const uint64_t incarnation = g->incarnation;
  const int32_t generation = g->generation;
  write_group_metadata(*g, [this, group_id, incarnation, generation](Status s) {
    Group* cur = find_group(group_id);
    if (cur == nullptr || cur->incarnation != incarnation || cur->generation != generation ||
        cur->state != GroupState::kCompletingRebalance) {
      return;  // the group moved on; its members have been told already
    }
    const int64_t now = last_now_ms_;  // a journal completion brings no time of its own
    if (!s.is_ok()) {
      propagate_assignments(*cur, ke::kJournalWriteFailed);
      prepare_rebalance(*cur, now);
      return;
    }
    propagate_assignments(*cur, ke::kNone);
    cur->state = GroupState::kStable;
  });
}

void GroupCoordinator::propagate_assignments(Group& g, int16_t error_code) {
  for (auto& [id, m] : g.members) {
    if (error_code != ke::kNone) m.assignment.clear();
    if (!m.sync_reply) continue;
    SyncGroupResult r;
    r.error_code = error_code;
    if (error_code == ke::kNone) {
      r.protocol_type = g.protocol_type;
      r.protocol_name = g.protocol_name;
      r.assignment = m.assignment;
    }
    defer([reply = std::move(m.sync_reply), r = std::move(r)]() mutable { reply(std::move(r)); });
    m.sync_reply = nullptr;
  }
}

// ---------------------------------------------------------------------------------------------
// Heartbeat and LeaveGroup

int16_t GroupCoordinator::heartbeat(const HeartbeatArgs& args, int64_t now_ms) {
  ReplyScope scope(this);
  observe_time(now_ms);
  if (args.group_id.empty()) return ke::kInvalidGroupId;
  Group* g = find_group(args.group_id);
  if (g == nullptr) return ke::kUnknownMemberId;
  if (int16_t err = validate_member(*g, args.member_id, args.group_instance_id)) return err;
  if (args.generation_id != g->generation) return ke::kIllegalGeneration;
  GroupMember& m = g->members.at(args.member_id);
  switch (g->state) {
    case GroupState::kEmpty:
    case GroupState::kDead:
      return ke::kUnknownMemberId;
    case GroupState::kPreparingRebalance:
      refresh_heartbeat(m, now_ms);
      return ke::kRebalanceInProgress;
    case GroupState::kCompletingRebalance:
    case GroupState::kStable:
      refresh_heartbeat(m, now_ms);
      return ke::kNone;
  }
  return ke::kNone;
}

LeaveGroupResult GroupCoordinator::leave_group(const LeaveGroupArgs& args, int64_t now_ms) {
  ReplyScope scope(this);
  observe_time(now_ms);
  LeaveGroupResult result;
  if (args.group_id.empty()) {
    result.error_code = ke::kInvalidGroupId;
    return result;
  }
  Group* g = find_group(args.group_id);
  for (const LeaveGroupMember& leaving : args.members) {
    LeaveGroupMemberResult r{leaving.member_id, leaving.group_instance_id, ke::kNone};
    if (g == nullptr) {
      r.error_code = ke::kUnknownMemberId;
      result.members.push_back(std::move(r));
      continue;
    }
    std::string member_id = leaving.member_id;
    if (leaving.group_instance_id) {
      auto it = g->static_members.find(*leaving.group_instance_id);
      if (it == g->static_members.end()) {
        r.error_code = ke::kUnknownMemberId;
      } else if (member_id.empty()) {
        member_id = it->second;
      } else if (it->second != member_id) {
        r.error_code = ke::kFencedInstanceId;
      }
    }
    if (r.error_code == ke::kNone) {
      if (g->pending_members.erase(member_id) > 0) {
        try_complete_join(*g, now_ms);
      } else if (!g->members.contains(member_id)) {
        r.error_code = ke::kUnknownMemberId;
      } else {
        remove_member_and_update_group(*g, member_id, now_ms);
      }
    }
    result.members.push_back(std::move(r));
  }
  return result;
}

void GroupCoordinator::remove_member_and_update_group(Group& g, const std::string& member_id,
                                                      int64_t now_ms) {
  auto it = g.members.find(member_id);
  if (it == g.members.end()) return;
  GroupMember& m = it->second;
  if (m.join_reply) {
    defer([reply = std::move(m.join_reply),
           r = join_error(ke::kUnknownMemberId, member_id)]() mutable { reply(std::move(r)); });
  }
  if (m.sync_reply) {
    defer([reply = std::move(m.sync_reply)]() mutable { reply(sync_error(ke::kUnknownMemberId)); });
  }
  if (m.group_instance_id) {
    auto s = g.static_members.find(*m.group_instance_id);
    if (s != g.static_members.end() && s->second == member_id) g.static_members.erase(s);
  }
  g.members.erase(it);
  g.pending_sync.erase(member_id);
  if (g.is_leader(member_id)) {
    if (g.members.empty()) {
      g.leader.reset();
    } else {
      g.leader = g.members.begin()->first;
    }
  }
  switch (g.state) {
    case GroupState::kPreparingRebalance:
      try_complete_join(g, now_ms);
      break;
    case GroupState::kStable:
    case GroupState::kCompletingRebalance:
      maybe_prepare_rebalance(g, now_ms);
      break;
    case GroupState::kEmpty:
    case GroupState::kDead:
      break;
  }
}

// ---------------------------------------------------------------------------------------------
// Expiries

void GroupCoordinator::tick(int64_t now_ms) {
  ReplyScope scope(this);
  observe_time(now_ms);
  std::vector<std::string> ids;
  ids.reserve(groups_.size());
  for (const auto& [id, g] : groups_) ids.push_back(id);
  for (const std::string& id : ids) {
    if (Group* g = find_group(id)) tick_group(*g, now_ms);
  }
}

void GroupCoordinator::tick_group(Group& g, int64_t now_ms) {
  // MEMBER_ID_REQUIRED ids that were never used.
  bool pending_expired = false;
  for (auto it = g.pending_members.begin(); it != g.pending_members.end();) {
    if (it->second <= now_ms) {
      it = g.pending_members.erase(it);
      pending_expired = true;
    } else {
      ++it;
    }
  }
  if (pending_expired) try_complete_join(g, now_ms);

  // Session timeouts. A member waiting for the join phase or the leader's assignment is alive
  // (those phases have their own deadlines), except a brand-new member stuck in its first join.
  std::vector<std::string> expired;
  for (const auto& [id, m] : g.members) {
    if (m.heartbeat_deadline_ms > now_ms) continue;
    const bool kept = (m.awaiting_join() && !m.is_new) || m.awaiting_sync();
    if (!kept) expired.push_back(id);
  }
  for (const std::string& id : expired) remove_member_and_update_group(g, id, now_ms);

  // End of the join phase.
  if (g.state == GroupState::kPreparingRebalance && g.join_deadline_ms <= now_ms) {
    if (g.in_initial_delay && g.new_member_added && g.initial_delay_remaining_ms > 0) {
      // Members are still arriving: wait another delay, within the rebalance timeout.
      const int32_t delay = static_cast<int32_t>(
          std::min<int64_t>(config_.initial_rebalance_delay_ms, g.initial_delay_remaining_ms));
      g.initial_delay_remaining_ms -= delay;
      g.join_deadline_ms = now_ms + delay;
      g.new_member_added = false;
    } else {
      complete_join(g, now_ms);
    }
  }

  // Members that were told the generation but never sent SyncGroup.
  if ((g.state == GroupState::kCompletingRebalance || g.state == GroupState::kStable) &&
      !g.pending_sync.empty() && g.sync_deadline_ms <= now_ms) {
    std::vector<std::string> laggards(g.pending_sync.begin(), g.pending_sync.end());
    for (const std::string& id : laggards) remove_member_and_update_group(g, id, now_ms);
  }
}

// ---------------------------------------------------------------------------------------------
// Offsets

void GroupCoordinator::commit_offsets(const OffsetCommitArgs& args, int64_t now_ms,
                                      OffsetCommitReply reply) {
  ReplyScope scope(this);
  observe_time(now_ms);
  // The result has the request's shape; every partition starts with the group-level verdict.
  int16_t group_error = ke::kNone;
  Group* g = find_group(args.group_id);
  if (g == nullptr) {
    if (args.generation_id < 0) {
      g = &create_group(args.group_id, now_ms);  // offsets-only group (assign mode, admin)
    } else {
      group_error = ke::kIllegalGeneration;
    }
  } else if (args.group_instance_id && g->static_members.contains(*args.group_instance_id) &&
             g->static_members.at(*args.group_instance_id) != args.member_id) {
    group_error = ke::kFencedInstanceId;
  } else if (args.generation_id < 0 && g->state == GroupState::kEmpty) {
    // Simple commit to a group without members.
  } else if (g->state == GroupState::kCompletingRebalance) {
    group_error = ke::kRebalanceInProgress;
  } else if (!g->members.contains(args.member_id)) {
    group_error = ke::kUnknownMemberId;
  } else if (args.generation_id != g->generation) {
    group_error = ke::kIllegalGeneration;
  } else {
    refresh_heartbeat(g->members.at(args.member_id), now_ms);
  }

  struct PendingCommit {
    OffsetCommitResult result;
    size_t outstanding = 0;
    OffsetCommitReply reply;
  };
  auto pending = std::make_shared<PendingCommit>();
  pending->reply = std::move(reply);
  struct Write {
    size_t topic_index, partition_index;
    std::string topic;
    int32_t partition;
    OffsetRecordValue value;
  };
  std::vector<Write> writes;
  for (size_t t = 0; t < args.topics.size(); ++t) {
    const OffsetCommitTopic& topic = args.topics[t];
    OffsetCommitTopicResult tr;
    tr.name = topic.name;
    for (size_t p = 0; p < topic.partitions.size(); ++p) {
      const OffsetCommitPartition& part = topic.partitions[p];
      OffsetCommitPartitionResult pr{part.partition, group_error};
      if (group_error == ke::kNone) {
        const size_t metadata_size = part.metadata ? part.metadata->size() : 0;
        if (metadata_size > static_cast<size_t>(config_.max_offset_metadata_bytes)) {
          pr.error_code = ke::kOffsetMetadataTooLarge;
        } else {
          OffsetRecordValue v;
          v.offset = part.offset;
          v.leader_epoch = part.leader_epoch;
          v.metadata = part.metadata.value_or("");
          v.commit_timestamp_ms = part.commit_timestamp_ms >= 0 ? part.commit_timestamp_ms : now_ms;
          writes.push_back({t, p, topic.name, part.partition, std::move(v)});
        }
      }
      tr.partitions.push_back(pr);
    }
    pending->result.topics.push_back(std::move(tr));
  }
  pending->outstanding = writes.size() + 1;  // +1 released below, after every append was issued
  auto release = [this, pending]() {
    if (--pending->outstanding == 0) {
      defer([pending]() { pending->reply(std::move(pending->result)); });
    }
  };
  const std::string group_id = args.group_id;
  const uint64_t incarnation = g ? g->incarnation : 0;
  for (Write& w : writes) {
    const uint64_t sequence = next_journal_sequence_++;
    std::vector<uint8_t> key = encode_offset_key(group_id, w.topic, w.partition);
    std::vector<uint8_t> value = encode_offset_value(w.value);
    journal_append(
        key, std::span<const uint8_t>(value),
        [this, release, pending, group_id, incarnation, sequence,
         w = std::move(w)](Status s) mutable {
          if (s.is_ok()) {
            Group* cur = find_group(group_id);
            if (cur != nullptr && cur->incarnation == incarnation) {
              CommittedOffset& slot = cur->offsets[w.topic][w.partition];
              if (sequence > slot.journal_sequence) {
                slot.value = std::move(w.value);
                slot.journal_sequence = sequence;
              }
            }
          } else {
            pending->result.topics[w.topic_index].partitions[w.partition_index].error_code =
                ke::kJournalWriteFailed;
          }
          release();
        });
  }
  release();
}

OffsetFetchResult GroupCoordinator::fetch_offsets(const OffsetFetchArgs& args) const {
  OffsetFetchResult result;
  const Group* g = find_group(args.group_id);
  if (!args.topics) {
    if (g == nullptr) return result;
    for (const auto& [topic, partitions] : g->offsets) {
      OffsetFetchTopicResult tr;
      tr.name = topic;
      for (const auto& [partition, committed] : partitions) {
        tr.partitions.push_back({partition, committed.value.offset, committed.value.leader_epoch,
                                 committed.value.metadata, ke::kNone});
      }
      result.topics.push_back(std::move(tr));
    }
    return result;
  }
  for (const OffsetFetchTopic& topic : *args.topics) {
    OffsetFetchTopicResult tr;
    tr.name = topic.name;
    const std::map<int32_t, CommittedOffset>* partitions = nullptr;
    if (g != nullptr) {
      auto it = g->offsets.find(topic.name);
      if (it != g->offsets.end()) partitions = &it->second;
    }
    for (int32_t partition : topic.partitions) {
      OffsetFetchPartitionResult pr;
      pr.partition = partition;
      if (partitions != nullptr) {
        auto it = partitions->find(partition);
        if (it != partitions->end()) {
          pr.offset = it->second.value.offset;
          pr.leader_epoch = it->second.value.leader_epoch;
          pr.metadata = it->second.value.metadata;
        }
      }
      tr.partitions.push_back(std::move(pr));
    }
    result.topics.push_back(std::move(tr));
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Admin: ListGroups, DescribeGroups, DeleteGroups

std::vector<ListedGroup> GroupCoordinator::list_groups(
    std::span<const std::string> states_filter) const {
  std::vector<ListedGroup> out;
  for (const auto& [id, g] : groups_) {
    const std::string_view state = group_state_name(g->state);
    if (!states_filter.empty() &&
        std::none_of(states_filter.begin(), states_filter.end(),
                     [&](const std::string& s) { return equals_ignore_case(s, state); })) {
      continue;
    }
    out.push_back({id, g->protocol_type, std::string(state)});
  }
  std::sort(out.begin(), out.end(),
            [](const ListedGroup& a, const ListedGroup& b) { return a.group_id < b.group_id; });
  return out;
}

std::vector<DescribedGroup> GroupCoordinator::describe_groups(
    std::span<const std::string> group_ids) const {
  std::vector<DescribedGroup> out;
  for (const std::string& id : group_ids) {
    DescribedGroup d;
    d.group_id = id;
    const Group* g = find_group(id);
    if (g == nullptr) {
      d.state = std::string(group_state_name(GroupState::kDead));
      out.push_back(std::move(d));
      continue;
    }
    d.state = std::string(group_state_name(g->state));
    d.protocol_type = g->protocol_type;
    const bool stable = g->state == GroupState::kStable;
    if (stable && g->protocol_name) d.protocol_data = *g->protocol_name;
    for (const auto& [member_id, m] : g->members) {
      DescribedMember dm;
      dm.member_id = member_id;
      dm.group_instance_id = m.group_instance_id;
      dm.client_id = m.client_id;
      dm.client_host = m.client_host;
      if (stable && g->protocol_name) {
        if (const std::vector<uint8_t>* md = m.metadata_for(*g->protocol_name)) dm.metadata = *md;
        dm.assignment = m.assignment;
      }
      d.members.push_back(std::move(dm));
    }
    out.push_back(std::move(d));
  }
  return out;
}

void GroupCoordinator::delete_groups(std::span<const std::string> group_ids, int64_t now_ms,
                                     DeleteGroupsReply reply) {
  ReplyScope scope(this);
  observe_time(now_ms);
  struct PendingDelete {
    std::vector<DeleteGroupResult> results;
    size_t outstanding = 0;
    DeleteGroupsReply reply;
  };
  auto pending = std::make_shared<PendingDelete>();
  pending->reply = std::move(reply);
  pending->outstanding = 1;
  auto release = [this, pending]() {
    if (--pending->outstanding == 0) {
      defer([pending]() { pending->reply(std::move(pending->results)); });
    }
  };
  for (const std::string& id : group_ids) {
    const size_t index = pending->results.size();
    pending->results.push_back({id, ke::kNone});
    Group* g = find_group(id);
    if (g == nullptr) {
      pending->results[index].error_code = ke::kGroupIdNotFound;
      continue;
    }
    if (g->state != GroupState::kEmpty) {
      pending->results[index].error_code = ke::kNonEmptyGroup;
      continue;
    }
    // Forget the group now (it is Dead); its tombstones make that survive a restart.
    std::vector<std::vector<uint8_t>> keys;
    keys.push_back(encode_group_key(id));
    for (const auto& [topic, partitions] : g->offsets) {
      for (const auto& [partition, committed] : partitions) {
        keys.push_back(encode_offset_key(id, topic, partition));
      }
    }
    g->state = GroupState::kDead;
    groups_.erase(id);
    pending->outstanding += keys.size();
    for (const std::vector<uint8_t>& key : keys) {
      journal_append(key, std::nullopt, [pending, index, release](Status s) {
        if (!s.is_ok()) pending->results[index].error_code = ke::kJournalWriteFailed;
        release();
      });
    }
  }
  release();
}

// ---------------------------------------------------------------------------------------------
// Journal

void GroupCoordinator::journal_append(std::span<const uint8_t> key,
                                      std::optional<std::span<const uint8_t>> value,
                                      std::function<void(Status)> done) {
  auto wrapped = [this, alive = alive_, done = std::move(done)](Status s) {
    if (!*alive) return;
    ReplyScope scope(this);
    if (done) done(std::move(s));
  };
  if (journal_ == nullptr) {
    wrapped(Status::ok());
    return;
  }
  journal_->append(key, value, std::move(wrapped));
}

void GroupCoordinator::write_group_metadata(const Group& g, std::function<void(Status)> done) {
  const std::vector<uint8_t> key = encode_group_key(g.id);
  const std::vector<uint8_t> value = encode_group_value(g.to_record());
  journal_append(key, std::span<const uint8_t>(value), std::move(done));
}

Status GroupCoordinator::load_record(std::span<const uint8_t> key,
                                     std::optional<std::span<const uint8_t>> value) {
  Result<OffsetsTopicKey> k = decode_offsets_topic_key(key);
  if (!k.is_ok()) return k.status();
  if (k->kind == OffsetsTopicKey::Kind::kOther) return Status::ok();
  Group* g = find_group(k->group);

  if (k->kind == OffsetsTopicKey::Kind::kOffset) {
    if (!value) {
      if (g != nullptr) {
        auto t = g->offsets.find(k->topic);
        if (t != g->offsets.end()) {
          t->second.erase(k->partition);
          if (t->second.empty()) g->offsets.erase(t);
        }
      }
      return Status::ok();
    }
    Result<OffsetRecordValue> v = decode_offset_value(*value);
    if (!v.is_ok()) return v.status().with_context("group " + k->group);
    if (g == nullptr) g = &create_group(k->group, -1);
    CommittedOffset& slot = g->offsets[k->topic][k->partition];
    slot.value = std::move(v.value());
    slot.journal_sequence = 0;
    return Status::ok();
  }

  // Group metadata.
  if (!value) {
    if (g != nullptr) {
      g->members.clear();
      g->static_members.clear();
      g->loaded_metadata = false;
      g->protocol_type.clear();
      g->protocol_name.reset();
      g->leader.reset();
      g->generation = 0;
    }
    return Status::ok();
  }
  Result<GroupRecordValue> v = decode_group_value(*value);
  if (!v.is_ok()) return v.status().with_context("group " + k->group);
  if (g == nullptr) g = &create_group(k->group, -1);
  GroupRecordValue& rec = v.value();
  g->loaded_metadata = true;
  g->protocol_type = rec.protocol_type;
  g->generation = rec.generation;
  g->protocol_name = rec.protocol;
  g->leader = rec.leader;
  g->state_timestamp_ms = rec.current_state_timestamp_ms;
  g->members.clear();
  g->static_members.clear();
  for (GroupRecordMember& rm : rec.members) {
    GroupMember m;
    m.member_id = rm.member_id;
    m.group_instance_id = rm.group_instance_id;
    m.client_id = rm.client_id;
    m.client_host = rm.client_host;
    m.session_timeout_ms = rm.session_timeout_ms;
    m.rebalance_timeout_ms = rm.rebalance_timeout_ms;
    if (rec.protocol) m.protocols.push_back({*rec.protocol, std::move(rm.subscription)});
    m.assignment = std::move(rm.assignment);
    if (m.group_instance_id) g->static_members[*m.group_instance_id] = m.member_id;
    g->members[m.member_id] = std::move(m);
  }
  return Status::ok();
}

void GroupCoordinator::finish_loading(int64_t now_ms) {
  for (auto it = groups_.begin(); it != groups_.end();) {
    Group& g = *it->second;
    if (!g.loaded_metadata && !g.has_offsets() && g.members.empty()) {
      it = groups_.erase(it);
      continue;
    }
    if (g.members.empty() || !g.protocol_name) {
      g.members.clear();
      g.static_members.clear();
      g.state = GroupState::kEmpty;
      g.leader.reset();
    } else {
      g.state = GroupState::kStable;
      if (!g.leader || !g.members.contains(*g.leader)) g.leader = g.members.begin()->first;
      for (auto& [id, m] : g.members) refresh_heartbeat(m, now_ms);
    }
    if (g.state_timestamp_ms < 0) g.state_timestamp_ms = now_ms;
    g.loaded_metadata = false;
    ++it;
  }
}

std::optional<GroupState> GroupCoordinator::group_state(std::string_view group_id) const {
  const Group* g = find_group(group_id);
  if (g == nullptr) return std::nullopt;
  return g->state;
}

std::optional<int32_t> GroupCoordinator::group_generation(std::string_view group_id) const {
  const Group* g = find_group(group_id);
  if (g == nullptr) return std::nullopt;
  return g->generation;
}

}  // namespace sluice::coord
