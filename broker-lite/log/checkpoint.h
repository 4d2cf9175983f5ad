// Checkpoint files of a partition (log start offset, recovery point, compaction intent): one
// 28-byte CRC-protected record each, replaced atomically (temp file, fdatasync, rename, fsync of
// the directory). Layout: docs/formats/log-segment.md, "Checkpoint files".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "broker-lite/log/file_system.h"

namespace sluice::log {

enum class CheckpointKind : uint8_t {
  kLogStartOffset = 1,
  kRecoveryPoint = 2,
  kCompactionIntent = 3,
};

struct Checkpoint {
  CheckpointKind kind = CheckpointKind::kLogStartOffset;
  int64_t value = 0;
  int64_t value2 = 0;
};

inline constexpr size_t kCheckpointSize = 28;
inline constexpr char kLogStartCheckpointName[] = "log-start-offset.checkpoint";
inline constexpr char kRecoveryPointCheckpointName[] = "recovery-point.checkpoint";

// Writes `cp` to `<dir>/<name>` atomically and durably.
Status write_checkpoint(FileSystem& fs, const std::string& dir, const std::string& name,
                        const Checkpoint& cp);

// Reads `<dir>/<name>`. nullopt when missing; kCorruption (naming the file) when it fails its
// checks or is not of `kind`.
Result<std::optional<Checkpoint>> read_checkpoint(FileSystem& fs, const std::string& dir,
                                                  const std::string& name, CheckpointKind kind);

}  // namespace sluice::log
