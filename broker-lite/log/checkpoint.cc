// Checkpoint record encoding and the atomic replace (checkpoint.h).
#include "broker-lite/log/checkpoint.h"

#include <array>

#include "broker-lite/protocol/crc32c.h"
#include "broker-lite/protocol/endian.h"

namespace sluice::log {
namespace {
constexpr uint8_t kMagic[4] = {'S', 'L', 'C', 'K'};
constexpr uint8_t kVersion = 1;
}  // namespace

Status write_checkpoint(FileSystem& fs, const std::string& dir, const std::string& name,
                        const Checkpoint& cp) {
  std::array<uint8_t, kCheckpointSize> b{};
  std::copy(std::begin(kMagic), std::end(kMagic), b.begin());
  b[4] = kVersion;
  b[5] = static_cast<uint8_t>(cp.kind);
  kafka::store_be64(&b[8], static_cast<uint64_t>(cp.value));
  kafka::store_be64(&b[16], static_cast<uint64_t>(cp.value2));
  kafka::store_be32(&b[24], kafka::crc32c({b.data(), 24}));

  return write_file_atomically(fs, dir, name, b);
}

Result<std::optional<Checkpoint>> read_checkpoint(FileSystem& fs, const std::string& dir,
                                                  const std::string& name, CheckpointKind kind) {
  const std::string path = join_path(dir, name);
  Result<std::unique_ptr<File>> f = fs.open(path, OpenMode::kExisting);
  if (!f.is_ok()) {
    if (f.status().code() == StatusCode::kNotFound) return std::optional<Checkpoint>();
    return f.status();
  }
  std::array<uint8_t, kCheckpointSize + 1> b{};
  Result<size_t> n = (*f)->read_at(0, b);
  if (!n.is_ok()) return n.status();
  if (*n != kCheckpointSize || !std::equal(std::begin(kMagic), std::end(kMagic), b.begin()) ||
      b[4] != kVersion || kafka::load_be32(&b[24]) != kafka::crc32c({b.data(), 24})) {
    return Status::corruption("checkpoint " + path + " is damaged (" + std::to_string(*n) +
                              " bytes, bad magic, version or CRC)");
  }
  if (b[5] != static_cast<uint8_t>(kind)) {
    return Status::corruption("checkpoint " + path + " has kind " + std::to_string(b[5]) +
                              ", expected " + std::to_string(static_cast<int>(kind)));
  }
  Checkpoint cp;
  cp.kind = kind;
  cp.value = static_cast<int64_t>(kafka::load_be64(&b[8]));
  cp.value2 = static_cast<int64_t>(kafka::load_be64(&b[16]));
  return std::optional<Checkpoint>(cp);
}

}  // namespace sluice::log
