// Recovery at open: torn tails cut at every byte of the last batch, damaged index files rebuilt
// with identical lookups, bit rot in sealed segments refused on read and found by the scan.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "broker-lite/log/checkpoint.h"
#include "broker-lite/log/partition_log.h"
#include "broker-lite/log/segment.h"
#include "broker-lite/log/sim_file_system.h"
#include "tests/unit/log/log_test_util.h"

namespace sluice::log {
namespace {

using testing::make_simple_batch;
using testing::read_all;
using testing::StoredBatch;

constexpr char kRecoveryDir[] = "/data/t-0";

LogConfig recovery_config() {
  LogConfig c;
  c.segment_bytes = 4096;
  c.index_interval_bytes = 256;
  c.retention_ms = -1;
  return c;
}

class RecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs_.mkdir("/data").is_ok());
    ASSERT_TRUE(fs_.sync_dir("/").is_ok());
  }
  std::unique_ptr<PartitionLog> open_log(bool clean) {
    auto r =
        PartitionLog::open(fs_, kRecoveryDir, recovery_config(), clean, [](std::string_view) {});
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() ? std::move(r).value() : nullptr;
  }
  void build(int batches) {
    auto log = open_log(false);
    for (int i = 0; i < batches; ++i) {
      std::vector<uint8_t> b = make_simple_batch(1 + i % 4, 30 + (i * 53) % 300, 1000 + i * 3, i);
      ASSERT_TRUE(log->append(b, 1000 + i * 3).is_ok());
    }
    expected_ = read_all(*log, 0);
    ASSERT_TRUE(log->close().is_ok());
  }
  std::map<std::string, std::vector<uint8_t>> snapshot() {
    std::map<std::string, std::vector<uint8_t>> files;
    auto names = fs_.list_dir(kRecoveryDir);
    for (const std::string& n : *names)
      files[n] = fs_.contents(std::string(kRecoveryDir) + "/" + n);
    return files;
  }
  void restore(const std::map<std::string, std::vector<uint8_t>>& files) {
    auto names = fs_.list_dir(kRecoveryDir);
    for (const std::string& n : *names)
      ASSERT_TRUE(fs_.remove(std::string(kRecoveryDir) + "/" + n).is_ok());
    for (const auto& [n, data] : files) write_file(n, data);
  }
  void write_file(const std::string& name, const std::vector<uint8_t>& data) {
    auto f = fs_.open(std::string(kRecoveryDir) + "/" + name, OpenMode::kCreateTruncate);
    ASSERT_TRUE(f.is_ok());
    if (!data.empty()) {
      ASSERT_TRUE((*f)->write_at(0, data).is_ok());
    }
  }
  std::string active_log_name() {
    auto names = fs_.list_dir(kRecoveryDir);
    std::string best;
    for (const std::string& n : *names) {
      if (parse_segment_file_name(n, ".log") && n > best) best = n;
    }
    return best;
  }

  // Reopens after cutting the active .log to `cut` bytes and checks the recovered log.
  void check_cut(const std::map<std::string, std::vector<uint8_t>>& files,
                 const std::string& active, int64_t active_base, uint64_t cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    restore(files);
    std::vector<uint8_t> data = files.at(active);
    data.resize(cut);
    write_file(active, data);
    auto log = open_log(false);
    ASSERT_NE(log, nullptr);
    // Expected: every batch wholly before the cut.
    std::vector<StoredBatch> want;
    uint64_t pos_in_active = 0;
    for (const StoredBatch& b : expected_) {
      if (b.header.base_offset < active_base) {
        want.push_back(b);
        continue;
      }
      if (pos_in_active + b.bytes.size() > cut) break;
      pos_in_active += b.bytes.size();
      want.push_back(b);
    }
    const int64_t want_leo = want.empty() ? 0 : want.back().header.last_offset() + 1;
    ASSERT_EQ(log->log_end_offset(), want_leo);
    EXPECT_EQ(log->recovery_report().bytes_truncated, static_cast<int64_t>(cut - pos_in_active));
    std::vector<StoredBatch> got = read_all(*log, 0);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i].bytes, want[i].bytes);
    std::vector<uint8_t> b = make_simple_batch(2, 10, 99'999);
    Result<AppendInfo> info = log->append(b, 99'999);
    ASSERT_TRUE(info.is_ok());
    EXPECT_EQ(info->base_offset, want_leo);
    EXPECT_EQ(read_all(*log, want_leo).size(), 1u);
  }

  SimulatedPowerLossFileSystem fs_;
  std::vector<StoredBatch> expected_;
};

