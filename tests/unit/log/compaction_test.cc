// Log compaction: latest value per key kept with its offset, old tombstones dropped, the active
// segment untouched, and a power loss at every step of the swap leaves a correct log.
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "broker-lite/log/partition_log.h"
#include "broker-lite/log/sim_file_system.h"
#include "broker-lite/protocol/record_batch.h"
#include "tests/unit/log/log_test_util.h"

namespace sluice::log {
namespace {

using testing::TestRecord;

constexpr char kDir[] = "/data/c-0";
constexpr int64_t kNow = 100'000;
constexpr int64_t kDeleteRetention = 1'000;

struct Rec {
  std::optional<std::string> key;
  std::optional<std::string> value;
  int64_t timestamp;
  bool operator==(const Rec&) const = default;
};

LogConfig compact_config() {
  LogConfig c;
  c.segment_bytes = 1024;
  c.index_interval_bytes = 128;
  c.retention_ms = -1;
  c.cleanup_delete = false;
  c.cleanup_compact = true;
  c.delete_retention_ms = kDeleteRetention;
  return c;
}

// Every record of the log by offset.
std::map<int64_t, Rec> records_of(PartitionLog& log) {
  std::map<int64_t, Rec> out;
  std::vector<uint8_t> scratch;
  for (const testing::StoredBatch& b : testing::read_all(log, log.log_start_offset())) {
    Status st = kafka::for_each_record(b.bytes, 1 << 20, scratch, [&](const kafka::RecordView& r) {
      auto str =
          [](const std::optional<std::span<const uint8_t>>& s) -> std::optional<std::string> {
        if (!s) return std::nullopt;
        return std::string(reinterpret_cast<const char*>(s->data()), s->size());
      };
      out[b.header.base_offset + r.offset_delta] = {str(r.key), str(r.value),
                                                    kafka::record_timestamp(b.header, r)};
    });
    EXPECT_TRUE(st.is_ok()) << st.to_string();
  }
  return out;
}

class CompactionTest : public ::testing::Test {
 protected:
  void SetUp() { reset_fs(); }
  void reset_fs() {
    fs_ = std::make_unique<SimulatedPowerLossFileSystem>();
    ASSERT_TRUE(fs_->mkdir("/data").is_ok());
    ASSERT_TRUE(fs_->sync_dir("/").is_ok());
  }
  std::unique_ptr<PartitionLog> open_log(bool clean) {
    auto r = PartitionLog::open(*fs_, kDir, compact_config(), clean, [](std::string_view) {});
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() ? std::move(r).value() : nullptr;
  }
  // Writes keyed records (with tombstones, old and recent) and closes cleanly.
  void build() {
    auto log = open_log(false);
    written_.clear();
    int64_t offset = 0;
    for (int b = 0; b < 120; ++b) {
      std::vector<TestRecord> recs;
      const int n = 1 + b % 3;
      for (int i = 0; i < n; ++i) {
        const int k = (b * 7 + i * 3) % 15;
        TestRecord r;
        r.key = "key-" + std::to_string(k);
        // Early records are old; tombstones before b=60 are older than the horizon.
        r.timestamp = b < 60 ? 1'000 + b : kNow - 10 + b % 5;
        if ((b + i) % 11 == 0) {
          r.value = std::nullopt;
        } else {
          r.value =
              "value-" + std::to_string(offset) + std::string(static_cast<size_t>(b % 40), 'x');
        }
        if (b % 17 == 0 && i == 0) r.key = std::nullopt;  // a record without a key
        recs.push_back(r);
        written_[offset++] = {r.key, r.value, r.timestamp};
      }
      if (b == 10 || b == 90) {
        // A key whose last record is a tombstone: old (b=10, dropped) or recent (b=90, kept).
        TestRecord t{"gone-" + std::to_string(b), std::nullopt, recs.front().timestamp};
        recs.push_back(t);
        written_[offset++] = {t.key, t.value, t.timestamp};
      }
      std::vector<uint8_t> batch = testing::make_batch(recs);
      ASSERT_TRUE(log->append(batch, recs.front().timestamp).is_ok());
    }
    leo_ = log->log_end_offset();
    ASSERT_GT(log->segment_count(), 4u);
    active_base_ = log->segments().back()->base_offset();
    ASSERT_TRUE(log->close().is_ok());
  }
  // The records compaction must keep: the latest per key (unless an old tombstone), keyless ones,
  // and everything in the active segment.
  std::map<int64_t, Rec> expected_after() {
    std::map<std::string, int64_t> latest;
    for (const auto& [o, r] : written_) {
      if (r.key) latest[*r.key] = o;
    }
    std::map<int64_t, Rec> out;
    for (const auto& [o, r] : written_) {
      bool keep = o >= active_base_ || !r.key || latest[*r.key] == o;
      if (o < active_base_ && keep && !r.value && r.timestamp < kNow - kDeleteRetention)
        keep = false;
      if (keep) out[o] = r;
    }
    return out;
  }
  // A log between the original and the compacted one: every record it has is the original one
  // at that offset, and every record the compacted log keeps is there.
  void check_valid(PartitionLog& log) {
    EXPECT_EQ(log.log_end_offset(), leo_);
    std::map<int64_t, Rec> got = records_of(log);
    for (const auto& [o, r] : got) {
      auto it = written_.find(o);
      ASSERT_NE(it, written_.end()) << "offset " << o;
      EXPECT_EQ(it->second, r) << "offset " << o;
    }
    for (const auto& [o, r] : expected_after()) EXPECT_TRUE(got.count(o)) << "lost offset " << o;
  }

