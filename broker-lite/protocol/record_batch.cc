// Record parsing (RecordIterator, HeaderIterator), RecordBatchBuilder and the in-place batch
// rewrites. Record layout: docs/formats/record-batch.md, section 2.
#include "broker-lite/protocol/record_batch.h"

#include <algorithm>
#include <climits>
#include <string>

#include "broker-lite/protocol/varint.h"

namespace sluice::kafka {

namespace {

using Bytes = std::optional<std::span<const uint8_t>>;

// attributes (1) + one byte each for timestampDelta, offsetDelta, keyLength, valueLength and
// headerCount.
constexpr int32_t kMinRecordBody = 6;
constexpr size_t kMinHeaderSize = 2;  // keyLength + valueLength, both one byte

// Reads a varint length and then that many bytes from [*p, end), advancing *p. A length of -1 is
// null when `allow_null`. Returns nullptr on success, otherwise a static description.
const char* read_length_prefixed(const uint8_t** p, const uint8_t* end, bool allow_null,
                                 Bytes* out) {
  int32_t length = 0;
  const size_t n = get_varint32(*p, end, &length);
  if (n == 0) return "bad length varint";
  *p += n;
  if (length == -1 && allow_null) {
    *out = std::nullopt;
    return nullptr;
  }
  if (length < 0) return "negative length";
  if (length > end - *p) return "length beyond the end of the record";
  *out = std::span<const uint8_t>(*p, static_cast<size_t>(length));
  *p += length;
  return nullptr;
}

// One header: a non-null key and a nullable value.
const char* read_header(const uint8_t** p, const uint8_t* end, Bytes* key, Bytes* value) {
  if (read_length_prefixed(p, end, /*allow_null=*/false, key) != nullptr) return "bad header key";
  if (read_length_prefixed(p, end, /*allow_null=*/true, value) != nullptr) {
    return "bad header value";
  }
  return nullptr;
}

size_t nullable_size(const Bytes& field) {
  return field ? varint32_size(static_cast<int32_t>(field->size())) + field->size() : 1;
}

uint8_t* put_nullable(uint8_t* p, const Bytes& field) {
  if (!field) return p + put_varint32(p, -1);
  p += put_varint32(p, static_cast<int32_t>(field->size()));
  if (!field->empty()) std::copy(field->begin(), field->end(), p);
  return p + field->size();
}

bool too_large(const Bytes& field) {
  return field && field->size() > INT32_MAX;
}

sluice::Status batch_span_check(std::span<const uint8_t> batch, const char* what) {
  if (batch.size() < batch_layout::kHeaderSize) {
    return sluice::Status::invalid_argument(std::string(what) +
                                            ": fewer bytes than a batch header");
  }
  const BatchHeader h = read_batch_header(batch);
  if (h.batch_length <
          static_cast<int32_t>(batch_layout::kHeaderSize - batch_layout::kLogOverhead) ||
      h.total_size() > batch.size()) {
    return sluice::Status::invalid_argument(std::string(what) + ": batchLength " +
                                            std::to_string(h.batch_length) + " does not fit the " +
                                            std::to_string(batch.size()) + " bytes given");
  }
  return sluice::Status::ok();
}

}  // namespace

// ---- RecordIterator --------------------------------------------------------------------------

sluice::Status RecordIterator::open(std::span<const uint8_t> batch, size_t max_decompressed_bytes,
                                    std::vector<uint8_t>& scratch) {
  using namespace batch_layout;
  status_ = sluice::Status::ok();
  read_ = 0;
  done_ = true;
  pos_ = end_ = nullptr;
  if (batch.size() < kHeaderSize) {
    return status_ = sluice::Status::corruption("record batch: " + std::to_string(batch.size()) +
                                                " bytes, fewer than the 61-byte header");
  }
  header_ = read_batch_header(batch);
  const std::string subject = "record batch at base offset " + std::to_string(header_.base_offset);
  if (header_.batch_length < static_cast<int32_t>(kHeaderSize - kLogOverhead) ||
      header_.total_size() > batch.size()) {
    return status_ = sluice::Status::corruption(
               subject + ": batchLength " + std::to_string(header_.batch_length) +
               " does not fit the " + std::to_string(batch.size()) + " bytes given");
  }
  if (header_.magic != kMagicV2) {
    return status_ = sluice::Status::corruption(subject + ": magic " +
                                                std::to_string(header_.magic) + ", expected 2");
  }
  if (header_.record_count < 0) {
    return status_ = sluice::Status::corruption(subject + ": negative record count");
  }
  CompressionCodec codec;
  if (!compression_codec_from_attributes(header_.attributes, &codec)) {
    return status_ = sluice::Status::unsupported(
               subject + ": unknown compression codec " +
               std::to_string(header_.attributes & batch_attr::kCompressionMask));
  }
  const std::span<const uint8_t> records =
      batch.subspan(kHeaderSize, header_.total_size() - kHeaderSize);
  if (codec == CompressionCodec::kNone || (records.empty() && header_.record_count == 0)) {
    pos_ = records.data();
    end_ = records.data() + records.size();
  } else {
    scratch.clear();
    sluice::Status st = decompress(codec, records, scratch, max_decompressed_bytes);
    if (!st.is_ok()) return status_ = st.with_context(subject);
    pos_ = scratch.data();
    end_ = scratch.data() + scratch.size();
  }
  done_ = false;
  return sluice::Status::ok();
}

bool RecordIterator::fail(const char* what) {
  done_ = true;
  status_ = sluice::Status::corruption(
      "record batch at base offset " + std::to_string(header_.base_offset) + ", record " +
      std::to_string(read_) + " of " + std::to_string(header_.record_count) + ": " + what);
  return false;
}

bool RecordIterator::next(RecordView* record) {
  if (done_) return false;
  if (read_ == header_.record_count) {
    done_ = true;
    if (pos_ != end_) return fail("bytes after the last record");
    return false;
  }
  const uint8_t* p = pos_;
  int32_t length = 0;
  size_t n = get_varint32(p, end_, &length);
  if (n == 0) return fail(p == end_ ? "fewer records than the record count" : "bad length varint");
  p += n;
  if (length < kMinRecordBody) return fail("record length too small");
  if (length > end_ - p) return fail("record length beyond the end of the records");
  const uint8_t* const rec_end = p + length;

  record->attributes = static_cast<int8_t>(*p++);
  n = get_varint64(p, rec_end, &record->timestamp_delta);
  if (n == 0) return fail("bad timestamp delta varint");
  p += n;
  n = get_varint32(p, rec_end, &record->offset_delta);
  if (n == 0) return fail("bad offset delta varint");
  p += n;
  if (const char* err = read_length_prefixed(&p, rec_end, true, &record->key)) return fail(err);
  if (const char* err = read_length_prefixed(&p, rec_end, true, &record->value)) return fail(err);
  int32_t header_count = 0;
  n = get_varint32(p, rec_end, &header_count);
  if (n == 0) return fail("bad header count varint");
  p += n;
  if (header_count < 0) return fail("negative header count");
  if (static_cast<size_t>(header_count) > static_cast<size_t>(rec_end - p) / kMinHeaderSize) {
    return fail("header count larger than the record");
  }
  const uint8_t* const headers_start = p;
  Bytes key, value;
  for (int32_t i = 0; i < header_count; ++i) {
    if (const char* err = read_header(&p, rec_end, &key, &value)) return fail(err);
  }
  if (p != rec_end) return fail("record length does not match its fields");
  record->header_count = static_cast<uint32_t>(header_count);
  record->headers_bytes = std::span<const uint8_t>(headers_start, rec_end);
  pos_ = rec_end;
  ++read_;
  return true;
}

// ---- HeaderIterator --------------------------------------------------------------------------

bool HeaderIterator::next(std::span<const uint8_t>* key,
                          std::optional<std::span<const uint8_t>>* value) {
  if (remaining_ == 0) {
    if (pos_ != end_ && status_.is_ok()) {
      status_ = sluice::Status::corruption("record headers: bytes after the last header");
    }
    pos_ = end_;
    return false;
  }
  Bytes k;
  if (const char* err = read_header(&pos_, end_, &k, value)) {
    status_ = sluice::Status::corruption(std::string("record headers: ") + err);
    remaining_ = 0;
    pos_ = end_;
    return false;
  }
  *key = *k;
  --remaining_;
  return true;
}

// ---- checks ----------------------------------------------------------------------------------

sluice::Status check_produced_record_offsets(std::span<const uint8_t> batch,
                                             size_t max_decompressed_bytes,
                                             std::vector<uint8_t>& scratch) {
  RecordIterator it;
  SLUICE_RETURN_IF_ERROR(it.open(batch, max_decompressed_bytes, scratch));
  RecordView record;
  while (it.next(&record)) {
    if (record.offset_delta != it.records_read() - 1) {
      return sluice::Status::corruption("record batch at base offset " +
                                        std::to_string(it.header().base_offset) + ": record " +
                                        std::to_string(it.records_read() - 1) +
                                        " has offset delta " + std::to_string(record.offset_delta));
    }
  }
  return it.status();
}

// ---- RecordBatchBuilder ----------------------------------------------------------------------

void RecordBatchBuilder::append(int64_t timestamp_ms, std::optional<std::span<const uint8_t>> key,
                                std::optional<std::span<const uint8_t>> value,
                                std::span<const RecordHeader> headers) {
  if (append_error_ != nullptr) return;
  if (count_ == INT32_MAX) {
    append_error_ = "more records than a batch can count";
    return;
  }
  if (too_large(key) || too_large(value) || headers.size() > INT32_MAX) {
    append_error_ = "a key, value or header list larger than 2 GiB";
    return;
  }
  if (count_ == 0) {
    base_timestamp_ = timestamp_ms;
    max_timestamp_ = timestamp_ms;
  }
  max_timestamp_ = std::max(max_timestamp_, timestamp_ms);
  // Unsigned arithmetic: wraps instead of overflowing for absurd timestamps.
  const auto ts_delta = static_cast<int64_t>(static_cast<uint64_t>(timestamp_ms) -
                                             static_cast<uint64_t>(base_timestamp_));
  size_t body = 1 + varint64_size(ts_delta) + varint32_size(count_) + nullable_size(key) +
                nullable_size(value) + varint32_size(static_cast<int32_t>(headers.size()));
  for (const RecordHeader& h : headers) {
    if (h.key.size() > INT32_MAX || too_large(h.value)) {
      append_error_ = "a header key or value larger than 2 GiB";
      return;
    }
    body +=
        varint32_size(static_cast<int32_t>(h.key.size())) + h.key.size() + nullable_size(h.value);
  }
  if (body > INT32_MAX) {
    append_error_ = "a record larger than 2 GiB";
    return;
  }
  const size_t old_size = records_.size();
  records_.resize(old_size + varint32_size(static_cast<int32_t>(body)) + body);
  uint8_t* p = records_.data() + old_size;
  p += put_varint32(p, static_cast<int32_t>(body));
  *p++ = 0;  // record attributes: unused
  p += put_varint64(p, ts_delta);
  p += put_varint32(p, count_);
  p = put_nullable(p, key);
  p = put_nullable(p, value);
  p += put_varint32(p, static_cast<int32_t>(headers.size()));
  for (const RecordHeader& h : headers) {
    p = put_nullable(
        p, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(h.key.data()), h.key.size()));
    p = put_nullable(p, h.value);
  }
  ++count_;
}

