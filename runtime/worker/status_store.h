// StatusStore: the runtime state (UNASSIGNED, RUNNING, PAUSED, STOPPED, FAILED, RESTARTING) of
// every connector and task on this worker, with the worker id and, for FAILED, the trace. Written
// by the herder and by task threads, read by REST; thread-safe. In memory only (standalone mode).
#pragma once

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
  mutable std::mutex mutex_;
  std::map<std::string, InstanceStatus> connectors_;
  std::map<std::pair<std::string, int>, InstanceStatus> tasks_;
};

}  // namespace sluice::worker
