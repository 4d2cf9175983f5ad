// Waiter: lets a task's poll sleep until a deadline, an optional file descriptor becomes
// readable, or another thread calls wake() — whichever comes first. Used by the file source (to
// wait for a file to grow) and the verifiable source (to pace its records), so that neither ever
// spins and both honour the ABI's `wake` hook promptly.
#ifndef SLUICE_CONNECTORS_COMMON_WAITER_H_
#define SLUICE_CONNECTORS_COMMON_WAITER_H_

#include <chrono>

namespace sluice::connectors {

class Waiter {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Result { kTimeout, kWoken, kReady };

  // Creates the eventfd behind wake(); throws std::system_error if the system refuses it.
  Waiter();
  ~Waiter();
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;

  // Thread-safe, never blocks: the current or the next wait() returns kWoken (once).
  void wake() noexcept;

  // Blocks until wake() (kWoken; consumes the wake-up), `fd` (>= 0; -1 = none; borrowed) is
  // readable (kReady; the caller drains it) or `deadline` passed (kTimeout). EINTR is retried.
  [[nodiscard]] Result wait(int fd, Clock::time_point deadline);

 private:
  int event_fd_;
};

}  // namespace sluice::connectors

#endif  // SLUICE_CONNECTORS_COMMON_WAITER_H_
