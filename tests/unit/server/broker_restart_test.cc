// Clean shutdown and restart on the real file system (a temp directory): topics, their config
// overrides (set with AlterConfigs), data and committed offsets come back, the clean-shutdown
// marker spares the recovery scan, and new data continues at the next offset. After a simulated
// crash instead, the restart does report the recovery scan (so the clean check above can fail).
// Also: a relative log.dirs is created level by level.
#include <gtest/gtest.h>

#include "tests/unit/server/broker_test_util.h"

namespace sluice::broker {
namespace {

using namespace sluice::broker::testing;

constexpr char kRecoveryMessage[] = "no clean-shutdown marker";

kafka::AlterConfigsRequest alter_topic(const std::string& topic,
                                       const std::vector<std::pair<std::string, std::string>>& kv) {
  kafka::AlterConfigsRequest req;
  kafka::AlterConfigsRequest::AlterConfigsResource r;
  r.resource_type = 2;  // topic
  r.resource_name = topic;
  for (const auto& [k, v] : kv) {
    kafka::AlterConfigsRequest::AlterableConfig c;
    c.name = k;
    c.value = v;
    r.configs.push_back(c);
  }
  req.resources.push_back(r);
  return req;
}

// The topic's non-default config overrides as DescribeConfigs reports them.
std::map<std::string, std::string> topic_overrides(RawClient& c, const std::string& topic) {
  kafka::DescribeConfigsRequest req;
  kafka::DescribeConfigsRequest::DescribeConfigsResource r;
  r.resource_type = 2;
  r.resource_name = topic;
  req.resources.push_back(r);
  auto resp = c.call<kafka::DescribeConfigsResponse>(req, 2);
  EXPECT_TRUE(resp) << c.last_error();
  std::map<std::string, std::string> out;
  if (!resp) return out;
  EXPECT_EQ(resp->results.at(0).error_code, 0);
  for (const auto& e : resp->results.at(0).configs) {
    if (!e.is_default && e.config_source == 1) out[e.name] = e.value.value_or("");
  }
  return out;
}

int64_t latest_offset(RawClient& c, const std::string& topic, int32_t partition) {
  auto r =
      c.call<kafka::ListOffsetsResponse>(make_list_offsets(topic, partition, -1), kListOffsetsV);
  EXPECT_TRUE(r) << c.last_error();
  return r ? r->topics.at(0).partitions.at(0).offset : -2;
}

class BrokerRestartTest : public ::testing::Test {
 protected:
  // Starts a broker on the temp dir and returns what it logged while starting.
  std::string start_capturing_log() {
    broker_ = std::make_unique<BrokerThread>(test_config(dir_.path() + "/data"));
    ::testing::internal::CaptureStderr();
    Status s = broker_->start();
    std::string logged = ::testing::internal::GetCapturedStderr();
    EXPECT_TRUE(s.is_ok()) << s.to_string();
    return logged;
  }

