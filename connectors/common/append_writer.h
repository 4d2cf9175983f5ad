// AppendWriter: buffered appends to a file (or stdout) with an explicit durability point, the
// output side of FileStreamSink and VerifiableSink. Bytes go to a user-space buffer and are
// written out when it fills; sync() writes what is buffered and, for a regular file, waits for
// fdatasync, so that everything appended before sync() returned survives a power loss. The
// sinks call sync() from flush/pre_commit, before the host commits consumer offsets.
#ifndef SLUICE_CONNECTORS_COMMON_APPEND_WRITER_H_
#define SLUICE_CONNECTORS_COMMON_APPEND_WRITER_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace sluice::connectors {

class AppendWriter {
 public:
  // Opens `path` for appending (created with mode 0644 when missing); an empty path writes to
  // stdout (not synced: a pipe or terminal has no durability). Throws std::system_error.
  explicit AppendWriter(std::string path, size_t buffer_size = 1 << 20);
  // Writes out what is buffered (best effort, no sync) and closes the file.
  ~AppendWriter();
  AppendWriter(const AppendWriter&) = delete;
  AppendWriter& operator=(const AppendWriter&) = delete;

  // Appends `text` plus "\n" (borrowed; copied into the buffer). A line is never split across
  // two write() calls when it fits in the buffer, so several writers appending to one file
  // (O_APPEND) never interleave inside such a line. A longer line is written directly.
  void append_line(std::string_view text);
  // Writes the buffer out and makes it durable (fdatasync of a regular file). Throws
  // std::system_error; the bytes not written stay buffered for the next attempt.
  void sync();
  // Writes the buffer out without syncing.
  void write_out();

  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] size_t buffered() const noexcept { return buffer_.size(); }

 private:
  // Writes data[done, size), advancing `done` (which stays accurate when it throws).
  void write_all(const char* data, size_t size, size_t& done);
  [[noreturn]] void throw_write_error(int error) const;

  std::string path_;
  int fd_;
  bool is_regular_file_ = false;
  bool dirty_ = false;  // bytes written since the last fdatasync
  size_t capacity_;
  std::string buffer_;
};

}  // namespace sluice::connectors

#endif  // SLUICE_CONNECTORS_COMMON_APPEND_WRITER_H_
