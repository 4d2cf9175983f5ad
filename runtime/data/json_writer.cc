// Canonical JSON writing (see json_writer.h and worker-storage.md §0).
#include "runtime/data/json_writer.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

#include "runtime/data/base64.h"

namespace sluice::data {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

// The letter of the two-character escape of a byte, or 0 when it has none.
constexpr std::array<char, 128> make_short_escapes() {
  std::array<char, 128> t{};
  t['"'] = '"';
  t['\\'] = '\\';
  t['\b'] = 'b';
  t['\t'] = 't';
  t['\n'] = 'n';
  t['\f'] = 'f';
  t['\r'] = 'r';
  return t;
}
constexpr std::array<char, 128> kShortEscape = make_short_escapes();

// Lays out the output of std::to_chars(..., chars_format::scientific) — the shortest round-trip
// digits as "[-]d[.ddd]e±XX" — the way Java's Double.toString does.
void append_java_layout(const char* sci, const char* end, std::string* out) {
  const char* p = sci;
  if (*p == '-') {
    out->push_back('-');
    ++p;
  }
  char digits[32];
  size_t n = 0;
  while (p < end && *p != 'e') {
    if (*p != '.' && n < sizeof(digits)) digits[n++] = *p;
    ++p;
  }
  while (n > 1 && digits[n - 1] == '0') --n;  // the precision-1 form may end in a zero
  int exp = 0;
  if (p < end) {
    ++p;  // 'e'
    std::from_chars(*p == '+' ? p + 1 : p, end, exp);
  }
  if (exp >= -3 && exp < 7) {
    if (exp >= 0) {
      const size_t int_digits = static_cast<size_t>(exp) + 1;
      for (size_t i = 0; i < int_digits; ++i) out->push_back(i < n ? digits[i] : '0');
      out->push_back('.');
      if (n > int_digits) {
        out->append(digits + int_digits, n - int_digits);
      } else {
        out->push_back('0');
      }
    } else {
      out->append("0.");
      out->append(static_cast<size_t>(-exp - 1), '0');
      out->append(digits, n);
    }
    return;
  }
  out->push_back(digits[0]);
  out->push_back('.');
  if (n > 1) {
    out->append(digits + 1, n - 1);
  } else {
    out->push_back('0');
  }
  out->push_back('E');
  char buf[16];
  auto r = std::to_chars(buf, buf + sizeof(buf), exp);
  out->append(buf, r.ptr);
}

template <typename F>
void append_java_number(F v, std::string* out) {
  if (std::isnan(v)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(v)) {
    out->append(v < 0 ? "-Infinity" : "Infinity");
    return;
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  const char* digits = buf[0] == '-' ? buf + 1 : buf;
  if (digits + 1 < r.ptr && digits[1] == 'e') {
    // One significant digit is the shortest: Java then prints the two-digit decimal closest to
    // the value (4.9E-324, not 5.0E-324), which is the correctly rounded precision-1 form.
    r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific, 1);
  }
  append_java_layout(buf, r.ptr, out);
}

}  // namespace

void append_json_string(std::string_view text, std::string* out) {
  out->push_back('"');
  size_t run = 0;  // start of the pending run of bytes that need no escaping
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(text.data() + run, i - run);
    run = i + 1;
    if (const char letter = kShortEscape[c]) {
      const char esc[2] = {'\\', letter};
      out->append(esc, sizeof(esc));
    } else {
      const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      out->append(esc, sizeof(esc));
    }
  }
  out->append(text.data() + run, text.size() - run);
  out->push_back('"');
}

void append_java_double(double v, std::string* out) {
  append_java_number(v, out);
}
void append_java_float(float v, std::string* out) {
  append_java_number(v, out);
}

void JsonWriter::begin_object() {
  separate();
  out_->push_back('{');
  need_comma_ = false;
}

void JsonWriter::end_object() {
  out_->push_back('}');
  need_comma_ = true;
}

void JsonWriter::begin_array() {
  separate();
  out_->push_back('[');
  need_comma_ = false;
}

void JsonWriter::end_array() {
  out_->push_back(']');
  need_comma_ = true;
}

void JsonWriter::key(std::string_view name) {
  separate();
  append_json_string(name, out_);
  out_->push_back(':');
  need_comma_ = false;
}

void JsonWriter::string(std::string_view text) {
  separate();
  append_json_string(text, out_);
  need_comma_ = true;
}

void JsonWriter::int64(int64_t v) {
  separate();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out_->append(buf, r.ptr);
  need_comma_ = true;
}

template <typename F>
void JsonWriter::number(F v) {
  if (!std::isfinite(v)) {
    string(std::isnan(v) ? "NaN" : (v < 0 ? "-Infinity" : "Infinity"));
    return;
  }
  separate();
  append_java_number(v, out_);
  need_comma_ = true;
}

void JsonWriter::float64(double v) {
  number(v);
}
void JsonWriter::float32(float v) {
  number(v);
}

void JsonWriter::boolean(bool v) {
  separate();
  out_->append(v ? "true" : "false");
  need_comma_ = true;
}

void JsonWriter::null() {
  separate();
  out_->append("null");
  need_comma_ = true;
}

void JsonWriter::raw(std::string_view json) {
  separate();
  out_->append(json);
  need_comma_ = true;
}

void JsonWriter::base64(std::span<const uint8_t> bytes) {
  separate();
  out_->push_back('"');
  base64_encode(bytes, out_);
  out_->push_back('"');
  need_comma_ = true;
}

}  // namespace sluice::data
