// JobQueue: see job_queue.h.
#include "runtime/worker/job_queue.h"

#include "broker-lite/util/logging.h"

namespace sluice::worker {

bool JobQueue::post(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

Status JobQueue::call_status(std::function<Status()> job, std::chrono::milliseconds timeout) {
  auto result = call<bool>(
      [job = std::move(job)]() -> Result<bool> {
        Status status = job();
        if (!status.is_ok()) return status;
        return true;
      },
      timeout);
  return result.status();
}

std::deque<JobQueue::Job> JobQueue::take(std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, wait, [this] { return closed_ || !jobs_.empty(); });
  std::deque<Job> taken;
  taken.swap(jobs_);
  return taken;
}

void JobQueue::run(std::deque<Job>& jobs) {
  for (auto& job : jobs) {
    try {
      job();
    } catch (const std::exception& e) {
      SLUICE_LOG(kError, "herder", std::string("a herder job threw: ") + e.what());
    }
  }
}

void JobQueue::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    jobs_.clear();  // waiting callers see "worker is shutting down"
  }
  cv_.notify_all();
}

bool JobQueue::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

}  // namespace sluice::worker
