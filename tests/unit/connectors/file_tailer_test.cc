// FileTailer: the file source's behaviour without a host — reading, positions, resuming, a
// growing file, truncation, rotation, a file that appears late, wake(), and no spinning.
#include "connectors/file/file_tailer.h"

#include <gtest/gtest.h>
#include <stdio.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/connectors/connectors_test_util.h"

namespace sluice::connectors {
namespace {

using std::chrono::milliseconds;
using testing::append_to;
using testing::TempDir;
using testing::write_file;

struct Collected {
  std::vector<std::string> lines;
  std::vector<uint64_t> positions;
};

class FileTailerTest : public ::testing::Test {
 protected:
  std::unique_ptr<FileTailer> make(uint64_t start = 0, size_t buffer_size = 1 << 20) {
    FileTailer::Options options;
    options.path = path_;
    options.start_position = start;
    options.buffer_size = buffer_size;
    options.logger = [this](FileTailer::LogLevel level, std::string_view text) {
      (level == FileTailer::LogLevel::kWarn ? warnings_ : infos_).emplace_back(text);
    };
    return std::make_unique<FileTailer>(std::move(options));
  }

  // One poll with room for `max` lines.
  Collected poll(FileTailer& tailer, size_t max = 100, milliseconds wait = milliseconds(200)) {
    std::vector<FileTailer::Line> out(max);
    size_t n = tailer.poll(out, wait);
    Collected got;
    for (size_t i = 0; i < n; ++i) {
      got.lines.emplace_back(out[i].text);
      got.positions.push_back(out[i].position);
    }
    return got;
  }

