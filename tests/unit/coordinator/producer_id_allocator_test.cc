// Tests for ProducerIdAllocator: monotonic ids, block reservation persisted atomically, no
// repeats across restarts and simulated power loss, failures never hand out an id.
#include "broker-lite/coordinator/producer_id_allocator.h"

#include <gtest/gtest.h>

#include <set>

#include "broker-lite/log/sim_file_system.h"

namespace sluice::coord {
namespace {

class ProducerIdAllocatorTest : public ::testing::Test {
 protected:
  ProducerIdAllocatorTest() {
    EXPECT_TRUE(fs_.mkdir(dir_).is_ok());
    EXPECT_TRUE(fs_.sync_dir("/").is_ok());
  }

  std::unique_ptr<ProducerIdAllocator> open(int64_t max_seen = -1, int64_t block = 10) {
    auto a = ProducerIdAllocator::open(fs_, dir_, max_seen, block);
    EXPECT_TRUE(a.is_ok()) << a.status().to_string();
    return a.is_ok() ? std::move(a).value() : nullptr;
  }

  int64_t allocate(ProducerIdAllocator& a) {
    auto id = a.allocate();
    EXPECT_TRUE(id.is_ok()) << id.status().to_string();
    return id.is_ok() ? *id : -1;
  }

  log::SimulatedPowerLossFileSystem fs_;
  std::string dir_ = "/data";
};

TEST_F(ProducerIdAllocatorTest, IdsIncreaseAndBlocksAreReservedOnDemand) {
  auto a = open();
  EXPECT_FALSE(fs_.exists("/data/producer-ids"));  // nothing reserved before the first id
  const int64_t syncs_before = fs_.file_syncs();
  for (int64_t i = 0; i < 10; ++i) EXPECT_EQ(allocate(*a), i);
  EXPECT_EQ(fs_.file_syncs(), syncs_before + 1);  // one block, one fsync
  EXPECT_EQ(a->reserved_end(), 10);
  EXPECT_EQ(allocate(*a), 10);
  EXPECT_EQ(fs_.file_syncs(), syncs_before + 2);
  EXPECT_EQ(a->reserved_end(), 20);
  EXPECT_FALSE(fs_.exists("/data/producer-ids.tmp"));
}

TEST_F(ProducerIdAllocatorTest, FileLayoutIsAsDocumented) {
  auto a = open(-1, 2000);
  allocate(*a);
  std::vector<uint8_t> bytes = fs_.contents("/data/producer-ids");
  ASSERT_EQ(bytes.size(), 20u);
  const std::vector<uint8_t> head = {'S', 'P', 'I', 'D', 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x07, 0xd0};
  EXPECT_EQ(std::vector<uint8_t>(bytes.begin(), bytes.begin() + 16), head);
}

TEST_F(ProducerIdAllocatorTest, RestartResumesAfterTheReservedBlock) {
  std::set<int64_t> seen;
  for (int restart = 0; restart < 3; ++restart) {
    auto a = open();
    for (int i = 0; i < 4; ++i) EXPECT_TRUE(seen.insert(allocate(*a)).second);
  }
  EXPECT_EQ(*seen.begin(), 0);
  EXPECT_EQ(*seen.rbegin(), 23);  // blocks [0,10), [10,20), [20,30): 4 ids from each
}

TEST_F(ProducerIdAllocatorTest, LargestProducerIdSeenInTheLogsIsAFloor) {
  auto a = open(/*max_seen=*/4999);
  EXPECT_EQ(allocate(*a), 5000);
  auto b = open(/*max_seen=*/3);  // the file's mark (5010) wins over a smaller floor
  EXPECT_EQ(allocate(*b), 5010);
}

TEST_F(ProducerIdAllocatorTest, PowerLossNeverRepeatsAnIdThatWasHandedOut) {
  std::set<int64_t> handed_out;
  std::mt19937_64 rng(7);
  for (int round = 0; round < 20; ++round) {
    auto a = open();
    const int n = static_cast<int>(rng() % 25);
    for (int i = 0; i < n; ++i) EXPECT_TRUE(handed_out.insert(allocate(*a)).second);
    fs_.crash(&rng);
  }
}

TEST_F(ProducerIdAllocatorTest, FailedFsyncHandsOutNothing) {
  auto a = open();
  fs_.fail_next_syncs(1);
  auto id = a->allocate();
  ASSERT_FALSE(id.is_ok());
  EXPECT_EQ(id.status().code(), StatusCode::kIoError);
  EXPECT_NE(id.status().message().find("producer-ids"), std::string_view::npos)
      << id.status().to_string();
  EXPECT_EQ(allocate(*a), 0);  // the retry reserves the block and starts where it should
}

TEST_F(ProducerIdAllocatorTest, MachineStoppingMidReservationLosesNoHandedOutId) {
  auto a = open();
  EXPECT_EQ(allocate(*a), 0);  // block [0,10) durable
  for (int i = 1; i < 10; ++i) allocate(*a);
  for (int64_t budget = 0; budget < 5; ++budget) {
    fs_.set_operation_budget(budget);
    auto id = a->allocate();  // needs block [10,20): write, sync, rename, sync_dir
    EXPECT_FALSE(id.is_ok()) << budget;
    fs_.crash();
    a = open();
    EXPECT_GE(allocate(*a), 10) << budget;  // never an id of the first block again
    for (int i = 0; i < 9; ++i) allocate(*a);
  }
}

TEST_F(ProducerIdAllocatorTest, DamagedFileIsCorruption) {
  auto a = open();
  allocate(*a);
  auto f = fs_.open("/data/producer-ids", log::OpenMode::kExisting);
  ASSERT_TRUE(f.is_ok());
  const uint8_t flipped = 0xff;
  ASSERT_TRUE((*f)->write_at(12, std::span<const uint8_t>(&flipped, 1)).is_ok());
  auto reopened = ProducerIdAllocator::open(fs_, dir_, -1, 10);
  ASSERT_FALSE(reopened.is_ok());
  EXPECT_EQ(reopened.status().code(), StatusCode::kCorruption);
  EXPECT_NE(reopened.status().message().find("producer-ids"), std::string_view::npos);

  ASSERT_TRUE((*f)->truncate(7).is_ok());
  EXPECT_EQ(ProducerIdAllocator::open(fs_, dir_, -1, 10).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace sluice::coord
