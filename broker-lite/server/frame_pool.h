// Reusable request-frame buffers of one connection. Frames of up to a MiB arrive back to back on
// a busy producer connection; reusing a few buffers avoids both the page faults of fresh large
// allocations and a heap that keeps growing. A frame handed out returns to the pool when its
// last owner drops it (or is freed if the pool is gone). Network thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace sluice::broker {

class FramePool : public std::enable_shared_from_this<FramePool> {
 public:
  // At most this many bytes of idle buffers are kept.
  static constexpr size_t kMaxIdleBytes = size_t{8} << 20;
  // Buffers larger than this are never kept.
  static constexpr size_t kMaxPooledBuffer = size_t{2} << 20;

  // A buffer whose size() is at least `size` (its first `size` bytes are the frame's; the rest
  // is slack from an earlier, larger frame). Contents are unspecified.
  std::shared_ptr<std::vector<uint8_t>> take(size_t size);
  size_t idle_bytes() const { return idle_bytes_; }

 private:
  void give_back(std::vector<uint8_t>* buffer);

  std::vector<std::unique_ptr<std::vector<uint8_t>>> idle_;
  size_t idle_bytes_ = 0;
};

}  // namespace sluice::broker
