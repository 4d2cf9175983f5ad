// ConfigState: applying config-topic records in order (see config_state.h and
// cluster-state-records.md §1.2).
#include "runtime/clusterstate/config_state.h"

#include "broker-lite/util/logging.h"

namespace sluice::clusterstate {
namespace {

constexpr std::string_view kConfigStateLog = "clusterstate";

ConfigChange skipped(std::string_view key, std::string_view reason) {
  ConfigChange c;
  c.kind = ConfigChangeKind::kSkipped;
  c.error = "config record '" + std::string(key) + "': " + std::string(reason);
  return c;
}

// A malformed value: the caller adds the key.
ConfigChange malformed(std::string_view reason) {
  ConfigChange c;
  c.kind = ConfigChangeKind::kSkipped;
  c.error = std::string(reason);
  return c;
}

ConfigChange changed(ConfigChangeKind kind, const std::string& connector) {
  ConfigChange c;
  c.kind = kind;
  c.connector = connector;
  return c;
}

}  // namespace

const ConnectorView* ConfigSnapshot::find(std::string_view connector) const {
  auto it = connectors.find(std::string(connector));
  return it == connectors.end() ? nullptr : &it->second;
}

ConfigChange ConfigState::apply(int64_t offset, std::string_view key,
                                std::optional<std::string_view> value) {
  std::lock_guard<std::mutex> lock(mu_);
  offset_ = offset;
  ConfigChange change = apply_locked(key, value);
  if (change.kind == ConfigChangeKind::kSkipped) {
    SLUICE_LOG(kWarn, kConfigStateLog,
               "config topic offset " + std::to_string(offset) + ": skipped " + change.error);
  } else {
    ++stats_.applied;
  }
  return change;
}

ConfigChange ConfigState::apply_locked(std::string_view key,
                                       std::optional<std::string_view> value) {
  Result<ConfigKey> parsed = parse_config_key(key);
  if (!parsed.is_ok()) {
    if (parsed.status().code() == StatusCode::kNotFound) {
      ++stats_.unknown_key;
    } else {
      ++stats_.malformed;
    }
    return malformed(parsed.status().message());
  }
  ConfigChange change;
  switch (parsed->kind) {
    case ConfigRecordKind::kConnectorConfig:
      change = connector_config(parsed->connector, value);
      break;
    case ConfigRecordKind::kTaskConfig:
      change = task_config(parsed->connector, parsed->task, value);
      break;
    case ConfigRecordKind::kTasksCommit:
      change = tasks_commit(parsed->connector, value);
      break;
    case ConfigRecordKind::kTargetState:
      change = target_state(parsed->connector, value);
      break;
    case ConfigRecordKind::kSessionKey:
      change = session_key(value);
      break;
    case ConfigRecordKind::kRestartRequest:
      change = restart_request(parsed->connector, value);
      break;
    case ConfigRecordKind::kTaskCount:
      change = task_count(parsed->connector, value);
      break;
  }
  if (change.kind == ConfigChangeKind::kSkipped) {
    ++stats_.malformed;
    change = skipped(key, change.error);
  }
  return change;
}

ConfigChange ConfigState::connector_config(const std::string& name,
                                           std::optional<std::string_view> value) {
  if (!value) {
    // Deletion. The target state has its own tombstone (written right after this one).
    connector_configs_.erase(name);
    task_counts_.erase(name);
    task_configs_.erase(name);
    staged_.erase(name);
    inconsistent_.erase(name);
    return changed(ConfigChangeKind::kConnectorRemoved, name);
  }
  Result<Properties> props = decode_properties(*value);
  if (!props.is_ok()) return malformed(props.status().message());
  connector_configs_.insert_or_assign(name, std::move(*props));
  return changed(ConfigChangeKind::kConnectorConfig, name);
}

ConfigChange ConfigState::task_config(const std::string& name, int32_t task,
                                      std::optional<std::string_view> value) {
  if (!value) return malformed("a task config cannot be a tombstone");
  Result<Properties> props = decode_properties(*value);
  if (!props.is_ok()) return malformed(props.status().message());
  staged_[name].insert_or_assign(task, std::move(*props));
  ConfigChange c = changed(ConfigChangeKind::kTaskConfigStaged, name);
  c.tasks.push_back(task);
  return c;
}

ConfigChange ConfigState::tasks_commit(const std::string& name,
                                       std::optional<std::string_view> value) {
  if (!value) return malformed("a task commit cannot be a tombstone");
  Result<int32_t> count = decode_tasks_commit(*value);
  if (!count.is_ok()) return malformed(count.status().message());

  // Only the tasks named by the commit must be staged: compaction may leave staged configs of
  // higher indices from an older, larger task set, which are harmless.
  auto staged_it = staged_.find(name);
  bool complete = true;
  for (int32_t i = 0; i < *count && complete; ++i) {
    complete = staged_it != staged_.end() && staged_it->second.count(i) > 0;
  }
  ConfigChange c;
  c.connector = name;
  if (complete) {
    c.kind = ConfigChangeKind::kTasksCommitted;
    std::map<int32_t, Properties>& committed = task_configs_[name];
    if (staged_it != staged_.end()) {
      for (auto& [task, props] : staged_it->second) {
        c.tasks.push_back(task);
        committed.insert_or_assign(task, std::move(props));
      }
    }
    // Configs of tasks beyond the count can never become visible again: a later commit needs a
    // fresh staged config for each of its tasks.
    committed.erase(committed.lower_bound(*count), committed.end());
    inconsistent_.erase(name);
  } else {
    c.kind = ConfigChangeKind::kTasksInconsistent;
    inconsistent_.insert(name);
    SLUICE_LOG(kWarn, kConfigStateLog,
               "connector '" + name + "': commit of " + std::to_string(*count) +
                   " tasks found an incomplete set of task configs (compaction or an interrupted "
                   "write); its tasks stay unknown until the next complete commit");
  }
  if (staged_it != staged_.end()) staged_.erase(staged_it);
  task_counts_.insert_or_assign(name, *count);
  return c;
}

ConfigChange ConfigState::target_state(const std::string& name,
                                       std::optional<std::string_view> value) {
  if (!value) {
    target_states_.erase(name);  // a connector that still has a config is STARTED again
    return changed(ConfigChangeKind::kTargetState, name);
  }
  Result<TargetState> state = decode_target_state(*value);
  if (!state.is_ok()) return malformed(state.status().message());
  target_states_.insert_or_assign(name, *state);
  return changed(ConfigChangeKind::kTargetState, name);
}

ConfigChange ConfigState::session_key(std::optional<std::string_view> value) {
  if (!value) return malformed("a session key cannot be a tombstone");
  Result<SessionKey> key = decode_session_key(*value);
  if (!key.is_ok()) return malformed(key.status().message());
  session_key_ = std::move(*key);
  return changed(ConfigChangeKind::kSessionKey, "");
}

ConfigChange ConfigState::restart_request(const std::string& name,
                                          std::optional<std::string_view> value) {
  if (!value) return malformed("a restart request cannot be a tombstone");
  Result<RestartRequest> request = decode_restart_request(name, *value);
  if (!request.is_ok()) return malformed(request.status().message());
  ConfigChange c = changed(ConfigChangeKind::kRestartRequest, name);
  c.restart = std::move(*request);
  return c;
}

ConfigChange ConfigState::task_count(const std::string& name,
                                     std::optional<std::string_view> value) {
  if (!value) return malformed("a task count record cannot be a tombstone");
  Result<int32_t> count = decode_task_count(*value);
  if (!count.is_ok()) return malformed(count.status().message());
  task_count_records_.insert_or_assign(name, *count);
  return changed(ConfigChangeKind::kTaskCountRecord, name);
}

ConfigSnapshot ConfigState::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  ConfigSnapshot s;
  s.offset = offset_;
  s.inconsistent = inconsistent_;
  s.session_key = session_key_;
  s.task_count_records = task_count_records_;
  for (const auto& [name, config] : connector_configs_) {
    ConnectorView& view = s.connectors[name];
    view.config = config;
    auto state = target_states_.find(name);
    view.target_state = state == target_states_.end() ? TargetState::kStarted : state->second;
    auto count = task_counts_.find(name);
    if (count != task_counts_.end()) view.task_count = count->second;
    view.inconsistent = inconsistent_.count(name) > 0;
    if (view.inconsistent || !view.task_count) continue;
    auto committed = task_configs_.find(name);
    for (int32_t i = 0; i < *view.task_count; ++i) {
      const std::map<int32_t, Properties>* tasks =
          committed == task_configs_.end() ? nullptr : &committed->second;
      auto task = tasks ? tasks->find(i) : std::map<int32_t, Properties>::const_iterator();
      if (!tasks || task == tasks->end()) {
        // Cannot happen after a complete commit; reported rather than shown half.
        view.inconsistent = true;
        view.tasks.clear();
        s.inconsistent.insert(name);
        break;
      }
      view.tasks.push_back(task->second);
    }
  }
  return s;
}

ConfigStats ConfigState::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

int64_t ConfigState::offset() const {
  std::lock_guard<std::mutex> lock(mu_);
  return offset_;
}

}  // namespace sluice::clusterstate
