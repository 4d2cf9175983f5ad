// Producer id allocation with a persisted block reservation (see producer_id_allocator.h).
#include "broker-lite/coordinator/producer_id_allocator.h"

#include <algorithm>
#include <array>

#include "broker-lite/protocol/crc32c.h"
#include "broker-lite/protocol/endian.h"

namespace sluice::coord {

namespace {

constexpr size_t kFileSize = 20;
constexpr std::array<uint8_t, 4> kMagic = {'S', 'P', 'I', 'D'};
constexpr uint16_t kFormatVersion = 1;

std::array<uint8_t, kFileSize> encode_mark(int64_t reserved_end) {
  std::array<uint8_t, kFileSize> b{};
  std::copy(kMagic.begin(), kMagic.end(), b.begin());
  kafka::store_be16(b.data() + 4, kFormatVersion);
  kafka::store_be16(b.data() + 6, 0);
  kafka::store_be64(b.data() + 8, static_cast<uint64_t>(reserved_end));
  kafka::store_be32(b.data() + 16, kafka::crc32c(std::span<const uint8_t>(b.data(), 16)));
  return b;
}

Result<int64_t> decode_mark(std::span<const uint8_t> b, const std::string& path) {
  if (b.size() != kFileSize) {
    return Status::corruption(path + ": " + std::to_string(b.size()) + " bytes, expected " +
                              std::to_string(kFileSize));
  }
  if (!std::equal(kMagic.begin(), kMagic.end(), b.begin())) {
    return Status::corruption(path + ": bad magic");
  }
  if (kafka::load_be16(b.data() + 4) != kFormatVersion) {
    return Status::corruption(path + ": unknown format version " +
                              std::to_string(kafka::load_be16(b.data() + 4)));
  }
  if (kafka::load_be32(b.data() + 16) != kafka::crc32c(b.first(16))) {
    return Status::corruption(path + ": CRC mismatch");
  }
  const auto mark = static_cast<int64_t>(kafka::load_be64(b.data() + 8));
  if (mark < 0) return Status::corruption(path + ": negative producer id mark");
  return mark;
}

}  // namespace

ProducerIdAllocator::ProducerIdAllocator(log::FileSystem& fs, std::string dir, int64_t next,
                                         int64_t reserved_end, int64_t block_size)
    : fs_(fs),
      dir_(std::move(dir)),
      next_(next),
      reserved_end_(reserved_end),
      block_size_(block_size) {}

Result<std::unique_ptr<ProducerIdAllocator>> ProducerIdAllocator::open(log::FileSystem& fs,
                                                                       std::string dir,
                                                                       int64_t max_seen_producer_id,
                                                                       int64_t block_size) {
  if (block_size < 1) return Status::invalid_argument("producer id block size must be >= 1");
  const std::string path = log::join_path(dir, kFileName);
  int64_t mark = 0;
  if (fs.exists(path)) {
    auto file = fs.open(path, log::OpenMode::kExisting);
    if (!file.is_ok()) return file.status();
    auto size = (*file)->size();
    if (!size.is_ok()) return size.status();
    std::vector<uint8_t> bytes(std::min<uint64_t>(*size, kFileSize + 1));
    auto read = (*file)->read_at(0, bytes);
    if (!read.is_ok()) return read.status();
    bytes.resize(*read);
    auto decoded = decode_mark(bytes, path);
    if (!decoded.is_ok()) return decoded.status();
    mark = *decoded;
  }
  // Ids below the mark may have been handed out before; nothing above it is reserved now.
  const int64_t next = std::max(mark, max_seen_producer_id + 1);
  return std::unique_ptr<ProducerIdAllocator>(
      new ProducerIdAllocator(fs, std::move(dir), next, /*reserved_end=*/next, block_size));
}

Result<int64_t> ProducerIdAllocator::allocate() {
  if (next_ >= reserved_end_) {
    const int64_t end = next_ + block_size_;
    SLUICE_RETURN_IF_ERROR(write_mark(end));
    reserved_end_ = end;
  }
  return next_++;
}

Status ProducerIdAllocator::write_mark(int64_t reserved_end) {
  const std::array<uint8_t, kFileSize> bytes = encode_mark(reserved_end);
  return log::write_file_atomically(fs_, dir_, kFileName, bytes)
      .with_context("reserving producer ids in " + log::join_path(dir_, kFileName));
}

}  // namespace sluice::coord
