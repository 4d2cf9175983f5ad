// CreateTopics (key 19), DeleteTopics (key 20) and CreatePartitions (key 37): topic
// administration on this single node (replication factor 1, replicas = this node).
#include <set>

#include "broker-lite/server/api_table.h"
#include "broker-lite/server/broker.h"
#include "broker-lite/server/fetch_waiters.h"
#include "broker-lite/server/handlers/handler_util.h"
#include "broker-lite/server/kafka_errors.h"
#include "broker-lite/server/topic_manager.h"

namespace sluice::broker {
namespace {

// Checks the replica assignment of one partition: it must name exactly this node.
bool assignment_is_this_node(const std::vector<int32_t>& brokers, int32_t node_id) {
  return brokers.size() == 1 && brokers[0] == node_id;
}

}  // namespace

void handle_create_topics(Broker& broker, const RequestPtr& request) {
  kafka::CreateTopicsRequest req;
  if (!decode_or_close(request, req)) return;
  kafka::CreateTopicsResponse resp;
  std::set<std::string> seen, duplicated;
  for (const auto& t : req.topics) {
    if (!seen.insert(t.name).second) duplicated.insert(t.name);
  }
  for (const auto& t : req.topics) {
    kafka::CreateTopicsResponse::CreatableTopicResult result;
    result.name = t.name;
    auto fail = [&](int16_t code, std::string message) {
      result.error_code = code;
      result.error_message = std::move(message);
    };
    int32_t partitions = t.num_partitions;
    std::map<std::string, std::string> overrides;
    for (const auto& c : t.configs) {
      if (c.value) overrides[c.name] = *c.value;
    }
    if (duplicated.count(t.name)) {
      fail(kInvalidRequest, "topic '" + t.name + "' appears more than once in the request");
    } else if (Status s = TopicManager::validate_name(t.name); !s) {
      fail(kInvalidTopicException, std::string(s.message()));
    } else if (broker.topics().find(t.name)) {
      fail(kTopicAlreadyExists, "topic '" + t.name + "' already exists");
    } else if (!t.assignments.empty() && t.num_partitions != -1) {
      fail(kInvalidRequest, "give either num_partitions or a replica assignment, not both");
    } else if (t.assignments.empty() && (partitions == 0 || partitions < -1)) {
      fail(kInvalidPartitions, "num_partitions must be positive (or -1 for num.partitions), got " +
                                   std::to_string(partitions));
    } else if (t.replication_factor != -1 && t.replication_factor != 1) {
      fail(kInvalidReplicationFactor, "replication factor " + std::to_string(t.replication_factor) +
                                          " is impossible on a single node; use 1");
    } else {
      bool assignment_ok = true;
      for (const auto& a : t.assignments) {
        if (!assignment_is_this_node(a.broker_ids, broker.node_id())) assignment_ok = false;
      }
      if (!assignment_ok) {
        fail(kInvalidReplicaAssignment,
             "replica assignments must name only broker " + std::to_string(broker.node_id()));
      } else if (Status s = validate_topic_configs(overrides); !s) {
        fail(kInvalidConfig, std::string(s.message()));
      } else {
        if (!t.assignments.empty()) partitions = static_cast<int32_t>(t.assignments.size());
        auto created = broker.topics().create(t.name, partitions, overrides, req.validate_only,
                                              broker.now_ms());
        if (!created) {
          fail(created.status().code() == StatusCode::kAlreadyExists ? kTopicAlreadyExists
                                                                     : kKafkaStorageError,
               std::string(created.status().message()));
        } else {
          Topic* topic = *created;
          result.topic_id = topic ? topic->id : kafka::Uuid{};
          result.num_partitions = partitions == -1 ? broker.config().num_partitions : partitions;
          result.replication_factor = 1;
          std::vector<kafka::CreateTopicsResponse::CreatableTopicConfigs> configs;
          for (const auto& e : effective_topic_configs(broker.config(), overrides)) {
            kafka::CreateTopicsResponse::CreatableTopicConfigs c;
            c.name = e.name;
            c.value = e.value;
            c.config_source = e.is_default ? 5 : 1;  // DEFAULT_CONFIG : DYNAMIC_TOPIC_CONFIG
            configs.push_back(std::move(c));
          }
          result.configs = std::move(configs);
        }
      }
    }
    resp.topics.push_back(std::move(result));
  }
  request->reply(resp);
}

void handle_delete_topics(Broker& broker, const RequestPtr& request) {
  kafka::DeleteTopicsRequest req;
  if (!decode_or_close(request, req)) return;
  kafka::DeleteTopicsResponse resp;
  std::vector<std::pair<std::optional<std::string>, kafka::Uuid>> targets;
  for (const auto& n : req.topic_names) targets.emplace_back(n, kafka::Uuid{});
  for (const auto& t : req.topics) targets.emplace_back(t.name, t.topic_id);
  for (auto& [name, id] : targets) {
    kafka::DeleteTopicsResponse::DeletableTopicResult r;
    r.topic_id = id;
    if (!name) {  // by id
      for (Topic* t : broker.topics().all()) {
        if (t->id == id) name = t->name;
      }
    }
    r.name = name;
    Topic* topic = name ? broker.topics().find(*name) : nullptr;
    if (!broker.config().delete_topic_enable) {
      r.error_code = kTopicDeletionDisabled;
      r.error_message = "delete.topic.enable is false";
    } else if (!topic) {
      r.error_code = kUnknownTopicOrPartition;
      r.error_message = "no such topic";
    } else if (topic->internal) {
      r.error_code = kInvalidTopicException;
      r.error_message = "internal topics cannot be deleted";
    } else {
      r.topic_id = topic->id;
      std::string deleted = topic->name;
      Status s = broker.topics().remove(deleted);
      if (!s) {
        r.error_code = kKafkaStorageError;
        r.error_message = std::string(s.message());
      } else {
        broker.fetch_waiters().topic_removed(deleted);
      }
    }
    resp.responses.push_back(std::move(r));
  }
  request->reply(resp);
}

void handle_create_partitions(Broker& broker, const RequestPtr& request) {
  kafka::CreatePartitionsRequest req;
  if (!decode_or_close(request, req)) return;
  kafka::CreatePartitionsResponse resp;
  for (const auto& t : req.topics) {
    kafka::CreatePartitionsResponse::CreatePartitionsTopicResult r;
    r.name = t.name;
    Topic* topic = broker.topics().find(t.name);
    bool assignment_ok = true;
    if (t.assignments) {
      for (const auto& a : *t.assignments) {
        if (!assignment_is_this_node(a.broker_ids, broker.node_id())) assignment_ok = false;
      }
    }
    if (!topic) {
      r.error_code = kUnknownTopicOrPartition;
      r.error_message = "no such topic";
    } else if (!assignment_ok) {
      r.error_code = kInvalidReplicaAssignment;
      r.error_message =
          "replica assignments must name only broker " + std::to_string(broker.node_id());
    } else if (t.count <= static_cast<int32_t>(topic->partitions.size())) {
      r.error_code = kInvalidPartitions;
      r.error_message = "topic '" + t.name + "' has " + std::to_string(topic->partitions.size()) +
                        " partitions; the new count must be larger, got " + std::to_string(t.count);
    } else if (Status s = broker.topics().add_partitions(t.name, t.count, req.validate_only,
                                                         broker.now_ms());
               !s) {
      r.error_code = kInvalidPartitions;
      r.error_message = std::string(s.message());
    }
    resp.results.push_back(std::move(r));
  }
  request->reply(resp);
}

}  // namespace sluice::broker
