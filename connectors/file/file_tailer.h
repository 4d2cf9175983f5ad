// FileTailer: follows one file (or stdin) and hands out its complete lines, each with the byte
// position just after it, without copying them. It is the whole behaviour of the file source
// apart from the ABI glue, so it can be tested without a host:
//  - starts at a given byte position (the committed offset), or at 0 when the file is shorter
//    than that position;
//  - follows a growing file: when no data is there, waits (inotify on the file's directory,
//    bounded by the caller's max wait) and never spins;
//  - detects truncation (size < read position: restart at 0 of the same file) and replacement
//    (the path names another inode, e.g. after log rotation: the rest of the old file is read,
//    its unterminated last line is delivered as a line, then the new file is read from 0), each
//    with a warning;
//  - waits for a missing file to appear (logged once);
//  - holds a partial last line until its terminator arrives (on stdin, until stdin is closed:
//    then it is delivered as the last line).
// Not thread-safe except wake().
#ifndef SLUICE_CONNECTORS_FILE_FILE_TAILER_H_
#define SLUICE_CONNECTORS_FILE_FILE_TAILER_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "connectors/common/waiter.h"
#include "connectors/file/line_buffer.h"

namespace sluice::connectors {

class FileTailer {
 public:
  struct Line {
    std::string_view text;  // lent until the next poll() (points into the read buffer)
    uint64_t position;      // byte offset just after the line and its terminator
  };
  enum class LogLevel { kWarn, kInfo };
  // Receives the tailer's notices (truncation, rotation, waiting for the file); borrowed text.
  using Logger = std::function<void(LogLevel, std::string_view)>;

  struct Options {
    std::string path;              // empty = stdin (positions then count bytes read from stdin)
    uint64_t start_position = 0;   // where to resume in the file
    size_t buffer_size = 1 << 20;  // read chunk; grows only for a longer line
    Logger logger;                 // may be empty
    int stdin_fd = 0;              // the descriptor read when path is empty (tests pass a pipe)
  };

  explicit FileTailer(Options options);
  ~FileTailer();
  FileTailer(const FileTailer&) = delete;
  FileTailer& operator=(const FileTailer&) = delete;

  // Ends the loan of the previous lines, then fills `out` from the front with up to out.size()
  // lines and returns how many. Waits up to `max_wait` when no line is available; returns 0 on
  // timeout or after wake(). Throws std::system_error for an I/O error other than a missing file.
  [[nodiscard]] size_t poll(std::span<Line> out, std::chrono::milliseconds max_wait);

  // Thread-safe, non-blocking: makes a waiting poll() return promptly.
  void wake() noexcept { waiter_.wake(); }

  // The position after the last line handed out (where a restart would resume).
  [[nodiscard]] uint64_t position() const noexcept { return position_; }

 private:
  enum class Change { kNone, kTruncated, kReplaced };

  bool try_open();
  void close_file() noexcept;
  size_t read_some();
  Change check_file();
  bool watch_event_is_ours();
  void ensure_watch();
  void log(LogLevel level, const std::string& text) const;

  Options options_;
  std::string directory_;  // of options_.path, for the inotify watch
  std::string basename_;
  LineBuffer buffer_;
  Waiter waiter_;
  int fd_ = -1;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  int inotify_fd_ = -1;
  int watch_ = -1;
  uint64_t position_ = 0;       // file offset of the first unreturned buffered byte
  uint64_t read_position_ = 0;  // file offset of the next read
  bool opened_once_ = false;
  bool missing_logged_ = false;
  bool stdin_eof_ = false;
};

}  // namespace sluice::connectors

#endif  // SLUICE_CONNECTORS_FILE_FILE_TAILER_H_
