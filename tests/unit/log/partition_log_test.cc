// PartitionLog: append/read round trips across rolls, index and time-index lookups against a
// linear scan, retention by size and time, DeleteRecords, clean reopen.
#include "broker-lite/log/partition_log.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "broker-lite/log/sim_file_system.h"
#include "tests/unit/log/log_test_util.h"

namespace sluice::log {
namespace {

using testing::make_simple_batch;
using testing::read_all;
using testing::StoredBatch;

LogConfig small_config() {
  LogConfig c;
  c.segment_bytes = 2048;
  c.index_interval_bytes = 256;
  c.retention_ms = -1;
  return c;
}

class PartitionLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs_.mkdir("/data").is_ok());
    ASSERT_TRUE(fs_.sync_dir("/").is_ok());
  }
  std::unique_ptr<PartitionLog> open_log(LogConfig c = small_config(), bool clean = false) {
    auto r = PartitionLog::open(fs_, "/data/t-0", c, clean, [](std::string_view) {});
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() ? std::move(r).value() : nullptr;
  }
  // Appends `n` batches with 1..3 records of varying size; returns the payloads by base offset.
  std::vector<std::vector<uint8_t>> fill(PartitionLog& log, int n, int64_t ts0 = 1000) {
    std::vector<std::vector<uint8_t>> sent;
    for (int i = 0; i < n; ++i) {
      std::vector<uint8_t> b = make_simple_batch(1 + i % 3, 20 + (i * 37) % 200, ts0 + i, i);
      Result<AppendInfo> info = log.append(b, ts0 + i);
      EXPECT_TRUE(info.is_ok()) << info.status().to_string();
      sent.push_back(b);
    }
    return sent;
  }
  SimulatedPowerLossFileSystem fs_;
};

TEST_F(PartitionLogTest, AppendAssignsOffsetsAndReadsRoundTripAcrossRolls) {
  auto log = open_log();
  std::vector<uint8_t> b1 = make_simple_batch(3, 10, 5);
  Result<AppendInfo> i1 = log->append(b1, 5);
  ASSERT_TRUE(i1.is_ok());
  EXPECT_EQ(i1->base_offset, 0);
  EXPECT_EQ(i1->last_offset, 2);
  EXPECT_EQ(i1->max_timestamp, 5);
  auto sent = fill(*log, 200);
  sent.insert(sent.begin(), b1);
  EXPECT_GT(log->segment_count(), 5u);
  std::vector<StoredBatch> got = read_all(*log, 0, 700);
  ASSERT_EQ(got.size(), sent.size());
  int64_t expect = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].header.base_offset, expect);
    EXPECT_EQ(testing::payload_of(got[i].bytes), testing::payload_of(sent[i]));
    expect = got[i].header.last_offset() + 1;
  }
  EXPECT_EQ(expect, log->log_end_offset());
  // Every segment is named by its first offset.
  for (const auto& seg : log->segments()) {
    if (!seg->empty()) {
      EXPECT_EQ(seg->offset_index().front().relative_offset, 0u);
    }
  }
}

TEST_F(PartitionLogTest, ReadLimitsAndOutOfRange) {
  auto log = open_log();
  fill(*log, 30);
  const int64_t leo = log->log_end_offset();
  Result<ReadResult> r = log->read(leo + 1, 1000, true, INT64_MAX);
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(r->out_of_range);
  r = log->read(leo, 1000, true, INT64_MAX);
  ASSERT_TRUE(r.is_ok());
  EXPECT_FALSE(r->out_of_range);
  EXPECT_EQ(r->length, 0u);
  // max_bytes smaller than a batch: one batch with min_one_batch, nothing without.
  r = log->read(0, 10, true, INT64_MAX);
  ASSERT_TRUE(r.is_ok());
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(r->copy_to(&bytes).is_ok());
  EXPECT_EQ(testing::split_batches(bytes).size(), 1u);
  r = log->read(0, 10, false, INT64_MAX);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->length, 0u);
  // max_offset_exclusive stops before the batch holding it.
  r = log->read(0, 1 << 20, true, 4);
  ASSERT_TRUE(r.is_ok());
  ASSERT_TRUE(r->copy_to(&bytes).is_ok());
  for (const auto& b : testing::split_batches(bytes)) EXPECT_LT(b.header.base_offset, 4);
  // A fetch in the middle of a batch starts at that batch (batch 1 holds offsets 1 and 2).
  r = log->read(2, 1 << 20, true, INT64_MAX);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->first_offset, 1);
}

TEST_F(PartitionLogTest, OffsetLookupsEqualALinearScan) {
  auto log = open_log();
  fill(*log, 300);
  // Linear scan: every batch's offsets.
  std::vector<StoredBatch> all = read_all(*log, 0);
  for (int64_t o = 0; o < log->log_end_offset(); ++o) {
    auto it = std::find_if(all.begin(), all.end(),
                           [&](const StoredBatch& b) { return b.header.last_offset() >= o; });
    ASSERT_NE(it, all.end());
    Result<ReadResult> r = log->read(o, 1, true, INT64_MAX);
    ASSERT_TRUE(r.is_ok());
    EXPECT_EQ(r->first_offset, it->header.base_offset) << "offset " << o;
  }
}

