// Tests for the idempotent-producer sequence/epoch checks (ProducerStateTable).
#include "broker-lite/coordinator/producer_state.h"

#include <gtest/gtest.h>

#include <limits>

#include "broker-lite/coordinator/error_codes.h"

namespace sluice::coord {
namespace {

using Verdict = ProducerCheck::Verdict;
constexpr int32_t kMaxSeq = std::numeric_limits<int32_t>::max();

ProducerBatch batch(int64_t pid, int16_t epoch, int32_t base_seq, int32_t count) {
  ProducerBatch b;
  b.producer_id = pid;
  b.producer_epoch = epoch;
  b.base_sequence = base_seq;
  b.record_count = count;
  return b;
}

// Appends like the server does: check, then let a fake log assign offsets, then record.
class ProducerStateTest : public ::testing::Test {
 protected:
  ProducerCheck produce(const ProducerBatch& b) {
    ProducerCheck c = table_.check(b);
    if (c.verdict == Verdict::kAppend) {
      table_.record_append(b, next_offset_, next_offset_ + b.record_count - 1, 1000);
      next_offset_ += b.record_count;
    }
    return c;
  }

  ProducerStateTable table_;
  int64_t next_offset_ = 0;
};

TEST(SequenceArithmetic, LastSequenceWrapsPastIntMax) {
  EXPECT_EQ(batch(1, 0, 0, 1).last_sequence(), 0);
  EXPECT_EQ(batch(1, 0, 10, 5).last_sequence(), 14);
  EXPECT_EQ(batch(1, 0, kMaxSeq, 1).last_sequence(), kMaxSeq);
  EXPECT_EQ(batch(1, 0, kMaxSeq, 2).last_sequence(), 0);
  EXPECT_EQ(batch(1, 0, kMaxSeq - 1, 5).last_sequence(), 2);
  EXPECT_EQ(increment_sequence(kMaxSeq - 3, 3), kMaxSeq);
  EXPECT_EQ(increment_sequence(kMaxSeq - 3, 4), 0);
}

TEST_F(ProducerStateTest, NonIdempotentBatchesAreAlwaysAppendedAndNotTracked) {
  EXPECT_EQ(produce(batch(-1, -1, -1, 3)).verdict, Verdict::kAppend);
  EXPECT_EQ(produce(batch(-1, -1, -1, 3)).verdict, Verdict::kAppend);
  EXPECT_EQ(table_.size(), 0u);
}

TEST_F(ProducerStateTest, UnknownProducerAcceptsAnySequence) {
  EXPECT_EQ(produce(batch(7, 3, 12345, 2)).verdict, Verdict::kAppend);
  ASSERT_NE(table_.find(7), nullptr);
  EXPECT_EQ(table_.find(7)->epoch(), 3);
  EXPECT_EQ(table_.find(7)->last_sequence(), 12346);
}

TEST_F(ProducerStateTest, InSequenceBatchesAreAppended) {
  EXPECT_EQ(produce(batch(1, 0, 0, 3)).verdict, Verdict::kAppend);
  EXPECT_EQ(produce(batch(1, 0, 3, 2)).verdict, Verdict::kAppend);
  EXPECT_EQ(produce(batch(1, 0, 5, 1)).verdict, Verdict::kAppend);
  EXPECT_EQ(table_.find(1)->last_sequence(), 5);
  EXPECT_EQ(next_offset_, 6);
}

TEST_F(ProducerStateTest, GapAndRewindAreOutOfOrder) {
  ASSERT_EQ(produce(batch(1, 0, 0, 3)).verdict, Verdict::kAppend);
  ProducerCheck gap = produce(batch(1, 0, 4, 1));
  EXPECT_EQ(gap.verdict, Verdict::kReject);
  EXPECT_EQ(gap.error_code, kafka_error::kOutOfOrderSequenceNumber);
  ProducerCheck rewind = produce(batch(1, 0, 1, 2));  // overlaps, not an exact retry
  EXPECT_EQ(rewind.verdict, Verdict::kReject);
  EXPECT_EQ(rewind.error_code, kafka_error::kOutOfOrderSequenceNumber);
  // The rejected batches changed nothing: the next in-sequence batch is still 3.
  EXPECT_EQ(produce(batch(1, 0, 3, 1)).verdict, Verdict::kAppend);
}

TEST_F(ProducerStateTest, RetryOfCachedBatchIsDuplicateWithOriginalOffsets) {
  next_offset_ = 100;
  ASSERT_EQ(produce(batch(1, 0, 0, 3)).verdict, Verdict::kAppend);  // offsets 100..102
  ASSERT_EQ(produce(batch(9, 0, 0, 4)).verdict, Verdict::kAppend);  // another producer
  ASSERT_EQ(produce(batch(1, 0, 3, 2)).verdict, Verdict::kAppend);  // offsets 107..108
  ProducerCheck dup = produce(batch(1, 0, 0, 3));
  EXPECT_EQ(dup.verdict, Verdict::kDuplicate);
  EXPECT_EQ(dup.error_code, 0);
  EXPECT_EQ(dup.first_offset, 100);
  EXPECT_EQ(dup.last_offset, 102);
  dup = produce(batch(1, 0, 3, 2));
  EXPECT_EQ(dup.verdict, Verdict::kDuplicate);
  EXPECT_EQ(dup.first_offset, 107);
  EXPECT_EQ(dup.last_offset, 108);
  EXPECT_EQ(next_offset_, 109);  // nothing appended for the retries
}

TEST_F(ProducerStateTest, OnlyTheLastFiveBatchesAreRemembered) {
  for (int i = 0; i < 6; ++i) ASSERT_EQ(produce(batch(1, 0, i * 2, 2)).verdict, Verdict::kAppend);
  EXPECT_EQ(table_.find(1)->batch_count(), ProducerEntry::kBatchesRetained);
  // Batch 0 (seq 0..1) was evicted: a retry of it is now out of order, not a duplicate.
  ProducerCheck old = produce(batch(1, 0, 0, 2));
  EXPECT_EQ(old.verdict, Verdict::kReject);
  EXPECT_EQ(old.error_code, kafka_error::kOutOfOrderSequenceNumber);
  // Batches 1..5 are still recognised, with their offsets.
  for (int i = 1; i < 6; ++i) {
    ProducerCheck dup = produce(batch(1, 0, i * 2, 2));
    EXPECT_EQ(dup.verdict, Verdict::kDuplicate) << i;
    EXPECT_EQ(dup.first_offset, i * 2) << i;
    EXPECT_EQ(dup.last_offset, i * 2 + 1) << i;
  }
  EXPECT_EQ(table_.find(1)->batch(0).first_sequence, 2);
  EXPECT_EQ(table_.find(1)->batch(4).first_sequence, 10);
}

TEST_F(ProducerStateTest, DuplicateNeedsTheExactSequenceRange) {
  ASSERT_EQ(produce(batch(1, 0, 0, 4)).verdict, Verdict::kAppend);
  EXPECT_EQ(produce(batch(1, 0, 0, 3)).verdict, Verdict::kReject);  // same start, other end
}

TEST_F(ProducerStateTest, SequenceWrapsFromIntMaxToZero) {
  ASSERT_EQ(produce(batch(1, 0, kMaxSeq - 1, 2)).verdict, Verdict::kAppend);  // ..INT32_MAX
  EXPECT_EQ(table_.find(1)->last_sequence(), kMaxSeq);
  EXPECT_EQ(produce(batch(1, 0, 0, 3)).verdict, Verdict::kAppend);
  ProducerCheck bad = produce(batch(1, 0, 5, 1));
  EXPECT_EQ(bad.error_code, kafka_error::kOutOfOrderSequenceNumber);
  // A batch straddling the wrap: kMaxSeq-? .. 1, then continue at 2.
  ASSERT_EQ(produce(batch(2, 0, kMaxSeq - 1, 4)).verdict, Verdict::kAppend);  // .., 0, 1
  EXPECT_EQ(table_.find(2)->last_sequence(), 1);
  EXPECT_EQ(produce(batch(2, 0, kMaxSeq - 1, 4)).verdict, Verdict::kDuplicate);
  EXPECT_EQ(produce(batch(2, 0, 2, 1)).verdict, Verdict::kAppend);
  // Not a wrap: a sequence one past a non-maximal value must be exact.
  EXPECT_EQ(produce(batch(2, 0, 0, 1)).verdict, Verdict::kReject);
}

TEST_F(ProducerStateTest, NewEpochMustStartAtSequenceZero) {
  ASSERT_EQ(produce(batch(1, 0, 0, 5)).verdict, Verdict::kAppend);
  ProducerCheck bad = produce(batch(1, 1, 5, 1));
  EXPECT_EQ(bad.verdict, Verdict::kReject);
  EXPECT_EQ(bad.error_code, kafka_error::kOutOfOrderSequenceNumber);
  EXPECT_EQ(produce(batch(1, 1, 0, 2)).verdict, Verdict::kAppend);
  EXPECT_EQ(table_.find(1)->epoch(), 1);
  EXPECT_EQ(table_.find(1)->batch_count(), 1u);  // old epoch's batches are forgotten
  EXPECT_EQ(produce(batch(1, 1, 2, 1)).verdict, Verdict::kAppend);
}

TEST_F(ProducerStateTest, OlderEpochIsFenced) {
  ASSERT_EQ(produce(batch(1, 2, 0, 1)).verdict, Verdict::kAppend);
  ProducerCheck old = produce(batch(1, 1, 1, 1));
  EXPECT_EQ(old.verdict, Verdict::kReject);
  EXPECT_EQ(old.error_code, kafka_error::kInvalidProducerEpoch);
  // Even an exact copy of a batch the old epoch might have written is fenced, not a duplicate.
  old = produce(batch(1, 1, 0, 1));
  EXPECT_EQ(old.error_code, kafka_error::kInvalidProducerEpoch);
}

TEST_F(ProducerStateTest, ProducersAreIndependent) {
  ASSERT_EQ(produce(batch(1, 0, 0, 1)).verdict, Verdict::kAppend);
  ASSERT_EQ(produce(batch(2, 0, 50, 1)).verdict, Verdict::kAppend);
  EXPECT_EQ(produce(batch(1, 0, 1, 1)).verdict, Verdict::kAppend);
  EXPECT_EQ(produce(batch(2, 0, 1, 1)).verdict, Verdict::kReject);
  EXPECT_EQ(table_.max_producer_id(), 2);
}

TEST_F(ProducerStateTest, ReplayOfBatchHeadersRestoresDuplicateDetection) {
  ProducerStateTable restored;
  kafka::BatchHeader h;
  h.producer_id = 4;
  h.producer_epoch = 0;
  h.base_sequence = 0;
  h.last_offset_delta = 2;
  h.base_offset = 10;
  h.max_timestamp = 5000;
  restored.replay(h);
  h.base_sequence = 3;
  h.last_offset_delta = 0;
  h.base_offset = 13;
  restored.replay(h);
  kafka::BatchHeader plain;  // no producer id: ignored
  restored.replay(plain);

  EXPECT_EQ(restored.size(), 1u);
  ProducerCheck dup = restored.check(batch(4, 0, 0, 3));
  EXPECT_EQ(dup.verdict, Verdict::kDuplicate);
  EXPECT_EQ(dup.first_offset, 10);
  EXPECT_EQ(dup.last_offset, 12);
  EXPECT_EQ(restored.check(batch(4, 0, 4, 1)).verdict, Verdict::kAppend);
  EXPECT_EQ(restored.check(batch(4, 0, 5, 1)).verdict, Verdict::kReject);
  EXPECT_EQ(restored.find(4)->last_append_ms(), 5000);
}

TEST_F(ProducerStateTest, IdleProducersAreRemoved) {
  table_.record_append(batch(1, 0, 0, 1), 0, 0, 1000);
  table_.record_append(batch(2, 0, 0, 1), 1, 1, 5000);
  EXPECT_EQ(table_.remove_idle(/*now_ms=*/7000, /*max_idle_ms=*/3000), 1u);
  EXPECT_EQ(table_.find(1), nullptr);
  ASSERT_NE(table_.find(2), nullptr);
  // Producer 1's state is gone: any sequence is accepted again.
  EXPECT_EQ(table_.check(batch(1, 0, 77, 1)).verdict, Verdict::kAppend);
}

}  // namespace
}  // namespace sluice::coord
