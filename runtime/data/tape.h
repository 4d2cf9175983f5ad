// Value tapes (plugin-abi.md §7.1): the pre-order node arrays of TYPED sluice_data. TapeBuilder
// builds one into reused buffers (no allocation once they have grown), PathTracker names a
// position inside a value for error messages (`value.items[3].price`).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <sluice/plugin_abi.h>

namespace sluice::data {

// "INT64", "STRING", ... for a SLUICE_VALUE_* code ("UNKNOWN(n)" otherwise is not needed: the
// name of an unknown code is "UNKNOWN").
std::string_view value_type_name(uint32_t type);

// Builds a tape. String and byte contents are copied into the builder's own arena; the nodes'
// views are resolved by finish(). Nodes and views stay valid until the next clear() or until
// the builder is destroyed. Not copyable (views point into it).
class TapeBuilder {
 public:
  TapeBuilder() = default;
  TapeBuilder(const TapeBuilder&) = delete;
  TapeBuilder& operator=(const TapeBuilder&) = delete;

  void clear() {
    nodes_.clear();
    arena_.clear();
  }
  void null() { scalar(SLUICE_VALUE_NULL).u.i = 0; }
  void boolean(bool v) { scalar(SLUICE_VALUE_BOOLEAN).u.i = v ? 1 : 0; }
  // INT8..INT64 (the value is stored sign-extended, unchecked).
  void integer(uint8_t type, int64_t v) { scalar(type).u.i = v; }
  void float32(float v) { scalar(SLUICE_VALUE_FLOAT32).u.f = v; }
  void float64(double v) { scalar(SLUICE_VALUE_FLOAT64).u.f = v; }
  // STRING or BYTES node with a copy of `content`.
  void text(uint8_t type, std::string_view content);
  // STRING or BYTES node whose content is arena()[offset, offset+len) (append to arena() first).
  void text_at(uint8_t type, size_t offset, size_t len);
  std::string* arena() { return &arena_; }
  // Opens ARRAY/MAP/STRUCT; returns its index for end().
  uint32_t begin(uint8_t type);
  // Closes the container at `index` with `count` elements / entries / fields.
  void end(uint32_t index, uint64_t count);
  // Appends a copy of a finished tape (e.g. a schema default), its strings copied.
  void append(const sluice_value* nodes, uint64_t count);

  uint64_t size() const { return nodes_.size(); }
  // Resolves the string views; call once after the last node. Returns the root.
  const sluice_value* finish();

 private:
  sluice_value& scalar(uint8_t type) {
    sluice_value& v = nodes_.emplace_back();
    v.type = type;
    v.span = 1;
    return v;
  }

  std::vector<sluice_value> nodes_;
  std::string arena_;
};

// The path of the value being visited, rendered only when an error needs it. Segments keep views
// of field names and keys that must outlive the render.
class PathTracker {
 public:
  void reset(std::string_view root) {
    root_ = root;
    segments_.clear();
  }
  void push_field(std::string_view name) { segments_.push_back({Kind::kField, name, 0}); }
  void push_index(uint64_t i) { segments_.push_back({Kind::kIndex, {}, i}); }
  void push_map_key(uint64_t i) { segments_.push_back({Kind::kMapKey, {}, i}); }
  // A map value: shown by its key when the key is a string, else by its entry number.
  void push_map_value(uint64_t i, const std::string_view* string_key) {
    if (string_key) {
      segments_.push_back({Kind::kStringKey, *string_key, i});
    } else {
      segments_.push_back({Kind::kMapValue, {}, i});
    }
  }
  void pop() { segments_.pop_back(); }
  size_t depth() const { return segments_.size(); }
  // e.g. `value.items[3].price`, `key.tags["a"]`, `value.m[key 2]`, `value.m[value 2]`.
  std::string render() const;
  // "<path>: <message>" as an invalid-argument Status text.
  std::string error(std::string_view message) const;

 private:
  enum class Kind : uint8_t { kField, kIndex, kMapKey, kMapValue, kStringKey };
  struct Segment {
    Kind kind;
    std::string_view name;
    uint64_t index;
  };
  std::string_view root_;
  std::vector<Segment> segments_;
};

}  // namespace sluice::data
