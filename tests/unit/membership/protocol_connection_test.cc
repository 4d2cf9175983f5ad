// Tests for ProtocolConnection: bootstrap list parsing, version negotiation against broker-lite
// and against a fake broker with an old or narrow version table, and clear errors (naming
// host:port) for unreachable brokers and for answers that are cut short or garbage.
#include "runtime/membership/protocol_connection.h"

#include <gtest/gtest.h>

#include "tests/unit/membership/fake_broker.h"

namespace sluice::membership {
namespace {

using testing::api_versions_table;
using testing::closed_port;
using testing::FakeAnswer;
using testing::FakeBroker;
using testing::response_frame;

ConnectionOptions short_timeouts() {
  ConnectionOptions o;
  o.connect_timeout = std::chrono::milliseconds(2000);
  o.request_timeout = std::chrono::milliseconds(1000);
  return o;
}

std::vector<uint8_t> be32(int32_t v) {
  return {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
          static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
}

TEST(BootstrapServersTest, ParsesListsAndRejectsBadEntries) {
  auto ok = parse_bootstrap_servers(" h1:9092, 127.0.0.1:1 ,[::1]:9093");
  ASSERT_TRUE(ok.is_ok()) << ok.status().to_string();
  ASSERT_EQ(ok->size(), 3u);
  EXPECT_EQ((*ok)[0], (BrokerAddress{"h1", 9092}));
  EXPECT_EQ((*ok)[1], (BrokerAddress{"127.0.0.1", 1}));
  EXPECT_EQ((*ok)[2], (BrokerAddress{"::1", 9093}));

  for (const char* bad : {"", " , ", "h1", "h1:", ":9092", "h1:0", "h1:70000", "h1:9x"}) {
    auto r = parse_bootstrap_servers(bad);
    EXPECT_FALSE(r.is_ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  auto named = parse_bootstrap_servers("good:1,bad");
  EXPECT_NE(named.status().message().find("'bad'"), std::string_view::npos)
      << named.status().to_string();
}

class ProtocolConnectionBrokerTest : public testing::MembershipBrokerTest {};

TEST_F(ProtocolConnectionBrokerTest, NegotiatesHighestCommonVersionsWithBrokerLite) {
  auto conn = ProtocolConnection::connect_any(bootstrap_, short_timeouts());
  ASSERT_TRUE(conn.is_ok()) << conn.status().to_string();
  // broker-lite offers FindCoordinator 0..4 (the codec knows 0..5), the group APIs in full.
  EXPECT_EQ(*(*conn)->version_for(kafka::FindCoordinatorRequest::kApiKey), 4);
  EXPECT_EQ(*(*conn)->version_for(kafka::JoinGroupRequest::kApiKey), 9);
  EXPECT_EQ(*(*conn)->version_for(kafka::SyncGroupRequest::kApiKey), 5);
  EXPECT_EQ(*(*conn)->version_for(kafka::HeartbeatRequest::kApiKey), 4);
  EXPECT_EQ(*(*conn)->version_for(kafka::LeaveGroupRequest::kApiKey), 5);

  // A blocking call at the negotiated (batched, flexible) FindCoordinator version.
  kafka::FindCoordinatorRequest find;
  find.key_type = 0;
  find.coordinator_keys = {"g"};
  auto reply = (*conn)->call<kafka::FindCoordinatorResponse>(find);
  ASSERT_TRUE(reply.is_ok()) << reply.status().to_string();
  ASSERT_EQ(reply->message.coordinators.size(), 1u);
  EXPECT_EQ(reply->message.coordinators[0].port, broker_->port());

  // One request at a time.
  kafka::HeartbeatRequest hb;
  hb.group_id = "g";
  ASSERT_TRUE((*conn)->send(hb).is_ok());
  EXPECT_EQ((*conn)->send(hb).code(), StatusCode::kFailedPrecondition);
}

TEST(ProtocolConnectionTest, UnreachableBrokerErrorNamesHostAndPort) {
  const uint16_t port = closed_port();
  auto conn =
      ProtocolConnection::connect_any("127.0.0.1:" + std::to_string(port), short_timeouts());
  ASSERT_FALSE(conn.is_ok());
  EXPECT_EQ(conn.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(conn.status().message().find("127.0.0.1:" + std::to_string(port)),
            std::string_view::npos)
      << conn.status().to_string();
}

TEST(ProtocolConnectionTest, TriesEachBootstrapServerInTurn) {
  FakeBroker fake([](const kafka::RequestHeader& h, std::span<const uint8_t>) {
    return FakeAnswer{response_frame(h.correlation_id, h.request_api_version,
                                     api_versions_table({{18, 0, 3}, {12, 0, 4}}))};
  });
  const std::string dead = "127.0.0.1:" + std::to_string(closed_port());
  auto conn = ProtocolConnection::connect_any(dead + "," + fake.address(), short_timeouts());
  ASSERT_TRUE(conn.is_ok()) << conn.status().to_string();
  EXPECT_EQ((*conn)->address().to_string(), fake.address());

  auto none = ProtocolConnection::connect_any(dead + "," + dead, short_timeouts());
  ASSERT_FALSE(none.is_ok());
  EXPECT_NE(none.status().message().find("no bootstrap server answered"), std::string_view::npos);
}

// A broker that knows ApiVersions only up to v2 answers v3 with UNSUPPORTED_VERSION in the v0
// layout; the client retries at v2 and takes the highest common version of every API.
TEST(ProtocolConnectionTest, FallsBackWhenApiVersionsVersionIsUnsupported) {
  const std::vector<std::tuple<int16_t, int16_t, int16_t>> table = {
      {18, 0, 2}, {10, 1, 6}, {11, 2, 9}, {14, 0, 5}, {12, 5, 7}};
  FakeBroker fake([&](const kafka::RequestHeader& h, std::span<const uint8_t>) {
    if (h.request_api_version > 2) {
      return FakeAnswer{response_frame(h.correlation_id, 0, api_versions_table(table, 35))};
    }
    return FakeAnswer{
        response_frame(h.correlation_id, h.request_api_version, api_versions_table(table))};
  });
  auto conn =
      ProtocolConnection::connect(BrokerAddress{"127.0.0.1", fake.port()}, short_timeouts());
  ASSERT_TRUE(conn.is_ok()) << conn.status().to_string();
  const auto seen = fake.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].request_api_version, 3);
  EXPECT_EQ(seen[1].request_api_version, 2);
  EXPECT_EQ(seen[0].client_id, std::optional<std::string>("sluice"));

  EXPECT_EQ(*(*conn)->version_for(kafka::FindCoordinatorRequest::kApiKey), 5);
  EXPECT_EQ(*(*conn)->version_for(kafka::JoinGroupRequest::kApiKey), 9);
  auto heartbeat = (*conn)->version_for(kafka::HeartbeatRequest::kApiKey);  // 5..7 vs 0..4
  ASSERT_FALSE(heartbeat.is_ok());
  EXPECT_EQ(heartbeat.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(heartbeat.status().message().find("Heartbeat versions 5..7"), std::string_view::npos)
      << heartbeat.status().to_string();
  auto leave = (*conn)->version_for(kafka::LeaveGroupRequest::kApiKey);  // not offered
  ASSERT_FALSE(leave.is_ok());
  EXPECT_NE(leave.status().message().find("does not offer LeaveGroup"), std::string_view::npos);
}

// Answers that are cut short, oversized, mislabelled or undecodable each give a clear error that
// names the broker, and close the connection.
TEST(ProtocolConnectionTest, BadAnswersGiveClearErrors) {
  struct Case {
    const char* name;
    std::function<FakeAnswer(int32_t correlation_id)> answer;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"cut short",
       [](int32_t) {
         std::vector<uint8_t> b = be32(100);
         b.resize(14, 0);
         return FakeAnswer{b, true};
       },
       "after 14 bytes: the broker closed the connection"},
      {"negative size", [](int32_t) { return FakeAnswer{be32(-5)}; }, "invalid frame size -5"},
      {"huge size", [](int32_t) { return FakeAnswer{be32(0x7fffffff)}; }, "invalid frame size"},
      {"wrong correlation id",
       [](int32_t id) {
         return FakeAnswer{response_frame(id + 7, 3, api_versions_table({{18, 0, 3}}))};
       },
       "correlation id"},
      {"garbage body",
       [](int32_t id) {
         std::vector<uint8_t> b = be32(9);
         for (uint8_t x : be32(id)) b.push_back(x);
         for (uint8_t x : {0x00, 0x00, 0xff, 0xff, 0xff}) b.push_back(x);
         return FakeAnswer{b};
       },
       "malformed ApiVersions v3 response"},
      {"closed at once",
       [](int32_t) {
         return FakeAnswer{{}, true};
       },
       "the broker closed the connection"},
  };
  for (const Case& c : cases) {
    FakeBroker fake([&](const kafka::RequestHeader& h, std::span<const uint8_t>) {
      return c.answer(h.correlation_id);
    });
    auto conn =
        ProtocolConnection::connect(BrokerAddress{"127.0.0.1", fake.port()}, short_timeouts());
    ASSERT_FALSE(conn.is_ok()) << c.name;
    const std::string message(conn.status().message());
    EXPECT_NE(message.find(fake.address()), std::string::npos) << c.name << ": " << message;
    EXPECT_NE(message.find(c.expected), std::string::npos) << c.name << ": " << message;
  }
}

TEST(ProtocolConnectionTest, SilentBrokerTimesOut) {
  FakeBroker fake([](const kafka::RequestHeader&, std::span<const uint8_t>) {
    return FakeAnswer{};  // never answers
  });
  ConnectionOptions o = short_timeouts();
  o.request_timeout = std::chrono::milliseconds(200);
  auto conn = ProtocolConnection::connect(BrokerAddress{"127.0.0.1", fake.port()}, o);
  ASSERT_FALSE(conn.is_ok());
  EXPECT_NE(conn.status().message().find("no answer within 200 ms"), std::string_view::npos)
      << conn.status().to_string();
}

}  // namespace
}  // namespace sluice::membership
