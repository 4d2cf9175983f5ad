// Unit tests of Worker (the part of the herder that runs things), with the plugin module's fake
// plugin: connector start in each target state, failures and their traces, task configs bounded
// by tasks.max, pause/resume statuses, plugin requests handed to the listener as jobs, offset
// reads through a SourceOffsets that is not the offset file, and task runners started, failed,
// restarted and stopped with their statuses.
#include "runtime/worker/worker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "runtime/data/fields.h"
#include "runtime/plugin/host.h"
#include "runtime/plugin/plugin_registry.h"
#include "runtime/storage/source_offsets.h"
#include "runtime/worker/source_task_runner.h"
#include "runtime/worker/status_store.h"
#include "tests/unit/plugin/fake_plugin.cc"  // NOLINT: the fake's definitions, linked once here

namespace sluice::worker {
namespace {

using plugin::testing::FakeLibrary;
using plugin::testing::FakeScript;
using plugin::testing::make_descriptor;

constexpr const char* kSource = "com.example.FakeSourceConnector";
constexpr const char* kSink = "com.example.FakeSinkConnector";

// Source offsets kept in a map: the Worker must not need the offset file.
class MemoryOffsets final : public storage::SourceOffsets {
 public:
  Status put_and_flush(std::span<const storage::OffsetEntry> entries) override {
    for (const auto& e : entries) {
      if (e.value_json) {
        values_[e.key_json] = *e.value_json;
      } else {
        values_.erase(e.key_json);
      }
    }
    return Status::ok();
  }
  std::optional<std::string> get(std::string_view key_json) const override {
    auto it = values_.find(std::string(key_json));
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }
  std::vector<storage::OffsetEntry> entries_for_connector(std::string_view) const override {
    return {};
  }
  Status remove_connector(std::string_view) override { return Status::ok(); }

 private:
  std::map<std::string, std::string> values_;
};

// Collects posted jobs; the test runs them, standing in for the herder thread.
class RecordingListener final : public WorkerListener {
 public:
  void post(std::function<void()> job) override { jobs.push_back(std::move(job)); }
  void task_reconfiguration_requested(const std::string& name) override {
    reconfigured.push_back(name);
  }
  void run_jobs() {
    auto pending = std::move(jobs);
    jobs.clear();
    for (auto& job : pending) job();
  }
  std::vector<std::function<void()>> jobs;
  std::vector<std::string> reconfigured;
};

class WorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeScript::get().reset();
    ASSERT_TRUE(registry_.add_library_for_testing(&lib_.lib(), "libfake.so").is_ok());
    config_.props["task.shutdown.graceful.timeout.ms"] = "5000";
    services_.config = &config_;
    services_.plugins = &registry_;
    services_.offsets = &offsets_;
    services_.status = &status_;
    services_.active_topics = &active_topics_;
    services_.bootstrap_servers = "127.0.0.1:1";  // never reached by these tests
    services_.worker_id = "127.0.0.1:8083";
    worker_ = std::make_unique<Worker>(services_, &listener_);
  }
  void TearDown() override { worker_.reset(); }