  std::unique_ptr<SimulatedPowerLossFileSystem> fs_;
  std::map<int64_t, Rec> written_;
  int64_t leo_ = 0;
  int64_t active_base_ = 0;
};

TEST_F(CompactionTest, KeepsLatestPerKeyWithOffsetsAndDropsOldTombstones) {
  build();
  auto log = open_log(true);
  const size_t segments_before = log->segment_count();
  Result<int64_t> removed = log->compact(kNow);
  ASSERT_TRUE(removed.is_ok()) << removed.status().to_string();
  EXPECT_GT(*removed, 0);
  EXPECT_LT(log->segment_count(), segments_before);
  EXPECT_EQ(log->segments().back()->base_offset(), active_base_);
  std::map<int64_t, Rec> want = expected_after();
  EXPECT_EQ(records_of(*log), want);
  EXPECT_EQ(static_cast<size_t>(*removed), written_.size() - want.size());
  // Tombstones newer than the horizon stayed; older ones went.
  bool recent_tombstone = false;
  for (const auto& [o, r] : want) recent_tombstone |= !r.value && o < active_base_;
  EXPECT_TRUE(recent_tombstone);
  // Offsets keep going; a second pass changes nothing; a clean reopen trusts the new files.
  std::vector<uint8_t> b = testing::make_batch({{"key-1", "new", kNow}});
  Result<AppendInfo> info = log->append(b, kNow);
  ASSERT_TRUE(info.is_ok());
  EXPECT_EQ(info->base_offset, leo_);
  written_[leo_] = {"key-1", "new", kNow};
  ++leo_;
  ASSERT_TRUE(log->close().is_ok());
  log = open_log(true);
  EXPECT_EQ(log->recovery_report().indexes_rebuilt, 0);
  check_valid(*log);
  // Offset lookups still land on the right batches across the gaps.
  for (const auto& [o, r] : want) {
    Result<ReadResult> rr = log->read(o, 1, true, INT64_MAX);
    ASSERT_TRUE(rr.is_ok());
    EXPECT_LE(rr->first_offset, o);
  }
  // An unclean reopen scans the compacted segments (recordCount < lastOffsetDelta + 1) fine.
  log.reset();
  ASSERT_TRUE(fs_->remove(std::string(kDir) + "/recovery-point.checkpoint").is_ok());
  log = open_log(false);
  EXPECT_EQ(log->recovery_report().bytes_truncated, 0);
  EXPECT_EQ(log->recovery_report().damaged_ranges, 0);
  check_valid(*log);
}

TEST_F(CompactionTest, PowerLossAtEveryStepLeavesACorrectLog) {
  int crashes = 0;
  for (int64_t budget = 0;; ++budget) {
    SCOPED_TRACE("operation budget " + std::to_string(budget));
    reset_fs();
    build();
    auto log = open_log(true);
    fs_->set_operation_budget(budget);
    Result<int64_t> removed = log->compact(kNow);
    const bool stopped = fs_->operation_budget_exhausted();
    fs_->set_operation_budget(-1);
    if (removed.is_ok() && !stopped) break;  // compaction finished within the budget
    ++crashes;
    log.reset();
    fs_->crash();
    log = open_log(false);
    ASSERT_NE(log, nullptr);
    check_valid(*log);
    // Compacting again after the crash reaches the fully compacted state.
    Result<int64_t> again = log->compact(kNow);
    ASSERT_TRUE(again.is_ok()) << again.status().to_string();
    EXPECT_EQ(records_of(*log), expected_after());
    ASSERT_LT(budget, 5000) << "compaction never finished";
  }
  EXPECT_GT(crashes, 20);
}

}  // namespace
}  // namespace sluice::log
