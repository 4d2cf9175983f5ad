// FramePool (see frame_pool.h).
#include "broker-lite/server/frame_pool.h"

#include <algorithm>

namespace sluice::broker {

std::shared_ptr<std::vector<uint8_t>> FramePool::take(size_t size) {
  std::unique_ptr<std::vector<uint8_t>> buffer;
  // The smallest idle buffer that fits.
  auto best = idle_.end();
  for (auto it = idle_.begin(); it != idle_.end(); ++it) {
    if ((*it)->size() >= size && (best == idle_.end() || (*it)->size() < (*best)->size()))
      best = it;
  }
  if (best != idle_.end()) {
    buffer = std::move(*best);
    idle_.erase(best);
    idle_bytes_ -= buffer->size();
  } else {
    buffer = std::make_unique<std::vector<uint8_t>>(size);
  }
  std::weak_ptr<FramePool> pool = weak_from_this();
  return std::shared_ptr<std::vector<uint8_t>>(buffer.release(), [pool](std::vector<uint8_t>* b) {
    if (auto p = pool.lock()) {
      p->give_back(b);
    } else {
      delete b;
    }
  });
}

void FramePool::give_back(std::vector<uint8_t>* buffer) {
  std::unique_ptr<std::vector<uint8_t>> owned(buffer);
  if (owned->size() > kMaxPooledBuffer) return;
  // Make room by dropping the smallest idle buffers first.
  while (!idle_.empty() && idle_bytes_ + owned->size() > kMaxIdleBytes) {
    auto smallest = std::min_element(idle_.begin(), idle_.end(), [](const auto& a, const auto& b) {
      return a->size() < b->size();
    });
    if ((*smallest)->size() >= owned->size()) return;  // keep the bigger ones we have
    idle_bytes_ -= (*smallest)->size();
    idle_.erase(smallest);
  }
  if (idle_bytes_ + owned->size() > kMaxIdleBytes) return;
  idle_bytes_ += owned->size();
  idle_.push_back(std::move(owned));
}

}  // namespace sluice::broker
