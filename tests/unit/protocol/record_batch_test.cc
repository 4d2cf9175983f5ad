// Tests for record_batch.h: builder -> check_batch -> iteration for every codec, malformed
// records (lengths, varints, counts), CRC coverage, the LogAppendTime rewrite, control batches,
// and batches written by an independent implementation (kafka-python, see vectors/).
#include "broker-lite/protocol/record_batch.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "broker-lite/protocol/varint.h"

namespace sluice::kafka {
namespace {

#include "tests/unit/protocol/vectors/kafka_python_batches.inc"
#include "tests/unit/protocol/vectors/librdkafka_batches.inc"

constexpr size_t kCap = 64 << 20;
constexpr size_t kMaxBatch = 256 << 20;

using OptString = std::optional<std::string>;

struct TestRecord {
  int64_t timestamp = 0;
  OptString key, value;
  std::vector<std::pair<std::string, OptString>> headers;
  bool operator==(const TestRecord&) const = default;
};

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
std::optional<std::span<const uint8_t>> bytes_of(const OptString& s) {
  if (!s) return std::nullopt;
  return bytes_of(*s);
}
OptString string_of(const std::optional<std::span<const uint8_t>>& b) {
  if (!b) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(b->data()), b->size());
}

// The same records gen_kafka_python_batches.py writes (keep the two in step).
std::vector<TestRecord> kafka_python_records() {
  std::vector<TestRecord> out;
  for (int i = 0; i < 40; ++i) {
    TestRecord r;
    r.timestamp = 1700000000000 + i * 3;
    if (i % 7 != 3) r.key = "key-" + std::to_string(i);
    if (i % 11 == 5) {
      r.value = std::nullopt;
    } else if (i % 13 == 0) {
      r.value = "";
    } else {
      r.value = "";
      for (int k = 0; k < 1 + i % 9; ++k) r.value->append("value-" + std::to_string(i) + "-");
    }
    for (int j = 0; j < i % 3; ++j) {
      OptString hv;
      if (j != 1) hv = "hv" + std::to_string(i) + "-" + std::to_string(j);
      r.headers.emplace_back("h" + std::to_string(j), hv);
    }
    out.push_back(std::move(r));
  }
  return out;
}

// `n` records mixing null/empty/long keys and values, headers, and non-monotonic timestamps.
std::vector<TestRecord> mixed_records(int n) {
  std::vector<TestRecord> out;
  for (int i = 0; i < n; ++i) {
    TestRecord r;
    r.timestamp = 1000000 + (i % 5 == 2 ? -i : i * 7);
    if (i % 4 != 1) r.key = "k" + std::to_string(i);
    if (i % 6 == 3) {
      r.value = std::nullopt;
    } else if (i % 6 == 4) {
      r.value = "";
    } else {
      r.value = std::string(static_cast<size_t>(i % 300), static_cast<char>('a' + i % 26));
    }
    for (int j = 0; j < i % 4; ++j) {
      r.headers.emplace_back(j == 2 ? "" : "hk" + std::to_string(j),
                             j == 1 ? OptString() : OptString(std::string(j * 3, 'v')));
    }
    out.push_back(std::move(r));
  }
  return out;
}

void append_all(RecordBatchBuilder& b, const std::vector<TestRecord>& records) {
  for (const TestRecord& r : records) {
    std::vector<RecordHeader> headers;
    for (const auto& [k, v] : r.headers) headers.push_back({k, bytes_of(v)});
    b.append(r.timestamp, bytes_of(r.key), bytes_of(r.value), headers);
  }
}

// Reads every record back (headers through for_each_header); fails the test on any error.
std::vector<TestRecord> read_all(std::span<const uint8_t> batch) {
  std::vector<TestRecord> out;
  std::vector<uint8_t> scratch;
  RecordIterator it;
  sluice::Status st = it.open(batch, kCap, scratch);
  EXPECT_TRUE(st.is_ok()) << st.to_string();
  RecordView v;
  while (it.next(&v)) {
    TestRecord r;
    r.timestamp = record_timestamp(it.header(), v);
    r.key = string_of(v.key);
    r.value = string_of(v.value);
    sluice::Status hs = for_each_header(v, [&](std::span<const uint8_t> k, auto value) {
      r.headers.emplace_back(*string_of(k), string_of(value));
    });
    EXPECT_TRUE(hs.is_ok()) << hs.to_string();
    EXPECT_EQ(v.offset_delta, it.records_read() - 1);
    out.push_back(std::move(r));
  }
  EXPECT_TRUE(it.status().is_ok()) << it.status().to_string();
  return out;
}

std::vector<uint8_t> build_or_die(const RecordBatchBuilder& b) {
  auto built = b.build();
  EXPECT_TRUE(built.is_ok()) << built.status().to_string();
  return built.is_ok() ? std::move(built).value() : std::vector<uint8_t>{};
}

class BuilderCodecTest : public ::testing::TestWithParam<CompressionCodec> {};

TEST_P(BuilderCodecTest, RoundTripsRecordsThroughCheckBatch) {
  for (int n : {1, 2, 37, 10000}) {
    const std::vector<TestRecord> records = mixed_records(n);
    RecordBatchBuilder b;
    b.set_base_offset(500).set_producer(77, 5, 1000).set_compression(GetParam());
    append_all(b, records);
    const std::vector<uint8_t> batch = build_or_die(b);
    const BatchCheck check = check_batch(batch, kMaxBatch);
    ASSERT_TRUE(check.ok()) << batch_error_name(check.error);
    EXPECT_EQ(check.header.total_size(), batch.size());
    EXPECT_EQ(check.header.base_offset, 500);
    EXPECT_EQ(check.header.record_count, n);
    EXPECT_EQ(check.header.last_offset_delta, n - 1);
    EXPECT_EQ(check.header.compression(), static_cast<int>(GetParam()));
    EXPECT_EQ(check.header.producer_id, 77);
    EXPECT_EQ(check.header.producer_epoch, 5);
    EXPECT_EQ(check.header.base_sequence, 1000);
    EXPECT_EQ(check.header.base_timestamp, records[0].timestamp);
    int64_t max_ts = records[0].timestamp;
    for (const TestRecord& r : records) max_ts = std::max(max_ts, r.timestamp);
    EXPECT_EQ(check.header.max_timestamp, max_ts);
    EXPECT_FALSE(check.header.is_transactional());
    EXPECT_FALSE(check.header.is_control());
    EXPECT_EQ(read_all(batch), records) << "n=" << n;
    std::vector<uint8_t> scratch;
    EXPECT_TRUE(check_produced_record_offsets(batch, kCap, scratch).is_ok());
  }
}

TEST_P(BuilderCodecTest, DecompressionCapAppliesToCompressedBatches) {
  RecordBatchBuilder b;
  b.set_compression(GetParam());
  append_all(b, mixed_records(2000));
  const std::vector<uint8_t> batch = build_or_die(b);
  std::vector<uint8_t> scratch;
  RecordIterator it;
  sluice::Status st = it.open(batch, 1000, scratch);
  if (GetParam() == CompressionCodec::kNone) {
    EXPECT_TRUE(st.is_ok());  // nothing to decompress: the cap does not apply
  } else {
    EXPECT_EQ(st.code(), StatusCode::kResourceExhausted) << st.to_string();
    EXPECT_NE(st.message().find("base offset"), std::string_view::npos) << st.to_string();
  }
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, BuilderCodecTest,
                         ::testing::Values(CompressionCodec::kNone, CompressionCodec::kGzip,
                                           CompressionCodec::kSnappy, CompressionCodec::kLz4,
                                           CompressionCodec::kZstd),
                         [](const auto& info) {
                           return std::string(compression_codec_name(info.param));
                         });

TEST(RecordBatchBuilder, FlagsAndErrors) {
  RecordBatchBuilder b;
  EXPECT_EQ(b.build().status().code(), StatusCode::kInvalidArgument);  // no records
  b.set_transactional(true).set_partition_leader_epoch(9);
  b.append(5, std::nullopt, std::nullopt);
  const std::vector<uint8_t> batch = build_or_die(b);
  const BatchHeader h = read_batch_header(batch);
  EXPECT_TRUE(h.is_transactional());
  EXPECT_EQ(h.partition_leader_epoch, 9);
  EXPECT_EQ(h.producer_id, -1);
  EXPECT_EQ(h.base_sequence, -1);
  b.set_control(true).set_compression(CompressionCodec::kGzip);
  EXPECT_EQ(b.build().status().code(), StatusCode::kInvalidArgument);
  b.clear_records();
  EXPECT_EQ(b.record_count(), 0);
  EXPECT_EQ(b.records_bytes(), 0u);
}

TEST(RecordBatchBuilder, EncodesRecordsByteForByte) {
  // One record, hand-encoded: length 12 | attrs 0 | tsDelta 0 | offsetDelta 0 | key "ab" |
  // value null | 1 header "h" = "x".
  RecordBatchBuilder b;
  const std::string key = "ab", hv = "x";
  const RecordHeader header{"h", bytes_of(hv)};
  b.append(42, bytes_of(key), std::nullopt, std::span<const RecordHeader>(&header, 1));
  const std::vector<uint8_t> batch = build_or_die(b);
  const std::vector<uint8_t> expected = {0x18, 0x00, 0x00, 0x00, 0x04, 'a', 'b',
                                         0x01, 0x02, 0x02, 'h',  0x02, 'x'};
  ASSERT_EQ(batch.size(), batch_layout::kHeaderSize + expected.size());
  EXPECT_TRUE(
      std::equal(expected.begin(), expected.end(), batch.begin() + batch_layout::kHeaderSize));
}

TEST(RecordBatch, CrcCoversAttributesToTheEnd) {
  RecordBatchBuilder b;
  append_all(b, mixed_records(20));
  const std::vector<uint8_t> batch = build_or_die(b);
  for (size_t byte = batch_layout::kAttributes; byte < batch.size(); byte += 3) {
    for (int bit : {0, 5}) {
      std::vector<uint8_t> copy = batch;
      copy[byte] ^= static_cast<uint8_t>(1 << bit);
      EXPECT_EQ(check_batch(copy, kMaxBatch).error, BatchError::kBadCrc) << "byte " << byte;
    }
  }
  // baseOffset and partitionLeaderEpoch are outside the CRC.
  std::vector<uint8_t> copy = batch;
  assign_batch_offset(copy, 123456, 7);
  EXPECT_TRUE(check_batch(copy, kMaxBatch).ok());
}

TEST(RecordBatch, LogAppendTimeRewriteKeepsTheBatchValid) {
  RecordBatchBuilder b;
  b.set_compression(CompressionCodec::kLz4);
  append_all(b, mixed_records(10));
  std::vector<uint8_t> batch = build_or_die(b);
  ASSERT_TRUE(set_max_timestamp_and_log_append_time(batch, 1234567).is_ok());
  const BatchCheck check = check_batch(batch, kMaxBatch);
  ASSERT_TRUE(check.ok()) << batch_error_name(check.error);
  EXPECT_TRUE(check.header.attributes & batch_attr::kLogAppendTime);
  EXPECT_EQ(check.header.max_timestamp, 1234567);
  EXPECT_EQ(check.header.compression(), static_cast<int>(CompressionCodec::kLz4));
  for (const TestRecord& r : read_all(batch)) EXPECT_EQ(r.timestamp, 1234567);
  std::vector<uint8_t> too_short(batch.begin(), batch.begin() + 40);
  EXPECT_FALSE(set_max_timestamp_and_log_append_time(too_short, 1).is_ok());
}

TEST(RecordBatch, ControlBatchCarriesTheMarker) {
  auto built = build_control_batch(ControlRecordType::kCommit, 9000, 4, 12, 777);
  ASSERT_TRUE(built.is_ok()) << built.status().to_string();
  const std::vector<uint8_t>& batch = *built;
  const BatchCheck check = check_batch(batch, kMaxBatch);
  ASSERT_TRUE(check.ok()) << batch_error_name(check.error);
  EXPECT_TRUE(check.header.is_control());
  EXPECT_TRUE(check.header.is_transactional());
  EXPECT_EQ(check.header.compression(), 0);
  EXPECT_EQ(check.header.producer_id, 9000);
  EXPECT_EQ(check.header.producer_epoch, 4);
  EXPECT_EQ(check.header.base_sequence, -1);
  std::vector<uint8_t> scratch;
  int seen = 0;
  sluice::Status st = for_each_record(batch, kCap, scratch, [&](const RecordView& r) {
    ++seen;
    ASSERT_TRUE(r.key && r.value);
    int16_t version = -1, type = -1;
    ASSERT_TRUE(parse_control_record_key(*r.key, &version, &type));
    EXPECT_EQ(version, 0);
    EXPECT_EQ(type, static_cast<int16_t>(ControlRecordType::kCommit));
    ASSERT_EQ(r.value->size(), 6u);
    EXPECT_EQ(load_be16(r.value->data()), 0);
    EXPECT_EQ(load_be32(r.value->data() + 2), 12u);
    EXPECT_EQ(r.header_count, 0u);
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_EQ(seen, 1);
  int16_t v, t;
  EXPECT_FALSE(parse_control_record_key(std::span<const uint8_t>(batch.data(), 3), &v, &t));
}

TEST(RecordBatch, ForEachRecordStopsOnTheCallbacksError) {
  RecordBatchBuilder b;
  append_all(b, mixed_records(10));
  const std::vector<uint8_t> batch = build_or_die(b);
  std::vector<uint8_t> scratch;
  int calls = 0;
  sluice::Status st = for_each_record(batch, kCap, scratch, [&](const RecordView&) {
    return ++calls == 3 ? sluice::Status::not_found("stop here") : sluice::Status::ok();
  });
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_EQ(calls, 3);
}

// ---- malformed records ------------------------------------------------------------------------

// A valid header (from the builder) around hand-made record bytes, with consistent batchLength,
// counts and CRC, so that only the records are wrong.
std::vector<uint8_t> batch_with_records(const std::vector<uint8_t>& records, int32_t count) {
  RecordBatchBuilder b;
  b.append(1, std::nullopt, std::nullopt);
  std::vector<uint8_t> batch = build_or_die(b);
  batch.resize(batch_layout::kHeaderSize);
  batch.insert(batch.end(), records.begin(), records.end());
  store_be32(batch.data() + batch_layout::kBatchLength,
             static_cast<uint32_t>(batch.size() - batch_layout::kLogOverhead));
  store_be32(batch.data() + batch_layout::kRecordCount, static_cast<uint32_t>(count));
  store_be32(batch.data() + batch_layout::kLastOffsetDelta, static_cast<uint32_t>(count - 1));
  EXPECT_TRUE(update_batch_crc(batch).is_ok());
  EXPECT_TRUE(check_batch(batch, kMaxBatch).ok());
  return batch;
}

// A well-formed record body (after the length): attrs, tsDelta, offsetDelta, key, value, headers.
std::vector<uint8_t> record(std::vector<uint8_t> body) {
  std::vector<uint8_t> out(kMaxVarint32Bytes);
  out.resize(put_varint32(out.data(), static_cast<int32_t>(body.size())));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

sluice::Status iterate(const std::vector<uint8_t>& batch) {
  std::vector<uint8_t> scratch;
  return for_each_record(batch, kCap, scratch, [](const RecordView&) {});
}

TEST(MalformedRecords, AreCorruption) {
  // zigzag: 0 -> 0x00, 1 -> 0x02, -1 -> 0x01, 2 -> 0x04, -2 -> 0x03
  const std::vector<uint8_t> good = record({0x00, 0x00, 0x00, 0x02, 'k', 0x02, 'v', 0x00});
  ASSERT_TRUE(iterate(batch_with_records(good, 1)).is_ok());

  struct Case {
    const char* name;
    std::vector<uint8_t> records;
    int32_t count;
  };
  std::vector<uint8_t> two = good;
  two.insert(two.end(), good.begin(), good.end());
  std::vector<uint8_t> trailing = good;
  trailing.push_back(0x00);
  const Case cases[] = {
      {"fewer records than the count", good, 2},
      {"bytes after the last record", two, 1},
      {"trailing byte", trailing, 1},
      {"empty records area", {}, 1},
      {"truncated record", std::vector<uint8_t>(good.begin(), good.end() - 1), 1},
      {"record length too small", record({0x00, 0x00, 0x00, 0x01, 0x01}), 1},
      {"negative record length", {0x01, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00}, 1},
      {"length varint runs off the end", {0xff, 0xff}, 1},
      {"length varint too long", {0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 1},
      {"key length -2", record({0x00, 0x00, 0x00, 0x03, 0x01, 0x00}), 1},
      {"key beyond the record", record({0x00, 0x00, 0x00, 0x0a, 'k', 0x01, 0x00}), 1},
      {"value beyond the record", record({0x00, 0x00, 0x00, 0x01, 0x08, 'v', 0x00}), 1},
      {"negative header count", record({0x00, 0x00, 0x00, 0x01, 0x01, 0x01}), 1},
      {"header count larger than the record", record({0x00, 0x00, 0x00, 0x01, 0x01, 0x10}), 1},
      {"null header key", record({0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x01, 0x01}), 1},
      {"header value beyond the record",
       record({0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x02, 'h', 0x06, 'x'}), 1},
      {"record longer than its fields", record({0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00}), 1},
      {"timestamp varint too long",
       record({0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x01, 0x01,
               0x00}),
       1},
      {"offset delta varint overflows 32 bits",
       record({0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x01, 0x01, 0x00}), 1},
  };
  for (const Case& c : cases) {
    sluice::Status st = iterate(batch_with_records(c.records, c.count));
    EXPECT_EQ(st.code(), StatusCode::kCorruption) << c.name << ": " << st.to_string();
    EXPECT_NE(st.message().find("base offset"), std::string_view::npos) << c.name;
  }
}

TEST(MalformedRecords, HeaderSizesAndMagicAreChecked) {
  RecordBatchBuilder b;
  b.append(1, std::nullopt, std::nullopt);
  std::vector<uint8_t> batch = build_or_die(b);
  std::vector<uint8_t> scratch;
  RecordIterator it;
  EXPECT_EQ(it.open(std::span<const uint8_t>(batch.data(), 60), kCap, scratch).code(),
            StatusCode::kCorruption);
  EXPECT_EQ(it.open(std::span<const uint8_t>(batch.data(), batch.size() - 1), kCap, scratch).code(),
            StatusCode::kCorruption);
  std::vector<uint8_t> copy = batch;
  copy[batch_layout::kMagic] = 1;
  EXPECT_EQ(it.open(copy, kCap, scratch).code(), StatusCode::kCorruption);
  copy = batch;
  copy[batch_layout::kAttributes + 1] |= 0x06;  // codec 6
  EXPECT_EQ(it.open(copy, kCap, scratch).code(), StatusCode::kUnsupported);
  RecordView v;
  EXPECT_FALSE(it.next(&v));  // a failed open leaves nothing to iterate
}

TEST(MalformedRecords, CompressedGarbageIsCorruption) {
  RecordBatchBuilder b;
  b.set_compression(CompressionCodec::kZstd);
  append_all(b, mixed_records(50));
  std::vector<uint8_t> batch = build_or_die(b);
  batch[batch_layout::kHeaderSize + 5] ^= 0x55;
  ASSERT_TRUE(update_batch_crc(batch).is_ok());
  EXPECT_EQ(iterate(batch).code(), StatusCode::kCorruption);
}

TEST(MalformedRecords, OffsetDeltasMustCountFromZeroOnProduce) {
  const std::vector<uint8_t> r0 = record({0x00, 0x00, 0x00, 0x01, 0x01, 0x00});
  const std::vector<uint8_t> r2 = record({0x00, 0x00, 0x04, 0x01, 0x01, 0x00});
  std::vector<uint8_t> records = r0;
  records.insert(records.end(), r2.begin(), r2.end());
  const std::vector<uint8_t> batch = batch_with_records(records, 2);
  EXPECT_TRUE(iterate(batch).is_ok());  // structurally fine (compacted logs have gaps)
  std::vector<uint8_t> scratch;
  sluice::Status st = check_produced_record_offsets(batch, kCap, scratch);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("offset delta 2"), std::string_view::npos) << st.to_string();
}

TEST(HeaderIterator, RejectsMalformedHeaders) {
  const std::vector<uint8_t> bad = {0x02, 'h', 0x09, 'x'};
  HeaderIterator it(bad, 1);
  std::span<const uint8_t> key;
  std::optional<std::span<const uint8_t>> value;
  EXPECT_FALSE(it.next(&key, &value));
  EXPECT_EQ(it.status().code(), StatusCode::kCorruption);
  const std::vector<uint8_t> extra = {0x02, 'h', 0x01, 0x00};
  HeaderIterator it2(extra, 1);
  EXPECT_TRUE(it2.next(&key, &value));
  EXPECT_FALSE(value.has_value());
  EXPECT_FALSE(it2.next(&key, &value));
  EXPECT_EQ(it2.status().code(), StatusCode::kCorruption);
}

// ---- batches from an independent implementation ----------------------------------------------

class KafkaPythonVectors
    : public ::testing::TestWithParam<std::pair<const char*, std::span<const uint8_t>>> {};

TEST_P(KafkaPythonVectors, ParseToTheRecordsKafkaPythonWrote) {
  const std::span<const uint8_t> batch = GetParam().second;
  const BatchCheck check = check_batch(batch, kMaxBatch);
  ASSERT_TRUE(check.ok()) << batch_error_name(check.error);
  EXPECT_EQ(check.header.producer_id, 4242);
  EXPECT_EQ(check.header.producer_epoch, 3);
  EXPECT_EQ(check.header.base_sequence, 17);
  EXPECT_EQ(check.header.record_count, 40);
  EXPECT_EQ(read_all(batch), kafka_python_records());
  // Our builder, fed the same records with the same codec, yields a batch that parses the same.
  RecordBatchBuilder b;
  b.set_producer(4242, 3, 17)
      .set_partition_leader_epoch(0)
      .set_compression(static_cast<CompressionCodec>(check.header.compression()));
  append_all(b, kafka_python_records());
  const std::vector<uint8_t> ours = build_or_die(b);
  EXPECT_EQ(read_all(ours), kafka_python_records());
  if (check.header.compression() == 0) {
    EXPECT_EQ(ours, std::vector<uint8_t>(batch.begin(), batch.end()))
        << "uncompressed batches must match byte for byte";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Codecs, KafkaPythonVectors,
    ::testing::Values(
        std::make_pair("none", std::span<const uint8_t>(kKafkaPython_none)),
        std::make_pair("gzip", std::span<const uint8_t>(kKafkaPython_gzip)),
        std::make_pair("snappy_xerial", std::span<const uint8_t>(kKafkaPython_snappy)),
        std::make_pair("snappy_raw", std::span<const uint8_t>(kKafkaPython_snappy_raw)),
        std::make_pair("lz4", std::span<const uint8_t>(kKafkaPython_lz4)),
        std::make_pair("zstd", std::span<const uint8_t>(kKafkaPython_zstd))),
    [](const auto& info) { return std::string(info.param.first); });

// What capture_librdkafka_batches.py sent through kcat (keep the two in step); timestamps are
// librdkafka's clock, so they are taken from the batch.
std::vector<TestRecord> librdkafka_records(const std::vector<TestRecord>& read) {
  std::vector<TestRecord> out;
  for (int i = 0; i < 12; ++i) {
    TestRecord r;
    r.timestamp = i < static_cast<int>(read.size()) ? read[i].timestamp : 0;
    r.key = "key-" + std::to_string(i);
    r.value = "";
    for (int k = 0; k < 3 + i % 5; ++k)
      r.value->append("librdkafka value " + std::to_string(i) + " ");
    r.headers = {{"origin", "kcat"}, {"empty", ""}};
    out.push_back(std::move(r));
  }
  return out;
}

class LibrdkafkaVectors
    : public ::testing::TestWithParam<std::pair<const char*, std::span<const uint8_t>>> {};

TEST_P(LibrdkafkaVectors, ParseToTheMessagesKcatProduced) {
  const std::span<const uint8_t> batch = GetParam().second;
  const BatchCheck check = check_batch(batch, kMaxBatch);
  ASSERT_TRUE(check.ok()) << batch_error_name(check.error);
  EXPECT_EQ(check.header.record_count, 12);
  const std::vector<TestRecord> read = read_all(batch);
  EXPECT_EQ(read, librdkafka_records(read));
  std::vector<uint8_t> scratch;
  EXPECT_TRUE(check_produced_record_offsets(batch, kCap, scratch).is_ok());
}

INSTANTIATE_TEST_SUITE_P(
    Codecs, LibrdkafkaVectors,
    ::testing::Values(std::make_pair("none", std::span<const uint8_t>(kLibrdkafka_none)),
                      std::make_pair("gzip", std::span<const uint8_t>(kLibrdkafka_gzip)),
                      std::make_pair("snappy_raw", std::span<const uint8_t>(kLibrdkafka_snappy)),
                      std::make_pair("lz4", std::span<const uint8_t>(kLibrdkafka_lz4)),
                      std::make_pair("zstd", std::span<const uint8_t>(kLibrdkafka_zstd))),
    [](const auto& info) { return std::string(info.param.first); });

TEST(LibrdkafkaVectors, SnappyIsRawAndEachBatchUsesItsCodec) {
  EXPECT_NE(kLibrdkafka_snappy[batch_layout::kHeaderSize], 0x82) << "no xerial header";
  EXPECT_EQ(read_batch_header(kLibrdkafka_snappy).compression(), 2);
  EXPECT_EQ(read_batch_header(kLibrdkafka_lz4).compression(), 3);
  EXPECT_EQ(read_batch_header(kLibrdkafka_zstd).compression(), 4);
  EXPECT_EQ(read_batch_header(kLibrdkafka_gzip).compression(), 1);
}

}  // namespace
}  // namespace sluice::kafka
