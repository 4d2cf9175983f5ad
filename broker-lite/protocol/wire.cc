// WireReader / WireWriter: bounds-checked decoding and buffered encoding of Kafka primitives.
#include "broker-lite/protocol/wire.h"

#include <unistd.h>

#include <bit>
#include <cstring>
#include <limits>

#include "broker-lite/protocol/endian.h"
#include "broker-lite/protocol/varint.h"

namespace sluice::kafka {

// ---------------------------------------------------------------------------------------------
// WireReader

void WireReader::fail(std::string_view what) {
  if (!error_.empty()) return;
  error_.assign(what);
  error_ += " at byte ";
  error_ += std::to_string(pos_);
  pos_ = bytes_.size();  // nothing more can be read
}

const uint8_t* WireReader::take(size_t n) {
  if (!ok()) return nullptr;
  if (n > remaining()) {
    fail("truncated input (" + std::to_string(n) + " bytes needed, " + std::to_string(remaining()) +
         " left)");
    return nullptr;
  }
  const uint8_t* p = bytes_.data() + pos_;
  pos_ += n;
  return p;
}

int8_t WireReader::read_int8() {
  const uint8_t* p = take(1);
  return p ? static_cast<int8_t>(*p) : 0;
}
int16_t WireReader::read_int16() {
  return static_cast<int16_t>(read_uint16());
}
int32_t WireReader::read_int32() {
  return static_cast<int32_t>(read_uint32());
}
int64_t WireReader::read_int64() {
  const uint8_t* p = take(8);
  return p ? static_cast<int64_t>(load_be64(p)) : 0;
}
uint16_t WireReader::read_uint16() {
  const uint8_t* p = take(2);
  return p ? load_be16(p) : 0;
}
uint32_t WireReader::read_uint32() {
  const uint8_t* p = take(4);
  return p ? load_be32(p) : 0;
}
double WireReader::read_float64() {
  const uint8_t* p = take(8);
  return p ? std::bit_cast<double>(load_be64(p)) : 0.0;
}
bool WireReader::read_bool() {
  return read_int8() != 0;
}

uint64_t WireReader::read_varint_bits(size_t max_bytes, const char* what) {
  if (!ok()) return 0;
  uint64_t v = 0;
  size_t n =
      get_unsigned_varint(bytes_.data() + pos_, bytes_.data() + bytes_.size(), max_bytes, &v);
  if (n == 0) {
    fail(what);
    return 0;
  }
  pos_ += n;
  return v;
}

uint32_t WireReader::read_unsigned_varint() {
  return static_cast<uint32_t>(
      read_varint_bits(kMaxVarint32Bytes, "malformed or truncated unsigned varint"));
}
int32_t WireReader::read_varint() {
  return zigzag_decode32(read_unsigned_varint());
}
int64_t WireReader::read_varlong() {
  return zigzag_decode64(read_varint_bits(kMaxVarint64Bytes, "malformed or truncated varlong"));
}

Uuid WireReader::read_uuid() {
  Uuid u{};
  if (const uint8_t* p = take(u.size())) std::memcpy(u.data(), p, u.size());
  return u;
}

int64_t WireReader::read_length(bool compact, bool wide) {
  int64_t len;
  if (compact) {
    len = static_cast<int64_t>(read_unsigned_varint()) - 1;
  } else {
    len = wide ? read_int32() : read_int16();
  }
  if (!ok()) return -1;
  if (len < -1) {
    fail("negative length " + std::to_string(len));
    return -1;
  }
  if (len > static_cast<int64_t>(remaining())) {
    fail("length " + std::to_string(len) + " exceeds the " + std::to_string(remaining()) +
         " remaining bytes");
    return -1;
  }
  return len;
}

std::optional<std::string> WireReader::read_nullable_string(bool compact) {
  int64_t len = read_length(compact, false);
  if (len < 0) return std::nullopt;
  const uint8_t* p = take(static_cast<size_t>(len));
  if (!p) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(len));
}

std::string WireReader::read_string(bool compact) {
  std::optional<std::string> s = read_nullable_string(compact);
  if (!s) {
    if (ok()) fail("null in a non-nullable string");
    return {};
  }
  return std::move(*s);
}

std::optional<std::span<const uint8_t>> WireReader::read_nullable_bytes(bool compact) {
  int64_t len = read_length(compact, true);
  if (len < 0) return std::nullopt;
  return read_raw(static_cast<size_t>(len));
}

