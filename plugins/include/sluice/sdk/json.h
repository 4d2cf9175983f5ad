// sluice::json: small appenders for writing JSON text by hand into a std::string, with the same
// bytes the worker's JSON converter produces (docs/formats/worker-storage.md §0): strings keep
// UTF-8 as is and escape only ", \ and control characters; floating-point numbers use Java's
// Double.toString / Float.toString layout, as Kafka Connect's JsonConverter does. The SDK's
// schema JSON and the bundled connectors' record renderings are written with them.
//
//   std::string line = "{\"topic\":";
//   sluice::json::append_string(line, record.topic());
//   line += ",\"offset\":";
//   sluice::json::append_integer(line, record.offset());
//   line += '}';
#ifndef SLUICE_SDK_JSON_H_
#define SLUICE_SDK_JSON_H_

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace sluice::json {

// Appends `text` as a quoted JSON string. Bytes >= 0x20 other than " and \ are copied unchanged
// (UTF-8 stays UTF-8, no \u escapes for non-ASCII); " and \ get a backslash; \b \t \n \f \r use
// their short escapes and the other control characters \u00XX (upper-case hex).
inline void append_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '"';
  size_t run = 0;  // first byte of the pending run that needs no escape
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    char letter = 0;
    switch (c) {
      case '"':
        letter = '"';
        break;
      case '\\':
        letter = '\\';
        break;
      case '\b':
        letter = 'b';
        break;
      case '\t':
        letter = 't';
        break;
      case '\n':
        letter = 'n';
        break;
      case '\f':
        letter = 'f';
        break;
      case '\r':
        letter = 'r';
        break;
      default:
        break;
    }
    if (letter != 0) {
      const char escape[2] = {'\\', letter};
      out.append(escape, 2);
    } else {
      const char escape[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out.append(escape, 6);
    }
  }
  out.append(text.data() + run, text.size() - run);
  out += '"';
}

inline void append_integer(std::string& out, int64_t value) {
  char digits[24];
  char* end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

inline void append_bool(std::string& out, bool value) {
  out += value ? "true" : "false";
}

namespace detail {

// Lays out shortest round-trip digits the way Java's Double.toString does: plain notation with
// at least one digit after the point for magnitudes in [1e-3, 1e7) (100.0, 0.001), else
// computerized scientific notation (1.0E7, 1.2345E-5). `value` is finite and non-zero;
// `as_float` takes the digits of the nearest float.
inline void append_java_layout(std::string& out, double value, bool as_float) {
  char buffer[64];
  auto shortest = [&](int precision) {
    if (precision < 0) {
      return as_float ? std::to_chars(buffer, buffer + sizeof buffer, static_cast<float>(value),
                                      std::chars_format::scientific)
                      : std::to_chars(buffer, buffer + sizeof buffer, value,
                                      std::chars_format::scientific);
    }
    return as_float ? std::to_chars(buffer, buffer + sizeof buffer, static_cast<float>(value),
                                    std::chars_format::scientific, precision)
                    : std::to_chars(buffer, buffer + sizeof buffer, value,
                                    std::chars_format::scientific, precision);
  };
  std::to_chars_result r = shortest(-1);
  const char* first = buffer[0] == '-' ? buffer + 1 : buffer;
  if (first + 1 < r.ptr && first[1] == 'e') {
    // A single significant digit is the shortest form: Java writes at least two, the two-digit
    // decimal nearest the value (Double.MIN_VALUE is 4.9E-324, not 5.0E-324).
    r = shortest(1);
  }
  std::string_view text(buffer, static_cast<size_t>(r.ptr - buffer));
  if (text.front() == '-') {
    out += '-';
    text.remove_prefix(1);
  }
  size_t e_pos = text.find('e');
  char digits[40];  // the significant digits without the point
  size_t digit_count = 0;
  for (char c : text.substr(0, e_pos)) {
    if (c != '.' && digit_count < sizeof digits) digits[digit_count++] = c;
  }
  while (digit_count > 1 && digits[digit_count - 1] == '0') --digit_count;  // 1.0 from "1.0e7"
  std::string_view exp_text = text.substr(e_pos + 1);
  if (!exp_text.empty() && exp_text.front() == '+') exp_text.remove_prefix(1);
  int exponent = 0;
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  double magnitude = std::fabs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent >= 0) {
      auto int_len = static_cast<size_t>(exponent) + 1;
      if (digit_count <= int_len) {
        out.append(digits, digit_count);
        out.append(int_len - digit_count, '0');
        out += ".0";
      } else {
        out.append(digits, int_len);
        out += '.';
        out.append(digits + int_len, digit_count - int_len);
      }
    } else {
      out += "0.";
      out.append(static_cast<size_t>(-exponent - 1), '0');
      out.append(digits, digit_count);
    }
  } else {
    out += digits[0];
    out += '.';
    if (digit_count > 1) {
      out.append(digits + 1, digit_count - 1);
    } else {
      out += '0';
    }
    out += 'E';
    append_integer(out, exponent);
  }
}

inline void append_floating(std::string& out, double value, bool as_float) {
  if (std::isnan(value)) {
    out += "\"NaN\"";
  } else if (std::isinf(value)) {
    out += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  } else if (value == 0) {
    out += std::signbit(value) ? "-0.0" : "0.0";
  } else {
    append_java_layout(out, value, as_float);
  }
}

}  // namespace detail

// A FLOAT64 as Java's Double.toString writes it (1.0, 0.001, 1234567.5, 1.0E7, 1.0E-4, -0.0).
// JSON has no NaN or infinities: they are written as the strings "NaN", "Infinity", "-Infinity".
inline void append_double(std::string& out, double value) {
  detail::append_floating(out, value, false);
}

// A FLOAT32 as Java's Float.toString writes it: the shortest digits that identify the float
// (0.1f gives 0.1, not 0.10000000149011612); otherwise like append_double.
inline void append_float(std::string& out, float value) {
  detail::append_floating(out, static_cast<double>(value), true);
}

}  // namespace sluice::json

#endif  // SLUICE_SDK_JSON_H_
