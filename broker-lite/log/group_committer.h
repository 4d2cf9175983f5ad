// GroupCommitter: the acks=all path. One background thread fdatasyncs partitions on request;
// one PartitionLog::flush() serves every request queued on that partition when it starts
// (group commit). Completions are handed to an injected `post` function so that they run on
// the caller's thread (the broker's network thread).
//
// Threading: request_sync(), cancel() and stop() may be called from any thread. `done`
// callbacks run wherever `post` runs them, never on the caller's stack. An fsync failure is
// never retried: the partition is failed (PartitionLog::failed()) and every waiter, now and
// later, gets the error.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "broker-lite/log/partition_log.h"

namespace sluice::log {

class GroupCommitter {
 public:
  using Task = std::function<void()>;
  using Post = std::function<void(Task)>;
  using Done = std::function<void(sluice::Status)>;

  // `post` is called from the sync thread (and from request_sync for immediate answers) with a
  // task to run; it must not block for long. Starts the thread.
  explicit GroupCommitter(Post post);
  // stop() and join.
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Calls done(OK) once every byte of `log` below `offset` (exclusive: pass the appended
  // last_offset + 1) is durable, or done(error) when the partition failed or the committer
  // stopped. `log` must stay alive until its requests completed or cancel(log) returned.
  void request_sync(PartitionLog* log, int64_t offset, Done done);

  // Fails the queued requests of `log` with kUnavailable and waits until the sync thread no
  // longer touches `log`. Call before destroying a PartitionLog.
  void cancel(PartitionLog* log);

  // Fails every queued request with kUnavailable and ends the thread. Idempotent.
  void stop();

  // Number of PartitionLog::flush() calls made (tests, metrics).
  int64_t flushes() const;

 private:
  struct Waiter {
    int64_t offset;
    Done done;
  };
  void run();

  Post post_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::map<PartitionLog*, std::vector<Waiter>> queued_;
  std::deque<PartitionLog*> order_;  // partitions with waiters, oldest first
  PartitionLog* syncing_ = nullptr;  // the partition the thread works on (guarded by mu_)
  bool stopping_ = false;
  int64_t flushes_ = 0;
  std::thread thread_;
};

}  // namespace sluice::log
