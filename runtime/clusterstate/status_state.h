// StatusState: the latest status of every connector and task and the active topics of every
// connector, rebuilt by reading the status topic (docs/formats/cluster-state-records.md §2.1),
// with generation ordering so that a late write from a worker of an older generation does not hide
// the status of the current owner.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/clusterstate/status_records.h"

namespace sluice::clusterstate {

enum class StatusChangeKind : uint8_t {
  kSkipped,           // malformed or unknown record (see `error`)
  kStale,             // valid but older than the stored status of another worker: ignored
  kConnectorStatus,   // connector status stored
  kConnectorRemoved,  // connector tombstone: its status and its tasks' statuses removed
  kTaskStatus,        // task status stored
  kTaskRemoved,       // task tombstone
  kTopicActive,       // active topic stored
  kTopicRemoved,      // active topic tombstone
};

struct StatusChange {
  StatusChangeKind kind = StatusChangeKind::kSkipped;
  std::string connector;
  int32_t task = -1;  // task records
  std::string topic;  // topic records
  std::string error;  // kSkipped / kStale: why (names the key)
};

struct StatusStats {
  uint64_t applied = 0;
  uint64_t stale = 0;
  uint64_t malformed = 0;
  uint64_t unknown_key = 0;
};

// A consistent copy of everything read so far.
struct StatusSnapshot {
  std::map<std::string, RunStatus> connectors;
  std::map<std::string, std::map<int32_t, RunStatus>> tasks;         // by connector, task
  std::map<std::string, std::map<std::string, TopicStatus>> topics;  // by connector, topic
};

// Applies status-topic records in the order read (per key, the topic's order). Thread-safe: every
// call holds an internal lock.
class StatusState {
 public:
  StatusState() = default;
  StatusState(const StatusState&) = delete;
  StatusState& operator=(const StatusState&) = delete;

  // Applies one record (`value` nullopt: tombstone). Views are borrowed for the call. A status is
  // stale, and ignored, when the stored one comes from another worker with a higher generation
  // that is not above the current group generation (set_group_generation).
  StatusChange apply(std::string_view key, std::optional<std::string_view> value);

  // The generation of the group this worker belongs to now. Stored statuses with a higher
  // generation belong to an earlier life of the group (its state was lost and generations started
  // again) and stop protecting themselves against lower generations. Until this is called, every
  // stored generation is protected.
  void set_group_generation(int32_t generation);

  // Whether a status record with `key` and `incoming` would be stored rather than ignored as
  // stale: the check a worker makes before writing a status it does not own for sure (Connect's
  // "safe" put, used for failures and shutdowns). False for a key that is not a connector or task
  // status key.
  [[nodiscard]] bool would_accept(std::string_view key, const RunStatus& incoming) const;

  [[nodiscard]] std::optional<RunStatus> connector_status(std::string_view connector) const;
  [[nodiscard]] std::optional<RunStatus> task_status(std::string_view connector,
                                                     int32_t task) const;
  [[nodiscard]] std::map<int32_t, RunStatus> task_statuses(std::string_view connector) const;
  // Active topics of the connector, sorted by topic name.
  [[nodiscard]] std::vector<TopicStatus> active_topics(std::string_view connector) const;
  [[nodiscard]] StatusSnapshot snapshot() const;
  [[nodiscard]] StatusStats stats() const;

 private:
  StatusChange apply_locked(std::string_view key, std::optional<std::string_view> value);
  // True when `incoming` may replace `stored`.
  bool supersedes(const RunStatus& stored, const RunStatus& incoming) const;
  // The stored connector or task status named by `key`, or nullptr.
  const RunStatus* stored_locked(const StatusKey& key) const;

  mutable std::mutex mu_;
  StatusSnapshot state_;
  std::optional<int32_t> group_generation_;
  StatusStats stats_;
};

}  // namespace sluice::clusterstate
