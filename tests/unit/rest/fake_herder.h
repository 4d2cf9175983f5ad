// FakeHerder: an in-memory HerderApi for the REST tests. It keeps connectors in a map with
// Kafka Connect-like rules (names unique, offsets only changeable when STOPPED, topic tracking
// switchable), records the arguments of the last calls, and can be told to fail the next call
// with a given Status or to block for a while.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "runtime/rest/herder_api.h"

namespace sluice::rest::testing {

class FakeHerder : public HerderApi {
 public:
  struct Connector {
    std::map<std::string, std::string> config;
    std::string state = "RUNNING";
  };

  // --- knobs and recordings (guarded by mu) ---
  std::mutex mu;
  std::map<std::string, Connector> connectors;
  std::atomic<Readiness> ready{Readiness::kReady};
  std::atomic<int> readiness_delay_ms{0};
  std::atomic<int> call_delay_ms{0};  // every connector call sleeps this long first
  std::atomic<int> calls{0};          // connector calls made
  std::optional<Status> fail_next;    // the next connector call returns this
  bool topic_tracking = true;
  std::optional<std::string> last_initial_state;
  RestartRequest last_restart;
  std::map<std::string, std::optional<std::string>> last_patch;
  std::vector<OffsetInfo> last_offsets;
  std::optional<bool> last_connectors_only;
  std::string last_validate_plugin;
  std::map<std::string, std::string> last_validate_config;
  std::string last_task_connector;
  int last_task = -1;
  std::vector<std::string> vanish_on_status;  // connector_status reports these as not found

  Readiness readiness() override {
    std::this_thread::sleep_for(std::chrono::milliseconds(readiness_delay_ms.load()));
    return ready.load();
  }
  std::string kafka_cluster_id() override { return "cluster-1"; }

  std::vector<std::string> connector_names() override {
    std::lock_guard lock(mu);
    std::vector<std::string> names;
    for (const auto& [name, unused] : connectors) names.push_back(name);
    return names;
  }

  Result<ConnectorInfo> create_connector(const std::string& name,
                                         std::map<std::string, std::string> config,
                                         std::optional<std::string> initial_state) override {
    std::unique_lock lock = enter();
    if (fail_next) return take_failure();
    last_initial_state = initial_state;
    if (connectors.count(name))
      return Status::already_exists("Connector " + name + " already exists");
    SLUICE_RETURN_IF_ERROR(check_config(config));
    connectors[name] = Connector{std::move(config), initial_state.value_or("RUNNING")};
    return info_locked(name);
  }

  Result<ConnectorInfo> connector_info(const std::string& name) override {
    std::unique_lock lock = enter();
    if (fail_next) return take_failure();
    if (!connectors.count(name)) return not_found(name);
    return info_locked(name);
  }

  Result<std::map<std::string, std::string>> connector_config(const std::string& name) override {
    std::unique_lock lock = enter();
    if (fail_next) return take_failure();
    if (!connectors.count(name)) return not_found(name);
    return connectors[name].config;
  }

  Result<PutResult> put_connector_config(const std::string& name,
                                         std::map<std::string, std::string> config) override {
    std::unique_lock lock = enter();
    if (fail_next) return take_failure();
    SLUICE_RETURN_IF_ERROR(check_config(config));
    const bool created = connectors.count(name) == 0;
    connectors[name].config = std::move(config);
    return PutResult{info_locked(name), created};
  }

  Result<ConnectorInfo> patch_connector_config(
      const std::string& name, std::map<std::string, std::optional<std::string>> patch) override {
    std::unique_lock lock = enter();
    if (fail_next) return take_failure();
    last_patch = patch;
    if (!connectors.count(name)) return not_found(name);
    std::map<std::string, std::string> merged = connectors[name].config;
    for (const auto& [key, value] : patch) {
      if (value) {
        merged[key] = *value;
      } else {
        merged.erase(key);
      }
    }
    SLUICE_RETURN_IF_ERROR(check_config(merged));
    connectors[name].config = std::move(merged);
    return info_locked(name);
  }

