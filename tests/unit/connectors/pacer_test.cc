// Pacer: records due over time at a fixed rate, next_due() for sleeping, bounded catch-up.
#include "connectors/verifiable/pacer.h"

#include <gtest/gtest.h>

namespace sluice::connectors {
namespace {

using std::chrono::milliseconds;

TEST(PacerTest, UnlimitedAllowsTheWholeBatch) {
  Pacer pacer(-1);
  EXPECT_EQ(pacer.allowed(Pacer::Clock::now(), 500), 500u);
  EXPECT_TRUE(pacer.unlimited());
}

TEST(PacerTest, HoldsTheRateOverTime) {
  Pacer pacer(100);  // one record every 10 ms
  auto t0 = Pacer::Clock::time_point() + std::chrono::hours(1);
  EXPECT_EQ(pacer.allowed(t0, 1000), 0u);
  EXPECT_EQ(pacer.next_due(), t0 + milliseconds(10));
  EXPECT_EQ(pacer.allowed(t0 + milliseconds(95), 1000), 9u);
  pacer.consumed(9);
  EXPECT_EQ(pacer.allowed(t0 + milliseconds(99), 1000), 0u);
  EXPECT_EQ(pacer.next_due(), t0 + milliseconds(100));
  EXPECT_EQ(pacer.allowed(t0 + milliseconds(500), 3), 3u);  // capped by max
  pacer.consumed(3);
  EXPECT_EQ(pacer.allowed(t0 + milliseconds(500), 1000), 38u);
}

TEST(PacerTest, CatchesUpAtMostOneSecondAfterAStall) {
  Pacer pacer(10);
  auto t0 = Pacer::Clock::time_point() + std::chrono::hours(1);
  EXPECT_EQ(pacer.allowed(t0, 1000), 0u);
  EXPECT_EQ(pacer.allowed(t0 + std::chrono::seconds(60), 1000), 10u);
  pacer.consumed(10);
  EXPECT_EQ(pacer.allowed(t0 + std::chrono::seconds(60), 1000), 0u);
  EXPECT_EQ(pacer.allowed(t0 + std::chrono::seconds(60) + milliseconds(100), 1000), 1u);
}

}  // namespace
}  // namespace sluice::connectors
