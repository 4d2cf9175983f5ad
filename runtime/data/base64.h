// Standard Base64 (RFC 4648 alphabet, '=' padding): the encoding of bytes in Kafka Connect's
// JSON payloads (worker-storage.md §3.4).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace sluice::data {

// Appends the Base64 text of `bytes` to *out.
void base64_encode(std::span<const uint8_t> bytes, std::string* out);

// Decodes `text` and appends the bytes to *out. Returns false (with *out possibly partly
// appended) when the text is not canonical padded Base64: wrong length, a character outside the
// alphabet, or padding anywhere but the end.
[[nodiscard]] bool base64_decode(std::string_view text, std::string* out);

}  // namespace sluice::data
