// Unit tests of StatusStore: connector and task states, FAILED traces, removal.
#include "runtime/worker/status_store.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace sluice::worker
