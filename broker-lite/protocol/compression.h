// The four record-batch compression codecs (gzip, snappy, lz4, zstd) with the framing Kafka
// clients use, and a decompressor with a hard output cap against decompression bombs.
// Framing per codec: docs/formats/record-batch.md, section 3.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "broker-lite/util/status.h"

namespace sluice::kafka {

// The values are those of the batch attributes' bits 0-2.
enum class CompressionCodec : int { kNone = 0, kGzip = 1, kSnappy = 2, kLz4 = 3, kZstd = 4 };

// "none", "gzip", "snappy", "lz4", "zstd" or "unknown".
std::string_view compression_codec_name(CompressionCodec codec);

// Maps attribute bits 0-2 to a codec; false for the invalid values 5-7.
bool compression_codec_from_attributes(int16_t attributes, CompressionCodec* codec);

// Compresses `in` (read during the call) and appends the result to `out`. `level` is the codec's
// own scale (gzip 1-9, lz4 1-12, zstd its negative..22 range); -1 picks the codec's default.
// kNone appends `in` unchanged. snappy is written with the xerial framing, lz4 as a frame with
// 64 KiB independent blocks, gzip as one gzip member, zstd as one frame.
sluice::Status compress(CompressionCodec codec, std::span<const uint8_t> in,
                        std::vector<uint8_t>& out, int level = -1);

// Decompresses `in` (read during the call) and appends the result to `out`. Producing more than
// `max_output_bytes` is a kResourceExhausted error; `out` never grows by more than
// max_output_bytes + 1 bytes, whatever the input claims. Malformed or truncated input is
// kCorruption; on any error `out` is restored to its size before the call. kNone appends `in`
// (subject to the same cap). Accepts both snappy framings, concatenated gzip members and zstd
// frames without a content size.
sluice::Status decompress(CompressionCodec codec, std::span<const uint8_t> in,
                          std::vector<uint8_t>& out, size_t max_output_bytes);

}  // namespace sluice::kafka