std::span<const uint8_t> WireReader::read_bytes(bool compact) {
  std::optional<std::span<const uint8_t>> b = read_nullable_bytes(compact);
  if (!b) {
    if (ok()) fail("null in a non-nullable bytes field");
    return {};
  }
  return *b;
}

RecordsRef WireReader::read_records(bool compact) {
  RecordsRef r;
  std::optional<std::span<const uint8_t>> b = read_nullable_bytes(compact);
  if (b) {
    r.data = b->data();
    r.size = b->size();
    r.is_null = false;
  }
  return r;
}

int32_t WireReader::read_array_length(bool compact, bool nullable, size_t min_element_size) {
  int64_t count = compact ? static_cast<int64_t>(read_unsigned_varint()) - 1 : read_int32();
  if (!ok()) return 0;
  if (count < -1) {
    fail("negative array count " + std::to_string(count));
    return 0;
  }
  if (count == -1) {
    if (!nullable) fail("null in a non-nullable array");
    return nullable ? -1 : 0;
  }
  if (min_element_size == 0) min_element_size = 1;
  if (static_cast<uint64_t>(count) > remaining() / min_element_size) {
    fail("array count " + std::to_string(count) + " cannot fit in the " +
         std::to_string(remaining()) + " remaining bytes");
    return 0;
  }
  return static_cast<int32_t>(count);
}

std::span<const uint8_t> WireReader::read_raw(size_t n) {
  const uint8_t* p = take(n);
  if (!p) return {};
  return {p, n};
}

WireReader WireReader::sub_reader(size_t n) {
  return WireReader(read_raw(n));
}

void WireReader::skip_tagged_fields() {
  uint32_t count = read_unsigned_varint();
  for (uint32_t i = 0; i < count && ok(); ++i) {
    (void)read_unsigned_varint();  // tag
    skip(read_unsigned_varint());  // size, then the value
  }
}

// ---------------------------------------------------------------------------------------------
// WireWriter

void WireWriter::fail(std::string_view what) {
  if (error_.empty()) error_.assign(what.empty() ? std::string_view("error") : what);
}

void WireWriter::write_uint16(uint16_t v) {
  size_t at = buf_.size();
  buf_.resize(at + 2);
  store_be16(buf_.data() + at, v);
}
void WireWriter::write_uint32(uint32_t v) {
  size_t at = buf_.size();
  buf_.resize(at + 4);
  store_be32(buf_.data() + at, v);
}
void WireWriter::write_int64(int64_t v) {
  size_t at = buf_.size();
  buf_.resize(at + 8);
  store_be64(buf_.data() + at, static_cast<uint64_t>(v));
}
void WireWriter::write_float64(double v) {
  size_t at = buf_.size();
  buf_.resize(at + 8);
  store_be64(buf_.data() + at, std::bit_cast<uint64_t>(v));
}

void WireWriter::write_unsigned_varint(uint32_t v) {
  uint8_t tmp[kMaxVarint32Bytes];
  size_t n = put_unsigned_varint32(tmp, v);
  buf_.insert(buf_.end(), tmp, tmp + n);
}
void WireWriter::write_varint(int32_t v) {
  write_unsigned_varint(zigzag_encode32(v));
}
void WireWriter::write_varlong(int64_t v) {
  uint8_t tmp[kMaxVarint64Bytes];
  size_t n = put_varint64(tmp, v);
  buf_.insert(buf_.end(), tmp, tmp + n);
}

void WireWriter::write_raw(std::span<const uint8_t> bytes) {
  buf_.insert(buf_.end(), bytes.begin(), bytes.end());
}

