// The file layer of the partition log: every read, write, sync, rename and directory operation
// the log does goes through a FileSystem, so tests can substitute one that simulates power loss
// and injects I/O errors (sim_file_system.h). PosixFileSystem is the real one.
//
// Threading: a File may be used from two threads at once when one only calls sync() (the group
// committer) and the other writes/reads (the network thread). FileSystem methods are
// thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "broker-lite/util/status.h"

namespace sluice::log {

class File {
 public:
  virtual ~File() = default;
  File() = default;
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  // Writes all of `data` (borrowed for the call) at `pos`, extending the file if needed.
  virtual Status write_at(uint64_t pos, std::span<const uint8_t> data) = 0;
  // Reads up to out.size() bytes at `pos` into `out`; returns how many were read (fewer only at
  // the end of the file).
  virtual Result<size_t> read_at(uint64_t pos, std::span<uint8_t> out) = 0;
  virtual Result<uint64_t> size() = 0;
  // fdatasync: the file's data (and its size) become durable. Not its directory entry.
  virtual Status sync() = 0;
  virtual Status truncate(uint64_t size) = 0;
  // The OS descriptor for sendfile(2)/mmap(2), or -1 when the file is not an OS file.
  virtual int native_fd() const { return -1; }
  // The path the file was opened under (for messages).
  virtual const std::string& path() const = 0;
};

enum class OpenMode {
  kExisting,       // fail with kNotFound when missing
  kCreate,         // open, creating an empty file when missing
  kCreateTruncate  // create, or truncate an existing file to 0 bytes
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Opens `path` for reading and writing. The File may outlive removal or renaming of `path`.
  virtual Result<std::unique_ptr<File>> open(const std::string& path, OpenMode mode) = 0;
  // Atomically replaces `to` with `from` (POSIX rename). Durable only after sync_dir().
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  // Removes a file (not a directory). kNotFound when missing.
  virtual Status remove(const std::string& path) = 0;
  // Creates one directory level. kAlreadyExists when it exists.
  virtual Status mkdir(const std::string& path) = 0;
  // Removes an empty directory.
  virtual Status remove_dir(const std::string& path) = 0;
  // Names (not paths) of the entries of `dir`, without "." and "..", in no particular order.
  virtual Result<std::vector<std::string>> list_dir(const std::string& dir) = 0;
  virtual bool exists(const std::string& path) = 0;
  virtual bool is_dir(const std::string& path) = 0;
  // fsync of a directory: creations, renames and removals of its entries become durable.
  virtual Status sync_dir(const std::string& dir) = 0;
};

// The operating system's file system (open/pwrite/pread/fdatasync/rename/...).
class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<File>> open(const std::string& path, OpenMode mode) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status remove(const std::string& path) override;
  Status mkdir(const std::string& path) override;
  Status remove_dir(const std::string& path) override;
  Result<std::vector<std::string>> list_dir(const std::string& dir) override;
  bool exists(const std::string& path) override;
  bool is_dir(const std::string& path) override;
  Status sync_dir(const std::string& dir) override;
};

// "<dir>/<name>".
inline std::string join_path(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

// Reads exactly out.size() bytes at `pos` or fails (kCorruption naming the file when the file
// is shorter).
Status read_exact(File& file, uint64_t pos, std::span<uint8_t> out);

// Removes every file in `dir` and then `dir` itself (one level; sub-directories fail).
Status remove_dir_recursive(FileSystem& fs, const std::string& dir);

// Replaces `<dir>/<name>` with `bytes` (borrowed for the call) atomically and durably: writes
// `<name>.tmp`, fdatasyncs it, renames it over `<name>` and fsyncs `dir`.
Status write_file_atomically(FileSystem& fs, const std::string& dir, const std::string& name,
                             std::span<const uint8_t> bytes);

// The whole content of the file at `path`.
Result<std::vector<uint8_t>> read_whole_file(FileSystem& fs, const std::string& path);

}  // namespace sluice::log
