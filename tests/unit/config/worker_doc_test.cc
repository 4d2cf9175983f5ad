// Checks that docs/worker-config.md lists the worker key table exactly as worker_keys.cc defines
// it. Run with SLUICE_REGENERATE_DOCS=1 to rewrite the generated section instead.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "runtime/config/worker_keys.h"

namespace sluice::config {
namespace {

constexpr std::string_view kBegin = "<!-- worker-keys:begin";
constexpr std::string_view kEnd = "<!-- worker-keys:end -->";

std::filesystem::path doc_path() {
  // This file is tests/unit/config/worker_doc_test.cc in the repository.
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path() /
         "docs" / "worker-config.md";
}

TEST(WorkerDocTest, GeneratedKeyTableIsCurrent) {
  std::ifstream in(doc_path());
  ASSERT_TRUE(in) << "cannot read " << doc_path();
  std::stringstream ss;
  ss << in.rdbuf();
  std::string doc = ss.str();
  size_t begin = doc.find(kBegin);
  ASSERT_NE(begin, std::string::npos);
  size_t body = doc.find('\n', begin) + 1;
  size_t end = doc.find(kEnd, body);
  ASSERT_NE(end, std::string::npos);
  std::string expected = worker_keys_markdown();
  if (getenv("SLUICE_REGENERATE_DOCS") != nullptr) {
    doc.replace(body, end - body, expected);
    std::ofstream(doc_path()) << doc;
    GTEST_SKIP() << "rewrote " << doc_path();
  }
  EXPECT_EQ(doc.substr(body, end - body), expected)
      << "docs/worker-config.md is out of date: run unit_config_tests with "
         "SLUICE_REGENERATE_DOCS=1";
  for (const auto& k : worker_keys()) {
    EXPECT_NE(doc.find(std::string("| `") + k.name + "` |"), std::string::npos) << k.name;
  }
}

}  // namespace
}  // namespace sluice::config
