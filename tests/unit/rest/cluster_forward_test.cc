// Forwarding between workers over real HTTP on 127.0.0.1: a follower RestServer forwards writes
// to a recording stand-in worker (to check what arrives: method, target, body, headers, the
// signature) and to a real leader RestServer (to check the answer is relayed and the leader
// serves it without forwarding again); WorkerClient::post_task_configs against the leader's
// internal endpoint; a leader that refuses connections or answers too slowly gives a 409.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/rest/request_signature.h"
#include "runtime/rest/rest_server.h"
#include "runtime/rest/worker_client.h"
#include "tests/unit/rest/fake_cluster_routing.h"
#include "tests/unit/rest/fake_herder.h"
#include "tests/unit/rest/http_call.h"

namespace sluice::rest {
namespace {

using nlohmann::json;
using testing::FakeClusterRouting;
using testing::FakeHerder;
using testing::http_call;
using testing::Reply;

Reply call(uint16_t port, const std::string& method, const std::string& target,
           const std::optional<std::string>& body = std::nullopt,
           const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  return http_call(port, method, target, body, headers);
}

// A stand-in worker: records every request it gets (as an HttpRequest with lower-cased header
// names) and answers with a set status, body and Location after an optional delay.
class RecordingWorker {
 public:
  RecordingWorker() {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    port_ = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;  // owned by the server
    params->setMaxThreads(4);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(this), socket, params);
    server_->start();
  }
  // Waits (up to 10 s) for answers still being delayed, so that no handler outlives the test.
  ~RecordingWorker() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (active_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    server_->stopAll(true);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::mutex mu;
  std::vector<HttpRequest> received;
  std::vector<std::string> targets;  // raw request targets
  int status = 201;
  std::string body = R"({"name":"c1","config":{},"tasks":[],"type":"source"})";
  std::string location = "/connectors/c1";
  std::chrono::milliseconds delay{0};
  std::chrono::milliseconds trickle{0};  // when set, the body is sent one byte per interval

 private:
  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(RecordingWorker* owner) : owner_(owner) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      ++owner_->active_;
      serve(request, response);
      --owner_->active_;
    }

   private:
    void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
      HttpRequest got;
      got.method = request.getMethod();
      for (const auto& [name, value] : request) {
        std::string lower = name;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        got.headers.emplace_back(lower, value);
      }
      Poco::StreamCopier::copyToString(request.stream(), got.body);
      got.has_body = request.hasContentLength();
      std::chrono::milliseconds delay;
      std::chrono::milliseconds trickle;
      std::string body;
      {
        std::lock_guard lock(owner_->mu);
        owner_->received.push_back(got);
        owner_->targets.push_back(request.getURI());
        response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(owner_->status));
        if (!owner_->location.empty()) response.set("Location", owner_->location);
        delay = owner_->delay;
        trickle = owner_->trickle;
        body = owner_->body;
      }
      std::this_thread::sleep_for(delay);
      response.setContentType("application/json");
      response.setContentLength(static_cast<std::streamsize>(body.size()));
      std::ostream& out = response.send();
      if (trickle.count() == 0) {
        out << body;
        return;
      }
      for (const char c : body) {
        out << c << std::flush;
        if (!out) return;  // the client gave up
        std::this_thread::sleep_for(trickle);
      }
    }

    RecordingWorker* owner_;
  };
  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(RecordingWorker* owner) : owner_(owner) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(owner_);
    }

   private:
    RecordingWorker* owner_;
  };

  uint16_t port_ = 0;
  std::atomic<int> active_{0};
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

class ClusterForwardTest : public ::testing::Test {
 protected:
  // Starts the follower RestServer with `routing_` (forward timeout `timeout`).
  void start_follower(std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    RestServerOptions options;
    options.listeners = "http://127.0.0.1:0";
    options.forward_timeout = timeout;
    follower_ = std::make_unique<RestServer>(&follower_herder_, options, &routing_);
    ASSERT_TRUE(follower_->start().is_ok());
  }
  void forward_to(const std::string& url) {
    std::lock_guard lock(routing_.mu);
    routing_.leader = {RouteDecision::Kind::kForward, url, ""};
    routing_.task_owner = routing_.leader;
  }

  void TearDown() override {
    if (follower_) follower_->stop();
  }

  FakeHerder follower_herder_;
  FakeClusterRouting routing_;
  std::unique_ptr<RestServer> follower_;
};

