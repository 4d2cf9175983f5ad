// The worker's one way to replace a small state file durably (worker-storage.md §1.3): write
// `<file>.tmp`, fsync it, rename it over `<file>`, fsync the directory. A crash at any moment
// leaves either the old complete file or the new complete file. Used by the offset store and the
// connector store; everything goes through a log::FileSystem so tests can simulate power loss.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker-lite/log/file_system.h"
#include "broker-lite/util/status.h"

namespace sluice::storage {

// Who may read the written file. kOwnerOnly (0600) is for files that may hold secrets; it is
// applied to the `.tmp` file before any byte is written, so no copy is ever readable by others.
// Only effective on files with an OS descriptor (File::native_fd() >= 0).
enum class FileAccess { kDefault, kOwnerOnly };

// The directory part of `path` ("" when `path` has no '/'; "/" for a file in the root).
std::string parent_dir(const std::string& path);

// Creates `dir` and each missing level above it; after each creation the parent directory is
// synced, so the new entry survives a power loss. "" and existing directories are no-ops.
Status ensure_dir_durably(log::FileSystem& fs, const std::string& dir);

// Replaces the file at `path` with `bytes` (borrowed for the call) by the §1.3 procedure,
// creating missing directories first. On an error before the rename the `.tmp` file is removed
// and the previous file is untouched. An error from the final directory sync means the new file
// is in place but maybe not durable: the caller must treat the write as failed and retry.
Status replace_file_durably(log::FileSystem& fs, const std::string& path, std::string_view bytes,
                            FileAccess access);

// Reads a state file at start: the whole file at `path` as text, or nullopt when it does not
// exist. A leftover `<path>.tmp` from a write that a crash interrupted is removed: that write was
// never acknowledged, so its content is ignored.
Result<std::optional<std::string>> read_state_file(log::FileSystem& fs, const std::string& path);

}  // namespace sluice::storage
