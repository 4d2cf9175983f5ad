// FileConnectorStore: the persisted connectors document (worker-storage.md §2): put, replace,
// remove, reopen, creation order, special characters, raw secrets with mode 0600, corrupt
// files, and durability under simulated power loss.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <random>

#include "runtime/storage/connector_store.h"
#include "tests/unit/storage/storage_test_util.h"

namespace sluice::storage {
namespace {

using testing::put_file;
using testing::text_of;

StoredConnector file_source(const std::string& name, const std::string& state = "RUNNING") {
  return StoredConnector{name,
                         {{"connector.class", "FileStreamSource"},
                          {"file", "data/in.txt"},
                          {"topic", "lines"},
                          {"tasks.max", "1"}},
                         state,
                         {}};
}

std::unique_ptr<FileConnectorStore> open_ok(log::FileSystem& fs, const std::string& path) {
  auto store = FileConnectorStore::open(path, &fs);
  EXPECT_TRUE(store.is_ok()) << store.status().to_string();
  return store.is_ok() ? std::move(*store) : nullptr;
}

TEST(FileConnectorStoreTest, MissingFileIsEmpty) {
  log::SimulatedPowerLossFileSystem fs;
  auto store = open_ok(fs, "/data/c.json");
  EXPECT_TRUE(store->all().empty());
  EXPECT_EQ(store->get("x"), std::nullopt);
  EXPECT_EQ(store->remove("x").code(), StatusCode::kNotFound);
  EXPECT_FALSE(fs.exists("/data/c.json"));
}

TEST(FileConnectorStoreTest, WritesTheDocumentedLayout) {
  log::SimulatedPowerLossFileSystem fs;
  auto store = open_ok(fs, "/c.json");
  StoredConnector c = file_source("file-source");
  c.task_configs = {{{"file", "data/in.txt"}, {"task.class", "T"}}};
  ASSERT_TRUE(store->put(c));
  EXPECT_EQ(text_of(fs, "/c.json"),
            "{\"format\":\"sluice-connectors\",\"version\":1,\"connectors\":["
            "{\"name\":\"file-source\",\"target_state\":\"RUNNING\",\"config\":{"
            "\"connector.class\":\"FileStreamSource\",\"file\":\"data/in.txt\",\"tasks.max\":"
            "\"1\",\"topic\":\"lines\"},\"tasks\":[{\"file\":\"data/in.txt\",\"task.class\":"
            "\"T\"}]}]}\n");
}

TEST(FileConnectorStoreTest, PutReplaceRemoveAndReopenKeepCreationOrder) {
  log::SimulatedPowerLossFileSystem fs;
  {
    auto store = open_ok(fs, "/c.json");
    ASSERT_TRUE(store->put(file_source("zeta")));
    ASSERT_TRUE(store->put(file_source("alpha", "PAUSED")));
    ASSERT_TRUE(store->put(file_source("mid", "STOPPED")));
    StoredConnector replaced = file_source("zeta", "STOPPED");
    replaced.config["topic"] = "other";
    replaced.task_configs = {{{"a", "1"}}, {{"a", "2"}}};
    ASSERT_TRUE(store->put(replaced));
    ASSERT_TRUE(store->remove("mid"));
    EXPECT_EQ(store->remove("mid").code(), StatusCode::kNotFound);
  }
  fs.crash();  // everything acknowledged must be durable
  auto store = open_ok(fs, "/c.json");
  std::vector<StoredConnector> all = store->all();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "zeta");
  EXPECT_EQ(all[0].target_state, "STOPPED");
  EXPECT_EQ(all[0].config.at("topic"), "other");
  ASSERT_EQ(all[0].task_configs.size(), 2u);
  EXPECT_EQ(all[0].task_configs[1].at("a"), "2");
  EXPECT_EQ(all[1], file_source("alpha", "PAUSED"));
  EXPECT_EQ(store->get("alpha"), file_source("alpha", "PAUSED"));
  EXPECT_EQ(store->get("mid"), std::nullopt);
}

TEST(FileConnectorStoreTest, UnchangedPutWritesNothing) {
  log::SimulatedPowerLossFileSystem fs;
  auto store = open_ok(fs, "/c.json");
  ASSERT_TRUE(store->put(file_source("a")));
  const int64_t syncs = fs.file_syncs();
  ASSERT_TRUE(store->put(file_source("a")));
  EXPECT_EQ(fs.file_syncs(), syncs);
}

TEST(FileConnectorStoreTest, SpecialCharactersRoundTrip) {
  log::SimulatedPowerLossFileSystem fs;
  StoredConnector c;
  c.name = "we\"ird\\name/ü 😀\t";
  c.target_state = "RUNNING";
  c.config = {{"quote\"key", "line1\nline2\r\n"},
              {"ctl", std::string("a\x01\x1f\b\f", 5)},
              {"unicode", "Grüße, 東京"},
              {"empty", ""},
              {"placeholder", "${env:PASSWORD}"}};
  {
    auto store = open_ok(fs, "/c.json");
    ASSERT_TRUE(store->put(c));
  }
  const std::string text = text_of(fs, "/c.json");
  EXPECT_NE(text.find("\"a\\u0001\\u001F\\b\\f\""), std::string::npos) << text;
  EXPECT_NE(text.find("Grüße, 東京"), std::string::npos) << text;
  EXPECT_NE(text.find("\"we\\\"ird\\\\name/ü 😀\\t\""), std::string::npos) << text;
  EXPECT_EQ(text.find('\n'), text.size() - 1) << "one line";
  auto store = open_ok(fs, "/c.json");
  EXPECT_EQ(store->get(c.name), c);
}

TEST(FileConnectorStoreTest, InvalidConnectorsAreRejectedAndChangeNothing) {
  log::SimulatedPowerLossFileSystem fs;
  auto store = open_ok(fs, "/c.json");
  ASSERT_TRUE(store->put(file_source("ok")));
  const std::string before = text_of(fs, "/c.json");
  EXPECT_EQ(store->put(file_source("")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store->put(file_source("x", "FAILED")).code(), StatusCode::kInvalidArgument);
  StoredConnector not_utf8 = file_source("bin");
  not_utf8.config["v"] = "\xff\xfe";
  EXPECT_EQ(store->put(not_utf8).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(text_of(fs, "/c.json"), before);
  EXPECT_EQ(store->all().size(), 1u);
}

TEST(FileConnectorStoreTest, WriteFailureLeavesStoreAndFileUnchanged) {
  log::SimulatedPowerLossFileSystem fs;
  auto store = open_ok(fs, "/c.json");
  ASSERT_TRUE(store->put(file_source("a")));
  const std::string before = text_of(fs, "/c.json");
  fs.fail_next_syncs(1);
  Status s = store->put(file_source("b"));
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(std::string(s.message()).find("connector store /c.json"), std::string::npos)
      << s.to_string();
  EXPECT_EQ(store->get("b"), std::nullopt);
  fs.fail_next_writes(1);
  EXPECT_FALSE(store->remove("a"));
  EXPECT_TRUE(store->get("a").has_value());
  EXPECT_EQ(text_of(fs, "/c.json"), before);
  EXPECT_FALSE(fs.exists("/c.json.tmp"));
}

TEST(FileConnectorStoreTest, CorruptFilesFailNamingTheFile) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "not valid JSON"},
      {"{\"format\":\"sluice-connectors\",\"version\":1,\"connectors\":[", "not valid JSON"},
      {"[]", "not a JSON object"},
      {"{\"format\":\"other\",\"version\":1,\"connectors\":[]}", "not a connector store"},
      {"{\"format\":\"sluice-connectors\",\"version\":2,\"connectors\":[]}", "unsupported"},
      {"{\"format\":\"sluice-connectors\",\"version\":1}", "missing \"connectors\""},
      {"{\"format\":\"sluice-connectors\",\"version\":1,\"connectors\":[{\"name\":\"a\","
       "\"target_state\":\"FAILED\",\"config\":{}}]}",
       "connector \"a\": \"target_state\""},
      {"{\"format\":\"sluice-connectors\",\"version\":1,\"connectors\":[{\"name\":\"a\","
       "\"target_state\":\"RUNNING\",\"config\":{\"tasks.max\":1}}]}",
       "the value of \"tasks.max\" is not a string"},
      {"{\"format\":\"sluice-connectors\",\"version\":1,\"connectors\":[{\"name\":\"a\","
       "\"target_state\":\"RUNNING\",\"config\":{}},{\"name\":\"a\",\"target_state\":"
       "\"RUNNING\",\"config\":{}}]}",
       "connector \"a\" appears twice"},
      {"{\"format\":\"sluice-connectors\",\"version\":1,\"connectors\":[{\"target_state\":"
       "\"RUNNING\",\"config\":{}}]}",
       "connectors[0]: missing or empty \"name\""},
  };
  for (const auto& [text, expected] : cases) {
    log::SimulatedPowerLossFileSystem fs;
    ASSERT_NO_FATAL_FAILURE(put_file(fs, "/d/c.json", text));
    auto store = FileConnectorStore::open("/d/c.json", &fs);
    ASSERT_FALSE(store.is_ok()) << expected;
    EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
    const std::string message(store.status().message());
    EXPECT_EQ(message.find("connector store /d/c.json: "), 0u) << message;
    EXPECT_NE(message.find(expected), std::string::npos) << message;
  }
  // Readers accept any valid JSON: whitespace, member order, no "tasks".
  log::SimulatedPowerLossFileSystem fs;
  ASSERT_NO_FATAL_FAILURE(put_file(
      fs, "/d/c.json",
      "{ \"connectors\" : [ {\"config\":{\"k\":\"v\\u00e9\"}, \"target_state\":\"PAUSED\", "
      "\"name\":\"n\"} ],\n \"version\":1, \"format\":\"sluice-connectors\" }\n"));
  auto store = open_ok(fs, "/d/c.json");
  EXPECT_EQ(store->get("n"), (StoredConnector{"n", {{"k", "vé"}}, "PAUSED", {}}));
}