TEST_F(RecoveryTest, TornTailCutAtEveryByteOfTheLastBatch) {
  build(60);
  auto files = snapshot();
  const std::string active = active_log_name();
  const int64_t base = *parse_segment_file_name(active, ".log");
  const uint64_t size = files.at(active).size();
  ASSERT_GT(size, 0u);
  const uint64_t last_size = expected_.back().bytes.size();
  for (uint64_t cut = size - last_size; cut < size; ++cut) check_cut(files, active, base, cut);
}

TEST_F(RecoveryTest, TornTailAtRandomPositionsInTheLastFourBatches) {
  build(60);
  auto files = snapshot();
  const std::string active = active_log_name();
  const int64_t base = *parse_segment_file_name(active, ".log");
  const uint64_t size = files.at(active).size();
  uint64_t last4 = 0;
  for (size_t i = expected_.size() - 4; i < expected_.size(); ++i)
    last4 += expected_[i].bytes.size();
  last4 = std::min(last4, size);
  const uint64_t seed = std::random_device{}();
  std::printf("seed %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 200; ++i) {
    check_cut(files, active, base, size - 1 - rng() % last4);
  }
}

TEST_F(RecoveryTest, GarbageAfterTheLastBatchIsCut) {
  build(20);
  auto files = snapshot();
  const std::string active = active_log_name();
  std::vector<uint8_t> data = files.at(active);
  for (uint8_t fill : {0x00, 0xff, 0x5a}) {
    restore(files);
    std::vector<uint8_t> grown = data;
    grown.insert(grown.end(), 100, fill);
    write_file(active, grown);
    auto log = open_log(false);
    ASSERT_NE(log, nullptr);
    EXPECT_EQ(log->log_end_offset(), expected_.back().header.last_offset() + 1);
    EXPECT_EQ(log->recovery_report().bytes_truncated, 100);
  }
}

// Offset and timestamp lookups over the whole log, for comparing before and after damage.
std::vector<int64_t> lookups(PartitionLog& log) {
  std::vector<int64_t> out;
  for (int64_t o = 0; o < log.log_end_offset(); ++o) {
    Result<ReadResult> r = log.read(o, 1, true, INT64_MAX);
    EXPECT_TRUE(r.is_ok());
    out.push_back(r.is_ok() ? r->first_offset : -2);
  }
  for (int64_t t = 900; t < 1400; t += 3) {
    Result<TimestampLookup> r = log.offset_for_timestamp(t);
    EXPECT_TRUE(r.is_ok());
    out.push_back(r.is_ok() ? r->offset : -2);
  }
  return out;
}

