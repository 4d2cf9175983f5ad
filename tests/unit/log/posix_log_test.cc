// PosixFileSystem and PartitionLog on real files in a per-test temporary directory: file
// operations, append/close/reopen, a torn tail cut on disk.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "broker-lite/log/file_system.h"
#include "broker-lite/log/partition_log.h"
#include "tests/unit/log/log_test_util.h"

namespace sluice::log {
namespace {

class PosixLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "sluice-log-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
  }
  void TearDown() override {
    std::string dir = join_path(root_, "t-0");
    if (fs_.is_dir(dir)) {
      EXPECT_TRUE(remove_dir_recursive(fs_, dir).is_ok());
    }
    Result<std::vector<std::string>> left = fs_.list_dir(root_);
    if (left.is_ok()) {
      for (const std::string& n : *left) (void)fs_.remove(join_path(root_, n));
    }
    EXPECT_TRUE(fs_.remove_dir(root_).is_ok());
  }
  PosixFileSystem fs_;
  std::string root_;
};

TEST_F(PosixLogTest, FileOperations) {
  const std::string a = join_path(root_, "a"), b = join_path(root_, "b");
  {
    Result<std::unique_ptr<File>> f = fs_.open(a, OpenMode::kCreate);
    ASSERT_TRUE(f.is_ok());
    std::vector<uint8_t> data{1, 2, 3, 4, 5};
    ASSERT_TRUE((*f)->write_at(0, data).is_ok());
    ASSERT_TRUE((*f)->sync().is_ok());
    EXPECT_EQ(*(*f)->size(), 5u);
    EXPECT_GE((*f)->native_fd(), 0);
    std::vector<uint8_t> back(3);
    ASSERT_TRUE(read_exact(**f, 1, back).is_ok());
    EXPECT_EQ(back, (std::vector<uint8_t>{2, 3, 4}));
    EXPECT_EQ(read_exact(**f, 4, back).code(), StatusCode::kCorruption);
    ASSERT_TRUE((*f)->truncate(2).is_ok());
    EXPECT_EQ(*(*f)->size(), 2u);
  }
  ASSERT_TRUE(fs_.rename(a, b).is_ok());
  EXPECT_FALSE(fs_.exists(a));
  EXPECT_TRUE(fs_.exists(b));
  ASSERT_TRUE(fs_.sync_dir(root_).is_ok());
  Result<std::vector<std::string>> names = fs_.list_dir(root_);
  ASSERT_TRUE(names.is_ok());
  EXPECT_EQ(*names, std::vector<std::string>{"b"});
  EXPECT_EQ(fs_.open(a, OpenMode::kExisting).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(fs_.mkdir(root_).code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(fs_.remove(b).is_ok());
}

TEST_F(PosixLogTest, AppendCloseReopenAndTornTail) {
  LogConfig c;
  c.segment_bytes = 4096;
  c.retention_ms = -1;
  const std::string dir = join_path(root_, "t-0");
  auto quiet = [](std::string_view) {};
  std::vector<testing::StoredBatch> before;
  {
    auto log = PartitionLog::open(fs_, dir, c, false, quiet);
    ASSERT_TRUE(log.is_ok()) << log.status().to_string();
    for (int i = 0; i < 50; ++i) {
      std::vector<uint8_t> b = testing::make_simple_batch(2, 100, 1000 + i, i);
      ASSERT_TRUE((*log)->append(b, 1000 + i).is_ok());
    }
    Result<int64_t> flushed = (*log)->flush();
    ASSERT_TRUE(flushed.is_ok());
    EXPECT_EQ(*flushed, 100);
    before = testing::read_all(**log, 0);
    ASSERT_TRUE((*log)->close().is_ok());
  }
  {
    auto log = PartitionLog::open(fs_, dir, c, true, quiet);
    ASSERT_TRUE(log.is_ok());
    EXPECT_EQ((*log)->log_end_offset(), 100);
    std::vector<testing::StoredBatch> after = testing::read_all(**log, 0);
    ASSERT_EQ(after.size(), before.size());
    for (size_t i = 0; i < after.size(); ++i) EXPECT_EQ(after[i].bytes, before[i].bytes);
  }
  // Cut the last batch in half on disk, then start uncleanly.
  Result<std::vector<std::string>> names = fs_.list_dir(dir);
  ASSERT_TRUE(names.is_ok());
  std::string active;
  for (const std::string& n : *names) {
    if (parse_segment_file_name(n, ".log") && n > active) active = n;
  }
  {
    Result<std::unique_ptr<File>> f = fs_.open(join_path(dir, active), OpenMode::kExisting);
    ASSERT_TRUE(f.is_ok());
    const uint64_t size = *(*f)->size();
    ASSERT_TRUE((*f)->truncate(size - before.back().bytes.size() / 2).is_ok());
  }
  auto log = PartitionLog::open(fs_, dir, c, false, quiet);
  ASSERT_TRUE(log.is_ok());
  EXPECT_EQ((*log)->log_end_offset(), 98);
  EXPECT_EQ((*log)->recovery_report().bytes_truncated,
            static_cast<int64_t>(before.back().bytes.size() - before.back().bytes.size() / 2));
  std::vector<uint8_t> b = testing::make_simple_batch(1, 10, 5000);
  Result<AppendInfo> info = (*log)->append(b, 5000);
  ASSERT_TRUE(info.is_ok());
  EXPECT_EQ(info->base_offset, 98);
}

}  // namespace
}  // namespace sluice::log
