// StatusStore: see status_store.h.
#include "runtime/worker/status_store.h"

namespace sluice::worker {

const char* runtime_state_name(RuntimeState state) {
  switch (state) {
    case RuntimeState::kUnassigned:
      return "UNASSIGNED";
    case RuntimeState::kRunning:
      return "RUNNING";
    case RuntimeState::kPaused:
      return "PAUSED";
    case RuntimeState::kStopped:
      return "STOPPED";
    case RuntimeState::kFailed:
      return "FAILED";
    case RuntimeState::kRestarting:
      return "RESTARTING";
  }
  return "UNASSIGNED";
}

void StatusStore::put_connector(const std::string& connector, InstanceStatus status) {
  std::lock_guard lock(mutex_);
  notify(connector, -1, connectors_[connector] = std::move(status));
}

void StatusStore::put_task(const std::string& connector, int task, InstanceStatus status) {
  std::lock_guard lock(mutex_);
  notify(connector, task, tasks_[{connector, task}] = std::move(status));
}

void StatusStore::fail_task(const std::string& connector, int task, const std::string& trace) {
  std::lock_guard lock(mutex_);
  auto it = tasks_.find({connector, task});
  if (it == tasks_.end()) return;
  it->second.state = RuntimeState::kFailed;
  it->second.trace = trace;
  notify(connector, task, it->second);
}

void StatusStore::remove_task(const std::string& connector, int task) {
  std::lock_guard lock(mutex_);
  tasks_.erase({connector, task});
}

void StatusStore::remove_tasks(const std::string& connector) {
  std::lock_guard lock(mutex_);
  auto it = tasks_.lower_bound({connector, -1});
  while (it != tasks_.end() && it->first.first == connector) it = tasks_.erase(it);
}

void StatusStore::remove_connector(const std::string& connector) {
  remove_tasks(connector);
  std::lock_guard lock(mutex_);
  connectors_.erase(connector);
}

std::optional<InstanceStatus> StatusStore::connector(const std::string& connector) const {
  std::lock_guard lock(mutex_);
  auto it = connectors_.find(connector);
  if (it == connectors_.end()) return std::nullopt;
  return it->second;
}

std::optional<InstanceStatus> StatusStore::task(const std::string& connector, int task) const {
  std::lock_guard lock(mutex_);
  auto it = tasks_.find({connector, task});
  if (it == tasks_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::pair<int, InstanceStatus>> StatusStore::tasks(const std::string& connector) const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<int, InstanceStatus>> result;
  for (auto it = tasks_.lower_bound({connector, -1});
       it != tasks_.end() && it->first.first == connector; ++it) {
    result.emplace_back(it->first.second, it->second);
  }
  return result;
}

}  // namespace sluice::worker
