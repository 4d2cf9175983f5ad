// GroupMember: the join/sync/heartbeat state machine (see group_member.h and
// docs/formats/group-membership.md).
#include "runtime/membership/group_member.h"

#include <algorithm>
#include <set>
#include <thread>

#include "broker-lite/util/logging.h"

namespace sluice::membership {
namespace {

using std::chrono::milliseconds;

constexpr const char* kLogComponent = "membership";

namespace err {
constexpr int16_t kNone = 0;
constexpr int16_t kCoordinatorLoadInProgress = 14;
constexpr int16_t kCoordinatorNotAvailable = 15;
constexpr int16_t kNotCoordinator = 16;
constexpr int16_t kIllegalGeneration = 22;
constexpr int16_t kUnknownMemberId = 25;
constexpr int16_t kRebalanceInProgress = 27;
constexpr int16_t kMemberIdRequired = 79;
constexpr int16_t kFencedInstanceId = 82;
}  // namespace err

// Names of the error codes a group client meets (the rest are shown by number).
std::string error_name(int16_t code) {
  switch (code) {
    case -1:
      return "UNKNOWN_SERVER_ERROR";
    case 14:
      return "COORDINATOR_LOAD_IN_PROGRESS";
    case 15:
      return "COORDINATOR_NOT_AVAILABLE";
    case 16:
      return "NOT_COORDINATOR";
    case 22:
      return "ILLEGAL_GENERATION";
    case 23:
      return "INCONSISTENT_GROUP_PROTOCOL";
    case 24:
      return "INVALID_GROUP_ID";
    case 25:
      return "UNKNOWN_MEMBER_ID";
    case 26:
      return "INVALID_SESSION_TIMEOUT";
    case 27:
      return "REBALANCE_IN_PROGRESS";
    case 30:
      return "GROUP_AUTHORIZATION_FAILED";
    case 35:
      return "UNSUPPORTED_VERSION";
    case 42:
      return "INVALID_REQUEST";
    case 79:
      return "MEMBER_ID_REQUIRED";
    case 81:
      return "GROUP_MAX_SIZE_REACHED";
    case 82:
      return "FENCED_INSTANCE_ID";
    default:
      return "error " + std::to_string(code);
  }
}

std::string ms_text(milliseconds d) {
  return std::to_string(d.count()) + " ms";
}

Status check_protocols(const std::vector<GroupProtocol>& protocols) {
  if (protocols.empty()) return Status::invalid_argument("group membership: no protocol offered");
  std::set<std::string> names;
  for (const GroupProtocol& p : protocols) {
    if (p.name.empty()) {
      return Status::invalid_argument("group membership: a protocol has an empty name");
    }
    if (!names.insert(p.name).second) {
      return Status::invalid_argument("group membership: protocol '" + p.name +
                                      "' is offered twice");
    }
  }
  return Status::ok();
}

}  // namespace

Result<std::unique_ptr<GroupMember>> GroupMember::create(GroupMemberOptions options,
                                                         std::vector<GroupProtocol> protocols,
                                                         AssignFunction assign) {
  if (options.group_id.empty()) {
    return Status::invalid_argument("group membership: group.id is empty");
  }
  Result<std::vector<BrokerAddress>> bootstrap = parse_bootstrap_servers(options.bootstrap_servers);
  if (!bootstrap.is_ok()) return bootstrap.status().with_context("group membership");
  SLUICE_RETURN_IF_ERROR(check_protocols(protocols));
  if (!assign) return Status::invalid_argument("group membership: no assign function given");
  const std::pair<const char*, milliseconds> positive[] = {
      {"session.timeout.ms", options.session_timeout},
      {"rebalance.timeout.ms", options.rebalance_timeout},
      {"heartbeat.interval.ms", options.heartbeat_interval},
      {"fencing margin", options.fencing_margin},
      {"connect timeout", options.connect_timeout},
      {"request timeout", options.request_timeout},
      {"retry backoff", options.retry_backoff}};
  for (const auto& [name, value] : positive) {
    if (value.count() <= 0) {
      return Status::invalid_argument(std::string("group membership: ") + name +
                                      " must be positive, got " + ms_text(value));
    }
  }
  if (options.heartbeat_interval + options.fencing_margin >= options.session_timeout) {
    return Status::invalid_argument(
        "group membership: heartbeat.interval.ms (" + ms_text(options.heartbeat_interval) +
        ") plus the fencing margin (" + ms_text(options.fencing_margin) +
        ") must be below session.timeout.ms (" + ms_text(options.session_timeout) + ")");
  }
  if (options.rebalance_timeout <= options.fencing_margin) {
    return Status::invalid_argument("group membership: rebalance.timeout.ms (" +
                                    ms_text(options.rebalance_timeout) +
                                    ") must exceed the fencing margin");
  }
  return std::unique_ptr<GroupMember>(
      new GroupMember(std::move(options), std::move(protocols), std::move(assign)));
}

GroupMember::GroupMember(GroupMemberOptions options, std::vector<GroupProtocol> protocols,
                         AssignFunction assign)
    : options_(std::move(options)), protocols_(std::move(protocols)), assign_(std::move(assign)) {
  connection_options_.client_id = options_.client_id;
  connection_options_.connect_timeout = options_.connect_timeout;
  connection_options_.request_timeout = options_.request_timeout;
}

GroupMember::~GroupMember() = default;

std::optional<BrokerAddress> GroupMember::coordinator() const {
  if (!conn_) return std::nullopt;
  return conn_->address();
}

void GroupMember::request_rejoin(std::string reason) {
  rejoin_reason_ = std::move(reason);
}

Status GroupMember::set_protocols(std::vector<GroupProtocol> protocols) {
  SLUICE_RETURN_IF_ERROR(check_protocols(protocols));
  protocols_ = std::move(protocols);
  return Status::ok();
}

Status GroupMember::group_error(int16_t code, const char* api) const {
  return Status::unavailable(std::string(api) + " for group '" + options_.group_id +
                             "' failed: " + error_name(code));
}

// ---------------------------------------------------------------------------------------------
// poll

Result<Event> GroupMember::poll(milliseconds max_wait) {
  if (phase_ == Phase::kLeft) {
    return Status::failed_precondition("group '" + options_.group_id + "': the member has left");
  }
  const Clock::time_point deadline = Clock::now() + std::max(max_wait, milliseconds(0));
  while (true) {
    if (!events_.empty()) {
      Event e = std::move(events_.front());
      events_.pop_front();
      return e;
    }
    Clock::time_point now = Clock::now();
    if (std::optional<std::string> breach = fencing_breach(now)) {
      // Abandon whatever is in flight: the next JoinGroup starts from a clean connection.
      if (conn_) conn_->close();
      lose_membership(*breach, false);
      continue;
    }
    if (phase_ == Phase::kStable && rejoin_reason_ && !(conn_ && conn_->request_in_flight())) {
      std::string reason = std::move(*rejoin_reason_);
      rejoin_reason_.reset();
      start_rebalance(std::move(reason));
      continue;
    }
    if (!conn_ || !conn_->is_open()) {
      if (now < not_before_) {
        const Clock::time_point until = std::min(next_wakeup(deadline), not_before_);
        if (until <= now) return Event();
        std::this_thread::sleep_until(until);
        continue;
      }
      Status s = discover();
      if (!s.is_ok()) {
        not_before_ = Clock::now() + options_.retry_backoff;
        return s;
      }
      continue;
    }
    if (conn_->request_in_flight()) {
      if (now >= request_deadline_) {
        const std::string what = phase_ == Phase::kJoining   ? "JoinGroup"
                                 : phase_ == Phase::kSyncing ? "SyncGroup"
                                                             : "Heartbeat";
        const std::string where = conn_->address().to_string();
        drop_coordinator("no answer");
        if (phase_ != Phase::kStable) phase_ = Phase::kNeedJoin;
        not_before_ = now + options_.retry_backoff;
        return Status::unavailable(what + " for group '" + options_.group_id + "' to " + where +
                                   ": no answer in time");
      }
      const Clock::time_point until = std::min(next_wakeup(deadline), request_deadline_);
      const auto wait = std::chrono::duration_cast<milliseconds>(until - now);
      Status s = receive_step(std::max(wait, milliseconds(0)));
      if (!s.is_ok()) {
        not_before_ = Clock::now() + options_.retry_backoff;
        return s;
      }
      if (conn_ && conn_->request_in_flight() && Clock::now() >= deadline && events_.empty()) {
        return Event();
      }
      continue;
    }
    if (now < not_before_) {
      const Clock::time_point until = std::min(next_wakeup(deadline), not_before_);
      if (until <= now) return Event();
      std::this_thread::sleep_until(until);
      continue;
    }
    Status s;
    switch (phase_) {
      case Phase::kNeedJoin:
        s = send_join();
        break;
      case Phase::kNeedSync:
        s = send_sync();
        break;
      case Phase::kStable:
        if (now >= next_heartbeat_) {
          s = send_heartbeat();
        } else {
          const Clock::time_point until = std::min(next_wakeup(deadline), next_heartbeat_);
          if (until <= now) return Event();
          std::this_thread::sleep_until(until);
        }
        break;
      case Phase::kJoining:
      case Phase::kSyncing:
        // A request of these phases is always in flight; its connection was lost.
        phase_ = Phase::kNeedJoin;
        break;
      case Phase::kLeft:
        break;
    }
    if (!s.is_ok()) {
      drop_coordinator(std::string(s.message()));
      not_before_ = Clock::now() + options_.retry_backoff;
      return s;
    }
  }
}

std::optional<GroupMember::Clock::time_point> GroupMember::fence_limit() const {
  if (!holds_assignment_) return std::nullopt;
  Clock::time_point limit = proof_time_ + (options_.session_timeout - options_.fencing_margin);
  const bool held_request = conn_ && conn_->request_in_flight() &&
                            (phase_ == Phase::kJoining || phase_ == Phase::kSyncing);
  if (held_request && request_sent_ <= limit) {
    // The coordinator keeps a member alive while it waits inside JoinGroup/SyncGroup, for up to
    // the rebalance timeout.
    limit = std::max(limit, request_sent_ + (options_.rebalance_timeout - options_.fencing_margin));
  }
  return limit;
}

GroupMember::Clock::time_point GroupMember::next_wakeup(Clock::time_point deadline) const {
  // Wake up in time to report Lost when the fencing limit passes.
  std::optional<Clock::time_point> limit = fence_limit();
  return limit ? std::min(deadline, *limit + milliseconds(1)) : deadline;
}

std::optional<std::string> GroupMember::fencing_breach(Clock::time_point now) const {
  std::optional<Clock::time_point> limit = fence_limit();
  if (!limit || now <= *limit) return std::nullopt;
  const auto since = std::chrono::duration_cast<milliseconds>(now - proof_time_).count();
  return "no proof of membership in group '" + options_.group_id + "' for " +
         std::to_string(since) + " ms (fencing bound " +
         ms_text(options_.session_timeout - options_.fencing_margin) + ", session timeout " +
         ms_text(options_.session_timeout) + ", rebalance timeout " +
         ms_text(options_.rebalance_timeout) + ")";
}

void GroupMember::start_rebalance(std::string reason) {
  SLUICE_LOG(
      kInfo, kLogComponent,
      "group '" + options_.group_id + "' member " + member_id_ + ": rebalance (" + reason + ")");
  phase_ = Phase::kNeedJoin;
  join_reason_ = reason;
  if (holds_assignment_) events_.push_back(RebalanceStarted{std::move(reason)});
}

void GroupMember::lose_membership(std::string reason, bool forget_member_id) {
  SLUICE_LOG(kWarn, kLogComponent,
             "group '" + options_.group_id + "' member " + member_id_ + " lost: " + reason);
  if (forget_member_id) member_id_.clear();
  generation_ = -1;
  phase_ = Phase::kNeedJoin;
  join_reason_ = "membership lost: " + reason;
  if (holds_assignment_) {
    holds_assignment_ = false;
    events_.push_back(Lost{std::move(reason)});
  }
}

void GroupMember::drop_coordinator(const std::string& why) {
  if (conn_) {
    SLUICE_LOG(kInfo, kLogComponent,
               "group '" + options_.group_id + "': leaving coordinator " +
                   conn_->address().to_string() + " (" + why + ")");
  }
  conn_.reset();
  if (phase_ == Phase::kJoining || phase_ == Phase::kSyncing || phase_ == Phase::kNeedSync) {
    phase_ = Phase::kNeedJoin;
  }
}

// ---------------------------------------------------------------------------------------------
// Discovery

Status GroupMember::discover() {
  conn_.reset();
  Result<std::unique_ptr<ProtocolConnection>> boot =
      ProtocolConnection::connect_any(options_.bootstrap_servers, connection_options_);
  if (!boot.is_ok()) {
    return boot.status().with_context("group '" + options_.group_id + "'");
  }
  std::unique_ptr<ProtocolConnection> bootstrap = std::move(*boot);
  Result<int16_t> version = bootstrap->version_for(kafka::FindCoordinatorRequest::kApiKey);
  if (!version.is_ok()) return version.status();

  kafka::FindCoordinatorRequest request;
  request.key = options_.group_id;                 // v0..3
  request.key_type = 0;                            // group
  request.coordinator_keys = {options_.group_id};  // v4+
  const Clock::time_point give_up = Clock::now() + options_.request_timeout;
  while (true) {
    Result<Reply<kafka::FindCoordinatorResponse>> reply =
        bootstrap->call<kafka::FindCoordinatorResponse>(request);
    if (!reply.is_ok()) return reply.status().with_context("group '" + options_.group_id + "'");
    const kafka::FindCoordinatorResponse& r = reply->message;
    int16_t code = r.error_code;
    std::optional<std::string> message = r.error_message;
    BrokerAddress address{r.host, 0};
    int32_t port = r.port;
    if (*version >= 4) {
      auto it = std::find_if(r.coordinators.begin(), r.coordinators.end(),
                             [&](const auto& c) { return c.key == options_.group_id; });
      if (it == r.coordinators.end()) {
        return Status::corruption("FindCoordinator answer from " +
                                  bootstrap->address().to_string() + " does not name group '" +
                                  options_.group_id + "'");
      }
      code = it->error_code;
      message = it->error_message;
      address.host = it->host;
      port = it->port;
    }
    if (code == err::kCoordinatorNotAvailable || code == err::kNotCoordinator ||
        code == err::kCoordinatorLoadInProgress) {
      if (Clock::now() + options_.retry_backoff >= give_up) {
        return Status::unavailable("group '" + options_.group_id + "': no coordinator yet (" +
                                   error_name(code) + " from " + bootstrap->address().to_string() +
                                   ")");
      }
      std::this_thread::sleep_for(options_.retry_backoff);
      continue;
    }
    if (code != err::kNone) {
      return Status::unavailable("FindCoordinator for group '" + options_.group_id + "' at " +
                                 bootstrap->address().to_string() + " failed: " + error_name(code) +
                                 (message ? " (" + *message + ")" : ""));
    }
    if (port < 1 || port > 65535 || address.host.empty()) {
      return Status::corruption("FindCoordinator answer from " + bootstrap->address().to_string() +
                                " names an invalid coordinator '" + address.host + ":" +
                                std::to_string(port) + "'");
    }
    address.port = static_cast<uint16_t>(port);
    if (address == bootstrap->address()) {
      conn_ = std::move(bootstrap);
    } else {
      Result<std::unique_ptr<ProtocolConnection>> c =
          ProtocolConnection::connect(address, connection_options_);
      if (!c.is_ok()) {
        return c.status().with_context("group '" + options_.group_id + "' coordinator");
      }
      conn_ = std::move(*c);
    }
    SLUICE_LOG(kDebug, kLogComponent,
               "group '" + options_.group_id + "': coordinator " + address.to_string());
    return Status::ok();
  }
}

// ---------------------------------------------------------------------------------------------
// Requests

Status GroupMember::send_join() {
  kafka::JoinGroupRequest request;
  request.group_id = options_.group_id;
  request.session_timeout_ms = static_cast<int32_t>(options_.session_timeout.count());
  request.rebalance_timeout_ms = static_cast<int32_t>(options_.rebalance_timeout.count());
  request.member_id = member_id_;
  request.protocol_type = kSluiceProtocolType;
  for (const GroupProtocol& p : protocols_) {
    kafka::JoinGroupRequest::JoinGroupRequestProtocol jp;
    jp.name = p.name;
    jp.metadata = p.metadata;  // views protocols_, alive while send() encodes
    request.protocols.push_back(std::move(jp));
  }
  request.reason = join_reason_;
  // The coordinator holds JoinGroup until every member rejoined (at most the rebalance timeout).
  SLUICE_RETURN_IF_ERROR(
      send_request(request, options_.rebalance_timeout + options_.request_timeout));
  join_reason_.reset();
  phase_ = Phase::kJoining;
  return Status::ok();
}

Status GroupMember::send_sync() {
  kafka::SyncGroupRequest request;
  request.group_id = options_.group_id;
  request.generation_id = generation_;
  request.member_id = member_id_;
  request.protocol_type = kSluiceProtocolType;
  request.protocol_name = protocol_name_;
  for (const auto& [id, bytes] : sync_assignments_) {
    kafka::SyncGroupRequest::SyncGroupRequestAssignment a;
    a.member_id = id;
    a.assignment = bytes;  // views sync_assignments_, alive while send() encodes
    request.assignments.push_back(std::move(a));
  }
  // A follower's SyncGroup waits for the leader's (within the rebalance timeout).
  SLUICE_RETURN_IF_ERROR(
      send_request(request, options_.rebalance_timeout + options_.request_timeout));
  phase_ = Phase::kSyncing;
  return Status::ok();
}

Status GroupMember::send_heartbeat() {
  kafka::HeartbeatRequest request;
  request.group_id = options_.group_id;
  request.generation_id = generation_;
  request.member_id = member_id_;
  return send_request(request, options_.request_timeout);
}

Status GroupMember::receive_step(milliseconds wait) {
  auto failed = [&](const Status& s) {
    drop_coordinator(std::string(s.message()));
    return s.with_context("group '" + options_.group_id + "'");
  };
  switch (phase_) {
    case Phase::kJoining: {
      const int16_t version = *conn_->version_for(kafka::JoinGroupRequest::kApiKey);
      auto r = conn_->receive<kafka::JoinGroupResponse>(wait);
      if (!r.is_ok()) return failed(r.status());
      if (!r->has_value()) return Status::ok();
      return handle_join((*r)->message, version);
    }
    case Phase::kSyncing: {
      auto r = conn_->receive<kafka::SyncGroupResponse>(wait);
      if (!r.is_ok()) return failed(r.status());
      if (!r->has_value()) return Status::ok();
      return handle_sync((*r)->message);
    }
    case Phase::kStable: {
      auto r = conn_->receive<kafka::HeartbeatResponse>(wait);
      if (!r.is_ok()) return failed(r.status());
      if (!r->has_value()) return Status::ok();
      return handle_heartbeat((*r)->message);
    }
    default:
      return Status::internal("group '" + options_.group_id +
                              "': a request is in flight in a phase that sends none");
  }
}

bool GroupMember::handle_common_error(int16_t code, const char* api) {
  switch (code) {
    case err::kCoordinatorNotAvailable:
    case err::kNotCoordinator:
      drop_coordinator(std::string(api) + " answered " + error_name(code));
      return true;
    case err::kCoordinatorLoadInProgress:
      not_before_ = Clock::now() + options_.retry_backoff;
      return true;
    case err::kUnknownMemberId:
      lose_membership(std::string(api) + " answered " + error_name(code), true);
      return true;
    case err::kIllegalGeneration:
    case err::kFencedInstanceId:
      lose_membership(std::string(api) + " answered " + error_name(code), false);
      return true;
    default:
      return false;
  }
}

Status GroupMember::handle_join(const kafka::JoinGroupResponse& r, int16_t version) {
  const Clock::time_point received = Clock::now();
  phase_ = Phase::kNeedJoin;
  if (r.error_code == err::kMemberIdRequired) {
    member_id_ = r.member_id;  // join again at once with the id the coordinator made
    return Status::ok();
  }
  if (r.error_code == err::kRebalanceInProgress) return Status::ok();
  if (handle_common_error(r.error_code, "JoinGroup")) return Status::ok();
  if (r.error_code != err::kNone) {
    not_before_ = received + options_.retry_backoff;
    return group_error(r.error_code, "JoinGroup");
  }
  member_id_ = r.member_id;
  generation_ = r.generation_id;
  leader_id_ = r.leader;
  protocol_name_ = r.protocol_name.value_or("");
  // The coordinator refreshed every member's session when it completed the join.
  proof_time_ = received;
  const bool known = std::any_of(protocols_.begin(), protocols_.end(),
                                 [&](const GroupProtocol& p) { return p.name == protocol_name_; });
  if (!known) {
    not_before_ = received + options_.retry_backoff;
    return Status::unsupported("group '" + options_.group_id +
                               "': the coordinator chose protocol '" + protocol_name_ +
                               "', which this member did not offer");
  }
  sync_assignments_.clear();
  assigned_members_.clear();
  if (member_id_ == leader_id_ && !(version >= 9 && r.skip_assignment)) {
    for (const auto& m : r.members) {
      assigned_members_.push_back(
          MemberMetadata{m.member_id, std::vector<uint8_t>(m.metadata.begin(), m.metadata.end())});
    }
    Result<std::map<std::string, std::vector<uint8_t>>> assignment =
        assign_(protocol_name_, assigned_members_);
    if (!assignment.is_ok()) {
      not_before_ = Clock::now() + options_.retry_backoff;
      return assignment.status().with_context("group '" + options_.group_id + "' generation " +
                                              std::to_string(generation_) + ": assignor");
    }
    for (auto& [id, bytes] : *assignment) {
      const bool member = std::any_of(assigned_members_.begin(), assigned_members_.end(),
                                      [&](const MemberMetadata& m) { return m.member_id == id; });
      if (!member) {
        not_before_ = Clock::now() + options_.retry_backoff;
        return Status::internal("group '" + options_.group_id + "' generation " +
                                std::to_string(generation_) +
                                ": the assignor assigned to unknown member '" + id + "'");
      }
      sync_assignments_.emplace_back(id, std::move(bytes));
    }
  }
  phase_ = Phase::kNeedSync;
  return Status::ok();
}

Status GroupMember::handle_sync(const kafka::SyncGroupResponse& r) {
  phase_ = Phase::kNeedJoin;
  if (r.error_code == err::kRebalanceInProgress) {
    start_rebalance("SyncGroup answered REBALANCE_IN_PROGRESS");
    return Status::ok();
  }
  if (handle_common_error(r.error_code, "SyncGroup")) return Status::ok();
  if (r.error_code != err::kNone) {
    not_before_ = Clock::now() + options_.retry_backoff;
    return group_error(r.error_code, "SyncGroup");
  }
  proof_time_ = request_sent_;
  phase_ = Phase::kStable;
  next_heartbeat_ = request_sent_ + options_.heartbeat_interval;
  holds_assignment_ = true;
  sync_assignments_.clear();
  Assigned a;
  a.generation = generation_;
  a.member_id = member_id_;
  a.leader_id = leader_id_;
  a.protocol = protocol_name_;
  a.assignment.assign(r.assignment.begin(), r.assignment.end());
  a.is_leader = member_id_ == leader_id_;
  a.members = std::move(assigned_members_);
  assigned_members_.clear();
  SLUICE_LOG(kInfo, kLogComponent,
             "group '" + options_.group_id + "' generation " + std::to_string(generation_) +
                 ": member " + member_id_ + (a.is_leader ? " (leader)" : "") + " assigned " +
                 std::to_string(a.assignment.size()) + " bytes");
  events_.push_back(std::move(a));
  return Status::ok();
}

Status GroupMember::handle_heartbeat(const kafka::HeartbeatResponse& r) {
  if (r.error_code == err::kNone || r.error_code == err::kRebalanceInProgress) {
    proof_time_ = request_sent_;
    next_heartbeat_ = request_sent_ + options_.heartbeat_interval;
  }
  if (r.error_code == err::kNone) return Status::ok();
  if (r.error_code == err::kRebalanceInProgress) {
    start_rebalance("the coordinator started a rebalance");
    return Status::ok();
  }
  if (handle_common_error(r.error_code, "Heartbeat")) return Status::ok();
  next_heartbeat_ = Clock::now() + options_.retry_backoff;
  return group_error(r.error_code, "Heartbeat");
}

Status GroupMember::keep_alive() {
  if (phase_ != Phase::kStable || !conn_ || !conn_->is_open() || rejoin_reason_) {
    return Status::ok();
  }
  const Clock::time_point now = Clock::now();
  if (conn_->request_in_flight()) {
    if (now >= request_deadline_) return Status::ok();  // poll() gives up on it and reports
    Status s = receive_step(milliseconds(0));
    if (!s.is_ok()) not_before_ = Clock::now() + options_.retry_backoff;
    return s;
  }
  if (now < not_before_ || now < next_heartbeat_) return Status::ok();
  return send_heartbeat();
}

// ---------------------------------------------------------------------------------------------
// LeaveGroup

Status GroupMember::leave(std::string reason) {
  const bool was_member = !member_id_.empty();
  const std::string member_id = member_id_;
  holds_assignment_ = false;
  events_.clear();
  Status result;
  if (was_member) {
    if (!conn_ || !conn_->is_open() || conn_->request_in_flight()) result = discover();
    if (result.is_ok()) {
      kafka::LeaveGroupRequest request;
      request.group_id = options_.group_id;
      request.member_id = member_id;  // v0..2
      kafka::LeaveGroupRequest::MemberIdentity who;
      who.member_id = member_id;
      who.reason = reason;
      request.members.push_back(std::move(who));  // v3+
      Result<Reply<kafka::LeaveGroupResponse>> reply =
          conn_->call<kafka::LeaveGroupResponse>(request);
      if (!reply.is_ok()) {
        result = reply.status();
      } else {
        int16_t code = reply->message.error_code;
        for (const auto& m : reply->message.members) {
          if (code == err::kNone) code = m.error_code;
        }
        if (code != err::kNone) result = group_error(code, "LeaveGroup");
      }
    }
    SLUICE_LOG(kInfo, kLogComponent,
               "group '" + options_.group_id + "' member " + member_id + " left (" + reason +
                   "): " + result.to_string());
  }
  conn_.reset();
  member_id_.clear();
  generation_ = -1;
  phase_ = Phase::kLeft;
  return result;
}

}  // namespace sluice::membership
