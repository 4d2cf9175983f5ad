// FileOffsetStore: the offset file format (worker-storage.md §1), merging, "no write when
// unchanged", corrupt-file errors, crash safety under simulated power loss at every step of a
// flush, and concurrent flushes.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <random>
#include <thread>

#include "broker-lite/protocol/crc32c.h"
#include "runtime/storage/offset_store.h"
#include "tests/unit/storage/storage_test_util.h"

namespace sluice::storage {
namespace {

using testing::put_file;
using testing::text_of;

std::string key(const std::string& connector, const std::string& file) {
  return "[\"" + connector + "\",{\"filename\":\"" + file + "\"}]";
}
std::string pos(int64_t p) {
  return "{\"position\":" + std::to_string(p) + "}";
}

std::string crc_hex(const std::string& text) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x",
                kafka::crc32c({reinterpret_cast<const uint8_t*>(text.data()), text.size()}));
  return buf;
}

// A file body with a correct trailer for `lines` (header included by the caller).
std::string with_trailer(const std::string& body, int count) {
  return body + "end " + std::to_string(count) + " " + crc_hex(body) + "\n";
}

std::unique_ptr<FileOffsetStore> open_offsets_ok(log::FileSystem& fs, const std::string& path) {
  auto store = FileOffsetStore::open(path, &fs);
  EXPECT_TRUE(store.is_ok()) << store.status().to_string();
  return store.is_ok() ? std::move(*store) : nullptr;
}

TEST(FileOffsetStoreTest, MissingFileIsEmptyAndNothingIsWritten) {
  log::SimulatedPowerLossFileSystem fs;
  auto store = open_offsets_ok(fs, "/data/connect.offsets");
  EXPECT_EQ(store->size(), 0u);
  EXPECT_EQ(store->get(key("a", "x")), std::nullopt);
  ASSERT_TRUE(store->put_and_flush({}));
  EXPECT_FALSE(fs.exists("/data/connect.offsets"));
  EXPECT_EQ(store->writes(), 0);
}

TEST(FileOffsetStoreTest, WritesTheDocumentedLayoutAndReadsItBack) {
  log::SimulatedPowerLossFileSystem fs;
  auto store = open_offsets_ok(fs, "/data/connect.offsets");
  std::vector<OffsetEntry> batch = {{"[\"ticker\",{\"ticker\":\"default\"}]", "{\"n\":41}"},
                                    {key("file-source", "data/in.txt"), pos(30)}};
  ASSERT_TRUE(store->put_and_flush(batch));
  const std::string body =
      "sluice-offsets 1\n"
      "[\"file-source\",{\"filename\":\"data/in.txt\"}]\t{\"position\":30}\n"
      "[\"ticker\",{\"ticker\":\"default\"}]\t{\"n\":41}\n";
  EXPECT_EQ(text_of(fs, "/data/connect.offsets"), with_trailer(body, 2));
  EXPECT_FALSE(fs.exists("/data/connect.offsets.tmp"));

  auto reopened = open_offsets_ok(fs, "/data/connect.offsets");
  EXPECT_EQ(reopened->size(), 2u);
  EXPECT_EQ(reopened->get(key("file-source", "data/in.txt")), pos(30));
  EXPECT_EQ(reopened->get("[\"ticker\",{\"ticker\":\"default\"}]"), "{\"n\":41}");
}

TEST(FileOffsetStoreTest, EmptyStoreFileIsHeaderAndZeroTrailer) {
  log::SimulatedPowerLossFileSystem fs;
  auto store = open_offsets_ok(fs, "offsets");
  ASSERT_TRUE(store->put_and_flush(std::vector<OffsetEntry>{{key("a", "f"), pos(1)}}));
  ASSERT_TRUE(store->put_and_flush(std::vector<OffsetEntry>{{key("a", "f"), std::nullopt}}));
  EXPECT_EQ(text_of(fs, "offsets"), with_trailer("sluice-offsets 1\n", 0));
  EXPECT_EQ(open_offsets_ok(fs, "offsets")->size(), 0u);
}

