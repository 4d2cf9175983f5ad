// REST server tests: a RestServer on 127.0.0.1 (port 0) in front of FakeHerder, driven over real
// HTTP connections (Poco's client for well-formed requests, raw sockets for malformed, oversized
// and chunked ones). Covers every endpoint of docs/rest-api.md and the error cases.
#include "runtime/rest/rest_server.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/rest/fake_herder.h"
#include "tests/unit/rest/http_call.h"

namespace sluice::rest {
namespace {

using nlohmann::json;
using testing::FakeHerder;
using testing::http_call;
using testing::Reply;

class RestServerTest : public ::testing::Test {
 protected:
  void SetUp() override { start_server(RestServerOptions{}); }
  void TearDown() override {
    if (server_) server_->stop();
  }

  void start_server(RestServerOptions options) {
    if (server_) server_->stop();
    server_.reset();
    options.listeners = "http://127.0.0.1:0";
    options.commit = "abc123";
    options.version = "9.9.9";
    server_ = std::make_unique<RestServer>(&herder_, std::move(options));
    ASSERT_TRUE(server_->start().is_ok());
  }

  Reply call(const std::string& method, const std::string& target,
             const std::optional<std::string>& body = std::nullopt) {
    return http_call(server_->port(), method, target, body);
  }

  // Waits (up to 10 s) until the fake herder has been called more than `calls_before` times,
  // i.e. a request sent before is inside the herder; returns whether it happened.
  bool reached_herder(int calls_before) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (herder_.calls == calls_before && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return herder_.calls > calls_before;
  }

  // Sends `bytes` on a new connection and returns everything the server sends until it closes
  // the connection (or 5 s pass). `half_close` shuts down the sending side after `bytes`.
  std::string raw(const std::string& bytes, bool half_close = false) {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", server_->port()));
    socket.setReceiveTimeout(Poco::Timespan(5, 0));
    socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
    if (half_close) socket.shutdownSend();
    std::string received;
    char buffer[4096];
    try {
      for (;;) {
        const int n = socket.receiveBytes(buffer, sizeof buffer);
        if (n <= 0) break;
        received.append(buffer, static_cast<size_t>(n));
      }
    } catch (const Poco::TimeoutException&) {
    } catch (const Poco::Net::NetException&) {
    }
    return received;
  }

  void expect_error(const Reply& reply, int status, const std::string& message_part = "") {
    EXPECT_EQ(reply.status, status) << reply.body;
    json body = reply.parsed();
    EXPECT_EQ(body["error_code"], status);
    ASSERT_TRUE(body["message"].is_string());
    if (!message_part.empty()) {
      EXPECT_NE(body["message"].get<std::string>().find(message_part), std::string::npos)
          << body["message"];
    }
    auto type = reply.headers.find("Content-Type");
    ASSERT_NE(type, reply.headers.end());
    EXPECT_EQ(type->second, "application/json");
  }

  void add_connector(const std::string& name, const std::string& state = "RUNNING") {
    std::lock_guard lock(herder_.mu);
    herder_.connectors[name] = FakeHerder::Connector{
        {{"connector.class", "org.example.FileSource"}, {"name", name}, {"file", "in.txt"}}, state};
  }

  FakeHerder herder_;
  std::unique_ptr<RestServer> server_;
};

TEST_F(RestServerTest, ServerInfoAndWorkerId) {
  Reply reply = call("GET", "/");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.parsed(),
            (json{{"version", "9.9.9"}, {"commit", "abc123"}, {"kafka_cluster_id", "cluster-1"}}));
  EXPECT_EQ(reply.headers["Content-Type"], "application/json");
  EXPECT_NE(server_->port(), 0);
  EXPECT_EQ(server_->worker_id(), "127.0.0.1:" + std::to_string(server_->port()));
}

TEST_F(RestServerTest, HealthFollowsReadiness) {
  Reply ready = call("GET", "/health");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.parsed()["status"], "healthy");
  herder_.ready = Readiness::kStarting;
  Reply starting = call("GET", "/health");
  EXPECT_EQ(starting.status, 503);
  EXPECT_EQ(starting.parsed()["status"], "starting");
  EXPECT_TRUE(starting.parsed()["message"].is_string());
  herder_.ready = Readiness::kShuttingDown;
  Reply stopping = call("GET", "/health");
  EXPECT_EQ(stopping.status, 503);
  EXPECT_EQ(stopping.parsed()["status"], "unhealthy");
}