  const plugin::PluginInfo& plugin(const char* name) { return *registry_.find(name); }
  RuntimeState connector_state(const std::string& name) {
    auto s = status_.connector(name);
    EXPECT_TRUE(s.has_value()) << name;
    return s ? s->state : RuntimeState::kUnassigned;
  }
  // Waits (up to 10 s) until task `task` of `connector` has status `state`.
  bool wait_for_task(const std::string& connector, int task, RuntimeState state) {
    for (int i = 0; i < 1000; ++i) {
      auto s = status_.task(connector, task);
      if (s && s->state == state) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  TaskSpec source_task(int task) {
    TaskSpec spec;
    spec.connector = "src";
    spec.task = task;
    spec.plugin = &plugin(kSource);
    spec.connector_config = {{"name", "src"}, {"connector.class", kSource}};
    spec.task_config = {{"task", std::to_string(task)}};
    return spec;
  }
  // The fake's poll returns no records at once; make it wait a little, as a real poll does, so
  // that a running task does not spin.
  static void slow_polls() {
    FakeScript::get().during["poll"] = [](sluice_host_ctx*) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    };
  }
  static bool called(const std::string& hook) {
    const auto& calls = FakeScript::get().calls;
    return std::find(calls.begin(), calls.end(), hook) != calls.end();
  }

  FakeLibrary lib_{
      {make_descriptor(SLUICE_KIND_SOURCE, kSource), make_descriptor(SLUICE_KIND_SINK, kSink)}};
  plugin::PluginRegistry registry_;
  config::WorkerConfig config_;
  MemoryOffsets offsets_;
  StatusStore status_;
  ActiveTopics active_topics_;
  WorkerServices services_;
  RecordingListener listener_;
  std::unique_ptr<Worker> worker_;
};

TEST_F(WorkerTest, RunningConnectorIsStartedWithItsConfigAndReportedRunning) {
  Status started =
      worker_->start_connector("src", plugin(kSource), {{"topic", "lines"}}, TargetState::kRunning);
  ASSERT_TRUE(started.is_ok()) << started.to_string();
  EXPECT_EQ(connector_state("src"), RuntimeState::kRunning);
  EXPECT_EQ(status_.connector("src")->worker_id, "127.0.0.1:8083");
  EXPECT_TRUE(worker_->has_instance("src"));
  EXPECT_EQ(FakeScript::get().last_config.at("topic"), "lines");
  EXPECT_EQ(FakeScript::get().calls, (std::vector<std::string>{"create", "start"}));

  worker_->stop_connector("src");
  EXPECT_FALSE(worker_->has_instance("src"));
  EXPECT_EQ(FakeScript::get().calls,
            (std::vector<std::string>{"create", "start", "stop", "destroy"}));
  // Stopping an instance leaves its status for the herder to decide.
  EXPECT_EQ(connector_state("src"), RuntimeState::kRunning);
}

TEST_F(WorkerTest, PausedConnectorIsStartedAndReportedPausedThenResumed) {
  ASSERT_TRUE(worker_->start_connector("src", plugin(kSource), {}, TargetState::kPaused).is_ok());
  EXPECT_EQ(connector_state("src"), RuntimeState::kPaused);
  EXPECT_TRUE(worker_->has_instance("src"));
  worker_->set_paused("src", false);
  EXPECT_EQ(connector_state("src"), RuntimeState::kRunning);
  worker_->set_paused("src", true);
  EXPECT_EQ(connector_state("src"), RuntimeState::kPaused);
}

TEST_F(WorkerTest, StoppedTargetCreatesNoInstance) {
  ASSERT_TRUE(worker_->start_connector("src", plugin(kSource), {}, TargetState::kStopped).is_ok());
  EXPECT_EQ(connector_state("src"), RuntimeState::kStopped);
  EXPECT_FALSE(worker_->has_instance("src"));
  EXPECT_TRUE(FakeScript::get().calls.empty());
  EXPECT_EQ(worker_->connector_task_configs("src").status().code(), StatusCode::kNotFound);
  worker_->set_paused("src", true);  // a STOPPED connector keeps its status
  EXPECT_EQ(connector_state("src"), RuntimeState::kStopped);
}

TEST_F(WorkerTest, StartFailureMakesTheConnectorFailedWithTraceAndNoInstance) {
  FakeScript::get().status["start"] = SLUICE_ERR_CONFIG;
  FakeScript::get().error_text["start"] = "topic is required";
  Status started = worker_->start_connector("src", plugin(kSource), {}, TargetState::kRunning);
  EXPECT_EQ(started.code(), StatusCode::kInvalidArgument);
  auto status = status_.connector("src");
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->state, RuntimeState::kFailed);
  EXPECT_NE(status->trace.find("failed in start: CONFIG: topic is required"), std::string::npos)
      << status->trace;
  EXPECT_NE(status->trace.find("\nplugin: com.example.FakeSourceConnector"), std::string::npos)
      << status->trace;
  EXPECT_FALSE(worker_->has_instance("src"));
  EXPECT_TRUE(called("destroy"));
  worker_->set_paused("src", false);  // FAILED stays FAILED
  EXPECT_EQ(connector_state("src"), RuntimeState::kFailed);

  // A new start replaces the failed one.
  FakeScript::get().status.clear();
  ASSERT_TRUE(worker_->start_connector("src", plugin(kSource), {}, TargetState::kRunning).is_ok());
  EXPECT_EQ(connector_state("src"), RuntimeState::kRunning);
}

