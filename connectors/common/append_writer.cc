// AppendWriter: see append_writer.h.
#include "connectors/common/append_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace sluice::connectors {

AppendWriter::AppendWriter(std::string path, size_t buffer_size)
    : path_(std::move(path)), capacity_(buffer_size) {
  if (path_.empty()) {
    fd_ = STDOUT_FILENO;
  } else {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      throw std::system_error(errno, std::generic_category(), "cannot open " + path_);
    }
  }
  struct stat st;
  is_regular_file_ = ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode);
  buffer_.reserve(capacity_);
}

AppendWriter::~AppendWriter() {
  try {
    write_out();
  } catch (const std::system_error&) {  // the caller's last sync() already reported failures
  }
  if (fd_ != STDOUT_FILENO) ::close(fd_);
}

void AppendWriter::throw_write_error(int error) const {
  throw std::system_error(error, std::generic_category(),
                          "cannot write " + (path_.empty() ? std::string("stdout") : path_));
}

void AppendWriter::write_all(const char* data, size_t size, size_t& done) {
  while (done < size) {
    ssize_t n = ::write(fd_, data + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_write_error(errno);
    }
    done += static_cast<size_t>(n);
    dirty_ = true;
  }
}

void AppendWriter::append_line(std::string_view text) {
  if (buffer_.size() + text.size() + 1 > capacity_) write_out();
  if (text.size() + 1 <= capacity_) {
    buffer_.append(text);
    buffer_ += '\n';
    return;
  }
  // Longer than the buffer: one writev for text and newline (split only by a short write).
  iovec parts[2] = {{const_cast<char*>(text.data()), text.size()}, {const_cast<char*>("\n"), 1}};
  ssize_t n;
  do {
    n = ::writev(fd_, parts, 2);
  } while (n < 0 && errno == EINTR);
  if (n < 0) throw_write_error(errno);
  dirty_ = true;
  size_t done = static_cast<size_t>(n);
  if (done < text.size()) write_all(text.data(), text.size(), done);
  if (done <= text.size()) {
    size_t newline_done = 0;
    write_all("\n", 1, newline_done);
  }
}

void AppendWriter::write_out() {
  size_t done = 0;
  try {
    write_all(buffer_.data(), buffer_.size(), done);
  } catch (...) {
    // Drop the bytes that did reach the file, so that a retry does not write them twice.
    buffer_.erase(0, done);
    throw;
  }
  buffer_.clear();
}

void AppendWriter::sync() {
  write_out();
  if (!is_regular_file_ || !dirty_) return;
  if (::fdatasync(fd_) != 0) {
    throw std::system_error(errno, std::generic_category(), "cannot fdatasync " + path_);
  }
  dirty_ = false;
}

}  // namespace sluice::connectors
