// Worker: see worker.h.
#include "runtime/worker/worker.h"

#include <algorithm>

#include "broker-lite/util/logging.h"
#include "runtime/data/fields.h"
#include "runtime/plugin/handles.h"
#include "runtime/plugin/plugin_registry.h"
#include "runtime/storage/source_offsets.h"
#include "runtime/worker/sink_task_runner.h"
#include "runtime/worker/source_task_runner.h"
#include "runtime/worker/status_store.h"

namespace sluice::worker {

const char* target_state_name(TargetState state) {
  switch (state) {
    case TargetState::kRunning:
      return "RUNNING";
    case TargetState::kPaused:
      return "PAUSED";
    case TargetState::kStopped:
      return "STOPPED";
  }
  return "RUNNING";
}

struct Worker::Connector {
  std::string name;
  const plugin::PluginInfo* plugin = nullptr;
  config::Props resolved;
  RuntimeState state = RuntimeState::kUnassigned;  // the status last reported for it
  // Declared before `handle`: the instance's host context points at it.
  std::unique_ptr<ConnectorListener> listener;
  std::unique_ptr<plugin::ConnectorHandle> handle;  // null unless an instance runs
};

// Receives a connector instance's calls from the plugin (any thread). Requests become jobs on
// the control thread; offset reads are answered at once from the offset store.
class Worker::ConnectorListener final : public plugin::InstanceListener {
 public:
  ConnectorListener(Worker* worker, std::string name) : worker_(worker), name_(std::move(name)) {}
  void request_task_reconfiguration() override {
    WorkerListener* listener = worker_->listener_;
    std::string name = name_;
    listener->post([listener, name] { listener->task_reconfiguration_requested(name); });
  }
  void raise_error(std::string message) override {
    Worker* worker = worker_;
    std::string name = name_;
    worker_->listener_->post([worker, name, message] {
      if (Connector* c = worker->find(name)) {
        worker->fail_connector(
            name, c->plugin->class_name + " connector " + name + " raised an error: " + message);
      }
    });
  }
  Status offset_get(const sluice_field* partition, uint32_t n, const sluice_field** out,
                    uint32_t* out_n) override {
    return lend_source_offset(*worker_->services_.offsets, name_, partition, n, &lent_, out, out_n);
  }

