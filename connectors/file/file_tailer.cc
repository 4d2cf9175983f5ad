// FileTailer: see file_tailer.h.
#include "connectors/file/file_tailer.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace sluice::connectors {
namespace {

[[noreturn]] void throw_errno(int error, const std::string& what) {
  throw std::system_error(error, std::generic_category(), what);
}

}  // namespace

FileTailer::FileTailer(Options options)
    : options_(std::move(options)), buffer_(options_.buffer_size) {
  if (options_.path.empty()) {
    fd_ = options_.stdin_fd;
    return;
  }
  auto slash = options_.path.rfind('/');
  directory_ = slash == std::string::npos ? "." : options_.path.substr(0, slash + 1);
  basename_ = slash == std::string::npos ? options_.path : options_.path.substr(slash + 1);
  inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0) throw_errno(errno, "inotify_init1");
  ensure_watch();
}

FileTailer::~FileTailer() {
  close_file();
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
}

void FileTailer::log(LogLevel level, const std::string& text) const {
  if (options_.logger) options_.logger(level, text);
}

void FileTailer::ensure_watch() {
  if (watch_ >= 0 || inotify_fd_ < 0) return;
  // A missing directory is tolerated: the watch is retried at the next poll, and waits are
  // bounded by the caller's max wait meanwhile.
  watch_ = ::inotify_add_watch(inotify_fd_, directory_.c_str(),
                               IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                   IN_ATTRIB | IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF);
}

bool FileTailer::watch_event_is_ours() {
  alignas(inotify_event) char events[4096];
  bool ours = false;
  for (;;) {
    ssize_t n = ::read(inotify_fd_, events, sizeof events);
    if (n <= 0) break;
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(events + at);
      bool about_directory = (event->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) != 0;
      if (about_directory) watch_ = -1;
      if (about_directory || (event->mask & IN_Q_OVERFLOW) != 0 ||
          (event->len > 0 && basename_ == event->name)) {
        ours = true;
      }
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
  return ours;
}

void FileTailer::close_file() noexcept {
  if (fd_ >= 0 && !options_.path.empty()) ::close(fd_);
  if (!options_.path.empty()) fd_ = -1;
}

bool FileTailer::try_open() {
  if (fd_ >= 0) return true;
  int fd = ::open(options_.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT) throw_errno(errno, "cannot open " + options_.path);
    if (!missing_logged_) {
      log(LogLevel::kInfo, "file " + options_.path + " does not exist yet; waiting for it");
      missing_logged_ = true;
    }
    return false;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int error = errno;
    ::close(fd);
    throw_errno(error, "cannot stat " + options_.path);
  }
  fd_ = fd;
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  missing_logged_ = false;
  uint64_t start = opened_once_ ? 0 : options_.start_position;
  opened_once_ = true;
  if (static_cast<uint64_t>(st.st_size) < start) {
    log(LogLevel::kWarn, "file " + options_.path + " has " + std::to_string(st.st_size) +
                             " bytes, fewer than the committed position " + std::to_string(start) +
                             ": it was truncated or replaced; reading it from position 0");
    start = 0;
  }
  if (start > 0 && ::lseek(fd_, static_cast<off_t>(start), SEEK_SET) < 0) {
    throw_errno(errno, "cannot seek " + options_.path);
  }
  position_ = read_position_ = start;
  buffer_.clear();
  return true;
}

size_t FileTailer::read_some() {
  if (stdin_eof_) return 0;
  if (options_.path.empty()) {  // never block on stdin: read only what is ready
    pollfd ready = {fd_, POLLIN, 0};
    if (::poll(&ready, 1, 0) <= 0) return 0;
  }
  auto space = buffer_.writable();
  for (;;) {
    ssize_t n = ::read(fd_, space.data(), space.size());
    if (n >= 0) {
      if (n == 0 && options_.path.empty()) {
        stdin_eof_ = true;
        log(LogLevel::kInfo, "stdin is closed; no more lines will arrive");
      }
      buffer_.commit(static_cast<size_t>(n));
      read_position_ += static_cast<uint64_t>(n);
      return static_cast<size_t>(n);
    }
    if (errno != EINTR) throw_errno(errno, "cannot read " + options_.path);
  }
}

FileTailer::Change FileTailer::check_file() {
  struct stat now;
  if (::stat(options_.path.c_str(), &now) != 0) {
    if (errno != ENOENT) throw_errno(errno, "cannot stat " + options_.path);
    return Change::kNone;  // renamed away, not recreated yet: keep the old file open
  }
  if (now.st_dev != dev_ || now.st_ino != ino_) return Change::kReplaced;
  struct stat open_file;
  if (::fstat(fd_, &open_file) != 0) throw_errno(errno, "cannot stat " + options_.path);
  if (static_cast<uint64_t>(open_file.st_size) < read_position_) return Change::kTruncated;
  return Change::kNone;
}

size_t FileTailer::poll(std::span<Line> out, std::chrono::milliseconds max_wait) {
  buffer_.release();
  auto deadline = Waiter::Clock::now() + max_wait;
  size_t n = 0;
  for (;;) {
    ensure_watch();
    if (fd_ < 0 && !try_open()) {
      if (waiter_.wait(inotify_fd_, deadline) != Waiter::Result::kReady) return 0;
      watch_event_is_ours();
      continue;
    }
    while (n < out.size()) {
      auto line = buffer_.next_line();
      if (!line) break;
      position_ += line->consumed;
      out[n++] = Line{line->text, position_};
    }
    if (n == out.size()) return n;
    if (buffer_.writable().empty() && !buffer_.make_room()) return n;  // hand the lent lines out
    if (read_some() > 0) continue;
    if (n > 0) return n;
    if (stdin_eof_ && !buffer_.pending().empty()) {  // stdin ended inside a line: deliver it
      std::string_view rest = buffer_.take_rest();
      position_ += rest.size();
      out[n++] = Line{rest, position_};
      return n;
    }
    if (!options_.path.empty()) {
      switch (check_file()) {
        case Change::kTruncated:
          log(LogLevel::kWarn, "file " + options_.path + " was truncated below position " +
                                   std::to_string(read_position_) +
                                   "; reading it again from position 0");
          if (::lseek(fd_, 0, SEEK_SET) < 0) throw_errno(errno, "cannot seek " + options_.path);
          buffer_.clear();
          position_ = read_position_ = 0;
          continue;
        case Change::kReplaced: {
          log(LogLevel::kWarn, "file " + options_.path +
                                   " was replaced by a new file (rotation); reading the new file "
                                   "from position 0");
          std::string_view rest = buffer_.take_rest();  // the old file's unterminated last line
          uint64_t rest_end = read_position_;
          close_file();
          if (try_open() && !rest.empty()) {
            out[n++] = Line{rest, rest_end};
            return n;
          }
          continue;
        }
        case Change::kNone:
          break;
      }
    }
    int wait_fd = options_.path.empty() ? (stdin_eof_ ? -1 : fd_) : inotify_fd_;
    Waiter::Result result;
    do {
      result = waiter_.wait(wait_fd, deadline);
    } while (result == Waiter::Result::kReady && !options_.path.empty() && !watch_event_is_ours());
    if (result != Waiter::Result::kReady) return 0;
  }
}

}  // namespace sluice::connectors
