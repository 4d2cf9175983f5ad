// Codec implementations over zlib, snappy, liblz4 (lz4frame) and libzstd. Every decoder writes
// through CappedSink, which is the only place the output buffer grows.
#include "broker-lite/protocol/compression.h"

#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <string>

#include "broker-lite/protocol/endian.h"

namespace sluice::kafka {

namespace {

constexpr uint8_t kXerialMagic[8] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0x00};
constexpr size_t kXerialHeaderSize = 16;  // magic, int32 version, int32 min compatible version
constexpr int32_t kXerialVersion = 1;
constexpr int32_t kXerialCompatibleVersion = 1;
constexpr size_t kXerialBlockSize = 32 * 1024;
constexpr size_t kMinOutputChunk = 64 * 1024;
constexpr int kLz4MaxLevel = 12;  // lz4hc maximum; lz4frame clamps above it

// Appends decoder output to a caller's vector without ever letting it grow past
// start + cap + 1 bytes. The extra byte lets a decoder prove that the input holds more than
// `cap` bytes of output. The vector is borrowed for the sink's lifetime; finish() trims it to
// the bytes produced, rollback() restores its original size.
class CappedSink {
 public:
  CappedSink(std::vector<uint8_t>& out, size_t cap)
      : out_(out), start_(out.size()), cap_(cap), limit_(cap == SIZE_MAX ? cap : cap + 1) {}

  // Writable bytes after the produced ones: at least min(want, what the limit leaves) when
  // `want` > 0, and empty only when the limit is reached. Valid until the next call.
  std::span<uint8_t> room(size_t want) {
    size_t spare = out_.size() - start_ - produced_;
    if (spare == 0 || spare < want) {
      const size_t left = limit_ - produced_;
      if (left == 0) return {};
      size_t grow = std::max({want, produced_, kMinOutputChunk});
      grow = std::min(grow, left);
      const size_t new_size = start_ + produced_ + grow;
      if (new_size > out_.capacity()) out_.reserve(new_size);  // exact: no doubling past the cap
      out_.resize(new_size);
      spare = grow;
    }
    return {out_.data() + start_ + produced_, spare};
  }
  void commit(size_t n) { produced_ += n; }
  size_t produced() const { return produced_; }
  size_t left_under_cap() const { return cap_ - std::min(cap_, produced_); }
  bool over_cap() const { return produced_ > cap_; }
  void finish() { out_.resize(start_ + produced_); }
  void rollback() { out_.resize(start_); }

 private:
  std::vector<uint8_t>& out_;
  size_t start_;
  size_t cap_;
  size_t limit_;
  size_t produced_ = 0;
};

sluice::Status corrupt(std::string_view codec, std::string_view what) {
  std::string m(codec);
  m += " decompression: ";
  m += what;
  return sluice::Status::corruption(std::move(m));
}

sluice::Status over_cap(std::string_view codec, size_t cap) {
  std::string m(codec);
  m += " decompression: output exceeds the limit of ";
  m += std::to_string(cap);
  m += " bytes";
  return sluice::Status::resource_exhausted(std::move(m));
}

// ---- gzip ------------------------------------------------------------------------------------

sluice::Status gzip_compress(std::span<const uint8_t> in, std::vector<uint8_t>& out, int level) {
  if (level < -1 || level > 9) {
    return sluice::Status::invalid_argument("gzip compression: level " + std::to_string(level) +
                                            " outside 1..9");
  }
  if (in.size() > UINT_MAX)
    return sluice::Status::invalid_argument("gzip compression: input too large");
  z_stream zs{};
  if (deflateInit2(&zs, level < 0 ? Z_DEFAULT_COMPRESSION : level, Z_DEFLATED, 15 + 16, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return sluice::Status::internal("gzip compression: deflateInit2 failed");
  }
  const size_t start = out.size();
  const size_t bound = deflateBound(&zs, static_cast<uLong>(in.size()));
  out.resize(start + bound);
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = out.data() + start;
  zs.avail_out = static_cast<uInt>(bound);
  const int rc = deflate(&zs, Z_FINISH);
  const size_t written = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    out.resize(start);
    return sluice::Status::internal("gzip compression: deflate did not finish (" +
                                    std::to_string(rc) + ")");
  }
  out.resize(start + written);
  return sluice::Status::ok();
}

sluice::Status gzip_decompress(std::span<const uint8_t> in, CappedSink& sink, size_t cap) {
  constexpr std::string_view kName = "gzip";
  if (in.empty()) return corrupt(kName, "empty input");
  if (in.size() > UINT_MAX) return corrupt(kName, "input larger than 4 GiB");
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK)
    return sluice::Status::internal("gzip: inflateInit2 failed");
  struct Guard {
    z_stream* zs;
    ~Guard() { inflateEnd(zs); }
  } guard{&zs};
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  for (;;) {
    const std::span<uint8_t> room = sink.room(in.size() * 4);
    if (room.empty()) return over_cap(kName, cap);
    const uInt offered = static_cast<uInt>(std::min<size_t>(room.size(), UINT_MAX));
    zs.next_out = room.data();
    zs.avail_out = offered;
    const int rc = inflate(&zs, Z_NO_FLUSH);
    sink.commit(offered - zs.avail_out);
    if (sink.over_cap()) return over_cap(kName, cap);
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) return sluice::Status::ok();
      // Another gzip member follows; its output is appended.
      if (inflateReset(&zs) != Z_OK) return corrupt(kName, "cannot reset for the next member");
      continue;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) return corrupt(kName, "truncated stream");
    return corrupt(kName, zs.msg ? zs.msg : ("zlib error " + std::to_string(rc)));
  }
}