TEST_F(ClusterForwardTest, ForwardSendsTheRequestUnchangedAndSignedAndRelaysTheAnswer) {
  RecordingWorker leader;
  forward_to(leader.url());
  routing_.key = SessionKeyInfo{"shared-secret", "HmacSHA256"};
  start_follower();

  const std::string body = R"({"name":"c1","config":{"connector.class":"X"}})";
  Reply reply = call(follower_->port(), "POST", "/connectors", body, {{"X-Trace", "abc"}});
  EXPECT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.parsed(), json::parse(leader.body));
  EXPECT_EQ(reply.headers["Location"], "/connectors/c1");
  EXPECT_EQ(follower_herder_.calls.load(), 0);  // not served by the follower

  std::lock_guard lock(leader.mu);
  ASSERT_EQ(leader.received.size(), 1u);
  const HttpRequest& got = leader.received[0];
  EXPECT_EQ(got.method, "POST");
  EXPECT_EQ(leader.targets[0], "/connectors");
  EXPECT_EQ(got.body, body);
  EXPECT_EQ(got.header("content-type"), "application/json");
  EXPECT_EQ(got.header("x-trace"), "abc");
  EXPECT_EQ(got.header("x-sluice-forwarded"), "1");
  EXPECT_EQ(got.header("x-connect-request-signature-algorithm"), "HmacSHA256");
  EXPECT_TRUE(verify_request(got, "shared-secret", {"HmacSHA256"}).is_ok());
  EXPECT_FALSE(verify_request(got, "another-secret", {"HmacSHA256"}).is_ok());
}

TEST_F(ClusterForwardTest, ForwardKeepsEncodedPathsQueriesAndErrorAnswers) {
  RecordingWorker leader;
  forward_to(leader.url());
  start_follower();  // no session key: forwarded unsigned
  {
    std::lock_guard lock(leader.mu);
    leader.status = 404;
    leader.body = R"({"error_code":404,"message":"Connector a/b not found"})";
    leader.location.clear();
  }
  Reply reply = call(follower_->port(), "POST", "/connectors/a%2Fb/restart?includeTasks=true");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.message(), "Connector a/b not found");
  EXPECT_EQ(reply.headers.count("Location"), 0u);

  reply = call(follower_->port(), "POST", "/connectors/a%2Fb/tasks/3/restart");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(routing_.task_owner_task, 3);

  std::lock_guard lock(leader.mu);
  ASSERT_EQ(leader.targets.size(), 2u);
  EXPECT_EQ(leader.targets[0], "/connectors/a%2Fb/restart?includeTasks=true");
  EXPECT_EQ(leader.targets[1], "/connectors/a%2Fb/tasks/3/restart");
  EXPECT_FALSE(leader.received[0].header("x-connect-authorization").has_value());
  EXPECT_EQ(leader.received[0].header("x-sluice-forwarded"), "1");
}

