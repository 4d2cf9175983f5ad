// Tests of ConfigState: task configs invisible until their commit, newer commits replacing older
// ones, deletion, target states (default, KIP-980 order, STOPPED, tombstones), inconsistent task
// sets from compacted or interrupted writes, the session key, restart requests, malformed records
// of each kind never changing valid state, and concurrent snapshots.
#include "runtime/clusterstate/config_state.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace sluice::clusterstate {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Feeds records with increasing offsets, as the topic transport does.
class Feeder {
 public:
  explicit Feeder(ConfigState* state) : state_(state) {}
  ConfigChange put(std::string_view key, std::optional<std::string> value) {
    return state_->apply(next_++, key,
                         value ? std::optional<std::string_view>(*value) : std::nullopt);
  }
  ConfigChange connector(std::string_view name, const Properties& p) {
    return put(connector_config_key(name), encode_properties(p));
  }
  ConfigChange task(std::string_view name, int32_t i, const Properties& p) {
    return put(task_config_key(name, i), encode_properties(p));
  }
  ConfigChange commit(std::string_view name, int32_t n) {
    return put(tasks_commit_key(name), encode_tasks_commit(n));
  }
  ConfigChange target(std::string_view name, TargetState s) {
    return put(target_state_key(name), encode_target_state(s));
  }

 private:
  ConfigState* state_;
  int64_t next_ = 0;
};

Properties cfg(std::string v) {
  return {{"k", std::move(v)}};
}

TEST(ConfigStateTest, EmptyStateHasNoOffset) {
  ConfigState state;
  ConfigSnapshot s = state.snapshot();
  EXPECT_EQ(s.offset, -1);
  EXPECT_EQ(s.next_offset(), -1);
  EXPECT_THAT(s.connectors, IsEmpty());
  EXPECT_FALSE(s.session_key);
}

TEST(ConfigStateTest, TaskConfigsInvisibleUntilCommit) {
  ConfigState state;
  Feeder f(&state);
  EXPECT_EQ(f.connector("a", {{"connector.class", "FileStreamSource"}, {"name", "a"}}).kind,
            ConfigChangeKind::kConnectorConfig);
  ConfigChange staged = f.task("a", 0, cfg("t0"));
  EXPECT_EQ(staged.kind, ConfigChangeKind::kTaskConfigStaged);
  EXPECT_THAT(staged.tasks, ElementsAre(0));
  f.task("a", 1, cfg("t1"));

  ConfigSnapshot before = state.snapshot();
  ASSERT_TRUE(before.contains("a"));
  EXPECT_FALSE(before.find("a")->task_count);
  EXPECT_THAT(before.find("a")->tasks, IsEmpty());
  EXPECT_EQ(before.find("a")->target_state, TargetState::kStarted);
  EXPECT_EQ(before.offset, 2);

  ConfigChange commit = f.commit("a", 2);
  EXPECT_EQ(commit.kind, ConfigChangeKind::kTasksCommitted);
  EXPECT_THAT(commit.tasks, ElementsAre(0, 1));
  ConfigSnapshot after = state.snapshot();
  EXPECT_EQ(after.offset, 3);
  EXPECT_EQ(after.next_offset(), 4);
  EXPECT_EQ(after.find("a")->task_count, 2);
  EXPECT_THAT(after.find("a")->tasks, ElementsAre(cfg("t0"), cfg("t1")));
  EXPECT_FALSE(after.find("a")->inconsistent);
  // The earlier snapshot is a copy: unchanged.
  EXPECT_THAT(before.find("a")->tasks, IsEmpty());
}

TEST(ConfigStateTest, NewerCommitReplacesAndShrinks) {
  ConfigState state;
  Feeder f(&state);
  f.connector("a", cfg("c"));
  f.task("a", 0, cfg("old0"));
  f.task("a", 1, cfg("old1"));
  f.commit("a", 2);
  f.task("a", 0, cfg("new0"));
  // Staged, not yet committed: the old set is still the visible one.
  EXPECT_THAT(state.snapshot().find("a")->tasks, ElementsAre(cfg("old0"), cfg("old1")));
  f.commit("a", 1);
  EXPECT_THAT(state.snapshot().find("a")->tasks, ElementsAre(cfg("new0")));
  // Growing again needs fresh configs for every task: the old task 1 does not come back.
  f.task("a", 0, cfg("n0"));
  f.commit("a", 2);
  ConfigSnapshot s = state.snapshot();
  EXPECT_TRUE(s.find("a")->inconsistent);
  EXPECT_THAT(s.find("a")->tasks, IsEmpty());
}

