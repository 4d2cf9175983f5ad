// FindCoordinator (key 10) and DescribeCluster (key 60): on a single node the coordinator of
// every group and transaction is this broker, which is also the controller.
#include "broker-lite/server/api_table.h"
#include "broker-lite/server/broker.h"
#include "broker-lite/server/handlers/handler_util.h"
#include "broker-lite/server/kafka_errors.h"

namespace sluice::broker {

void handle_find_coordinator(Broker& broker, const RequestPtr& request) {
  kafka::FindCoordinatorRequest req;
  if (!decode_or_close(request, req)) return;
  kafka::FindCoordinatorResponse resp;
  if (req.key_type != 0 && req.key_type != 1) {
    resp.error_code = kInvalidRequest;
    resp.error_message = "unknown coordinator key type " + std::to_string(req.key_type);
  } else {
    resp.node_id = broker.node_id();
    resp.host = broker.advertised_host();
    resp.port = broker.advertised_port();
  }
  for (const auto& key : req.coordinator_keys) {  // v4+: batched
    kafka::FindCoordinatorResponse::Coordinator c;
    c.key = key;
    c.node_id = resp.node_id;
    c.host = resp.host;
    c.port = resp.port;
    c.error_code = resp.error_code;
    resp.coordinators.push_back(std::move(c));
  }
  request->reply(resp);
}

void handle_describe_cluster(Broker& broker, const RequestPtr& request) {
  kafka::DescribeClusterRequest req;
  if (!decode_or_close(request, req)) return;
  kafka::DescribeClusterResponse resp;
  resp.cluster_id = broker.cluster_id();
  resp.controller_id = broker.node_id();
  kafka::DescribeClusterResponse::DescribeClusterBroker self;
  self.broker_id = broker.node_id();
  self.host = broker.advertised_host();
  self.port = broker.advertised_port();
  resp.brokers.push_back(std::move(self));
  request->reply(resp);
}

}  // namespace sluice::broker
