// Kafka wire primitives: WireReader decodes big-endian integers, varints, UUIDs, strings, bytes
// and array lengths (classic and compact/flexible forms) from borrowed bytes; WireWriter encodes
// them into an owned buffer that can also reference large external byte ranges (record data)
// without copying them. The generated message codecs (messages.h) are built on these two.
#pragma once

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::kafka {

using Uuid = std::array<uint8_t, 16>;

// A RECORDS field (record batches). Decoded: a view into the request frame, valid while the frame
// lives; keep_alive stays empty. For encoding, data/size must stay valid until the WireWriter's
// output has been sent; when keep_alive is set the writer may reference the bytes instead of
// copying them (WireWriter::append_external) and holds keep_alive as long as it lives.
struct RecordsRef {
  const uint8_t* data = nullptr;
  size_t size = 0;
  bool is_null = true;
  std::shared_ptr<const void> keep_alive;
  // Encoding only: when file_fd >= 0 the bytes are [file_offset, file_offset + size) of that
  // open file (data is ignored) and are sent from the file without passing through user space
  // (WireWriter::append_file_region); keep_alive must then keep the descriptor open.
  int file_fd = -1;
  uint64_t file_offset = 0;

  std::span<const uint8_t> bytes() const { return {data, size}; }
};

// Reads Kafka primitives from a borrowed byte range (which must outlive the reader and every view
// it returns). Errors are sticky: the first failure (truncation, bad length, malformed varint)
// records a message and every later read returns a zero value without reading. It never reads past
// the end and never allocates for a length it has not checked against the remaining bytes.
class WireReader {
 public:
  explicit WireReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  int8_t read_int8();
  int16_t read_int16();
  int32_t read_int32();
  int64_t read_int64();
  uint16_t read_uint16();
  uint32_t read_uint32();
  double read_float64();
  bool read_bool();                 // any non-zero byte is true
  int32_t read_varint();            // zigzag
  int64_t read_varlong();           // zigzag
  uint32_t read_unsigned_varint();  // at most 5 bytes
  Uuid read_uuid();

  // Strings: classic = int16 length, compact = unsigned varint length+1. A null in a non-nullable
  // read is an error.
  std::string read_string(bool compact = false);
  std::optional<std::string> read_nullable_string(bool compact = false);
  std::string read_compact_string() { return read_string(true); }
  std::optional<std::string> read_compact_nullable_string() { return read_nullable_string(true); }

  // Bytes: classic = int32 length, compact = unsigned varint length+1. The spans view the input.
  std::span<const uint8_t> read_bytes(bool compact = false);
  std::optional<std::span<const uint8_t>> read_nullable_bytes(bool compact = false);
  std::span<const uint8_t> read_compact_bytes() { return read_bytes(true); }
  std::optional<std::span<const uint8_t>> read_compact_nullable_bytes() {
    return read_nullable_bytes(true);
  }
  // Records: nullable bytes, returned as a view (keep_alive empty).
  RecordsRef read_records(bool compact = false);

  // Array count: classic int32, compact unsigned varint count+1. Returns -1 for null (an error
  // unless `nullable`). Fails when count * min_element_size exceeds the remaining bytes, so the
  // caller may reserve `count` elements safely.
  int32_t read_array_length(bool compact, bool nullable, size_t min_element_size = 1);

  // The next n bytes as a view (consumed), or an empty span and an error.
  std::span<const uint8_t> read_raw(size_t n);
  void skip(size_t n) { (void)read_raw(n); }
  // A reader over the next n bytes (consumed from this one). On truncation this reader fails and
  // the returned one is empty.
  WireReader sub_reader(size_t n);
  // Skips a whole tagged-field section (count, then tag/size/bytes per field).
  void skip_tagged_fields();

  // Records an error (only the first one is kept) and stops all further reads.
  void fail(std::string_view what);

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  size_t remaining() const { return bytes_.size() - pos_; }
  size_t position() const { return pos_; }
  std::span<const uint8_t> rest() const { return bytes_.subspan(pos_); }

 private:
  // Returns a pointer to n readable bytes and advances, or nullptr (and fails).
  const uint8_t* take(size_t n);
  // An unsigned LEB128 value of at most max_bytes bytes; fails with `what` when malformed.
  uint64_t read_varint_bits(size_t max_bytes, const char* what);
  // Length of a string/bytes field: -1 for null; fails on bad values.
  int64_t read_length(bool compact, bool wide);

  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
  std::string error_;
};

// Appends Kafka primitives to an owned buffer. Large external ranges (records) can be referenced
// instead of copied; the output is then a list of pieces (gather) rather than one buffer.
// Values that cannot be represented (a string longer than an int16 length allows) record a sticky
// error; check ok() after encoding.
class WireWriter {
 public:
  // External ranges below this size are copied; larger ones are referenced.
  static constexpr size_t kCopyThreshold = 4096;

  WireWriter() = default;
  WireWriter(WireWriter&&) noexcept = default;
  WireWriter& operator=(WireWriter&&) noexcept = default;
  WireWriter(const WireWriter&) = delete;
  WireWriter& operator=(const WireWriter&) = delete;

  void write_int8(int8_t v) { buf_.push_back(static_cast<uint8_t>(v)); }
  void write_int16(int16_t v) { write_uint16(static_cast<uint16_t>(v)); }
  void write_int32(int32_t v) { write_uint32(static_cast<uint32_t>(v)); }
  void write_int64(int64_t v);
  void write_uint16(uint16_t v);
  void write_uint32(uint32_t v);
  void write_float64(double v);
  void write_bool(bool v) { buf_.push_back(v ? 1 : 0); }
  void write_varint(int32_t v);
  void write_varlong(int64_t v);
  void write_unsigned_varint(uint32_t v);
  void write_uuid(const Uuid& v) { write_raw(v); }

  void write_string(std::string_view s, bool compact = false);
  void write_nullable_string(const std::optional<std::string>& s, bool compact = false);
  void write_compact_string(std::string_view s) { write_string(s, true); }
  void write_compact_nullable_string(const std::optional<std::string>& s) {
    write_nullable_string(s, true);
  }
  // The bytes are copied.
  void write_bytes(std::span<const uint8_t> b, bool compact = false);
  void write_nullable_bytes(const std::optional<std::span<const uint8_t>>& b, bool compact = false);
  void write_compact_bytes(std::span<const uint8_t> b) { write_bytes(b, true); }
  // Length prefix (null when is_null), then the data through append_external.
  void write_records(const RecordsRef& records, bool compact = false);
  // Array count; -1 writes null.
  void write_array_length(int32_t count, bool compact);

  // Copies `bytes` into the output.
  void write_raw(std::span<const uint8_t> bytes);
  // Appends the whole output of `other` (copying its bytes, sharing its keep-alives).
  void append_writer(const WireWriter& other);

  // Writes a placeholder int32 and returns a handle for patch_int32 (e.g. a frame size).
  size_t reserve_int32();
  void patch_int32(size_t handle, int32_t v);

  // Adds `bytes` to the output. Small ranges (< kCopyThreshold) or ranges without a keep_alive
  // are copied; larger ones are referenced, and keep_alive is held until the writer is destroyed.
  void append_external(std::span<const uint8_t> bytes, std::shared_ptr<const void> keep_alive);

  // Adds `size` bytes of the open file `fd` starting at `offset`, to be sent by the connection
  // with sendfile(2). keep_alive must keep the descriptor open; it is held until the writer is
  // destroyed. The file range must not change while the writer lives.
  void append_file_region(int fd, uint64_t offset, size_t size,
                          std::shared_ptr<const void> keep_alive);

  // Total output size, external parts included.
  size_t size() const { return buf_.size() + external_bytes_; }
  // One piece of the output: bytes in memory, or (fd >= 0) a file range.
  struct OutputPart {
    std::span<const uint8_t> bytes;
    int fd = -1;
    uint64_t file_offset = 0;
    size_t file_size = 0;
  };
  // Appends the output in order, valid while this writer (and the keep-alives) live and no
  // further write happens.
  void gather_parts(std::vector<OutputPart>& out) const;
  // The same as memory spans only; fails (returns false) when the output holds a file region.
  bool gather(std::vector<std::span<const uint8_t>>& out) const;
  bool has_file_regions() const { return file_regions_ > 0; }
  // The whole output copied into one buffer (tests, small messages).
  std::vector<uint8_t> flatten() const;

  void fail(std::string_view what);
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  struct External {
    size_t at;  // position in buf_ before which this range is emitted
    std::span<const uint8_t> bytes;
    std::shared_ptr<const void> keep_alive;
    int fd = -1;  // >= 0: a file region of bytes.size() bytes at file_offset (bytes.data() unused)
    uint64_t file_offset = 0;
  };

  std::vector<uint8_t> buf_;
  std::vector<External> externals_;
  size_t external_bytes_ = 0;
  size_t file_regions_ = 0;
  std::string error_;
};

}  // namespace sluice::kafka
