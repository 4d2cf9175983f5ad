// DistributedHerder: the control plane of a worker in a cluster (`sluice distributed`). It keeps
// the cluster's configuration in the config topic (ConfigState), statuses in the status topic
// (StatusState), takes part in the group (GroupMember) and turns each assignment into Worker
// calls; as leader it assigns work (IncrementalCooperativeAssignor) and is the only writer of the
// config topic. REST writes reach it through ClusterRouting (forwarded to the leader by the REST
// layer). Design: docs/design/distributed.md.
//
// Threads. One control thread runs a loop: queued jobs (REST requests, config changes read by
// the config topic's reader, plugin requests), then GroupMember::poll for at most 50 ms, then the
// event it returned. The Worker is called only from this thread (worker.h). Reader threads of
// the state topics only apply records to ConfigState/StatusState and queue a job. REST threads
// post jobs and wait for them (90 s), except routing decisions, which read a small locked copy.
//
// Fencing: GroupMember reports Lost when it cannot prove its membership for longer than the
// fencing bound; the loop then stops every connector and task here before anything else.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "runtime/assignment/incremental_assignor.h"
#include "runtime/assignment/protocol_data.h"
#include "runtime/clusterstate/config_state.h"
#include "runtime/clusterstate/status_state.h"
#include "runtime/kafka/conf.h"
#include "runtime/membership/group_member.h"
#include "runtime/rest/cluster_routing.h"
#include "runtime/rest/herder_api.h"
#include "runtime/statelog/state_topic.h"
#include "runtime/worker/connector_validator.h"
#include "runtime/worker/job_queue.h"
#include "runtime/worker/status_store.h"
#include "runtime/worker/worker.h"
#include "runtime/worker/worker_services.h"

