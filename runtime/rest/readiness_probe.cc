// ReadinessProbe: one readiness() call at a time on a helper thread, waited for with a deadline.
#include "runtime/rest/readiness_probe.h"

#include <utility>

namespace sluice::rest {

ReadinessProbe::~ReadinessProbe() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) thread_.join();
}

std::optional<Readiness> ReadinessProbe::check(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::shared_ptr<Call> call;
  {
    std::lock_guard lock(mu_);
    bool outstanding = false;
    if (current_) {
      std::lock_guard call_lock(current_->mu);
      outstanding = !current_->answer.has_value();
    }
    if (outstanding) {
      call = current_;
    } else {
      // The previous call (if any) has answered, so its thread is finishing: join, start anew.
      if (thread_.joinable()) thread_.join();
      call = std::make_shared<Call>();
      current_ = call;
      thread_ = std::thread([herder = herder_, call] {
        const Readiness answer = herder->readiness();
        std::lock_guard call_lock(call->mu);
        call->answer = answer;
        call->cv.notify_all();
      });
    }
  }
  std::unique_lock call_lock(call->mu);
  call->cv.wait_until(call_lock, deadline, [&] { return call->answer.has_value(); });
  return call->answer;
}

}  // namespace sluice::rest
