// The group APIs: JoinGroup (11), SyncGroup (14), Heartbeat (12), LeaveGroup (13),
// OffsetCommit (8), OffsetFetch (9), ListGroups (16), DescribeGroups (15), DeleteGroups (42).
// Each handler copies the request into the coordinator's plain argument types and the result
// back into the response; the coordinator (coordinator/group_coordinator.h) holds the logic.
#include "broker-lite/coordinator/group_coordinator.h"
#include "broker-lite/server/api_table.h"
#include "broker-lite/server/broker.h"
#include "broker-lite/server/handlers/handler_util.h"
#include "broker-lite/server/kafka_errors.h"
#include "broker-lite/server/topic_manager.h"

namespace sluice::broker {
namespace {

template <typename T>
std::span<const uint8_t> as_bytes(const std::vector<T>& v) {
  return {v.data(), v.size()};
}

// Copies the coordinator's OffsetFetch result into the response's topic list (the v0-7 and the
// v8+ layouts have the same fields under different struct names).
template <typename Topic>
void copy_fetched_offsets(const coord::OffsetFetchResult& r, std::vector<Topic>& out) {
  for (const auto& t : r.topics) {
    Topic rt;
    rt.name = t.name;
    for (const auto& p : t.partitions) {
      typename decltype(rt.partitions)::value_type rp;
      rp.partition_index = p.partition;
      rp.committed_offset = p.offset;
      rp.committed_leader_epoch = p.leader_epoch;
      rp.metadata = p.metadata;
      rp.error_code = p.error_code;
      rt.partitions.push_back(std::move(rp));
    }
    out.push_back(std::move(rt));
  }
}

}  // namespace

void handle_join_group(Broker& broker, const RequestPtr& request) {
  kafka::JoinGroupRequest req;
  if (!decode_or_close(request, req)) return;
  coord::JoinGroupArgs args;
  args.group_id = req.group_id;
  args.member_id = req.member_id;
  args.group_instance_id = req.group_instance_id;
  args.client_id = request->client_id();
  args.client_host = "/" + request->client_host;
  args.session_timeout_ms = req.session_timeout_ms;
  args.rebalance_timeout_ms = req.rebalance_timeout_ms;
  args.protocol_type = req.protocol_type;
  for (const auto& p : req.protocols) args.protocols.push_back({p.name, p.metadata});
  args.require_known_member_id = request->version() >= 4;
  const int16_t version = request->version();
  broker.groups().join_group(args, broker.now_ms(), [request, version](coord::JoinGroupResult r) {
    kafka::JoinGroupResponse resp;
    resp.error_code = r.error_code;
    resp.generation_id = r.generation_id;
    resp.protocol_type = r.protocol_type;
    // Before v7 the protocol name is not nullable: an empty string stands for "none".
    resp.protocol_name =
        version >= 7 ? r.protocol_name : std::optional<std::string>(r.protocol_name.value_or(""));
    resp.leader = r.leader;
    resp.skip_assignment = r.skip_assignment;
    resp.member_id = r.member_id;
    for (const auto& m : r.members) {
      kafka::JoinGroupResponse::JoinGroupResponseMember jm;
      jm.member_id = m.member_id;
      jm.group_instance_id = m.group_instance_id;
      jm.metadata = as_bytes(m.metadata);
      resp.members.push_back(std::move(jm));
    }
    request->reply(resp);  // encodes now, while r still owns the metadata bytes
  });
}

void handle_sync_group(Broker& broker, const RequestPtr& request) {
  kafka::SyncGroupRequest req;
  if (!decode_or_close(request, req)) return;
  coord::SyncGroupArgs args;
  args.group_id = req.group_id;
  args.generation_id = req.generation_id;
  args.member_id = req.member_id;
  args.group_instance_id = req.group_instance_id;
  args.protocol_type = req.protocol_type;
  args.protocol_name = req.protocol_name;
  for (const auto& a : req.assignments) args.assignments.push_back({a.member_id, a.assignment});
  broker.groups().sync_group(args, broker.now_ms(), [request](coord::SyncGroupResult r) {
    kafka::SyncGroupResponse resp;
    resp.error_code = r.error_code;
    resp.protocol_type = r.protocol_type;
    resp.protocol_name = r.protocol_name;
    resp.assignment = as_bytes(r.assignment);
    request->reply(resp);
  });
}

void handle_heartbeat(Broker& broker, const RequestPtr& request) {
  kafka::HeartbeatRequest req;
  if (!decode_or_close(request, req)) return;
  coord::HeartbeatArgs args{req.group_id, req.generation_id, req.member_id, req.group_instance_id};
  kafka::HeartbeatResponse resp;
  resp.error_code = broker.groups().heartbeat(args, broker.now_ms());
  request->reply(resp);
}

void handle_leave_group(Broker& broker, const RequestPtr& request) {
  kafka::LeaveGroupRequest req;
  if (!decode_or_close(request, req)) return;
  coord::LeaveGroupArgs args;
  args.group_id = req.group_id;
  if (request->version() < 3) {
    args.members.push_back({req.member_id, std::nullopt});
  } else {
    for (const auto& m : req.members) args.members.push_back({m.member_id, m.group_instance_id});
  }
  coord::LeaveGroupResult r = broker.groups().leave_group(args, broker.now_ms());
  kafka::LeaveGroupResponse resp;
  resp.error_code = r.error_code;
  if (request->version() < 3 && resp.error_code == 0 && !r.members.empty())
    resp.error_code = r.members[0].error_code;
  for (const auto& m : r.members) {
    kafka::LeaveGroupResponse::MemberResponse mr;
    mr.member_id = m.member_id;
    mr.group_instance_id = m.group_instance_id;
    mr.error_code = m.error_code;
    resp.members.push_back(std::move(mr));
  }
  request->reply(resp);
}

void handle_offset_commit(Broker& broker, const RequestPtr& request) {
  kafka::OffsetCommitRequest req;
  if (!decode_or_close(request, req)) return;
  coord::OffsetCommitArgs args;
  args.group_id = req.group_id;
  args.generation_id = req.generation_id_or_member_epoch;
  args.member_id = req.member_id;
  args.group_instance_id = req.group_instance_id;
  // Partitions of unknown topics are answered here; the rest go to the coordinator.
  kafka::OffsetCommitResponse unknown;
  for (const auto& t : req.topics) {
    coord::OffsetCommitTopic ct;
    ct.name = t.name;
    kafka::OffsetCommitResponse::OffsetCommitResponseTopic missing;
    missing.name = t.name;
    for (const auto& p : t.partitions) {
      if (!broker.topics().find_partition(t.name, p.partition_index)) {
        missing.partitions.push_back({p.partition_index, kUnknownTopicOrPartition});
        continue;
      }
      coord::OffsetCommitPartition cp;
      cp.partition = p.partition_index;
      cp.offset = p.committed_offset;
      cp.leader_epoch = p.committed_leader_epoch;
      cp.metadata = p.committed_metadata;
      cp.commit_timestamp_ms = p.commit_timestamp;
      ct.partitions.push_back(std::move(cp));
    }
    if (!ct.partitions.empty()) args.topics.push_back(std::move(ct));
    if (!missing.partitions.empty()) unknown.topics.push_back(std::move(missing));
  }
  auto unknown_shared = std::make_shared<kafka::OffsetCommitResponse>(std::move(unknown));
  auto answer = [request, unknown_shared](coord::OffsetCommitResult r) {
    kafka::OffsetCommitResponse resp = std::move(*unknown_shared);
    for (const auto& t : r.topics) {
      kafka::OffsetCommitResponse::OffsetCommitResponseTopic rt;
      rt.name = t.name;
      for (const auto& p : t.partitions) rt.partitions.push_back({p.partition, p.error_code});
      resp.topics.push_back(std::move(rt));
    }
    request->reply(resp);
  };
  if (args.topics.empty()) {
    answer(coord::OffsetCommitResult{});
    return;
  }
  broker.groups().commit_offsets(args, broker.now_ms(), answer);
}

void handle_offset_fetch(Broker& broker, const RequestPtr& request) {
  kafka::OffsetFetchRequest req;
  if (!decode_or_close(request, req)) return;
  kafka::OffsetFetchResponse resp;
  auto fetch = [&](const std::string& group,
                   const std::optional<std::vector<coord::OffsetFetchTopic>>& topics) {
    coord::OffsetFetchArgs args{group, topics};
    return broker.groups().fetch_offsets(args);
  };
  if (request->version() < 8) {
    std::optional<std::vector<coord::OffsetFetchTopic>> topics;
    if (req.topics) {
      topics.emplace();
      for (const auto& t : *req.topics) topics->push_back({t.name, t.partition_indexes});
    }
    coord::OffsetFetchResult r = fetch(req.group_id, topics);
    resp.error_code = r.error_code;
    copy_fetched_offsets(r, resp.topics);
    // Before v2 there is no top-level error code: it travels in each partition.
    if (request->version() < 2 && r.error_code != 0) {
      for (auto& t : resp.topics) {
        for (auto& p : t.partitions) p.error_code = r.error_code;
      }
    }
  } else {
    for (const auto& g : req.groups) {
      std::optional<std::vector<coord::OffsetFetchTopic>> topics;
      if (g.topics) {
        topics.emplace();
        for (const auto& t : *g.topics) topics->push_back({t.name, t.partition_indexes});
      }
      coord::OffsetFetchResult r = fetch(g.group_id, topics);
      kafka::OffsetFetchResponse::OffsetFetchResponseGroup rg;
      rg.group_id = g.group_id;
      rg.error_code = r.error_code;
      copy_fetched_offsets(r, rg.topics);
      resp.groups.push_back(std::move(rg));
    }
  }
  request->reply(resp);
}

void handle_list_groups(Broker& broker, const RequestPtr& request) {
  kafka::ListGroupsRequest req;
  if (!decode_or_close(request, req)) return;
  kafka::ListGroupsResponse resp;
  for (const auto& g : broker.groups().list_groups(req.states_filter)) {
    kafka::ListGroupsResponse::ListedGroup lg;
    lg.group_id = g.group_id;
    lg.protocol_type = g.protocol_type;
    lg.group_state = g.state;
    lg.group_type = "classic";
    resp.groups.push_back(std::move(lg));
  }
  request->reply(resp);
}

void handle_describe_groups(Broker& broker, const RequestPtr& request) {
  kafka::DescribeGroupsRequest req;
  if (!decode_or_close(request, req)) return;
  kafka::DescribeGroupsResponse resp;
  // `described` owns the member bytes the response views while it is encoded.
  std::vector<coord::DescribedGroup> described = broker.groups().describe_groups(req.groups);
  for (const auto& g : described) {
    kafka::DescribeGroupsResponse::DescribedGroup dg;
    dg.error_code = g.error_code;
    dg.group_id = g.group_id;
    dg.group_state = g.state;
    dg.protocol_type = g.protocol_type;
    dg.protocol_data = g.protocol_data;
    for (const auto& m : g.members) {
      kafka::DescribeGroupsResponse::DescribedGroupMember dm;
      dm.member_id = m.member_id;
      dm.group_instance_id = m.group_instance_id;
      dm.client_id = m.client_id;
      dm.client_host = m.client_host;
      dm.member_metadata = as_bytes(m.metadata);
      dm.member_assignment = as_bytes(m.assignment);
      dg.members.push_back(std::move(dm));
    }
    resp.groups.push_back(std::move(dg));
  }
  request->reply(resp);
}

void handle_delete_groups(Broker& broker, const RequestPtr& request) {
  kafka::DeleteGroupsRequest req;
  if (!decode_or_close(request, req)) return;
  broker.groups().delete_groups(req.groups_names, broker.now_ms(),
                                [request](std::vector<coord::DeleteGroupResult> results) {
                                  kafka::DeleteGroupsResponse resp;
                                  for (const auto& r : results)
                                    resp.results.push_back({r.group_id, r.error_code});
                                  request->reply(resp);
                                });
}

}  // namespace sluice::broker
