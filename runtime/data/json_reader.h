// JsonDoc: a small strict JSON parser (RFC 8259) for bytes from outside — converter input,
// schema JSON, the offset file. It parses into a flat, reused node array (pre-order, like a value
// tape) so that steady-state parsing allocates nothing, bounds the nesting depth, validates UTF-8
// and reports the byte offset of the first problem. It never crashes on garbage.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "broker-lite/util/status.h"

namespace sluice::data {

enum class JsonKind : uint8_t { kNull, kFalse, kTrue, kNumber, kString, kArray, kObject };

// The name of a kind as Jackson calls it ("NULL", "BOOLEAN", "NUMBER", "STRING", "ARRAY",
// "OBJECT"), for error messages.
std::string_view json_kind_name(JsonKind kind);

struct JsonNode {
  JsonKind kind = JsonKind::kNull;
  bool integral = false;    // number: written without fraction or exponent
  bool fits_int64 = false;  // number: integral and within int64 (then `i` holds it)
  uint32_t span = 1;   // nodes in this subtree including this one; an object member is its key node
                       // (a kString) followed by the value's subtree
  uint32_t count = 0;  // array: elements; object: members
  int64_t i = 0;       // number, when fits_int64
  double f = 0;        // number: the nearest double (±infinity / ±0 beyond double's range)
  // string: the unescaped text; number: the number as written; array/object: the raw JSON text
  // of the whole value. Views into the input or the document's own buffer: valid until the next
  // parse() or the document's destruction, and (for raw views) while the input lives.
  std::string_view text;
};

class JsonDoc {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  static constexpr uint32_t kDefaultMaxDepth = 128;

  // Parses exactly one JSON value (surrounding whitespace allowed). `input` is borrowed and must
  // outlive the use of the nodes (raw and unescaped-free string views point into it).
  [[nodiscard]] Status parse(std::string_view input, uint32_t max_depth = kDefaultMaxDepth);

  uint32_t size() const { return static_cast<uint32_t>(nodes_.size()); }
  const JsonNode& node(uint32_t index) const { return nodes_[index]; }
  // The index after the subtree at `index`.
  uint32_t next(uint32_t index) const { return index + nodes_[index].span; }
  // The value node of the member named `name` of the object at `object` (the last one when the
  // name repeats, as Jackson keeps it), or kNone.
  uint32_t find_member(uint32_t object, std::string_view name) const;

 private:
  class Parser;
  std::vector<JsonNode> nodes_;
  std::string unescaped_;  // reserved to the input size before a parse: never reallocates during it
};

}  // namespace sluice::data
