// The file source lends its lines: record values are views into the task's read buffer (no copy),
// they stay intact until the next poll even when the buffer is full and the last line is
// partial, and a steady-state poll allocates nothing (counted with a replaced global operator
// new, which the dlopen'ed plugin uses too).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tests/unit/connectors/connectors_test_util.h"
#include "tests/unit/connectors/plugin_test_util.h"
#include "tests/unit/sdk/allocation_counter.h"

namespace sluice::connectors::testing {
namespace {

constexpr char kSourceClass[] = "org.apache.kafka.connect.file.FileStreamSourceConnector";

// Line i of the test files: "line <i, 8 digits> " padded with dots to `width` bytes, then "\n".
std::string numbered_line(size_t i, size_t width) {
  char head[32];
  int n = std::snprintf(head, sizeof head, "line %08zu ", i);
  std::string line(head, static_cast<size_t>(n));
  line.resize(width, '.');
  return line;
}

std::string numbered_lines(size_t count, size_t width) {
  std::string text;
  for (size_t i = 0; i < count; ++i) text += numbered_line(i, width) + "\n";
  return text;
}

const sluice_record& record_at(const sluice_record_batch& batch, uint32_t i) {
  return *reinterpret_cast<const sluice_record*>(reinterpret_cast<const char*>(batch.records) +
                                                 size_t{i} * batch.record_size);
}

class FileSourceLendingTest : public ::testing::Test {
 protected:
  void SetUp() override { FakeHost::instance().clear_offsets(); }
  TempDir dir_;
  std::string path_ = dir_.file("lines.txt");
  const sluice_plugin_descriptor* plugin_ = plugin_in(SLUICE_FILE_PLUGIN_PATH, kSourceClass);
};

TEST_F(FileSourceLendingTest, ValuesAreViewsIntoOneBuffer) {
  ASSERT_NE(plugin_, nullptr);
  write_file(path_, numbered_lines(50, 40));
  TaskRun<sluice_source_hooks> run(plugin_);
  ASSERT_EQ(run.start(ConfigArg{{"file", path_}, {"topic", "t"}}), SLUICE_OK) << run.error();
  sluice_record_batch batch{};
  ASSERT_EQ(run.hooks()->poll(run.task(), 1000, &batch), SLUICE_OK) << run.error();
  ASSERT_EQ(batch.count, 50u);
  for (uint32_t i = 0; i + 1 < batch.count; ++i) {
    const sluice_record& r = record_at(batch, i);
    const sluice_record& next = record_at(batch, i + 1);
    EXPECT_EQ(view(r.value.bytes), numbered_line(i, 40));
    // Back to back, one "\n" apart: the bytes of the read buffer, not copies.
    EXPECT_EQ(next.value.bytes.ptr, r.value.bytes.ptr + r.value.bytes.len + 1);
    EXPECT_EQ(next.topic.ptr, r.topic.ptr);  // the task's topic, lent to every record
  }
}

TEST_F(FileSourceLendingTest, FullBufferKeepsLentLinesIntactUntilTheNextPoll) {
  ASSERT_NE(plugin_, nullptr);
  // 1.5 MiB of 100-byte lines: the 1 MiB read buffer fills with a partial line at its end while
  // every complete line before it is lent. The buffer must not be compacted under them.
  constexpr size_t kLines = 15000;
  write_file(path_, numbered_lines(kLines, 99));
  TaskRun<sluice_source_hooks> run(plugin_);
  ASSERT_EQ(run.start(ConfigArg{{"file", path_}, {"topic", "t"}, {"batch.size", "100000"}}),
            SLUICE_OK)
      << run.error();
  size_t next = 0;
  int polls = 0;
  while (next < kLines && polls < 10) {
    sluice_record_batch batch{};
    ASSERT_EQ(run.hooks()->poll(run.task(), 1000, &batch), SLUICE_OK) << run.error();
    ++polls;
    // Checked after poll returned, as the host reads them.
    for (uint32_t i = 0; i < batch.count; ++i, ++next) {
      const sluice_record& r = record_at(batch, i);
      ASSERT_EQ(view(r.value.bytes), numbered_line(next, 99)) << "line " << next;
      ASSERT_EQ(r.source_offset_count, 1u);
      ASSERT_EQ(r.source_offset[0].v.i, static_cast<int64_t>((next + 1) * 100));
    }
  }
  EXPECT_EQ(next, kLines);
  EXPECT_GE(polls, 2) << "the first poll should have stopped at the full buffer";
}

TEST_F(FileSourceLendingTest, SteadyStatePollDoesNotAllocate) {
  ASSERT_NE(plugin_, nullptr);
  write_file(path_, numbered_lines(4000, 99));
  TaskRun<sluice_source_hooks> run(plugin_);
  ASSERT_EQ(run.start(ConfigArg{{"file", path_}, {"topic", "t"}, {"batch.size", "500"}}), SLUICE_OK)
      << run.error();
  std::vector<size_t> allocations;
  for (int poll = 0; poll < 4; ++poll) {
    sluice_record_batch batch{};
    int32_t status;
    {
      testing_alloc::AllocationCount count;
      status = run.hooks()->poll(run.task(), 1000, &batch);
      allocations.push_back(count.so_far());
    }
    ASSERT_EQ(status, SLUICE_OK) << run.error();
    ASSERT_EQ(batch.count, 500u);
    EXPECT_EQ(view(record_at(batch, 499).value.bytes), numbered_line(poll * 500 + 499, 99));
  }
  EXPECT_GT(allocations[0], 0u);  // the first poll builds the records (and the counter works)
  EXPECT_EQ(allocations[1], 0u);
  EXPECT_EQ(allocations[2], 0u);
  EXPECT_EQ(allocations[3], 0u);
}

}  // namespace
}  // namespace sluice::connectors::testing