TEST(FileOffsetStoreTest, MergesLaterEntriesWinAndTombstonesDelete) {
  log::SimulatedPowerLossFileSystem fs;
  auto store = open_offsets_ok(fs, "/o");
  ASSERT_TRUE(store->put_and_flush(
      std::vector<OffsetEntry>{{key("a", "1"), pos(1)}, {key("a", "2"), pos(2)}}));
  ASSERT_TRUE(store->put_and_flush(std::vector<OffsetEntry>{
      {key("a", "1"), pos(10)}, {key("a", "1"), pos(11)}, {key("a", "2"), std::nullopt}}));
  auto reopened = open_offsets_ok(fs, "/o");
  EXPECT_EQ(reopened->get(key("a", "1")), pos(11));
  EXPECT_EQ(reopened->get(key("a", "2")), std::nullopt);
  EXPECT_EQ(reopened->size(), 1u);
}

TEST(FileOffsetStoreTest, NothingIsWrittenWhenNothingChanged) {
  log::SimulatedPowerLossFileSystem fs;
  auto store = open_offsets_ok(fs, "/o");
  ASSERT_TRUE(store->put_and_flush(std::vector<OffsetEntry>{{key("a", "1"), pos(1)}}));
  const int64_t syncs = fs.file_syncs();
  const int64_t dir_syncs = fs.dir_syncs();
  ASSERT_TRUE(store->put_and_flush(std::vector<OffsetEntry>{{key("a", "1"), pos(1)}}));
  ASSERT_TRUE(store->put_and_flush(std::vector<OffsetEntry>{{key("b", "1"), std::nullopt}}));
  ASSERT_TRUE(store->put_and_flush({}));
  ASSERT_TRUE(store->remove_connector("nobody"));
  EXPECT_EQ(fs.file_syncs(), syncs);
  EXPECT_EQ(fs.dir_syncs(), dir_syncs);
  EXPECT_EQ(store->writes(), 1);
  ASSERT_TRUE(store->put_and_flush(std::vector<OffsetEntry>{{key("a", "1"), pos(2)}}));
  EXPECT_EQ(store->writes(), 2);
}

TEST(FileOffsetStoreTest, EntriesForConnectorAndRemoveConnector) {
  log::SimulatedPowerLossFileSystem fs;
  auto store = open_offsets_ok(fs, "/o");
  // "a" must not match "ab"; names with escapes are compared unescaped.
  ASSERT_TRUE(store->put_and_flush(std::vector<OffsetEntry>{{key("a", "1"), pos(1)},
                                                            {key("ab", "1"), pos(2)},
                                                            {key("a", "2"), pos(3)},
                                                            {key("q\\\"t", "1"), pos(4)}}));
  std::vector<OffsetEntry> of_a = store->entries_for_connector("a");
  ASSERT_EQ(of_a.size(), 2u);
  EXPECT_EQ(of_a[0], (OffsetEntry{key("a", "1"), pos(1)}));
  EXPECT_EQ(of_a[1], (OffsetEntry{key("a", "2"), pos(3)}));
  EXPECT_EQ(store->entries_for_connector("q\"t").size(), 1u);
  EXPECT_TRUE(store->entries_for_connector("zzz").empty());

  ASSERT_TRUE(store->remove_connector("a"));
  auto reopened = open_offsets_ok(fs, "/o");
  EXPECT_TRUE(reopened->entries_for_connector("a").empty());
  EXPECT_EQ(reopened->entries_for_connector("ab").size(), 1u);
  EXPECT_EQ(reopened->size(), 2u);
}

TEST(FileOffsetStoreTest, MalformedEntriesRejectTheWholeBatch) {
  log::SimulatedPowerLossFileSystem fs;
  auto store = open_offsets_ok(fs, "/o");
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", pos(1)},           {"[\"a\",{}", pos(1)},          {"[\"a\"]", pos(1)},
      {"[1,{}]", pos(1)},     {"[\"a\",[]]", pos(1)},         {"[\"a\",\t{}]", pos(1)},
      {key("a", "1"), "[1]"}, {key("a", "1"), "{\"p\":\n1}"}, {key("a", "1"), "{"},
  };
  for (const auto& [k, v] : bad) {
    std::vector<OffsetEntry> batch = {{key("good", "1"), pos(1)}, {k, v}};
    Status s = store->put_and_flush(batch);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << k << " " << v;
  }
  EXPECT_EQ(store->size(), 0u);
  EXPECT_FALSE(fs.exists("/o"));
}

