// Per-partition settings of the log (Kafka's topic config names in the comments) and the sink
// the log reports recovery findings to.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace sluice::log {

struct LogConfig {
  int64_t segment_bytes = int64_t{1} << 30;                 // segment.bytes
  int64_t segment_ms = int64_t{7} * 24 * 3600 * 1000;       // segment.ms
  int64_t segment_index_bytes = int64_t{10} << 20;          // segment.index.bytes
  int32_t index_interval_bytes = 4096;                      // index.interval.bytes
  int64_t retention_ms = int64_t{7} * 24 * 3600 * 1000;     // retention.ms, -1 = keep forever
  int64_t retention_bytes = -1;                             // retention.bytes, -1 = no limit
  bool cleanup_delete = true;                               // cleanup.policy contains "delete"
  bool cleanup_compact = false;                             // cleanup.policy contains "compact"
  int64_t delete_retention_ms = int64_t{24} * 3600 * 1000;  // delete.retention.ms
  // Largest decompressed batch compaction and timestamp lookups will expand (memory bound).
  size_t max_decompressed_bytes = size_t{64} << 20;
  // A read that starts further than this beyond a segment's CRC-checked prefix checks only its
  // own bytes instead of extending the prefix (docs/formats/log-segment.md, last paragraph of
  // the start-up rules).
  uint64_t verify_window_bytes = uint64_t{4} << 20;
};

// Receives one line per noteworthy event (bytes dropped by recovery, rebuilt indexes, corrupt
// ranges, failed syncs). The view lives for the call. Default (empty function): stderr.
using LogSink = std::function<void(std::string_view)>;

}  // namespace sluice::log