// ---- snappy ----------------------------------------------------------------------------------

sluice::Status snappy_compress_xerial(std::span<const uint8_t> in, std::vector<uint8_t>& out) {
  const size_t start = out.size();
  const size_t blocks = (in.size() + kXerialBlockSize - 1) / kXerialBlockSize;
  out.resize(start + kXerialHeaderSize +
             blocks * (4 + snappy::MaxCompressedLength(std::min(in.size(), kXerialBlockSize))));
  uint8_t* p = out.data() + start;
  std::memcpy(p, kXerialMagic, sizeof(kXerialMagic));
  store_be32(p + 8, static_cast<uint32_t>(kXerialVersion));
  store_be32(p + 12, static_cast<uint32_t>(kXerialCompatibleVersion));
  p += kXerialHeaderSize;
  for (size_t pos = 0; pos < in.size(); pos += kXerialBlockSize) {
    const size_t n = std::min(kXerialBlockSize, in.size() - pos);
    size_t written = 0;
    snappy::RawCompress(reinterpret_cast<const char*>(in.data() + pos), n,
                        reinterpret_cast<char*>(p + 4), &written);
    store_be32(p, static_cast<uint32_t>(written));
    p += 4 + written;
  }
  out.resize(static_cast<size_t>(p - out.data()));
  return sluice::Status::ok();
}

// One raw snappy block from `block` appended through `sink`; the announced size is checked
// against the cap before any byte is allocated.
sluice::Status snappy_raw_block(std::span<const uint8_t> block, CappedSink& sink, size_t cap) {
  constexpr std::string_view kName = "snappy";
  const char* src = reinterpret_cast<const char*>(block.data());
  size_t length = 0;
  if (!snappy::GetUncompressedLength(src, block.size(), &length)) {
    return corrupt(kName, "bad uncompressed-length preamble");
  }
  if (length > sink.left_under_cap()) return over_cap(kName, cap);
  if (length == 0) {
    // A valid empty block is the single preamble byte 0.
    if (block.size() != 1) return corrupt(kName, "bytes after an empty block");
    return sluice::Status::ok();
  }
  const std::span<uint8_t> room = sink.room(length);
  if (room.size() < length) return over_cap(kName, cap);
  if (!snappy::RawUncompress(src, block.size(), reinterpret_cast<char*>(room.data()))) {
    return corrupt(kName, "malformed block");
  }
  sink.commit(length);
  return sluice::Status::ok();
}

