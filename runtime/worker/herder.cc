// Herder: see herder.h.
#include "runtime/worker/herder.h"

#include <future>

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
#include "runtime/worker/sink_task_runner.h"
#include "runtime/worker/source_task_runner.h"

namespace sluice::worker {
namespace {

constexpr auto kRequestTimeout = std::chrono::seconds(90);

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
    std::function<void()> job;
    {
      std::unique_lock lock(queue_mutex_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      job();
    } catch (const std::exception& e) {
      SLUICE_LOG(kError, "herder", std::string("a herder job threw: ") + e.what());
    }
  }
}

void Herder::post(std::function<void()> job) {
  {
    std::lock_guard lock(queue_mutex_);
    if (stopping_) return;
    queue_.push_back(std::move(job));
  }
  queue_cv_.notify_one();
}

template <typename T>
Result<T> Herder::call(std::function<Result<T>()> job) {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  auto future = promise->get_future();
  {
    std::lock_guard lock(queue_mutex_);
    if (stopping_) return Status::internal("worker is shutting down");
    queue_.push_back([promise, job = std::move(job)] { promise->set_value(job()); });
  }
  queue_cv_.notify_one();
  if (future.wait_for(kRequestTimeout) != std::future_status::ready) {
    return Status::internal("Request timed out");
  }
  try {
    return future.get();
  } catch (const std::future_error&) {
    return Status::internal("worker is shutting down");
  }
}

Status Herder::call_status(std::function<Status()> job) {
  auto result = call<bool>([job = std::move(job)]() -> Result<bool> {
    Status status = job();
    if (!status.is_ok()) return status;
    return true;
  });
  return result.status();
}

void Herder::shutdown() {
  if (!thread_.joinable()) return;
  readiness_.store(rest::Readiness::kShuttingDown);
  Status stopped = call_status([this] {
    // Every connector's tasks at once, each bounded by the graceful timeout.
    worker_.stop_all();
    return Status::ok();
  });
  if (!stopped.is_ok()) {
    SLUICE_LOG(kError, "herder", "shutdown: " + stopped.to_string());
  }
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
    queue_.clear();  // waiting callers see "worker is shutting down"
  }
  queue_cv_.notify_all();
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
    return Status::failed_precondition(
        "Connectors must be in the STOPPED state before their offsets can be modified. This "
        "can be done for the specified connector by issuing a 'PUT' request to the "
        "'/connectors/" +
        name + "/stop' endpoint");
  }
  return found.value();
}

Result<const plugin::PluginInfo*> Herder::connector_plugin(const config::Props& config) const {
  auto it = config.find("connector.class");
  if (it == config.end() || it->second.empty()) {
    return Status::invalid_argument("Connector config is missing 'connector.class'");
  }
  const plugin::PluginInfo* info = services_.plugins->find(it->second);
  if (info == nullptr) {
    return Status::invalid_argument(services_.plugins->unknown_class_message(it->second));
  }
  if (info->kind != plugin::PluginKind::kSource && info->kind != plugin::PluginKind::kSink) {
    return Status::invalid_argument("'" + it->second + "' is a " +
                                    std::string(plugin::plugin_kind_name(info->kind)) +
                                    ", not a connector");
  }
  return info;
}

Result<const config::ConnectorConfigDef*> Herder::config_def(const plugin::PluginInfo& info) {
  auto it = config_defs_.find(info.class_name);
  if (it != config_defs_.end()) return it->second.get();
  auto def = config::ConnectorConfigDef::from_plugin_table(
      info.kind == plugin::PluginKind::kSource ? config::ConnectorKind::kSource
                                               : config::ConnectorKind::kSink,
      info.descriptor->config_keys, info.descriptor->config_key_size);
  if (!def.is_ok()) return def.status().with_context(info.class_name);
  auto owned = std::make_unique<config::ConnectorConfigDef>(std::move(def).value());
  const config::ConnectorConfigDef* pointer = owned.get();
  config_defs_.emplace(info.class_name, std::move(owned));
  return pointer;
}

