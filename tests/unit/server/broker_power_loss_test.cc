// Simulated power loss (issue 2): broker-lite runs on a SimulatedPowerLossFileSystem, a producer
// pipelines acks=all requests and records every acknowledged (offset, payload), a consumer group
// commits offsets, and at a random point the broker "crashes" (network and sync threads stop, no
// log is closed) and the file system keeps only what was synced -- or, in the torn variant, a
// random prefix of each file's unsynced bytes as well. A new broker on the crashed image must
// serve every acknowledged record at its offset with identical bytes, every acknowledged offset
// commit, and continue at the next offset. acks=1 runs through the same harness; its losses are
// reported, not asserted (they are the documented acks=1 window).
#include <gtest/gtest.h>

#include <deque>
#include <iostream>
#include <map>
#include <random>

#include "broker-lite/log/sim_file_system.h"
#include "tests/unit/server/broker_test_util.h"

namespace sluice::broker {
namespace {

using namespace sluice::broker::testing;

constexpr char kTopic[] = "durable";
constexpr int32_t kPartitions = 2;
constexpr char kGroup[] = "power-group";
constexpr int kWindow = 8;  // produce requests in flight at once

struct InFlight {
  int32_t correlation_id;
  int32_t partition;
  std::vector<std::string> values;
  std::vector<uint8_t> batch;  // kept alive until its request was written
};

struct Acked {
  int64_t offset;
  std::string value;
};

struct RoundResult {
  size_t acked = 0;
  size_t lost = 0;          // acknowledged, absent after the crash
  size_t mismatched = 0;    // acknowledged, present with other bytes
  size_t unacked_kept = 0;  // never acknowledged, present (allowed)
};

BrokerConfig power_config() {
  BrokerConfig c = test_config("/data/broker");
  c.log_segment_bytes = 16 * 1024;  // several segment rolls per round
  c.log_index_interval_bytes = 512;
  return c;
}

kafka::OffsetCommitRequest commit_request(int32_t partition, int64_t offset) {
  kafka::OffsetCommitRequest req;
  req.group_id = kGroup;
  req.generation_id_or_member_epoch = -1;  // a simple (member-less) commit
  kafka::OffsetCommitRequest::OffsetCommitRequestTopic t;
  t.name = kTopic;
  kafka::OffsetCommitRequest::OffsetCommitRequestPartition p;
  p.partition_index = partition;
  p.committed_offset = offset;
  p.committed_metadata = "m" + std::to_string(offset);
  t.partitions.push_back(p);
  req.topics.push_back(t);
  return req;
}

class BrokerPowerLossTest : public ::testing::Test {
 protected:
  // One round: produce with `acks` until a random number of acknowledgements, crash, restart,
  // verify. Returns the counts; asserts (acks=all) inside.
  RoundResult run_round(uint64_t seed, int16_t acks, bool torn) {
    RoundResult result;
    std::mt19937_64 rng(seed);
    log::SimulatedPowerLossFileSystem fs;
    std::map<int32_t, std::vector<Acked>> acked;  // per partition, in offset order
    std::map<int32_t, int64_t> committed_acked;   // last acknowledged commit per partition
    std::map<int32_t, int64_t> committed_sent;    // last commit sent per partition
    {
      BrokerThread broker(power_config(), &fs);
      Status s = broker.start();
      EXPECT_TRUE(s.is_ok()) << s.to_string();
      if (!s) return result;
      RawClient admin(broker.port());
      create_topic(admin, kTopic, kPartitions);
      if (::testing::Test::HasFatalFailure()) return result;

      RawClient producer(broker.port());
      const int total = std::uniform_int_distribution<int>(10, 150)(rng);
      const int crash_after = std::uniform_int_distribution<int>(0, total - 1)(rng);
      std::deque<InFlight> in_flight;
      int32_t next_id = 1;
      int sent = 0;
      int answered = 0;
      while (answered < crash_after) {
        while (sent < total && static_cast<int>(in_flight.size()) < kWindow) {
          InFlight f;
          f.correlation_id = next_id++;
          f.partition = std::uniform_int_distribution<int32_t>(0, kPartitions - 1)(rng);
          const int n = std::uniform_int_distribution<int>(1, 5)(rng);
          for (int i = 0; i < n; ++i) {
            const size_t len = std::uniform_int_distribution<size_t>(1, 2500)(rng);
            std::string v(len, '\0');
            for (char& ch : v) ch = static_cast<char>('a' + rng() % 26);
            f.values.push_back("s" + std::to_string(seed) + "-r" + std::to_string(sent) + "-" +
                               std::to_string(i) + ":" + v);
          }
          f.batch = make_batch(f.values);
          EXPECT_TRUE(producer.send(make_produce(kTopic, f.partition, f.batch, acks), kProduceV,
                                    f.correlation_id));
          in_flight.push_back(std::move(f));
          ++sent;
        }
        if (in_flight.empty()) break;
        InFlight f = std::move(in_flight.front());
        in_flight.pop_front();
        auto r = producer.read_response<kafka::ProduceResponse>(kProduceV, f.correlation_id);
        EXPECT_TRUE(r) << "seed " << seed << ": " << producer.last_error();
        if (!r) return result;
        const auto& pr = r->responses.at(0).partition_responses.at(0);
        EXPECT_EQ(pr.error_code, 0) << "seed " << seed;
        ++answered;
        if (pr.error_code != 0) continue;
        for (size_t i = 0; i < f.values.size(); ++i)
          acked[f.partition].push_back({pr.base_offset + static_cast<int64_t>(i), f.values[i]});
        // Now and then the group commits the position it has reached (acknowledged commit).
        if (rng() % 4 == 0) {
          const int64_t pos = acked[f.partition].back().offset + 1;
          committed_sent[f.partition] = pos;
          auto cr = admin.call<kafka::OffsetCommitResponse>(commit_request(f.partition, pos),
                                                            kOffsetCommitV);
          EXPECT_TRUE(cr) << admin.last_error();
          if (cr && cr->topics.at(0).partitions.at(0).error_code == 0)
            committed_acked[f.partition] = pos;
        }
      }
      // One more commit may be in flight (sent, never answered) when the power goes.
      if (rng() % 2 == 0 && !acked.empty()) {
        const int32_t p = acked.begin()->first;
        committed_sent[p] = acked[p].back().offset + 1000;
        EXPECT_TRUE(admin.send(commit_request(p, committed_sent[p]), kOffsetCommitV, 999999));
      }
      // Power loss with requests still in flight: stop the threads without closing anything,
      // then keep only what the disk had.
      broker.crash();
      fs.crash(torn ? &rng : nullptr);
    }

    // A new broker on the crashed image.
    BrokerThread broker(power_config(), &fs);
    Status s = broker.start();
    EXPECT_TRUE(s.is_ok()) << "seed " << seed << ": restart failed: " << s.to_string();
    if (!s) return result;
    RawClient c(broker.port());
    for (int32_t p = 0; p < kPartitions; ++p) {
      std::vector<FetchedRecord> got = fetch_all(c, kTopic, p);
      // Offsets are dense from 0.
      for (size_t i = 0; i < got.size(); ++i)
        EXPECT_EQ(got[i].offset, static_cast<int64_t>(i)) << "seed " << seed << " p" << p;
      std::map<int64_t, const Acked*> by_offset;
      for (const Acked& a : acked[p]) by_offset[a.offset] = &a;
      result.acked += acked[p].size();
      for (const Acked& a : acked[p]) {
        if (a.offset >= static_cast<int64_t>(got.size())) {
          ++result.lost;
        } else if (got[a.offset].value != a.value) {
          ++result.mismatched;
        }
      }
      for (const FetchedRecord& r : got) {
        if (!by_offset.count(r.offset)) ++result.unacked_kept;
      }
      // New produces continue at the next offset.
      auto batch = make_batch({"after-crash"});
      auto pr = c.call<kafka::ProduceResponse>(make_produce(kTopic, p, batch, -1), kProduceV);
      EXPECT_TRUE(pr) << c.last_error();
      if (pr) {
        EXPECT_EQ(pr->responses.at(0).partition_responses.at(0).error_code, 0);
        EXPECT_EQ(pr->responses.at(0).partition_responses.at(0).base_offset,
                  static_cast<int64_t>(got.size()))
            << "seed " << seed << " p" << p;
      }
      auto again = fetch_all(c, kTopic, p, static_cast<int64_t>(got.size()));
      EXPECT_EQ(again.size(), 1u) << "seed " << seed << " p" << p;
      if (!again.empty()) {
        EXPECT_EQ(again[0].value, "after-crash");
      }

      // Committed offsets: every acknowledged commit survived; an unacknowledged later one may
      // have too.
      const int64_t committed = committed_offset(c, kGroup, kTopic, p);
      if (committed_acked.count(p)) {
        EXPECT_GE(committed, committed_acked[p]) << "seed " << seed << " p" << p;
        EXPECT_LE(committed, committed_sent[p]) << "seed " << seed << " p" << p;
      } else if (committed_sent.count(p)) {
        EXPECT_TRUE(committed == -1 || committed == committed_sent[p]);
      } else {
        EXPECT_EQ(committed, -1) << "seed " << seed << " p" << p;
      }
    }
    return result;
  }
};

constexpr int kRounds = 20;

uint64_t base_seed() {
  if (const char* s = std::getenv("SLUICE_POWER_LOSS_SEED")) return std::strtoull(s, nullptr, 10);
  return 20240611;
}

TEST_F(BrokerPowerLossTest, AcksAllLosesNothingAcknowledged) {
  for (int round = 0; round < kRounds; ++round) {
    const uint64_t seed = base_seed() + static_cast<uint64_t>(round);
    SCOPED_TRACE("seed " + std::to_string(seed) + " (SLUICE_POWER_LOSS_SEED=" +
                 std::to_string(base_seed()) + ", round " + std::to_string(round) + ")");
    RoundResult r = run_round(seed, -1, /*torn=*/false);
    std::cout << "[power-loss acks=all synced-only] seed " << seed << ": " << r.acked
              << " acknowledged, " << r.unacked_kept << " unacknowledged kept\n";
    EXPECT_EQ(r.lost, 0u);
    EXPECT_EQ(r.mismatched, 0u);
    if (HasFailure()) break;
  }
}

TEST_F(BrokerPowerLossTest, AcksAllLosesNothingAcknowledgedWhenTornUnsyncedDataSurvives) {
  for (int round = 0; round < kRounds; ++round) {
    const uint64_t seed = base_seed() + 1000 + static_cast<uint64_t>(round);
    SCOPED_TRACE("seed " + std::to_string(seed));
    RoundResult r = run_round(seed, -1, /*torn=*/true);
    std::cout << "[power-loss acks=all torn] seed " << seed << ": " << r.acked << " acknowledged, "
              << r.unacked_kept << " unacknowledged kept\n";
    EXPECT_EQ(r.lost, 0u);
    EXPECT_EQ(r.mismatched, 0u);
    if (HasFailure()) break;
  }
}

TEST_F(BrokerPowerLossTest, AcksOneWindowIsReported) {
  size_t acked = 0, lost = 0;
  for (int round = 0; round < 10; ++round) {
    const uint64_t seed = base_seed() + 2000 + static_cast<uint64_t>(round);
    SCOPED_TRACE("seed " + std::to_string(seed));
    RoundResult r = run_round(seed, 1, /*torn=*/round % 2 == 1);
    // Lost records are the acks=1 promise (acknowledged once in the OS, not on disk); what does
    // survive must be intact.
    EXPECT_EQ(r.mismatched, 0u);
    acked += r.acked;
    lost += r.lost;
  }
  std::cout << "[power-loss acks=1] " << lost << " of " << acked
            << " acknowledged records lost over 10 rounds (the acks=1 window)\n";
  RecordProperty("acks1_acknowledged", static_cast<int>(acked));
  RecordProperty("acks1_lost", static_cast<int>(lost));
}

}  // namespace
}  // namespace sluice::broker
