// Connect's Decimal logical type on the wire: an unscaled big-endian two's-complement integer
// plus the schema's scale. Conversions to and from decimal text (Java BigDecimal.toString layout,
// which is how Jackson writes a BigDecimal for decimal.format=NUMERIC).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "broker-lite/util/status.h"

namespace sluice::data {

// The shortest two's-complement form of `bytes` (redundant leading 0x00/0xFF removed), as Java's
// BigInteger.toByteArray() produces; a view into `bytes`. Empty input stays empty.
std::span<const uint8_t> minimal_twos_complement(std::span<const uint8_t> bytes);

// Appends BigDecimal(unscaled, scale).toString(): plain notation when scale >= 0 and the adjusted
// exponent >= -6 (`12.34`, `0.001`, `-5`), scientific otherwise (`1E-10`, `5E+2`). `scratch` is
// reused working memory. `unscaled` must not be empty.
void append_decimal_text(std::span<const uint8_t> unscaled, int32_t scale, std::string* out,
                         std::vector<uint32_t>* scratch);

// Parses a JSON number's text as a decimal and appends its unscaled value at `scale` as minimal
// two's-complement bytes. Fails when the number has more fraction digits than `scale` (other than
// trailing zeros) or more than 4096 digits.
[[nodiscard]] Status decimal_text_to_unscaled(std::string_view text, int32_t scale,
                                              std::string* out, std::string* scratch);

}  // namespace sluice::data
