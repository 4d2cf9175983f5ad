// SimulatedPowerLossFileSystem: an in-memory FileSystem for tests that knows, for every file,
// which bytes are durable (synced) and, for every directory, which entries are durable (created,
// renamed or removed before the directory's last sync_dir). crash() turns the tree into what a
// power loss would leave behind. It also injects I/O errors on sync/write and can "stop the
// machine" after a number of mutating operations, so a test can crash at every step of a
// procedure.
//
// Model: file data becomes durable only by File::sync (all of it). A directory entry becomes
// durable only by sync_dir of its parent; a directory's own entry likewise. The root ("/" or
// "") always exists. Thread-safe (one mutex). Limitation: entries are keyed by full path, so the
// files inside a renamed directory are durable only under the old name (the log renames
// directories only to delete them).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "broker-lite/log/file_system.h"

namespace sluice::log {

class SimulatedPowerLossFileSystem final : public FileSystem {
 public:
  SimulatedPowerLossFileSystem();
  ~SimulatedPowerLossFileSystem() override;

  Result<std::unique_ptr<File>> open(const std::string& path, OpenMode mode) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status remove(const std::string& path) override;
  Status mkdir(const std::string& path) override;
  Status remove_dir(const std::string& path) override;
  Result<std::vector<std::string>> list_dir(const std::string& dir) override;
  bool exists(const std::string& path) override;
  bool is_dir(const std::string& path) override;
  Status sync_dir(const std::string& dir) override;

  // Power loss: unsynced data and unsynced directory changes are undone. With `rng`, a random
  // prefix of each file's unsynced appended bytes survives (the disk wrote part of the page
  // cache). Files opened before the crash are detached: their operations fail afterwards. Also
  // clears injected faults and the operation budget.
  void crash(std::mt19937_64* rng = nullptr);

  // The next `n` File::sync calls fail with kIoError (the data stays unsynced).
  void fail_next_syncs(int n);
  // The next `n` File::write_at calls fail with kIoError and write nothing.
  void fail_next_writes(int n);
  // After `n` more mutating operations (write, sync, truncate, create, rename, remove, mkdir,
  // sync_dir) every mutating operation fails with kIoError: the machine stopped. -1: no limit.
  void set_operation_budget(int64_t n);
  bool operation_budget_exhausted() const;

  // Counters of successful syncs since construction.
  int64_t file_syncs() const;
  int64_t dir_syncs() const;

  // Current (not necessarily durable) contents of a file; empty when missing. For tests.
  std::vector<uint8_t> contents(const std::string& path) const;

 private:
  struct Node;
  class SimFile;
  friend class SimFile;

  // All with mu_ held.
  Status consume_operation(const std::string& what);
  bool dir_exists_locked(const std::string& dir) const;
  bool durable_chain_locked(const std::string& path) const;

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Node>> files_;          // current namespace
  std::map<std::string, std::shared_ptr<Node>> durable_files_;  // as of the last dir syncs
  std::set<std::string> dirs_;
  std::set<std::string> durable_dirs_;
  int fail_syncs_ = 0;
  int fail_writes_ = 0;
  int64_t budget_ = -1;
  int64_t file_syncs_ = 0;
  int64_t dir_syncs_ = 0;
  uint64_t generation_ = 0;  // bumped by crash(); older handles are dead
};

}  // namespace sluice::log