namespace sluice::distributed {

// Sends task configs of `connector` to the leader at `leader_url` (the REST layer's signed
// internal request). Set by main; called on the control thread.
using TaskConfigSender =
    std::function<Status(const std::string& leader_url, const std::string& connector,
                         const std::vector<config::Props>& configs)>;

class DistributedHerder final : public rest::HerderApi,
                                public rest::ClusterRouting,
                                private worker::WorkerListener {
 public:
  // `services` pointers are borrowed and must outlive the herder; services.offsets is the
  // offsets topic store, services.status this worker's own StatusStore (its changes are
  // published to the status topic). `client_props`: bootstrap.servers and security settings
  // for the state topics and the group client.
  DistributedHerder(worker::WorkerServices services, kafka_client::Props client_props,
                    TaskConfigSender send_task_configs);
  ~DistributedHerder() override;

  // Call after set_worker_id. Creates or verifies the config and status topics, reads both to
  // their end, creates the group member and starts the control thread. Errors name the topic
  // or the key.
  [[nodiscard]] Status start();
  // Stops every task and connector here (bounded), leaves the group, stops the state topics.
  // Queued requests fail with "worker is shutting down".
  void shutdown();
  void set_worker_id(std::string worker_id) { services_.worker_id = std::move(worker_id); }
  std::string url() const { return "http://" + services_.worker_id; }

  // rest::HerderApi
  rest::Readiness readiness() override { return readiness_.load(); }
  std::string kafka_cluster_id() override;
  std::vector<std::string> connector_names() override;
  Result<rest::ConnectorInfo> create_connector(const std::string& name,
                                               std::map<std::string, std::string> config,
                                               std::optional<std::string> initial_state) override;
  Result<rest::ConnectorInfo> connector_info(const std::string& name) override;
  Result<std::map<std::string, std::string>> connector_config(const std::string& name) override;
  Result<PutResult> put_connector_config(const std::string& name,
                                         std::map<std::string, std::string> config) override;
  Result<rest::ConnectorInfo> patch_connector_config(
      const std::string& name, std::map<std::string, std::optional<std::string>> patch) override;
  Result<rest::ConnectorStateInfo> connector_status(const std::string& name) override;
  Result<std::vector<rest::TaskConfigInfo>> task_configs(const std::string& name) override;
  Result<rest::TaskStateInfo> task_status(const std::string& name, int task) override;
  Status restart_task(const std::string& name, int task) override;
  Result<std::optional<rest::ConnectorStateInfo>> restart_connector(
      const std::string& name, rest::RestartRequest req) override;
  Status pause_connector(const std::string& name) override;
  Status resume_connector(const std::string& name) override;
  Status stop_connector(const std::string& name) override;
  Status delete_connector(const std::string& name) override;
  Result<std::vector<std::string>> active_topics(const std::string& name) override;
  Status reset_active_topics(const std::string& name) override;
  Result<std::vector<rest::OffsetInfo>> connector_offsets(const std::string& name) override;
  Result<std::string> alter_connector_offsets(const std::string& name,
                                              std::vector<rest::OffsetInfo> offsets) override;
  Result<std::string> reset_connector_offsets(const std::string& name) override;
  std::vector<rest::PluginListing> connector_plugins(bool connectors_only) override;
  Result<nlohmann::json> plugin_config_definitions(const std::string& plugin) override;
  Result<nlohmann::json> validate_connector_config(
      const std::string& plugin, std::map<std::string, std::string> config) override;
  std::vector<rest::RefusedPluginInfo> refused_plugins() override;

  // rest::ClusterRouting
  rest::RouteDecision route_to_leader() override;
  rest::RouteDecision route_to_task_owner(const std::string& connector, int task) override;
  std::optional<rest::SessionKeyInfo> session_key() override;
  std::string signature_algorithm() override;
  std::vector<std::string> verification_algorithms() override;
  Status put_task_configs(const std::string& connector,
                          std::vector<std::map<std::string, std::string>> configs) override;

 private:
  using Clock = std::chrono::steady_clock;
  using TaskId = assignment::TaskId;

  // What the REST threads may read about the group without going through the queue.
  struct Routing {
    bool assigned = false;  // an assignment was received and no rebalance or loss since
    bool is_leader = false;
    std::string leader_url;
  };

  // --- queue ---
  void post(std::function<void()> job) override;                          // WorkerListener
  void task_reconfiguration_requested(const std::string& name) override;  // WorkerListener
  void thread_main();

  // --- state topics (reader threads) ---
  void on_config_record(const statelog::StateRecord& record);
  void on_status_record(const statelog::StateRecord& record);
  void publish_status(const std::string& connector, int task, const worker::InstanceStatus& s);
  void publish_topic(const std::string& connector, const std::string& topic);

  // --- membership (control thread) ---
  Result<std::unique_ptr<membership::GroupMember>> make_member();
  std::vector<membership::GroupProtocol> protocols();
  void offer_fresh_metadata();
  Result<std::map<std::string, std::vector<uint8_t>>> assign(
      const std::string& protocol, const std::vector<membership::MemberMetadata>& members);
  void handle_event(membership::Event event);
  void on_assigned(const membership::Assigned& assigned);
  void on_lost(const std::string& reason);
  void set_routing(Routing routing);
  void run_timers();
  void maybe_rotate_session_key();

  // --- config changes (control thread) ---
  void on_config_change(const clusterstate::ConfigChange& change);
  // Desired work (connector → task count) of the current snapshot, as the assignor sees it.
  std::map<std::string, int32_t> desired_work(const clusterstate::ConfigSnapshot& snapshot) const;
  void leader_check_work();

  // --- running work here (control thread) ---
  void start_owned_connector(const std::string& name);
  void start_owned_task(const TaskId& id, const clusterstate::ConfigSnapshot& snapshot);
  void stop_owned_tasks(const std::vector<TaskId>& ids);
  void stop_owned_connector(const std::string& name);
  // Asks the connector running here for task configs and hands them to the leader when they
  // differ from the committed ones.
  void reconfigure_tasks(const std::string& name);
  void publish_tombstones(const std::string& connector, const std::vector<int>& tasks);

  // --- leader writes (control thread) ---
  // Checks that this worker is the leader of a stable generation (409 otherwise).
  Status require_leader() const;
  // Appends `records` to the config topic, waits for every acknowledgement, then reads the
  // topic to its end (read-your-writes).
  Status write_config(const std::vector<clusterstate::KeyValue>& records);
  Status write_task_configs(const std::string& connector,
                            const std::vector<config::Props>& configs);
  Result<const plugin::PluginInfo*> plugin_of(const config::Props& config) const;
  Result<rest::ConnectorInfo> info_of(const std::string& name,
                                      const clusterstate::ConnectorView& view);
  rest::ConnectorStateInfo status_of(const std::string& name,
                                     const clusterstate::ConnectorView& view) const;
  config::Props masked(const clusterstate::ConnectorView& view, const config::Props& props);
  // For the offsets changes: the leader, the connector known and STOPPED; whether it is a source.
  Result<bool> stopped_connector_is_source(const std::string& name);
  Result<PutResult> put_locked(const std::string& name, config::Props config,
                               std::optional<clusterstate::TargetState> initial, bool create_only);

  worker::WorkerServices services_;
  const kafka_client::Props client_props_;
  TaskConfigSender send_task_configs_;
  std::atomic<rest::Readiness> readiness_{rest::Readiness::kStarting};

  // Shared state (thread-safe objects).
  clusterstate::ConfigState config_;
  clusterstate::StatusState statuses_;
  std::unique_ptr<statelog::StateTopic> config_topic_;
  std::unique_ptr<statelog::StateTopic> status_topic_;
  std::atomic<bool> caught_up_{false};  // initial config read done: changes are acted on
  std::atomic<int32_t> generation_{0};  // group generation, for status records

  mutable std::mutex routing_mutex_;
  Routing routing_;

  worker::JobQueue jobs_;
  std::thread thread_;
  std::mutex cluster_id_mutex_;
  std::string cluster_id_;

  // --- control thread only ---
  worker::Worker worker_{services_, this};
  worker::ConnectorValidator validator_{services_};
  std::unique_ptr<membership::GroupMember> member_;
  assignment::IncrementalCooperativeAssignor assignor_;
  assignment::LeaderMemory leader_memory_;
  bool is_leader_ = false;
  bool rebalancing_ = true;
  std::string leader_url_;
  std::set<std::string> owned_connectors_;
  std::set<TaskId> owned_tasks_;
  std::map<std::string, config::Props> started_connector_configs_;  // raw, as started
  std::map<TaskId, config::Props> started_task_configs_;
  std::map<std::string, int32_t> assigned_work_;  // leader: desired work of the last round
  std::set<std::string> unsent_task_configs_;     // connectors whose configs must be resent
  std::optional<Clock::time_point> scheduled_rejoin_;
  Clock::time_point next_timer_check_{};
  std::chrono::milliseconds key_ttl_{3600000};
};

}  // namespace sluice::distributed
