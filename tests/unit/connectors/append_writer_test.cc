// AppendWriter: appends to an existing file, buffers until sync()/write_out(), writes large
// values directly, keeps order.
#include "connectors/common/append_writer.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/connectors/connectors_test_util.h"

namespace sluice::connectors {
namespace {

using testing::read_file;
using testing::TempDir;
using testing::write_file;

TEST(AppendWriterTest, AppendsAfterExistingContentAndBuffersUntilSync) {
  TempDir dir;
  std::string path = dir.file("out.txt");
  write_file(path, "existing\n");
  AppendWriter writer(path, 64);
  writer.append_line("one");
  writer.append_line("two");
  EXPECT_EQ(read_file(path), "existing\n") << "nothing written before the buffer fills or sync";
  writer.sync();
  EXPECT_EQ(read_file(path), "existing\none\ntwo\n");
  EXPECT_EQ(writer.buffered(), 0u);
}

TEST(AppendWriterTest, LargeValuesAndFullBuffersKeepTheOrder) {
  TempDir dir;
  std::string path = dir.file("out.txt");
  std::string expected;
  {
    AppendWriter writer(path, 16);
    for (int i = 0; i < 50; ++i) {
      std::string value =
          i % 7 == 0 ? std::string(40, static_cast<char>('a' + i % 26)) : std::to_string(i);
      writer.append_line(value);
      expected += value + "\n";
    }
    writer.sync();
  }
  EXPECT_EQ(read_file(path), expected);
}

TEST(AppendWriterTest, DestructorWritesOutTheBuffer) {
  TempDir dir;
  std::string path = dir.file("out.txt");
  {
    AppendWriter writer(path);
    writer.append_line("kept");
  }
  EXPECT_EQ(read_file(path), "kept\n");
}

TEST(AppendWriterTest, UnwritableFileThrowsNamingThePath) {
  TempDir dir;
  std::string path = dir.file("missing-dir/out.txt");
  try {
    AppendWriter writer(path);
    FAIL() << "expected an error";
  } catch (const std::system_error& error) {
    EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace sluice::connectors