void RecordBatchBuilder::clear_records() {
  records_.clear();
  count_ = 0;
  base_timestamp_ = max_timestamp_ = 0;
  append_error_ = nullptr;
}

sluice::Result<std::vector<uint8_t>> RecordBatchBuilder::build() const {
  using namespace batch_layout;
  if (append_error_ != nullptr) {
    return sluice::Status::invalid_argument(std::string("record batch builder: ") + append_error_);
  }
  if (count_ == 0) return sluice::Status::invalid_argument("record batch builder: no records");
  if (control_ && codec_ != CompressionCodec::kNone) {
    return sluice::Status::invalid_argument(
        "record batch builder: control batches are never compressed");
  }
  std::vector<uint8_t> out;
  out.reserve(kHeaderSize + records_.size());
  out.resize(kHeaderSize);
  sluice::Status st = compress(codec_, records_, out, level_);
  if (!st.is_ok()) return st.with_context("record batch builder");
  if (out.size() - kLogOverhead > static_cast<size_t>(INT32_MAX)) {
    return sluice::Status::invalid_argument("record batch builder: batch larger than 2 GiB");
  }
  int16_t attributes = static_cast<int16_t>(codec_);
  if (transactional_) attributes |= batch_attr::kTransactional;
  if (control_) attributes |= batch_attr::kControl;
  uint8_t* p = out.data();
  store_be64(p + kBaseOffset, static_cast<uint64_t>(base_offset_));
  store_be32(p + kBatchLength, static_cast<uint32_t>(out.size() - kLogOverhead));
  store_be32(p + kPartitionLeaderEpoch, static_cast<uint32_t>(leader_epoch_));
  p[kMagic] = static_cast<uint8_t>(kMagicV2);
  store_be16(p + kAttributes, static_cast<uint16_t>(attributes));
  store_be32(p + kLastOffsetDelta, static_cast<uint32_t>(count_ - 1));
  store_be64(p + kBaseTimestamp, static_cast<uint64_t>(base_timestamp_));
  store_be64(p + kMaxTimestamp, static_cast<uint64_t>(max_timestamp_));
  store_be64(p + kProducerId, static_cast<uint64_t>(producer_id_));
  store_be16(p + kProducerEpoch, static_cast<uint16_t>(producer_epoch_));
  store_be32(p + kBaseSequence, static_cast<uint32_t>(base_sequence_));
  store_be32(p + kRecordCount, static_cast<uint32_t>(count_));
  store_be32(p + kCrc, crc32c_extend(0, p + kAttributes, out.size() - kAttributes));
  return out;
}

