// LineBuffer: bytes read from a file or stdin, split into lines without copying. Lines are handed
// out as views into the buffer; they stay valid until release() (the file source calls it at the
// start of each poll, when the previous batch is no longer lent to the host). Line terminators
// follow Kafka Connect's FileStreamSource: "\n", "\r\n" and a lone "\r" each end a line; a "\r"
// that is the last byte read so far is held until the next byte shows whether "\n" follows.
#ifndef SLUICE_CONNECTORS_FILE_LINE_BUFFER_H_
#define SLUICE_CONNECTORS_FILE_LINE_BUFFER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

namespace sluice::connectors {

class LineBuffer {
 public:
  struct Line {
    std::string_view text;  // without its terminator; points into the buffer (see release())
    size_t consumed;        // bytes of text plus terminator
  };

  // `capacity` bytes are allocated once; the buffer grows (doubling) only for a line longer than
  // the whole buffer.
  explicit LineBuffer(size_t capacity);

  // Ends the loan of every line returned so far: their bytes may now be overwritten. Moves the
  // unreturned bytes (usually a partial line) to the front when little space is left behind them.
  void release();

  // Space after the buffered bytes for the next read; empty when the buffer is full. Valid until
  // the next call of any non-const member.
  [[nodiscard]] std::span<char> writable() noexcept;
  // Records that `n` bytes were written at the start of writable().
  void commit(size_t n) noexcept;

  // The next complete line, or nullopt when only a partial line (or nothing) is buffered.
  [[nodiscard]] std::optional<Line> next_line() noexcept;

  // Returns every pending byte as one last line (an unterminated line at the end of a file that
  // will not grow any more); lent like the others. Empty view when nothing is pending.
  [[nodiscard]] std::string_view take_rest() noexcept;

  // Makes room for more bytes when writable() is empty and no line is on loan (nothing was
  // returned since the last release()): compacts, or doubles the capacity for a line longer than
  // the buffer. Returns false if lines are on loan (the caller must hand its batch out first).
  bool make_room();

  // Bytes buffered but not returned as lines (a partial line, or lines not fetched yet).
  [[nodiscard]] std::string_view pending() const noexcept {
    return std::string_view(data_.get() + start_, end_ - start_);
  }
  // Drops every buffered byte (after a truncation of the file). Only between release() and the
  // next next_line().
  void clear() noexcept;

  [[nodiscard]] size_t capacity() const noexcept { return capacity_; }

 private:
  std::unique_ptr<char[]> data_;
  size_t capacity_;
  size_t start_ = 0;      // first byte not returned as a line
  size_t end_ = 0;        // one past the last buffered byte
  size_t lent_from_ = 0;  // first byte of the lines on loan (== start_ when none)
  size_t scanned_ = 0;    // bytes after start_ known to hold no terminator
};

}  // namespace sluice::connectors

#endif  // SLUICE_CONNECTORS_FILE_LINE_BUFFER_H_
