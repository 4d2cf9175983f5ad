// Config-topic keys and values (see config_records.h and cluster-state-records.md §1).
#include "runtime/clusterstate/config_records.h"

#include <span>

#include "runtime/clusterstate/record_json.h"
#include "runtime/data/base64.h"
#include "runtime/data/json_reader.h"
#include "runtime/data/json_writer.h"

namespace sluice::clusterstate {
namespace {

constexpr std::string_view kConnectorPrefix = "connector-";
constexpr std::string_view kTaskPrefix = "task-";
constexpr std::string_view kCommitPrefix = "commit-";
constexpr std::string_view kTargetStatePrefix = "target-state-";
constexpr std::string_view kRestartPrefix = "restart-connector-";
constexpr std::string_view kTaskCountPrefix = "tasks-fencing-";

std::string concat(std::string_view prefix, std::string_view name) {
  std::string s;
  s.reserve(prefix.size() + name.size());
  s += prefix;
  s += name;
  return s;
}

// {"<member>":<n>}
std::string encode_single_int(std::string_view member, int64_t n) {
  std::string out;
  data::JsonWriter w(&out);
  w.begin_object();
  w.key(member);
  w.int64(n);
  w.end_object();
  return out;
}

Result<int32_t> decode_single_count(std::string_view value, std::string_view member) {
  data::JsonDoc doc;
  SLUICE_RETURN_IF_ERROR(detail::parse_object(value, &doc));
  Result<int64_t> n = detail::integer_member(doc, 0, member, 0, INT32_MAX);
  if (!n.is_ok()) return n.status();
  return static_cast<int32_t>(*n);
}

Result<ConfigKey> named(ConfigRecordKind kind, std::string_view key, std::string_view prefix) {
  std::string_view name = key.substr(prefix.size());
  if (name.empty()) {
    return Status::invalid_argument("config record key '" + std::string(key) +
                                    "' has an empty connector name");
  }
  return ConfigKey{kind, std::string(name), -1};
}

}  // namespace

std::string_view target_state_name(TargetState state) {
  switch (state) {
    case TargetState::kStarted:
      return "STARTED";
    case TargetState::kPaused:
      return "PAUSED";
    case TargetState::kStopped:
      return "STOPPED";
  }
  return "STARTED";
}

std::optional<TargetState> parse_target_state(std::string_view name) {
  if (name == "STARTED") return TargetState::kStarted;
  if (name == "PAUSED") return TargetState::kPaused;
  if (name == "STOPPED") return TargetState::kStopped;
  return std::nullopt;
}

std::string connector_config_key(std::string_view connector) {
  return concat(kConnectorPrefix, connector);
}
std::string task_config_key(std::string_view connector, int32_t task) {
  std::string s = concat(kTaskPrefix, connector);
  s += '-';
  s += std::to_string(task);
  return s;
}
std::string tasks_commit_key(std::string_view connector) {
  return concat(kCommitPrefix, connector);
}
std::string target_state_key(std::string_view connector) {
  return concat(kTargetStatePrefix, connector);
}
std::string restart_request_key(std::string_view connector) {
  return concat(kRestartPrefix, connector);
}
std::string task_count_key(std::string_view connector) {
  return concat(kTaskCountPrefix, connector);
}

Result<ConfigKey> parse_config_key(std::string_view key) {
  // Same order of checks as Connect's reader; no prefix is a prefix of another one that is
  // checked later, so the order only matters for readability.
  if (key.starts_with(kTargetStatePrefix)) {
    return named(ConfigRecordKind::kTargetState, key, kTargetStatePrefix);
  }
  if (key.starts_with(kConnectorPrefix)) {
    return named(ConfigRecordKind::kConnectorConfig, key, kConnectorPrefix);
  }
  if (key.starts_with(kTaskPrefix)) {
    ConfigKey k{ConfigRecordKind::kTaskConfig, {}, -1};
    if (!detail::split_task_id(key.substr(kTaskPrefix.size()), &k.connector, &k.task)) {
      return Status::invalid_argument("config record key '" + std::string(key) +
                                      "' is not task-<connector>-<index>");
    }
    return k;
  }
  if (key.starts_with(kCommitPrefix))
    return named(ConfigRecordKind::kTasksCommit, key, kCommitPrefix);
  if (key.starts_with(kRestartPrefix)) {
    return named(ConfigRecordKind::kRestartRequest, key, kRestartPrefix);
  }
  if (key.starts_with(kTaskCountPrefix)) {
    return named(ConfigRecordKind::kTaskCount, key, kTaskCountPrefix);
  }
  if (key == kSessionKeyRecordKey) return ConfigKey{ConfigRecordKind::kSessionKey, {}, -1};
  return Status::not_found("config record key '" + std::string(key) + "' has no known prefix");
}

std::string encode_properties(const Properties& properties) {
  std::string out;
  data::JsonWriter w(&out);
  w.begin_object();
  w.key("properties");
  w.begin_object();
  for (const auto& [k, v] : properties) {
    w.key(k);
    w.string(v);
  }
  w.end_object();
  w.end_object();
  return out;
}

std::string encode_tasks_commit(int32_t tasks) {
  return encode_single_int("tasks", tasks);
}

std::string encode_target_state(TargetState state) {
  std::string out;
  data::JsonWriter w(&out);
  w.begin_object();
  w.key("state");
  w.string(target_state_name(state == TargetState::kStopped ? TargetState::kPaused : state));
  w.key("state.v2");
  w.string(target_state_name(state));
  w.end_object();
  return out;
}

std::string encode_session_key(const SessionKey& key) {
  std::string out;
  data::JsonWriter w(&out);
  w.begin_object();
  w.key("key");
  w.base64(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(key.key.data()), key.key.size()));
  w.key("algorithm");
  w.string(key.algorithm);
  w.key("creation-timestamp");
  w.int64(key.creation_timestamp_ms);
  w.end_object();
  return out;
}

