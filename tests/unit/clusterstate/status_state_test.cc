// Tests of the status-topic records and StatusState: byte-exact encodings as Kafka Connect writes
// them, key parsing, generation ordering (stale writes from other workers ignored, same worker
// always accepted, group generation resets), tombstones, active topics, malformed input.
#include "runtime/clusterstate/status_state.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sluice::clusterstate {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

RunStatus st(RunState s, std::string worker, int32_t generation,
             std::optional<std::string> trace = std::nullopt) {
  return RunStatus{s, std::move(trace), std::move(worker), generation};
}

StatusChange put(StatusState* state, std::string_view key, const RunStatus& s) {
  return state->apply(key, encode_run_status(s));
}

TEST(StatusRecordsTest, BytesMatchConnect) {
  EXPECT_EQ(encode_run_status(st(RunState::kRunning, "127.0.0.1:8083", 3)),
            R"({"state":"RUNNING","trace":null,"worker_id":"127.0.0.1:8083","generation":3})");
  EXPECT_EQ(encode_run_status(st(RunState::kFailed, "h:1", 4, "boom\n\tat x")),
            R"({"state":"FAILED","trace":"boom\n\tat x","worker_id":"h:1","generation":4})");
  EXPECT_EQ(
      encode_topic_status({"orders", "a", 0, 1700000000123}),
      R"({"topic":{"name":"orders","connector":"a","task":0,"discoverTimestamp":1700000000123}})");
  EXPECT_EQ(connector_status_key("a"), "status-connector-a");
  EXPECT_EQ(task_status_key("a-b", 2), "status-task-a-b-2");
  EXPECT_EQ(topic_status_key("orders", "a"), "status-topic-orders:connector-a");
}

TEST(StatusRecordsTest, EveryStateNameRoundTrips) {
  for (RunState s :
       {RunState::kUnassigned, RunState::kRunning, RunState::kPaused, RunState::kFailed,
        RunState::kRestarting, RunState::kStopped, RunState::kDestroyed}) {
    RunStatus v = st(s, "w:1", -7, "t");
    EXPECT_EQ(*decode_run_status(encode_run_status(v)), v) << run_state_name(s);
  }
  TopicStatus t{"t.x_y-z", "conn-1", 5, -1};
  EXPECT_EQ(*decode_topic_status(encode_topic_status(t)), t);
}