  TempDir dir_;
  std::string path_ = dir_.file("in.txt");
  std::vector<std::string> warnings_;
  std::vector<std::string> infos_;
};

TEST_F(FileTailerTest, ReadsLinesWithTheBytePositionAfterEach) {
  write_file(path_, "alpha\r\nbeta\rgamma\npartial");
  auto tailer = make();
  auto got = poll(*tailer);
  EXPECT_EQ(got.lines, (std::vector<std::string>{"alpha", "beta", "gamma"}));
  EXPECT_EQ(got.positions, (std::vector<uint64_t>{7, 12, 18}));
  EXPECT_EQ(tailer->position(), 18u);
}

TEST_F(FileTailerTest, BatchSizeLimitsOnePollAndTheRestFollows) {
  write_file(path_, "1\n2\n3\n4\n5\n");
  auto tailer = make();
  EXPECT_EQ(poll(*tailer, 2).lines, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(poll(*tailer, 2).lines, (std::vector<std::string>{"3", "4"}));
  EXPECT_EQ(poll(*tailer, 2).lines, (std::vector<std::string>{"5"}));
}

TEST_F(FileTailerTest, ResumesAtTheCommittedPosition) {
  write_file(path_, "one\ntwo\nthree\n");
  auto tailer = make(/*start=*/4);
  auto got = poll(*tailer);
  EXPECT_EQ(got.lines, (std::vector<std::string>{"two", "three"}));
  EXPECT_EQ(got.positions, (std::vector<uint64_t>{8, 14}));
}

TEST_F(FileTailerTest, CommittedPositionBeyondTheEndRestartsAtZeroWithAWarning) {
  write_file(path_, "short\n");
  auto tailer = make(/*start=*/100);
  EXPECT_EQ(poll(*tailer).lines, (std::vector<std::string>{"short"}));
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("position 0"), std::string::npos) << warnings_[0];
}

TEST_F(FileTailerTest, FollowsAGrowingFileAndCompletesAPartialLine) {
  write_file(path_, "a\nhal");
  auto tailer = make();
  EXPECT_EQ(poll(*tailer).lines, (std::vector<std::string>{"a"}));
  EXPECT_TRUE(poll(*tailer, 100, milliseconds(50)).lines.empty());
  std::thread writer([&] {
    std::this_thread::sleep_for(milliseconds(100));
    append_to(path_, "f\nb\n");
  });
  auto start = std::chrono::steady_clock::now();
  auto got = poll(*tailer, 100, milliseconds(5000));
  auto waited = std::chrono::steady_clock::now() - start;
  writer.join();
  EXPECT_EQ(got.lines, (std::vector<std::string>{"half", "b"}));
  EXPECT_EQ(got.positions, (std::vector<uint64_t>{7, 9}));
  EXPECT_LT(waited, milliseconds(2000)) << "the append should wake the waiting poll";
}

TEST_F(FileTailerTest, WaitsWithoutSpinning) {
  write_file(path_, "");
  auto tailer = make();
  std::clock_t cpu_before = std::clock();
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(poll(*tailer, 100, milliseconds(300)).lines.empty());
  auto waited = std::chrono::steady_clock::now() - start;
  double cpu_ms = 1000.0 * static_cast<double>(std::clock() - cpu_before) / CLOCKS_PER_SEC;
  EXPECT_GE(waited, milliseconds(290));
  EXPECT_LT(cpu_ms, 50.0);
}

TEST_F(FileTailerTest, WakeMakesAWaitingPollReturnPromptly) {
  write_file(path_, "");
  auto tailer = make();
  std::thread waker([&] {
    std::this_thread::sleep_for(milliseconds(50));
    tailer->wake();
  });
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(poll(*tailer, 100, milliseconds(10000)).lines.empty());
  waker.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
}

TEST_F(FileTailerTest, TruncationRestartsAtZeroWithAWarning) {
  write_file(path_, "first line\nsecond line\n");
  auto tailer = make();
  EXPECT_EQ(poll(*tailer).lines.size(), 2u);
  write_file(path_, "new\n");  // truncates below the read position and rewrites
  auto got = poll(*tailer);
  EXPECT_EQ(got.lines, (std::vector<std::string>{"new"}));
  EXPECT_EQ(got.positions, (std::vector<uint64_t>{4}));
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("truncated"), std::string::npos) << warnings_[0];
}

TEST_F(FileTailerTest, RotationReadsTheOldTailThenTheNewFileFromZero) {
  write_file(path_, "old 1\nold 2\nunterminated");
  auto tailer = make();
  EXPECT_EQ(poll(*tailer).lines, (std::vector<std::string>{"old 1", "old 2"}));
  append_to(path_, " end\n");  // written before the rotation: must still be read
  std::filesystem::rename(path_, path_ + ".1");
  write_file(path_, "new 1\n");
  std::vector<std::string> lines;
  std::vector<uint64_t> positions;
  for (int i = 0; i < 5 && lines.size() < 2; ++i) {
    auto got = poll(*tailer);
    lines.insert(lines.end(), got.lines.begin(), got.lines.end());
    positions.insert(positions.end(), got.positions.begin(), got.positions.end());
  }
  EXPECT_EQ(lines, (std::vector<std::string>{"unterminated end", "new 1"}));
  EXPECT_EQ(positions, (std::vector<uint64_t>{29, 6}));
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("replaced"), std::string::npos) << warnings_[0];
}

TEST_F(FileTailerTest, RotationDeliversTheOldFilesUnterminatedLastLine) {
  write_file(path_, "a\ntail without newline");
  auto tailer = make();
  EXPECT_EQ(poll(*tailer).lines, (std::vector<std::string>{"a"}));
  std::filesystem::rename(path_, path_ + ".1");
  write_file(path_, "b\n");
  auto got = poll(*tailer);
  EXPECT_EQ(got.lines, (std::vector<std::string>{"tail without newline"}));
  EXPECT_EQ(got.positions, (std::vector<uint64_t>{22}));
  EXPECT_EQ(poll(*tailer).lines, (std::vector<std::string>{"b"}));
}

