// Idempotent-producer state of one partition: for each producer id, its current epoch and the
// sequence ranges and offsets of its last few batches. Decides whether an incoming batch is in
// sequence (append it), a retry of a batch already in the log (answer with the original offsets,
// do not append), or out of order / from a fenced epoch (reject). Pure logic, no I/O; one table
// per partition, used from one thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "broker-lite/protocol/batch_header.h"

namespace sluice::coord {

// The idempotence fields of one record batch (all in the batch header).
struct ProducerBatch {
  int64_t producer_id = -1;  // -1: not an idempotent batch
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  int32_t record_count = 0;  // >= 1 for a real batch

  // The sequence of the last record: base_sequence + record_count - 1, wrapping past INT32_MAX
  // to 0 the way producers number records.
  int32_t last_sequence() const;
};

// Adds `delta` (>= 0) to `sequence`, wrapping from INT32_MAX to 0.
int32_t increment_sequence(int32_t sequence, int32_t delta);

// What to do with an incoming batch.
struct ProducerCheck {
  enum class Verdict { kAppend, kDuplicate, kReject };
  Verdict verdict = Verdict::kAppend;
  int16_t error_code = 0;  // Kafka error for kReject (45 or 47); 0 otherwise
  // For kDuplicate: the offsets the log assigned to the original batch.
  int64_t first_offset = -1;
  int64_t last_offset = -1;
};

// Metadata of one appended batch, kept for duplicate detection.
struct ProducerBatchRecord {
  int32_t first_sequence = -1;
  int32_t last_sequence = -1;
  int64_t first_offset = -1;
  int64_t last_offset = -1;
};

// What the table knows about one producer id.
class ProducerEntry {
 public:
  static constexpr size_t kBatchesRetained = 5;

  int16_t epoch() const { return epoch_; }
  // Last sequence appended in the current epoch, -1 if none.
  int32_t last_sequence() const;
  int64_t last_append_ms() const { return last_append_ms_; }
  size_t batch_count() const { return count_; }
  // i-th retained batch, oldest first (i < batch_count()).
  const ProducerBatchRecord& batch(size_t i) const;

  // Finds a retained batch of the current epoch with exactly this sequence range.
  const ProducerBatchRecord* find(int32_t first_sequence, int32_t last_sequence) const;
  // Records an appended batch; a new epoch forgets the batches of the old one.
  void add(int16_t epoch, const ProducerBatchRecord& batch, int64_t append_ms);

 private:
  int16_t epoch_ = -1;
  std::array<ProducerBatchRecord, kBatchesRetained> ring_{};
  size_t head_ = 0;   // index of the oldest batch
  size_t count_ = 0;  // number of retained batches
  int64_t last_append_ms_ = -1;
};

class ProducerStateTable {
 public:
  // Decides about `batch` (producer_id >= 0) against the current state, following Kafka's rules:
  //  1. same epoch and the exact sequence range of one of the last 5 batches: duplicate;
  //  2. epoch older than the stored one: INVALID_PRODUCER_EPOCH (47);
  //  3. newer epoch: base_sequence must be 0, else OUT_OF_ORDER_SEQUENCE_NUMBER (45);
  //  4. same epoch: base_sequence must follow the last sequence (INT32_MAX wraps to 0), else 45;
  //  5. no state for the producer: any sequence is accepted.
  // Batches with producer_id < 0 are always appended. Does not change the table.
  ProducerCheck check(const ProducerBatch& batch) const;

  // Records a batch the log has appended at [first_offset, last_offset]. Call it after check()
  // said kAppend and the log assigned offsets, before the next check() on this partition.
  void record_append(const ProducerBatch& batch, int64_t first_offset, int64_t last_offset,
                     int64_t append_ms);

  // Rebuilds state from a batch header read back from the log after a restart (same effect as
  // record_append; batches must be replayed in offset order). max_producer_id() then gives the
  // highest id seen.
  void replay(const ProducerBatch& batch, int64_t first_offset, int64_t last_offset,
              int64_t append_ms) {
    record_append(batch, first_offset, last_offset, append_ms);
  }

  // The same from a parsed batch header (log recovery reads only the 61-byte headers): the
  // sequence range is base_sequence .. base_sequence + last_offset_delta, the offsets
  // base_offset .. last_offset(), the append time max_timestamp. Batches without a producer id
  // are ignored.
  void replay(const kafka::BatchHeader& header);

  // State of one producer, or nullptr. The pointer is valid until the table is next changed.
  const ProducerEntry* find(int64_t producer_id) const;

  // Forgets producers whose last append is older than now_ms - max_idle_ms (Kafka's
  // producer.id.expiration.ms). Returns how many were removed.
  size_t remove_idle(int64_t now_ms, int64_t max_idle_ms);

  size_t size() const { return entries_.size(); }
  // The highest producer id ever recorded in this table, -1 if none.
  int64_t max_producer_id() const { return max_producer_id_; }

 private:
  std::unordered_map<int64_t, ProducerEntry> entries_;
  int64_t max_producer_id_ = -1;
};

}  // namespace sluice::coord
