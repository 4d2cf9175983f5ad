// ConfigState: the cluster configuration a worker rebuilds by reading the config topic in order
// (docs/formats/cluster-state-records.md §1.2) — connector configs, target states, committed task
// configs, inconsistent connectors, the session key — exposed as consistent snapshots.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/clusterstate/config_records.h"

namespace sluice::clusterstate {

// One connector as seen in a snapshot.
struct ConnectorView {
  Properties config;
  TargetState target_state = TargetState::kStarted;
  // The task count of the latest commit; nullopt before any commit.
  std::optional<int32_t> task_count;
  // Committed configs of tasks 0..task_count-1; empty when the connector is inconsistent.
  std::vector<Properties> tasks;
  bool inconsistent = false;

  bool operator==(const ConnectorView&) const = default;
};

// A consistent copy of the state after every record up to `offset` was applied.
struct ConfigSnapshot {
  // Offset of the last record consumed (applied or skipped as malformed); -1 when none.
  int64_t offset = -1;
  std::map<std::string, ConnectorView> connectors;
  // Connectors whose latest commit found an incomplete set of task configs (Connect's
  // "inconsistent connectors"); may name connectors that have no config.
  std::set<std::string> inconsistent;
  std::optional<SessionKey> session_key;
  // Latest `tasks-fencing-<name>` count per connector (exactly-once support; informational).
  std::map<std::string, int32_t> task_count_records;

  // Kafka Connect's convention for the config offset (e.g. in membership metadata): the offset
  // of the next record to read, or -1 before any record.
  int64_t next_offset() const { return offset < 0 ? -1 : offset + 1; }
  bool contains(std::string_view connector) const {
    return connectors.find(std::string(connector)) != connectors.end();
  }
  // The connector, or nullptr. The pointer lives as long as this snapshot is unchanged.
  const ConnectorView* find(std::string_view connector) const;
};

// What applying one record did; the herder reacts to these once it has caught up.
enum class ConfigChangeKind : uint8_t {
  kSkipped,            // malformed or unknown record; state unchanged (see `error`)
  kConnectorConfig,    // connector created or reconfigured
  kConnectorRemoved,   // connector tombstone
  kTaskConfigStaged,   // task config staged, invisible until committed
  kTasksCommitted,     // commit applied (`tasks` lists the task indices that got new configs)
  kTasksInconsistent,  // commit with an incomplete set: connector marked inconsistent
  kTargetState,        // target state set (or reset by a tombstone)
  kSessionKey,         // new session key
  kRestartRequest,     // `restart` holds the request
  kTaskCountRecord,    // tasks-fencing record
};

struct ConfigChange {
  ConfigChangeKind kind = ConfigChangeKind::kSkipped;
  std::string connector;       // empty for the session key and unparsable keys
  std::vector<int32_t> tasks;  // kTasksCommitted; kTaskConfigStaged: the one task
  std::optional<RestartRequest> restart;
  std::string error;  // kSkipped: why (names the key)
};

// Counters of what was read, for logs and metrics.
struct ConfigStats {
  uint64_t applied = 0;      // records that changed or were accepted into state
  uint64_t malformed = 0;    // known key, bad value (or bad task key)
  uint64_t unknown_key = 0;  // key with no known prefix
};

// Applies config-topic records in offset order. Thread-safe: apply() is meant for the topic
// reader's thread and snapshot() for any other; each call holds an internal lock, so a snapshot
// never shows half of a record's effect.
class ConfigState {
 public:
  ConfigState() = default;
  ConfigState(const ConfigState&) = delete;
  ConfigState& operator=(const ConfigState&) = delete;

  // Applies the record at `offset` with `key` and `value` (nullopt: tombstone). Both views are
  // borrowed for the call. Malformed records are logged, counted and skipped; they never change
  // state. Offsets should increase; the recorded offset is the one passed last.
  ConfigChange apply(int64_t offset, std::string_view key, std::optional<std::string_view> value);

  [[nodiscard]] ConfigSnapshot snapshot() const;
  [[nodiscard]] ConfigStats stats() const;
  [[nodiscard]] int64_t offset() const;

 private:
  ConfigChange apply_locked(std::string_view key, std::optional<std::string_view> value);
  ConfigChange connector_config(const std::string& name, std::optional<std::string_view> value);
  ConfigChange task_config(const std::string& name, int32_t task,
                           std::optional<std::string_view> value);
  ConfigChange tasks_commit(const std::string& name, std::optional<std::string_view> value);
  ConfigChange target_state(const std::string& name, std::optional<std::string_view> value);
  ConfigChange session_key(std::optional<std::string_view> value);
  ConfigChange restart_request(const std::string& name, std::optional<std::string_view> value);
  ConfigChange task_count(const std::string& name, std::optional<std::string_view> value);

  mutable std::mutex mu_;
  int64_t offset_ = -1;
  std::map<std::string, Properties> connector_configs_;
  std::map<std::string, TargetState> target_states_;  // kept independently of configs
  std::map<std::string, int32_t> task_counts_;        // latest commit per connector
  std::map<std::string, std::map<int32_t, Properties>> task_configs_;  // committed
  std::map<std::string, std::map<int32_t, Properties>> staged_;        // since the last commit
  std::set<std::string> inconsistent_;
  std::optional<SessionKey> session_key_;
  std::map<std::string, int32_t> task_count_records_;
  ConfigStats stats_;
};

}  // namespace sluice::clusterstate
