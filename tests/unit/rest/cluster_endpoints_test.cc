// Endpoints in a cluster, without a network: which requests ask ClusterRouting, what kHere and
// kConflict do, that a request forwarded by another worker is never routed again, that a
// standalone worker is unchanged, and the signed internal POST /connectors/{c}/tasks.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/rest/endpoints.h"
#include "runtime/rest/request_signature.h"
#include "tests/unit/rest/fake_cluster_routing.h"
#include "tests/unit/rest/fake_herder.h"

namespace sluice::rest {
namespace {

using nlohmann::json;
using testing::FakeClusterRouting;
using testing::FakeHerder;

HttpRequest make_request(std::string method, std::vector<std::string> segments,
                         std::optional<std::string> body = std::nullopt) {
  HttpRequest request;
  request.method = std::move(method);
  request.segments = std::move(segments);
  if (body) {
    request.body = *body;
    request.has_body = true;
  }
  return request;
}

std::string message_of(const HttpResponse& response) {
  if (!response.body || !response.body->is_object() || !response.body->contains("message")) {
    return "";
  }
  return (*response.body)["message"].get<std::string>();
}

const std::string kCreateBody =
    R"({"name":"c1","config":{"connector.class":"org.example.FileSource"}})";

class ClusterEndpointsTest : public ::testing::Test {
 protected:
  ClusterEndpointsTest() : endpoints_(&herder_, EndpointOptions{"1", "x"}, &routing_) {}

  void add_connector(const std::string& name) {
    std::lock_guard lock(herder_.mu);
    herder_.connectors[name] =
        FakeHerder::Connector{{{"connector.class", "org.example.FileSource"}, {"name", name}}};
  }

  // A signed internal task-configs request for connector `name` with `body`.
  HttpRequest task_configs_request(const std::string& name, const std::string& body,
                                   const std::string& key, const std::string& algorithm) {
    HttpRequest request = make_request("POST", {"connectors", name, "tasks"}, body);
    Result<HeaderList> headers = sign_request(key, algorithm, body);
    EXPECT_TRUE(headers.is_ok());
    if (headers.is_ok()) {
      request.headers = {{"x-connect-authorization", headers->at(0).second},
                         {"x-connect-request-signature-algorithm", headers->at(1).second}};
    }
    return request;
  }

