// Raw-socket protocol tests against an in-process broker-lite on a thread: frames are written by
// hand with the generated codecs. Covers ApiVersions (every version, the unknown-version
// fallback), correlation ids and in-order pipelining, bad frames and bad requests (which close
// only their own connection), bytes after a body (ignored), Produce errors and acks=0, Metadata
// auto-creation, CreateTopics errors, Fetch long-poll and ListOffsets.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "broker-lite/server/api_table.h"
#include "tests/unit/server/broker_test_util.h"

namespace sluice::broker {
namespace {

using namespace sluice::broker::testing;
using Clock = std::chrono::steady_clock;

class BrokerProtocolTest : public ::testing::Test {
 protected:
  // Starts the broker with `adjust` applied to the test config.
  void start(const std::function<void(BrokerConfig&)>& adjust = {}) {
    BrokerConfig c = test_config(dir_.path() + "/data");
    c.socket_request_max_bytes = 1 << 20;
    c.message_max_bytes = 4000;
    if (adjust) adjust(c);
    broker_ = std::make_unique<BrokerThread>(std::move(c));
    Status s = broker_->start();
    ASSERT_TRUE(s.is_ok()) << s.to_string();
    ASSERT_NE(broker_->port(), 0);
  }
  void SetUp() override { start(); }
  void TearDown() override { broker_.reset(); }

  std::unique_ptr<RawClient> connect() {
    auto c = std::make_unique<RawClient>(broker_->port());
    EXPECT_TRUE(c->connected());
    return c;
  }
  // Restarts with a different configuration (same directory).
  void restart(const std::function<void(BrokerConfig&)>& adjust) {
    broker_.reset();
    start(adjust);
  }

  // True when `c` still answers an ApiVersions request.
  static bool serves(RawClient& c) {
    auto r = c.call<kafka::ApiVersionsResponse>(kafka::ApiVersionsRequest{}, 2);
    return r && r->error_code == 0 && !r->api_keys.empty();
  }

  // Sends `frame` on a new connection and expects the broker to close that connection, while
  // one opened before keeps being served, and a new one is too.
  void expect_closes_only_its_connection(const std::vector<uint8_t>& frame) {
    auto other = connect();
    auto bad = connect();
    ASSERT_TRUE(bad->send_bytes(frame));
    EXPECT_TRUE(bad->wait_closed(3000)) << "the connection stayed open";
    EXPECT_TRUE(serves(*other));
    auto fresh = connect();
    EXPECT_TRUE(serves(*fresh));
    auto md = other->call<kafka::MetadataResponse>(kafka::MetadataRequest{}, kMetadataV);
    EXPECT_TRUE(md) << other->last_error();
  }

  static int16_t produce_error(const std::optional<kafka::ProduceResponse>& r) {
    EXPECT_TRUE(r);
    if (!r) return -1;
    return r->responses.at(0).partition_responses.at(0).error_code;
  }