TEST_F(RestServerTest, HealthIsUnhealthyWhenTheHerderDoesNotAnswerInTime) {
  RestServerOptions options;
  options.health_timeout = std::chrono::milliseconds(200);
  start_server(options);
  herder_.readiness_delay_ms = 1500;
  const auto started = std::chrono::steady_clock::now();
  Reply stuck = call("GET", "/health");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1200));
  EXPECT_EQ(stuck.status, 500);
  EXPECT_EQ(stuck.parsed()["status"], "unhealthy");
  // A second request while the first probe is outstanding waits for the same probe.
  Reply again = call("GET", "/health");
  EXPECT_EQ(again.status, 500);
  herder_.readiness_delay_ms = 0;
  std::this_thread::sleep_for(std::chrono::milliseconds(1600));  // the stuck probe returns
  EXPECT_EQ(call("GET", "/health").status, 200);
}

TEST_F(RestServerTest, ListConnectorsPlainAndExpanded) {
  Reply empty = call("GET", "/connectors");
  ASSERT_EQ(empty.status, 200);
  EXPECT_EQ(empty.parsed(), json::array());
  add_connector("a");
  add_connector("b");
  EXPECT_EQ(call("GET", "/connectors").parsed(), (json{"a", "b"}));
  EXPECT_EQ(call("GET", "/connectors/").parsed(), (json{"a", "b"}));  // trailing slash

  json status = call("GET", "/connectors?expand=status").parsed();
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(status["a"]["status"]["connector"]["state"], "RUNNING");
  EXPECT_FALSE(status["a"].contains("info"));

  json both = call("GET", "/connectors?expand=status&expand=info").parsed();
  EXPECT_EQ(both["b"]["info"]["name"], "b");
  EXPECT_EQ(both["b"]["status"]["name"], "b");
  EXPECT_EQ(both["b"]["info"]["tasks"][1], (json{{"connector", "b"}, {"task", 1}}));

  json unknown = call("GET", "/connectors?expand=bogus").parsed();
  EXPECT_EQ(unknown, (json{{"a", json::object()}, {"b", json::object()}}));

  herder_.vanish_on_status = {"a"};  // deleted between the listing and the status call
  json partial = call("GET", "/connectors?expand=status").parsed();
  EXPECT_FALSE(partial.contains("a"));
  EXPECT_TRUE(partial.contains("b"));
}

TEST_F(RestServerTest, CreateConnector) {
  Reply reply = call("POST", "/connectors",
                     R"({"name":"  files ","config":{"connector.class":"org.example.FileSource",
                          "tasks.max":2,"flag":true,"ratio":1.5}})");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.headers["Location"], "/connectors/files");
  json body = reply.parsed();
  EXPECT_EQ(body["name"], "files");
  EXPECT_EQ(body["type"], "source");
  EXPECT_EQ(body["config"]["tasks.max"], "2");
  EXPECT_EQ(body["config"]["flag"], "true");
  EXPECT_EQ(body["config"]["ratio"], "1.5");
  EXPECT_EQ(body["config"]["name"], "files");  // the name is added to the config
  EXPECT_EQ(body["tasks"],
            (json{{{"connector", "files"}, {"task", 0}}, {{"connector", "files"}, {"task", 1}}}));
  EXPECT_FALSE(herder_.last_initial_state.has_value());

  expect_error(call("POST", "/connectors",
                    R"({"name":"files","config":{"connector.class":"org.example.FileSource"}})"),
               409, "Connector files already exists");
}

TEST_F(RestServerTest, CreateConnectorInitialStateAndEncodedLocation) {
  Reply reply =
      call("POST", "/connectors",
           R"({"name":"a b/c","config":{"connector.class":"X"},"initial_state":"paused"})");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.headers["Location"], "/connectors/a%20b%2Fc");
  EXPECT_EQ(herder_.last_initial_state, std::optional<std::string>("PAUSED"));
  EXPECT_EQ(call("GET", "/connectors/a%20b%2Fc").parsed()["name"], "a b/c");
  for (const char* state : {"STOPPED", "RUNNING"}) {
    const std::string name = std::string("s-") + state;
    Reply ok =
        call("POST", "/connectors",
             R"({"name":")" + name + R"(","config":{"connector.class":"X"},"initial_state":")" +
                 state + R"("})");
    EXPECT_EQ(ok.status, 201);
    EXPECT_EQ(herder_.last_initial_state, std::optional<std::string>(state));
  }
}

