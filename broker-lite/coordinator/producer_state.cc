// Idempotent-producer sequence and epoch checks (see producer_state.h).
#include "broker-lite/coordinator/producer_state.h"

#include <cassert>
#include <limits>

#include "broker-lite/coordinator/error_codes.h"

namespace sluice::coord {

int32_t increment_sequence(int32_t sequence, int32_t delta) {
  constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
  if (sequence > kMax - delta) return delta - (kMax - sequence) - 1;
  return sequence + delta;
}

int32_t ProducerBatch::last_sequence() const {
  return increment_sequence(base_sequence, record_count > 0 ? record_count - 1 : 0);
}

int32_t ProducerEntry::last_sequence() const {
  if (count_ == 0) return -1;
  return ring_[(head_ + count_ - 1) % kBatchesRetained].last_sequence;
}

const ProducerBatchRecord& ProducerEntry::batch(size_t i) const {
  assert(i < count_);
  return ring_[(head_ + i) % kBatchesRetained];
}

const ProducerBatchRecord* ProducerEntry::find(int32_t first_sequence,
                                               int32_t last_sequence) const {
  for (size_t i = 0; i < count_; ++i) {
    const ProducerBatchRecord& b = batch(i);
    if (b.first_sequence == first_sequence && b.last_sequence == last_sequence) return &b;
  }
  return nullptr;
}

void ProducerEntry::add(int16_t epoch, const ProducerBatchRecord& batch, int64_t append_ms) {
  if (epoch != epoch_) {
    epoch_ = epoch;
    head_ = 0;
    count_ = 0;
  }
  if (count_ == kBatchesRetained) {
    ring_[head_] = batch;  // overwrite the oldest
    head_ = (head_ + 1) % kBatchesRetained;
  } else {
    ring_[(head_ + count_) % kBatchesRetained] = batch;
    ++count_;
  }
  last_append_ms_ = append_ms;
}

namespace {

bool in_sequence(int32_t last_sequence, int32_t next_sequence) {
  return static_cast<int64_t>(next_sequence) == static_cast<int64_t>(last_sequence) + 1 ||
         (next_sequence == 0 && last_sequence == std::numeric_limits<int32_t>::max());
}

ProducerCheck reject(int16_t error_code) {
  ProducerCheck c;
  c.verdict = ProducerCheck::Verdict::kReject;
  c.error_code = error_code;
  return c;
}

}  // namespace

ProducerCheck ProducerStateTable::check(const ProducerBatch& batch) const {
  if (batch.producer_id < 0) return {};
  auto it = entries_.find(batch.producer_id);
  if (it == entries_.end()) return {};  // no state: any sequence is accepted
  const ProducerEntry& entry = it->second;

  if (batch.producer_epoch == entry.epoch()) {
    if (const ProducerBatchRecord* dup = entry.find(batch.base_sequence, batch.last_sequence())) {
      ProducerCheck c;
      c.verdict = ProducerCheck::Verdict::kDuplicate;
      c.first_offset = dup->first_offset;
      c.last_offset = dup->last_offset;
      return c;
    }
  }
  if (batch.producer_epoch < entry.epoch()) return reject(kafka_error::kInvalidProducerEpoch);
  if (batch.producer_epoch > entry.epoch()) {
    if (batch.base_sequence != 0) return reject(kafka_error::kOutOfOrderSequenceNumber);
    return {};
  }
  const int32_t last = entry.last_sequence();
  if (last >= 0 && !in_sequence(last, batch.base_sequence)) {
    return reject(kafka_error::kOutOfOrderSequenceNumber);
  }
  return {};
}

void ProducerStateTable::record_append(const ProducerBatch& batch, int64_t first_offset,
                                       int64_t last_offset, int64_t append_ms) {
  if (batch.producer_id < 0) return;
  ProducerBatchRecord record;
  record.first_sequence = batch.base_sequence;
  record.last_sequence = batch.last_sequence();
  record.first_offset = first_offset;
  record.last_offset = last_offset;
  entries_[batch.producer_id].add(batch.producer_epoch, record, append_ms);
  if (batch.producer_id > max_producer_id_) max_producer_id_ = batch.producer_id;
}

void ProducerStateTable::replay(const kafka::BatchHeader& header) {
  if (!header.has_producer_id()) return;
  ProducerBatch batch;
  batch.producer_id = header.producer_id;
  batch.producer_epoch = header.producer_epoch;
  batch.base_sequence = header.base_sequence;
  batch.record_count = header.last_offset_delta + 1;
  record_append(batch, header.base_offset, header.last_offset(), header.max_timestamp);
}

const ProducerEntry* ProducerStateTable::find(int64_t producer_id) const {
  auto it = entries_.find(producer_id);
  return it == entries_.end() ? nullptr : &it->second;
}

size_t ProducerStateTable::remove_idle(int64_t now_ms, int64_t max_idle_ms) {
  size_t removed = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.last_append_ms() < now_ms - max_idle_ms) {
      it = entries_.erase(it);
      ++removed;
    } else {
      ++it;
    }
  }
  return removed;
}

}  // namespace sluice::coord
