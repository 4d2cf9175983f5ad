// Unit tests of StatusStore (connector and task states, FAILED traces, removal) and of
// ActiveTopics (the per-connector topic tracking that decides what to announce).
#include "runtime/worker/status_store.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/worker/worker_services.h"

namespace sluice::worker {
namespace {

TEST(StatusStore, TasksAreListedInOrderAndRemovedWithTheirConnector) {
  StatusStore store;
  store.put_connector("c", {RuntimeState::kRunning, "w:1", ""});
  store.put_task("c", 2, {RuntimeState::kRunning, "w:1", ""});
  store.put_task("c", 0, {RuntimeState::kPaused, "w:1", ""});
  store.put_task("other", 0, {RuntimeState::kRunning, "w:1", ""});
  auto tasks = store.tasks("c");
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].first, 0);
  EXPECT_EQ(tasks[1].first, 2);
  store.remove_connector("c");
  EXPECT_FALSE(store.connector("c").has_value());
  EXPECT_TRUE(store.tasks("c").empty());
  EXPECT_EQ(store.tasks("other").size(), 1u);
}

TEST(StatusStore, FailKeepsTraceAndIgnoresRemovedTasks) {
  StatusStore store;
  store.put_task("c", 0, {RuntimeState::kRunning, "w:1", ""});
  store.fail_task("c", 0, "boom");
  auto task = store.task("c", 0);
  ASSERT_TRUE(task.has_value());
  EXPECT_EQ(task->state, RuntimeState::kFailed);
  EXPECT_EQ(task->trace, "boom");
  store.fail_task("c", 5, "ignored");
  EXPECT_FALSE(store.task("c", 5).has_value());
  EXPECT_STREQ(runtime_state_name(RuntimeState::kRestarting), "RESTARTING");
}

// KIP-558 topic tracking: a topic is announced the first time; after another worker's reset is
// seen (forget) it is announced again, while the connector's other topics stay known.
TEST(ActiveTopicsTest, ForgottenTopicIsAnnouncedAgain) {
  ActiveTopics topics;
  std::vector<std::string> announced;
  topics.set_observer([&](const std::string& connector, const std::string& topic) {
    announced.push_back(connector + "/" + topic);
  });
  EXPECT_TRUE(topics.record("c", "t1"));
  EXPECT_TRUE(topics.record("c", "t2"));
  EXPECT_FALSE(topics.record("c", "t1"));
  topics.forget("c", "t1");
  topics.forget("c", "never-seen");
  topics.forget("unknown", "t1");
  EXPECT_EQ(topics.topics("c"), (std::vector<std::string>{"t2"}));
  EXPECT_TRUE(topics.record("c", "t1"));
  EXPECT_FALSE(topics.record("c", "t2"));
  EXPECT_EQ(announced, (std::vector<std::string>{"c/t1", "c/t2", "c/t1"}));
  topics.forget("c", "t1");
  topics.forget("c", "t2");
  EXPECT_TRUE(topics.topics("c").empty());
}

}  // namespace
}  // namespace sluice::worker