  Result<ConnectorStateInfo> connector_status(const std::string& name) override {
    std::unique_lock lock = enter();
    if (fail_next) return take_failure();
    if (!connectors.count(name)) return not_found(name);
    for (const std::string& gone : vanish_on_status) {
      if (gone == name) return not_found(name);
    }
    return status_locked(name);
  }

  Result<std::vector<TaskConfigInfo>> task_configs(const std::string& name) override {
    std::unique_lock lock = enter();
    if (fail_next) return take_failure();
    if (!connectors.count(name)) return not_found(name);
    return std::vector<TaskConfigInfo>{
        {{name, 0}, {{"task.class", "Task"}, {"password", "[hidden]"}}},
        {{name, 1}, {{"task.class", "Task"}}}};
  }

  Result<TaskStateInfo> task_status(const std::string& name, int task) override {
    std::unique_lock lock = enter();
    if (fail_next) return take_failure();
    last_task_connector = name;
    last_task = task;
    if (!connectors.count(name)) return not_found(name);
    if (task != 0)
      return Status::not_found("Task " + name + "-" + std::to_string(task) + " not found");
    return TaskStateInfo{0, {"FAILED", "w:1", "boom\n  at here"}};
  }

  Status restart_task(const std::string& name, int task) override {
    std::unique_lock lock = enter();
    if (fail_next) return take_failure();
    last_task_connector = name;
    last_task = task;
    if (!connectors.count(name)) return not_found(name);
    if (task != 0)
      return Status::not_found("Task " + name + "-" + std::to_string(task) + " not found");
    return Status::ok();
  }

  Result<std::optional<ConnectorStateInfo>> restart_connector(const std::string& name,
                                                              RestartRequest req) override {
    std::unique_lock lock = enter();
    if (fail_next) return take_failure();
    last_restart = req;
    if (!connectors.count(name)) return not_found(name);
    if (!req.include_tasks && !req.only_failed) return std::optional<ConnectorStateInfo>();
    ConnectorStateInfo status = status_locked(name);
    status.connector.state = "RESTARTING";
    for (TaskStateInfo& task : status.tasks) task.state.state = "RESTARTING";
    return std::optional<ConnectorStateInfo>(status);
  }

  Status pause_connector(const std::string& name) override { return set_state(name, "PAUSED"); }
  Status resume_connector(const std::string& name) override { return set_state(name, "RUNNING"); }
  Status stop_connector(const std::string& name) override { return set_state(name, "STOPPED"); }

  Status delete_connector(const std::string& name) override {
    std::unique_lock lock = enter();
    if (fail_next) return take_failure();
    if (!connectors.erase(name)) return not_found(name);
    return Status::ok();
  }

  Result<std::vector<std::string>> active_topics(const std::string& name) override {
    std::unique_lock lock = enter();
    if (fail_next) return take_failure();
    if (!connectors.count(name)) return not_found(name);
    if (!topic_tracking) return Status::unsupported("Topic tracking is disabled.");
    return std::vector<std::string>{"orders", "customers"};
  }

  Status reset_active_topics(const std::string& name) override {
    std::unique_lock lock = enter();
    if (fail_next) return take_failure();
    if (!connectors.count(name)) return not_found(name);
    if (!topic_tracking) return Status::unsupported("Topic tracking is disabled.");
    return Status::ok();
  }

  Result<std::vector<OffsetInfo>> connector_offsets(const std::string& name) override {
    std::unique_lock lock = enter();
    if (fail_next) return take_failure();
    if (!connectors.count(name)) return not_found(name);
    return std::vector<OffsetInfo>{
        {nlohmann::json{{"filename", "in.txt"}}, nlohmann::json{{"position", 30}}}};
  }

  Result<std::string> alter_connector_offsets(const std::string& name,
                                              std::vector<OffsetInfo> offsets) override {
    std::unique_lock lock = enter();
    if (fail_next) return take_failure();
    if (!connectors.count(name)) return not_found(name);
    SLUICE_RETURN_IF_ERROR(require_stopped(name));
    last_offsets = std::move(offsets);
    return std::string("The offsets for this connector have been altered successfully");
  }