  FakeHerder herder_;
  FakeClusterRouting routing_;
  Endpoints endpoints_;
};

TEST(RequestTargetTest, RebuildsAnEncodedPathAndQuery) {
  HttpRequest request = make_request("POST", {"connectors", "a/b c", "restart"});
  request.query = {{"includeTasks", "true"}, {"x y", "1+2&3"}};
  EXPECT_EQ(request.target(), "/connectors/a%2Fb%20c/restart?includeTasks=true&x%20y=1%2B2%263");
  EXPECT_EQ(make_request("GET", {}).target(), "/");
}

TEST_F(ClusterEndpointsTest, WritesAskForTheLeaderAndReadsDoNot) {
  add_connector("c");
  const std::vector<HttpRequest> writes = {
      make_request("POST", {"connectors"}, kCreateBody),
      make_request("PUT", {"connectors", "c", "config"}, R"({"connector.class":"X"})"),
      make_request("PATCH", {"connectors", "c", "config"}, R"({"a":"1"})"),
      make_request("POST", {"connectors", "c", "restart"}),
      make_request("PUT", {"connectors", "c", "pause"}),
      make_request("PUT", {"connectors", "c", "resume"}),
      make_request("PUT", {"connectors", "c", "stop"}),
      make_request("PUT", {"connectors", "c", "topics", "reset"}),
      make_request("PATCH", {"connectors", "c", "offsets"}, R"({"offsets":[]})"),
      make_request("DELETE", {"connectors", "c", "offsets"}),
      make_request("DELETE", {"connectors", "c"}),
  };
  int expected_calls = 0;
  for (const HttpRequest& write : writes) {
    const HttpResponse response = endpoints_.handle(write);
    EXPECT_EQ(routing_.leader_calls.load(), ++expected_calls)
        << write.method << " " << write.target();
    EXPECT_LT(response.status, 500) << write.method << " " << write.target();
  }
  // kHere: served by this worker's herder (the connector was created here, then deleted).
  EXPECT_EQ(herder_.connectors.count("c1"), 1u);
  EXPECT_EQ(herder_.connectors.count("c"), 0u);

  add_connector("d");
  for (const auto& segments : std::vector<std::vector<std::string>>{{"connectors"},
                                                                    {"connectors", "d"},
                                                                    {"connectors", "d", "config"},
                                                                    {"connectors", "d", "status"},
                                                                    {"connectors", "d", "tasks"},
                                                                    {"connectors", "d", "offsets"},
                                                                    {"connector-plugins"}}) {
    (void)endpoints_.handle(make_request("GET", segments));
  }
  EXPECT_EQ(routing_.leader_calls.load(), expected_calls);
  EXPECT_EQ(routing_.task_owner_calls.load(), 0);
}

TEST_F(ClusterEndpointsTest, ConflictAnswers409WithTheRoutingMessage) {
  routing_.leader = {RouteDecision::Kind::kConflict, "", "Rebalance in progress (test)"};
  const int calls_before = herder_.calls.load();
  HttpResponse response = endpoints_.handle(make_request("POST", {"connectors"}, kCreateBody));
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(message_of(response), "Rebalance in progress (test)");
  EXPECT_EQ(herder_.calls.load(), calls_before);  // the herder was not asked
  EXPECT_EQ(herder_.connectors.count("c1"), 0u);

  routing_.leader.message.clear();
  response = endpoints_.handle(make_request("PUT", {"connectors", "c", "pause"}));
  EXPECT_EQ(response.status, 409);
  EXPECT_NE(message_of(response).find("no leader is known"), std::string::npos);
}

TEST_F(ClusterEndpointsTest, TaskRestartAsksForTheTaskOwner) {
  add_connector("c");
  routing_.task_owner = {RouteDecision::Kind::kConflict, "", "task owner unknown"};
  HttpResponse response =
      endpoints_.handle(make_request("POST", {"connectors", "c", "tasks", "2", "restart"}));
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(message_of(response), "task owner unknown");
  EXPECT_EQ(routing_.task_owner_connector, "c");
  EXPECT_EQ(routing_.task_owner_task, 2);
  EXPECT_EQ(routing_.leader_calls.load(), 0);

  routing_.task_owner = RouteDecision{};  // kHere
  response = endpoints_.handle(make_request("POST", {"connectors", "c", "tasks", "0", "restart"}));
  EXPECT_EQ(response.status, 204);
  EXPECT_EQ(herder_.last_task, 0);

  // A task id that is no number is answered here (404) without asking.
  response = endpoints_.handle(make_request("POST", {"connectors", "c", "tasks", "x", "restart"}));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(routing_.task_owner_calls.load(), 2);
}

TEST_F(ClusterEndpointsTest, ForwardedRequestsAreServedHereAndNeverRoutedAgain) {
  // The routing would forward to a worker that does not exist: were it asked, the answer would
  // be a 409 naming that URL.
  routing_.leader = {RouteDecision::Kind::kForward, "http://127.0.0.1:1", ""};
  routing_.task_owner = routing_.leader;
  add_connector("c");
  HttpRequest create = make_request("POST", {"connectors"}, kCreateBody);
  create.headers = {{"x-sluice-forwarded", "1"}};
  EXPECT_EQ(endpoints_.handle(create).status, 201);
  HttpRequest restart = make_request("POST", {"connectors", "c", "tasks", "0", "restart"});
  restart.headers = {{"x-sluice-forwarded", "1"}};
  EXPECT_EQ(endpoints_.handle(restart).status, 204);
  EXPECT_EQ(routing_.leader_calls.load(), 0);
  EXPECT_EQ(routing_.task_owner_calls.load(), 0);
  EXPECT_EQ(herder_.connectors.count("c1"), 1u);
}

TEST(StandaloneEndpointsTest, NoRoutingNoInternalEndpoint) {
  FakeHerder herder;
  Endpoints endpoints(&herder, EndpointOptions{"1", "x"});
  HttpResponse response =
      endpoints.handle(make_request("POST", {"connectors", "c", "tasks"}, "[]"));
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(endpoints.handle(make_request("POST", {"connectors"}, kCreateBody)).status, 201);
}

TEST_F(ClusterEndpointsTest, InternalTaskConfigsAcceptsASignedArray) {
  routing_.key = SessionKeyInfo{"session-key-bytes", "HmacSHA256"};
  const std::string body = R"([{"task.class":"A","file":"x"},{"task.class":"A","file":"y"}])";
  HttpResponse response =
      endpoints_.handle(task_configs_request("c", body, "session-key-bytes", "HmacSHA256"));
  EXPECT_EQ(response.status, 204) << message_of(response);
  EXPECT_EQ(routing_.put_connector, "c");
  ASSERT_EQ(routing_.put_configs.size(), 2u);
  EXPECT_EQ(routing_.put_configs[1].at("file"), "y");

  // An empty array is a valid set of task configs (a stopped connector has none).
  response = endpoints_.handle(task_configs_request("c", "[]", "session-key-bytes", "HmacSHA256"));
  EXPECT_EQ(response.status, 204);
  EXPECT_TRUE(routing_.put_configs.empty());
  // Write routing is not involved.
  EXPECT_EQ(routing_.leader_calls.load(), 0);
}

TEST_F(ClusterEndpointsTest, InternalTaskConfigsRefusesBadSignatures) {
  const std::string body = R"([{"a":"1"}])";
  // No session key yet.
  HttpResponse response = endpoints_.handle(task_configs_request("c", body, "k", "HmacSHA256"));
  EXPECT_EQ(response.status, 403);
  EXPECT_NE(message_of(response).find("no session key"), std::string::npos) << message_of(response);

  routing_.key = SessionKeyInfo{"k", "HmacSHA256"};
  response = endpoints_.handle(make_request("POST", {"connectors", "c", "tasks"}, body));
  EXPECT_EQ(response.status, 403);
  EXPECT_NE(message_of(response).find("X-Connect-Authorization header is missing"),
            std::string::npos);
  EXPECT_NE(message_of(response).find("connector c"), std::string::npos);

  response = endpoints_.handle(task_configs_request("c", body, "other key", "HmacSHA256"));
  EXPECT_EQ(response.status, 403);
  EXPECT_NE(message_of(response).find("does not match"), std::string::npos);

  response = endpoints_.handle(task_configs_request("c", body, "k", "HmacSHA512"));
  EXPECT_EQ(response.status, 403);
  EXPECT_NE(message_of(response).find("not accepted"), std::string::npos);

  // A body changed after signing.
  HttpRequest tampered = task_configs_request("c", body, "k", "HmacSHA256");
  tampered.body = R"([{"a":"2"}])";
  EXPECT_EQ(endpoints_.handle(tampered).status, 403);
  EXPECT_EQ(routing_.put_calls.load(), 0);
}

TEST_F(ClusterEndpointsTest, InternalTaskConfigsChecksTheBody) {
  routing_.key = SessionKeyInfo{"k", "HmacSHA256"};
  for (const std::string body : {"", "{\"a\":\"1\"}", "[1]", "[{\"a\":1}]", "[{\"a\":null}]",
                                 "[{\"a\":{\"b\":\"c\"}}]", "[{\"a\":\"1\"}"}) {
    HttpResponse response = endpoints_.handle(task_configs_request("c", body, "k", "HmacSHA256"));
    EXPECT_EQ(response.status, 400) << body << ": " << message_of(response);
  }
  EXPECT_EQ(routing_.put_calls.load(), 0);
}

TEST_F(ClusterEndpointsTest, InternalTaskConfigsMapsTheLeadersErrors) {
  routing_.key = SessionKeyInfo{"k", "HmacSHA256"};
  routing_.put_result = Status::failed_precondition("This worker is not the leader");
  HttpResponse response = endpoints_.handle(task_configs_request("c", "[]", "k", "HmacSHA256"));
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(message_of(response), "This worker is not the leader");
  routing_.put_result = Status::not_found("Connector c not found");
  response = endpoints_.handle(task_configs_request("c", "[]", "k", "HmacSHA256"));
  EXPECT_EQ(response.status, 404);
}

}  // namespace
}  // namespace sluice::rest