TEST(FileOffsetStoreTest, CorruptFilesFailNamingFileAndLine) {
  const std::string header = "sluice-offsets 1\n";
  const std::string e1 = key("a", "1") + "\t" + pos(1) + "\n";
  const std::string e2 = key("b", "1") + "\t" + pos(2) + "\n";
  const std::string good = with_trailer(header + e1 + e2, 2);
  std::string flipped = good;
  flipped[header.size() + 5] ^= 0x01;
  struct Case {
    std::string text;
    std::string expected;  // part of the message
  };
  const std::vector<Case> cases = {
      {"", "line 1: the file is empty"},
      {good.substr(0, good.size() - 1), "line 4: the last line has no line end"},
      {good.substr(0, header.size() + e1.size()), "line 2: no trailer line"},
      {header, "line 1: no trailer line"},
      {"sluice-offsetz 1\n" + e1, "line 1: not an offset file"},
      {with_trailer("sluice-offsets 2\n", 0), "line 1: unsupported format version \"2\""},
      {flipped, "line 4: CRC mismatch"},
      {with_trailer(header + e1 + e2, 3), "line 4: the trailer counts 3 entries, the file has 2"},
      {header + e1 + "end 1 zz\n", "line 3: malformed trailer"},
      {with_trailer(header + e2 + e1, 2), "line 3: keys are not sorted"},
      {with_trailer(header + e1 + e1, 2), "line 3: duplicate key"},
      {with_trailer(header + key("a", "1") + " " + pos(1) + "\n", 1), "line 2: no TAB"},
      {with_trailer(header + "[\"a\"]\t{}\n", 1), "line 2: key is not a [connector name"},
      {with_trailer(header + key("a", "1") + "\t7\n", 1), "line 2: value is not a JSON object"},
      {with_trailer(header + key("a", "1") + "\t{x}\n", 1), "line 2: value is not valid JSON"},
  };
  for (const Case& c : cases) {
    log::SimulatedPowerLossFileSystem fs;
    ASSERT_NO_FATAL_FAILURE(put_file(fs, "/d/offsets", c.text));
    auto store = FileOffsetStore::open("/d/offsets", &fs);
    ASSERT_FALSE(store.is_ok()) << c.expected;
    EXPECT_EQ(store.status().code(), StatusCode::kCorruption) << c.expected;
    const std::string message(store.status().message());
    EXPECT_NE(message.find("offset file /d/offsets: " + c.expected), std::string::npos) << message;
  }
  log::SimulatedPowerLossFileSystem fs;
  put_file(fs, "/d/offsets", good);
  EXPECT_EQ(open_offsets_ok(fs, "/d/offsets")->size(), 2u);
}

TEST(FileOffsetStoreTest, LeftoverTmpFileIsIgnoredAndRemoved) {
  log::SimulatedPowerLossFileSystem fs;
  {
    auto store = open_offsets_ok(fs, "/o");
    ASSERT_TRUE(store->put_and_flush(std::vector<OffsetEntry>{{key("a", "1"), pos(1)}}));
  }
  put_file(fs, "/o.tmp", "sluice-offsets 1\ngarbage");
  auto store = open_offsets_ok(fs, "/o");
  EXPECT_EQ(store->get(key("a", "1")), pos(1));
  EXPECT_FALSE(fs.exists("/o.tmp"));
}

TEST(FileOffsetStoreTest, FailedFlushKeepsOldFileAndRetriesOnNextFlush) {
  log::SimulatedPowerLossFileSystem fs;
  auto store = open_offsets_ok(fs, "/o");
  ASSERT_TRUE(store->put_and_flush(std::vector<OffsetEntry>{{key("a", "1"), pos(1)}}));
  const std::string before = text_of(fs, "/o");
  fs.fail_next_syncs(1);
  EXPECT_FALSE(store->put_and_flush(std::vector<OffsetEntry>{{key("a", "1"), pos(2)}}));
  EXPECT_EQ(text_of(fs, "/o"), before);
  EXPECT_FALSE(fs.exists("/o.tmp"));
  fs.fail_next_writes(1);
  EXPECT_FALSE(store->put_and_flush({}));
  EXPECT_EQ(text_of(fs, "/o"), before);
  // Nothing new in this batch, but the failed change is still pending: it is written now.
  ASSERT_TRUE(store->put_and_flush({}));
  fs.crash();
  EXPECT_EQ(open_offsets_ok(fs, "/o")->get(key("a", "1")), pos(2));
}