TEST_F(RestServerTest, CreateConnectorRejectsBadBodies) {
  const int calls_before = herder_.calls;
  expect_error(call("POST", "/connectors", "{\"name\": \"x\", "), 400, "not valid JSON");
  expect_error(call("POST", "/connectors", ""), 400, "empty");
  expect_error(call("POST", "/connectors"), 400, "empty");
  expect_error(call("POST", "/connectors", "[1,2]"), 400, "object");
  expect_error(call("POST", "/connectors", R"({"config":{"connector.class":"X"}})"), 400, "name");
  expect_error(call("POST", "/connectors", R"({"name":7,"config":{}})"), 400, "string");
  expect_error(call("POST", "/connectors", R"({"name":"   ","config":{}})"), 400, "empty");
  expect_error(call("POST", "/connectors", R"({"name":"a\u0001b","config":{}})"), 400,
               "control characters");
  expect_error(call("POST", "/connectors", R"({"name":"a\u0085b","config":{}})"), 400,
               "control characters");
  expect_error(call("POST", "/connectors", R"({"name":"x"})"), 400, "config");
  expect_error(call("POST", "/connectors", R"({"name":"x","config":"text"})"), 400, "object");
  expect_error(call("POST", "/connectors", R"({"name":"x","config":{"name":"y"}})"), 400,
               "Connector name configuration (y) doesn't match connector name in the URL (x)");
  expect_error(call("POST", "/connectors",
                    R"({"name":"x","config":{"connector.class":"X"},"initial_state":"GONE"})"),
               400, "initial_state");
  expect_error(call("POST", "/connectors",
                    R"({"name":"x","config":{"connector.class":"X"},"initial_state":3})"),
               400, "initial_state");
  expect_error(call("POST", "/connectors", R"({"name":"x","config":{"k":null}})"), 400, "'k'");
  expect_error(call("POST", "/connectors", R"({"name":"x","config":{"k":{"a":1}}})"), 400, "'k'");
  expect_error(call("POST", "/connectors", R"({"name":"x","config":{"k":[1]}})"), 400, "'k'");
  EXPECT_EQ(herder_.calls, calls_before);  // none of these reached the herder
  // The herder's own validation error comes back as 400 with its message.
  expect_error(call("POST", "/connectors", R"({"name":"x","config":{"tasks.max":"1"}})"), 400,
               "Missing required configuration \"connector.class\"");
}

TEST_F(RestServerTest, ConnectorInfoAndConfig) {
  add_connector("c");
  Reply info = call("GET", "/connectors/c");
  ASSERT_EQ(info.status, 200);
  EXPECT_EQ(info.parsed()["config"]["file"], "in.txt");
  EXPECT_EQ(info.parsed()["type"], "source");
  Reply config = call("GET", "/connectors/c/config");
  ASSERT_EQ(config.status, 200);
  EXPECT_EQ(
      config.parsed(),
      (json{{"connector.class", "org.example.FileSource"}, {"name", "c"}, {"file", "in.txt"}}));
  expect_error(call("GET", "/connectors/nope"), 404, "Connector nope not found");
  expect_error(call("GET", "/connectors/nope/config"), 404, "Connector nope not found");
}

