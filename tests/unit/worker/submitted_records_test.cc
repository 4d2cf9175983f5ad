// Unit tests of SubmittedRecords: an offset is committable only when its record and every earlier
// record of the same source partition are acknowledged, whatever order deliveries arrive in.
#include "runtime/worker/submitted_records.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::worker {
namespace {

sluice_field string_field(const char* name, const char* value) {
  sluice_field f{};
  f.name = {name, std::char_traits<char>::length(name)};
  f.type = SLUICE_FIELD_STRING;
  f.v.s = {value, std::char_traits<char>::length(value)};
  return f;
}

sluice_field int_field(const char* name, int64_t value) {
  sluice_field f{};
  f.name = {name, std::char_traits<char>::length(name)};
  f.type = SLUICE_FIELD_INT64;
  f.v.i = value;
  return f;
}

struct Record {
  sluice_field partition;
  sluice_field offset;
};

TEST(SubmittedRecords, NothingCommittableBeforeAcknowledgement) {
  SubmittedRecords submitted;
  Record r{string_field("file", "a"), int_field("position", 10)};
  SubmittedRecords::Slot* slot = submitted.add(&r.partition, 1, &r.offset, 1);
  submitted.seal_runs();
  EXPECT_TRUE(submitted.committable().empty());
  EXPECT_EQ(submitted.in_flight(), 1u);
  SubmittedRecords::ack(slot);
  auto ready = submitted.committable();
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].offset.to_json(), R"({"position":10})");
  EXPECT_EQ(ready[0].partition.to_json(), R"({"file":"a"})");
  EXPECT_TRUE(submitted.committable().empty()) << "an offset is handed out once";
}

TEST(SubmittedRecords, LaterRunWaitsForEarlierRunOfSamePartition) {
  SubmittedRecords submitted;
  Record first{string_field("file", "a"), int_field("position", 10)};
  Record second{string_field("file", "a"), int_field("position", 20)};
  SubmittedRecords::Slot* s1 = submitted.add(&first.partition, 1, &first.offset, 1);
  submitted.seal_runs();
  SubmittedRecords::Slot* s2 = submitted.add(&second.partition, 1, &second.offset, 1);
  submitted.seal_runs();
  ASSERT_NE(s1, s2);
  SubmittedRecords::ack(s2);  // delivered out of order
  EXPECT_TRUE(submitted.committable().empty());
  SubmittedRecords::ack(s1);
  auto ready = submitted.committable();
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].offset.to_json(), R"({"position":20})");
}

TEST(SubmittedRecords, PartitionsAdvanceIndependently) {
  SubmittedRecords submitted;
  Record a{string_field("file", "a"), int_field("position", 5)};
  Record b{string_field("file", "b"), int_field("position", 7)};
  SubmittedRecords::Slot* sa = submitted.add(&a.partition, 1, &a.offset, 1);
  SubmittedRecords::Slot* sb = submitted.add(&b.partition, 1, &b.offset, 1);
  submitted.seal_runs();
  SubmittedRecords::ack(sb);
  auto ready = submitted.committable();
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].partition.to_json(), R"({"file":"b"})");
  SubmittedRecords::ack(sa);
  ready = submitted.committable();
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].partition.to_json(), R"({"file":"a"})");
}

TEST(SubmittedRecords, RunKeepsLastOffsetAndNeedsEveryRecord) {
  SubmittedRecords submitted;
  Record records[3] = {{string_field("file", "a"), int_field("position", 1)},
                       {string_field("file", "a"), int_field("position", 2)},
                       {string_field("file", "a"), int_field("position", 3)}};
  SubmittedRecords::Slot* slot = nullptr;
  for (auto& r : records) slot = submitted.add(&r.partition, 1, &r.offset, 1);
  submitted.seal_runs();
  // The offsets were lent by the plugin: overwrite them as its next poll would.
  for (auto& r : records) r.offset.v.i = -1;
  SubmittedRecords::ack(slot);
  SubmittedRecords::ack(slot);
  EXPECT_TRUE(submitted.committable().empty()) << "one record of the run is unacknowledged";
  SubmittedRecords::ack(slot);
  auto ready = submitted.committable();
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(ready[0].offset.to_json(), R"({"position":3})");
}

TEST(SubmittedRecords, UntrackedRecordsNeedNoSlot) {
  SubmittedRecords submitted;
  sluice_field offset = int_field("position", 1);
  EXPECT_EQ(submitted.add(nullptr, 0, &offset, 1), nullptr);
  EXPECT_TRUE(submitted.empty());
}

TEST(SubmittedRecords, UnsealedRunIsNotCommittable) {
  SubmittedRecords submitted;
  Record r{string_field("file", "a"), int_field("position", 10)};
  SubmittedRecords::Slot* slot = submitted.add(&r.partition, 1, &r.offset, 1);
  SubmittedRecords::ack(slot);
  EXPECT_TRUE(submitted.committable().empty()) << "the batch is still being produced";
  submitted.seal_runs();
  EXPECT_EQ(submitted.committable().size(), 1u);
}

}  // namespace
}  // namespace sluice::worker
