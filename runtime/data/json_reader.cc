// Strict JSON parsing into a flat node array (see json_reader.h).
#include "runtime/data/json_reader.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace sluice::data {

std::string_view json_kind_name(JsonKind kind) {
  switch (kind) {
    case JsonKind::kNull:
      return "NULL";
    case JsonKind::kFalse:
    case JsonKind::kTrue:
      return "BOOLEAN";
    case JsonKind::kNumber:
      return "NUMBER";
    case JsonKind::kString:
      return "STRING";
    case JsonKind::kArray:
      return "ARRAY";
    case JsonKind::kObject:
      return "OBJECT";
  }
  return "?";
}

class JsonDoc::Parser {
 public:
  Parser(JsonDoc* doc, std::string_view in, uint32_t max_depth)
      : doc_(doc), in_(in), max_depth_(max_depth) {}

  Status run() {
    skip_ws();
    SLUICE_RETURN_IF_ERROR(value(0));
    skip_ws();
    if (pos_ != in_.size()) return error("unexpected data after the JSON value");
    return Status::ok();
  }

 private:
  Status error(std::string_view what) const {
    std::string m = "invalid JSON: ";
    m += what;
    m += " at byte ";
    m += std::to_string(pos_);
    return Status::invalid_argument(std::move(m));
  }

