// StatusStore: the runtime state (UNASSIGNED, RUNNING, PAUSED, STOPPED, FAILED, RESTARTING) of
// every connector and task on this worker, with the worker id and, for FAILED, the trace. Written
// by the herder and by task threads, read by REST; thread-safe. In memory only (standalone mode).
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sluice::worker {

enum class RuntimeState { kUnassigned, kRunning, kPaused, kStopped, kFailed, kRestarting };
const char* runtime_state_name(RuntimeState state);

struct InstanceStatus {
  RuntimeState state = RuntimeState::kUnassigned;
  std::string worker_id;
  std::string trace;  // set for kFailed
};

class StatusStore {
 public:
  // Told of every status stored (put_connector, put_task, fail_task), with task -1 for a
  // connector; removals are not told. Distributed mode publishes these to the status topic.
  // Called with the store's lock held, so calls for one store are ordered like the writes; it
  // must be quick and must not call back into the store.
  using Observer =
      std::function<void(const std::string& connector, int task, const InstanceStatus& status)>;
  // Set once before any task thread starts.
  void set_observer(Observer observer) { observer_ = std::move(observer); }

  void put_connector(const std::string& connector, InstanceStatus status);
  void put_task(const std::string& connector, int task, InstanceStatus status);
  // Sets a task FAILED with `trace` unless it was removed meanwhile.
  void fail_task(const std::string& connector, int task, const std::string& trace);
  void remove_task(const std::string& connector, int task);
  // Removes the connector and all its tasks.
  void remove_connector(const std::string& connector);
  void remove_tasks(const std::string& connector);
  std::optional<InstanceStatus> connector(const std::string& connector) const;
  std::optional<InstanceStatus> task(const std::string& connector, int task) const;
  // Tasks of `connector` sorted by id.
  std::vector<std::pair<int, InstanceStatus>> tasks(const std::string& connector) const;

 private:
  void notify(const std::string& connector, int task, const InstanceStatus& status) const {
    if (observer_) observer_(connector, task, status);
  }

  Observer observer_;
  mutable std::mutex mutex_;
  std::map<std::string, InstanceStatus> connectors_;
  std::map<std::pair<std::string, int>, InstanceStatus> tasks_;
};

}  // namespace sluice::worker