TEST_F(ClusterForwardTest, BetweenTwoRestServersTheLeaderServesTheForwardedWrite) {
  FakeHerder leader_herder;
  FakeClusterRouting leader_routing;  // kHere, but must not even be asked
  leader_routing.key = SessionKeyInfo{"k", "HmacSHA256"};
  RestServerOptions options;
  options.listeners = "http://127.0.0.1:0";
  RestServer leader(&leader_herder, options, &leader_routing);
  ASSERT_TRUE(leader.start().is_ok());
  const std::string leader_url = "http://127.0.0.1:" + std::to_string(leader.port());
  forward_to(leader_url);
  routing_.key = leader_routing.key;
  start_follower();

  Reply reply = call(follower_->port(), "POST", "/connectors",
                     R"({"name":"c1","config":{"connector.class":"X"},"initial_state":"PAUSED"})");
  EXPECT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.parsed()["name"], "c1");
  EXPECT_EQ(reply.headers["Location"], "/connectors/c1");
  EXPECT_EQ(leader_herder.connectors.count("c1"), 1u);
  EXPECT_EQ(leader_herder.last_initial_state, "PAUSED");
  EXPECT_EQ(follower_herder_.connectors.count("c1"), 0u);
  EXPECT_EQ(leader_routing.leader_calls.load(), 0);  // no second hop
  EXPECT_EQ(routing_.leader_calls.load(), 1);

  // The leader's own error comes back as it is.
  reply = call(follower_->port(), "POST", "/connectors",
               R"({"name":"c1","config":{"connector.class":"X"}})");
  EXPECT_EQ(reply.status, 409);
  EXPECT_NE(reply.message().find("already exists"), std::string::npos) << reply.body;
  // Answers without a body (202, 204) are relayed too.
  reply = call(follower_->port(), "PUT", "/connectors/c1/resume");
  EXPECT_EQ(reply.status, 202) << reply.body;
  EXPECT_EQ(leader_herder.connectors["c1"].state, "RUNNING");
  reply = call(follower_->port(), "PUT", "/connectors/c1/stop");
  EXPECT_EQ(reply.status, 204) << reply.body;
  EXPECT_TRUE(reply.body.empty());
  EXPECT_EQ(leader_herder.connectors["c1"].state, "STOPPED");
  // Reads are served by the follower itself.
  reply = call(follower_->port(), "GET", "/connectors");
  EXPECT_EQ(reply.parsed(), json::array());

  // The internal endpoint through WorkerClient: signed with the shared key.
  WorkerClient client;
  const std::vector<std::map<std::string, std::string>> configs = {{{"task.class", "T"}},
                                                                   {{"task.class", "T"}}};
  Status posted = client.post_task_configs(leader_url, "c1", configs, "k", "HmacSHA256",
                                           std::chrono::seconds(10));
  EXPECT_TRUE(posted.is_ok()) << posted.message();
  EXPECT_EQ(leader_routing.put_connector, "c1");
  EXPECT_EQ(leader_routing.put_configs, configs);

  posted = client.post_task_configs(leader_url, "c1", configs, "wrong", "HmacSHA256",
                                    std::chrono::seconds(10));
  EXPECT_EQ(posted.code(), StatusCode::kUnsupported);
  EXPECT_NE(posted.message().find(leader_url + "/connectors/c1/tasks"), std::string::npos)
      << posted.message();
  EXPECT_NE(posted.message().find("HTTP 403"), std::string::npos) << posted.message();
  EXPECT_NE(posted.message().find("does not match"), std::string::npos) << posted.message();

  {
    std::lock_guard lock(leader_routing.mu);
    leader_routing.put_result = Status::failed_precondition("Not the leader");
  }
  posted = client.post_task_configs(leader_url, "c1", configs, "k", "HmacSHA256",
                                    std::chrono::seconds(10));
  EXPECT_EQ(posted.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(posted.message().find("Not the leader"), std::string::npos) << posted.message();
  EXPECT_EQ(leader_routing.put_calls.load(), 2);

  posted =
      client.post_task_configs(leader_url, "c1", configs, "k", "HmacMD5", std::chrono::seconds(1));
  EXPECT_EQ(posted.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(leader_routing.put_calls.load(), 2);  // nothing was sent
  leader.stop();
}

TEST_F(ClusterForwardTest, ALeaderThatRefusesConnectionsGives409NamingIt) {
  uint16_t closed_port;
  {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    closed_port = socket.address().port();
  }  // closed: connections to it are refused
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port);
  forward_to(url);
  start_follower();
  Reply reply = call(follower_->port(), "PUT", "/connectors/c/pause");
  EXPECT_EQ(reply.status, 409);
  EXPECT_NE(reply.message().find("the leader at " + url), std::string::npos) << reply.body;
  EXPECT_NE(reply.message().find("rebalance may be in progress"), std::string::npos);

  WorkerClient client;
  const Status posted =
      client.post_task_configs(url, "c", {}, "k", "HmacSHA256", std::chrono::seconds(5));
  EXPECT_EQ(posted.code(), StatusCode::kUnavailable);
  EXPECT_NE(posted.message().find(url), std::string::npos) << posted.message();
}

TEST_F(ClusterForwardTest, ASlowLeaderHitsTheForwardTimeout) {
  RecordingWorker leader;
  {
    std::lock_guard lock(leader.mu);
    leader.delay = std::chrono::milliseconds(1500);
  }
  forward_to(leader.url());
  start_follower(std::chrono::milliseconds(300));
  const auto started = std::chrono::steady_clock::now();
  Reply reply = call(follower_->port(), "DELETE", "/connectors/c");
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(reply.status, 409);
  EXPECT_NE(reply.message().find("did not answer within 300 ms"), std::string::npos) << reply.body;
  EXPECT_NE(reply.message().find(leader.url()), std::string::npos) << reply.body;
  EXPECT_LT(took, std::chrono::milliseconds(1400));
}

TEST_F(ClusterForwardTest, AnAnswerTricklingInHitsTheForwardTimeoutToo) {
  RecordingWorker leader;
  {
    std::lock_guard lock(leader.mu);
    leader.trickle = std::chrono::milliseconds(50);  // the 52-byte body would take 2.6 s
  }
  forward_to(leader.url());
  start_follower(std::chrono::milliseconds(400));
  const auto started = std::chrono::steady_clock::now();
  Reply reply = call(follower_->port(), "POST", "/connectors", R"({"name":"c1"})");
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(reply.status, 409);
  EXPECT_NE(reply.message().find("did not answer within 400 ms"), std::string::npos) << reply.body;
  EXPECT_LT(took, std::chrono::milliseconds(1500));
}

TEST(WorkerClientTest, BadBaseUrlsAreRefusedWithoutSending) {
  WorkerClient client;
  HttpRequest request;
  request.method = "GET";
  for (const std::string url : {"ftp://127.0.0.1:1", "http://", "http://127.0.0.1:1/base", ""}) {
    Result<HttpResponse> answer = client.forward(url, request, {}, std::chrono::seconds(1));
    EXPECT_EQ(answer.status().code(), StatusCode::kInvalidArgument) << url;
    EXPECT_NE(answer.status().message().find("'" + url + "'"), std::string::npos)
        << answer.status().message();
  }
}

}  // namespace
}  // namespace sluice::rest