  TempDir dir_;
  std::unique_ptr<BrokerThread> broker_;
};

void expect_full_table(const kafka::ApiVersionsResponse& r) {
  auto table = api_table();
  ASSERT_EQ(r.api_keys.size(), table.size());
  for (size_t i = 0; i < table.size(); ++i) {
    EXPECT_EQ(r.api_keys[i].api_key, table[i].key);
    EXPECT_EQ(r.api_keys[i].min_version, 0) << "api " << table[i].key;  // CLIENTS.md P3
    EXPECT_EQ(r.api_keys[i].max_version, table[i].max_version);
  }
}

TEST_F(BrokerProtocolTest, ApiVersionsEveryVersionAnswersWithHeaderV0) {
  auto c = connect();
  for (int16_t v = 0; v <= 3; ++v) {
    kafka::ApiVersionsRequest req;
    req.client_software_name = "raw-test";
    req.client_software_version = "1.0";
    const int32_t corr = 100 + v;
    ASSERT_TRUE(c->send(req, v, corr));
    // ApiVersions responses always carry header v0, even for the flexible v3: a stray
    // tagged-field byte would shift the body and make it fail to decode.
    auto frame = c->read_frame(/*header_version=*/0);
    ASSERT_TRUE(frame) << c->last_error();
    EXPECT_EQ(frame->correlation_id, corr);
    kafka::WireReader r(frame->body);
    kafka::ApiVersionsResponse resp;
    ASSERT_TRUE(resp.decode(r, v).is_ok()) << "v" << v;
    EXPECT_EQ(r.remaining(), 0u) << "v" << v;
    EXPECT_EQ(resp.error_code, 0) << "v" << v;
    expect_full_table(resp);
  }
  // Every advertised API has a handler reachable through the table.
  EXPECT_NE(find_api_entry(kafka::ProduceRequest::kApiKey), nullptr);
  EXPECT_EQ(find_api_entry(999), nullptr);
}

TEST_F(BrokerProtocolTest, ApiVersionsUnknownVersionGetsV0AnswerWithError35) {
  auto c = connect();
  // A v4 request: flexible request header v2, body as a client of the future would send it.
  ASSERT_EQ(kafka::request_header_version(kafka::ApiVersionsRequest::kApiKey, 4), 2);
  kafka::ApiVersionsRequest body;
  body.client_software_name = "future";
  body.client_software_version = "9.9";
  kafka::WireWriter w;
  body.encode(w, 3);
  ASSERT_TRUE(c->send_bytes(raw_frame(kafka::ApiVersionsRequest::kApiKey, 4, 4242, w.flatten())));
  auto resp = c->read_response<kafka::ApiVersionsResponse>(0, 4242);
  ASSERT_TRUE(resp) << c->last_error();
  EXPECT_EQ(resp->error_code, 35);
  expect_full_table(*resp);
  // The connection stays usable: the client retries with a version we share.
  EXPECT_TRUE(serves(*c));
}

TEST_F(BrokerProtocolTest, FiftyPipelinedRequestsAnsweredInOrderWithTheirCorrelationIds) {
  auto c = connect();
  std::vector<uint8_t> all;
  for (int i = 0; i < 50; ++i) {
    const int32_t corr = 7000 + i * 13;
    std::vector<uint8_t> frame;
    if (i % 2 == 0) {
      frame = RawClient::encode_request(kafka::ApiVersionsRequest{}, 2, corr);
    } else {
      kafka::MetadataRequest md;
      md.topics.emplace();  // no topics: just brokers and cluster id
      frame = RawClient::encode_request(md, kMetadataV, corr);
    }
    all.insert(all.end(), frame.begin(), frame.end());
  }
  ASSERT_TRUE(c->send_bytes(all));  // everything written before anything is read
  for (int i = 0; i < 50; ++i) {
    const int32_t corr = 7000 + i * 13;
    if (i % 2 == 0) {
      auto r = c->read_response<kafka::ApiVersionsResponse>(2, corr);
      ASSERT_TRUE(r) << "response " << i << ": " << c->last_error();
      EXPECT_EQ(r->error_code, 0);
    } else {
      auto r = c->read_response<kafka::MetadataResponse>(kMetadataV, corr);
      ASSERT_TRUE(r) << "response " << i << ": " << c->last_error();
      ASSERT_EQ(r->brokers.size(), 1u);
      EXPECT_EQ(r->brokers[0].port, broker_->port());
      EXPECT_EQ(r->controller_id, r->brokers[0].node_id);
    }
  }
}

std::vector<uint8_t> size_only(uint32_t size) {
  std::vector<uint8_t> out(4);
  kafka::store_be32(out.data(), size);
  return out;
}

TEST_F(BrokerProtocolTest, FrameAboveSocketRequestMaxBytesClosesAtOnce) {
  // Claims 2 GiB - 1 and sends nothing more: the broker must close at once instead of waiting
  // for (or allocating) the body.
  expect_closes_only_its_connection(size_only(0x7fffffff));
  // Just above the configured limit (1 MiB) is refused the same way, and so is a negative size.
  expect_closes_only_its_connection(size_only((1u << 20) + 1));
  expect_closes_only_its_connection(size_only(0xfffffffe));
}

TEST_F(BrokerProtocolTest, FrameSmallerThanAHeaderCloses) {
  expect_closes_only_its_connection({0, 0, 0, 4, 0, 18, 0, 0});  // size 4: key and version only
}

TEST_F(BrokerProtocolTest, UnknownApiKeyClosesOnlyThatConnection) {
  const uint8_t body[4] = {0, 0, 0, 0};
  expect_closes_only_its_connection(raw_frame(999, 0, 1, body));
}

TEST_F(BrokerProtocolTest, UnsupportedVersionOfAKnownApiCloses) {
  kafka::FetchRequest fetch;
  // Fetch v16 decodes fine but broker-lite advertises only up to v12 (v13+ names topics by id).
  ASSERT_GT(kafka::FetchRequest::kMaxVersion, find_api_entry(1)->max_version);
  expect_closes_only_its_connection(
      RawClient::encode_request(fetch, kafka::FetchRequest::kMaxVersion, 5));
}

TEST_F(BrokerProtocolTest, MalformedMetadataBodyClosesThatConnectionOnly) {
  kafka::WireWriter w;
  w.write_int32(5);  // five topics follow... but only half of one does
  w.write_int16(10);
  w.write_raw(as_bytes("abc"));
  expect_closes_only_its_connection(
      raw_frame(kafka::MetadataRequest::kApiKey, kMetadataV, 9, w.flatten()));
}

TEST_F(BrokerProtocolTest, BytesAfterAWellFormedBodyAreIgnoredAsKafkaDoes) {
  // librdkafka 2.0.x sends such bodies (see handler_util.h); the request is answered and the
  // connection keeps serving.
  auto c = connect();
  kafka::MetadataRequest md;
  md.topics.emplace();
  auto frame = RawClient::encode_request(md, kMetadataV, 10);
  frame.push_back(0xAB);
  frame.push_back(0x00);
  kafka::store_be32(frame.data(), static_cast<uint32_t>(frame.size() - 4));
  ASSERT_TRUE(c->send_bytes(frame));
  auto r = c->read_response<kafka::MetadataResponse>(kMetadataV, 10);
  ASSERT_TRUE(r) << c->last_error();
  EXPECT_TRUE(r->topics.empty());
  EXPECT_TRUE(serves(*c));
}

TEST_F(BrokerProtocolTest, AcksZeroProduceGetsNoResponseButTheNextRequestDoes) {
  auto c = connect();
  create_topic(*c, "zero", 1);
  auto batch = make_batch({"fire-and-forget"});
  ASSERT_TRUE(c->send(make_produce("zero", 0, batch, 0), kProduceV, 500));
  ASSERT_TRUE(c->send(kafka::ApiVersionsRequest{}, 2, 501));
  auto next = c->read_response<kafka::ApiVersionsResponse>(2, 501);
  ASSERT_TRUE(next) << c->last_error();
  auto got = fetch_all(*c, "zero", 0);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].offset, 0);
  EXPECT_EQ(got[0].value, "fire-and-forget");
}

