// Incremental cooperative assignment (docs/design/assignment.md): settle who keeps what the
// members report, hold or release the work of departed members, then fill and trim each member
// towards an even share, connectors and tasks separately.
#include "runtime/assignment/incremental_assignor.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace sluice::assignment {
namespace {

// How many units of the same group as `unit` a member holds: for tasks, the tasks of the same
// connector (used to spread one connector's tasks over the members); connectors form no groups.
size_t same_group(const std::set<std::string>&, const std::string&) {
  return 0;
}
size_t same_group(const std::set<TaskId>& held, const TaskId& unit) {
  auto it = held.lower_bound(TaskId{unit.connector, std::numeric_limits<int32_t>::min()});
  size_t n = 0;
  for (; it != held.end() && it->connector == unit.connector; ++it) ++n;
  return n;
}

// The group a unit belongs to for spreading: a task's connector; connectors are all one group.
std::string_view group_of(const std::string&) {
  return {};
}
std::string_view group_of(const TaskId& unit) {
  return unit.connector;
}

// Per group: the most units of it one member holds when the group is spread evenly over
// `members` members, ceil(configured / members).
template <typename U>
std::map<std::string, size_t, std::less<>> group_caps(const std::set<U>& configured,
                                                      size_t members) {
  std::map<std::string, size_t, std::less<>> caps;
  for (const U& unit : configured) ++caps[std::string(group_of(unit))];
  for (auto& [group, n] : caps) n = (n + members - 1) / members;
  return caps;
}

size_t cap_of(const std::map<std::string, size_t, std::less<>>& caps, std::string_view group) {
  auto it = caps.find(group);
  return it == caps.end() ? 0 : it->second;
}

// How many of `held` units of a group are beyond its cap.
size_t beyond_cap(size_t held, size_t cap) {
  return held > cap ? held - cap : 0;
}

// How many of the units a member holds are beyond their group's even spread.
template <typename U>
size_t spread_excess(const std::set<U>& held,
                     const std::map<std::string, size_t, std::less<>>& caps) {
  std::map<std::string_view, size_t> sizes;
  for (const U& unit : held) ++sizes[group_of(unit)];
  size_t excess = 0;
  for (const auto& [group, n] : sizes) excess += beyond_cap(n, cap_of(caps, group));
  return excess;
}

// The plan for one kind of unit (connectors or tasks) in one round.
template <typename U>
struct KindPlan {
  std::set<U> configured;
  std::map<std::string, std::set<U>> load;  // per member: what it will hold after this round
  std::set<U> free;                         // to hand out now
  std::map<U, std::string> preferred;       // free unit -> member that should get it if it can
  // Per member: free units the previous round meant for it (given or planned there), so that
  // its share this round can be the one it had.
  std::map<std::string, size_t> promised;
  std::map<std::string, std::set<U>> assigned;
  std::map<std::string, std::set<U>> revoked;

