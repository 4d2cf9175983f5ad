// SubmittedRecords: see submitted_records.h.
#include "runtime/worker/submitted_records.h"

namespace sluice::worker {

SubmittedRecords::PartitionQueue* SubmittedRecords::find_or_add(const sluice_field* partition,
                                                                uint32_t count) {
  if (last_ != nullptr && last_->partition.equals(partition, count)) return last_;
  for (auto& queue : partitions_) {
    if (queue->partition.equals(partition, count)) return last_ = queue.get();
  }
  auto queue = std::make_unique<PartitionQueue>();
  queue->partition = data::OwnedFields::copy_of(partition, count);
  partitions_.push_back(std::move(queue));
  return last_ = partitions_.back().get();
}

SubmittedRecords::Slot* SubmittedRecords::add(const sluice_field* partition,
                                              uint32_t partition_count, const sluice_field* offset,
                                              uint32_t offset_count) {
  if (partition_count == 0) return nullptr;
  PartitionQueue* queue = find_or_add(partition, partition_count);
  if (queue->open_run == nullptr) {
    queue->slots.emplace_back();
    queue->open_run = &queue->slots.back();
  }
  Slot* slot = queue->open_run;
  ++slot->pending;
  // Only the run's last offset is kept; it is copied when the run is sealed.
  slot->last_offset = offset;
  slot->last_offset_count = offset_count;
  return slot;
}

void SubmittedRecords::seal_runs() {
  for (auto& queue : partitions_) {
    if (queue->open_run != nullptr) {
      Slot* run = queue->open_run;
      run->offset = data::OwnedFields::copy_of(run->last_offset, run->last_offset_count);
      run->last_offset = nullptr;
      run->sealed = true;
      queue->open_run = nullptr;
    }
  }
}

std::vector<SubmittedRecords::Committable> SubmittedRecords::committable() {
  std::vector<Committable> result;
  for (auto& queue : partitions_) {
    const Slot* last_popped = nullptr;
    data::OwnedFields offset;
    while (!queue->slots.empty()) {
      Slot& head = queue->slots.front();
      if (!head.sealed || head.pending != 0) break;
      offset = std::move(head.offset);
      last_popped = &head;
      queue->slots.pop_front();
    }
    if (last_popped != nullptr) result.push_back({queue->partition, std::move(offset)});
  }
  return result;
}

uint64_t SubmittedRecords::in_flight() const {
  uint64_t n = 0;
  for (const auto& queue : partitions_) {
    for (const auto& slot : queue->slots) n += slot.pending;
  }
  return n;
}

}  // namespace sluice::worker