TEST_F(BrokerProtocolTest, AcksZeroProduceThatFailsClosesTheConnection) {
  auto c = connect();
  auto batch = make_batch({"x"});
  ASSERT_TRUE(c->send(make_produce("no-such-topic", 0, batch, 0), kProduceV, 1));
  EXPECT_TRUE(c->wait_closed(3000));
}

TEST_F(BrokerProtocolTest, ProduceErrorCodes) {
  auto c = connect();
  create_topic(*c, "t", 1);

  auto good = make_batch({"a", "b"});
  auto ok = c->call<kafka::ProduceResponse>(make_produce("t", 0, good, 1), kProduceV);
  ASSERT_EQ(produce_error(ok), 0);
  EXPECT_EQ(ok->responses[0].partition_responses[0].base_offset, 0);

  // CRC mismatch: one payload byte flipped.
  auto bad_crc = make_batch({"payload"});
  bad_crc.back() ^= 0x01;
  EXPECT_EQ(
      produce_error(c->call<kafka::ProduceResponse>(make_produce("t", 0, bad_crc, 1), kProduceV)),
      2);

  // Two batches in one partition's record set.
  auto two = make_batch({"one"});
  auto second = make_batch({"two"});
  two.insert(two.end(), second.begin(), second.end());
  EXPECT_EQ(produce_error(c->call<kafka::ProduceResponse>(make_produce("t", 0, two, 1), kProduceV)),
            87);

  // acks must be 0, 1 or -1.
  EXPECT_EQ(
      produce_error(c->call<kafka::ProduceResponse>(make_produce("t", 0, good, 5), kProduceV)), 21);

  // Unknown topic (Produce never auto-creates) and unknown partition.
  EXPECT_EQ(
      produce_error(c->call<kafka::ProduceResponse>(make_produce("nope", 0, good, 1), kProduceV)),
      3);
  EXPECT_EQ(
      produce_error(c->call<kafka::ProduceResponse>(make_produce("t", 9, good, 1), kProduceV)), 3);

  // zstd needs Produce v7.
  auto zstd = make_batch({"squeezed"}, 1700000000000, kafka::CompressionCodec::kZstd);
  EXPECT_EQ(produce_error(c->call<kafka::ProduceResponse>(make_produce("t", 0, zstd, 1), 6)), 76);
  EXPECT_EQ(produce_error(c->call<kafka::ProduceResponse>(make_produce("t", 0, zstd, 1), 7)), 0);

  // Larger than max.message.bytes (4000 in this fixture).
  auto big = make_batch({std::string(5000, 'x')});
  EXPECT_EQ(produce_error(c->call<kafka::ProduceResponse>(make_produce("t", 0, big, 1), kProduceV)),
            10);

  // Only the two good batches were stored, at offsets 0..2.
  auto got = fetch_all(*c, "t", 0);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].value, "a");
  EXPECT_EQ(got[1].value, "b");
  EXPECT_EQ(got[2].offset, 2);
  EXPECT_EQ(got[2].value, "squeezed");
}

