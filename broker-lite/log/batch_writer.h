// Writes uncompressed record batches (magic 2) with explicit offset and timestamp deltas, as
// compaction needs when it rewrites a batch that lost records (the kept records keep their
// offsets). Tests use it to produce batches. Layout: docs/formats/record-batch.md.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "broker-lite/protocol/batch_header.h"

namespace sluice::log {

// Appends one encoded record to *out. `key`, `value` and `headers` (already encoded header
// entries, `header_count` of them) are copied.
void encode_record(std::vector<uint8_t>* out, int8_t attributes, int64_t timestamp_delta,
                   int32_t offset_delta, std::optional<std::span<const uint8_t>> key,
                   std::optional<std::span<const uint8_t>> value, uint32_t header_count,
                   std::span<const uint8_t> headers);

// A whole batch: the header fields of `header` (batch_length and crc are computed; compression
// bits of attributes are cleared) followed by `records` (encoded, `header.record_count` of them).
std::vector<uint8_t> finish_batch(const kafka::BatchHeader& header,
                                  std::span<const uint8_t> records);

}  // namespace sluice::log
