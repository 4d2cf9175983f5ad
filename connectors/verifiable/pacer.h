// Pacer: a token schedule that holds a task to `per_second` records per second on average. The
// n-th record (counting from the first call) is due at start + n / per_second; allowed() says how
// many records are due now, next_due() when the next one will be, so a task sleeps exactly that
// long instead of spinning. After a stall (the host stopped polling for a while) it catches up
// at most one second's worth of records, then resumes the steady rate.
#ifndef SLUICE_CONNECTORS_VERIFIABLE_PACER_H_
#define SLUICE_CONNECTORS_VERIFIABLE_PACER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace sluice::connectors {

class Pacer {
 public:
  using Clock = std::chrono::steady_clock;

  // per_second <= 0: no limit (allowed() always returns `max`).
  explicit Pacer(int64_t per_second) : per_second_(per_second) {}

  // Records that may be emitted at `now`, at most `max`. The first call starts the schedule.
  [[nodiscard]] size_t allowed(Clock::time_point now, size_t max);
  // Counts `n` records as emitted.
  void consumed(size_t n) noexcept { emitted_ += n; }
  // When the next record is due (after a call of allowed()).
  [[nodiscard]] Clock::time_point next_due() const;

  [[nodiscard]] bool unlimited() const noexcept { return per_second_ <= 0; }

 private:
  int64_t per_second_;
  std::optional<Clock::time_point> start_;
  uint64_t emitted_ = 0;  // since start_
};

}  // namespace sluice::connectors

#endif  // SLUICE_CONNECTORS_VERIFIABLE_PACER_H_