kafka::MetadataRequest metadata_for(const std::string& topic, bool allow_auto_create) {
  kafka::MetadataRequest md;
  md.topics.emplace();
  kafka::MetadataRequest::MetadataRequestTopic t;
  t.name = topic;
  md.topics->push_back(t);
  md.allow_auto_topic_creation = allow_auto_create;
  return md;
}

// The error code Metadata gives for one named topic.
int16_t metadata_error(RawClient& c, const std::string& topic, bool allow_auto_create) {
  auto r = c.call<kafka::MetadataResponse>(metadata_for(topic, allow_auto_create), kMetadataV);
  EXPECT_TRUE(r) << c.last_error();
  return r ? r->topics.at(0).error_code : -1;
}

TEST_F(BrokerProtocolTest, MetadataAutoCreatesWhenBrokerAndRequestAllowIt) {
  restart([](BrokerConfig& c) { c.num_partitions = 3; });
  auto c = connect();
  auto r = c->call<kafka::MetadataResponse>(metadata_for("auto-made", true), kMetadataV);
  ASSERT_TRUE(r) << c->last_error();
  ASSERT_EQ(r->topics.size(), 1u);
  EXPECT_EQ(r->topics[0].error_code, 0);
  EXPECT_EQ(r->topics[0].partitions.size(), 3u);
  EXPECT_EQ(r->topics[0].partitions[0].leader_id, r->brokers.at(0).node_id);

  EXPECT_EQ(metadata_error(*c, "not-made", false), 3);
  EXPECT_EQ(metadata_error(*c, "bad name!", true), 17);

  kafka::MetadataRequest all;  // null topics: every topic
  auto listed = c->call<kafka::MetadataResponse>(all, kMetadataV);
  ASSERT_TRUE(listed);
  std::vector<std::string> names;
  for (const auto& t : listed->topics) names.push_back(t.name.value_or(""));
  EXPECT_NE(std::find(names.begin(), names.end(), "auto-made"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "not-made"), names.end());
}