TEST_F(WorkerTest, TaskConfigsAreBoundedByTasksMax) {
  FakeScript::get().task_configs = {{{"n", "0"}}, {{"n", "1"}}, {{"n", "2"}}};
  ASSERT_TRUE(
      worker_
          ->start_connector("three", plugin(kSource), {{"tasks.max", "3"}}, TargetState::kRunning)
          .is_ok());
  auto configs = worker_->connector_task_configs("three");
  ASSERT_TRUE(configs.is_ok()) << configs.status().to_string();
  ASSERT_EQ(configs.value().size(), 3u);
  EXPECT_EQ(configs.value()[2].at("n"), "2");

  ASSERT_TRUE(worker_
                  ->start_connector("lenient", plugin(kSource),
                                    {{"tasks.max", "2"}, {"tasks.max.enforce", "false"}},
                                    TargetState::kRunning)
                  .is_ok());
  auto lenient = worker_->connector_task_configs("lenient");
  ASSERT_TRUE(lenient.is_ok()) << lenient.status().to_string();
  EXPECT_EQ(lenient.value().size(), 3u);

  ASSERT_TRUE(
      worker_
          ->start_connector("strict", plugin(kSource), {{"tasks.max", "2"}}, TargetState::kRunning)
          .is_ok());
  auto strict = worker_->connector_task_configs("strict");
  EXPECT_FALSE(strict.is_ok());
  EXPECT_EQ(connector_state("strict"), RuntimeState::kFailed);
  EXPECT_NE(status_.connector("strict")->trace.find("tasks.max is 2"), std::string::npos)
      << status_.connector("strict")->trace;
  EXPECT_FALSE(worker_->has_instance("strict"));
  EXPECT_EQ(connector_state("three"), RuntimeState::kRunning);
}

TEST_F(WorkerTest, PluginRequestsBecomeJobsForTheControlThread) {
  FakeScript::get().during["start"] = [](sluice_host_ctx* ctx) {
    plugin::host_api()->request_task_reconfiguration(ctx);
  };
  ASSERT_TRUE(worker_->start_connector("src", plugin(kSource), {}, TargetState::kRunning).is_ok());
  EXPECT_TRUE(listener_.reconfigured.empty());  // only queued so far
  ASSERT_EQ(listener_.jobs.size(), 1u);
  listener_.run_jobs();
  EXPECT_EQ(listener_.reconfigured, (std::vector<std::string>{"src"}));

  sluice_host_ctx* ctx = FakeScript::get().last_ctx;
  const std::string message = "lost the source";
  plugin::host_api()->raise_error(ctx, sluice_str{message.data(), message.size()});
  EXPECT_EQ(connector_state("src"), RuntimeState::kRunning);
  listener_.run_jobs();
  EXPECT_EQ(connector_state("src"), RuntimeState::kFailed);
  EXPECT_NE(status_.connector("src")->trace.find("connector src raised an error: lost the source"),
            std::string::npos)
      << status_.connector("src")->trace;
  EXPECT_FALSE(worker_->has_instance("src"));
}

TEST_F(WorkerTest, RaisedErrorOfAForgottenConnectorIsIgnored) {
  ASSERT_TRUE(worker_->start_connector("src", plugin(kSource), {}, TargetState::kRunning).is_ok());
  const std::string message = "late";
  plugin::host_api()->raise_error(FakeScript::get().last_ctx,
                                  sluice_str{message.data(), message.size()});
  worker_->stop_connector("src");
  listener_.run_jobs();
  EXPECT_EQ(connector_state("src"), RuntimeState::kRunning);  // untouched
}

TEST_F(WorkerTest, ConnectorOffsetReadsGoThroughTheSourceOffsetsInterface) {
  auto partition = data::OwnedFields::from_json(R"({"file":"in.txt"})");
  ASSERT_TRUE(partition.is_ok());
  storage::OffsetEntry entry{
      source_offset_key("src", partition.value().data(), partition.value().size()),
      R"({"line":7})"};
  ASSERT_TRUE(offsets_.put_and_flush({&entry, 1}).is_ok());
  ASSERT_TRUE(worker_->start_connector("src", plugin(kSource), {}, TargetState::kRunning).is_ok());
  plugin::InstanceListener* listener = FakeScript::get().last_ctx->listener();
  ASSERT_NE(listener, nullptr);
  const sluice_field* out = nullptr;
  uint32_t out_n = 0;
  Status got =
      listener->offset_get(partition.value().data(), partition.value().size(), &out, &out_n);
  ASSERT_TRUE(got.is_ok()) << got.to_string();
  ASSERT_EQ(out_n, 1u);
  EXPECT_EQ(std::string(out[0].name.ptr, out[0].name.len), "line");
}

