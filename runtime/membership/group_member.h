// GroupMember: one worker's membership in its cluster's Kafka group (group.id), with protocol
// type "sluice". It finds the group coordinator, joins, (as leader) asks its owner to assign,
// syncs, heartbeats, and leaves on a clean stop. The metadata offered and the assignment received
// are opaque bytes: their format belongs to the assignment module. Protocol, state machine,
// timeouts and error table: docs/formats/group-membership.md.
//
// Design: a single-threaded object driven by its owner's loop. All network work happens inside
// poll(max_wait), which returns at most one Event per call:
//   * std::monostate  - nothing happened within max_wait;
//   * Assigned        - a generation completed; carries this member's assignment bytes (and, for
//                       the leader, every member's metadata as it was assigned);
//   * RebalanceStarted- the group is rebalancing; the owner keeps running its work (cooperative
//                       rebalancing) and keeps calling poll(), which rejoins by itself;
//   * Lost            - the membership is gone or can no longer be proved: the owner must stop all
//                       its tasks at once. poll() rejoins afterwards by itself.
// An error Result means this poll could not make progress (coordinator unreachable, a broker
// error); the member stays usable and the next poll retries after the back-off.
//
// Zombie fencing: while the owner holds an assignment, poll() reports Lost as soon as no
// successful Heartbeat/JoinGroup/SyncGroup is younger than session_timeout - fencing_margin (the
// "fencing bound"), checked before any network step. The coordinator expires a member only after
// session_timeout, so a worker that is cut off or stalled stops its tasks before the coordinator
// can hand them to another worker, provided its loop calls poll() at least every fencing_margin.
// Why a pull-style poll() and no thread of its own: the owner must act on Lost synchronously
// (stop its tasks before doing anything else), and a single thread avoids locking the state that
// the owner's loop and the membership share. An owner whose loop is held up (stopping tasks that
// take seconds) calls keep_alive() meanwhile, so that its heartbeats go on.
//
// JoinGroup and SyncGroup may be held by the coordinator until every member rejoins; poll() does
// not wait for them beyond max_wait. Only discovery (connect, ApiVersions, FindCoordinator) blocks
// inside poll(), each step for at most connect_timeout / request_timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "broker-lite/util/status.h"
#include "runtime/membership/protocol_connection.h"

namespace sluice::membership {

// The protocol type of every Sluice group (Kafka Connect uses "connect").
inline constexpr const char* kSluiceProtocolType = "sluice";

// One protocol this member can speak, with its metadata for that protocol (opaque bytes).
struct GroupProtocol {
  std::string name;
  std::vector<uint8_t> metadata;
};

// A member of the current generation as the leader sees it.
struct MemberMetadata {
  std::string member_id;
  std::vector<uint8_t> metadata;  // for the protocol the coordinator chose
};

struct Assigned {
  int32_t generation = -1;
  std::string member_id;
  std::string leader_id;
  std::string protocol;             // the protocol name the coordinator chose
  std::vector<uint8_t> assignment;  // this member's assignment bytes
  bool is_leader = false;
  std::vector<MemberMetadata> members;  // every member (leader only; empty for followers)
};

struct RebalanceStarted {
  std::string reason;
};

struct Lost {
  std::string reason;
};

using Event = std::variant<std::monostate, Assigned, RebalanceStarted, Lost>;

// The leader's assignor: given the chosen protocol and every member's metadata, returns the
// assignment bytes per member id. Members left out get an empty assignment; an id that is not a
// member is an error. Called inside poll(); the arguments are borrowed for the call.
using AssignFunction = std::function<Result<std::map<std::string, std::vector<uint8_t>>>(
    const std::string& protocol, const std::vector<MemberMetadata>& members)>;

struct GroupMemberOptions {
  std::string bootstrap_servers;  // "host:port,host:port"
  std::string group_id;
  std::string client_id = "sluice";  // also the prefix of coordinator-made member ids
  std::chrono::milliseconds session_timeout{10000};    // session.timeout.ms
  std::chrono::milliseconds rebalance_timeout{60000};  // rebalance.timeout.ms
  std::chrono::milliseconds heartbeat_interval{3000};  // heartbeat.interval.ms
  // Lost is reported once no proof of membership is younger than session_timeout minus this.
  std::chrono::milliseconds fencing_margin{2000};
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::milliseconds retry_backoff{200};
};

class GroupMember {
 public:
  // Checks the options (kInvalidArgument naming the option) and creates an idle member; nothing
  // is sent before the first poll().
  [[nodiscard]] static Result<std::unique_ptr<GroupMember>> create(
      GroupMemberOptions options, std::vector<GroupProtocol> protocols, AssignFunction assign);

  GroupMember(const GroupMember&) = delete;
  GroupMember& operator=(const GroupMember&) = delete;
  ~GroupMember();

