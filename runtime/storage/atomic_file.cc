// Durable whole-file replacement and reading for the worker's state files (atomic_file.h).
#include "runtime/storage/atomic_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <span>

namespace sluice::storage {
namespace {

// The name to fsync for `dir`: a relative path's directory is "" — the current directory, which
// a POSIX file system names "." and the simulated one names "".
std::string syncable_dir(log::FileSystem& fs, const std::string& dir) {
  if (dir.empty() && fs.is_dir(".")) return ".";
  return dir;
}

Status sync_parent_of(log::FileSystem& fs, const std::string& path) {
  return fs.sync_dir(syncable_dir(fs, parent_dir(path)));
}

// Writes the temporary file completely and syncs it; the File is closed on return.
Status write_and_sync_tmp(log::FileSystem& fs, const std::string& tmp, std::string_view bytes,
                          FileAccess access) {
  Result<std::unique_ptr<log::File>> file = fs.open(tmp, log::OpenMode::kCreateTruncate);
  if (!file.is_ok()) return file.status();
  if (access == FileAccess::kOwnerOnly && (*file)->native_fd() >= 0) {
    if (::fchmod((*file)->native_fd(), S_IRUSR | S_IWUSR) != 0) {
      return Status::io_error("chmod 0600 " + tmp + ": " + std::strerror(errno));
    }
  }
  if (!bytes.empty()) {
    SLUICE_RETURN_IF_ERROR((*file)->write_at(
        0, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size())));
  }
  return (*file)->sync();
}

}  // namespace

std::string parent_dir(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return "";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status ensure_dir_durably(log::FileSystem& fs, const std::string& dir) {
  if (dir.empty() || dir == "/" || fs.is_dir(dir)) return Status::ok();
  SLUICE_RETURN_IF_ERROR(ensure_dir_durably(fs, parent_dir(dir)));
  Status made = fs.mkdir(dir);
  if (!made.is_ok() && made.code() != StatusCode::kAlreadyExists) {
    return made.with_context("create directory " + dir);
  }
  return sync_parent_of(fs, dir);
}

Status replace_file_durably(log::FileSystem& fs, const std::string& path, std::string_view bytes,
                            FileAccess access) {
  const std::string tmp = path + ".tmp";
  SLUICE_RETURN_IF_ERROR(ensure_dir_durably(fs, parent_dir(path)));
  Status written = write_and_sync_tmp(fs, tmp, bytes, access);
  if (written.is_ok()) written = fs.rename(tmp, path);
  if (!written.is_ok()) {
    (void)fs.remove(tmp);  // best effort: a leftover .tmp is ignored and removed at the next open
    return written.with_context("write " + path);
  }
  return sync_parent_of(fs, path).with_context("write " + path);
}

Result<std::optional<std::string>> read_state_file(log::FileSystem& fs, const std::string& path) {
  const std::string tmp = path + ".tmp";
  if (fs.exists(tmp)) {
    Status removed = fs.remove(tmp);
    if (!removed.is_ok() && removed.code() != StatusCode::kNotFound) return removed;
  }
  Result<std::vector<uint8_t>> bytes = log::read_whole_file(fs, path);
  if (bytes.is_ok()) return std::optional<std::string>(std::string(bytes->begin(), bytes->end()));
  if (bytes.status().code() == StatusCode::kNotFound && !fs.exists(path)) {
    return std::optional<std::string>();
  }
  return bytes.status().with_context("read " + path);
}

}  // namespace sluice::storage
