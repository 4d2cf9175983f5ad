// Records inside a record batch (magic 2): strict, allocation-free iteration over the records
// and their headers (decompressing into a caller's buffer when the batch is compressed), a
// builder for the batches the broker writes itself (internal topics, transaction markers, tests),
// and the LogAppendTime rewrite. The fixed header lives in batch_header.h.
// Layout: docs/formats/record-batch.md.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include "broker-lite/protocol/batch_header.h"
#include "broker-lite/protocol/compression.h"
#include "broker-lite/util/status.h"

namespace sluice::kafka {

// One record as it lies in the batch. Every span points into the batch bytes or, for a
// compressed batch, into the caller's decompression scratch buffer: a RecordView is valid only
// while both of those stay alive and unmodified (and until the scratch buffer is reused).
struct RecordView {
  int8_t attributes = 0;
  int64_t timestamp_delta = 0;
  int32_t offset_delta = 0;
  std::optional<std::span<const uint8_t>> key;    // nullopt = null key
  std::optional<std::span<const uint8_t>> value;  // nullopt = null value
  uint32_t header_count = 0;
  std::span<const uint8_t> headers_bytes;  // the encoded headers, already validated
};

// A record's timestamp: baseTimestamp + delta, or maxTimestamp for LogAppendTime batches.
inline int64_t record_timestamp(const BatchHeader& header, const RecordView& record) {
  if (header.attributes & batch_attr::kLogAppendTime) return header.max_timestamp;
  return header.base_timestamp + record.timestamp_delta;
}

// Walks the records of one batch, checking every length and varint against the bytes and the
// batch's recordCount. Does not check the CRC: run check_batch() first. No heap allocation for
// uncompressed batches; compressed ones are decompressed once, in open(), into `scratch`.
//
//   RecordIterator it;
//   SLUICE_RETURN_IF_ERROR(it.open(batch, cap, scratch));
//   RecordView r;
//   while (it.next(&r)) { ... }
//   SLUICE_RETURN_IF_ERROR(it.status());
class RecordIterator {
 public:
  RecordIterator() = default;
  RecordIterator(const RecordIterator&) = delete;
  RecordIterator& operator=(const RecordIterator&) = delete;

  // Starts on the batch at the start of `batch` (borrowed: must outlive the iterator and every
  // view it hands out). Checks the header's sizes, magic, codec and count. A compressed batch's
  // records are decompressed into `scratch` (borrowed the same way; cleared first), with at most
  // `max_decompressed_bytes` of output. Errors: kCorruption (malformed), kUnsupported (unknown
  // codec), kResourceExhausted (cap).
  sluice::Status open(std::span<const uint8_t> batch, size_t max_decompressed_bytes,
                      std::vector<uint8_t>& scratch);

  // Reads the next record into `record`. Returns false after the last record or on an error;
  // status() tells which. Fewer records than recordCount, or bytes after the last one, are errors.
  bool next(RecordView* record);

  const sluice::Status& status() const { return status_; }
  const BatchHeader& header() const { return header_; }
  int32_t records_read() const { return read_; }

 private:
  bool fail(const char* what);

  BatchHeader header_;
  const uint8_t* pos_ = nullptr;  // into the batch or the scratch buffer
  const uint8_t* end_ = nullptr;
  int32_t read_ = 0;
  bool done_ = true;
  sluice::Status status_;
};

// Calls fn(const RecordView&) for each record of `batch` (see RecordIterator for the checks and
// the lifetime of the views). fn may return void, or a sluice::Status that stops the walk when
// not OK and is returned.
template <typename F>
sluice::Status for_each_record(std::span<const uint8_t> batch, size_t max_decompressed_bytes,
                               std::vector<uint8_t>& scratch, F&& fn) {
  RecordIterator it;
  SLUICE_RETURN_IF_ERROR(it.open(batch, max_decompressed_bytes, scratch));
  RecordView record;
  while (it.next(&record)) {
    if constexpr (std::is_same_v<std::invoke_result_t<F&, const RecordView&>, sluice::Status>) {
      SLUICE_RETURN_IF_ERROR(fn(record));
    } else {
      fn(record);
    }
  }
  return it.status();
}

// Walks encoded record headers (RecordView::headers_bytes, borrowed). Keys are never null.
class HeaderIterator {
 public:
  HeaderIterator(std::span<const uint8_t> headers_bytes, uint32_t header_count)
      : pos_(headers_bytes.data()),
        end_(headers_bytes.data() + headers_bytes.size()),
        remaining_(header_count) {}
  explicit HeaderIterator(const RecordView& record)
      : HeaderIterator(record.headers_bytes, record.header_count) {}

  // Reads the next header; false at the end or on an error (see status()). The spans point into
  // the headers bytes.
  bool next(std::span<const uint8_t>* key, std::optional<std::span<const uint8_t>>* value);
  const sluice::Status& status() const { return status_; }