std::string encode_restart_request(bool include_tasks, bool only_failed) {
  std::string out;
  data::JsonWriter w(&out);
  w.begin_object();
  w.key("include-tasks");
  w.boolean(include_tasks);
  w.key("only-failed");
  w.boolean(only_failed);
  w.end_object();
  return out;
}

std::string encode_task_count(int32_t task_count) {
  return encode_single_int("task-count", task_count);
}

Result<Properties> decode_properties(std::string_view value) {
  data::JsonDoc doc;
  SLUICE_RETURN_IF_ERROR(detail::parse_object(value, &doc));
  Result<uint32_t> props = detail::object_member(doc, 0, "properties");
  if (!props.is_ok()) return props.status();
  return detail::string_map(doc, *props);
}

Result<int32_t> decode_tasks_commit(std::string_view value) {
  return decode_single_count(value, "tasks");
}

Result<TargetState> decode_target_state(std::string_view value) {
  data::JsonDoc doc;
  SLUICE_RETURN_IF_ERROR(detail::parse_object(value, &doc));
  Result<std::string> name = detail::string_member(doc, 0, "state.v2");
  if (!name.is_ok()) name = detail::string_member(doc, 0, "state");
  if (!name.is_ok()) return name.status();
  std::optional<TargetState> state = parse_target_state(*name);
  if (!state) return Status::invalid_argument("unknown target state '" + *name + "'");
  return *state;
}

Result<SessionKey> decode_session_key(std::string_view value) {
  data::JsonDoc doc;
  SLUICE_RETURN_IF_ERROR(detail::parse_object(value, &doc));
  Result<std::string> b64 = detail::string_member(doc, 0, "key");
  if (!b64.is_ok()) return b64.status();
  Result<std::string> algorithm = detail::string_member(doc, 0, "algorithm");
  if (!algorithm.is_ok()) return algorithm.status();
  Result<int64_t> created =
      detail::integer_member(doc, 0, "creation-timestamp", INT64_MIN, INT64_MAX);
  if (!created.is_ok()) return created.status();
  SessionKey key;
  if (!data::base64_decode(*b64, &key.key)) {
    return Status::invalid_argument("member 'key' is not valid Base64");
  }
  if (key.key.empty()) return Status::invalid_argument("member 'key' is empty");
  key.algorithm = std::move(*algorithm);
  key.creation_timestamp_ms = *created;
  return key;
}

Result<RestartRequest> decode_restart_request(std::string_view connector, std::string_view value) {
  data::JsonDoc doc;
  SLUICE_RETURN_IF_ERROR(detail::parse_object(value, &doc));
  RestartRequest r;
  r.connector = std::string(connector);
  r.include_tasks = detail::boolean_member(doc, 0, "include-tasks").value_or(false);
  r.only_failed = detail::boolean_member(doc, 0, "only-failed").value_or(false);
  return r;
}

Result<int32_t> decode_task_count(std::string_view value) {
  return decode_single_count(value, "task-count");
}

std::vector<KeyValue> connector_deletion_records(std::string_view connector) {
  return {{connector_config_key(connector), std::nullopt},
          {target_state_key(connector), std::nullopt}};
}

std::vector<KeyValue> connector_creation_records(std::string_view connector,
                                                 const Properties& config, TargetState initial) {
  return {{target_state_key(connector), encode_target_state(initial)},
          {connector_config_key(connector), encode_properties(config)}};
}

std::vector<KeyValue> task_config_records(std::string_view connector,
                                          const std::vector<Properties>& tasks) {
  std::vector<KeyValue> out;
  out.reserve(tasks.size());
  for (size_t i = 0; i < tasks.size(); ++i) {
    out.push_back(
        {task_config_key(connector, static_cast<int32_t>(i)), encode_properties(tasks[i])});
  }
  return out;
}

}  // namespace sluice::clusterstate