void WireWriter::write_string(std::string_view s, bool compact) {
  if (compact) {
    if (s.size() >= std::numeric_limits<uint32_t>::max()) {
      fail("string too long for a compact length");
      return;
    }
    write_unsigned_varint(static_cast<uint32_t>(s.size() + 1));
  } else {
    if (s.size() > static_cast<size_t>(std::numeric_limits<int16_t>::max())) {
      fail("string of " + std::to_string(s.size()) + " bytes too long for an int16 length");
      return;
    }
    write_int16(static_cast<int16_t>(s.size()));
  }
  write_raw({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}

void WireWriter::write_nullable_string(const std::optional<std::string>& s, bool compact) {
  if (!s) {
    if (compact) {
      write_unsigned_varint(0);
    } else {
      write_int16(-1);
    }
    return;
  }
  write_string(*s, compact);
}

void WireWriter::write_array_length(int32_t count, bool compact) {
  if (compact) {
    write_unsigned_varint(static_cast<uint32_t>(count) + 1);  // -1 wraps to 0 (null)
  } else {
    write_int32(count);
  }
}

void WireWriter::write_bytes(std::span<const uint8_t> b, bool compact) {
  if (b.size() >= static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    fail("bytes field too long");
    return;
  }
  write_array_length(static_cast<int32_t>(b.size()), compact);
  write_raw(b);
}

void WireWriter::write_nullable_bytes(const std::optional<std::span<const uint8_t>>& b,
                                      bool compact) {
  if (!b) {
    write_array_length(-1, compact);
    return;
  }
  write_bytes(*b, compact);
}

void WireWriter::write_records(const RecordsRef& records, bool compact) {
  if (records.is_null) {
    write_array_length(-1, compact);
    return;
  }
  if (records.size >= static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    fail("records field too long");
    return;
  }
  write_array_length(static_cast<int32_t>(records.size), compact);
  if (records.file_fd >= 0) {
    append_file_region(records.file_fd, records.file_offset, records.size, records.keep_alive);
  } else {
    append_external(records.bytes(), records.keep_alive);
  }
}

void WireWriter::append_file_region(int fd, uint64_t offset, size_t size,
                                    std::shared_ptr<const void> keep_alive) {
  if (size == 0) return;
  External e{buf_.size(), std::span<const uint8_t>(static_cast<const uint8_t*>(nullptr), size),
             std::move(keep_alive)};
  e.fd = fd;
  e.file_offset = offset;
  externals_.push_back(std::move(e));
  external_bytes_ += size;
  ++file_regions_;
}

size_t WireWriter::reserve_int32() {
  size_t at = buf_.size();
  buf_.resize(at + 4);
  return at;
}

void WireWriter::patch_int32(size_t handle, int32_t v) {
  if (handle + 4 > buf_.size()) {
    fail("patch_int32 outside the buffer");
    return;
  }
  store_be32(buf_.data() + handle, static_cast<uint32_t>(v));
}

void WireWriter::append_external(std::span<const uint8_t> bytes,
                                 std::shared_ptr<const void> keep_alive) {
  if (bytes.size() < kCopyThreshold || !keep_alive) {
    write_raw(bytes);
    return;
  }
  externals_.push_back(External{buf_.size(), bytes, std::move(keep_alive)});
  external_bytes_ += bytes.size();
}

void WireWriter::append_writer(const WireWriter& other) {
  size_t from = 0;
  for (const External& e : other.externals_) {
    write_raw({other.buf_.data() + from, e.at - from});
    if (e.fd >= 0) {
      append_file_region(e.fd, e.file_offset, e.bytes.size(), e.keep_alive);
    } else {
      append_external(e.bytes, e.keep_alive);
    }
    from = e.at;
  }
  write_raw({other.buf_.data() + from, other.buf_.size() - from});
  if (!other.ok()) fail(other.error());
}

void WireWriter::gather_parts(std::vector<OutputPart>& out) const {
  size_t from = 0;
  for (const External& e : externals_) {
    if (e.at > from) out.push_back(OutputPart{{buf_.data() + from, e.at - from}});
    if (e.fd >= 0) {
      out.push_back(OutputPart{{}, e.fd, e.file_offset, e.bytes.size()});
    } else {
      out.push_back(OutputPart{e.bytes});
    }
    from = e.at;
  }
  if (buf_.size() > from) out.push_back(OutputPart{{buf_.data() + from, buf_.size() - from}});
}

bool WireWriter::gather(std::vector<std::span<const uint8_t>>& out) const {
  if (file_regions_ > 0) return false;
  std::vector<OutputPart> parts;
  gather_parts(parts);
  for (const OutputPart& p : parts) out.push_back(p.bytes);
  return true;
}

std::vector<uint8_t> WireWriter::flatten() const {
  std::vector<uint8_t> out;
  out.reserve(size());
  std::vector<OutputPart> parts;
  gather_parts(parts);
  for (const OutputPart& p : parts) {
    if (p.fd < 0) {
      out.insert(out.end(), p.bytes.begin(), p.bytes.end());
      continue;
    }
    // File regions are read back with pread (tests and small messages only).
    size_t at = out.size();
    out.resize(at + p.file_size);
    size_t done = 0;
    while (done < p.file_size) {
      ssize_t n = ::pread(p.fd, out.data() + at + done, p.file_size - done,
                          static_cast<off_t>(p.file_offset + done));
      if (n <= 0) {
        out.resize(at + done);
        break;
      }
      done += static_cast<size_t>(n);
    }
  }
  return out;
}

}  // namespace sluice::kafka
