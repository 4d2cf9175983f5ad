// The fixed 61-byte header of a Kafka record batch (magic 2): field offsets, a parsed view, and
// the checks every batch gets on produce and on log recovery (size, magic, CRC-32C, counts).
// Record-level parsing, building and compression live in record_batch.h / compression.h.
// Layout: docs/formats/record-batch.md.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "broker-lite/protocol/crc32c.h"
#include "broker-lite/protocol/endian.h"
#include "broker-lite/util/status.h"

namespace sluice::kafka {

namespace batch_layout {
inline constexpr size_t kBaseOffset = 0;             // int64
inline constexpr size_t kBatchLength = 8;            // int32: bytes after this field
inline constexpr size_t kPartitionLeaderEpoch = 12;  // int32
inline constexpr size_t kMagic = 16;                 // int8 (= 2)
inline constexpr size_t kCrc = 17;                   // uint32, CRC-32C of [kAttributes, end)
inline constexpr size_t kAttributes = 21;            // int16
inline constexpr size_t kLastOffsetDelta = 23;       // int32
inline constexpr size_t kBaseTimestamp = 27;         // int64
inline constexpr size_t kMaxTimestamp = 35;          // int64
inline constexpr size_t kProducerId = 43;            // int64
inline constexpr size_t kProducerEpoch = 51;         // int16
inline constexpr size_t kBaseSequence = 53;          // int32
inline constexpr size_t kRecordCount = 57;           // int32
inline constexpr size_t kHeaderSize = 61;            // records (maybe compressed) follow
inline constexpr size_t kLogOverhead = 12;           // baseOffset + batchLength
}  // namespace batch_layout

inline constexpr int8_t kMagicV2 = 2;

namespace batch_attr {
inline constexpr int16_t kCompressionMask = 0x07;  // 0 none 1 gzip 2 snappy 3 lz4 4 zstd
inline constexpr int16_t kLogAppendTime = 0x08;
inline constexpr int16_t kTransactional = 0x10;
inline constexpr int16_t kControl = 0x20;
inline constexpr int16_t kDeleteHorizon = 0x40;
}  // namespace batch_attr

// A parsed copy of a batch header's fields (no pointers kept).
struct BatchHeader {
  int64_t base_offset = 0;
  int32_t batch_length = 0;  // bytes after the batchLength field
  int32_t partition_leader_epoch = 0;
  int8_t magic = 0;
  uint32_t crc = 0;
  int16_t attributes = 0;
  int32_t last_offset_delta = 0;
  int64_t base_timestamp = 0;
  int64_t max_timestamp = 0;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  int32_t record_count = 0;

