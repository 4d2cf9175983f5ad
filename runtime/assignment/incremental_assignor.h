// The leader's assignor for distributed mode: incremental cooperative rebalancing of connectors
// and tasks over the members of one generation. Pure logic, no I/O and no clock of its own: the
// caller passes the members' reports, the config snapshot, the current time and what the previous
// round returned as memory. Design: docs/design/assignment.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "broker-lite/util/status.h"
#include "runtime/assignment/protocol_data.h"

namespace sluice::assignment {

using Clock = std::chrono::steady_clock;

// A set of connectors and tasks (what one worker holds, or a piece of work held back).
struct WorkSet {
  std::set<std::string> connectors;
  std::set<TaskId> tasks;

  bool empty() const { return connectors.empty() && tasks.empty(); }
  friend bool operator==(const WorkSet&, const WorkSet&) = default;
};

// One member of the generation being assigned, as it reported itself in JoinGroup.
struct GroupMember {
  std::string member_id;    // group member id given by the coordinator
  MemberMetadata metadata;  // url, config offset and what it holds now
};

// The connectors of the config snapshot the leader assigns from, each with its number of tasks
// (0 for a STOPPED connector, or one whose tasks are not generated yet).
struct ConfigSnapshot {
  int64_t offset = -1;  // config-topic offset the snapshot includes
  std::map<std::string, int32_t> task_counts;
};

// Work of a departed worker that is not handed out until `deadline`, in case it comes back.
struct HeldWork {
  std::string member_id;  // the member id it had
  std::string url;        // its REST URL: a member that joins with this URL gets the work back
  Clock::time_point lost_at;
  Clock::time_point deadline;
  WorkSet work;

  friend bool operator==(const HeldWork&, const HeldWork&) = default;
};

// What the leader keeps from one round to the next. The caller stores the `memory` of each
// RoundResult and passes it to the next assign(); a worker that is not the leader, or that just
// became it, passes an empty LeaderMemory.
struct LeaderMemory {
  std::optional<int32_t> generation;  // the generation this memory was computed for
  struct Member {
    std::string url;
    WorkSet work;  // what the member holds once it has applied that round's assignment
    // Work revoked elsewhere this round to spread a connector's tasks, meant for this member in
    // the next round (it is given to it there if it is still a member with room).
    WorkSet planned;
    friend bool operator==(const Member&, const Member&) = default;
  };
  std::map<std::string, Member> members;  // by member id
  std::vector<HeldWork> held;             // ordered by deadline, then member id

  friend bool operator==(const LeaderMemory&, const LeaderMemory&) = default;
};

struct AssignorOptions {
  // scheduled.rebalance.max.delay.ms: how long a departed worker's work is held. 0 hands it out
  // in the very round that notices the departure.
  std::chrono::milliseconds max_delay{300000};
};

struct RoundInput {
  int32_t generation = 0;  // the generation being assigned
  std::string leader_id;   // member id of the leader (must be one of `members`)
  std::vector<GroupMember> members;
  ConfigSnapshot config;
  Clock::time_point now;
};

struct RoundResult {
  std::map<std::string, Assignment> assignments;  // one per member id of the input
  LeaderMemory memory;                            // to pass to the next round
};

// Computes one generation's assignment. Stateless apart from its options: everything that
// carries from round to round is in LeaderMemory, so the result depends only on the arguments.
class IncrementalCooperativeAssignor {
 public:
  explicit IncrementalCooperativeAssignor(AssignorOptions options = {}) : options_(options) {}

  // `input` and `previous` are borrowed for the call. Fails (invalid argument) when the input is
  // inconsistent: no members, an empty or repeated member id, a leader that is not a member, a
  // negative task count or a negative max delay.
  [[nodiscard]] Result<RoundResult> assign(const RoundInput& input,
                                           const LeaderMemory& previous) const;

 private:
  AssignorOptions options_;
};

}  // namespace sluice::assignment