// Power loss at every step of a flush (directory creation included), with random torn tails:
// an acknowledged flush is always there after the restart; an unacknowledged one is there
// completely or not at all.
TEST(FileOffsetStoreTest, AcknowledgedEntriesSurvivePowerLossAtAnyPoint) {
  const std::string path = "/var/lib/sluice/connect.offsets";
  std::vector<OffsetEntry> first = {{key("src", "a"), pos(10)}, {key("src", "b"), pos(20)}};
  std::vector<OffsetEntry> second = {
      {key("src", "a"), pos(11)}, {key("src", "b"), std::nullopt}, {key("src", "c"), pos(5)}};
  int acknowledged_runs = 0;
  for (int first_budget = 0; first_budget < 16; ++first_budget) {
    for (int budget = 0; budget < 12; ++budget) {
      for (uint64_t seed = 1; seed <= 3; ++seed) {
        log::SimulatedPowerLossFileSystem fs;
        std::mt19937_64 rng(seed * 1000 + static_cast<uint64_t>(budget));
        bool first_ok = false;
        {
          auto store = open_offsets_ok(fs, path);
          fs.set_operation_budget(first_budget);
          first_ok = store->put_and_flush(first).is_ok();
          if (first_ok) {
            fs.set_operation_budget(budget);
            bool second_ok = store->put_and_flush(second).is_ok();
            if (second_ok) ++acknowledged_runs;
            fs.crash(&rng);
            auto reopened = FileOffsetStore::open(path, &fs);
            ASSERT_TRUE(reopened.is_ok()) << reopened.status().to_string();
            std::optional<std::string> a = (*reopened)->get(key("src", "a"));
            if (second_ok) {
              EXPECT_EQ(a, pos(11));
            }
            if (a == pos(11)) {  // the new file: completely
              EXPECT_EQ((*reopened)->get(key("src", "b")), std::nullopt);
              EXPECT_EQ((*reopened)->get(key("src", "c")), pos(5));
            } else {  // the old file: completely
              EXPECT_EQ(a, pos(10));
              EXPECT_EQ((*reopened)->get(key("src", "b")), pos(20));
              EXPECT_EQ((*reopened)->get(key("src", "c")), std::nullopt);
            }
            continue;
          }
        }
        fs.crash(&rng);
        auto reopened = FileOffsetStore::open(path, &fs);
        ASSERT_TRUE(reopened.is_ok()) << reopened.status().to_string();
        EXPECT_TRUE((*reopened)->size() == 0 || (*reopened)->size() == 2);
      }
    }
  }
  EXPECT_GT(acknowledged_runs, 0);
}

TEST(FileOffsetStoreTest, ConcurrentFlushesLoseNothing) {
  log::SimulatedPowerLossFileSystem fs;
  auto store = open_offsets_ok(fs, "/o");
  constexpr int kPerThread = 150;
  auto worker = [&](const std::string& connector) {
    for (int i = 0; i < kPerThread; ++i) {
      std::vector<OffsetEntry> batch = {{key(connector, "f"), pos(i)},
                                        {key(connector, std::to_string(i)), pos(i)}};
      ASSERT_TRUE(store->put_and_flush(batch));
      EXPECT_EQ(store->get(key(connector, "f")).has_value(), true);
    }
  };
  std::thread t1(worker, "one");
  std::thread t2(worker, "two");
  t1.join();
  t2.join();
  fs.crash();
  auto reopened = open_offsets_ok(fs, "/o");
  EXPECT_EQ(reopened->size(), 2u * (kPerThread + 1));
  EXPECT_EQ(reopened->get(key("one", "f")), pos(kPerThread - 1));
  EXPECT_EQ(reopened->get(key("two", "f")), pos(kPerThread - 1));
}

TEST(FileOffsetStoreTest, PosixRoundTripCreatesDirectories) {
  testing::ScratchDir dir;
  log::PosixFileSystem fs;
  const std::string path = dir.path + "/a/b/connect.offsets";
  {
    auto store = open_offsets_ok(fs, path);
    ASSERT_TRUE(store->put_and_flush(std::vector<OffsetEntry>{{key("s", "x"), pos(7)}}));
  }
  auto store = open_offsets_ok(fs, path);
  EXPECT_EQ(store->get(key("s", "x")), pos(7));
  EXPECT_FALSE(fs.exists(path + ".tmp"));
}

}  // namespace
}  // namespace sluice::storage