Result<config::Props> Herder::resolve(const std::string& name, const config::Props& raw) const {
  config::Props resolved = raw;
  Status status = config::resolve_providers(&resolved, "connector " + name, nullptr);
  if (!status.is_ok()) return status;
  return resolved;
}

Result<Herder::Validation> Herder::run_validation(const plugin::PluginInfo& info,
                                                  const config::Props& raw) {
  auto def = config_def(info);
  if (!def.is_ok()) return def.status();
  Validation result;
  for (const auto& [key, value] : raw) {
    if (config::has_placeholder(value)) result.placeholders[key] = value;
  }
  auto resolved = resolve(raw.count("name") ? raw.at("name") : info.class_name, raw);
  if (!resolved.is_ok()) return Status::invalid_argument(std::string(resolved.status().message()));
  result.resolved = std::move(resolved).value();
  config::ConfigInfos& infos = result.infos;
  infos = def.value()->validate(info.class_name, result.resolved, &result.placeholders);
  if (auto transforms = raw.find("transforms");
      transforms != raw.end() && !config::split_list(transforms->second).empty()) {
    infos.add_error("transforms",
                    "transforms are not run by this version of Sluice; remove "
                    "'transforms' from the connector config");
  }
  if (infos.error_count == 0) {
    // The plugin's own cross-key checks run on a fresh instance that is never started.
    auto context =
        plugin::make_context({"", -1, services_.worker_id, info.class_name}, nullptr, nullptr);
    auto handle = plugin::ConnectorHandle::create(info, std::move(context));
    if (!handle.is_ok()) return handle.status();
    std::vector<std::pair<std::string, std::string>> key_errors;
    Status validated = handle.value()->validate(result.resolved, &key_errors);
    for (auto& [key, message] : key_errors) infos.add_error(key, message);
    if (!validated.is_ok()) infos.add_error("", std::string(validated.message()));
  }
  return result;
}

Result<nlohmann::json> Herder::validate_to_json(const std::string& plugin_name,
                                                const config::Props& config) {
  const plugin::PluginInfo* info = services_.plugins->find(plugin_name);
  if (info == nullptr) {
    return Status::not_found(services_.plugins->unknown_class_message(plugin_name));
  }
  auto validation = run_validation(*info, config);
  if (!validation.is_ok()) return validation.status();
  return validation.value().infos.to_json();
}

Result<Herder::Validation> Herder::validate_for_create(const plugin::PluginInfo& info,
                                                       const config::Props& config) {
  auto validation = run_validation(info, config);
  if (!validation.is_ok()) return validation.status();
  const config::ConfigInfos& infos = validation.value().infos;
  if (infos.error_count == 0) return std::move(validation).value();
  std::string message = "Connector configuration is invalid and contains the following " +
                        std::to_string(infos.error_count) + " error(s):";
  for (const auto& line : infos.error_messages()) message += "\n" + line;
  message +=
      "\nYou can also find the above list of errors at the endpoint "
      "`/connector-plugins/{connectorType}/config/validate`";
  return Status::invalid_argument(message);
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
  auto plugin = connector_plugin(config);
  if (!plugin.is_ok()) return plugin.status();
  auto validation = validate_for_create(*plugin.value(), config);
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
  warn_unknown_keys(ref);
  SLUICE_LOG(kInfo, "herder",
             "created connector " + name + " (" + ref.plugin->class_name + ", target " +
                 target_state_name(target) + ")");
  start_connector(ref);
  return info_of(ref);
}

void Herder::warn_unknown_keys(const Connector& c) {
  auto def = config_def(*c.plugin);
  if (!def.is_ok()) return;
  for (const auto& [key, value] : c.raw) {
    if (def.value()->find(key) != nullptr || config::is_host_connector_key(key)) continue;
    std::string nearest =
        nearest_name(key, def.value()->keys(),
                     [](const config::KeyDef& k) -> std::string_view { return k.name; });
    SLUICE_LOG(kWarn, "herder",
               "connector " + c.name + ": key '" + key + "' is not defined by " +
                   c.plugin->class_name +
                   (nearest.empty() ? std::string() : " (did you mean '" + nearest + "'?)") +
                   "; it is passed to the connector as is");
  }
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
  return c.plugin->kind == plugin::PluginKind::kSource ? "source" : "sink";
}