// ---- control batches -------------------------------------------------------------------------

sluice::Result<std::vector<uint8_t>> build_control_batch(ControlRecordType type,
                                                         int64_t producer_id,
                                                         int16_t producer_epoch,
                                                         int32_t coordinator_epoch,
                                                         int64_t timestamp_ms) {
  uint8_t key[4];
  store_be16(key, 0);  // version
  store_be16(key + 2, static_cast<uint16_t>(type));
  uint8_t value[6];
  store_be16(value, 0);  // version
  store_be32(value + 2, static_cast<uint32_t>(coordinator_epoch));
  RecordBatchBuilder builder;
  builder.set_producer(producer_id, producer_epoch, -1).set_transactional(true).set_control(true);
  builder.append(timestamp_ms, std::span<const uint8_t>(key), std::span<const uint8_t>(value));
  return builder.build();
}

bool parse_control_record_key(std::span<const uint8_t> key, int16_t* version, int16_t* type) {
  if (key.size() < 4) return false;
  *version = static_cast<int16_t>(load_be16(key.data()));
  *type = static_cast<int16_t>(load_be16(key.data() + 2));
  return true;
}

// ---- in-place rewrites -----------------------------------------------------------------------

sluice::Status update_batch_crc(std::span<uint8_t> batch) {
  SLUICE_RETURN_IF_ERROR(batch_span_check(batch, "update_batch_crc"));
  const size_t total = read_batch_header(batch).total_size();
  store_be32(batch.data() + batch_layout::kCrc,
             crc32c_extend(0, batch.data() + batch_layout::kAttributes,
                           total - batch_layout::kAttributes));
  return sluice::Status::ok();
}

sluice::Status set_max_timestamp_and_log_append_time(std::span<uint8_t> batch, int64_t now_ms) {
  SLUICE_RETURN_IF_ERROR(batch_span_check(batch, "set_max_timestamp_and_log_append_time"));
  uint8_t* p = batch.data();
  const auto attributes =
      static_cast<uint16_t>(load_be16(p + batch_layout::kAttributes) | batch_attr::kLogAppendTime);
  store_be16(p + batch_layout::kAttributes, attributes);
  store_be64(p + batch_layout::kMaxTimestamp, static_cast<uint64_t>(now_ms));
  return update_batch_crc(batch);
}

}  // namespace sluice::kafka
