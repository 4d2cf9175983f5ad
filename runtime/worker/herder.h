// Herder: the standalone worker's control plane. It implements the REST layer's HerderApi:
// validation, the connectors' configs, target states and task configs, their persistence
// (connector store, offset file), and decides what runs; the Worker (worker.h) runs it. All
// connector operations run one at a time on the herder thread (a queue of jobs); REST threads
// post a job and wait for its result (90 s, then "Request timed out"). The Worker is called
// only from that thread, so connector hooks are only ever called there; task hooks only on
// their task threads (docs/design/worker.md §2, §4).
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "runtime/config/config_def.h"
#include "runtime/config/connector_config.h"
#include "runtime/plugin/handles.h"
#include "runtime/rest/herder_api.h"
#include "runtime/worker/connector_validator.h"
#include "runtime/worker/job_queue.h"
#include "runtime/worker/status_store.h"
#include "runtime/worker/task_runner.h"
#include "runtime/worker/worker.h"
#include "runtime/worker/worker_services.h"

namespace sluice::worker {

class Herder final : public rest::HerderApi, private WorkerListener {
 public:
  // `services` pointers are borrowed and must outlive the herder.
  explicit Herder(WorkerServices services);
  ~Herder() override;

  // Starts the herder thread.
  void start();
  // Re-creates the connectors kept in the connector store (their target states included).
  Status restore_stored_connectors();
  // Creates (or, when it exists with another config, reconfigures) a connector from a file given
  // on the command line.
  Status apply_connector_file(const config::ConnectorConfigFile& file);
  void set_ready() { readiness_.store(rest::Readiness::kReady); }
  // Stops every connector's tasks in parallel (each bounded by task.shutdown.graceful.timeout.ms),
  // then the connectors, then the herder thread. Queued requests fail with "worker is shutting
  // down".
  void shutdown();
  void set_worker_id(std::string worker_id) { services_.worker_id = std::move(worker_id); }
  void set_cluster_id(std::string cluster_id);

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

 private:
  struct Connector;

  void thread_main();

  // WorkerListener
  void post(std::function<void()> job) override;
  void task_reconfiguration_requested(const std::string& name) override;

  // --- herder thread only ---
  Connector* find(const std::string& name);
  Result<Connector*> find_or_404(const std::string& name);
  // find_or_404 for the offset changes: kFailedPrecondition (HTTP 400 there) unless the
  // connector is STOPPED.
  Result<Connector*> find_stopped_for_offsets(const std::string& name);
  Result<rest::ConnectorInfo> create_locked(const std::string& name, config::Props config,
                                            TargetState target);
  Status persist(const Connector& c);
  // Starts the connector instance according to its target state, stores its task configs and
  // starts its tasks (through the Worker).
  void start_connector(Connector& c);
  void start_tasks(Connector& c);
  // Starts task `task` of `c` from its stored task config.
  void start_task(Connector& c, int task);
  // Stops the connector's tasks (in parallel, bounded) and its instance.
  void stop_connector_and_tasks(Connector& c);
  void restart_one_task(Connector& c, int task);
  void reconfigure_tasks(const std::string& name);
  rest::ConnectorInfo info_of(const Connector& c);
  rest::ConnectorStateInfo status_of(const Connector& c) const;
  std::string type_of(const Connector& c) const;
  static bool is_source(const Connector& c);

  WorkerServices services_;
  std::atomic<rest::Readiness> readiness_{rest::Readiness::kStarting};
  JobQueue jobs_;
  std::thread thread_;
  std::mutex cluster_id_mutex_;
  std::string cluster_id_;

  Worker worker_{services_, this};                                // herder thread only
  std::map<std::string, std::unique_ptr<Connector>> connectors_;  // herder thread only
  ConnectorValidator validator_{services_};                       // herder thread only
};

// The name distributed mode's design uses for it (docs/design/distributed.md §3).
using StandaloneHerder = Herder;

}  // namespace sluice::worker
