// Herder: see herder.h.
#include "runtime/worker/herder.h"

#include "broker-lite/util/logging.h"
#include "broker-lite/util/nearest_name.h"
#include "runtime/config/config_key.h"
#include "runtime/config/providers.h"
#include "runtime/data/converter.h"
#include "runtime/data/fields.h"
#include "runtime/kafka/admin.h"
#include "runtime/kafka/conf.h"
#include "runtime/plugin/plugin_registry.h"
#include "runtime/storage/connector_store.h"
#include "runtime/storage/offset_store.h"
#include "runtime/worker/offset_admin.h"
#include "runtime/worker/sink_task_runner.h"
#include "runtime/worker/source_task_runner.h"

namespace sluice::worker {
namespace {

Status not_found(const std::string& name) {
  return Status::not_found("Connector " + name + " not found");
}

std::optional<TargetState> parse_target(std::string_view text) {
  if (text == "RUNNING") return TargetState::kRunning;
  if (text == "PAUSED") return TargetState::kPaused;
  if (text == "STOPPED") return TargetState::kStopped;
  return std::nullopt;
}

}  // namespace

struct Herder::Connector {
  std::string name;
  config::Props raw;           // as configured (placeholders unresolved); what is persisted
  config::Props resolved;      // placeholders replaced
  config::Props placeholders;  // keys whose value came from a placeholder → raw text
  const plugin::PluginInfo* plugin = nullptr;
  TargetState target = TargetState::kRunning;
  std::vector<config::Props> task_configs;  // the last ones generated (and persisted)
};

Herder::Herder(WorkerServices services) : services_(std::move(services)) {}

Herder::~Herder() {
  shutdown();
}

void Herder::start() {
  thread_ = std::thread([this] { thread_main(); });
}

void Herder::thread_main() {
  while (true) {
    auto jobs = jobs_.take(std::chrono::hours(1));
    JobQueue::run(jobs);
    if (jobs.empty() && jobs_.closed()) return;
  }
}

void Herder::post(std::function<void()> job) {
  (void)jobs_.post(std::move(job));
}

void Herder::shutdown() {
  if (!thread_.joinable()) return;
  readiness_.store(rest::Readiness::kShuttingDown);
  Status stopped = jobs_.call_status([this] {
    // Every connector's tasks at once, each bounded by the graceful timeout.
    worker_.stop_all();
    return Status::ok();
  });
  if (!stopped.is_ok()) {
    SLUICE_LOG(kError, "herder", "shutdown: " + stopped.to_string());
  }
  jobs_.close();
  thread_.join();
}

void Herder::set_cluster_id(std::string cluster_id) {
  std::lock_guard lock(cluster_id_mutex_);
  cluster_id_ = std::move(cluster_id);
}

std::string Herder::kafka_cluster_id() {
  {
    std::lock_guard lock(cluster_id_mutex_);
    if (!cluster_id_.empty()) return cluster_id_;
  }
  if (services_.admin == nullptr) return "";
  auto id = services_.admin->cluster_id(5000);
  if (!id.is_ok()) return "";
  set_cluster_id(id.value());
  return id.value();
}

// ---------------------------------------------------------------------------------------------
// herder-thread helpers

Herder::Connector* Herder::find(const std::string& name) {
  auto it = connectors_.find(name);
  return it == connectors_.end() ? nullptr : it->second.get();
}

Result<Herder::Connector*> Herder::find_or_404(const std::string& name) {
  Connector* c = find(name);
  if (c == nullptr) return not_found(name);
  return c;
}

Result<Herder::Connector*> Herder::find_stopped_for_offsets(const std::string& name) {
  auto found = find_or_404(name);
  if (!found.is_ok()) return found.status();
  if (found.value()->target != TargetState::kStopped) {
    return offsets_need_stopped(name);
  }
  return found.value();
}

Status Herder::persist(const Connector& c) {
  if (services_.connectors == nullptr) return Status::ok();
  storage::StoredConnector stored;
  stored.name = c.name;
  stored.config = c.raw;
  stored.target_state = target_state_name(c.target);
  stored.task_configs = c.task_configs;
  return services_.connectors->put(stored);
}

Result<rest::ConnectorInfo> Herder::create_locked(const std::string& name, config::Props config,
                                                  TargetState target) {
  if (find(name) != nullptr) return Status::already_exists("Connector " + name + " already exists");
  config["name"] = name;
  auto plugin = validator_.connector_plugin(config);
  if (!plugin.is_ok()) return plugin.status();
  auto validation = validator_.for_create(*plugin.value(), config);
  if (!validation.is_ok()) return validation.status();

  auto c = std::make_unique<Connector>();
  c->name = name;
  c->raw = std::move(config);
  c->resolved = std::move(validation.value().resolved);
  c->placeholders = std::move(validation.value().placeholders);
  c->plugin = plugin.value();
  c->target = target;
  SLUICE_RETURN_IF_ERROR(persist(*c));
  Connector& ref = *c;
  connectors_.emplace(name, std::move(c));
  validator_.warn_unknown_keys(ref.name, *ref.plugin, ref.raw);
  SLUICE_LOG(kInfo, "herder",
             "created connector " + name + " (" + ref.plugin->class_name + ", target " +
                 target_state_name(target) + ")");
  start_connector(ref);
  return info_of(ref);
}

void Herder::start_connector(Connector& c) {
  Status started = worker_.start_connector(c.name, *c.plugin, c.resolved, c.target);
  if (!started.is_ok() || c.target == TargetState::kStopped) return;
  auto configs = worker_.connector_task_configs(c.name);
  if (!configs.is_ok()) return;  // the Worker made the connector FAILED
  c.task_configs = std::move(configs).value();
  Status persisted = persist(c);
  if (!persisted.is_ok()) {
    SLUICE_LOG(kError, "herder", "connector " + c.name + ": " + persisted.to_string());
  }
  start_tasks(c);
}

void Herder::start_tasks(Connector& c) {
  for (size_t i = 0; i < c.task_configs.size(); ++i) start_task(c, static_cast<int>(i));
}

void Herder::start_task(Connector& c, int task) {
  TaskSpec spec;
  spec.connector = c.name;
  spec.task = task;
  spec.plugin = c.plugin;
  spec.connector_config = c.resolved;
  spec.task_config = c.task_configs[static_cast<size_t>(task)];
  spec.paused = c.target == TargetState::kPaused;
  worker_.start_task(std::move(spec));
}

void Herder::stop_connector_and_tasks(Connector& c) {
  worker_.stop_connector_tasks(c.name);
  worker_.stop_connector(c.name);
}

void Herder::restart_one_task(Connector& c, int task) {
  worker_.stop_task(c.name, task);
  if (task < 0 || static_cast<size_t>(task) >= c.task_configs.size()) return;
  start_task(c, task);
}

void Herder::task_reconfiguration_requested(const std::string& name) {
  reconfigure_tasks(name);
}

void Herder::reconfigure_tasks(const std::string& name) {
  Connector* c = find(name);
  if (c == nullptr || !worker_.has_instance(name) || c->target == TargetState::kStopped) return;
  auto configs = worker_.connector_task_configs(name);
  if (!configs.is_ok()) return;  // the Worker made the connector FAILED
  if (configs.value() == c->task_configs) return;
  SLUICE_LOG(kInfo, "herder", "connector " + name + ": task configs changed, restarting tasks");
  worker_.stop_connector_tasks(name);
  c->task_configs = std::move(configs).value();
  (void)persist(*c);
  start_tasks(*c);
}

std::string Herder::type_of(const Connector& c) const {
  return ConnectorValidator::type_of(*c.plugin);
}

bool Herder::is_source(const Connector& c) {
  return c.plugin->kind == plugin::PluginKind::kSource;
}

rest::ConnectorInfo Herder::info_of(const Connector& c) {
  rest::ConnectorInfo info;
  info.name = c.name;
  info.config = validator_.masked(*c.plugin, c.raw, c.placeholders);
  for (size_t i = 0; i < c.task_configs.size(); ++i) {
    info.tasks.push_back({c.name, static_cast<int>(i)});
  }
  info.type = type_of(c);
  return info;
}

rest::ConnectorStateInfo Herder::status_of(const Connector& c) const {
  rest::ConnectorStateInfo info;
  info.name = c.name;
  info.type = type_of(c);
  auto state = services_.status->connector(c.name);
  InstanceStatus connector =
      state.value_or(InstanceStatus{RuntimeState::kUnassigned, services_.worker_id, ""});
  info.connector.state = runtime_state_name(connector.state);
  info.connector.worker_id = connector.worker_id;
  if (connector.state == RuntimeState::kFailed) info.connector.trace = connector.trace;
  for (auto& [id, task] : services_.status->tasks(c.name)) {
    rest::TaskStateInfo t;
    t.id = id;
    t.state.state = runtime_state_name(task.state);
    t.state.worker_id = task.worker_id;
    if (task.state == RuntimeState::kFailed) t.state.trace = task.trace;
    info.tasks.push_back(std::move(t));
  }
  return info;
}

// ---------------------------------------------------------------------------------------------
// start-up

Status Herder::restore_stored_connectors() {
  if (services_.connectors == nullptr) return Status::ok();
  return jobs_.call_status([this] {
    for (const auto& stored : services_.connectors->all()) {
      TargetState target = parse_target(stored.target_state).value_or(TargetState::kRunning);
      auto created = create_locked(stored.name, stored.config, target);
      if (!created.is_ok()) {
        SLUICE_LOG(kError, "herder",
                   "stored connector " + stored.name +
                       " could not be restored: " + created.status().to_string());
      }
    }
    return Status::ok();
  });
}

Status Herder::apply_connector_file(const config::ConnectorConfigFile& file) {
  auto result = put_connector_config(file.name, file.config);
  return result.status();
}

// ---------------------------------------------------------------------------------------------
// HerderApi

std::vector<std::string> Herder::connector_names() {
  auto names = jobs_.call<std::vector<std::string>>([this]() -> Result<std::vector<std::string>> {
    std::vector<std::string> result;
    for (const auto& [name, c] : connectors_) result.push_back(name);
    return result;
  });
  return names.is_ok() ? names.value() : std::vector<std::string>{};
}

Result<rest::ConnectorInfo> Herder::create_connector(const std::string& name,
                                                     std::map<std::string, std::string> config,
                                                     std::optional<std::string> initial_state) {
  TargetState target = TargetState::kRunning;
  if (initial_state) {
    auto parsed = parse_target(*initial_state);
    if (!parsed) return Status::invalid_argument("Invalid initial state: " + *initial_state);
    target = *parsed;
  }
  return jobs_.call<rest::ConnectorInfo>(
      [this, name, config = std::move(config), target]() mutable {
        return create_locked(name, std::move(config), target);
      });
}

Result<rest::ConnectorInfo> Herder::connector_info(const std::string& name) {
  return jobs_.call<rest::ConnectorInfo>([this, name]() -> Result<rest::ConnectorInfo> {
    auto c = find_or_404(name);
    if (!c.is_ok()) return c.status();
    return info_of(*c.value());
  });
}

Result<std::map<std::string, std::string>> Herder::connector_config(const std::string& name) {
  return jobs_.call<config::Props>([this, name]() -> Result<config::Props> {
    auto c = find_or_404(name);
    if (!c.is_ok()) return c.status();
    return validator_.masked(*c.value()->plugin, c.value()->raw, c.value()->placeholders);
  });
}

Result<Herder::PutResult> Herder::put_connector_config(const std::string& name,
                                                       std::map<std::string, std::string> config) {
  return jobs_.call<PutResult>(
      [this, name, config = std::move(config)]() mutable -> Result<PutResult> {
        config["name"] = name;
        Connector* existing = find(name);
        if (existing == nullptr) {
          auto created = create_locked(name, std::move(config), TargetState::kRunning);
          if (!created.is_ok()) return created.status();
          return PutResult{std::move(created).value(), true};
        }
        auto plugin = validator_.connector_plugin(config);
        if (!plugin.is_ok()) return plugin.status();
        auto validation = validator_.for_create(*plugin.value(), config);
        if (!validation.is_ok()) return validation.status();
        if (config == existing->raw) return PutResult{info_of(*existing), false};
        stop_connector_and_tasks(*existing);
        existing->raw = std::move(config);
        existing->resolved = std::move(validation.value().resolved);
        existing->placeholders = std::move(validation.value().placeholders);
        existing->plugin = plugin.value();
        existing->task_configs.clear();
        validator_.warn_unknown_keys(existing->name, *existing->plugin, existing->raw);
        SLUICE_RETURN_IF_ERROR(persist(*existing));
        start_connector(*existing);
        return PutResult{info_of(*existing), false};
      });
}

Result<rest::ConnectorInfo> Herder::patch_connector_config(
    const std::string& name, std::map<std::string, std::optional<std::string>> patch) {
  auto current = jobs_.call<config::Props>([this, name]() -> Result<config::Props> {
    auto c = find_or_404(name);
    if (!c.is_ok()) return c.status();
    return c.value()->raw;
  });
  if (!current.is_ok()) return current.status();
  config::Props merged = current.value();
  for (auto& [key, value] : patch) {
    if (value) {
      merged[key] = *value;
    } else {
      merged.erase(key);
    }
  }
  auto put = put_connector_config(name, std::move(merged));
  if (!put.is_ok()) return put.status();
  return put.value().info;
}

Result<rest::ConnectorStateInfo> Herder::connector_status(const std::string& name) {
  return jobs_.call<rest::ConnectorStateInfo>([this, name]() -> Result<rest::ConnectorStateInfo> {
    auto c = find_or_404(name);
    if (!c.is_ok()) return c.status();
    return status_of(*c.value());
  });
}

Result<std::vector<rest::TaskConfigInfo>> Herder::task_configs(const std::string& name) {
  return jobs_.call<std::vector<rest::TaskConfigInfo>>(
      [this, name]() -> Result<std::vector<rest::TaskConfigInfo>> {
        auto c = find_or_404(name);
        if (!c.is_ok()) return c.status();
        std::vector<rest::TaskConfigInfo> result;
        const Connector& connector = *c.value();
        for (size_t i = 0; i < connector.task_configs.size(); ++i) {
          result.push_back({{name, static_cast<int>(i)},
                            validator_.masked(*connector.plugin, connector.task_configs[i],
                                              connector.placeholders)});
        }
        return result;
      });
}

Result<rest::TaskStateInfo> Herder::task_status(const std::string& name, int task) {
  return jobs_.call<rest::TaskStateInfo>([this, name, task]() -> Result<rest::TaskStateInfo> {
    auto c = find_or_404(name);
    if (!c.is_ok()) return c.status();
    auto state = services_.status->task(name, task);
    if (!state)
      return Status::not_found("Task " + name + "-" + std::to_string(task) + " not found");
    rest::TaskStateInfo info;
    info.id = task;
    info.state.state = runtime_state_name(state->state);
    info.state.worker_id = state->worker_id;
    if (state->state == RuntimeState::kFailed) info.state.trace = state->trace;
    return info;
  });
}

Status Herder::restart_task(const std::string& name, int task) {
  return jobs_.call_status([this, name, task]() -> Status {
    auto c = find_or_404(name);
    if (!c.is_ok()) return c.status();
    Connector& connector = *c.value();
    if (task < 0 || static_cast<size_t>(task) >= connector.task_configs.size() ||
        connector.target == TargetState::kStopped) {
      return Status::not_found("Task " + name + "-" + std::to_string(task) + " not found");
    }
    restart_one_task(connector, task);
    return Status::ok();
  });
}

Result<std::optional<rest::ConnectorStateInfo>> Herder::restart_connector(
    const std::string& name, rest::RestartRequest req) {
  using Answer = std::optional<rest::ConnectorStateInfo>;
  return jobs_.call<Answer>([this, name, req]() -> Result<Answer> {
    auto found = find_or_404(name);
    if (!found.is_ok()) return found.status();
    Connector& c = *found.value();
    auto connector_state = services_.status->connector(name);
    const bool connector_failed =
        connector_state && connector_state->state == RuntimeState::kFailed;
    if (!req.include_tasks && !req.only_failed) {
      stop_connector_and_tasks(c);
      start_connector(c);
      return Answer{};
    }
    rest::ConnectorStateInfo answer = status_of(c);
    const bool restart_connector = !req.only_failed || connector_failed;
    std::vector<int> tasks_to_restart;
    for (auto& task : answer.tasks) {
      if (req.include_tasks && (!req.only_failed || task.state.state == "FAILED")) {
        tasks_to_restart.push_back(task.id);
        task.state.state = "RESTARTING";
        task.state.trace.reset();
      }
    }
    if (restart_connector) {
      answer.connector.state = "RESTARTING";
      answer.connector.trace.reset();
      stop_connector_and_tasks(c);
      start_connector(c);  // regenerates and starts every task
    } else {
      for (int task : tasks_to_restart) restart_one_task(c, task);
    }
    return Answer{std::move(answer)};
  });
}

Status Herder::pause_connector(const std::string& name) {
  return jobs_.call_status([this, name]() -> Status {
    auto found = find_or_404(name);
    if (!found.is_ok()) return found.status();
    Connector& c = *found.value();
    if (c.target == TargetState::kStopped) return Status::ok();  // Connect leaves STOPPED alone
    c.target = TargetState::kPaused;
    SLUICE_RETURN_IF_ERROR(persist(c));
    worker_.set_paused(name, true);
    return Status::ok();
  });
}

Status Herder::resume_connector(const std::string& name) {
  return jobs_.call_status([this, name]() -> Status {
    auto found = find_or_404(name);
    if (!found.is_ok()) return found.status();
    Connector& c = *found.value();
    const bool was_stopped = c.target == TargetState::kStopped;
    c.target = TargetState::kRunning;
    SLUICE_RETURN_IF_ERROR(persist(c));
    if (was_stopped) {
      start_connector(c);
      return Status::ok();
    }
    worker_.set_paused(name, false);
    return Status::ok();
  });
}

Status Herder::stop_connector(const std::string& name) {
  return jobs_.call_status([this, name]() -> Status {
    auto found = find_or_404(name);
    if (!found.is_ok()) return found.status();
    Connector& c = *found.value();
    c.target = TargetState::kStopped;
    stop_connector_and_tasks(c);
    c.task_configs.clear();
    SLUICE_RETURN_IF_ERROR(persist(c));
    // With target STOPPED the Worker creates no instance; it reports the connector STOPPED.
    return worker_.start_connector(name, *c.plugin, c.resolved, TargetState::kStopped);
  });
}

Status Herder::delete_connector(const std::string& name) {
  return jobs_.call_status([this, name]() -> Status {
    auto found = find_or_404(name);
    if (!found.is_ok()) return found.status();
    Connector& c = *found.value();
    stop_connector_and_tasks(c);
    if (services_.connectors != nullptr) SLUICE_RETURN_IF_ERROR(services_.connectors->remove(name));
    services_.status->remove_connector(name);
    services_.active_topics->reset(name);
    connectors_.erase(name);
    SLUICE_LOG(kInfo, "herder", "deleted connector " + name);
    return Status::ok();
  });
}

Result<std::vector<std::string>> Herder::active_topics(const std::string& name) {
  if (!services_.config->get_bool("topic.tracking.enable")) {
    return Status::unsupported("Topic tracking is disabled.");
  }
  return jobs_.call<std::vector<std::string>>([this, name]() -> Result<std::vector<std::string>> {
    auto found = find_or_404(name);
    if (!found.is_ok()) return found.status();
    return services_.active_topics->topics(name);
  });
}

Status Herder::reset_active_topics(const std::string& name) {
  if (!services_.config->get_bool("topic.tracking.enable")) {
    return Status::unsupported("Topic tracking is disabled.");
  }
  if (!services_.config->get_bool("topic.tracking.allow.reset")) {
    return Status::unsupported("Topic tracking reset is disabled.");
  }
  return jobs_.call_status([this, name]() -> Status {
    auto found = find_or_404(name);
    if (!found.is_ok()) return found.status();
    services_.active_topics->reset(name);
    return Status::ok();
  });
}

Result<std::vector<rest::OffsetInfo>> Herder::connector_offsets(const std::string& name) {
  return jobs_.call<std::vector<rest::OffsetInfo>>(
      [this, name]() -> Result<std::vector<rest::OffsetInfo>> {
        auto found = find_or_404(name);
        if (!found.is_ok()) return found.status();
        return list_connector_offsets(services_, name, is_source(*found.value()));
      });
}

Result<std::string> Herder::alter_connector_offsets(const std::string& name,
                                                    std::vector<rest::OffsetInfo> offsets) {
  return jobs_.call<std::string>(
      [this, name, offsets = std::move(offsets)]() -> Result<std::string> {
        auto found = find_stopped_for_offsets(name);
        if (!found.is_ok()) return found.status();
        return worker::alter_connector_offsets(services_, name, is_source(*found.value()), offsets);
      });
}

Result<std::string> Herder::reset_connector_offsets(const std::string& name) {
  return jobs_.call<std::string>([this, name]() -> Result<std::string> {
    auto found = find_stopped_for_offsets(name);
    if (!found.is_ok()) return found.status();
    return worker::reset_connector_offsets(services_, name, is_source(*found.value()));
  });
}

std::vector<rest::PluginListing> Herder::connector_plugins(bool connectors_only) {
  return validator_.plugin_listing(connectors_only);
}

Result<nlohmann::json> Herder::plugin_config_definitions(const std::string& plugin_name) {
  return jobs_.call<nlohmann::json>(
      [this, plugin_name]() { return validator_.config_definitions(plugin_name); });
}

Result<nlohmann::json> Herder::validate_connector_config(
    const std::string& plugin_name, std::map<std::string, std::string> config) {
  return jobs_.call<nlohmann::json>([this, plugin_name, config = std::move(config)]() {
    return validator_.validate_to_json(plugin_name, config);
  });
}

std::vector<rest::RefusedPluginInfo> Herder::refused_plugins() {
  return validator_.refused_plugins();
}

}  // namespace sluice::worker