  // Drives the membership for at most max_wait (plus any blocking discovery step) and returns the
  // first event, or std::monostate when nothing happened. kFailedPrecondition after leave().
  [[nodiscard]] Result<Event> poll(std::chrono::milliseconds max_wait);

  // For an owner busy between two polls (stopping tasks): sends a Heartbeat when one is due and
  // reads its answer if it has arrived, without waiting and without joining or syncing. Does
  // nothing unless the member is stable with an open connection. What the answer means (a
  // rebalance, a lost membership) is queued and reported by the next poll(); the fencing rule is
  // applied there too. Call it every few hundred milliseconds while busy.
  [[nodiscard]] Status keep_alive();
  // Asks for a new generation: the next poll reports RebalanceStarted and rejoins. A Kafka
  // coordinator starts a rebalance for a follower's JoinGroup only when its protocols changed (or
  // the leader rejoins); use set_protocols() to offer new metadata first.
  void request_rejoin(std::string reason);
  // Replaces the protocols offered in the next JoinGroup (does not rejoin by itself).
  [[nodiscard]] Status set_protocols(std::vector<GroupProtocol> protocols);

  // Sends LeaveGroup (waiting at most request_timeout) and closes the connection. The member
  // cannot be used afterwards. Leaving is best effort: the error (if any) is returned, but the
  // member is left either way.
  [[nodiscard]] Status leave(std::string reason);

  const std::string& member_id() const { return member_id_; }
  int32_t generation() const { return generation_; }
  // The coordinator's address once found (for logs and tests).
  std::optional<BrokerAddress> coordinator() const;
  // True between Assigned and Lost (the owner holds work).
  bool holds_assignment() const { return holds_assignment_; }

 private:
  using Clock = std::chrono::steady_clock;
  enum class Phase { kNeedJoin, kJoining, kNeedSync, kSyncing, kStable, kLeft };

  GroupMember(GroupMemberOptions options, std::vector<GroupProtocol> protocols,
              AssignFunction assign);

  // Connects to a bootstrap server and then to the group's coordinator (blocking).
  Status discover();
  // Sends `request` on the coordinator connection and notes when it was sent and by when its
  // answer must arrive.
  template <typename Request>
  Status send_request(const Request& request, std::chrono::milliseconds answer_within) {
    SLUICE_RETURN_IF_ERROR(conn_->send(request));
    request_sent_ = Clock::now();
    request_deadline_ = request_sent_ + answer_within;
    return Status::ok();
  }
  Status send_join();
  Status send_sync();
  Status send_heartbeat();
  // Reads the answer to the request in flight for at most `wait`; dispatches it to handle_*.
  Status receive_step(std::chrono::milliseconds wait);
  Status handle_join(const kafka::JoinGroupResponse& r, int16_t version);
  Status handle_sync(const kafka::SyncGroupResponse& r);
  Status handle_heartbeat(const kafka::HeartbeatResponse& r);
  // Common reactions to a group error code; returns true when handled.
  bool handle_common_error(int16_t code, const char* api);
  void start_rebalance(std::string reason);
  void lose_membership(std::string reason, bool forget_member_id);
  void drop_coordinator(const std::string& why);
  // When the owner must be told Lost by the fencing rule, the reason; else nullopt.
  std::optional<std::string> fencing_breach(Clock::time_point now) const;
  // The moment after which fencing_breach() reports Lost; nullopt while no assignment is held.
  std::optional<Clock::time_point> fence_limit() const;
  // The latest moment the current state may wait until before something is due.
  Clock::time_point next_wakeup(Clock::time_point deadline) const;
  Status group_error(int16_t code, const char* api) const;

  GroupMemberOptions options_;
  ConnectionOptions connection_options_;
  std::vector<GroupProtocol> protocols_;
  AssignFunction assign_;

  std::unique_ptr<ProtocolConnection> conn_;  // to the coordinator, when known
  Phase phase_ = Phase::kNeedJoin;
  std::string member_id_;
  int32_t generation_ = -1;
  std::string leader_id_;
  std::string protocol_name_;
  std::optional<std::string> rejoin_reason_;  // the reason of a pending request_rejoin
  std::optional<std::string> join_reason_;    // sent with the next JoinGroup (v8+)

  // The leader's assignments for the SyncGroup being prepared, and the members it assigned.
  std::vector<std::pair<std::string, std::vector<uint8_t>>> sync_assignments_;
  std::vector<MemberMetadata> assigned_members_;

  bool holds_assignment_ = false;
  Clock::time_point proof_time_;        // see fencing_breach()
  Clock::time_point request_sent_;      // when the request in flight was sent
  Clock::time_point request_deadline_;  // when the request in flight times out
  Clock::time_point next_heartbeat_;
  Clock::time_point not_before_;  // back-off: no request or discovery before this
  std::deque<Event> events_;
};

}  // namespace sluice::membership
