// TaskRunner: see task_runner.h.
#include "runtime/worker/task_runner.h"

#include <exception>

#include "broker-lite/util/logging.h"
#include "runtime/config/config_key.h"
#include "runtime/kafka/conf.h"
#include "runtime/plugin/plugin_registry.h"
#include "runtime/worker/status_store.h"

namespace sluice::worker {

TaskRunner::TaskRunner(const WorkerServices& services, TaskSpec spec)
    : services_(services), spec_(std::move(spec)) {
  subject_ = spec_.connector + "-" + std::to_string(spec_.task);
  paused_.store(spec_.paused);
}

TaskRunner::~TaskRunner() {
  if (thread_.joinable()) thread_.detach();  // only reached by an abandoned runner's last owner
}

void TaskRunner::start() {
  services_.status->put_task(spec_.connector, spec_.task,
                             {RuntimeState::kUnassigned, services_.worker_id, ""});
  auto self = shared_from_this();
  thread_ = std::thread([self] { self->thread_main(); });
}

void TaskRunner::thread_main() {
  Status result;
  try {
    result = run();
    if (result.is_ok() && !stop_requested()) {
      result = Status::internal("task loop exited unexpectedly");
    }
  } catch (const std::exception& e) {
    result = Status::internal(std::string("task thread caught ") + e.what());
  } catch (...) {
    result = Status::internal("task thread caught an unknown exception");
  }
  if (!result.is_ok()) {
    std::string trace = trace_for(result);
    SLUICE_LOG(kError, "worker", "task " + subject_ + " failed: " + trace);
    services_.status->fail_task(spec_.connector, spec_.task, trace);
  }
  {
    std::lock_guard lock(finished_mutex_);
    finished_.store(true);
  }
  finished_cv_.notify_all();
}

std::string TaskRunner::trace_for(const Status& status) const {
  std::string trace(status.message());
  if (spec_.plugin != nullptr) {
    trace += "\nplugin: " + spec_.plugin->class_name + " " + spec_.plugin->version + " (" +
             spec_.plugin->library_file + ")";
  }
  return trace;
}

void TaskRunner::set_paused(bool paused) {
  {
    std::lock_guard lock(mutex_);
    paused_.store(paused);
  }
  cv_.notify_all();
  if (paused && started_.load()) wake_plugin();
  if (started_.load()) report_state();
}

void TaskRunner::request_stop() {
  {
    std::lock_guard lock(mutex_);
    stop_.store(true);
  }
  cv_.notify_all();
  if (started_.load()) wake_plugin();
}

bool TaskRunner::join_until(std::chrono::steady_clock::time_point deadline) {
  if (!wait_finished_until(deadline)) {
    SLUICE_LOG(kError, "worker",
               "task " + subject_ + " did not stop in time; its thread is abandoned");
    if (thread_.joinable()) thread_.detach();
    return false;
  }
  if (thread_.joinable()) thread_.join();
  return true;
}

bool TaskRunner::wait_finished_until(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(finished_mutex_);
  return finished_cv_.wait_until(lock, deadline, [this] { return finished_.load(); });
}

void TaskRunner::wait_while_paused(std::chrono::milliseconds max_wait) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, max_wait, [this] { return !paused_.load() || stop_.load(); });
}

void TaskRunner::sleep_unless_stopped(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, duration, [this] { return stop_.load(); });
}

void TaskRunner::report_state() {
  auto current = services_.status->task(spec_.connector, spec_.task);
  if (current && current->state == RuntimeState::kFailed) return;
  services_.status->put_task(
      spec_.connector, spec_.task,
      {paused() ? RuntimeState::kPaused : RuntimeState::kRunning, services_.worker_id, ""});
}

config::Props TaskRunner::client_props(config::Props base, std::string_view worker_prefix,
                                       std::string_view override_prefix) const {
  for (auto& [key, value] : services_.config->with_prefix(worker_prefix)) base[key] = value;
  for (const auto& [key, value] : spec_.connector_config) {
    if (key.size() > override_prefix.size() && key.starts_with(override_prefix)) {
      base[key.substr(override_prefix.size())] = value;
    }
  }
  return base;
}

Result<rd_kafka_t*> TaskRunner::make_producer(std::string_view role, std::string_view what,
                                              config::Props extra, DeliveryCallback on_delivery,
                                              void* opaque) const {
  config::Props base = std::move(extra);
  base["bootstrap.servers"] = services_.bootstrap_servers;
  base["client.id"] = "connector-" + std::string(role) + "-" + subject_;
  base["acks"] = "all";
  base["enable.idempotence"] = "true";
  auto conf =
      kafka_client::make_conf(client_props(std::move(base), "producer.", "producer.override."));
  if (!conf.is_ok()) return conf.status().with_context(std::string(what) + " configuration");
  rd_kafka_conf_t* c = conf.value();
  rd_kafka_conf_set_dr_msg_cb(c, on_delivery);
  rd_kafka_conf_set_opaque(c, opaque);
  char error[512];
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, c, error, sizeof error);
  if (producer == nullptr) {
    rd_kafka_conf_destroy(c);
    return Status::invalid_argument("cannot create " + std::string(what) + ": " + error);
  }
  return producer;
}

int64_t long_value(const config::Props& props, const std::string& key, int64_t fallback) {
  auto it = props.find(key);
  if (it == props.end()) return fallback;
  // The parser of the config checks, so a value they accepted is read the same way here.
  return config::parse_long(it->second).value_or(fallback);
}

int64_t TaskRunner::connector_long(const std::string& key, int64_t fallback) const {
  return long_value(spec_.connector_config, key, fallback);
}

bool TaskRunner::connector_is(const std::string& key, std::string_view value) const {
  auto it = spec_.connector_config.find(key);
  return it != spec_.connector_config.end() && it->second == value;
}

plugin::ContextIdentity TaskRunner::identity() const {
  return {spec_.connector, spec_.task, services_.worker_id, spec_.plugin->class_name};
}

int64_t TaskRunner::worker_long(const std::string& key) const {
  return services_.config->get_long(key);
}

}  // namespace sluice::worker
