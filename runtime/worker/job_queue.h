// JobQueue: the work queue of a herder's control thread. REST threads and plugin threads put
// jobs in; the control thread takes them out and runs them one at a time, so everything a
// herder does is ordered in one sequence (docs/design/worker.md §2). call() waits for a job's
// result with a deadline (90 s by default, then "Request timed out", as Kafka Connect answers).
//
// Threads: every method is thread-safe. close() makes later posts fail and drops queued jobs
// (their callers get "worker is shutting down").
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>

#include "broker-lite/util/status.h"

namespace sluice::worker {

class JobQueue {
 public:
  using Job = std::function<void()>;
  static constexpr std::chrono::seconds kRequestTimeout{90};

  // Queues `job`; false (job dropped) once closed. Never runs the job inline.
  bool post(Job job);

  // Runs `job` on the control thread and waits for its result up to `timeout`.
  template <typename T>
  Result<T> call(std::function<Result<T>()> job,
                 std::chrono::milliseconds timeout = kRequestTimeout) {
    auto promise = std::make_shared<std::promise<Result<T>>>();
    auto future = promise->get_future();
    // The job owns the only reference to the promise: a job dropped by close() breaks it, and
    // the caller is told at once instead of after `timeout`.
    if (!post(
            [promise = std::move(promise), job = std::move(job)] { promise->set_value(job()); })) {
      return Status::internal("worker is shutting down");
    }
    if (future.wait_for(timeout) != std::future_status::ready) {
      return Status::internal("Request timed out");
    }
    try {
      return future.get();
    } catch (const std::future_error&) {  // dropped by close()
      return Status::internal("worker is shutting down");
    }
  }
  Status call_status(std::function<Status()> job,
                     std::chrono::milliseconds timeout = kRequestTimeout);

  // Control thread: waits up to `wait` for at least one job and takes every queued job.
  std::deque<Job> take(std::chrono::milliseconds wait);
  // Runs the jobs take() returned, logging (not propagating) exceptions.
  static void run(std::deque<Job>& jobs);

  void close();
  bool closed() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool closed_ = false;
};

}  // namespace sluice::worker