  void give(const std::string& member, const U& unit) {
    load[member].insert(unit);
    assigned[member].insert(unit);
  }
  void revoke(const std::string& member, const U& unit) {
    load[member].erase(unit);
    revoked[member].insert(unit);
  }
};

// Settles ownership of what the members report: work no longer configured is revoked, work
// reported by several members stays with one (the previous owner if it is among them, else the
// first by member id) and is revoked from the others; everything else stays where it is.
template <typename U>
void settle_reports(const std::vector<const GroupMember*>& members,
                    const std::map<U, std::string>& previous_owner, KindPlan<U>& plan) {
  std::map<U, std::vector<std::string>> reporters;
  for (const GroupMember* m : members) {
    plan.load[m->member_id];  // every member has an entry
    const auto& reported = [&]() -> const auto& {
      if constexpr (std::is_same_v<U, TaskId>) {
        return m->metadata.tasks;
      } else {
        return m->metadata.connectors;
      }
    }
    ();
    for (const U& unit : reported) {
      auto& ids = reporters[unit];
      if (ids.empty() || ids.back() != m->member_id) ids.push_back(m->member_id);
    }
  }
  for (const auto& [unit, ids] : reporters) {
    if (!plan.configured.contains(unit)) {
      for (const auto& id : ids) plan.revoked[id].insert(unit);
      continue;
    }
    std::string owner = ids.front();
    if (auto it = previous_owner.find(unit);
        it != previous_owner.end() && std::find(ids.begin(), ids.end(), it->second) != ids.end()) {
      owner = it->second;
    }
    for (const auto& id : ids) {
      if (id == owner) {
        plan.load[id].insert(unit);
      } else {
        plan.revoked[id].insert(unit);
      }
    }
  }
}

// Fills every member up to its share with the free units and revokes what a member holds beyond
// its share. Shares: total / n each, and the total % n members that hold the most now (counting
// what the previous round promised them) may hold one more, so that already balanced members
// never lose anything. Ties go to the member holding more, then to the one with more free units
// preferably for it, then to the one whose units are better spread over their groups (the other
// one then gives up a unit of its most crowded group), then to the lower member id.
template <typename U>
void balance(const std::vector<std::string>& ids, KindPlan<U>& plan) {
  size_t total = plan.free.size();
  for (const auto& id : ids) total += plan.load[id].size();
  const size_t base = total / ids.size();
  const size_t extra = total % ids.size();
  const auto caps = group_caps(plan.configured, ids.size());
  std::map<std::string, size_t> preferred_count;
  std::map<std::string, size_t> excess;
  for (const auto& id : ids) excess[id] = spread_excess(plan.load[id], caps);
  for (const U& unit : plan.free) {
    if (auto pref = plan.preferred.find(unit); pref != plan.preferred.end()) {
      ++preferred_count[pref->second];
    }
  }
  std::vector<std::string> order = ids;  // sorted by member id
  std::stable_sort(order.begin(), order.end(), [&](const std::string& a, const std::string& b) {
    const size_t held_a = plan.load[a].size();
    const size_t held_b = plan.load[b].size();
    const size_t due_a = held_a + plan.promised[a];
    const size_t due_b = held_b + plan.promised[b];
    if (due_a != due_b) return due_a > due_b;
    if (held_a != held_b) return held_a > held_b;
    if (preferred_count[a] != preferred_count[b]) return preferred_count[a] > preferred_count[b];
    return excess[a] < excess[b];
  });
  std::map<std::string, size_t> share;
  for (size_t i = 0; i < order.size(); ++i) share[order[i]] = base + (i < extra ? 1 : 0);
  auto room = [&](const std::string& id) -> size_t {
    size_t held = plan.load[id].size();
    return held < share[id] ? share[id] - held : 0;
  };

  // Units with a preferred member go back to it first, while it has room.
  for (auto it = plan.free.begin(); it != plan.free.end();) {
    auto pref = plan.preferred.find(*it);
    if (pref != plan.preferred.end() && share.contains(pref->second) && room(pref->second) > 0) {
      plan.give(pref->second, *it);
      it = plan.free.erase(it);
    } else {
      ++it;
    }
  }
  // The rest: to the member with room that holds the fewest of the unit's group, then the most
  // room, then the least work, then the lowest member id.
  for (const U& unit : plan.free) {
    const std::string* best = nullptr;
    std::tuple<size_t, size_t, size_t> best_key{};
    for (const auto& id : ids) {
      size_t r = room(id);
      if (r == 0) continue;
      std::tuple<size_t, size_t, size_t> key{same_group(plan.load[id], unit),
                                             std::numeric_limits<size_t>::max() - r,
                                             plan.load[id].size()};
      if (best == nullptr || key < best_key) {
        best = &id;
        best_key = key;
      }
    }
    // The shares add up to the total, so some member always has room; stay safe regardless.
    if (best == nullptr) best = &order.back();
    plan.give(*best, unit);
  }
  plan.free.clear();

  // Trim: revoke the surplus; it is handed out in the next round, once the member has let go.
  // From a member, revoke first from the group it holds most beyond that group's even spread,
  // then from its largest group (on a tie the last group), the last unit of that group.
  for (const auto& id : ids) {
    auto& held = plan.load[id];
    if (held.size() <= share[id]) continue;
    std::map<std::string, size_t> group_sizes;
    for (const U& unit : held) ++group_sizes[std::string(group_of(unit))];
    auto crowding = [&](const auto& group) {
      return std::pair{beyond_cap(group.second, cap_of(caps, group.first)), group.second};
    };
    while (held.size() > share[id]) {
      auto biggest = group_sizes.begin();
      for (auto it = group_sizes.begin(); it != group_sizes.end(); ++it) {
        if (crowding(*it) >= crowding(*biggest)) biggest = it;
      }
      auto victim = std::find_if(held.rbegin(), held.rend(),
                                 [&](const U& unit) { return group_of(unit) == biggest->first; });
      U copy = *victim;
      plan.revoke(id, copy);
      if (--biggest->second == 0) group_sizes.erase(biggest);
    }
  }
}

// Spreads each connector's tasks without changing any member's total. When a member holds at
// least two more tasks of connector C than another member, and that other one holds more tasks
// of some connector D than the first, they exchange one task of each. A task given in this very
// round simply goes to the other member instead; a task the member kept from before is revoked
// and planned for the other member in the next round (a move over two generations, as every
// move). Each exchange lowers the sum of the squares of the per-member, per-connector counts, so
// the loop ends, and a cluster whose config and members stay put stops exchanging. Every member
// keeps its total (held now plus planned), so the next round gives it the same share.
void plan_task_exchanges(const std::vector<std::string>& ids, KindPlan<TaskId>& plan,
                         std::map<std::string, std::set<TaskId>>& planned) {
  std::map<std::string, std::map<std::string, size_t>> counts;  // member -> connector -> tasks
  std::set<std::string> connectors;
  for (const TaskId& t : plan.configured) connectors.insert(t.connector);
  for (const auto& id : ids) {
    for (const TaskId& t : plan.load[id]) ++counts[id][t.connector];
  }
  auto count = [&](const std::string& id, const std::string& connector) -> size_t {
    const auto& per_connector = counts[id];
    auto it = per_connector.find(connector);
    return it == per_connector.end() ? 0 : it->second;
  };
  struct Pick {
    TaskId task;
    bool given_now;  // assigned in this round (nobody runs it yet)
  };
  // A task of `connector` the member holds: preferably one given in this round, else the
  // highest-numbered one it kept.
  auto pick = [&](const std::string& id, const std::string& connector) {
    std::optional<Pick> kept;
    auto given = plan.assigned.find(id);
    const auto& held = plan.load[id];
    for (auto it = held.rbegin(); it != held.rend(); ++it) {
      if (it->connector != connector) continue;
      if (given != plan.assigned.end() && given->second.contains(*it)) {
        return std::optional<Pick>(Pick{*it, true});
      }
      if (!kept) kept = Pick{*it, false};
    }
    return kept;
  };
  auto move = [&](const std::string& from, const std::string& to, const Pick& p) {
    if (p.given_now) {
      plan.load[from].erase(p.task);
      plan.assigned[from].erase(p.task);
      plan.give(to, p.task);
    } else {
      plan.revoke(from, p.task);
      planned[to].insert(p.task);
    }
    --counts[from][p.task.connector];
    ++counts[to][p.task.connector];
  };
  for (bool exchanged = true; exchanged;) {
    exchanged = false;
    for (const std::string& c : connectors) {
      const std::string* most = nullptr;
      const std::string* fewest = nullptr;
      for (const auto& id : ids) {
        if (most == nullptr || count(id, c) > count(*most, c)) most = &id;
        if (fewest == nullptr || count(id, c) < count(*fewest, c)) fewest = &id;
      }
      if (most == nullptr || count(*most, c) < count(*fewest, c) + 2) continue;
      std::optional<Pick> give_away = pick(*most, c);
      std::optional<Pick> take_back;
      size_t best_gain = 0;
      for (const auto& [d, n] : counts[*fewest]) {
        if (d == c || n <= count(*most, d) || n - count(*most, d) <= best_gain) continue;
        if (auto p = pick(*fewest, d)) {
          take_back = p;
          best_gain = n - count(*most, d);
        }
      }
      if (!give_away || !take_back) continue;
      const std::string from = *most;
      const std::string to = *fewest;
      move(from, to, *give_away);
      move(to, from, *take_back);
      exchanged = true;
    }
  }
}

template <typename U>
std::vector<U> as_vector(const std::map<std::string, std::set<U>>& per_member,
                         const std::string& id) {
  auto it = per_member.find(id);
  if (it == per_member.end()) return {};
  return {it->second.begin(), it->second.end()};
}

Status validate(const RoundInput& input, std::chrono::milliseconds max_delay) {
  if (max_delay.count() < 0) {
    return Status::invalid_argument("scheduled.rebalance.max.delay.ms is negative (" +
                                    std::to_string(max_delay.count()) + ")");
  }
  if (input.members.empty()) {
    return Status::invalid_argument("generation " + std::to_string(input.generation) +
                                    " has no members to assign to");
  }
  std::set<std::string> ids;
  for (const auto& m : input.members) {
    if (m.member_id.empty()) return Status::invalid_argument("a member has an empty member id");
    if (!ids.insert(m.member_id).second) {
      return Status::invalid_argument("member " + m.member_id + " is listed twice");
    }
  }
  if (!ids.contains(input.leader_id)) {
    return Status::invalid_argument("leader " + input.leader_id +
                                    " is not a member of generation " +
                                    std::to_string(input.generation));
  }
  for (const auto& [name, count] : input.config.task_counts) {
    if (name.empty())
      return Status::invalid_argument("config snapshot has an empty connector name");
    if (count < 0) {
      return Status::invalid_argument("connector " + name + " has a negative task count (" +
                                      std::to_string(count) + ")");
    }
  }
  return Status::ok();
}

int32_t delay_until(Clock::time_point deadline, Clock::time_point now) {
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
  if (left < 1) return 1;
  if (left > std::numeric_limits<int32_t>::max()) return std::numeric_limits<int32_t>::max();
  return static_cast<int32_t>(left);
}

}  // namespace

