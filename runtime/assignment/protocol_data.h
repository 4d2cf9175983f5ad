// The bytes that workers exchange through the group protocol in distributed mode: the member
// metadata each worker sends in JoinGroup and the assignment the leader returns to each member
// through SyncGroup. Layouts, versioning and validation rules: docs/formats/group-protocol-data.md.
#pragma once

#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "broker-lite/util/status.h"

namespace sluice::assignment {

// The protocol name every worker offers in JoinGroup (protocol type "sluice"). Its trailing number
// is the major version of the layouts below.
inline constexpr std::string_view kProtocolName = "sluice-cooperative-v1";
inline constexpr int16_t kMajorVersion = 1;
inline constexpr int16_t kMinorVersion = 0;

// Assignment error codes.
inline constexpr int16_t kErrorNone = 0;
// A member has read the config topic further than the leader: nobody's work changes, everyone
// rejoins once the leader has caught up.
inline constexpr int16_t kErrorConfigMismatch = 1;

// One task: its connector and its index 0 .. tasks-1. Ordered by connector, then index.
struct TaskId {
  std::string connector;
  int32_t task = 0;

  friend auto operator<=>(const TaskId&, const TaskId&) = default;
  friend bool operator==(const TaskId&, const TaskId&) = default;
};

// "<connector>-<index>", the name Kafka Connect's REST API and logs use for a task.
[[nodiscard]] std::string to_string(const TaskId& id);

// What a worker reports about itself when it joins a generation.
struct MemberMetadata {
  std::string url;                      // the worker's REST base URL; identifies it across restarts
  int64_t config_offset = -1;           // last config-topic offset it has read, -1 if none
  std::vector<std::string> connectors;  // connectors it holds now
  std::vector<TaskId> tasks;            // tasks it holds now

  friend bool operator==(const MemberMetadata&, const MemberMetadata&) = default;
};

// What the leader returns to one member: a change to what the member holds.
struct Assignment {
  int16_t error = kErrorNone;
  std::string leader_id;                // group member id of the leader
  std::string leader_url;               // the leader's REST URL
  int64_t config_offset = -1;           // config-topic offset the assignment was computed from
  std::vector<std::string> connectors;  // to start
  std::vector<TaskId> tasks;            // to start
  std::vector<std::string> revoked_connectors;  // to stop and drop
  std::vector<TaskId> revoked_tasks;            // to stop and drop
  int32_t delay_ms = 0;  // > 0: rejoin after this many ms (held work of a departed worker)

  friend bool operator==(const Assignment&, const Assignment&) = default;
};

// Encoders write major kMajorVersion, minor kMinorVersion, in canonical form (lists sorted, no
// repeats). They fail (invalid argument, naming the field) on a string longer than 32767 bytes,
// an empty connector name, a negative task index or a negative delay.
[[nodiscard]] Result<std::vector<uint8_t>> encode(const MemberMetadata& metadata);
[[nodiscard]] Result<std::vector<uint8_t>> encode(const Assignment& assignment);

// Decoders for bytes received from another worker. `bytes` is borrowed for the call only; the
// result owns copies of everything. Any input is safe: malformed bytes give a corruption error
// naming the field and byte position, an unknown major version an unsupported error. The lists
// come back sorted, without repeats.
[[nodiscard]] Result<MemberMetadata> decode_member_metadata(std::span<const uint8_t> bytes);
[[nodiscard]] Result<Assignment> decode_assignment(std::span<const uint8_t> bytes);

}  // namespace sluice::assignment
