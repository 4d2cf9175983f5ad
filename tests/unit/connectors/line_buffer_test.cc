// LineBuffer: line terminators as Kafka Connect's file source splits them, partial lines held
// back, lent views left intact until release(), growth for a line longer than the buffer.
#include "connectors/file/line_buffer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace sluice::connectors {
namespace {

void feed(LineBuffer& buffer, std::string_view bytes) {
  while (!bytes.empty()) {
    auto space = buffer.writable();
    if (space.empty()) {
      ASSERT_TRUE(buffer.make_room());
      continue;
    }
    size_t n = std::min(space.size(), bytes.size());
    std::memcpy(space.data(), bytes.data(), n);
    buffer.commit(n);
    bytes.remove_prefix(n);
  }
}

std::vector<std::pair<std::string, size_t>> drain(LineBuffer& buffer) {
  std::vector<std::pair<std::string, size_t>> lines;
  while (auto line = buffer.next_line())
    lines.emplace_back(std::string(line->text), line->consumed);
  return lines;
}

using Lines = std::vector<std::pair<std::string, size_t>>;

TEST(LineBufferTest, SplitsOnNewlineCarriageReturnAndBoth) {
  LineBuffer buffer(64);
  feed(buffer, "a\nbb\r\ncc\rd\n\n");
  EXPECT_EQ(drain(buffer), (Lines{{"a", 2}, {"bb", 4}, {"cc", 3}, {"d", 2}, {"", 1}}));
  EXPECT_TRUE(buffer.pending().empty());
}

TEST(LineBufferTest, HoldsPartialLineUntilItsTerminatorArrives) {
  LineBuffer buffer(64);
  feed(buffer, "first\nsec");
  EXPECT_EQ(drain(buffer), (Lines{{"first", 6}}));
  EXPECT_EQ(buffer.pending(), "sec");
  buffer.release();
  feed(buffer, "ond\nthi");
  EXPECT_EQ(drain(buffer), (Lines{{"second", 7}}));
  EXPECT_EQ(buffer.pending(), "thi");
}

TEST(LineBufferTest, TrailingCarriageReturnWaitsForTheNextByte) {
  LineBuffer buffer(64);
  feed(buffer, "x\r");
  EXPECT_TRUE(drain(buffer).empty());
  feed(buffer, "\ny\r");
  EXPECT_EQ(drain(buffer), (Lines{{"x", 3}}));
  feed(buffer, "z");
  EXPECT_EQ(drain(buffer), (Lines{{"y", 2}}));
  EXPECT_EQ(buffer.pending(), "z");
}

TEST(LineBufferTest, LentLinesStayIntactUntilRelease) {
  LineBuffer buffer(16);
  feed(buffer, "aaaa\nbbbb\ncc");
  auto first = buffer.next_line();
  auto second = buffer.next_line();
  ASSERT_TRUE(first && second);
  // The buffer has lines on loan: it refuses to move bytes around.
  feed(buffer, "cccc");  // fills the buffer exactly
  EXPECT_TRUE(buffer.writable().empty());
  EXPECT_FALSE(buffer.make_room());
  EXPECT_EQ(first->text, "aaaa");
  EXPECT_EQ(second->text, "bbbb");
  buffer.release();
  EXPECT_EQ(buffer.pending(), "cccccc");
  feed(buffer, "\n");
  EXPECT_EQ(drain(buffer), (Lines{{"cccccc", 7}}));
}

TEST(LineBufferTest, GrowsForALineLongerThanTheBuffer) {
  LineBuffer buffer(8);
  std::string long_line(50, 'x');
  feed(buffer, long_line + "\nend\n");
  EXPECT_GE(buffer.capacity(), 56u);
  EXPECT_EQ(drain(buffer), (Lines{{long_line, 51}, {"end", 4}}));
}

TEST(LineBufferTest, TakeRestReturnsTheUnterminatedTail) {
  LineBuffer buffer(32);
  feed(buffer, "done\ntail");
  EXPECT_EQ(drain(buffer), (Lines{{"done", 5}}));
  EXPECT_EQ(buffer.take_rest(), "tail");
  EXPECT_TRUE(buffer.pending().empty());
  EXPECT_TRUE(buffer.take_rest().empty());
}

}  // namespace
}  // namespace sluice::connectors
