// JobQueue: jobs run in order on the taking thread, call() returns the job's result, a job that
// does not finish in time gives "Request timed out", and close() fails queued and later calls.
#include "runtime/worker/job_queue.h"

#include <atomic>
#include <optional>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace sluice::worker {
namespace {

using std::chrono::milliseconds;

// Runs the queue's jobs on its own thread until closed, as a herder's control thread does.
class ControlThread {
 public:
  explicit ControlThread(JobQueue* queue) : queue_(queue) {
    thread_ = std::thread([this] {
      while (true) {
        auto jobs = queue_->take(milliseconds(20));
        JobQueue::run(jobs);
        if (jobs.empty() && queue_->closed()) return;
      }
    });
  }
  ~ControlThread() {
    queue_->close();
    thread_.join();
  }

 private:
  JobQueue* queue_;
  std::thread thread_;
};

TEST(JobQueueTest, CallReturnsTheJobsResultAndRunsJobsInOrder) {
  JobQueue queue;
  std::vector<int> order;
  ControlThread control(&queue);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(queue.post([&order, i] { order.push_back(i); }));
  auto result = queue.call<int>([&order]() -> Result<int> {
    order.push_back(5);
    return 42;
  });
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result.value(), 42);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5}));
  Status failed = queue.call_status([] { return Status::not_found("Connector x not found"); });
  EXPECT_EQ(failed.code(), StatusCode::kNotFound);
  EXPECT_EQ(failed.message(), "Connector x not found");
}

TEST(JobQueueTest, AJobThatThrowsDoesNotStopTheQueue) {
  JobQueue queue;
  ControlThread control(&queue);
  ASSERT_TRUE(queue.post([] { throw std::runtime_error("plugin bug"); }));
  auto result = queue.call<int>([]() -> Result<int> { return 7; });
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result.value(), 7);
}

TEST(JobQueueTest, ASlowJobTimesOutForItsCaller) {
  JobQueue queue;
  ControlThread control(&queue);
  std::atomic<bool> release{false};
  auto result = queue.call<int>(
      [&release]() -> Result<int> {
        while (!release.load()) std::this_thread::sleep_for(milliseconds(5));
        return 1;
      },
      milliseconds(100));
  release.store(true);
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
  EXPECT_EQ(result.status().message(), "Request timed out");
}

TEST(JobQueueTest, CloseFailsQueuedAndLaterCalls) {
  JobQueue queue;  // nobody takes jobs yet
  std::optional<Result<int>> queued;
  const auto began = std::chrono::steady_clock::now();
  std::thread caller_thread([&] {
    queued = queue.call<int>([]() -> Result<int> { return 1; }, std::chrono::seconds(30));
  });
  // Wait until the job is queued, then close without running it.
  for (int i = 0; i < 200; ++i) {
    std::this_thread::sleep_for(milliseconds(5));
    auto taken = queue.take(milliseconds(0));
    if (!taken.empty()) {
      taken.clear();  // dropped: its promise is destroyed unset
      break;
    }
  }
  caller_thread.join();
  ASSERT_TRUE(queued.has_value());
  EXPECT_EQ(queued->status().message(), "worker is shutting down");
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(10))
      << "the caller of a dropped job must not wait for its timeout";
  queue.close();
  EXPECT_TRUE(queue.closed());
  EXPECT_FALSE(queue.post([] {}));
  auto later = queue.call<int>([]() -> Result<int> { return 1; });
  EXPECT_EQ(later.status().message(), "worker is shutting down");
}

}  // namespace
}  // namespace sluice::worker