TEST_F(BrokerProtocolTest, MetadataDoesNotAutoCreateWhenTheBrokerForbidsIt) {
  restart([](BrokerConfig& c) { c.auto_create_topics = false; });
  auto c = connect();
  EXPECT_EQ(metadata_error(*c, "wanted", true), 3);
  EXPECT_EQ(metadata_error(*c, "wanted", true), 3);  // still not there
}

TEST_F(BrokerProtocolTest, CreateTopicsErrors) {
  auto c = connect();
  create_topic(*c, "exists", 2);
  auto code = [&](const kafka::CreateTopicsRequest& req) -> int16_t {
    auto r = c->call<kafka::CreateTopicsResponse>(req, kCreateTopicsV);
    EXPECT_TRUE(r) << c->last_error();
    if (!r) return -1;
    EXPECT_EQ(r->topics.size(), 1u);
    return r->topics.at(0).error_code;
  };
  EXPECT_EQ(code(make_create_topic("exists", 1)), 36);
  EXPECT_EQ(code(make_create_topic("rf3", 1, 3)), 38);
  EXPECT_EQ(code(make_create_topic("bad/name", 1)), 17);
  EXPECT_EQ(code(make_create_topic(std::string(250, 'n'), 1)), 17);
  EXPECT_EQ(code(make_create_topic("badcfg", 1, 1, {{"cleanup.policy", "shred"}})), 40);
  EXPECT_EQ(code(make_create_topic("unknowncfg", 1, 1, {{"no.such.config", "1"}})), 40);
  EXPECT_EQ(code(make_create_topic("zero-parts", 0)), 37);
  // None of the failed ones exist afterwards.
  EXPECT_EQ(metadata_error(*c, "rf3", false), 3);
  EXPECT_EQ(metadata_error(*c, "badcfg", false), 3);
}

TEST_F(BrokerProtocolTest, FetchLongPollIsAnsweredEarlyByAProduceOnAnotherConnection) {
  auto consumer = connect();
  auto producer = connect();
  create_topic(*producer, "poll", 1);
  const auto t0 = Clock::now();
  ASSERT_TRUE(
      consumer->send(make_fetch("poll", 0, 0, /*max_wait_ms=*/2000, /*min_bytes=*/1), kFetchV, 77));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto batch = make_batch({"wake-up"});
  auto p = producer->call<kafka::ProduceResponse>(make_produce("poll", 0, batch, 1), kProduceV);
  ASSERT_EQ(produce_error(p), 0);
  auto resp = consumer->read_response<kafka::FetchResponse>(kFetchV, 77, 3000);
  const auto elapsed = Clock::now() - t0;
  ASSERT_TRUE(resp) << consumer->last_error();
  EXPECT_LT(elapsed, std::chrono::milliseconds(1500));
  const auto& pd = resp->responses.at(0).partitions.at(0);
  EXPECT_EQ(pd.error_code, 0);
  EXPECT_EQ(pd.high_watermark, 1);
  auto records = records_of(pd.records);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].value, "wake-up");
}