TEST_F(RestServerTest, PutConfigCreatesThenUpdates) {
  Reply created = call("PUT", "/connectors/p/config", R"({"connector.class":"X","tasks.max":1})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.headers["Location"], "/connectors/p");
  EXPECT_EQ(created.parsed()["config"]["name"], "p");
  EXPECT_EQ(created.parsed()["config"]["tasks.max"], "1");
  Reply updated = call("PUT", "/connectors/p/config", R"({"connector.class":"XSink","name":"p"})");
  ASSERT_EQ(updated.status, 200);
  EXPECT_EQ(updated.headers.count("Location"), 0u);
  EXPECT_EQ(updated.parsed()["type"], "sink");
  EXPECT_FALSE(updated.parsed()["config"].contains("tasks.max"));

  expect_error(call("PUT", "/connectors/p/config", R"({"connector.class":"X","name":"q"})"), 400,
               "doesn't match connector name in the URL (p)");
  expect_error(call("PUT", "/connectors/p/config", "{"), 400, "not valid JSON");
  expect_error(call("PUT", "/connectors/p/config", "[]"), 400, "object");
  expect_error(call("PUT", "/connectors/p/config", R"({"k":null})"), 400, "'k'");
  expect_error(call("PUT", "/connectors/a%01b/config", R"({"connector.class":"X"})"), 400,
               "control characters");
  expect_error(call("PUT", "/connectors/p/config", R"({"tasks.max":"1"})"), 400, "connector.class");
}

TEST_F(RestServerTest, PatchConfigMergesAndRemoves) {
  add_connector("c");
  Reply patched = call("PATCH", "/connectors/c/config", R"({"file":null,"batch.size":200})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_FALSE(patched.parsed()["config"].contains("file"));
  EXPECT_EQ(patched.parsed()["config"]["batch.size"], "200");
  EXPECT_EQ(herder_.last_patch.at("file"), std::nullopt);
  expect_error(call("PATCH", "/connectors/nope/config", R"({"a":"b"})"), 404);
  expect_error(call("PATCH", "/connectors/c/config", R"({"name":"other"})"), 400, "doesn't match");
  expect_error(call("PATCH", "/connectors/c/config", R"({"connector.class":null})"), 400,
               "connector.class");
  expect_error(call("PATCH", "/connectors/c/config", "nope"), 400, "not valid JSON");
}

TEST_F(RestServerTest, StatusAndTasks) {
  add_connector("c");
  Reply status = call("GET", "/connectors/c/status");
  ASSERT_EQ(status.status, 200);
  json s = status.parsed();
  EXPECT_EQ(s["name"], "c");
  EXPECT_EQ(s["connector"], (json{{"state", "RUNNING"}, {"worker_id", "127.0.0.1:8083"}}));
  EXPECT_EQ(s["tasks"][1], (json{{"id", 1},
                                 {"state", "FAILED"},
                                 {"worker_id", "127.0.0.1:8083"},
                                 {"trace", "trace text"}}));
  EXPECT_EQ(s["type"], "source");
  expect_error(call("GET", "/connectors/x/status"), 404);

  Reply tasks = call("GET", "/connectors/c/tasks");
  ASSERT_EQ(tasks.status, 200);
  EXPECT_EQ(tasks.parsed()[0]["id"], (json{{"connector", "c"}, {"task", 0}}));
  EXPECT_EQ(tasks.parsed()[0]["config"]["password"], "[hidden]");
  expect_error(call("GET", "/connectors/x/tasks"), 404);

  Reply legacy = call("GET", "/connectors/c/tasks-config");
  ASSERT_EQ(legacy.status, 200);
  EXPECT_EQ(legacy.parsed()["c-1"], (json{{"task.class", "Task"}}));
  expect_error(call("GET", "/connectors/x/tasks-config"), 404);
}

TEST_F(RestServerTest, TaskStatusAndRestart) {
  add_connector("c");
  Reply task = call("GET", "/connectors/c/tasks/0/status");
  ASSERT_EQ(task.status, 200);
  EXPECT_EQ(
      task.parsed(),
      (json{{"id", 0}, {"state", "FAILED"}, {"worker_id", "w:1"}, {"trace", "boom\n  at here"}}));
  expect_error(call("GET", "/connectors/c/tasks/7/status"), 404, "Task c-7 not found");
  expect_error(call("GET", "/connectors/x/tasks/0/status"), 404, "Connector x not found");
  herder_.last_task = -1;
  for (const char* bad : {"abc", "-1", "1.5", "99999999999", "%20"}) {
    expect_error(call("GET", std::string("/connectors/c/tasks/") + bad + "/status"), 404);
    expect_error(call("POST", std::string("/connectors/c/tasks/") + bad + "/restart"), 404);
  }
  EXPECT_EQ(herder_.last_task, -1);  // the herder never saw a bad id

  Reply restart = call("POST", "/connectors/c/tasks/0/restart");
  EXPECT_EQ(restart.status, 204);
  EXPECT_TRUE(restart.body.empty());
  EXPECT_EQ(herder_.last_task, 0);
  expect_error(call("POST", "/connectors/c/tasks/3/restart"), 404);
  expect_error(call("POST", "/connectors/x/tasks/0/restart"), 404);
}

TEST_F(RestServerTest, RestartConnector) {
  add_connector("c");
  Reply plain = call("POST", "/connectors/c/restart");
  EXPECT_EQ(plain.status, 204);
  EXPECT_FALSE(herder_.last_restart.include_tasks);
  EXPECT_FALSE(herder_.last_restart.only_failed);

  Reply with_tasks = call("POST", "/connectors/c/restart?includeTasks=true&onlyFailed=TRUE");
  ASSERT_EQ(with_tasks.status, 202);
  EXPECT_TRUE(herder_.last_restart.include_tasks);
  EXPECT_TRUE(herder_.last_restart.only_failed);
  json body = with_tasks.parsed();
  EXPECT_EQ(body["connector"]["state"], "RESTARTING");
  EXPECT_EQ(body["tasks"][0]["state"], "RESTARTING");

  Reply only_failed = call("POST", "/connectors/c/restart?onlyFailed=true&forward=true");
  EXPECT_EQ(only_failed.status, 202);
  EXPECT_FALSE(herder_.last_restart.include_tasks);
  EXPECT_TRUE(herder_.last_restart.only_failed);
  expect_error(call("POST", "/connectors/x/restart"), 404);
}

TEST_F(RestServerTest, PauseResumeStopDelete) {
  add_connector("c");
  Reply pause = call("PUT", "/connectors/c/pause");
  EXPECT_EQ(pause.status, 202);
  EXPECT_EQ(herder_.connectors["c"].state, "PAUSED");
  EXPECT_EQ(call("PUT", "/connectors/c/resume").status, 202);
  EXPECT_EQ(herder_.connectors["c"].state, "RUNNING");
  EXPECT_EQ(call("PUT", "/connectors/c/stop").status, 204);
  EXPECT_EQ(herder_.connectors["c"].state, "STOPPED");
  for (const char* op : {"pause", "resume", "stop"}) {
    expect_error(call("PUT", std::string("/connectors/x/") + op), 404, "Connector x not found");
  }
  EXPECT_EQ(call("DELETE", "/connectors/c").status, 204);
  EXPECT_EQ(herder_.connectors.count("c"), 0u);
  expect_error(call("DELETE", "/connectors/c"), 404);
}

TEST_F(RestServerTest, ActiveTopics) {
  add_connector("c");
  Reply topics = call("GET", "/connectors/c/topics");
  ASSERT_EQ(topics.status, 200);
  EXPECT_EQ(topics.parsed(), (json{{"c", {{"topics", {"orders", "customers"}}}}}));
  EXPECT_EQ(call("PUT", "/connectors/c/topics/reset").status, 202);
  expect_error(call("GET", "/connectors/x/topics"), 404);
  expect_error(call("PUT", "/connectors/x/topics/reset"), 404);
  herder_.topic_tracking = false;
  expect_error(call("GET", "/connectors/c/topics"), 403, "Topic tracking is disabled.");
  expect_error(call("PUT", "/connectors/c/topics/reset"), 403, "disabled");
}

TEST_F(RestServerTest, Offsets) {
  add_connector("c");
  Reply offsets = call("GET", "/connectors/c/offsets");
  ASSERT_EQ(offsets.status, 200);
  EXPECT_EQ(offsets.parsed(),
            (json{{"offsets",
                   {{{"partition", {{"filename", "in.txt"}}}, {"offset", {{"position", 30}}}}}}}));
  expect_error(call("GET", "/connectors/x/offsets"), 404);

  const std::string alter =
      R"({"offsets":[{"partition":{"filename":"a"},"offset":{"position":5}},
                     {"partition":{"filename":"b"},"offset":null}]})";
  expect_error(call("PATCH", "/connectors/c/offsets", alter), 400, "STOPPED state");
  expect_error(call("DELETE", "/connectors/c/offsets"), 400, "STOPPED state");
  herder_.connectors["c"].state = "STOPPED";
  Reply altered = call("PATCH", "/connectors/c/offsets", alter);
  ASSERT_EQ(altered.status, 200) << altered.body;
  EXPECT_EQ(altered.parsed(),
            (json{{"message", "The offsets for this connector have been altered successfully"}}));
  ASSERT_EQ(herder_.last_offsets.size(), 2u);
  EXPECT_EQ(herder_.last_offsets[0].offset, (json{{"position", 5}}));
  EXPECT_TRUE(herder_.last_offsets[1].offset.is_null());
  Reply reset = call("DELETE", "/connectors/c/offsets");
  ASSERT_EQ(reset.status, 200);
  EXPECT_EQ(reset.parsed()["message"],
            "The offsets for this connector have been reset successfully");

  expect_error(call("PATCH", "/connectors/c/offsets", R"({"offsets":[]})"), 400, "non-empty");
  expect_error(call("PATCH", "/connectors/c/offsets", R"({})"), 400, "offsets");
  expect_error(call("PATCH", "/connectors/c/offsets", R"({"offsets":{}})"), 400, "array");
  expect_error(call("PATCH", "/connectors/c/offsets", R"({"offsets":[1]})"), 400, "offsets[0]");
  expect_error(call("PATCH", "/connectors/c/offsets", R"({"offsets":[{"offset":{}}]})"), 400,
               "partition");
  expect_error(
      call("PATCH", "/connectors/c/offsets", R"({"offsets":[{"partition":{},"offset":5}]})"), 400,
      "offset");
  expect_error(call("PATCH", "/connectors/c/offsets", "x"), 400, "not valid JSON");
  expect_error(call("PATCH", "/connectors/x/offsets", alter), 404);
  expect_error(call("DELETE", "/connectors/x/offsets"), 404);
}

