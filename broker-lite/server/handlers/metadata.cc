// Metadata (key 3): this node as the only broker and the controller (CLIENTS.md P6), and the
// requested topics, auto-creating unknown ones when both the broker and the request allow it (P7).
#include "broker-lite/server/api_table.h"
#include "broker-lite/server/broker.h"
#include "broker-lite/server/handlers/handler_util.h"
#include "broker-lite/server/kafka_errors.h"
#include "broker-lite/server/topic_manager.h"
#include "broker-lite/util/logging.h"

namespace sluice::broker {
namespace {

kafka::MetadataResponse::MetadataResponseTopic describe_topic(Broker& broker, const Topic& topic) {
  kafka::MetadataResponse::MetadataResponseTopic t;
  t.name = topic.name;
  t.topic_id = topic.id;
  t.is_internal = topic.internal;
  for (const auto& p : topic.partitions) {
    kafka::MetadataResponse::MetadataResponsePartition mp;
    mp.partition_index = p->index;
    mp.leader_id = broker.node_id();
    mp.leader_epoch = 0;
    mp.replica_nodes = {broker.node_id()};
    mp.isr_nodes = {broker.node_id()};
    t.partitions.push_back(std::move(mp));
  }
  return t;
}

kafka::MetadataResponse::MetadataResponseTopic topic_error(const std::string& name, int16_t code) {
  kafka::MetadataResponse::MetadataResponseTopic t;
  t.name = name;
  t.error_code = code;
  return t;
}

}  // namespace

void handle_metadata(Broker& broker, const RequestPtr& request) {
  kafka::MetadataRequest req;
  if (!decode_or_close(request, req)) return;
  kafka::MetadataResponse resp;
  kafka::MetadataResponse::MetadataResponseBroker self;
  self.node_id = broker.node_id();
  self.host = broker.advertised_host();
  self.port = broker.advertised_port();
  resp.brokers.push_back(std::move(self));
  resp.cluster_id = broker.cluster_id();
  resp.controller_id = broker.node_id();

  TopicManager& topics = broker.topics();
  // v0: an empty list means every topic; v1+: a null list does.
  const bool all_topics =
      !req.topics.has_value() || (request->version() == 0 && req.topics->empty());
  if (all_topics) {
    for (Topic* t : topics.all()) resp.topics.push_back(describe_topic(broker, *t));
  } else {
    const bool may_create = broker.config().auto_create_topics && req.allow_auto_topic_creation;
    for (const auto& wanted : *req.topics) {
      if (!wanted.name) {
        // v10+: a topic named by its id only.
        Topic* by_id = nullptr;
        for (Topic* t : topics.all()) {
          if (t->id == wanted.topic_id) by_id = t;
        }
        if (by_id) {
          resp.topics.push_back(describe_topic(broker, *by_id));
        } else {
          auto unknown = topic_error("", kUnknownTopicIdError);
          unknown.name = std::nullopt;
          unknown.topic_id = wanted.topic_id;
          resp.topics.push_back(std::move(unknown));
        }
        continue;
      }
      const std::string& name = *wanted.name;
      if (Topic* t = topics.find(name)) {
        resp.topics.push_back(describe_topic(broker, *t));
        continue;
      }
      if (!TopicManager::validate_name(name).is_ok()) {
        resp.topics.push_back(topic_error(name, kInvalidTopicException));
        continue;
      }
      if (!may_create) {
        resp.topics.push_back(topic_error(name, kUnknownTopicOrPartition));
        continue;
      }
      auto created = topics.create(name, -1, {}, false, broker.now_ms());
      if (!created) {
        SLUICE_LOG(kWarn, "metadata",
                   "auto-creating topic '" + name + "' failed: " + created.status().to_string());
        resp.topics.push_back(topic_error(name, kLeaderNotAvailable));
        continue;
      }
      SLUICE_LOG(kInfo, "metadata",
                 "auto-created topic '" + name + "' for client '" + request->client_id() + "'");
      resp.topics.push_back(describe_topic(broker, **created));
    }
  }
  request->reply(resp);
}

}  // namespace sluice::broker