TEST_F(PartitionLogTest, TimestampLookupsEqualALinearScan) {
  auto log = open_log();
  std::mt19937_64 rng(11);
  // Mostly increasing timestamps with some going backwards.
  int64_t ts = 10'000;
  for (int i = 0; i < 250; ++i) {
    ts += static_cast<int64_t>(rng() % 50) - 10;
    std::vector<uint8_t> b = make_simple_batch(1 + i % 2, 50 + i % 90, ts, i);
    ASSERT_TRUE(log->append(b, ts).is_ok());
  }
  std::vector<StoredBatch> all = read_all(*log, 0);
  for (int64_t t = 9'000; t <= ts + 100; t += 7) {
    auto it = std::find_if(all.begin(), all.end(),
                           [&](const StoredBatch& b) { return b.header.max_timestamp >= t; });
    Result<TimestampLookup> got = log->offset_for_timestamp(t);
    ASSERT_TRUE(got.is_ok());
    if (it == all.end()) {
      EXPECT_EQ(got->offset, -1) << "ts " << t;
    } else {
      EXPECT_EQ(got->offset, it->header.base_offset) << "ts " << t;
      EXPECT_EQ(got->timestamp, it->header.max_timestamp);
    }
  }
}

TEST_F(PartitionLogTest, TimestampLookupFindsTheRecordInsideABatchAndRespectsLogStart) {
  auto log = open_log();
  // Records with timestamps 100, 110, ..., 5 per batch, 40 batches.
  std::map<int64_t, int64_t> ts_of;  // offset -> timestamp
  int64_t offset = 0;
  for (int b = 0; b < 40; ++b) {
    std::vector<testing::TestRecord> recs;
    for (int i = 0; i < 5; ++i) {
      recs.push_back({"k", "v" + std::to_string(offset), 100 + 10 * offset});
      ts_of[offset] = 100 + 10 * offset;
      ++offset;
    }
    std::vector<uint8_t> batch = testing::make_batch(recs);
    ASSERT_TRUE(log->append(batch, 0).is_ok());
  }
  auto linear = [&](int64_t t, int64_t start) {
    for (const auto& [o, ts] : ts_of) {
      if (o >= start && ts >= t) return std::make_pair(o, ts);
    }
    return std::make_pair(int64_t{-1}, int64_t{-1});
  };
  for (int64_t t = 50; t < 2200; t += 7) {
    Result<TimestampLookup> got = log->offset_for_timestamp(t);
    ASSERT_TRUE(got.is_ok());
    EXPECT_EQ(std::make_pair(got->offset, got->timestamp), linear(t, 0)) << "ts " << t;
  }
  ASSERT_TRUE(log->delete_records_before(63).is_ok());
  for (int64_t t = 50; t < 2200; t += 7) {
    Result<TimestampLookup> got = log->offset_for_timestamp(t);
    ASSERT_TRUE(got.is_ok());
    EXPECT_EQ(std::make_pair(got->offset, got->timestamp), linear(t, 63)) << "ts " << t;
  }
}

TEST_F(PartitionLogTest, RetentionBySizeAdvancesLogStart) {
  LogConfig c = small_config();
  c.retention_bytes = 5000;
  auto log = open_log(c);
  fill(*log, 200);
  const size_t before = log->segment_count();
  Result<int> deleted = log->apply_retention(2000);
  ASSERT_TRUE(deleted.is_ok());
  EXPECT_GT(*deleted, 0);
  EXPECT_EQ(log->segment_count(), before - static_cast<size_t>(*deleted));
  EXPECT_LE(log->size_bytes() - static_cast<int64_t>(log->segments().front()->size()), 5000);
  EXPECT_GE(log->size_bytes(), 5000);
  EXPECT_EQ(log->log_start_offset(), log->segments().front()->base_offset());
  Result<ReadResult> r = log->read(0, 100, true, INT64_MAX);
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(r->out_of_range);
  EXPECT_EQ(read_all(*log, log->log_start_offset()).back().header.last_offset() + 1,
            log->log_end_offset());
  // The log start survives a reopen.
  const int64_t start = log->log_start_offset();
  ASSERT_TRUE(log->close().is_ok());
  log = open_log(c, true);
  EXPECT_EQ(log->log_start_offset(), start);
}