TEST_F(WorkerTest, TaskThatFailsToStartIsFailedAndStoppingRemovesItsStatus) {
  FakeScript::get().status["task_start"] = SLUICE_ERR_FAILED;
  FakeScript::get().error_text["task_start"] = "no input file";
  worker_->start_task(source_task(0));
  ASSERT_TRUE(wait_for_task("src", 0, RuntimeState::kFailed));
  EXPECT_NE(status_.task("src", 0)->trace.find("no input file"), std::string::npos)
      << status_.task("src", 0)->trace;
  EXPECT_EQ(worker_->task_ids("src"), (std::vector<int>{0}));
  worker_->stop_connector_tasks("src");
  EXPECT_TRUE(worker_->task_ids("src").empty());
  EXPECT_FALSE(status_.task("src", 0).has_value());
}

// One task thread at a time: the fake plugin's script is not thread-safe.
TEST_F(WorkerTest, RunningTaskPausesResumesRestartsAndStopsWithinTheDeadline) {
  slow_polls();
  worker_->start_task(source_task(0));
  ASSERT_TRUE(wait_for_task("src", 0, RuntimeState::kRunning));
  EXPECT_EQ(worker_->task_ids("src"), (std::vector<int>{0}));

  worker_->set_paused("src", true);  // no connector here: only its tasks pause
  EXPECT_FALSE(status_.connector("src").has_value());
  ASSERT_TRUE(wait_for_task("src", 0, RuntimeState::kPaused));
  worker_->set_paused("src", false);
  ASSERT_TRUE(wait_for_task("src", 0, RuntimeState::kRunning));

  // A restart: the old runner is stopped and joined, a new one runs.
  worker_->stop_task("src", 0);
  EXPECT_TRUE(worker_->task_ids("src").empty());
  worker_->start_task(source_task(0));
  ASSERT_TRUE(wait_for_task("src", 0, RuntimeState::kRunning));

  auto begin = std::chrono::steady_clock::now();
  worker_->stop_connector_tasks("src");
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(5));
  EXPECT_TRUE(worker_->task_ids("src").empty());
  EXPECT_TRUE(status_.tasks("src").empty());
  // Both threads were joined: their last hooks ran.
  const auto& calls = FakeScript::get().calls;
  EXPECT_EQ(std::count(calls.begin(), calls.end(), "task_stop"), 2);
  EXPECT_EQ(std::count(calls.begin(), calls.end(), "task_destroy"), 2);
}

// A task that takes a while to stop: the stop wait hook runs meanwhile, on the caller's thread,
// about every 100 ms (the distributed herder heartbeats from it).
TEST_F(WorkerTest, StopWaitHookRunsOnTheCallersThreadWhileATaskStops) {
  slow_polls();
  FakeScript::get().during["task_stop"] = [](sluice_host_ctx*) {
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
  };
  int hook_calls = 0;
  std::set<std::thread::id> hook_threads;
  worker_->set_stop_wait_hook([&] {
    ++hook_calls;
    hook_threads.insert(std::this_thread::get_id());
  });
  worker_->start_task(source_task(0));
  ASSERT_TRUE(wait_for_task("src", 0, RuntimeState::kRunning));
  const auto begin = std::chrono::steady_clock::now();
  worker_->stop_tasks({{"src", 0}});
  const auto took = std::chrono::steady_clock::now() - begin;
  EXPECT_GE(took, std::chrono::milliseconds(650));
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_GE(hook_calls, 4);
  EXPECT_LE(hook_calls, 9);
  EXPECT_EQ(hook_threads, (std::set<std::thread::id>{std::this_thread::get_id()}));
  EXPECT_TRUE(worker_->task_ids("src").empty());
  EXPECT_EQ(
      std::count(FakeScript::get().calls.begin(), FakeScript::get().calls.end(), "task_destroy"),
      1);
}

TEST_F(WorkerTest, StopAllStopsTasksAndConnectorsAndKeepsStatuses) {
  slow_polls();
  ASSERT_TRUE(worker_->start_connector("src", plugin(kSource), {}, TargetState::kRunning).is_ok());
  worker_->start_task(source_task(0));
  ASSERT_TRUE(wait_for_task("src", 0, RuntimeState::kRunning));
  worker_->stop_all();
  EXPECT_FALSE(worker_->has_instance("src"));
  EXPECT_TRUE(worker_->task_ids("src").empty());
  EXPECT_EQ(connector_state("src"), RuntimeState::kRunning);
  EXPECT_TRUE(status_.task("src", 0).has_value());
  EXPECT_TRUE(called("stop"));
  EXPECT_TRUE(called("task_stop"));
}

}  // namespace
}  // namespace sluice::worker
