// Keys and values of the records in the config topic of distributed mode, byte-compatible with
// Kafka Connect's (docs/formats/cluster-state-records.md §1): encoders that produce the canonical
// bytes and decoders that accept any valid JSON of the right shape.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker-lite/util/status.h"

namespace sluice::clusterstate {

// A connector or task configuration.
using Properties = std::map<std::string, std::string>;

// What the user wants a connector to be; persisted in `target-state-<name>` records.
enum class TargetState : uint8_t { kStarted, kPaused, kStopped };

// "STARTED", "PAUSED", "STOPPED".
std::string_view target_state_name(TargetState state);
// The state named exactly (upper case), or nullopt.
std::optional<TargetState> parse_target_state(std::string_view name);

// The inter-worker signing key (KIP-507) distributed by the leader.
struct SessionKey {
  std::string key;        // raw key bytes (Base64 only in the record)
  std::string algorithm;  // e.g. "HmacSHA256"
  int64_t creation_timestamp_ms = 0;

  bool operator==(const SessionKey&) const = default;
};

// A `restart-connector-<name>` request.
struct RestartRequest {
  std::string connector;
  bool include_tasks = false;
  bool only_failed = false;

  bool operator==(const RestartRequest&) const = default;
};

// The kinds of config-topic records, told apart by the key prefix.
enum class ConfigRecordKind : uint8_t {
  kConnectorConfig,  // connector-<name>
  kTaskConfig,       // task-<name>-<index>
  kTasksCommit,      // commit-<name>
  kTargetState,      // target-state-<name>
  kSessionKey,       // session-key
  kRestartRequest,   // restart-connector-<name>
  kTaskCount,        // tasks-fencing-<name>
};

// A parsed config-topic key.
struct ConfigKey {
  ConfigRecordKind kind = ConfigRecordKind::kConnectorConfig;
  std::string connector;  // empty for kSessionKey
  int32_t task = -1;      // kTaskConfig only

  bool operator==(const ConfigKey&) const = default;
};

// One record to produce: a tombstone when `value` is nullopt.
struct KeyValue {
  std::string key;
  std::optional<std::string> value;

  bool operator==(const KeyValue&) const = default;
};

inline constexpr std::string_view kSessionKeyRecordKey = "session-key";

// ---- Keys -------------------------------------------------------------------------------------
std::string connector_config_key(std::string_view connector);
std::string task_config_key(std::string_view connector, int32_t task);
std::string tasks_commit_key(std::string_view connector);
std::string target_state_key(std::string_view connector);
std::string restart_request_key(std::string_view connector);
std::string task_count_key(std::string_view connector);

// Classifies a key. Errors: kNotFound for a key with no known prefix; kInvalidArgument for an empty
// connector name or a task key without a valid index.
[[nodiscard]] Result<ConfigKey> parse_config_key(std::string_view key);

// ---- Values: canonical encoders ----------------------------------------------------------------
// {"properties":{...}} with entries sorted by key: connector and task configs.
std::string encode_properties(const Properties& properties);
// {"tasks":N}
std::string encode_tasks_commit(int32_t tasks);
// {"state":S,"state.v2":S2}; STOPPED is written as PAUSED in "state" for older readers.
std::string encode_target_state(TargetState state);
// {"key":B64,"algorithm":A,"creation-timestamp":T}
std::string encode_session_key(const SessionKey& key);
// {"include-tasks":B,"only-failed":B}
std::string encode_restart_request(bool include_tasks, bool only_failed);
// {"task-count":N}
std::string encode_task_count(int32_t task_count);

// ---- Values: decoders (`value` is borrowed for the call) ---------------------------------------
[[nodiscard]] Result<Properties> decode_properties(std::string_view value);
[[nodiscard]] Result<int32_t> decode_tasks_commit(std::string_view value);
// Uses "state.v2" when it is a string, else falls back on "state".
[[nodiscard]] Result<TargetState> decode_target_state(std::string_view value);
[[nodiscard]] Result<SessionKey> decode_session_key(std::string_view value);
// Missing or non-boolean flags read as false (Connect's defaults). `connector` is copied in.
[[nodiscard]] Result<RestartRequest> decode_restart_request(std::string_view connector,
                                                            std::string_view value);
[[nodiscard]] Result<int32_t> decode_task_count(std::string_view value);

// ---- Record batches the herder writes ----------------------------------------------------------
// Deleting a connector: tombstones for connector-<name> then target-state-<name>.
std::vector<KeyValue> connector_deletion_records(std::string_view connector);
// Creating a connector in a chosen state (KIP-980): target-state-<name> then connector-<name>.
std::vector<KeyValue> connector_creation_records(std::string_view connector,
                                                 const Properties& config, TargetState initial);
// New task configs: task-<name>-0 .. task-<name>-<n-1>. The commit (tasks_commit_key,
// encode_tasks_commit(n)) must be produced only after all of these are acknowledged.
std::vector<KeyValue> task_config_records(std::string_view connector,
                                          const std::vector<Properties>& tasks);

}  // namespace sluice::clusterstate