TEST(ConfigStateTest, CommitOfZeroTasksIsConsistent) {
  ConfigState state;
  Feeder f(&state);
  f.connector("a", cfg("c"));
  EXPECT_EQ(f.commit("a", 0).kind, ConfigChangeKind::kTasksCommitted);
  EXPECT_EQ(state.snapshot().find("a")->task_count, 0);
  EXPECT_THAT(state.snapshot().inconsistent, IsEmpty());
}

TEST(ConfigStateTest, CompactedHistoryMarksInconsistentUntilCompleteCommit) {
  // Connect's example: keys [connector, task-1, commit(2), task-0, commit(1)] after compaction
  // removed the first task-0. The first commit sees an incomplete set.
  ConfigState state;
  Feeder f(&state);
  f.connector("foo", cfg("c"));
  f.task("foo", 1, cfg("t1"));
  ConfigChange first = f.commit("foo", 2);
  EXPECT_EQ(first.kind, ConfigChangeKind::kTasksInconsistent);
  ConfigSnapshot mid = state.snapshot();
  EXPECT_THAT(mid.inconsistent, ElementsAre("foo"));
  EXPECT_TRUE(mid.find("foo")->inconsistent);
  EXPECT_EQ(mid.find("foo")->task_count, 2);
  EXPECT_THAT(mid.find("foo")->tasks, IsEmpty());

  f.task("foo", 0, cfg("t0-new"));
  EXPECT_EQ(f.commit("foo", 1).kind, ConfigChangeKind::kTasksCommitted);
  ConfigSnapshot end = state.snapshot();
  EXPECT_THAT(end.inconsistent, IsEmpty());
  EXPECT_THAT(end.find("foo")->tasks, ElementsAre(cfg("t0-new")));
}

TEST(ConfigStateTest, StagedConfigsAreDiscardedByAnIncompleteCommit) {
  ConfigState state;
  Feeder f(&state);
  f.connector("a", cfg("c"));
  f.task("a", 0, cfg("t0"));
  f.commit("a", 2);  // incomplete: task 1 missing
  f.task("a", 1, cfg("t1"));
  // Task 0 must be staged again after the failed commit.
  EXPECT_EQ(f.commit("a", 2).kind, ConfigChangeKind::kTasksInconsistent);
  f.task("a", 0, cfg("t0b"));
  f.task("a", 1, cfg("t1b"));
  f.commit("a", 2);
  EXPECT_THAT(state.snapshot().find("a")->tasks, ElementsAre(cfg("t0b"), cfg("t1b")));
}

TEST(ConfigStateTest, ExtraStagedIndicesDoNotMakeACommitIncomplete) {
  // [task-2 (from an older 3-task set), task-0, commit(1)]
  ConfigState state;
  Feeder f(&state);
  f.connector("a", cfg("c"));
  f.task("a", 2, cfg("stale2"));
  f.task("a", 0, cfg("t0"));
  EXPECT_EQ(f.commit("a", 1).kind, ConfigChangeKind::kTasksCommitted);
  EXPECT_THAT(state.snapshot().find("a")->tasks, ElementsAre(cfg("t0")));
}

TEST(ConfigStateTest, ConnectorsAreIndependent) {
  ConfigState state;
  Feeder f(&state);
  f.connector("a", cfg("a"));
  f.connector("b", cfg("b"));
  f.task("a", 0, cfg("a0"));
  f.task("b", 0, cfg("b0"));
  f.commit("a", 1);
  ConfigSnapshot s = state.snapshot();
  EXPECT_THAT(s.find("a")->tasks, ElementsAre(cfg("a0")));
  EXPECT_THAT(s.find("b")->tasks, IsEmpty());
  f.commit("b", 1);
  EXPECT_THAT(state.snapshot().find("b")->tasks, ElementsAre(cfg("b0")));
}

TEST(ConfigStateTest, DeletionRemovesConnectorAndTasks) {
  ConfigState state;
  Feeder f(&state);
  f.connector("a", cfg("c"));
  f.target("a", TargetState::kPaused);
  f.task("a", 0, cfg("t0"));
  f.commit("a", 1);
  f.task("a", 0, cfg("staged"));
  for (const KeyValue& kv : connector_deletion_records("a")) f.put(kv.key, kv.value);
  ConfigSnapshot s = state.snapshot();
  EXPECT_FALSE(s.contains("a"));
  EXPECT_EQ(s.find("a"), nullptr);

  // Recreated: no old tasks, no old target state, no old staged config.
  f.connector("a", cfg("c2"));
  f.commit("a", 1);
  s = state.snapshot();
  ASSERT_TRUE(s.contains("a"));
  EXPECT_EQ(s.find("a")->config, cfg("c2"));
  EXPECT_EQ(s.find("a")->target_state, TargetState::kStarted);
  EXPECT_TRUE(s.find("a")->inconsistent);
}