sluice::Status snappy_decompress(std::span<const uint8_t> in, CappedSink& sink, size_t cap) {
  const bool xerial = in.size() >= kXerialHeaderSize &&
                      std::memcmp(in.data(), kXerialMagic, sizeof(kXerialMagic)) == 0;
  if (!xerial) return snappy_raw_block(in, sink, cap);
  size_t pos = kXerialHeaderSize;
  while (pos < in.size()) {
    if (in.size() - pos < 4) return corrupt("snappy (xerial)", "truncated block length");
    const uint32_t block_len = load_be32(in.data() + pos);
    pos += 4;
    if (block_len == 0 || block_len > in.size() - pos) {
      return corrupt("snappy (xerial)", "block length " + std::to_string(block_len) +
                                            " does not fit the remaining " +
                                            std::to_string(in.size() - pos) + " bytes");
    }
    SLUICE_RETURN_IF_ERROR(snappy_raw_block(in.subspan(pos, block_len), sink, cap));
    pos += block_len;
  }
  return sluice::Status::ok();
}

// ---- lz4 -------------------------------------------------------------------------------------

sluice::Status lz4_compress(std::span<const uint8_t> in, std::vector<uint8_t>& out, int level) {
  if (level < -1 || level > kLz4MaxLevel) {
    return sluice::Status::invalid_argument("lz4 compression: level " + std::to_string(level) +
                                            " outside 1.." + std::to_string(kLz4MaxLevel));
  }
  LZ4F_preferences_t prefs;
  std::memset(&prefs, 0, sizeof(prefs));
  prefs.frameInfo.blockSizeID = LZ4F_max64KB;
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;  // Kafka's Java reader needs this
  prefs.frameInfo.contentChecksumFlag = LZ4F_noContentChecksum;
  prefs.frameInfo.blockChecksumFlag = LZ4F_noBlockChecksum;
  prefs.frameInfo.contentSize = 0;
  prefs.compressionLevel = level < 0 ? 0 : level;
  const size_t start = out.size();
  const size_t bound = LZ4F_compressFrameBound(in.size(), &prefs);
  out.resize(start + bound);
  const size_t written =
      LZ4F_compressFrame(out.data() + start, bound, in.data(), in.size(), &prefs);
  if (LZ4F_isError(written)) {
    out.resize(start);
    return sluice::Status::internal(std::string("lz4 compression: ") + LZ4F_getErrorName(written));
  }
  out.resize(start + written);
  return sluice::Status::ok();
}

sluice::Status lz4_decompress(std::span<const uint8_t> in, CappedSink& sink, size_t cap) {
  constexpr std::string_view kName = "lz4";
  LZ4F_dctx* dctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION))) {
    return sluice::Status::internal("lz4: cannot create a decompression context");
  }
  struct Guard {
    LZ4F_dctx* d;
    ~Guard() { LZ4F_freeDecompressionContext(d); }
  } guard{dctx};
  size_t pos = 0;
  for (;;) {
    const std::span<uint8_t> room = sink.room(in.size() * 4);
    if (room.empty()) return over_cap(kName, cap);
    size_t dst_size = room.size();
    size_t src_size = in.size() - pos;
    const size_t rc =
        LZ4F_decompress(dctx, room.data(), &dst_size, in.data() + pos, &src_size, nullptr);
    if (LZ4F_isError(rc)) return corrupt(kName, LZ4F_getErrorName(rc));
    pos += src_size;
    sink.commit(dst_size);
    if (sink.over_cap()) return over_cap(kName, cap);
    if (rc == 0) {
      // A frame ended; another may follow.
      if (pos == in.size()) return sluice::Status::ok();
      continue;
    }
    if (dst_size == 0 && (pos == in.size() || src_size == 0)) {
      return corrupt(kName, pos == 0 ? "empty input" : "truncated frame");
    }
  }
}

// ---- zstd ------------------------------------------------------------------------------------

sluice::Status zstd_compress(std::span<const uint8_t> in, std::vector<uint8_t>& out, int level) {
  if (level != -1 && (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel())) {
    return sluice::Status::invalid_argument("zstd compression: level " + std::to_string(level) +
                                            " outside the library's range");
  }
  const size_t start = out.size();
  const size_t bound = ZSTD_compressBound(in.size());
  out.resize(start + bound);
  const size_t written = ZSTD_compress(out.data() + start, bound, in.data(), in.size(),
                                       level == -1 ? ZSTD_CLEVEL_DEFAULT : level);
  if (ZSTD_isError(written)) {
    out.resize(start);
    return sluice::Status::internal(std::string("zstd compression: ") + ZSTD_getErrorName(written));
  }
  out.resize(start + written);
  return sluice::Status::ok();
}

