// libFuzzer target for record batches from the network or a damaged segment: the header checks,
// record and header iteration (with a 4 MiB decompression cap) and the in-place rewrites must
// never read out of bounds, crash or allocate without bound. Each input is tried as it is and
// with batchLength and the CRC made consistent, so that mutations reach record parsing.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "broker-lite/protocol/batch_header.h"
#include "broker-lite/protocol/record_batch.h"

namespace {

constexpr size_t kDecompressCap = 4 << 20;
constexpr size_t kMaxBatch = 16 << 20;

// Walks every record and header, touching each byte the views expose (ASan catches stray ones).
void walk(std::span<const uint8_t> batch, std::vector<uint8_t>& scratch) {
  using namespace sluice::kafka;
  RecordIterator it;
  if (!it.open(batch, kDecompressCap, scratch).is_ok()) return;
  RecordView record;
  volatile uint8_t sink = 0;
  auto touch = [&](std::span<const uint8_t> bytes) {
    for (uint8_t b : bytes) sink = sink + b;
  };
  while (it.next(&record)) {
    if (record.key) touch(*record.key);
    if (record.value) touch(*record.value);
    (void)record_timestamp(it.header(), record);
    sluice::Status st = for_each_header(record, [&](std::span<const uint8_t> key, auto value) {
      touch(key);
      if (value) touch(*value);
    });
    (void)st;
    int16_t version, type;
    if (it.header().is_control() && record.key)
      (void)parse_control_record_key(*record.key, &version, &type);
  }
  (void)it.status();
  (void)sluice::kafka::check_produced_record_offsets(batch, kDecompressCap, scratch);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice::kafka;
  std::vector<uint8_t> scratch;
  const std::span<const uint8_t> input(data, size);
  const BatchCheck as_is = check_batch(input, kMaxBatch);
  (void)batch_error_name(as_is.error);
  walk(input, scratch);

  if (size < batch_layout::kHeaderSize || size - batch_layout::kLogOverhead > 0x7fffffff) return 0;
  std::vector<uint8_t> fixed(data, data + size);
  store_be32(fixed.data() + batch_layout::kBatchLength,
             static_cast<uint32_t>(size - batch_layout::kLogOverhead));
  fixed[batch_layout::kMagic] = static_cast<uint8_t>(kMagicV2);
  if (!update_batch_crc(fixed).is_ok()) __builtin_trap();  // the sizes were just made consistent
  if (check_batch(fixed, kMaxBatch).error == BatchError::kBadCrc) __builtin_trap();
  walk(fixed, scratch);
  if (!set_max_timestamp_and_log_append_time(fixed, 1700000000000).is_ok()) __builtin_trap();
  if (check_batch(fixed, kMaxBatch).error == BatchError::kBadCrc) __builtin_trap();
  return 0;
}