config::Props Herder::masked(const Connector& c, const config::Props& props) {
  auto def = config_def(*c.plugin);
  if (!def.is_ok()) {
    // Without a definition nothing can be shown safely.
    config::Props hidden;
    for (const auto& [key, value] : props) hidden[key] = "[hidden]";
    return hidden;
  }
  return def.value()->masked(props, &c.placeholders);
}

rest::ConnectorInfo Herder::info_of(const Connector& c) {
  rest::ConnectorInfo info;
  info.name = c.name;
  info.config = masked(c, c.raw);
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
  return call_status([this] {
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
  auto names = call<std::vector<std::string>>([this]() -> Result<std::vector<std::string>> {
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
  return call<rest::ConnectorInfo>([this, name, config = std::move(config), target]() mutable {
    return create_locked(name, std::move(config), target);
  });
}

Result<rest::ConnectorInfo> Herder::connector_info(const std::string& name) {
  return call<rest::ConnectorInfo>([this, name]() -> Result<rest::ConnectorInfo> {
    auto c = find_or_404(name);
    if (!c.is_ok()) return c.status();
    return info_of(*c.value());
  });
}

Result<std::map<std::string, std::string>> Herder::connector_config(const std::string& name) {
  return call<config::Props>([this, name]() -> Result<config::Props> {
    auto c = find_or_404(name);
    if (!c.is_ok()) return c.status();
    return masked(*c.value(), c.value()->raw);
  });
}

Result<Herder::PutResult> Herder::put_connector_config(const std::string& name,
                                                       std::map<std::string, std::string> config) {
  return call<PutResult>([this, name, config = std::move(config)]() mutable -> Result<PutResult> {
    config["name"] = name;
    Connector* existing = find(name);
    if (existing == nullptr) {
      auto created = create_locked(name, std::move(config), TargetState::kRunning);
      if (!created.is_ok()) return created.status();
      return PutResult{std::move(created).value(), true};
    }
    auto plugin = connector_plugin(config);
    if (!plugin.is_ok()) return plugin.status();
    auto validation = validate_for_create(*plugin.value(), config);
    if (!validation.is_ok()) return validation.status();
    if (config == existing->raw) return PutResult{info_of(*existing), false};
    stop_connector_and_tasks(*existing);
    existing->raw = std::move(config);
    existing->resolved = std::move(validation.value().resolved);
    existing->placeholders = std::move(validation.value().placeholders);
    existing->plugin = plugin.value();
    existing->task_configs.clear();
    warn_unknown_keys(*existing);
    SLUICE_RETURN_IF_ERROR(persist(*existing));
    start_connector(*existing);
    return PutResult{info_of(*existing), false};
  });
}

Result<rest::ConnectorInfo> Herder::patch_connector_config(
    const std::string& name, std::map<std::string, std::optional<std::string>> patch) {
  auto current = call<config::Props>([this, name]() -> Result<config::Props> {
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
  return call<rest::ConnectorStateInfo>([this, name]() -> Result<rest::ConnectorStateInfo> {
    auto c = find_or_404(name);
    if (!c.is_ok()) return c.status();
    return status_of(*c.value());
  });
}

Result<std::vector<rest::TaskConfigInfo>> Herder::task_configs(const std::string& name) {
  return call<std::vector<rest::TaskConfigInfo>>([this, name]()
                                                     -> Result<std::vector<rest::TaskConfigInfo>> {
    auto c = find_or_404(name);
    if (!c.is_ok()) return c.status();
    std::vector<rest::TaskConfigInfo> result;
    const Connector& connector = *c.value();
    for (size_t i = 0; i < connector.task_configs.size(); ++i) {
      result.push_back({{name, static_cast<int>(i)}, masked(connector, connector.task_configs[i])});
    }
    return result;
  });
}

Result<rest::TaskStateInfo> Herder::task_status(const std::string& name, int task) {
  return call<rest::TaskStateInfo>([this, name, task]() -> Result<rest::TaskStateInfo> {
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
  return call_status([this, name, task]() -> Status {
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
  return call<Answer>([this, name, req]() -> Result<Answer> {
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
  return call_status([this, name]() -> Status {
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
  return call_status([this, name]() -> Status {
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
  return call_status([this, name]() -> Status {
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
  return call_status([this, name]() -> Status {
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
  return call<std::vector<std::string>>([this, name]() -> Result<std::vector<std::string>> {
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
  return call_status([this, name]() -> Status {
    auto found = find_or_404(name);
    if (!found.is_ok()) return found.status();
    services_.active_topics->reset(name);
    return Status::ok();
  });
}

Result<std::vector<rest::OffsetInfo>> Herder::connector_offsets(const std::string& name) {
  return call<std::vector<rest::OffsetInfo>>(
      [this, name]() -> Result<std::vector<rest::OffsetInfo>> {
        auto found = find_or_404(name);
        if (!found.is_ok()) return found.status();
        std::vector<rest::OffsetInfo> result;
        if (found.value()->plugin->kind == plugin::PluginKind::kSource) {
          for (const auto& entry : services_.offsets->entries_for_connector(name)) {
            if (!entry.value_json) continue;
            auto key = nlohmann::json::parse(entry.key_json, nullptr, false);
            auto value = nlohmann::json::parse(*entry.value_json, nullptr, false);
            if (key.is_discarded() || !key.is_array() || key.size() != 2 || value.is_discarded()) {
              continue;
            }
            result.push_back({key[1], value});
          }
          return result;
        }
        if (services_.admin == nullptr) return Status::unavailable("no admin client");
        auto offsets = services_.admin->list_group_offsets("connect-" + name, 10000);
        if (!offsets.is_ok()) return offsets.status();
        for (const auto& [topic, partition, offset] : offsets.value()) {
          result.push_back({{{"kafka_topic", topic}, {"kafka_partition", partition}},
                            {{"kafka_offset", offset}}});
        }
        return result;
      });
}

Result<std::string> Herder::alter_connector_offsets(const std::string& name,
                                                    std::vector<rest::OffsetInfo> offsets) {
  return call<std::string>([this, name, offsets = std::move(offsets)]() -> Result<std::string> {
    auto found = find_stopped_for_offsets(name);
    if (!found.is_ok()) return found.status();
    Connector& c = *found.value();
    if (c.plugin->kind == plugin::PluginKind::kSource) {
      std::vector<storage::OffsetEntry> entries;
      for (const auto& entry : offsets) {
        auto partition = data::OwnedFields::from_json(entry.partition.dump());
        if (!partition.is_ok()) {
          return Status::invalid_argument("invalid source partition " + entry.partition.dump() +
                                          ": " + std::string(partition.status().message()));
        }
        storage::OffsetEntry stored;
        stored.key_json =
            source_offset_key(name, partition.value().data(), partition.value().size());
        if (!entry.offset.is_null()) {
          auto offset = data::OwnedFields::from_json(entry.offset.dump());
          if (!offset.is_ok()) {
            return Status::invalid_argument("invalid source offset " + entry.offset.dump() + ": " +
                                            std::string(offset.status().message()));
          }
          stored.value_json = offset.value().to_json();
        }
        entries.push_back(std::move(stored));
      }
      SLUICE_RETURN_IF_ERROR(services_.offsets->put_and_flush(entries));
      return std::string(
          "The Connect framework-managed offsets for this connector have been altered "
          "successfully. However, if this connector manages offsets externally, they will need "
          "to be manually altered in the system that the connector uses.");
    }
    std::vector<std::tuple<std::string, int32_t, int64_t>> sink_offsets;
    for (const auto& entry : offsets) {
      const auto& p = entry.partition;
      if (!p.contains("kafka_topic") || !p["kafka_topic"].is_string() ||
          !p.contains("kafka_partition") || !p["kafka_partition"].is_number_integer()) {
        return Status::invalid_argument(
            "sink connector partitions need 'kafka_topic' (string) and 'kafka_partition' "
            "(integer): " +
            p.dump());
      }
      if (entry.offset.is_null() || !entry.offset.contains("kafka_offset") ||
          !entry.offset["kafka_offset"].is_number_integer() ||
          entry.offset["kafka_offset"].get<int64_t>() < 0) {
        return Status::invalid_argument(
            "sink connector offsets need a non-negative integer 'kafka_offset' (resetting one "
            "partition is done with DELETE /connectors/" +
            name + "/offsets): " + entry.offset.dump());
      }
      sink_offsets.emplace_back(p["kafka_topic"].get<std::string>(),
                                p["kafka_partition"].get<int32_t>(),
                                entry.offset["kafka_offset"].get<int64_t>());
    }
    if (services_.admin == nullptr) return Status::unavailable("no admin client");
    SLUICE_RETURN_IF_ERROR(
        services_.admin->alter_group_offsets("connect-" + name, sink_offsets, 10000));
    return std::string("The offsets for this connector have been altered successfully");
  });
}

Result<std::string> Herder::reset_connector_offsets(const std::string& name) {
  return call<std::string>([this, name]() -> Result<std::string> {
    auto found = find_stopped_for_offsets(name);
    if (!found.is_ok()) return found.status();
    Connector& c = *found.value();
    if (c.plugin->kind == plugin::PluginKind::kSource) {
      SLUICE_RETURN_IF_ERROR(services_.offsets->remove_connector(name));
      return std::string(
          "The Connect framework-managed offsets for this connector have been reset "
          "successfully. However, if this connector manages offsets externally, they will need "
          "to be manually reset in the system that the connector uses.");
    }
    if (services_.admin == nullptr) return Status::unavailable("no admin client");
    SLUICE_RETURN_IF_ERROR(services_.admin->delete_group("connect-" + name, 10000));
    return std::string("The offsets for this connector have been reset successfully");
  });
}

std::vector<rest::PluginListing> Herder::connector_plugins(bool connectors_only) {
  std::vector<rest::PluginListing> result;
  for (const plugin::PluginInfo* info : services_.plugins->plugins()) {
    const bool is_connector =
        info->kind == plugin::PluginKind::kSource || info->kind == plugin::PluginKind::kSink;
    if (connectors_only && !is_connector) continue;
    std::string type(plugin::plugin_kind_name(info->kind));
    if (type == "transform") type = "transformation";
    result.push_back({info->class_name, type, info->version});
  }
  if (!connectors_only) {
    for (const auto& builtin : data::builtin_converters()) {
      result.push_back(
          {std::string(builtin.class_name), "converter", std::string(builtin.version)});
    }
  }
  return result;
}

Result<nlohmann::json> Herder::plugin_config_definitions(const std::string& plugin_name) {
  return call<nlohmann::json>([this, plugin_name]() -> Result<nlohmann::json> {
    const plugin::PluginInfo* info = services_.plugins->find(plugin_name);
    if (info == nullptr) {
      return Status::not_found(services_.plugins->unknown_class_message(plugin_name));
    }
    if (info->kind != plugin::PluginKind::kSource && info->kind != plugin::PluginKind::kSink) {
      return nlohmann::json::array();
    }
    auto def = config_def(*info);
    if (!def.is_ok()) return def.status();
    return def.value()->definitions_json();
  });
}

Result<nlohmann::json> Herder::validate_connector_config(
    const std::string& plugin_name, std::map<std::string, std::string> config) {
  return call<nlohmann::json>([this, plugin_name, config = std::move(config)]() {
    return validate_to_json(plugin_name, config);
  });
}

std::vector<rest::RefusedPluginInfo> Herder::refused_plugins() {
  std::vector<rest::RefusedPluginInfo> result;
  for (const auto& refused : services_.plugins->refused()) {
    result.push_back({refused.file, refused.reason});
  }
  return result;
}

}  // namespace sluice::worker