TEST(ConfigStateTest, ConnectorTombstoneAloneReportsRemoval) {
  ConfigState state;
  Feeder f(&state);
  f.connector("a", cfg("c"));
  ConfigChange c = f.put("connector-a", std::nullopt);
  EXPECT_EQ(c.kind, ConfigChangeKind::kConnectorRemoved);
  EXPECT_EQ(c.connector, "a");
  EXPECT_FALSE(state.snapshot().contains("a"));
  // A tombstone for a connector never seen is harmless.
  EXPECT_EQ(f.put("connector-zz", std::nullopt).kind, ConfigChangeKind::kConnectorRemoved);
}

TEST(ConfigStateTest, TargetStateChangesIncludingStopped) {
  ConfigState state;
  Feeder f(&state);
  f.connector("a", cfg("c"));
  EXPECT_EQ(state.snapshot().find("a")->target_state, TargetState::kStarted);
  EXPECT_EQ(f.target("a", TargetState::kPaused).kind, ConfigChangeKind::kTargetState);
  EXPECT_EQ(state.snapshot().find("a")->target_state, TargetState::kPaused);
  f.target("a", TargetState::kStopped);
  EXPECT_EQ(state.snapshot().find("a")->target_state, TargetState::kStopped);
  // A record from an old worker with only "state".
  f.put("target-state-a", std::string(R"({"state":"STARTED"})"));
  EXPECT_EQ(state.snapshot().find("a")->target_state, TargetState::kStarted);
  f.target("a", TargetState::kPaused);
  // A target-state tombstone while the config exists: back to STARTED.
  f.put("target-state-a", std::nullopt);
  EXPECT_EQ(state.snapshot().find("a")->target_state, TargetState::kStarted);
}

TEST(ConfigStateTest, TargetStateWrittenBeforeTheConnectorApplies) {
  ConfigState state;
  Feeder f(&state);
  for (const KeyValue& kv : connector_creation_records("a", cfg("c"), TargetState::kStopped)) {
    f.put(kv.key, kv.value);
  }
  ConfigSnapshot s = state.snapshot();
  ASSERT_TRUE(s.contains("a"));
  EXPECT_EQ(s.find("a")->target_state, TargetState::kStopped);
  // A reconfiguration keeps the target state.
  f.connector("a", cfg("c2"));
  EXPECT_EQ(state.snapshot().find("a")->target_state, TargetState::kStopped);
}

TEST(ConfigStateTest, LatestSessionKeyWins) {
  ConfigState state;
  Feeder f(&state);
  SessionKey k1{"key-one", "HmacSHA256", 1000};
  SessionKey k2{"key-two", "HmacSHA256", 2000};
  EXPECT_EQ(f.put("session-key", encode_session_key(k1)).kind, ConfigChangeKind::kSessionKey);
  f.put("session-key", encode_session_key(k2));
  EXPECT_EQ(state.snapshot().session_key, k2);
  // Malformed and tombstone records keep the last good key.
  EXPECT_EQ(f.put("session-key", std::string(R"({"key":"!!"})")).kind, ConfigChangeKind::kSkipped);
  EXPECT_EQ(f.put("session-key", std::nullopt).kind, ConfigChangeKind::kSkipped);
  EXPECT_EQ(state.snapshot().session_key, k2);
}

TEST(ConfigStateTest, RestartRequestsAndTaskCountRecordsAreReported) {
  ConfigState state;
  Feeder f(&state);
  ConfigChange r = f.put(restart_request_key("a"), encode_restart_request(true, true));
  EXPECT_EQ(r.kind, ConfigChangeKind::kRestartRequest);
  ASSERT_TRUE(r.restart);
  EXPECT_EQ(*r.restart, (RestartRequest{"a", true, true}));
  EXPECT_EQ(f.put(task_count_key("a"), encode_task_count(3)).kind,
            ConfigChangeKind::kTaskCountRecord);
  EXPECT_EQ(state.snapshot().task_count_records.at("a"), 3);
  // A restart request is not state: nothing about connector "a" appears.
  EXPECT_FALSE(state.snapshot().contains("a"));
}

