// SubmittedRecords: tracks the source offsets of records handed to the producer so that an offset
// becomes committable only once its record and every earlier record of the same source partition
// are acknowledged by the log (docs/design/worker.md §3.1). Owned and used by one source task
// thread; not thread-safe.
//
// Records are grouped into runs: consecutive records of one poll batch with the same source
// partition share one slot that remembers only the last record's offset, so the steady state
// copies one offset per partition per batch, not one per record.
#pragma once

#include <sluice/plugin_abi.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "runtime/data/fields.h"

namespace sluice::worker {

class SubmittedRecords {
 public:
  // One run of records of one source partition. Its address is stable until it is popped by
  // committable(), so it is what the producer's per-message opaque points at.
  struct Slot {
    uint32_t pending = 0;                       // records of the run not acknowledged yet
    bool sealed = false;                        // no more records will join the run
    data::OwnedFields offset;                   // copied from last_offset when the run is sealed
    const sluice_field* last_offset = nullptr;  // lent by the plugin until its next poll
    uint32_t last_offset_count = 0;
  };

  // A committable offset: the partition and offset fields (owned copies).
  struct Committable {
    data::OwnedFields partition;
    data::OwnedFields offset;
  };

  // Adds one record; returns the slot its delivery report must acknowledge. `partition` and
  // `offset` are borrowed for the call. Records with an empty partition are not tracked: returns
  // nullptr (their acknowledgement needs no slot).
  Slot* add(const sluice_field* partition, uint32_t partition_count, const sluice_field* offset,
            uint32_t offset_count);
  // Ends the current runs and copies their last offsets. Must be called after each poll batch
  // was added and before the task is polled again (the offsets are lent until then).
  void seal_runs();
  // Acknowledges one record of `slot` (from a delivery report).
  static void ack(Slot* slot) { --slot->pending; }
  // Pops the acknowledged, sealed slots at the head of each partition's queue and returns, per
  // partition that advanced, the offset of the last slot popped.
  std::vector<Committable> committable();
  // Records handed out and not yet acknowledged.
  uint64_t in_flight() const;
  bool empty() const { return partitions_.empty(); }

 private:
  struct PartitionQueue {
    data::OwnedFields partition;
    std::deque<Slot> slots;
    Slot* open_run = nullptr;
  };
  PartitionQueue* find_or_add(const sluice_field* partition, uint32_t count);

  std::vector<std::unique_ptr<PartitionQueue>> partitions_;
  PartitionQueue* last_ = nullptr;  // the partition of the previous record (common case: same)
};

}  // namespace sluice::worker