TEST_F(FileTailerTest, WaitsForAMissingFileAndLogsOnce) {
  auto tailer = make();
  EXPECT_TRUE(poll(*tailer, 100, milliseconds(50)).lines.empty());
  EXPECT_TRUE(poll(*tailer, 100, milliseconds(50)).lines.empty());
  ASSERT_EQ(infos_.size(), 1u);
  EXPECT_NE(infos_[0].find("does not exist"), std::string::npos) << infos_[0];
  std::thread creator([&] {
    std::this_thread::sleep_for(milliseconds(100));
    write_file(path_, "hello\n");
  });
  auto start = std::chrono::steady_clock::now();
  auto got = poll(*tailer, 100, milliseconds(5000));
  creator.join();
  EXPECT_EQ(got.lines, (std::vector<std::string>{"hello"}));
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
}

TEST_F(FileTailerTest, LinesLongerThanTheBufferArriveWhole) {
  std::string big(5000, 'q');
  write_file(path_, "s\n" + big + "\nt\n");
  auto tailer = make(0, /*buffer_size=*/256);
  std::vector<std::string> lines;
  for (int i = 0; i < 10 && lines.size() < 3; ++i) {
    auto got = poll(*tailer, 100, milliseconds(50));
    lines.insert(lines.end(), got.lines.begin(), got.lines.end());
  }
  EXPECT_EQ(lines, (std::vector<std::string>{"s", big, "t"}));
}

TEST_F(FileTailerTest, ManySmallReadsKeepPositionsExact) {
  std::string content;
  std::vector<uint64_t> expected;
  for (int i = 0; i < 2000; ++i) {
    content += "line " + std::to_string(i) + (i % 3 == 0 ? "\r\n" : "\n");
    expected.push_back(content.size());
  }
  write_file(path_, content);
  auto tailer = make(0, /*buffer_size=*/100);
  std::vector<uint64_t> positions;
  for (int i = 0; i < 10000 && positions.size() < expected.size(); ++i) {
    auto got = poll(*tailer, 7, milliseconds(10));
    positions.insert(positions.end(), got.positions.begin(), got.positions.end());
  }
  EXPECT_EQ(positions, expected);
}

}  // namespace
}  // namespace sluice::connectors

namespace sluice::connectors {
namespace {

// stdin (here a pipe standing in for it): lines as they arrive, no blocking read, EOF noticed.
TEST(FileTailerStdinTest, ReadsAPipeWithoutBlockingAndNoticesItsEnd) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::vector<std::string> infos;
  FileTailer::Options options;
  options.stdin_fd = fds[0];
  options.logger = [&](FileTailer::LogLevel, std::string_view text) { infos.emplace_back(text); };
  FileTailer tailer(std::move(options));
  std::vector<FileTailer::Line> out(10);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(tailer.poll(out, std::chrono::milliseconds(100)), 0u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1000));
  ASSERT_EQ(::write(fds[1], "x\ny", 3), 3);
  ASSERT_EQ(tailer.poll(out, std::chrono::milliseconds(100)), 1u);
  EXPECT_EQ(out[0].text, "x");
  ASSERT_EQ(::write(fds[1], "\nlast", 5), 5);
  ::close(fds[1]);
  ASSERT_EQ(tailer.poll(out, std::chrono::milliseconds(100)), 1u);
  EXPECT_EQ(out[0].text, "y");
  EXPECT_EQ(out[0].position, 4u);
  ASSERT_EQ(tailer.poll(out, std::chrono::milliseconds(100)), 1u);
  EXPECT_EQ(out[0].text, "last") << "stdin ended inside a line: it is delivered";
  std::clock_t cpu_before = std::clock();
  EXPECT_EQ(tailer.poll(out, std::chrono::milliseconds(200)), 0u);
  double cpu_ms = 1000.0 * static_cast<double>(std::clock() - cpu_before) / CLOCKS_PER_SEC;
  EXPECT_LT(cpu_ms, 50.0) << "a closed stdin must not make poll spin";
  ASSERT_FALSE(infos.empty());
  EXPECT_NE(infos.back().find("stdin is closed"), std::string::npos) << infos.back();
  ::close(fds[0]);
}

}  // namespace
}  // namespace sluice::connectors
