// PosixFileSystem: the FileSystem of file_system.h over open/pwrite/pread/fdatasync and friends.
#include "broker-lite/log/file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sluice::log {
namespace {

Status errno_status(std::string_view what, const std::string& path, int err) {
  std::string m(what);
  m += " ";
  m += path;
  m += ": ";
  m += std::strerror(err);
  if (err == ENOENT) return Status::not_found(std::move(m));
  if (err == EEXIST) return Status::already_exists(std::move(m));
  if (err == ENOSPC || err == EDQUOT) return Status::resource_exhausted(std::move(m));
  return Status::io_error(std::move(m));
}

class PosixFile final : public File {
 public:
  PosixFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixFile() override { ::close(fd_); }

  Status write_at(uint64_t pos, std::span<const uint8_t> data) override {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n =
          ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(pos + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno_status("write", path_, errno);
      }
      done += static_cast<size_t>(n);
    }
    return Status::ok();
  }

  Result<size_t> read_at(uint64_t pos, std::span<uint8_t> out) override {
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n =
          ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(pos + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno_status("read", path_, errno);
      }
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    return done;
  }

  Result<uint64_t> size() override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return errno_status("stat", path_, errno);
    return static_cast<uint64_t>(st.st_size);
  }

  Status sync() override {
    if (::fdatasync(fd_) != 0) return errno_status("fdatasync", path_, errno);
    return Status::ok();
  }

  Status truncate(uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
      return errno_status("truncate", path_, errno);
    }
    return Status::ok();
  }

  int native_fd() const override { return fd_; }
  const std::string& path() const override { return path_; }

 private:
  int fd_;
  std::string path_;
};

}  // namespace

Result<std::unique_ptr<File>> PosixFileSystem::open(const std::string& path, OpenMode mode) {
  int flags = O_RDWR | O_CLOEXEC;
  if (mode == OpenMode::kCreate) flags |= O_CREAT;
  if (mode == OpenMode::kCreateTruncate) flags |= O_CREAT | O_TRUNC;
  int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return errno_status("open", path, errno);
  return std::unique_ptr<File>(new PosixFile(fd, path));
}

Status PosixFileSystem::rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    return errno_status("rename", from + " -> " + to, errno);
  return Status::ok();
}

Status PosixFileSystem::remove(const std::string& path) {
  if (::unlink(path.c_str()) != 0) return errno_status("remove", path, errno);
  return Status::ok();
}

Status PosixFileSystem::mkdir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0) return errno_status("mkdir", path, errno);
  return Status::ok();
}

Status PosixFileSystem::remove_dir(const std::string& path) {
  if (::rmdir(path.c_str()) != 0) return errno_status("rmdir", path, errno);
  return Status::ok();
}

Result<std::vector<std::string>> PosixFileSystem::list_dir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return errno_status("list", dir, errno);
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    names.emplace_back(e->d_name);
  }
  ::closedir(d);
  return names;
}

bool PosixFileSystem::exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

bool PosixFileSystem::is_dir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Status PosixFileSystem::sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_status("open directory", dir, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return errno_status("fsync directory", dir, err);
  return Status::ok();
}

Status read_exact(File& file, uint64_t pos, std::span<uint8_t> out) {
  Result<size_t> n = file.read_at(pos, out);
  if (!n.is_ok()) return n.status();
  if (*n != out.size()) {
    return Status::corruption("short read of " + file.path() + " at position " +
                              std::to_string(pos) + ": wanted " + std::to_string(out.size()) +
                              " bytes, got " + std::to_string(*n));
  }
  return Status::ok();
}

Status remove_dir_recursive(FileSystem& fs, const std::string& dir) {
  Result<std::vector<std::string>> names = fs.list_dir(dir);
  if (!names.is_ok()) return names.status();
  for (const std::string& name : *names) SLUICE_RETURN_IF_ERROR(fs.remove(join_path(dir, name)));
  return fs.remove_dir(dir);
}

Status write_file_atomically(FileSystem& fs, const std::string& dir, const std::string& name,
                             std::span<const uint8_t> bytes) {
  const std::string path = join_path(dir, name);
  const std::string tmp = path + ".tmp";
  {
    Result<std::unique_ptr<File>> f = fs.open(tmp, OpenMode::kCreateTruncate);
    if (!f.is_ok()) return f.status();
    SLUICE_RETURN_IF_ERROR((*f)->write_at(0, bytes));
    SLUICE_RETURN_IF_ERROR((*f)->sync());
  }
  SLUICE_RETURN_IF_ERROR(fs.rename(tmp, path));
  return fs.sync_dir(dir);
}

Result<std::vector<uint8_t>> read_whole_file(FileSystem& fs, const std::string& path) {
  Result<std::unique_ptr<File>> f = fs.open(path, OpenMode::kExisting);
  if (!f.is_ok()) return f.status();
  Result<uint64_t> size = (*f)->size();
  if (!size.is_ok()) return size.status();
  std::vector<uint8_t> content(*size);
  SLUICE_RETURN_IF_ERROR(read_exact(**f, 0, content));
  return content;
}

}  // namespace sluice::log
