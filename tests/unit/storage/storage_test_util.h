// Helpers shared by the storage tests: placing raw bytes into a file system, reading a file
// back as text, and a temporary directory on the real file system.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "broker-lite/log/file_system.h"
#include "broker-lite/log/sim_file_system.h"
#include "runtime/storage/atomic_file.h"

namespace sluice::storage::testing {

// Writes `text` as the whole content of `path` and makes it durable (file and directory entry).
inline void put_file(log::FileSystem& fs, const std::string& path, const std::string& text) {
  ASSERT_TRUE(ensure_dir_durably(fs, parent_dir(path)));
  auto file = fs.open(path, log::OpenMode::kCreateTruncate);
  ASSERT_TRUE(file.is_ok()) << file.status().to_string();
  ASSERT_TRUE((*file)->write_at(0, {reinterpret_cast<const uint8_t*>(text.data()), text.size()}));
  ASSERT_TRUE((*file)->sync());
  ASSERT_TRUE(fs.sync_dir(parent_dir(path)));
}

inline std::string text_of(const log::SimulatedPowerLossFileSystem& fs, const std::string& path) {
  std::vector<uint8_t> bytes = fs.contents(path);
  return std::string(bytes.begin(), bytes.end());
}

// A directory on the real file system for one test, removed with its content afterwards.
struct ScratchDir {
  std::string path;
  ScratchDir() {
    std::string pattern = ::testing::TempDir() + "sluice-storage-XXXXXX";
    path = ::mkdtemp(pattern.data()) ? pattern : std::string();
    EXPECT_FALSE(path.empty()) << "mkdtemp failed";
  }
  ~ScratchDir() {
    std::error_code ignored;
    if (!path.empty()) std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace sluice::storage::testing
