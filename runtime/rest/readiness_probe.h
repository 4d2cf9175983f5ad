// ReadinessProbe: asks HerderApi::readiness() on its own thread so that GET /health can give up
// after a deadline when the herder is stuck. At most one call is outstanding: requests arriving
// while it runs wait for the same answer. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "runtime/rest/herder_api.h"

namespace sluice::rest {

class ReadinessProbe {
 public:
  // `herder` is borrowed and must outlive this object.
  explicit ReadinessProbe(HerderApi* herder) : herder_(herder) {}
  // Waits for an outstanding readiness() call to return.
  ~ReadinessProbe();
  ReadinessProbe(const ReadinessProbe&) = delete;
  ReadinessProbe& operator=(const ReadinessProbe&) = delete;

  // The herder's answer, or nullopt when it did not answer within `timeout`.
  std::optional<Readiness> check(std::chrono::milliseconds timeout);

 private:
  struct Call {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<Readiness> answer;
  };

  HerderApi* herder_;
  std::mutex mu_;
  std::shared_ptr<Call> current_;  // the latest call; answered or outstanding
  std::thread thread_;             // runs `current_`
};

}  // namespace sluice::rest