  TempDir dir_;
  std::unique_ptr<BrokerThread> broker_;
};

TEST_F(BrokerRestartTest, CleanShutdownKeepsTopicsConfigsDataAndOffsets) {
  std::string first_log = start_capturing_log();
  {
    RawClient c(broker_->port());
    create_topic(c, "kept", 3, {{"cleanup.policy", "delete"}});
    auto altered = c.call<kafka::AlterConfigsResponse>(
        alter_topic("kept", {{"retention.ms", "123456789"}, {"max.message.bytes", "50000"}}), 1);
    ASSERT_TRUE(altered) << c.last_error();
    ASSERT_EQ(altered->responses.at(0).error_code, 0)
        << altered->responses.at(0).error_message.value_or("");
    for (int32_t p = 0; p < 3; ++p) {
      for (int i = 0; i <= p; ++i) {
        auto batch = make_batch({"p" + std::to_string(p) + "-" + std::to_string(i), "second"});
        auto r = c.call<kafka::ProduceResponse>(make_produce("kept", p, batch, -1), kProduceV);
        ASSERT_TRUE(r) << c.last_error();
        ASSERT_EQ(r->responses.at(0).partition_responses.at(0).error_code, 0);
      }
    }
    kafka::OffsetCommitRequest commit;
    commit.group_id = "restart-group";
    kafka::OffsetCommitRequest::OffsetCommitRequestTopic t;
    t.name = "kept";
    for (int32_t p = 0; p < 3; ++p) {
      kafka::OffsetCommitRequest::OffsetCommitRequestPartition cp;
      cp.partition_index = p;
      cp.committed_offset = p + 1;
      cp.committed_metadata = "meta-" + std::to_string(p);
      t.partitions.push_back(cp);
    }
    commit.topics.push_back(t);
    auto cr = c.call<kafka::OffsetCommitResponse>(commit, kOffsetCommitV);
    ASSERT_TRUE(cr) << c.last_error();
    for (const auto& p : cr->topics.at(0).partitions) ASSERT_EQ(p.error_code, 0);
    EXPECT_EQ(topic_overrides(c, "kept").at("retention.ms"), "123456789");
  }
  broker_->stop();
  broker_.reset();
  EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/data/.sluice-clean-shutdown"));

  std::string second_log = start_capturing_log();
  // The clean-shutdown marker was found: no recovery scan.
  EXPECT_EQ(second_log.find(kRecoveryMessage), std::string::npos) << second_log;
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/data/.sluice-clean-shutdown"))
      << "the marker must be removed while the broker runs";
  RawClient c(broker_->port());

  kafka::MetadataRequest md;
  auto meta = c.call<kafka::MetadataResponse>(md, kMetadataV);
  ASSERT_TRUE(meta) << c.last_error();
  bool found = false;
  for (const auto& t : meta->topics) {
    if (t.name == "kept") {
      found = true;
      EXPECT_EQ(t.partitions.size(), 3u);
    }
  }
  EXPECT_TRUE(found);

  auto overrides = topic_overrides(c, "kept");
  EXPECT_EQ(overrides["retention.ms"], "123456789");
  EXPECT_EQ(overrides["max.message.bytes"], "50000");
  // AlterConfigs replaces the whole set: the create-time override is gone, durably.
  EXPECT_EQ(overrides.count("cleanup.policy"), 0u);

  for (int32_t p = 0; p < 3; ++p) {
    auto got = fetch_all(c, "kept", p);
    ASSERT_EQ(got.size(), static_cast<size_t>(2 * (p + 1))) << "partition " << p;
    for (int i = 0; i <= p; ++i) {
      EXPECT_EQ(got[2 * i].offset, 2 * i);
      EXPECT_EQ(got[2 * i].value, "p" + std::to_string(p) + "-" + std::to_string(i));
      EXPECT_EQ(got[2 * i + 1].value, "second");
    }
    std::string metadata;
    EXPECT_EQ(committed_offset(c, "restart-group", "kept", p, &metadata), p + 1);
    EXPECT_EQ(metadata, "meta-" + std::to_string(p));
    EXPECT_EQ(latest_offset(c, "kept", p), 2 * (p + 1));
    auto batch = make_batch({"later"});
    auto r = c.call<kafka::ProduceResponse>(make_produce("kept", p, batch, 1), kProduceV);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->responses.at(0).partition_responses.at(0).base_offset, 2 * (p + 1));
  }
  // The topic's max.message.bytes override is in force again.
  auto big = make_batch({std::string(60000, 'b')});
  auto refused = c.call<kafka::ProduceResponse>(make_produce("kept", 0, big, 1), kProduceV);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->responses.at(0).partition_responses.at(0).error_code, 10);
}

TEST_F(BrokerRestartTest, RestartAfterACrashRunsTheRecoveryScan) {
  start_capturing_log();
  {
    RawClient c(broker_->port());
    create_topic(c, "crashy", 1);
    auto batch = make_batch({"survives"});
    auto r = c.call<kafka::ProduceResponse>(make_produce("crashy", 0, batch, -1), kProduceV);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->responses.at(0).partition_responses.at(0).error_code, 0);
  }
  broker_->crash();
  broker_.reset();
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/data/.sluice-clean-shutdown"));
  std::string log = start_capturing_log();
  EXPECT_NE(log.find(kRecoveryMessage), std::string::npos) << log;
  RawClient c(broker_->port());
  auto got = fetch_all(c, "crashy", 0);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].value, "survives");
}

// log.dirs relative to the working directory, first component one letter long ("d/broker"):
// every level must be created.
TEST(BrokerLogDirTest, RelativeLogDirIsCreatedLevelByLevel) {
  TempDir dir;
  const auto old_cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  {
    BrokerThread broker(test_config("d/broker"));
    Status s = broker.start();
    EXPECT_TRUE(s.is_ok()) << s.to_string();
  }
  std::filesystem::current_path(old_cwd);
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() + "/d/broker"));
}

}  // namespace
}  // namespace sluice::broker
