// Keys and values of the records in the status topic of distributed mode, byte-compatible with
// Kafka Connect's (docs/formats/cluster-state-records.md §2): connector and task statuses and the
// active topics of a connector (KIP-558).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "broker-lite/util/status.h"

namespace sluice::clusterstate {

// The runtime state of a connector or task as the status topic records it.
enum class RunState : uint8_t {
  kUnassigned,
  kRunning,
  kPaused,
  kFailed,
  kRestarting,
  kStopped,
  kDestroyed,  // never written as a value (a tombstone is), accepted when read
};

// "UNASSIGNED", "RUNNING", "PAUSED", "FAILED", "RESTARTING", "STOPPED", "DESTROYED".
std::string_view run_state_name(RunState state);
std::optional<RunState> parse_run_state(std::string_view name);

// The value of a `status-connector-` or `status-task-` record.
struct RunStatus {
  RunState state = RunState::kUnassigned;
  std::optional<std::string> trace;  // written as null when absent
  std::string worker_id;             // "host:port"
  int32_t generation = 0;            // group generation of the writer

  bool operator==(const RunStatus&) const = default;
};

// The value of a `status-topic-<topic>:connector-<name>` record.
struct TopicStatus {
  std::string topic;
  std::string connector;
  int32_t task = 0;
  int64_t discover_timestamp_ms = 0;

  bool operator==(const TopicStatus&) const = default;
};

enum class StatusRecordKind : uint8_t { kConnector, kTask, kTopic };

// A parsed status-topic key.
struct StatusKey {
  StatusRecordKind kind = StatusRecordKind::kConnector;
  std::string connector;
  int32_t task = -1;  // kTask only
  std::string topic;  // kTopic only

  bool operator==(const StatusKey&) const = default;
};

std::string connector_status_key(std::string_view connector);
std::string task_status_key(std::string_view connector, int32_t task);
std::string topic_status_key(std::string_view topic, std::string_view connector);

// Classifies a key. Errors: kNotFound for a key with no known prefix; kInvalidArgument for an
// empty name, a task key without a valid index, or a topic key without ":connector-".
[[nodiscard]] Result<StatusKey> parse_status_key(std::string_view key);

// {"state":S,"trace":T|null,"worker_id":W,"generation":G}
std::string encode_run_status(const RunStatus& status);
// {"topic":{"name":T,"connector":C,"task":I,"discoverTimestamp":MS}}
std::string encode_topic_status(const TopicStatus& status);

// Decoders; `value` is borrowed for the call. A trace that is absent or null reads as nullopt.
[[nodiscard]] Result<RunStatus> decode_run_status(std::string_view value);
[[nodiscard]] Result<TopicStatus> decode_topic_status(std::string_view value);

}  // namespace sluice::clusterstate
