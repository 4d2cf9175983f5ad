// Decimal text <-> unscaled two's-complement bytes (see decimal.h).
#include "runtime/data/decimal.h"

#include <algorithm>
#include <charconv>

namespace sluice::data {
namespace {

constexpr uint32_t kLimbBase = 1000000000;  // 10^9 per limb
constexpr size_t kMaxDigits = 4096;

}  // namespace

std::span<const uint8_t> minimal_twos_complement(std::span<const uint8_t> bytes) {
  size_t start = 0;
  while (start + 1 < bytes.size()) {
    const uint8_t b = bytes[start];
    const bool next_negative = (bytes[start + 1] & 0x80) != 0;
    if ((b == 0x00 && !next_negative) || (b == 0xFF && next_negative)) {
      ++start;
    } else {
      break;
    }
  }
  return bytes.subspan(start);
}

void append_decimal_text(std::span<const uint8_t> unscaled, int32_t scale, std::string* out,
                         std::vector<uint32_t>* scratch) {
  const bool negative = !unscaled.empty() && (unscaled[0] & 0x80) != 0;
  // Magnitude in base 10^9, little-endian limbs: multiply-add each byte (negated if negative).
  std::vector<uint32_t>& limbs = *scratch;
  limbs.clear();
  limbs.push_back(0);
  // Two's-complement negation on the fly: magnitude = ~x + 1, processed as bytes ~b, then +1.
  for (uint8_t b : unscaled) {
    uint64_t carry = negative ? static_cast<uint8_t>(~b) : b;
    for (uint32_t& limb : limbs) {
      uint64_t v = uint64_t{limb} * 256 + carry;
      limb = static_cast<uint32_t>(v % kLimbBase);
      carry = v / kLimbBase;
    }
    while (carry) {
      limbs.push_back(static_cast<uint32_t>(carry % kLimbBase));
      carry /= kLimbBase;
    }
  }
  if (negative) {  // + 1
    uint64_t carry = 1;
    for (uint32_t& limb : limbs) {
      uint64_t v = uint64_t{limb} + carry;
      limb = static_cast<uint32_t>(v % kLimbBase);
      carry = v / kLimbBase;
      if (!carry) break;
    }
    if (carry) limbs.push_back(static_cast<uint32_t>(carry));
  }
  while (limbs.size() > 1 && limbs.back() == 0) limbs.pop_back();
  // Coefficient digits.
  std::string digits;
  char buf[16];
  auto r = std::to_chars(buf, buf + sizeof(buf), limbs.back());
  digits.append(buf, r.ptr);
  for (size_t i = limbs.size() - 1; i-- > 0;) {
    r = std::to_chars(buf, buf + sizeof(buf), limbs[i]);
    digits.append(9 - static_cast<size_t>(r.ptr - buf), '0');
    digits.append(buf, r.ptr);
  }
  if (negative) out->push_back('-');
  const auto len = static_cast<int64_t>(digits.size());
  const int64_t adjusted = -int64_t{scale} + (len - 1);
  if (scale >= 0 && adjusted >= -6) {
    if (scale == 0) {
      out->append(digits);
    } else if (len > scale) {
      out->append(digits, 0, static_cast<size_t>(len - scale));
      out->push_back('.');
      out->append(digits, static_cast<size_t>(len - scale));
    } else {
      out->append("0.");
      out->append(static_cast<size_t>(scale - len), '0');
      out->append(digits);
    }
    return;
  }
  out->push_back(digits[0]);
  if (len > 1) {
    out->push_back('.');
    out->append(digits, 1);
  }
  out->push_back('E');
  if (adjusted > 0) out->push_back('+');
  out->append(std::to_string(adjusted));
}

Status decimal_text_to_unscaled(std::string_view text, int32_t scale, std::string* out,
                                std::string* scratch) {
  auto bad = [&](std::string_view why) {
    return Status::invalid_argument("decimal " + std::string(text.substr(0, 64)) + ": " +
                                    std::string(why));
  };
  size_t p = 0;
  bool negative = false;
  if (p < text.size() && (text[p] == '-' || text[p] == '+')) negative = text[p++] == '-';
  std::string& digits = *scratch;
  digits.clear();
  int64_t frac_digits = 0;
  bool seen_point = false;
  bool any_digit = false;
  for (; p < text.size(); ++p) {
    const char c = text[p];
    if (c >= '0' && c <= '9') {
      any_digit = true;
      if (!(digits.empty() && c == '0')) digits.push_back(c);  // no leading zeros
      if (seen_point) ++frac_digits;
      if (digits.size() > kMaxDigits) return bad("too many digits");
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!any_digit) return bad("not a number");
  int64_t exponent = 0;
  if (p < text.size() && (text[p] == 'e' || text[p] == 'E')) {
    ++p;
    if (p < text.size() && text[p] == '+') ++p;
    auto r = std::from_chars(text.data() + p, text.data() + text.size(), exponent);
    if (r.ec != std::errc() || exponent > 100000 || exponent < -100000) {
      return bad("invalid exponent");
    }
    p = static_cast<size_t>(r.ptr - text.data());
  }
  if (p != text.size()) return bad("not a number");
  // value = digits * 10^(exponent - frac_digits); wanted: unscaled = value * 10^scale.
  const int64_t shift = exponent - frac_digits + scale;
  if (shift >= 0) {
    if (!digits.empty()) {
      if (digits.size() + static_cast<size_t>(shift) > kMaxDigits) return bad("too many digits");
      digits.append(static_cast<size_t>(shift), '0');
    }
  } else {
    const auto drop = static_cast<size_t>(-shift);
    const size_t keep = drop >= digits.size() ? 0 : digits.size() - drop;
    for (size_t i = keep; i < digits.size(); ++i) {
      if (digits[i] != '0') {
        return bad("has more fraction digits than the schema's scale " + std::to_string(scale));
      }
    }
    digits.resize(keep);
  }
  // Decimal digits -> little-endian base-256 magnitude.
  std::string mag;  // little-endian bytes
  for (char c : digits) {
    uint32_t carry = static_cast<uint32_t>(c - '0');
    for (char& byte : mag) {
      uint32_t v = static_cast<uint8_t>(byte) * 10u + carry;
      byte = static_cast<char>(v & 0xFF);
      carry = v >> 8;
    }
    if (carry) mag.push_back(static_cast<char>(carry));
  }
  if (mag.empty()) mag.push_back(0);
  if (negative) {
    // Two's complement of the magnitude: invert, add one.
    uint32_t carry = 1;
    for (char& byte : mag) {
      uint32_t v = static_cast<uint8_t>(~static_cast<uint8_t>(byte)) + carry;
      byte = static_cast<char>(v & 0xFF);
      carry = v >> 8;
    }
    if (static_cast<uint8_t>(mag.back()) < 0x80) mag.push_back(static_cast<char>(0xFF));
    bool zero = std::all_of(digits.begin(), digits.end(), [](char c) { return c == '0'; });
    if (zero) mag.assign(1, 0);
  } else if (static_cast<uint8_t>(mag.back()) >= 0x80) {
    mag.push_back(0);
  }
  std::string be(mag.rbegin(), mag.rend());
  auto minimal = minimal_twos_complement(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(be.data()), be.size()));
  out->append(reinterpret_cast<const char*>(minimal.data()), minimal.size());
  return Status::ok();
}

}  // namespace sluice::data