Result<RoundResult> IncrementalCooperativeAssignor::assign(const RoundInput& input,
                                                           const LeaderMemory& previous) const {
  SLUICE_RETURN_IF_ERROR(validate(input, options_.max_delay));

  std::vector<const GroupMember*> members;
  for (const auto& m : input.members) members.push_back(&m);
  std::sort(members.begin(), members.end(),
            [](const GroupMember* a, const GroupMember* b) { return a->member_id < b->member_id; });
  std::vector<std::string> ids;
  std::map<std::string, std::string> member_by_url;  // first member id (in order) per URL
  std::string leader_url;
  for (const GroupMember* m : members) {
    ids.push_back(m->member_id);
    if (!m->metadata.url.empty()) member_by_url.emplace(m->metadata.url, m->member_id);
    if (m->member_id == input.leader_id) leader_url = m->metadata.url;
  }
  // Memory is trusted only when it describes the generation right before this one: otherwise
  // another leader may have assigned in between.
  const bool memory_valid = previous.generation.has_value() &&
                            static_cast<int64_t>(*previous.generation) + 1 == input.generation;
  const LeaderMemory empty_memory;
  const LeaderMemory& memory = memory_valid ? previous : empty_memory;

  RoundResult result;
  result.memory.generation = input.generation;

  // A member that has read more of the config topic than the leader: nothing moves this round.
  for (const GroupMember* m : members) {
    if (m->metadata.config_offset <= input.config.offset) continue;
    result.memory.members = memory.members;
    result.memory.held = memory.held;
    for (const GroupMember* each : members) {
      auto& rec = result.memory.members[each->member_id];
      rec.url = each->metadata.url;
      rec.work.connectors = {each->metadata.connectors.begin(), each->metadata.connectors.end()};
      rec.work.tasks = {each->metadata.tasks.begin(), each->metadata.tasks.end()};
      Assignment a;
      a.error = kErrorConfigMismatch;
      a.leader_id = input.leader_id;
      a.leader_url = leader_url;
      a.config_offset = input.config.offset;
      result.assignments.emplace(each->member_id, std::move(a));
    }
    return result;
  }

  KindPlan<std::string> connectors;
  KindPlan<TaskId> tasks;
  for (const auto& [name, count] : input.config.task_counts) {
    connectors.configured.insert(name);
    for (int32_t i = 0; i < count; ++i) tasks.configured.insert(TaskId{name, i});
  }
  std::map<std::string, std::string> previous_connector_owner;
  std::map<TaskId, std::string> previous_task_owner;
  for (const auto& [id, rec] : memory.members) {
    for (const auto& c : rec.work.connectors) previous_connector_owner.emplace(c, id);
    for (const auto& t : rec.work.tasks) previous_task_owner.emplace(t, id);
  }
  settle_reports(members, previous_connector_owner, connectors);
  settle_reports(members, previous_task_owner, tasks);

  // Work that is configured and that no member holds now.
  std::set<std::string> held_connectors;
  std::set<TaskId> held_tasks;
  for (const auto& [id, load] : connectors.load) held_connectors.insert(load.begin(), load.end());
  for (const auto& [id, load] : tasks.load) held_tasks.insert(load.begin(), load.end());
  auto unowned = [&](const WorkSet& work) {
    WorkSet out;
    for (const auto& c : work.connectors) {
      if (connectors.configured.contains(c) && !held_connectors.contains(c)) {
        out.connectors.insert(c);
      }
    }
    for (const auto& t : work.tasks) {
      if (tasks.configured.contains(t) && !held_tasks.contains(t)) out.tasks.insert(t);
    }
    return out;
  };
  // Marks work as dealt with (held back or given a preferred member) so no later rule sees it.
  auto claim = [&](const WorkSet& work) {
    held_connectors.insert(work.connectors.begin(), work.connectors.end());
    held_tasks.insert(work.tasks.begin(), work.tasks.end());
  };
  auto prefer = [&](const WorkSet& work, const std::string& member_id) {
    for (const auto& c : work.connectors) connectors.preferred[c] = member_id;
    for (const auto& t : work.tasks) tasks.preferred[t] = member_id;
  };
  const bool hold_nothing = options_.max_delay.count() == 0;

  std::vector<HeldWork> held;
  // Work already held: back to its worker if it has rejoined (under any member id), out to
  // everyone once its deadline has passed, else held further.
  for (const HeldWork& h : memory.held) {
    WorkSet work = unowned(h.work);
    if (work.empty()) continue;
    claim(work);
    if (auto it = member_by_url.find(h.url); it != member_by_url.end()) {
      prefer(work, it->second);
    } else if (!hold_nothing && input.now < h.deadline) {
      held.push_back(HeldWork{h.member_id, h.url, h.lost_at, h.deadline, std::move(work)});
    }
  }
  // Members of the previous generation that are gone: their work is held from now on, unless
  // the same worker is back under a new member id or nothing is to be held.
  std::set<std::string> present(ids.begin(), ids.end());
  for (const auto& [id, rec] : memory.members) {
    if (present.contains(id)) continue;
    WorkSet work = unowned(rec.work);
    if (work.empty()) continue;
    claim(work);
    if (auto it = member_by_url.find(rec.url); it != member_by_url.end()) {
      prefer(work, it->second);
    } else if (!hold_nothing) {
      held.push_back(HeldWork{id, rec.url, input.now, input.now + options_.max_delay, work});
    }
  }
  // What a present member was given last round but does not report (it may have missed the
  // assignment), and what was planned for it last round, go preferably to it.
  for (const auto& [id, rec] : memory.members) {
    if (!present.contains(id)) continue;
    for (const WorkSet* source : {&rec.work, &rec.planned}) {
      WorkSet work = unowned(*source);
      claim(work);
      prefer(work, id);
      connectors.promised[id] += work.connectors.size();
      tasks.promised[id] += work.tasks.size();
    }
  }

  // Everything configured that is neither held by a member nor held back is handed out now.
  std::set<std::string> held_back_connectors;
  std::set<TaskId> held_back_tasks;
  for (const auto& h : held) {
    held_back_connectors.insert(h.work.connectors.begin(), h.work.connectors.end());
    held_back_tasks.insert(h.work.tasks.begin(), h.work.tasks.end());
  }
  std::set<std::string> owned_connectors;
  std::set<TaskId> owned_tasks;
  for (const auto& [id, load] : connectors.load) owned_connectors.insert(load.begin(), load.end());
  for (const auto& [id, load] : tasks.load) owned_tasks.insert(load.begin(), load.end());
  for (const auto& c : connectors.configured) {
    if (!owned_connectors.contains(c) && !held_back_connectors.contains(c))
      connectors.free.insert(c);
  }
  for (const auto& t : tasks.configured) {
    if (!owned_tasks.contains(t) && !held_back_tasks.contains(t)) tasks.free.insert(t);
  }

  balance(ids, connectors);
  balance(ids, tasks);
  // Once nothing is held back or revoked, spread each connector's tasks further by exchanges.
  std::map<std::string, std::set<TaskId>> planned_tasks;
  if (held.empty() && connectors.revoked.empty() && tasks.revoked.empty()) {
    plan_task_exchanges(ids, tasks, planned_tasks);
  }

  std::sort(held.begin(), held.end(), [](const HeldWork& a, const HeldWork& b) {
    return std::tie(a.deadline, a.member_id) < std::tie(b.deadline, b.member_id);
  });
  const int32_t delay_ms = held.empty() ? 0 : delay_until(held.front().deadline, input.now);

  for (const GroupMember* m : members) {
    const std::string& id = m->member_id;
    Assignment a;
    a.error = kErrorNone;
    a.leader_id = input.leader_id;
    a.leader_url = leader_url;
    a.config_offset = input.config.offset;
    a.connectors = as_vector(connectors.assigned, id);
    a.tasks = as_vector(tasks.assigned, id);
    a.revoked_connectors = as_vector(connectors.revoked, id);
    a.revoked_tasks = as_vector(tasks.revoked, id);
    a.delay_ms = delay_ms;
    result.assignments.emplace(id, std::move(a));
    auto& rec = result.memory.members[id];
    rec.url = m->metadata.url;
    rec.work.connectors = connectors.load[id];
    rec.work.tasks = tasks.load[id];
    if (auto it = planned_tasks.find(id); it != planned_tasks.end()) rec.planned.tasks = it->second;
  }
  result.memory.held = std::move(held);
  return result;
}

}  // namespace sluice::assignment