TEST(ConfigStateTest, MalformedRecordsOfEachKindKeepValidState) {
  ConfigState state;
  Feeder f(&state);
  f.connector("a", cfg("good"));
  f.target("a", TargetState::kPaused);
  f.task("a", 0, cfg("t0"));
  f.commit("a", 1);
  f.put("session-key", encode_session_key({"k", "HmacSHA256", 1}));
  const ConfigSnapshot good = state.snapshot();

  struct Bad {
    const char* key;
    std::optional<std::string> value;
  };
  const Bad bad[] = {
      {"connector-a", std::string("{not json")},
      {"connector-a", std::string(R"({"properties":"x"})")},
      {"connector-a", std::string(R"({"properties":{"n":5}})")},
      {"connector-a", std::string("")},
      {"target-state-a", std::string(R"({"state":"SLEEPING"})")},
      {"target-state-a", std::string("[]")},
      {"task-a-0", std::nullopt},
      {"task-a-0", std::string(R"({"properties":null})")},
      {"commit-a", std::string(R"({"tasks":"1"})")},
      {"commit-a", std::nullopt},
      {"session-key", std::string("{}")},
      {"restart-connector-a", std::string("null")},
      {"tasks-fencing-a", std::string(R"({"task-count":true})")},
      {"task-a-x", std::string(R"({"properties":{}})")},
      {"connector-", std::string(R"({"properties":{}})")},
  };
  for (const Bad& b : bad) {
    ConfigChange c = f.put(b.key, b.value);
    EXPECT_EQ(c.kind, ConfigChangeKind::kSkipped) << b.key;
    EXPECT_THAT(c.error, HasSubstr(b.key)) << b.key;
  }
  EXPECT_EQ(f.put("mystery-key", std::string("{}")).kind, ConfigChangeKind::kSkipped);

  ConfigSnapshot after = state.snapshot();
  EXPECT_EQ(after.connectors, good.connectors);
  EXPECT_EQ(after.session_key, good.session_key);
  EXPECT_EQ(after.inconsistent, good.inconsistent);
  // The reader has consumed the bad records too.
  EXPECT_EQ(after.offset, good.offset + static_cast<int64_t>(std::size(bad)) + 1);
  ConfigStats stats = state.stats();
  EXPECT_EQ(stats.malformed, std::size(bad));
  EXPECT_EQ(stats.unknown_key, 1u);
  EXPECT_EQ(stats.applied, 5u);
}

TEST(ConfigStateTest, MalformedTaskConfigMakesTheCommitIncomplete) {
  // A staged config that could not be read counts as missing: the commit must not apply half.
  ConfigState state;
  Feeder f(&state);
  f.connector("a", cfg("c"));
  f.task("a", 0, cfg("t0"));
  f.put("task-a-1", std::string(R"({"properties":{"x":[1]}})"));
  EXPECT_EQ(f.commit("a", 2).kind, ConfigChangeKind::kTasksInconsistent);
  EXPECT_THAT(state.snapshot().find("a")->tasks, IsEmpty());
}

TEST(ConfigStateTest, SnapshotsAreConsistentUnderConcurrentApply) {
  // A reader thread commits growing task sets; every snapshot must show a task list whose size is
  // the committed count (never a half-applied commit).
  ConfigState state;
  state.apply(0, "connector-a", encode_properties(cfg("c")));
  std::atomic<bool> done{false};
  std::thread writer([&] {
    int64_t offset = 1;
    for (int32_t n = 1; n <= 200; ++n) {
      for (int32_t i = 0; i < n % 7 + 1; ++i) {
        state.apply(offset++, task_config_key("a", i), encode_properties(cfg(std::to_string(n))));
      }
      state.apply(offset++, "commit-a", encode_tasks_commit(n % 7 + 1));
    }
    done = true;
  });
  int checked = 0;
  while (!done || checked == 0) {
    ConfigSnapshot s = state.snapshot();
    const ConnectorView* a = s.find("a");
    ASSERT_NE(a, nullptr);
    if (a->task_count) {
      ASSERT_EQ(a->tasks.size(), static_cast<size_t>(*a->task_count));
      for (const Properties& t : a->tasks) ASSERT_EQ(t, a->tasks.front());
    }
    ++checked;
  }
  writer.join();
  EXPECT_EQ(state.snapshot().find("a")->tasks.size(), static_cast<size_t>(200 % 7 + 1));
}

}  // namespace
}  // namespace sluice::clusterstate