  void skip_ws() {
    while (pos_ < in_.size()) {
      char c = in_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  bool literal(std::string_view word) {
    if (in_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Status value(uint32_t depth) {
    if (pos_ >= in_.size()) return error("unexpected end of input");
    const char c = in_[pos_];
    JsonNode n;
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string_node();
      case 't':
        if (!literal("true")) return error("invalid literal");
        n.kind = JsonKind::kTrue;
        doc_->nodes_.push_back(n);
        return Status::ok();
      case 'f':
        if (!literal("false")) return error("invalid literal");
        n.kind = JsonKind::kFalse;
        doc_->nodes_.push_back(n);
        return Status::ok();
      case 'n':
        if (!literal("null")) return error("invalid literal");
        doc_->nodes_.push_back(n);
        return Status::ok();
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return number();
        return error("unexpected character");
    }
  }

  Status container_start(uint32_t depth, JsonKind kind, size_t* index) {
    if (depth + 1 > max_depth_) {
      return error("nesting deeper than " + std::to_string(max_depth_) + " levels");
    }
    *index = doc_->nodes_.size();
    JsonNode n;
    n.kind = kind;
    doc_->nodes_.push_back(n);
    return Status::ok();
  }

  void container_end(size_t index, size_t begin, uint32_t count) {
    JsonNode& n = doc_->nodes_[index];
    n.span = static_cast<uint32_t>(doc_->nodes_.size() - index);
    n.count = count;
    n.text = in_.substr(begin, pos_ - begin);
  }

  Status object(uint32_t depth) {
    size_t index = 0;
    const size_t begin = pos_;
    SLUICE_RETURN_IF_ERROR(container_start(depth, JsonKind::kObject, &index));
    ++pos_;  // '{'
    uint32_t count = 0;
    skip_ws();
    if (pos_ < in_.size() && in_[pos_] == '}') {
      ++pos_;
      container_end(index, begin, 0);
      return Status::ok();
    }
    for (;;) {
      skip_ws();
      if (pos_ >= in_.size() || in_[pos_] != '"') return error("expected a member name");
      SLUICE_RETURN_IF_ERROR(string_node());
      skip_ws();
      if (pos_ >= in_.size() || in_[pos_] != ':') return error("expected ':'");
      ++pos_;
      skip_ws();
      SLUICE_RETURN_IF_ERROR(value(depth + 1));
      ++count;
      skip_ws();
      if (pos_ >= in_.size()) return error("unexpected end of input in an object");
      if (in_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (in_[pos_] == '}') {
        ++pos_;
        break;
      }
      return error("expected ',' or '}'");
    }
    container_end(index, begin, count);
    return Status::ok();
  }

  Status array(uint32_t depth) {
    size_t index = 0;
    const size_t begin = pos_;
    SLUICE_RETURN_IF_ERROR(container_start(depth, JsonKind::kArray, &index));
    ++pos_;  // '['
    uint32_t count = 0;
    skip_ws();
    if (pos_ < in_.size() && in_[pos_] == ']') {
      ++pos_;
      container_end(index, begin, 0);
      return Status::ok();
    }
    for (;;) {
      skip_ws();
      SLUICE_RETURN_IF_ERROR(value(depth + 1));
      ++count;
      skip_ws();
      if (pos_ >= in_.size()) return error("unexpected end of input in an array");
      if (in_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (in_[pos_] == ']') {
        ++pos_;
        break;
      }
      return error("expected ',' or ']'");
    }
    container_end(index, begin, count);
    return Status::ok();
  }

  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  Status number() {
    const size_t begin = pos_;
    bool negative = false;
    if (in_[pos_] == '-') {
      negative = true;
      ++pos_;
    }
    if (pos_ >= in_.size() || !is_digit(in_[pos_])) return error("invalid number");
    if (in_[pos_] == '0') {
      ++pos_;
    } else {
      while (pos_ < in_.size() && is_digit(in_[pos_])) ++pos_;
    }
    bool integral = true;
    bool negative_exponent = false;
    if (pos_ < in_.size() && in_[pos_] == '.') {
      integral = false;
      ++pos_;
      if (pos_ >= in_.size() || !is_digit(in_[pos_])) return error("invalid number");
      while (pos_ < in_.size() && is_digit(in_[pos_])) ++pos_;
    }
    if (pos_ < in_.size() && (in_[pos_] == 'e' || in_[pos_] == 'E')) {
      integral = false;
      ++pos_;
      if (pos_ < in_.size() && (in_[pos_] == '+' || in_[pos_] == '-')) {
        negative_exponent = in_[pos_] == '-';
        ++pos_;
      }
      if (pos_ >= in_.size() || !is_digit(in_[pos_])) return error("invalid number");
      while (pos_ < in_.size() && is_digit(in_[pos_])) ++pos_;
    }
    JsonNode n;
    n.kind = JsonKind::kNumber;
    n.integral = integral;
    n.text = in_.substr(begin, pos_ - begin);
    const char* first = n.text.data();
    const char* last = first + n.text.size();
    if (integral) {
      auto r = std::from_chars(first, last, n.i);
      if (r.ec == std::errc() && r.ptr == last) {
        n.fits_int64 = true;
        n.f = static_cast<double>(n.i);
      }
    }
    if (!n.fits_int64) {
      auto r = std::from_chars(first, last, n.f);
      if (r.ec == std::errc::result_out_of_range) {
        const double mag =
            (negative_exponent && !integral) ? 0.0 : std::numeric_limits<double>::infinity();
        n.f = negative ? -mag : mag;
      } else if (r.ec != std::errc() || r.ptr != last) {
        return error("invalid number");
      }
    }
    doc_->nodes_.push_back(n);
    return Status::ok();
  }

  static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool read_hex4(uint32_t* out) {
    if (pos_ + 4 > in_.size()) return false;
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      int h = hex_value(in_[pos_ + k]);
      if (h < 0) return false;
      v = (v << 4) | static_cast<uint32_t>(h);
    }
    pos_ += 4;
    *out = v;
    return true;
  }

  // Length of the valid UTF-8 sequence starting at pos_ (lead byte >= 0x80), or 0.
  size_t utf8_sequence() const {
    const auto b = [&](size_t k) { return static_cast<unsigned char>(in_[pos_ + k]); };
    const unsigned char c = b(0);
    size_t len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return 0;
    }
    if (pos_ + len > in_.size()) return 0;
    for (size_t k = 1; k < len; ++k) {
      if ((b(k) & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (b(k) & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
    return len;
  }

  void append_utf8(uint32_t cp) {
    std::string& out = doc_->unescaped_;
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  Status string_node() {
    ++pos_;  // opening quote
    const size_t begin = pos_;
    bool escaped = false;
    size_t out_begin = 0;
    size_t run = begin;  // start of the bytes not yet copied (escaped strings only)
    std::string& out = doc_->unescaped_;
    for (;;) {
      if (pos_ >= in_.size()) return error("unterminated string");
      const unsigned char c = static_cast<unsigned char>(in_[pos_]);
      if (c == '"') break;
      if (c < 0x20) return error("control character in a string");
      if (c >= 0x80) {
        size_t len = utf8_sequence();
        if (len == 0) return error("invalid UTF-8 in a string");
        pos_ += len;
        continue;
      }
      if (c != '\\') {
        ++pos_;
        continue;
      }
      if (!escaped) {
        escaped = true;
        out_begin = out.size();
      }
      out.append(in_.data() + run, pos_ - run);
      ++pos_;
      if (pos_ >= in_.size()) return error("unterminated string");
      const char e = in_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out.push_back(e);
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          uint32_t cp = 0;
          if (!read_hex4(&cp)) return error("invalid \\u escape");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low = 0;
            if (pos_ + 2 > in_.size() || in_[pos_] != '\\' || in_[pos_ + 1] != 'u') {
              return error("unpaired surrogate in a \\u escape");
            }
            pos_ += 2;
            if (!read_hex4(&low) || low < 0xDC00 || low > 0xDFFF) {
              return error("unpaired surrogate in a \\u escape");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return error("unpaired surrogate in a \\u escape");
          }
          append_utf8(cp);
          break;
        }
        default:
          --pos_;
          return error("invalid escape");
      }
      run = pos_;
    }
    JsonNode n;
    n.kind = JsonKind::kString;
    if (escaped) {
      out.append(in_.data() + run, pos_ - run);
      n.text = std::string_view(out.data() + out_begin, out.size() - out_begin);
    } else {
      n.text = in_.substr(begin, pos_ - begin);
    }
    ++pos_;  // closing quote
    doc_->nodes_.push_back(n);
    return Status::ok();
  }

  JsonDoc* doc_;
  std::string_view in_;
  uint32_t max_depth_;
  size_t pos_ = 0;
};

Status JsonDoc::parse(std::string_view input, uint32_t max_depth) {
  nodes_.clear();
  unescaped_.clear();
  if (input.size() >= UINT32_MAX) {
    return Status::invalid_argument("invalid JSON: input of " + std::to_string(input.size()) +
                                    " bytes is too large");
  }
  // Unescaped text is never longer than the input, so views into unescaped_ stay valid.
  unescaped_.reserve(input.size());
  Parser parser(this, input, max_depth);
  Status st = parser.run();
  if (!st.is_ok()) nodes_.clear();
  return st;
}

uint32_t JsonDoc::find_member(uint32_t object, std::string_view name) const {
  if (object >= nodes_.size() || nodes_[object].kind != JsonKind::kObject) return kNone;
  uint32_t found = kNone;
  uint32_t i = object + 1;
  for (uint32_t m = 0; m < nodes_[object].count; ++m) {
    const uint32_t value = i + 1;
    if (nodes_[i].text == name) found = value;
    i = next(value);
  }
  return found;
}

}  // namespace sluice::data
