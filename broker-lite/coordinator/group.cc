// Queries on one group's state (see group.h).
#include "broker-lite/coordinator/group.h"

#include <algorithm>

namespace sluice::coord {

std::string_view group_state_name(GroupState state) {
  switch (state) {
    case GroupState::kEmpty:
      return "Empty";
    case GroupState::kPreparingRebalance:
      return "PreparingRebalance";
    case GroupState::kCompletingRebalance:
      return "CompletingRebalance";
    case GroupState::kStable:
      return "Stable";
    case GroupState::kDead:
      return "Dead";
  }
  return "Dead";
}

const std::vector<uint8_t>* GroupMember::metadata_for(std::string_view protocol) const {
  for (const MemberProtocol& p : protocols) {
    if (p.name == protocol) return &p.metadata;
  }
  return nullptr;
}

bool GroupMember::same_protocols(const std::vector<JoinGroupProtocol>& other) const {
  if (other.size() != protocols.size()) return false;
  for (size_t i = 0; i < other.size(); ++i) {
    if (other[i].name != protocols[i].name ||
        !std::equal(other[i].metadata.begin(), other[i].metadata.end(),
                    protocols[i].metadata.begin(), protocols[i].metadata.end())) {
      return false;
    }
  }
  return true;
}

std::vector<MemberProtocol> copy_protocols(const std::vector<JoinGroupProtocol>& protocols) {
  std::vector<MemberProtocol> out;
  out.reserve(protocols.size());
  for (const JoinGroupProtocol& p : protocols) {
    out.push_back({p.name, std::vector<uint8_t>(p.metadata.begin(), p.metadata.end())});
  }
  return out;
}

bool Group::all_members_joined() const {
  if (!pending_members.empty()) return false;
  return std::all_of(members.begin(), members.end(),
                     [](const auto& kv) { return kv.second.awaiting_join(); });
}

int32_t Group::max_rebalance_timeout_ms() const {
  int32_t max = 0;
  for (const auto& [id, m] : members) max = std::max(max, m.rebalance_timeout_ms);
  return max;
}

bool Group::supports(std::string_view type, const std::vector<JoinGroupProtocol>& protocols) const {
  if (members.empty()) return !type.empty() && !protocols.empty();
  if (type != protocol_type) return false;
  for (const JoinGroupProtocol& p : protocols) {
    const bool everyone = std::all_of(members.begin(), members.end(), [&](const auto& kv) {
      return kv.second.metadata_for(p.name) != nullptr;
    });
    if (everyone) return true;
  }
  return false;
}

std::optional<std::string> Group::select_protocol() const {
  if (members.empty()) return std::nullopt;
  // Candidates: protocols every member supports, in the first member's order.
  std::vector<std::string_view> candidates;
  for (const MemberProtocol& p : members.begin()->second.protocols) {
    const bool everyone = std::all_of(members.begin(), members.end(), [&](const auto& kv) {
      return kv.second.metadata_for(p.name) != nullptr;
    });
    if (everyone) candidates.push_back(p.name);
  }
  if (candidates.empty()) return std::nullopt;
  std::vector<int> votes(candidates.size(), 0);
  for (const auto& [id, m] : members) {
    for (const MemberProtocol& p : m.protocols) {
      auto it = std::find(candidates.begin(), candidates.end(), p.name);
      if (it != candidates.end()) {
        ++votes[static_cast<size_t>(it - candidates.begin())];
        break;
      }
    }
  }
  const size_t best = static_cast<size_t>(std::max_element(votes.begin(), votes.end()) -
                                          votes.begin());  // first maximum wins ties
  return std::string(candidates[best]);
}

GroupRecordValue Group::to_record() const {
  GroupRecordValue r;
  r.protocol_type = protocol_type;
  r.generation = generation;
  r.protocol = protocol_name;
  r.leader = leader;
  r.current_state_timestamp_ms = state_timestamp_ms;
  r.members.reserve(members.size());
  for (const auto& [id, m] : members) {
    GroupRecordMember rm;
    rm.member_id = m.member_id;
    rm.group_instance_id = m.group_instance_id;
    rm.client_id = m.client_id;
    rm.client_host = m.client_host;
    rm.rebalance_timeout_ms = m.rebalance_timeout_ms;
    rm.session_timeout_ms = m.session_timeout_ms;
    if (protocol_name) {
      if (const std::vector<uint8_t>* md = m.metadata_for(*protocol_name)) rm.subscription = *md;
    }
    rm.assignment = m.assignment;
    r.members.push_back(std::move(rm));
  }
  return r;
}

}  // namespace sluice::coord
