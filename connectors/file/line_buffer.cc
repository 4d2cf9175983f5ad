// LineBuffer: see line_buffer.h.
#include "connectors/file/line_buffer.h"

#include <cstring>

namespace sluice::connectors {

LineBuffer::LineBuffer(size_t capacity)
    : data_(std::make_unique<char[]>(capacity)), capacity_(capacity) {}

void LineBuffer::release() {
  lent_from_ = start_;
  // Keep appending behind the pending bytes while at least half the buffer is free behind them;
  // otherwise move them (normally one partial line) to the front.
  if (start_ > 0 && capacity_ - end_ < capacity_ / 2) {
    size_t pending = end_ - start_;
    std::memmove(data_.get(), data_.get() + start_, pending);
    start_ = 0;
    end_ = pending;
    lent_from_ = 0;
  }
}

std::span<char> LineBuffer::writable() noexcept {
  return std::span<char>(data_.get() + end_, capacity_ - end_);
}

void LineBuffer::commit(size_t n) noexcept {
  end_ += n;
}

std::optional<LineBuffer::Line> LineBuffer::next_line() noexcept {
  const char* base = data_.get() + start_;
  size_t available = end_ - start_;
  if (scanned_ >= available) return std::nullopt;
  const char* from = base + scanned_;
  size_t rest = available - scanned_;
  const char* nl = static_cast<const char*>(std::memchr(from, '\n', rest));
  size_t until = nl == nullptr ? rest : static_cast<size_t>(nl - from);
  const char* cr = static_cast<const char*>(std::memchr(from, '\r', until));
  size_t length;
  size_t consumed;
  if (cr != nullptr) {
    length = static_cast<size_t>(cr - base);
    if (length + 1 >= available) {  // "\r" is the last byte: wait for the next one
      scanned_ = length;
      return std::nullopt;
    }
    consumed = length + (base[length + 1] == '\n' ? 2 : 1);
  } else if (nl != nullptr) {
    length = static_cast<size_t>(nl - base);
    consumed = length + 1;
  } else {
    scanned_ = available;
    return std::nullopt;
  }
  start_ += consumed;
  scanned_ = 0;
  return Line{std::string_view(base, length), consumed};
}

std::string_view LineBuffer::take_rest() noexcept {
  std::string_view rest = pending();
  start_ = end_;
  scanned_ = 0;
  return rest;
}

bool LineBuffer::make_room() {
  if (lent_from_ != start_) return false;
  size_t pending = end_ - start_;
  if (start_ > 0) {
    std::memmove(data_.get(), data_.get() + start_, pending);
  } else if (end_ == capacity_) {  // one line fills the whole buffer: grow
    size_t bigger = capacity_ * 2;
    auto grown = std::make_unique<char[]>(bigger);
    std::memcpy(grown.get(), data_.get(), pending);
    data_ = std::move(grown);
    capacity_ = bigger;
  }
  start_ = 0;
  end_ = pending;
  lent_from_ = 0;
  return true;
}

void LineBuffer::clear() noexcept {
  start_ = end_ = lent_from_ = scanned_ = 0;
}

}  // namespace sluice::connectors