TEST_F(PartitionLogTest, RetentionByTimeDeletesExpiredSegmentsEvenTheActiveOne) {
  LogConfig c = small_config();
  c.retention_ms = 1000;
  auto log = open_log(c);
  fill(*log, 100, /*ts0=*/10'000);  // timestamps 10000..10099
  ASSERT_TRUE(log->apply_retention(10'500).is_ok());
  EXPECT_EQ(log->log_start_offset(), 0);  // nothing older than 9500
  const int64_t leo = log->log_end_offset();
  Result<int> d = log->apply_retention(11'050);  // segments whose newest record < 10050 go
  ASSERT_TRUE(d.is_ok());
  EXPECT_GT(*d, 0);
  for (const auto& seg : log->segments()) {
    if (!seg->empty()) {
      EXPECT_GE(seg->max_timestamp(), 10'050);
    }
  }
  d = log->apply_retention(100'000);  // everything expired
  ASSERT_TRUE(d.is_ok());
  EXPECT_EQ(log->log_start_offset(), leo);
  EXPECT_EQ(log->log_end_offset(), leo);
  EXPECT_EQ(log->segment_count(), 1u);
  std::vector<uint8_t> b = make_simple_batch(1, 5, 200'000);
  Result<AppendInfo> info = log->append(b, 200'000);
  ASSERT_TRUE(info.is_ok());
  EXPECT_EQ(info->base_offset, leo);
}

TEST_F(PartitionLogTest, DeleteRecordsMovesLogStartAndPersistsIt) {
  auto log = open_log();
  fill(*log, 100);
  const int64_t leo = log->log_end_offset();
  EXPECT_FALSE(log->delete_records_before(leo + 1).is_ok());
  Result<int64_t> start = log->delete_records_before(77);
  ASSERT_TRUE(start.is_ok());
  EXPECT_EQ(*start, 77);
  EXPECT_EQ(log->log_start_offset(), 77);
  EXPECT_LE(log->segments().front()->base_offset(), 77);
  EXPECT_GT(log->segments().front()->next_offset(), 77);
  Result<ReadResult> r = log->read(76, 100, true, INT64_MAX);
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(r->out_of_range);
  r = log->read(77, 100, true, INT64_MAX);
  ASSERT_TRUE(r.is_ok());
  EXPECT_FALSE(r->out_of_range);
  EXPECT_GT(r->length, 0u);
  // Durable without a clean close: crash and reopen.
  log.reset();
  fs_.crash();
  log = open_log();
  EXPECT_EQ(log->log_start_offset(), 77);
}

TEST_F(PartitionLogTest, CleanReopenKeepsEverythingAndTrustsIndexes) {
  auto log = open_log();
  fill(*log, 120);
  std::vector<StoredBatch> before = read_all(*log, 0);
  const int64_t leo = log->log_end_offset();
  ASSERT_TRUE(log->close().is_ok());
  log.reset();
  fs_.crash();  // close() synced everything
  log = open_log(small_config(), /*clean=*/true);
  EXPECT_EQ(log->recovery_report().segments_scanned, 0);
  EXPECT_EQ(log->recovery_report().indexes_rebuilt, 0);
  EXPECT_EQ(log->log_end_offset(), leo);
  std::vector<StoredBatch> after = read_all(*log, 0);
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) EXPECT_EQ(after[i].bytes, before[i].bytes);
  std::vector<uint8_t> b = make_simple_batch(1, 5, 5000);
  Result<AppendInfo> info = log->append(b, 5000);
  ASSERT_TRUE(info.is_ok());
  EXPECT_EQ(info->base_offset, leo);
}

TEST_F(PartitionLogTest, SegmentRollsByAge) {
  LogConfig c = small_config();
  c.segment_bytes = 1 << 20;
  c.segment_ms = 100;
  auto log = open_log(c);
  std::vector<uint8_t> b = make_simple_batch(1, 5, 0);
  ASSERT_TRUE(log->append(b, 1000).is_ok());
  b = make_simple_batch(1, 5, 0);
  ASSERT_TRUE(log->append(b, 1050).is_ok());
  EXPECT_EQ(log->segment_count(), 1u);
  b = make_simple_batch(1, 5, 0);
  ASSERT_TRUE(log->append(b, 1100).is_ok());
  EXPECT_EQ(log->segment_count(), 2u);
  EXPECT_EQ(log->segment_base_offsets().back(), 2);
}

TEST_F(PartitionLogTest, SeveralBatchesInOneAppendSpanningARoll) {
  auto log = open_log();
  std::vector<uint8_t> all;
  std::vector<std::vector<uint8_t>> parts;
  for (int i = 0; i < 20; ++i) {
    parts.push_back(make_simple_batch(2, 150, 100 + i, i));
    all.insert(all.end(), parts.back().begin(), parts.back().end());
  }
  Result<AppendInfo> info = log->append(all, 100);
  ASSERT_TRUE(info.is_ok());
  EXPECT_EQ(info->base_offset, 0);
  EXPECT_EQ(info->last_offset, 39);
  EXPECT_GT(log->segment_count(), 1u);
  std::vector<StoredBatch> got = read_all(*log, 0);
  ASSERT_EQ(got.size(), parts.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].header.base_offset, static_cast<int64_t>(2 * i));
    EXPECT_EQ(testing::payload_of(got[i].bytes), testing::payload_of(parts[i]));
  }
}

}  // namespace
}  // namespace sluice::log