  Result<std::string> reset_connector_offsets(const std::string& name) override {
    std::unique_lock lock = enter();
    if (fail_next) return take_failure();
    if (!connectors.count(name)) return not_found(name);
    SLUICE_RETURN_IF_ERROR(require_stopped(name));
    return std::string("The offsets for this connector have been reset successfully");
  }

  std::vector<PluginListing> connector_plugins(bool connectors_only) override {
    std::lock_guard lock(mu);
    last_connectors_only = connectors_only;
    std::vector<PluginListing> out = {{"org.example.FileSource", "source", "1.0"}};
    if (!connectors_only) out.push_back({"org.example.JsonConverter", "converter", "1.0"});
    return out;
  }

  Result<nlohmann::json> plugin_config_definitions(const std::string& plugin) override {
    if (plugin != "org.example.FileSource" && plugin != "FileSource") {
      return Status::not_found("Unknown plugin " + plugin);
    }
    return nlohmann::json::array({{{"name", "file"}, {"type", "STRING"}, {"required", false}}});
  }

  Result<nlohmann::json> validate_connector_config(
      const std::string& plugin, std::map<std::string, std::string> config) override {
    std::lock_guard lock(mu);
    last_validate_plugin = plugin;
    last_validate_config = config;
    if (plugin != "org.example.FileSource" && plugin != "FileSource") {
      return Status::not_found("Unknown plugin " + plugin);
    }
    return nlohmann::json{{"name", plugin},
                          {"error_count", 0},
                          {"groups", {"Common"}},
                          {"configs", nlohmann::json::array()}};
  }

  std::vector<RefusedPluginInfo> refused_plugins() override {
    return {{"libbroken.so", "ABI major 9, expected 1"}};
  }

 private:
  std::unique_lock<std::mutex> enter() {
    ++calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(call_delay_ms.load()));
    return std::unique_lock<std::mutex>(mu);
  }
  Status take_failure() {
    Status s = *fail_next;
    fail_next.reset();
    return s;
  }
  static Status not_found(const std::string& name) {
    return Status::not_found("Connector " + name + " not found");
  }
  static Status check_config(const std::map<std::string, std::string>& config) {
    if (!config.count("connector.class")) {
      return Status::invalid_argument(
          "Connector configuration is invalid and contains the following 1 error(s):\n"
          "Missing required configuration \"connector.class\" which has no default value.");
    }
    return Status::ok();
  }
  Status require_stopped(const std::string& name) {
    if (connectors[name].state != "STOPPED") {
      return Status::failed_precondition(
          "Connectors must be in the STOPPED state before their offsets can be modified. "
          "Connector " +
          name + " is " + connectors[name].state);
    }
    return Status::ok();
  }
  Status set_state(const std::string& name, const std::string& state) {
    std::unique_lock lock = enter();
    if (fail_next) return take_failure();
    if (!connectors.count(name)) return not_found(name);
    connectors[name].state = state;
    return Status::ok();
  }
  ConnectorInfo info_locked(const std::string& name) {
    const Connector& c = connectors[name];
    return ConnectorInfo{name, c.config, {{name, 0}, {name, 1}}, type_of(c)};
  }
  ConnectorStateInfo status_locked(const std::string& name) {
    const Connector& c = connectors[name];
    return ConnectorStateInfo{name,
                              {c.state, "127.0.0.1:8083", std::nullopt},
                              {{0, {"RUNNING", "127.0.0.1:8083", std::nullopt}},
                               {1, {"FAILED", "127.0.0.1:8083", std::string("trace text")}}},
                              type_of(c)};
  }
  static std::string type_of(const Connector& c) {
    auto it = c.config.find("connector.class");
    if (it == c.config.end()) return "unknown";
    return it->second.find("Sink") != std::string::npos ? "sink" : "source";
  }
};

}  // namespace sluice::rest::testing