TEST_F(BrokerProtocolTest, FetchLongPollWithoutDataWaitsMaxWait) {
  auto c = connect();
  create_topic(*c, "quiet", 1);
  const auto t0 = Clock::now();
  ASSERT_TRUE(c->send(make_fetch("quiet", 0, 0, 2000, 1), kFetchV, 78));
  auto resp = c->read_response<kafka::FetchResponse>(kFetchV, 78, 5000);
  const auto elapsed = Clock::now() - t0;
  ASSERT_TRUE(resp) << c->last_error();
  EXPECT_GE(elapsed, std::chrono::milliseconds(1900));
  EXPECT_LT(elapsed, std::chrono::milliseconds(3500));
  const auto& pd = resp->responses.at(0).partitions.at(0);
  EXPECT_EQ(pd.error_code, 0);
  EXPECT_TRUE(records_of(pd.records).empty());
  // A request queued behind the held fetch is answered after it, in order.
  ASSERT_TRUE(c->send(make_fetch("quiet", 0, 0, 300, 1), kFetchV, 79));
  ASSERT_TRUE(c->send(kafka::ApiVersionsRequest{}, 2, 80));
  ASSERT_TRUE(c->read_response<kafka::FetchResponse>(kFetchV, 79, 3000)) << c->last_error();
  ASSERT_TRUE(c->read_response<kafka::ApiVersionsResponse>(2, 80, 3000)) << c->last_error();
}

TEST_F(BrokerProtocolTest, FetchBeyondTheEndIsOffsetOutOfRange) {
  auto c = connect();
  create_topic(*c, "short", 1);
  auto batch = make_batch({"1", "2"});
  ASSERT_EQ(
      produce_error(c->call<kafka::ProduceResponse>(make_produce("short", 0, batch, 1), kProduceV)),
      0);
  auto at_end = c->call<kafka::FetchResponse>(make_fetch("short", 0, 2), kFetchV);
  ASSERT_TRUE(at_end);
  EXPECT_EQ(at_end->responses.at(0).partitions.at(0).error_code, 0);  // the end is fine
  auto beyond = c->call<kafka::FetchResponse>(make_fetch("short", 0, 3, 1000), kFetchV);
  ASSERT_TRUE(beyond);
  EXPECT_EQ(beyond->responses.at(0).partitions.at(0).error_code, 1);
  EXPECT_EQ(beyond->responses.at(0).partitions.at(0).high_watermark, 2);
  auto unknown = c->call<kafka::FetchResponse>(make_fetch("nope", 0, 0), kFetchV);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->responses.at(0).partitions.at(0).error_code, 3);
}

TEST_F(BrokerProtocolTest, ListOffsetsEarliestLatestAndByTimestamp) {
  auto c = connect();
  create_topic(*c, "times", 1);
  const std::vector<int64_t> stamps = {1000, 2000, 3000};
  for (size_t i = 0; i < stamps.size(); ++i) {
    auto batch = make_batch({"v" + std::to_string(i)}, stamps[i]);
    ASSERT_EQ(produce_error(
                  c->call<kafka::ProduceResponse>(make_produce("times", 0, batch, 1), kProduceV)),
              0);
  }
  auto lookup = [&](int64_t ts) {
    auto r = c->call<kafka::ListOffsetsResponse>(make_list_offsets("times", 0, ts), kListOffsetsV);
    EXPECT_TRUE(r) << c->last_error();
    return r ? r->topics.at(0).partitions.at(0)
             : kafka::ListOffsetsResponse::ListOffsetsPartitionResponse{};
  };
  auto earliest = lookup(-2);
  EXPECT_EQ(earliest.error_code, 0);
  EXPECT_EQ(earliest.offset, 0);
  auto latest = lookup(-1);
  EXPECT_EQ(latest.offset, 3);
  auto exact = lookup(2000);
  EXPECT_EQ(exact.offset, 1);
  EXPECT_EQ(exact.timestamp, 2000);
  auto between = lookup(2500);
  EXPECT_EQ(between.offset, 2);
  EXPECT_EQ(between.timestamp, 3000);
  auto before_all = lookup(1);
  EXPECT_EQ(before_all.offset, 0);
  auto after_all = lookup(999999);
  EXPECT_EQ(after_all.error_code, 0);
  EXPECT_EQ(after_all.offset, -1);
}

}  // namespace
}  // namespace sluice::broker