TEST(StatusRecordsTest, ParsesKeys) {
  EXPECT_EQ(*parse_status_key("status-connector-a-b"),
            (StatusKey{StatusRecordKind::kConnector, "a-b", -1, ""}));
  EXPECT_EQ(*parse_status_key("status-task-a-b-10"),
            (StatusKey{StatusRecordKind::kTask, "a-b", 10, ""}));
  EXPECT_EQ(*parse_status_key("status-topic-orders:connector-my-conn"),
            (StatusKey{StatusRecordKind::kTopic, "my-conn", -1, "orders"}));
  EXPECT_EQ(parse_status_key("status-other-a").status().code(), StatusCode::kNotFound);
  for (const char* bad : {"status-connector-", "status-task-a", "status-task-a-", "status-task--0",
                          "status-topic-orders", "status-topic-:connector-a",
                          "status-topic-orders:connector-", "status-topic-orders:conn-a"}) {
    Result<StatusKey> k = parse_status_key(bad);
    ASSERT_FALSE(k.is_ok()) << bad;
    EXPECT_EQ(k.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(StatusRecordsTest, DecodesAbsentTraceAndRejectsBadValues) {
  RunStatus s = *decode_run_status(R"({"generation":2,"worker_id":"w","state":"PAUSED"})");
  EXPECT_EQ(s, st(RunState::kPaused, "w", 2));
  for (const char* bad : {"", "{", "[]", R"({"state":"RUNNING","worker_id":"w"})",
                          R"({"state":"running","worker_id":"w","generation":1})",
                          R"({"state":"RUNNING","worker_id":"w","generation":1.5})",
                          R"({"state":"RUNNING","worker_id":"w","generation":4294967296})",
                          R"({"state":"RUNNING","worker_id":7,"generation":1})",
                          R"({"state":"RUNNING","trace":5,"worker_id":"w","generation":1})"}) {
    EXPECT_FALSE(decode_run_status(bad).is_ok()) << bad;
  }
  for (const char* bad :
       {"{}", R"({"topic":"x"})", R"({"topic":{"name":"t","connector":"c","task":0}})",
        R"({"topic":{"name":"t","connector":"c","task":-1,"discoverTimestamp":1}})",
        R"({"topic":{"name":1,"connector":"c","task":0,"discoverTimestamp":1}})"}) {
    EXPECT_FALSE(decode_topic_status(bad).is_ok()) << bad;
  }
}

TEST(StatusStateTest, KeepsLatestPerConnectorAndTask) {
  StatusState state;
  EXPECT_EQ(put(&state, "status-connector-a", st(RunState::kUnassigned, "w1:1", 1)).kind,
            StatusChangeKind::kConnectorStatus);
  put(&state, "status-connector-a", st(RunState::kRunning, "w1:1", 1));
  StatusChange t = put(&state, "status-task-a-0", st(RunState::kRunning, "w2:1", 1));
  EXPECT_EQ(t.kind, StatusChangeKind::kTaskStatus);
  EXPECT_EQ(t.connector, "a");
  EXPECT_EQ(t.task, 0);
  put(&state, "status-task-a-1", st(RunState::kFailed, "w1:1", 1, "trace"));
  EXPECT_EQ(state.connector_status("a"), st(RunState::kRunning, "w1:1", 1));
  EXPECT_EQ(state.task_status("a", 1), st(RunState::kFailed, "w1:1", 1, "trace"));
  EXPECT_EQ(state.task_statuses("a").size(), 2u);
  EXPECT_FALSE(state.connector_status("b"));
  EXPECT_FALSE(state.task_status("a", 2));
}

TEST(StatusStateTest, OlderGenerationFromAnotherWorkerDoesNotOverwrite) {
  StatusState state;
  put(&state, "status-task-a-0", st(RunState::kRunning, "new:1", 5));
  // A zombie of generation 4 reports late.
  StatusChange c = put(&state, "status-task-a-0", st(RunState::kFailed, "old:1", 4, "x"));
  EXPECT_EQ(c.kind, StatusChangeKind::kStale);
  EXPECT_THAT(c.error, HasSubstr("status-task-a-0"));
  EXPECT_EQ(state.task_status("a", 0), st(RunState::kRunning, "new:1", 5));
  put(&state, "status-connector-a", st(RunState::kRunning, "new:1", 5));
  EXPECT_EQ(put(&state, "status-connector-a", st(RunState::kUnassigned, "old:1", 2)).kind,
            StatusChangeKind::kStale);
  EXPECT_EQ(state.stats().stale, 2u);
}

TEST(StatusStateTest, SameWorkerOrEqualOrNewerGenerationOverwrites) {
  StatusState state;
  put(&state, "status-task-a-0", st(RunState::kRunning, "w:1", 5));
  // The same worker may write a lower generation (its own view is authoritative).
  EXPECT_EQ(put(&state, "status-task-a-0", st(RunState::kPaused, "w:1", 3)).kind,
            StatusChangeKind::kTaskStatus);
  EXPECT_EQ(state.task_status("a", 0)->state, RunState::kPaused);
  // Another worker with an equal generation.
  put(&state, "status-task-a-0", st(RunState::kRunning, "x:1", 3));
  EXPECT_EQ(state.task_status("a", 0)->worker_id, "x:1");
  // Another worker with a newer generation.
  put(&state, "status-task-a-0", st(RunState::kRunning, "y:1", 9));
  EXPECT_EQ(state.task_status("a", 0)->worker_id, "y:1");
}

TEST(StatusStateTest, WouldAcceptMatchesApply) {
  StatusState state;
  EXPECT_TRUE(state.would_accept("status-task-a-0", st(RunState::kRunning, "x:1", 0)));
  put(&state, "status-task-a-0", st(RunState::kRunning, "w:1", 5));
  EXPECT_FALSE(state.would_accept("status-task-a-0", st(RunState::kFailed, "x:1", 4)));
  EXPECT_TRUE(state.would_accept("status-task-a-0", st(RunState::kFailed, "x:1", 5)));
  EXPECT_TRUE(state.would_accept("status-task-a-0", st(RunState::kFailed, "w:1", 1)));
  EXPECT_TRUE(state.would_accept("status-task-a-1", st(RunState::kFailed, "x:1", 1)));
  EXPECT_FALSE(state.would_accept("status-topic-t:connector-a", st(RunState::kRunning, "w:1", 9)));
  EXPECT_FALSE(state.would_accept("bogus", st(RunState::kRunning, "w:1", 9)));
  // Asking changes nothing.
  EXPECT_EQ(state.task_status("a", 0), st(RunState::kRunning, "w:1", 5));
}

TEST(StatusStateTest, GroupGenerationResetUnprotectsStatusesFromAnEarlierGroup) {
  StatusState state;
  put(&state, "status-task-a-0", st(RunState::kRunning, "w1:1", 40));
  EXPECT_EQ(put(&state, "status-task-a-0", st(RunState::kRunning, "w2:1", 2)).kind,
            StatusChangeKind::kStale);
  // The worker learns it is in generation 3: a stored generation 40 is from an earlier group.
  state.set_group_generation(3);
  EXPECT_EQ(put(&state, "status-task-a-0", st(RunState::kRunning, "w2:1", 2)).kind,
            StatusChangeKind::kTaskStatus);
  // Once replaced, the new status protects itself as usual.
  EXPECT_EQ(put(&state, "status-task-a-0", st(RunState::kFailed, "w3:1", 1)).kind,
            StatusChangeKind::kStale);
  // And statuses within the current group life stay protected.
  put(&state, "status-connector-a", st(RunState::kRunning, "w1:1", 3));
  EXPECT_EQ(put(&state, "status-connector-a", st(RunState::kRunning, "w2:1", 2)).kind,
            StatusChangeKind::kStale);
}

TEST(StatusStateTest, TombstonesRemove) {
  StatusState state;
  put(&state, "status-connector-a", st(RunState::kRunning, "w:1", 1));
  put(&state, "status-task-a-0", st(RunState::kRunning, "w:1", 1));
  put(&state, "status-task-a-1", st(RunState::kRunning, "w:1", 1));
  put(&state, "status-task-b-0", st(RunState::kRunning, "w:1", 1));
  EXPECT_EQ(state.apply("status-task-a-1", std::nullopt).kind, StatusChangeKind::kTaskRemoved);
  EXPECT_THAT(state.task_statuses("a"), ElementsAre(::testing::Key(0)));
  // A connector tombstone also removes its tasks' statuses, not other connectors'.
  EXPECT_EQ(state.apply("status-connector-a", std::nullopt).kind,
            StatusChangeKind::kConnectorRemoved);
  EXPECT_FALSE(state.connector_status("a"));
  EXPECT_THAT(state.task_statuses("a"), IsEmpty());
  EXPECT_TRUE(state.task_status("b", 0));
  // After removal, any generation is accepted again.
  EXPECT_EQ(put(&state, "status-connector-a", st(RunState::kUnassigned, "z:1", 0)).kind,
            StatusChangeKind::kConnectorStatus);
}

TEST(StatusStateTest, ActiveTopics) {
  StatusState state;
  StatusChange c =
      state.apply("status-topic-orders:connector-a", encode_topic_status({"orders", "a", 1, 100}));
  EXPECT_EQ(c.kind, StatusChangeKind::kTopicActive);
  EXPECT_EQ(c.topic, "orders");
  state.apply("status-topic-audit:connector-a", encode_topic_status({"audit", "a", 0, 200}));
  state.apply("status-topic-orders:connector-b", encode_topic_status({"orders", "b", 0, 300}));
  EXPECT_THAT(state.active_topics("a"),
              ElementsAre(TopicStatus{"audit", "a", 0, 200}, TopicStatus{"orders", "a", 1, 100}));
  // Connector status tombstones do not reset active topics; topic tombstones do.
  state.apply("status-connector-a", std::nullopt);
  EXPECT_EQ(state.active_topics("a").size(), 2u);
  EXPECT_EQ(state.apply("status-topic-orders:connector-a", std::nullopt).kind,
            StatusChangeKind::kTopicRemoved);
  EXPECT_THAT(state.active_topics("a"), ElementsAre(TopicStatus{"audit", "a", 0, 200}));
  EXPECT_EQ(state.active_topics("b").size(), 1u);
  EXPECT_THAT(state.active_topics("none"), IsEmpty());
}

TEST(StatusStateTest, MalformedRecordsAreSkippedAndCounted) {
  StatusState state;
  put(&state, "status-task-a-0", st(RunState::kRunning, "w:1", 1));
  const StatusSnapshot good = state.snapshot();
  EXPECT_EQ(state.apply("status-task-a-0", std::string("{bad")).kind, StatusChangeKind::kSkipped);
  EXPECT_EQ(state
                .apply("status-task-a-0",
                       std::string(R"({"state":"DANCING","worker_id":"w","generation":1})"))
                .kind,
            StatusChangeKind::kSkipped);
  EXPECT_EQ(state.apply("status-task-a-x", std::string("{}")).kind, StatusChangeKind::kSkipped);
  EXPECT_EQ(state.apply("status-topic-t:connector-a", std::string(R"({"topic":{}})")).kind,
            StatusChangeKind::kSkipped);
  EXPECT_EQ(state.apply("status-topic-t", std::nullopt).kind, StatusChangeKind::kSkipped);
  EXPECT_EQ(state.apply("other", std::string("{}")).kind, StatusChangeKind::kSkipped);
  StatusSnapshot after = state.snapshot();
  EXPECT_EQ(after.tasks, good.tasks);
  EXPECT_THAT(after.topics, IsEmpty());
  StatusStats stats = state.stats();
  EXPECT_EQ(stats.malformed, 5u);
  EXPECT_EQ(stats.unknown_key, 1u);
  EXPECT_EQ(stats.applied, 1u);
}

}  // namespace
}  // namespace sluice::clusterstate