 private:
  Worker* worker_;
  std::string name_;
  data::OwnedFields lent_;  // offset_get's result, lent until the hook returns
};

Worker::Worker(const WorkerServices& services, WorkerListener* listener)
    : services_(services), listener_(listener) {}

Worker::~Worker() {
  stop_all();
}

Worker::Connector* Worker::find(const std::string& name) {
  auto it = connectors_.find(name);
  return it == connectors_.end() ? nullptr : it->second.get();
}

Status Worker::start_connector(const std::string& name, const plugin::PluginInfo& plugin,
                               config::Props resolved, TargetState target) {
  if (Connector* old = find(name)) stop_instance(*old);
  auto& slot = connectors_[name];
  slot = std::make_unique<Connector>();
  Connector& c = *slot;
  c.name = name;
  c.plugin = &plugin;
  c.resolved = std::move(resolved);
  c.listener = std::make_unique<ConnectorListener>(this, name);
  auto report = [&](RuntimeState state) {
    c.state = state;
    services_.status->put_connector(name, {state, services_.worker_id, ""});
  };
  if (target == TargetState::kStopped) {
    report(RuntimeState::kStopped);
    return Status::ok();
  }
  report(RuntimeState::kUnassigned);
  auto context = plugin::make_context({name, -1, services_.worker_id, plugin.class_name},
                                      c.listener.get(), nullptr);
  auto handle = plugin::ConnectorHandle::create(plugin, std::move(context));
  if (!handle.is_ok()) {
    fail_connector(name, std::string(handle.status().message()));
    return handle.status();
  }
  c.handle = std::move(handle).value();
  Status started = c.handle->start(c.resolved);
  if (!started.is_ok()) {
    fail_connector(name, std::string(started.message()));
    return started;
  }
  report(target == TargetState::kPaused ? RuntimeState::kPaused : RuntimeState::kRunning);
  return Status::ok();
}

bool Worker::has_instance(const std::string& name) const {
  auto it = connectors_.find(name);
  return it != connectors_.end() && it->second->handle != nullptr;
}

Result<std::vector<config::Props>> Worker::connector_task_configs(const std::string& name) {
  Connector* c = find(name);
  if (c == nullptr || !c->handle) {
    return Status::not_found("connector " + name + " does not run on this worker");
  }
  const int64_t max_tasks = std::max<int64_t>(1, long_value(c->resolved, "tasks.max", 1));
  auto enforce = c->resolved.find("tasks.max.enforce");
  const bool enforce_max =
      enforce == c->resolved.end() || config::parse_bool(enforce->second).value_or(true);
  auto configs = c->handle->task_configs(static_cast<uint32_t>(max_tasks), enforce_max);
  if (!configs.is_ok()) fail_connector(name, std::string(configs.status().message()));
  return configs;
}

void Worker::stop_instance(Connector& c) {
  if (!c.handle) return;
  Status stopped = c.handle->stop();
  if (!stopped.is_ok()) {
    SLUICE_LOG(kWarn, "worker", "connector " + c.name + ": " + stopped.to_string());
  }
  c.handle.reset();
}

void Worker::stop_connector(const std::string& name) {
  Connector* c = find(name);
  if (c == nullptr) return;
  stop_instance(*c);
  connectors_.erase(name);
}

void Worker::set_paused(const std::string& name, bool paused) {
  if (Connector* c = find(name);
      c != nullptr && c->state != RuntimeState::kFailed && c->state != RuntimeState::kStopped) {
    c->state = paused ? RuntimeState::kPaused : RuntimeState::kRunning;
    services_.status->put_connector(name, {c->state, services_.worker_id, ""});
  }
  if (auto it = tasks_.find(name); it != tasks_.end()) {
    for (auto& [id, runner] : it->second) runner->set_paused(paused);
  }
}

void Worker::fail_connector(const std::string& name, const std::string& trace) {
  Connector* c = find(name);
  if (c == nullptr) return;
  std::string full = trace + "\nplugin: " + c->plugin->class_name + " " + c->plugin->version +
                     " (" + c->plugin->library_file + ")";
  SLUICE_LOG(kError, "worker", "connector " + name + " failed: " + trace);
  stop_connector_tasks(name);
  stop_instance(*c);
  c->state = RuntimeState::kFailed;
  services_.status->put_connector(name, {RuntimeState::kFailed, services_.worker_id, full});
}

void Worker::start_task(TaskSpec spec) {
  stop_task(spec.connector, spec.task);
  std::shared_ptr<TaskRunner> runner;
  std::string connector = spec.connector;
  const int task = spec.task;
  if (spec.plugin->kind == plugin::PluginKind::kSource) {
    runner = std::make_shared<SourceTaskRunner>(services_, std::move(spec));
  } else {
    runner = std::make_shared<SinkTaskRunner>(services_, std::move(spec));
  }
  tasks_[connector][task] = runner;
  runner->start();
}

std::chrono::steady_clock::time_point Worker::stop_deadline() const {
  return std::chrono::steady_clock::now() +
         std::chrono::milliseconds(services_.config->get_long("task.shutdown.graceful.timeout.ms"));
}

void Worker::stop_runners(const std::vector<std::shared_ptr<TaskRunner>>& runners) {
  for (const auto& runner : runners) runner->request_stop();
  const auto deadline = stop_deadline();
  if (stop_wait_hook_) {
    constexpr std::chrono::milliseconds kHookPeriod{100};
    for (const auto& runner : runners) {
      while (!runner->wait_finished_until(
          std::min(deadline, std::chrono::steady_clock::now() + kHookPeriod))) {
        if (std::chrono::steady_clock::now() >= deadline) break;
        stop_wait_hook_();
      }
    }
  }
  for (const auto& runner : runners) runner->join_until(deadline);
}

void Worker::stop_task(const std::string& connector, int task) {
  auto it = tasks_.find(connector);
  if (it == tasks_.end()) return;
  auto runner = it->second.find(task);
  if (runner == it->second.end()) return;
  stop_runners({runner->second});
  it->second.erase(runner);
  if (it->second.empty()) tasks_.erase(it);
}

void Worker::stop_tasks(const std::vector<std::pair<std::string, int>>& tasks) {
  std::vector<std::shared_ptr<TaskRunner>> runners;
  for (const auto& [connector, task] : tasks) {
    auto it = tasks_.find(connector);
    if (it == tasks_.end()) continue;
    auto runner = it->second.find(task);
    if (runner == it->second.end()) continue;
    runners.push_back(runner->second);
    it->second.erase(runner);
    if (it->second.empty()) tasks_.erase(it);
  }
  stop_runners(runners);
}

void Worker::stop_connector_tasks(const std::string& connector) {
  if (auto it = tasks_.find(connector); it != tasks_.end()) {
    std::vector<std::shared_ptr<TaskRunner>> runners;
    for (auto& [id, runner] : it->second) runners.push_back(runner);
    stop_runners(runners);
    tasks_.erase(connector);
  }
  services_.status->remove_tasks(connector);
}

std::vector<int> Worker::task_ids(const std::string& connector) const {
  std::vector<int> ids;
  if (auto it = tasks_.find(connector); it != tasks_.end()) {
    for (const auto& [id, runner] : it->second) ids.push_back(id);
  }
  return ids;
}

void Worker::stop_all() {
  std::vector<std::shared_ptr<TaskRunner>> runners;
  for (auto& [name, runners_of] : tasks_) {
    for (auto& [id, runner] : runners_of) runners.push_back(runner);
  }
  stop_runners(runners);
  tasks_.clear();
  for (auto& [name, c] : connectors_) stop_instance(*c);
  connectors_.clear();
}

}  // namespace sluice::worker