  // Whole batch size on the wire / on disk, including baseOffset and batchLength.
  size_t total_size() const {
    return batch_layout::kLogOverhead + static_cast<size_t>(batch_length);
  }
  int64_t last_offset() const { return base_offset + last_offset_delta; }
  int compression() const { return attributes & batch_attr::kCompressionMask; }
  bool is_transactional() const { return attributes & batch_attr::kTransactional; }
  bool is_control() const { return attributes & batch_attr::kControl; }
  bool has_producer_id() const { return producer_id >= 0; }
};

// Reads the header fields from `bytes` (borrowed), which must hold at least kHeaderSize bytes;
// checks nothing else.
inline BatchHeader read_batch_header(std::span<const uint8_t> bytes) {
  using namespace batch_layout;
  const uint8_t* p = bytes.data();
  BatchHeader h;
  h.base_offset = static_cast<int64_t>(load_be64(p + kBaseOffset));
  h.batch_length = static_cast<int32_t>(load_be32(p + kBatchLength));
  h.partition_leader_epoch = static_cast<int32_t>(load_be32(p + kPartitionLeaderEpoch));
  h.magic = static_cast<int8_t>(p[kMagic]);
  h.crc = load_be32(p + kCrc);
  h.attributes = static_cast<int16_t>(load_be16(p + kAttributes));
  h.last_offset_delta = static_cast<int32_t>(load_be32(p + kLastOffsetDelta));
  h.base_timestamp = static_cast<int64_t>(load_be64(p + kBaseTimestamp));
  h.max_timestamp = static_cast<int64_t>(load_be64(p + kMaxTimestamp));
  h.producer_id = static_cast<int64_t>(load_be64(p + kProducerId));
  h.producer_epoch = static_cast<int16_t>(load_be16(p + kProducerEpoch));
  h.base_sequence = static_cast<int32_t>(load_be32(p + kBaseSequence));
  h.record_count = static_cast<int32_t>(load_be32(p + kRecordCount));
  return h;
}

// Why a batch was rejected; maps onto Kafka error codes in the produce path.
enum class BatchError {
  kNone,
  kTruncated,  // fewer bytes than the header or batchLength claims
  kBadLength,  // batchLength smaller than the header or larger than the limit
  kBadMagic,   // not magic 2
  kBadCrc,     // CRC-32C mismatch           -> CORRUPT_MESSAGE (2)
  kBadCounts,  // recordCount vs lastOffsetDelta inconsistent -> INVALID_RECORD (87)
};

struct BatchCheck {
  BatchError error = BatchError::kNone;
  BatchHeader header;
  bool ok() const { return error == BatchError::kNone; }
};

// Validates the batch at the start of `bytes` (borrowed for the call): enough bytes for the
// header and for batchLength, batchLength within [kHeaderSize-12, max_batch_bytes], magic 2,
// CRC-32C over [attributes, end), and (unless it is a control batch) recordCount ==
// lastOffsetDelta + 1 with recordCount >= 1. Never reads outside `bytes`.
inline BatchCheck check_batch(std::span<const uint8_t> bytes, size_t max_batch_bytes) {
  using namespace batch_layout;
  BatchCheck result;
  if (bytes.size() < kHeaderSize) {
    result.error = BatchError::kTruncated;
    return result;
  }
  result.header = read_batch_header(bytes);
  const BatchHeader& h = result.header;
  if (h.batch_length < static_cast<int32_t>(kHeaderSize - kLogOverhead) ||
      static_cast<size_t>(h.batch_length) + kLogOverhead > max_batch_bytes) {
    result.error = BatchError::kBadLength;
    return result;
  }
  if (h.total_size() > bytes.size()) {
    result.error = BatchError::kTruncated;
    return result;
  }
  if (h.magic != kMagicV2) {
    result.error = BatchError::kBadMagic;
    return result;
  }
  const uint32_t computed =
      crc32c_extend(0, bytes.data() + kAttributes, h.total_size() - kAttributes);
  if (computed != h.crc) {
    result.error = BatchError::kBadCrc;
    return result;
  }
  if (h.last_offset_delta < 0 ||
      (!h.is_control() && (h.record_count < 1 || h.record_count != h.last_offset_delta + 1))) {
    result.error = BatchError::kBadCounts;
    return result;
  }
  return result;
}

inline const char* batch_error_name(BatchError e) {
  switch (e) {
    case BatchError::kNone:
      return "ok";
    case BatchError::kTruncated:
      return "truncated batch";
    case BatchError::kBadLength:
      return "bad batch length";
    case BatchError::kBadMagic:
      return "unsupported magic (only record batch v2)";
    case BatchError::kBadCrc:
      return "CRC-32C mismatch";
    case BatchError::kBadCounts:
      return "record count does not match last offset delta";
  }
  return "unknown";
}

// Overwrites baseOffset and partitionLeaderEpoch in place; both lie outside the CRC.
inline void assign_batch_offset(std::span<uint8_t> batch, int64_t base_offset,
                                int32_t leader_epoch) {
  store_be64(batch.data() + batch_layout::kBaseOffset, static_cast<uint64_t>(base_offset));
  store_be32(batch.data() + batch_layout::kPartitionLeaderEpoch,
             static_cast<uint32_t>(leader_epoch));
}

}  // namespace sluice::kafka
