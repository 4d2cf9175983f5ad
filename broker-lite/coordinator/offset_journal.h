// The durable store behind committed offsets and group metadata: an append-only sequence of
// (key, value) records, implemented by the server on the internal compacted topic
// __consumer_offsets. The coordinator writes through it; at start the server replays the topic
// into GroupCoordinator::load_record. Record layouts: docs/formats/consumer-offsets.md.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "broker-lite/util/status.h"

namespace sluice::coord {

class OffsetJournal {
 public:
  virtual ~OffsetJournal() = default;

  // Appends one record. `key` and `value` are borrowed for the call only (copy them). A null
  // value is a tombstone. `on_durable` must be called exactly once: with OK only after the record
  // is durable (fsynced), with an error if the append or the fsync failed (never OK after a
  // failure). Calls must complete in append order, on the coordinator's thread; they may complete
  // inside append() itself. The coordinator must outlive every pending on_durable.
  virtual void append(std::span<const uint8_t> key, std::optional<std::span<const uint8_t>> value,
                      std::function<void(sluice::Status)> on_durable) = 0;
};

}  // namespace sluice::coord
