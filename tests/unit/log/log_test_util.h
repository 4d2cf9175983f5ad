// Helpers for the log tests: batch construction, reading a whole log back batch by batch.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "broker-lite/log/batch_writer.h"
#include "broker-lite/log/partition_log.h"

namespace sluice::log::testing {

struct TestRecord {
  std::optional<std::string> key;
  std::optional<std::string> value;
  int64_t timestamp = 0;
};

// An uncompressed batch of `records` with offsets 0..n-1 (the log assigns the base offset).
inline std::vector<uint8_t> make_batch(const std::vector<TestRecord>& records) {
  std::vector<uint8_t> body;
  kafka::BatchHeader h;
  h.magic = kafka::kMagicV2;
  h.base_timestamp = records.front().timestamp;
  h.max_timestamp = records.front().timestamp;
  for (size_t i = 0; i < records.size(); ++i) {
    const TestRecord& r = records[i];
    auto span_of =
        [](const std::optional<std::string>& s) -> std::optional<std::span<const uint8_t>> {
      if (!s) return std::nullopt;
      return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s->data()), s->size());
    };
    encode_record(&body, 0, r.timestamp - h.base_timestamp, static_cast<int32_t>(i), span_of(r.key),
                  span_of(r.value), 0, {});
    h.max_timestamp = std::max(h.max_timestamp, r.timestamp);
  }
  h.record_count = static_cast<int32_t>(records.size());
  h.last_offset_delta = static_cast<int32_t>(records.size() - 1);
  return finish_batch(h, body);
}

// A batch of `count` records with values of `value_bytes` bytes and timestamp `ts`.
inline std::vector<uint8_t> make_simple_batch(int count, size_t value_bytes, int64_t ts,
                                              uint32_t seed = 0) {
  std::vector<TestRecord> recs;
  for (int i = 0; i < count; ++i) {
    std::string v(value_bytes, 'a');
    for (size_t j = 0; j < v.size(); ++j) v[j] = static_cast<char>('a' + (seed + i + j) % 26);
    recs.push_back({"k" + std::to_string(seed + i), v, ts});
  }
  return make_batch(recs);
}

// One batch as read back: its bytes and header.
struct StoredBatch {
  kafka::BatchHeader header;
  std::vector<uint8_t> bytes;
};

// Splits a byte range into its batches (asserting each is whole and valid).
inline std::vector<StoredBatch> split_batches(const std::vector<uint8_t>& bytes) {
  std::vector<StoredBatch> out;
  size_t pos = 0;
  while (pos < bytes.size()) {
    kafka::BatchCheck c = check_stored_batch({bytes.data() + pos, bytes.size() - pos});
    EXPECT_TRUE(c.ok()) << "batch at " << pos << ": " << kafka::batch_error_name(c.error);
    if (!c.ok()) break;
    out.push_back({c.header,
                   {bytes.begin() + static_cast<ptrdiff_t>(pos),
                    bytes.begin() + static_cast<ptrdiff_t>(pos + c.header.total_size())}});
    pos += c.header.total_size();
  }
  return out;
}

// Reads every batch from `from` to the log end, one read at a time.
inline std::vector<StoredBatch> read_all(PartitionLog& log, int64_t from,
                                         size_t max_bytes = 1 << 20) {
  std::vector<StoredBatch> all;
  int64_t next = from;
  while (next < log.log_end_offset()) {
    Result<ReadResult> r = log.read(next, max_bytes, true, INT64_MAX);
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    if (!r.is_ok() || r->length == 0) break;
    std::vector<uint8_t> bytes;
    EXPECT_TRUE(r->copy_to(&bytes).is_ok());
    std::vector<StoredBatch> got = split_batches(bytes);
    if (got.empty()) break;
    for (StoredBatch& b : got) all.push_back(std::move(b));
    next = all.back().header.last_offset() + 1;
  }
  return all;
}

// Bytes of a batch apart from the fields the log rewrites (baseOffset, leader epoch).
inline std::vector<uint8_t> payload_of(const std::vector<uint8_t>& batch) {
  std::vector<uint8_t> p(batch.begin() + kafka::batch_layout::kMagic, batch.end());
  return p;
}

}  // namespace sluice::log::testing