TEST(FileConnectorStoreTest, AcknowledgedChangesSurvivePowerLossAtAnyPoint) {
  const std::string path = "/etc/sluice/state/connectors.json";
  int acknowledged = 0;
  for (int budget = 0; budget < 14; ++budget) {
    for (uint64_t seed = 1; seed <= 4; ++seed) {
      log::SimulatedPowerLossFileSystem fs;
      std::mt19937_64 rng(seed);
      auto store = open_ok(fs, path);
      ASSERT_TRUE(store->put(file_source("a")));
      fs.set_operation_budget(budget);
      bool ok = store->put(file_source("a", "PAUSED")).is_ok();
      acknowledged += ok;
      fs.crash(&rng);
      auto reopened = FileConnectorStore::open(path, &fs);
      ASSERT_TRUE(reopened.is_ok()) << reopened.status().to_string();
      std::optional<StoredConnector> a = (*reopened)->get("a");
      ASSERT_TRUE(a.has_value());
      if (ok) {
        EXPECT_EQ(a->target_state, "PAUSED");
      }
      EXPECT_TRUE(a->target_state == "PAUSED" || a->target_state == "RUNNING");
    }
  }
  EXPECT_GT(acknowledged, 0);
}

TEST(FileConnectorStoreTest, SecretsAreStoredRawInAnOwnerOnlyFile) {
  testing::ScratchDir dir;
  log::PosixFileSystem fs;
  const std::string path = dir.path + "/state/connect.offsets.connectors.json";
  StoredConnector c = file_source("db");
  c.config["connection.password"] = "s3cr3t-p@ss";
  {
    auto store = open_ok(fs, path);
    ASSERT_TRUE(store->put(c));
  }
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto bytes = log::read_whole_file(fs, path);
  ASSERT_TRUE(bytes.is_ok());
  EXPECT_NE(
      std::string(bytes->begin(), bytes->end()).find("\"connection.password\":\"s3cr3t-p@ss\""),
      std::string::npos);
  EXPECT_EQ(open_ok(fs, path)->get("db"), c);
}

}  // namespace
}  // namespace sluice::storage
