// Worker: runs the connector instances and task runners of this process, and nothing else. It
// decides nothing: a herder (standalone today, distributed later) tells it which connector to
// start with which resolved config and target state, asks it for a connector's task configs,
// and which task to start from which task config. The herder keeps the REST semantics,
// validation and persistence (docs/design/distributed.md §3).
//
// Threads. A Worker is thread-compatible, not thread-safe: every method must be called from the
// herder's one control thread (the thread that runs its job queue). That keeps the rule of
// docs/design/worker.md §2: connector hooks run only on that thread (start, task_configs, stop
// are called from these methods), task hooks only on their task threads (TaskRunner). The queue
// stays in the herder because the herder's own work (REST requests, config reads, rebalances)
// must be ordered with the worker's in one sequence; a second thread inside the Worker would
// need a second queue and cross-thread hand-offs for every call. Plugin calls that arrive on
// other threads (request_task_reconfiguration, raise_error) are handed to the herder through
// WorkerListener::post and handled on the control thread.
//
// Statuses go to WorkerServices::status: connectors from these methods, tasks from the task
// threads.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "broker-lite/util/status.h"
#include "runtime/config/config_key.h"
#include "runtime/worker/task_runner.h"
#include "runtime/worker/worker_services.h"

namespace sluice::plugin {
struct PluginInfo;
class ConnectorHandle;
}  // namespace sluice::plugin

namespace sluice::worker {

enum class TargetState { kRunning, kPaused, kStopped };
const char* target_state_name(TargetState state);

// What the Worker needs from its herder. Implemented by the herder.
class WorkerListener {
 public:
  virtual ~WorkerListener() = default;
  // Queues `job` to run later on the control thread. Called from any thread (a plugin's);
  // must neither block nor run the job inline. A job posted after shutdown may be dropped.
  virtual void post(std::function<void()> job) = 0;
  // On the control thread: connector `name` asked for its tasks to be reconfigured
  // (request_task_reconfiguration). The herder decides what follows, usually calling
  // connector_task_configs().
  virtual void task_reconfiguration_requested(const std::string& name) = 0;
};

class Worker {
 public:
  // `services` (and every pointer in it) and `listener` are borrowed and must outlive the
  // worker and every task thread it started (an abandoned task thread keeps using them).
  Worker(const WorkerServices& services, WorkerListener* listener);
  // Stops everything still running (stop_all).
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // --- connectors ---

  // Starts connector `name` of `plugin` (registry-owned, lives for the process) with its
  // `resolved` config (placeholders replaced) in state `target`. A connector that is already
  // known here is stopped first (its tasks are left alone). kStopped: no instance is created;
  // the status becomes STOPPED. Otherwise the status becomes UNASSIGNED, an instance is created
  // and started, and the status becomes RUNNING or PAUSED. A failure makes the connector FAILED
  // (with its trace) and is returned; the connector stays known here (FAILED) until
  // stop_connector.
  Status start_connector(const std::string& name, const plugin::PluginInfo& plugin,
                         config::Props resolved, TargetState target);
  // Whether an instance of `name` is running here (started, not STOPPED, not FAILED).
  bool has_instance(const std::string& name) const;
  // Asks the running instance of `name` for its task configs, bounded by tasks.max (a hard
  // bound unless tasks.max.enforce is false). A failure of the hook makes the connector FAILED
  // and is returned; kNotFound when no instance runs here.
  Result<std::vector<config::Props>> connector_task_configs(const std::string& name);
  // Stops the instance of `name` (its stop hook, then destroy) and forgets the connector. Its
  // status and its tasks are left alone. No-op for an unknown name.
  void stop_connector(const std::string& name);
  // Pauses or resumes connector `name` and every task of it running here: the connector's
  // status becomes PAUSED or RUNNING (a FAILED or STOPPED one keeps its status), sources stop
  // polling, sinks pause their partitions. For a connector that is not STOPPED.
  void set_paused(const std::string& name, bool paused);
  // Makes connector `name` FAILED with `trace` (the plugin line is appended): its tasks here
  // are stopped (stop_connector_tasks) and its instance stopped. No-op for an unknown name.
  void fail_connector(const std::string& name, const std::string& trace);

  // --- tasks ---

  // Starts task spec.task of spec.connector on its own thread from `spec` (the plugin, the
  // connector's resolved config, the task config, paused or not). A runner of that task that
  // is still known here is stopped first (bounded).
  void start_task(TaskSpec spec);
  // Stops one task (bounded by task.shutdown.graceful.timeout.ms) and forgets it. Its status is
  // left for the next start to overwrite. No-op for an unknown task.
  void stop_task(const std::string& connector, int task);
  // Stops the given tasks (connector, task id) in parallel under one deadline of
  // task.shutdown.graceful.timeout.ms and forgets them; their statuses are left (a task that
  // moves to another worker gets its status from there). Unknown tasks are skipped.
  void stop_tasks(const std::vector<std::pair<std::string, int>>& tasks);
  // Stops every task of `connector` running here in parallel, all bounded by one deadline of
  // task.shutdown.graceful.timeout.ms, forgets them and removes their statuses.
  void stop_connector_tasks(const std::string& connector);
  // Task ids of `connector` running here, ascending.
  std::vector<int> task_ids(const std::string& connector) const;

  // Sets what to call on the calling thread about every 100 ms while a stop waits for tasks to
  // finish (the distributed herder keeps its group membership alive with it: a stop can take
  // task.shutdown.graceful.timeout.ms). Set it before the first task starts; empty = none.
  void set_stop_wait_hook(std::function<void()> hook) { stop_wait_hook_ = std::move(hook); }

  // --- everything ---

  // Stops every task in parallel (one deadline), then every connector instance; statuses are
  // left as they are. For shutdown.
  void stop_all();

 private:
  struct Connector;
  class ConnectorListener;
  using Runners = std::map<int, std::shared_ptr<TaskRunner>>;

  Connector* find(const std::string& name);
  // now + task.shutdown.graceful.timeout.ms
  std::chrono::steady_clock::time_point stop_deadline() const;
  // Asks every runner to stop, then waits for all of them until one deadline; a runner that
  // misses it is abandoned (TaskRunner::join_until).
  void stop_runners(const std::vector<std::shared_ptr<TaskRunner>>& runners);
  void stop_instance(Connector& c);

  const WorkerServices& services_;
  WorkerListener* listener_;
  std::map<std::string, std::unique_ptr<Connector>> connectors_;
  std::map<std::string, Runners> tasks_;  // connector name → its tasks running here
  std::function<void()> stop_wait_hook_;
};

}  // namespace sluice::worker