TEST_F(RestServerTest, ConnectorPlugins) {
  Reply plugins = call("GET", "/connector-plugins");
  ASSERT_EQ(plugins.status, 200);
  EXPECT_EQ(plugins.parsed(),
            (json{{{"class", "org.example.FileSource"}, {"type", "source"}, {"version", "1.0"}}}));
  EXPECT_EQ(herder_.last_connectors_only, std::optional<bool>(true));
  Reply all = call("GET", "/connector-plugins?connectorsOnly=false");
  EXPECT_EQ(all.parsed().size(), 2u);
  EXPECT_EQ(herder_.last_connectors_only, std::optional<bool>(false));

  Reply defs = call("GET", "/connector-plugins/FileSource/config");
  ASSERT_EQ(defs.status, 200);
  EXPECT_EQ(defs.parsed()[0]["name"], "file");
  expect_error(call("GET", "/connector-plugins/Nope/config"), 404, "Unknown plugin Nope");

  expect_error(call("GET", "/sluice/v1/plugins/refused/x"), 404);
  Reply refused = call("GET", "/sluice/v1/plugins/refused");
  ASSERT_EQ(refused.status, 200);
  EXPECT_EQ(refused.parsed(),
            (json{{{"file", "libbroken.so"}, {"reason", "ABI major 9, expected 1"}}}));
}

