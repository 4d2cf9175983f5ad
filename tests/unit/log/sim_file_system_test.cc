// Tests of SimulatedPowerLossFileSystem: what survives crash(), fault injection, op budget.
#include "broker-lite/log/sim_file_system.h"

#include <gtest/gtest.h>

namespace sluice::log {
namespace {

std::vector<uint8_t> bytes(std::string_view s) {
  return {s.begin(), s.end()};
}

TEST(SimFileSystem, UnsyncedDataAndEntriesVanishOnCrash) {
  SimulatedPowerLossFileSystem fs;
  ASSERT_TRUE(fs.mkdir("/d").is_ok());
  ASSERT_TRUE(fs.sync_dir("/").is_ok());
  {
    auto f = fs.open("/d/a", OpenMode::kCreate);
    ASSERT_TRUE(f.is_ok());
    ASSERT_TRUE((*f)->write_at(0, bytes("hello")).is_ok());
    ASSERT_TRUE((*f)->sync().is_ok());
    ASSERT_TRUE((*f)->write_at(5, bytes(" world")).is_ok());
  }
  {
    auto g = fs.open("/d/b", OpenMode::kCreate);
    ASSERT_TRUE(g.is_ok());
    ASSERT_TRUE((*g)->write_at(0, bytes("x")).is_ok());
    ASSERT_TRUE((*g)->sync().is_ok());
  }
  // a's entry is made durable, b's is not (created after the dir sync).
  ASSERT_TRUE(fs.sync_dir("/d").is_ok());
  ASSERT_TRUE(fs.rename("/d/a", "/d/c").is_ok());  // unsynced rename
  auto h = fs.open("/d/late", OpenMode::kCreate);
  ASSERT_TRUE(h.is_ok());
  fs.crash();
  EXPECT_EQ(fs.contents("/d/a"), bytes("hello"));
  EXPECT_EQ(fs.contents("/d/b"), bytes("x"));
  EXPECT_FALSE(fs.exists("/d/c"));
  EXPECT_FALSE(fs.exists("/d/late"));
  // Handles from before the crash are dead.
  EXPECT_FALSE((*h)->size().is_ok());
}

TEST(SimFileSystem, UnsyncedDirectoryLosesItsFiles) {
  SimulatedPowerLossFileSystem fs;
  ASSERT_TRUE(fs.mkdir("/d").is_ok());
  auto f = fs.open("/d/a", OpenMode::kCreate);
  ASSERT_TRUE(f.is_ok());
  ASSERT_TRUE((*f)->sync().is_ok());
  ASSERT_TRUE(fs.sync_dir("/d").is_ok());
  fs.crash();  // "/" never synced: /d is gone, and with it /d/a
  EXPECT_FALSE(fs.exists("/d"));
  EXPECT_FALSE(fs.exists("/d/a"));
}

TEST(SimFileSystem, PartialCrashKeepsAPrefixOfUnsyncedAppends) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 50; ++trial) {
    SimulatedPowerLossFileSystem fs;
    auto f = fs.open("/a", OpenMode::kCreate);
    ASSERT_TRUE(f.is_ok());
    ASSERT_TRUE((*f)->write_at(0, bytes("durable")).is_ok());
    ASSERT_TRUE((*f)->sync().is_ok());
    ASSERT_TRUE(fs.sync_dir("/").is_ok());
    ASSERT_TRUE((*f)->write_at(7, bytes("+tail")).is_ok());
    fs.crash(&rng);
    std::vector<uint8_t> got = fs.contents("/a");
    std::vector<uint8_t> full = bytes("durable+tail");
    ASSERT_GE(got.size(), 7u);
    ASSERT_LE(got.size(), full.size());
    EXPECT_TRUE(std::equal(got.begin(), got.end(), full.begin()));
  }
}

TEST(SimFileSystem, InjectedFaultsAndBudget) {
  SimulatedPowerLossFileSystem fs;
  auto f = fs.open("/a", OpenMode::kCreate);
  ASSERT_TRUE(f.is_ok());
  fs.fail_next_writes(1);
  EXPECT_EQ((*f)->write_at(0, bytes("a")).code(), StatusCode::kIoError);
  EXPECT_TRUE((*f)->write_at(0, bytes("a")).is_ok());
  fs.fail_next_syncs(1);
  EXPECT_EQ((*f)->sync().code(), StatusCode::kIoError);
  EXPECT_TRUE((*f)->sync().is_ok());
  EXPECT_EQ(fs.file_syncs(), 1);
  fs.set_operation_budget(1);
  EXPECT_TRUE((*f)->write_at(1, bytes("b")).is_ok());
  EXPECT_TRUE(fs.operation_budget_exhausted());
  EXPECT_FALSE((*f)->sync().is_ok());
  EXPECT_FALSE(fs.rename("/a", "/b").is_ok());
}

}  // namespace
}  // namespace sluice::log
