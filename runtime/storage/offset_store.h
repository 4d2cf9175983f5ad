// FileOffsetStore: the standalone worker's source offsets (`offset.storage.file.filename`), one
// entry per (connector, source partition), kept in memory and rewritten as a whole file on each
// flush in the format of docs/formats/worker-storage.md §1 (header, sorted TAB-separated
// entries, `end <count> <crc32c>` trailer), by the atomic procedure of atomic_file.h.
//
// Keys and values are canonical JSON texts rendered by the caller (runtime/data); the store
// checks their shape (key `[string, object]`, value an object, no raw TAB/CR/LF) so that it never
// writes a file it could not read back, and otherwise stores the bytes as given.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "broker-lite/log/file_system.h"
#include "broker-lite/util/status.h"
#include "runtime/storage/source_offsets.h"

namespace sluice::storage {

class FileOffsetStore : public SourceOffsets {
 public:
  // Loads the file at `path`. `fs` is borrowed and must outlive the store. A missing file gives
  // an empty store; a leftover `<path>.tmp` is removed. A file that does not parse completely
  // (header, entries, trailer count and CRC) is an error "offset file <path>: line <n>:
  // <problem>" (kCorruption) — never an empty store, which would re-send every source's data.
  [[nodiscard]] static Result<std::unique_ptr<FileOffsetStore>> open(std::string path,
                                                                     log::FileSystem* fs);

  FileOffsetStore(const FileOffsetStore&) = delete;
  FileOffsetStore& operator=(const FileOffsetStore&) = delete;

  // Merges `entries` (borrowed for the call; later entries for the same key win) and, if the
  // stored state differs from the file's, rewrites the file; returns OK only once the new file
  // is durable. Nothing is written when nothing changed. A malformed key or value rejects the
  // whole batch (kInvalidArgument, nothing applied). On a write error the merged state stays in
  // memory and the next call writes it again. Thread-safe; flushes are serialized.
  [[nodiscard]] Status put_and_flush(std::span<const OffsetEntry> entries) override;

  // The value stored for `key_json` (compared as bytes). Thread-safe.
  std::optional<std::string> get(std::string_view key_json) const override;

  // Every entry whose key's first array element is `connector`, in key order. Thread-safe.
  std::vector<OffsetEntry> entries_for_connector(std::string_view connector) const override;

  // Removes every entry of `connector` and flushes as put_and_flush does.
  [[nodiscard]] Status remove_connector(std::string_view connector) override;

  // Number of entries held. Thread-safe.
  size_t size() const;
  // Number of times the file was (successfully) rewritten since open. For tests and metrics.
  int64_t writes() const;

  const std::string& path() const { return path_; }

  // The file's bytes for a set of entries (key → value, sorted by key bytes). Exposed for tests.
  static std::string render(const std::map<std::string, std::string>& entries);

 private:
  struct Value {
    std::string value_json;
    std::string connector;  // the key's first element, for entries_for_connector
  };

  FileOffsetStore(std::string path, log::FileSystem* fs) : path_(std::move(path)), fs_(fs) {}

  Status load();
  // With flush_mu_ held: writes the current state if it is newer than the file.
  Status flush_if_dirty();

  const std::string path_;
  log::FileSystem* const fs_;  // borrowed
  std::mutex flush_mu_;        // serializes merges+writes so files are written in order
  mutable std::mutex mu_;      // guards the members below
  std::map<std::string, Value, std::less<>> entries_;
  uint64_t generation_ = 0;          // bumped by every effective change
  uint64_t written_generation_ = 0;  // generation of the state the file holds
  int64_t writes_ = 0;
};

}  // namespace sluice::storage
