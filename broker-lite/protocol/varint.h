// Variable-length integers of the Kafka protocol: unsigned varints (flexible versions: compact
// lengths, tag numbers) and zigzag-signed varints/varlongs (record batch v2 records). Pure
// functions over raw pointers, shared by WireReader/WireWriter and the record-batch code.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sluice::kafka {

inline constexpr size_t kMaxVarint32Bytes = 5;
inline constexpr size_t kMaxVarint64Bytes = 10;

inline constexpr uint32_t zigzag_encode32(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}
inline constexpr int32_t zigzag_decode32(uint32_t v) {
  return static_cast<int32_t>((v >> 1) ^ (~(v & 1) + 1));
}
inline constexpr uint64_t zigzag_encode64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline constexpr int64_t zigzag_decode64(uint64_t v) {
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

// Writes `v` as an unsigned LEB128 varint at `out`, which must have room for
// kMaxVarint64Bytes. Returns the number of bytes written.
inline size_t put_unsigned_varint64(uint8_t* out, uint64_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    out[n++] = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  out[n++] = static_cast<uint8_t>(v);
  return n;
}
inline size_t put_unsigned_varint32(uint8_t* out, uint32_t v) {
  return put_unsigned_varint64(out, v);
}
inline size_t put_varint32(uint8_t* out, int32_t v) {
  return put_unsigned_varint64(out, zigzag_encode32(v));
}
inline size_t put_varint64(uint8_t* out, int64_t v) {
  return put_unsigned_varint64(out, zigzag_encode64(v));
}

// Size in bytes of the encodings above.
inline constexpr size_t unsigned_varint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
inline constexpr size_t varint32_size(int32_t v) {
  return unsigned_varint_size(zigzag_encode32(v));
}
inline constexpr size_t varint64_size(int64_t v) {
  return unsigned_varint_size(zigzag_encode64(v));
}

// Reads an unsigned varint of at most `max_bytes` bytes from [p, end). On success stores the
// value, returns the number of bytes consumed; returns 0 when the input is truncated or the
// encoding is longer than `max_bytes` (malformed).
inline size_t get_unsigned_varint(const uint8_t* p, const uint8_t* end, size_t max_bytes,
                                  uint64_t* value) {
  uint64_t result = 0;
  for (size_t i = 0; i < max_bytes; ++i) {
    if (p + i >= end) return 0;
    const uint8_t byte = p[i];
    result |= static_cast<uint64_t>(byte & 0x7F) << (7 * i);
    if ((byte & 0x80) == 0) {
      // Reject bits that do not fit the target width (5th byte of a 32-bit varint > 0x0F).
      if (max_bytes == kMaxVarint32Bytes && i == 4 && byte > 0x0F) return 0;
      if (max_bytes == kMaxVarint64Bytes && i == 9 && byte > 0x01) return 0;
      *value = result;
      return i + 1;
    }
  }
  return 0;
}
inline size_t get_unsigned_varint32(const uint8_t* p, const uint8_t* end, uint32_t* value) {
  uint64_t v = 0;
  size_t n = get_unsigned_varint(p, end, kMaxVarint32Bytes, &v);
  if (n) *value = static_cast<uint32_t>(v);
  return n;
}
inline size_t get_varint32(const uint8_t* p, const uint8_t* end, int32_t* value) {
  uint32_t u = 0;
  size_t n = get_unsigned_varint32(p, end, &u);
  if (n) *value = zigzag_decode32(u);
  return n;
}
inline size_t get_varint64(const uint8_t* p, const uint8_t* end, int64_t* value) {
  uint64_t u = 0;
  size_t n = get_unsigned_varint(p, end, kMaxVarint64Bytes, &u);
  if (n) *value = zigzag_decode64(u);
  return n;
}

}  // namespace sluice::kafka