TEST_F(RecoveryTest, DamagedIndexesAreRebuiltWithIdenticalLookups) {
  build(120);
  auto files = snapshot();
  std::vector<int64_t> want;
  {
    auto log = open_log(true);
    want = lookups(*log);
    ASSERT_GT(log->segment_count(), 3u);
  }
  std::vector<std::string> targets;
  for (const auto& [name, data] : files) {
    if (parse_segment_file_name(name, ".index") || parse_segment_file_name(name, ".timeindex")) {
      targets.push_back(name);
    }
  }
  ASSERT_GT(targets.size(), 6u);
  std::mt19937_64 rng(5);
  int trials = 0;
  for (const std::string& target : targets) {
    for (int kind = 0; kind < 5; ++kind) {
      SCOPED_TRACE(target + " damage " + std::to_string(kind));
      restore(files);
      std::vector<uint8_t> data = files.at(target);
      if (data.size() < 24) continue;
      switch (kind) {
        case 0:
          ASSERT_TRUE(fs_.remove(std::string(kRecoveryDir) + "/" + target).is_ok());
          break;
        case 1:
          std::fill(data.begin(), data.end(), 0);
          write_file(target, data);
          break;
        case 2:
          data.resize(data.size() - (parse_segment_file_name(target, ".index") ? 8 : 12));
          write_file(target, data);
          break;
        case 3:
          data.resize(data.size() - 5);
          write_file(target, data);
          break;
        case 4:
          for (int i = 0; i < 24; ++i) data.push_back(static_cast<uint8_t>(rng()));
          write_file(target, data);
          break;
      }
      auto log = open_log(true);
      ASSERT_NE(log, nullptr);
      EXPECT_EQ(log->recovery_report().indexes_rebuilt, 1);
      EXPECT_EQ(lookups(*log), want);
      ++trials;
    }
  }
  EXPECT_GT(trials, 30);
}

TEST_F(RecoveryTest, BitRotInASealedSegmentIsRefusedOnReadAndFoundByTheScan) {
  build(120);
  auto files = snapshot();
  // The second segment, a sealed one.
  std::vector<std::string> logs;
  for (const auto& [name, data] : files) {
    if (parse_segment_file_name(name, ".log")) logs.push_back(name);
  }
  ASSERT_GT(logs.size(), 3u);
  const std::string victim = logs[1];
  const int64_t victim_base = *parse_segment_file_name(victim, ".log");
  const int64_t next_base = *parse_segment_file_name(logs[2], ".log");
  std::mt19937_64 rng(17);
  for (int trial = 0; trial < 300; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    restore(files);
    std::vector<uint8_t> data = files.at(victim);
    const int flips = 1 + static_cast<int>(rng() % 8);
    // Flip bits inside the CRC-covered part of random batches (from the CRC field on); the
    // offset and length fields before it are outside any checksum.
    std::vector<std::pair<size_t, size_t>> ranges;  // [from, to) of covered bytes per batch
    for (size_t pos = 0; pos < data.size();) {
      kafka::BatchHeader h = kafka::read_batch_header({data.data() + pos, data.size() - pos});
      ranges.push_back({pos + kafka::batch_layout::kCrc, pos + h.total_size()});
      pos += h.total_size();
    }
    for (int f = 0; f < flips; ++f) {
      auto [from, to] = ranges[rng() % ranges.size()];
      const uint8_t bit = static_cast<uint8_t>(1u << (rng() % 8));
      const size_t at = from + rng() % (to - from);
      data[at] ^= bit;
    }
    write_file(victim, data);
    {
      auto log = open_log(/*clean=*/true);  // no scan: found on read
      ASSERT_NE(log, nullptr);
      bool refused = false;
      for (int64_t o = victim_base; o < next_base && !refused; ++o) {
        Result<ReadResult> r = log->read(o, 1 << 20, true, INT64_MAX);
        if (!r.is_ok()) {
          EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
          refused = true;
        }
      }
      EXPECT_TRUE(refused);
      // Data before the damaged segment stays readable.
      EXPECT_TRUE(log->read(0, 1 << 20, true, victim_base).is_ok());
    }
    {
      // An unclean start that scans everything (no recovery point) reports the damage and
      // keeps the later segments.
      ASSERT_TRUE(
          fs_.remove(std::string(kRecoveryDir) + "/" + kRecoveryPointCheckpointName).is_ok());
      auto log = open_log(/*clean=*/false);
      ASSERT_NE(log, nullptr);
      EXPECT_GE(log->recovery_report().damaged_ranges, 1);
      EXPECT_EQ(log->log_end_offset(), expected_.back().header.last_offset() + 1);
      EXPECT_TRUE(log->read(0, 1 << 20, true, victim_base).is_ok());
    }
  }
}

}  // namespace
}  // namespace sluice::log