TEST_F(RestServerTest, ValidateConfig) {
  Reply reply = call("PUT", "/connector-plugins/FileSource/config/validate",
                     R"({"connector.class":"org.example.FileSourceConnector","tasks.max":1})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.parsed()["error_count"], 0);
  EXPECT_EQ(herder_.last_validate_plugin, "FileSource");
  EXPECT_EQ(herder_.last_validate_config.at("tasks.max"), "1");

  Reply filled =
      call("PUT", "/connector-plugins/org.example.FileSource/config/validate", R"({"a":"b"})");
  ASSERT_EQ(filled.status, 200);
  EXPECT_EQ(herder_.last_validate_config.at("connector.class"), "org.example.FileSource");

  expect_error(call("PUT", "/connector-plugins/FileSource/config/validate",
                    R"({"connector.class":"org.example.OtherSource"})"),
               400, "does not match");
  expect_error(call("PUT", "/connector-plugins/FileSource/config/validate",
                    R"({"connector.class":"org.example.XFileSource"})"),
               400, "does not match");
  expect_error(call("PUT", "/connector-plugins/FileSource/config/validate", "{"), 400,
               "not valid JSON");
  expect_error(call("PUT", "/connector-plugins/Nope/config/validate", R"({})"), 404);
}

TEST_F(RestServerTest, UnknownPathsAndWrongVerbs) {
  expect_error(call("GET", "/nope"), 404);
  expect_error(call("GET", "/connectors/c/nope"), 404);
  expect_error(call("GET", "/connectors//status"), 404);
  Reply wrong = call("DELETE", "/connectors");
  expect_error(wrong, 405);
  EXPECT_EQ(wrong.headers["Allow"], "GET, POST");
  expect_error(call("POST", "/connectors/c/config", "{}"), 405);
  expect_error(call("GET", "/connectors/c/pause"), 405);
  expect_error(call("PUT", "/"), 405);
  expect_error(call("GET", "/connector-plugins/x/config/validate"), 405);
  expect_error(call("BREW", "/connectors"), 405);
  expect_error(call("GET", "/connectors/%zz/status"), 400, "Bad request target");
  expect_error(call("GET", "/connectors/a%2/status"), 400, "Bad request target");
}

TEST_F(RestServerTest, StatusCodeMapping) {
  add_connector("c");
  const std::vector<std::pair<Status, int>> cases = {
      {Status::failed_precondition("busy"), 409},
      {Status::unavailable("starting"), 503},
      {Status::internal("Request timed out"), 500},
      {Status::io_error("disk"), 500},
      {Status::unsupported("off"), 403},
      {Status::already_exists("dup"), 409},
  };
  for (const auto& [status, http] : cases) {
    {
      std::lock_guard lock(herder_.mu);
      herder_.fail_next = status;
    }
    expect_error(call("PUT", "/connectors/c/pause"), http, std::string(status.message()));
  }
}

TEST_F(RestServerTest, OversizedBodyWithContentLengthIsRefusedUnread) {
  RestServerOptions options;
  options.max_body_bytes = 1024;
  start_server(options);
  const int calls_before = herder_.calls;
  // Announce 10 MB and send none of it: the answer must come from the header alone.
  const std::string answer =
      raw("POST /connectors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          "Content-Length: 10000000\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
  EXPECT_NE(answer.find("\"error_code\":413"), std::string::npos);
  EXPECT_NE(answer.find("Connection: Close"), std::string::npos);
  EXPECT_EQ(herder_.calls, calls_before);
  // Just over the limit through the client; exactly at the limit passes the size check.
  const std::string pad(1100, ' ');
  expect_error(call("PUT", "/connectors/p/config", "{}" + pad), 413, "1024 bytes");
  Reply at_limit = call("PUT", "/connectors/p/config",
                        R"({"connector.class":"X"})" + std::string(1024 - 23, ' '));
  EXPECT_EQ(at_limit.status, 201) << at_limit.body;
}

TEST_F(RestServerTest, ChunkedBodiesAreCountedWhileRead) {
  RestServerOptions options;
  options.max_body_bytes = 1024;
  start_server(options);
  const std::string body = R"({"name":"ch","config":{"connector.class":"X"}})";
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size());
  const std::string ok =
      raw("POST /connectors HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
          "Transfer-Encoding: chunked\r\n\r\n" +
          std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n");
  EXPECT_EQ(ok.rfind("HTTP/1.1 201", 0), 0u) << ok;
  EXPECT_EQ(herder_.connectors.count("ch"), 1u);

  std::string chunks;
  for (int i = 0; i < 4; ++i) chunks += "190\r\n" + std::string(0x190, ' ') + "\r\n";  // 1600 B
  const std::string big =
      raw("POST /connectors HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks +
          "0\r\n\r\n");
  EXPECT_EQ(big.rfind("HTTP/1.1 413", 0), 0u) << big;

  // A chunk cut short by the end of the stream is a malformed body, not a short one.
  const int calls_before = herder_.calls;
  const auto started = std::chrono::steady_clock::now();
  const std::string broken =
      raw("POST /connectors HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
          "40\r\n{\"name\":\"cut\"",
          /*half_close=*/true);
  EXPECT_EQ(broken.rfind("HTTP/1.1 400", 0), 0u) << broken;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  EXPECT_EQ(herder_.calls, calls_before);
}

TEST_F(RestServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  add_connector("c");
  const std::string answer =
      raw("GET /connectors HTTP/1.1\r\nHost: x\r\n\r\n"
          "PUT /connectors/c/stop HTTP/1.1\r\nHost: x\r\n\r\n"
          "GET /connectors/c/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
  EXPECT_NE(answer.find("HTTP/1.1 204"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"state\":\"STOPPED\""), std::string::npos) << answer;
}

TEST_F(RestServerTest, ConcurrentRequests) {
  add_connector("c");
  herder_.call_delay_ms = 500;
  std::vector<std::future<int>> replies;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 6; ++i) {
    replies.push_back(std::async(std::launch::async,
                                 [this] { return call("GET", "/connectors/c/status").status; }));
  }
  for (auto& reply : replies) EXPECT_EQ(reply.get(), 200);
  // Served in parallel: well under six times the delay (3 s), with room for a busy machine.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(2000));
}

TEST_F(RestServerTest, StopFinishesInFlightRequestsThenRefusesConnections) {
  add_connector("c");
  herder_.call_delay_ms = 300;
  const int calls_before = herder_.calls;
  auto in_flight =
      std::async(std::launch::async, [this] { return call("GET", "/connectors/c/status"); });
  // Stop only once the request is inside the herder (a fixed sleep races on a busy machine).
  ASSERT_TRUE(reached_herder(calls_before)) << "the request never reached the herder";
  server_->stop();
  Reply finished = in_flight.get();
  EXPECT_EQ(finished.status, 200);
  EXPECT_THROW(call("GET", "/"), Poco::Exception);
  server_->stop();  // idempotent
}

TEST_F(RestServerTest, RequestsArrivingWhileStoppingAreRefusedWithoutTheHerder) {
  add_connector("c");
  // A kept-alive connection, idle while another request keeps stop() waiting.
  Poco::Net::HTTPClientSession idle("127.0.0.1", server_->port());
  idle.setKeepAlive(true);
  idle.setTimeout(Poco::Timespan(20, 0));
  auto get = [&idle](const std::string& target, std::string* body) {
    Poco::Net::HTTPRequest request("GET", target, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(true);
    idle.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = idle.receiveResponse(response);
    Poco::StreamCopier::copyToString(in, *body);
    return static_cast<int>(response.getStatus());
  };
  std::string body;
  ASSERT_EQ(get("/connectors", &body), 200);

  herder_.call_delay_ms = 600;
  const int calls_before = herder_.calls;
  auto in_flight =
      std::async(std::launch::async, [this] { return call("GET", "/connectors/c/status"); });
  ASSERT_TRUE(reached_herder(calls_before)) << "the request never reached the herder";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  const uint16_t port = server_->port();
  auto stopping = std::async(std::launch::async, [this] { server_->stop(); });
  // stop() has begun once the listener refuses connections.
  bool refused = false;
  while (!refused && std::chrono::steady_clock::now() < deadline) {
    try {
      Poco::Net::StreamSocket probe(Poco::Net::SocketAddress("127.0.0.1", port));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    } catch (const Poco::Exception&) {
      refused = true;
    }
  }
  ASSERT_TRUE(refused) << "the listener still accepts connections";
  const int calls_while_stopping = herder_.calls;
  body.clear();
  EXPECT_EQ(get("/connectors", &body), 503);
  EXPECT_NE(body.find("shutting down"), std::string::npos) << body;
  EXPECT_EQ(herder_.calls, calls_while_stopping);  // not passed to the herder
  EXPECT_EQ(in_flight.get().status, 200);          // the request before the stop is answered
  stopping.get();
}

TEST_F(RestServerTest, StopIsBoundedWhenTheHerderIsStuck) {
  add_connector("c");
  herder_.call_delay_ms = 3000;
  const int calls_before = herder_.calls;
  auto stuck = std::async(std::launch::async, [this] {
    try {
      return call("GET", "/connectors/c/status").status;
    } catch (const Poco::Exception&) {
      return -1;  // the connection was closed by stop()
    }
  });
  (void)reached_herder(calls_before);
  const auto started = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1800));
  EXPECT_NE(stuck.get(), 200);
}

TEST(RestServerStartTest, BindErrorsNameTheListener) {
  FakeHerder herder;
  RestServer first(&herder, RestServerOptions{"http://127.0.0.1:0"});
  ASSERT_TRUE(first.start().is_ok());
  const std::string taken = "http://127.0.0.1:" + std::to_string(first.port());
  RestServer second(&herder, RestServerOptions{taken});
  Status status = second.start();
  ASSERT_FALSE(status.is_ok());
  EXPECT_NE(
      status.message().find("listeners: cannot bind 127.0.0.1:" + std::to_string(first.port())),
      std::string::npos)
      << status.message();

  for (const char* bad : {"https://127.0.0.1:8083", "127.0.0.1:8083", "http://127.0.0.1",
                          "http://127.0.0.1:99999", "http://a:1,http://b:2", "http://[::1:80"}) {
    RestServer server(&herder, RestServerOptions{bad});
    Status s = server.start();
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("listeners"), std::string::npos) << s.message();
  }
  first.stop();
}

}  // namespace
}  // namespace sluice::rest
