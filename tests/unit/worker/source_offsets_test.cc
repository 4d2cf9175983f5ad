// Unit tests of the source offset helpers the herder and the source task runner share:
// source_offset_key (the stored key) and lend_source_offset (the offset_get hook's answer), and of
// long_value (integer connector keys).
#include <gtest/gtest.h>

#include "broker-lite/log/sim_file_system.h"
#include "runtime/data/fields.h"
#include "runtime/storage/offset_store.h"
#include "runtime/worker/source_task_runner.h"

namespace sluice::worker {
namespace {

class LendSourceOffsetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = storage::FileOffsetStore::open("/data/connect.offsets", &fs_);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(opened).value();
    auto partition = data::OwnedFields::from_json(R"({"file":"in.txt"})");
    ASSERT_TRUE(partition.is_ok());
    partition_ = std::move(partition).value();
  }

  void store(const std::string& connector, const std::string& value_json) {
    storage::OffsetEntry entry{source_offset_key(connector, partition_.data(), partition_.size()),
                               value_json};
    ASSERT_TRUE(store_->put_and_flush({&entry, 1}).is_ok());
  }

  log::SimulatedPowerLossFileSystem fs_;
  std::unique_ptr<storage::FileOffsetStore> store_;
  data::OwnedFields partition_;
  data::OwnedFields lent_;
  const sluice_field* out_ = nullptr;
  uint32_t out_n_ = 0;
};

TEST_F(LendSourceOffsetTest, KeyIsConnectorAndPartitionAsCanonicalJson) {
  EXPECT_EQ(source_offset_key("file-source", partition_.data(), partition_.size()),
            R"(["file-source",{"file":"in.txt"}])");
}

TEST_F(LendSourceOffsetTest, LendsTheStoredOffsetOfThatConnectorOnly) {
  store("a", R"({"position":41})");
  store("b", R"({"position":7})");
  Status lent = lend_source_offset(*store_, "a", partition_.data(), partition_.size(), &lent_,
                                   &out_, &out_n_);
  ASSERT_TRUE(lent.is_ok()) << lent.to_string();
  ASSERT_EQ(out_n_, 1u);
  EXPECT_EQ(out_, lent_.data());
  auto expected = data::OwnedFields::from_json(R"({"position":41})");
  ASSERT_TRUE(expected.is_ok());
  EXPECT_TRUE(expected.value().equals(out_, out_n_));
}

TEST_F(LendSourceOffsetTest, NothingStoredIsNotFound) {
  store("a", R"({"position":41})");
  Status lent = lend_source_offset(*store_, "other", partition_.data(), partition_.size(), &lent_,
                                   &out_, &out_n_);
  EXPECT_EQ(lent.code(), StatusCode::kNotFound);
  EXPECT_EQ(out_, nullptr);
}

TEST_F(LendSourceOffsetTest, AnOffsetThatIsNotFlatFieldsIsAnErrorNamingIt) {
  store("a", R"({"position":{"nested":1}})");
  Status lent = lend_source_offset(*store_, "a", partition_.data(), partition_.size(), &lent_,
                                   &out_, &out_n_);
  ASSERT_FALSE(lent.is_ok());
  EXPECT_NE(lent.to_string().find("stored source offset"), std::string::npos) << lent.to_string();
  EXPECT_EQ(out_, nullptr);
}

// long_value reads a number the way the config checks accepted it (config::parse_long: blanks
// around it and a leading '+' are fine), so that a value that passed validation is never
// silently replaced by the fallback.
TEST(LongValue, ReadsWhatTheConfigChecksAccept) {
  const config::Props props{{"tasks.max", "12"},
                            {"negative", "-3"},
                            {"suffix", "12x"},
                            {"blank", " 12"},
                            {"plus", "+12"},
                            {"empty", ""},
                            {"huge", "99999999999999999999"}};
  EXPECT_EQ(long_value(props, "tasks.max", 1), 12);
  EXPECT_EQ(long_value(props, "negative", 1), -3);
  EXPECT_EQ(long_value(props, "absent", 1), 1);
  EXPECT_EQ(long_value(props, "blank", 5), 12);
  EXPECT_EQ(long_value(props, "plus", 5), 12);
  for (const char* key : {"suffix", "empty", "huge"}) {
    EXPECT_EQ(long_value(props, key, 5), 5) << key;
  }
}

}  // namespace
}  // namespace sluice::worker
