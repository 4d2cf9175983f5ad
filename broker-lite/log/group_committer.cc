// GroupCommitter (group_committer.h): a queue of waiters per partition and one sync thread.
#include "broker-lite/log/group_committer.h"

namespace sluice::log {

GroupCommitter::GroupCommitter(Post post) : post_(std::move(post)) {
  thread_ = std::thread([this] { run(); });
}

GroupCommitter::~GroupCommitter() {
  stop();
}

void GroupCommitter::request_sync(PartitionLog* log, int64_t offset, Done done) {
  if (log->failed()) {
    post_([done = std::move(done), st = log->failure()]() mutable { done(st); });
    return;
  }
  if (offset > log->log_end_offset()) {
    post_([done = std::move(done), name = log->name(), offset]() mutable {
      done(Status::invalid_argument("sync of partition " + name + " to offset " +
                                    std::to_string(offset) + ": beyond the log end"));
    });
    return;
  }
  if (log->flushed_offset() >= offset) {
    post_([done = std::move(done)]() mutable { done(Status::ok()); });
    return;
  }
  std::unique_lock lock(mu_);
  if (stopping_) {
    lock.unlock();
    post_([done = std::move(done)]() mutable { done(Status::unavailable("sync thread stopped")); });
    return;
  }
  std::vector<Waiter>& waiters = queued_[log];
  if (waiters.empty()) order_.push_back(log);
  waiters.push_back({offset, std::move(done)});
  cv_.notify_one();
}

void GroupCommitter::cancel(PartitionLog* log) {
  std::vector<Waiter> dropped;
  {
    std::unique_lock lock(mu_);
    auto it = queued_.find(log);
    if (it != queued_.end()) {
      dropped = std::move(it->second);
      queued_.erase(it);
      std::erase(order_, log);
    }
    idle_cv_.wait(lock, [&] { return syncing_ != log; });
  }
  for (Waiter& w : dropped) {
    post_([done = std::move(w.done), name = log->name()]() mutable {
      done(Status::unavailable("sync of partition " + name + " cancelled"));
    });
  }
}

void GroupCommitter::stop() {
  std::map<PartitionLog*, std::vector<Waiter>> dropped;
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    dropped.swap(queued_);
    order_.clear();
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  for (auto& [log, waiters] : dropped) {
    for (Waiter& w : waiters) {
      post_([done = std::move(w.done)]() mutable {
        done(Status::unavailable("sync thread stopped"));
      });
    }
  }
}

int64_t GroupCommitter::flushes() const {
  std::lock_guard lock(mu_);
  return flushes_;
}

void GroupCommitter::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !order_.empty(); });
    if (stopping_) return;
    PartitionLog* log = order_.front();
    order_.pop_front();
    std::vector<Waiter> batch = std::move(queued_[log]);
    queued_.erase(log);
    syncing_ = log;
    ++flushes_;
    lock.unlock();

    // One flush for everyone who was waiting when it started.
    Result<int64_t> flushed = log->flush();
    std::vector<Waiter> later;  // asked for more than this flush covered (appended meanwhile)
    for (Waiter& w : batch) {
      if (!flushed.is_ok()) {
        post_([done = std::move(w.done), st = flushed.status()]() mutable { done(st); });
      } else if (w.offset <= *flushed) {
        post_([done = std::move(w.done)]() mutable { done(Status::ok()); });
      } else {
        later.push_back(std::move(w));
      }
    }

    lock.lock();
    syncing_ = nullptr;
    if (!later.empty() && !stopping_) {
      std::vector<Waiter>& waiters = queued_[log];
      if (waiters.empty()) order_.push_back(log);
      for (Waiter& w : later) waiters.push_back(std::move(w));
    } else {
      for (Waiter& w : later) {
        post_([done = std::move(w.done)]() mutable {
          done(Status::unavailable("sync thread stopped"));
        });
      }
    }
    idle_cv_.notify_all();
  }
}

}  // namespace sluice::log