// The largest window a frame may ask for: enough for any default-level producer (level 19 uses
// 8 MiB), more only when the cap itself is larger, never above zstd's 128 MiB default limit.
int zstd_window_log_max(size_t cap) {
  int log = 23;
  while (log < 27 && (size_t{1} << log) < cap) ++log;
  return log;
}

sluice::Status zstd_decompress(std::span<const uint8_t> in, CappedSink& sink, size_t cap) {
  constexpr std::string_view kName = "zstd";
  if (in.empty()) return corrupt(kName, "empty input");
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  if (dctx == nullptr)
    return sluice::Status::internal("zstd: cannot create a decompression context");
  struct Guard {
    ZSTD_DCtx* d;
    ~Guard() { ZSTD_freeDCtx(d); }
  } guard{dctx};
  ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, zstd_window_log_max(cap));
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  for (;;) {
    const std::span<uint8_t> room = sink.room(in.size() * 4);
    if (room.empty()) return over_cap(kName, cap);
    ZSTD_outBuffer output{room.data(), room.size(), 0};
    const size_t rc = ZSTD_decompressStream(dctx, &output, &input);
    if (ZSTD_isError(rc)) return corrupt(kName, ZSTD_getErrorName(rc));
    sink.commit(output.pos);
    if (sink.over_cap()) return over_cap(kName, cap);
    const bool input_done = input.pos == input.size;
    if (rc == 0 && input_done) return sluice::Status::ok();  // last frame complete and flushed
    if (input_done && output.pos < output.size) return corrupt(kName, "truncated frame");
  }
}

}  // namespace

std::string_view compression_codec_name(CompressionCodec codec) {
  switch (codec) {
    case CompressionCodec::kNone:
      return "none";
    case CompressionCodec::kGzip:
      return "gzip";
    case CompressionCodec::kSnappy:
      return "snappy";
    case CompressionCodec::kLz4:
      return "lz4";
    case CompressionCodec::kZstd:
      return "zstd";
  }
  return "unknown";
}

bool compression_codec_from_attributes(int16_t attributes, CompressionCodec* codec) {
  const int bits = attributes & 0x07;
  if (bits > static_cast<int>(CompressionCodec::kZstd)) return false;
  *codec = static_cast<CompressionCodec>(bits);
  return true;
}

sluice::Status compress(CompressionCodec codec, std::span<const uint8_t> in,
                        std::vector<uint8_t>& out, int level) {
  switch (codec) {
    case CompressionCodec::kNone:
      out.insert(out.end(), in.begin(), in.end());
      return sluice::Status::ok();
    case CompressionCodec::kGzip:
      return gzip_compress(in, out, level);
    case CompressionCodec::kSnappy:
      return snappy_compress_xerial(in, out);
    case CompressionCodec::kLz4:
      return lz4_compress(in, out, level);
    case CompressionCodec::kZstd:
      return zstd_compress(in, out, level);
  }
  return sluice::Status::unsupported("compression: unknown codec " +
                                     std::to_string(static_cast<int>(codec)));
}

sluice::Status decompress(CompressionCodec codec, std::span<const uint8_t> in,
                          std::vector<uint8_t>& out, size_t max_output_bytes) {
  CappedSink sink(out, max_output_bytes);
  sluice::Status status;
  switch (codec) {
    case CompressionCodec::kNone:
      if (in.size() > max_output_bytes) return over_cap("none", max_output_bytes);
      out.insert(out.end(), in.begin(), in.end());
      return sluice::Status::ok();
    case CompressionCodec::kGzip:
      status = gzip_decompress(in, sink, max_output_bytes);
      break;
    case CompressionCodec::kSnappy:
      status = snappy_decompress(in, sink, max_output_bytes);
      break;
    case CompressionCodec::kLz4:
      status = lz4_decompress(in, sink, max_output_bytes);
      break;
    case CompressionCodec::kZstd:
      status = zstd_decompress(in, sink, max_output_bytes);
      break;
    default:
      return sluice::Status::unsupported("decompression: unknown codec " +
                                         std::to_string(static_cast<int>(codec)));
  }
  if (status.is_ok()) {
    sink.finish();
  } else {
    sink.rollback();
  }
  return status;
}

}  // namespace sluice::kafka
