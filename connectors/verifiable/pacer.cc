// Pacer: see pacer.h. Token counts use long double so that days of elapsed nanoseconds times a
// high rate neither overflow nor lose whole records.
#include "connectors/verifiable/pacer.h"

#include <cmath>

namespace sluice::connectors {

size_t Pacer::allowed(Clock::time_point now, size_t max) {
  if (unlimited()) return max;
  if (!start_) start_ = now;
  auto elapsed_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now - *start_).count();
  auto due = static_cast<uint64_t>(std::floor(static_cast<long double>(elapsed_ns) *
                                              static_cast<long double>(per_second_) / 1e9L));
  if (due > emitted_ + static_cast<uint64_t>(per_second_)) {  // stalled: catch up one second
    start_ = now - std::chrono::seconds(1);
    emitted_ = 0;
    due = static_cast<uint64_t>(per_second_);
  }
  uint64_t ready = due > emitted_ ? due - emitted_ : 0;
  return ready < max ? static_cast<size_t>(ready) : max;
}

Pacer::Clock::time_point Pacer::next_due() const {
  if (unlimited() || !start_) return Clock::now();
  auto ns = std::ceil(static_cast<long double>(emitted_ + 1) * 1e9L /
                      static_cast<long double>(per_second_));
  return *start_ + std::chrono::nanoseconds(static_cast<int64_t>(ns));
}

}  // namespace sluice::connectors