 private:
  const uint8_t* pos_;
  const uint8_t* end_;
  uint32_t remaining_;
  sluice::Status status_;
};

// Calls fn(std::span<const uint8_t> key, std::optional<std::span<const uint8_t>> value) for each
// header of `record`.
template <typename F>
sluice::Status for_each_header(const RecordView& record, F&& fn) {
  HeaderIterator it(record);
  std::span<const uint8_t> key;
  std::optional<std::span<const uint8_t>> value;
  while (it.next(&key, &value)) fn(key, value);
  return it.status();
}

// Checks what the produce path requires beyond the record structure: offset deltas exactly
// 0..recordCount-1. Uses `scratch` as RecordIterator does.
sluice::Status check_produced_record_offsets(std::span<const uint8_t> batch,
                                             size_t max_decompressed_bytes,
                                             std::vector<uint8_t>& scratch);

// A header to append; key and value are copied by append().
struct RecordHeader {
  std::string_view key;
  std::optional<std::span<const uint8_t>> value;  // nullopt = null value
};

// Builds one batch. Records are encoded (copied) as they are appended; build() adds the header,
// compresses when a codec is set, and computes lengths, deltas, maxTimestamp and the CRC.
// baseTimestamp is the first record's timestamp. Offset deltas are 0, 1, 2, ...
class RecordBatchBuilder {
 public:
  RecordBatchBuilder() = default;

  RecordBatchBuilder& set_base_offset(int64_t base_offset) {
    base_offset_ = base_offset;
    return *this;
  }
  RecordBatchBuilder& set_partition_leader_epoch(int32_t epoch) {
    leader_epoch_ = epoch;
    return *this;
  }
  RecordBatchBuilder& set_producer(int64_t producer_id, int16_t producer_epoch,
                                   int32_t base_sequence) {
    producer_id_ = producer_id;
    producer_epoch_ = producer_epoch;
    base_sequence_ = base_sequence;
    return *this;
  }
  // level: see compress(); -1 = the codec's default.
  RecordBatchBuilder& set_compression(CompressionCodec codec, int level = -1) {
    codec_ = codec;
    level_ = level;
    return *this;
  }
  RecordBatchBuilder& set_transactional(bool on) {
    transactional_ = on;
    return *this;
  }
  // Control batches must not be compressed (build() refuses).
  RecordBatchBuilder& set_control(bool on) {
    control_ = on;
    return *this;
  }

  // Encodes one record; the spans are read during the call only. An oversized field is
  // remembered and reported by build().
  void append(int64_t timestamp_ms, std::optional<std::span<const uint8_t>> key,
              std::optional<std::span<const uint8_t>> value,
              std::span<const RecordHeader> headers = {});

  int32_t record_count() const { return count_; }
  // Encoded (uncompressed) size of the records appended so far.
  size_t records_bytes() const { return records_.size(); }

  // The finished batch. Errors: no records, a control batch with a codec, a field or batch too
  // large for the format, a compression failure.
  sluice::Result<std::vector<uint8_t>> build() const;

  // Forgets the records (and a remembered append error); keeps the settings.
  void clear_records();

 private:
  int64_t base_offset_ = 0;
  int32_t leader_epoch_ = -1;
  int64_t producer_id_ = -1;
  int16_t producer_epoch_ = -1;
  int32_t base_sequence_ = -1;
  CompressionCodec codec_ = CompressionCodec::kNone;
  int level_ = -1;
  bool transactional_ = false;
  bool control_ = false;

  std::vector<uint8_t> records_;
  int32_t count_ = 0;
  int64_t base_timestamp_ = 0;
  int64_t max_timestamp_ = 0;
  const char* append_error_ = nullptr;  // static text
};

// Transaction marker types (the int16 "type" of a control record's key).
enum class ControlRecordType : int16_t { kAbort = 0, kCommit = 1 };

// A control batch holding one marker (docs/formats/record-batch.md, section 4): transactional,
// control, uncompressed, baseSequence -1.
sluice::Result<std::vector<uint8_t>> build_control_batch(ControlRecordType type,
                                                         int64_t producer_id,
                                                         int16_t producer_epoch,
                                                         int32_t coordinator_epoch,
                                                         int64_t timestamp_ms);

// Reads a control record's key. False when it is shorter than 4 bytes; unknown versions and types
// are returned as they are (callers skip types they do not know).
bool parse_control_record_key(std::span<const uint8_t> key, int16_t* version, int16_t* type);

// Recomputes the CRC-32C of the batch at the start of `batch` (modified in place). Fails when the
// bytes do not hold the whole batch its header describes.
sluice::Status update_batch_crc(std::span<uint8_t> batch);

// For LogAppendTime topics: sets the timestamp-type attribute bit and maxTimestamp = now_ms, then
// recomputes the CRC (both fields are covered by it). `batch` is modified in place.
sluice::Status set_max_timestamp_and_log_append_time(std::span<uint8_t> batch, int64_t now_ms);

}  // namespace sluice::kafka
