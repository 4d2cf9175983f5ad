// Typed values as the ABI carries them: a tape of sluice_value nodes in pre-order with subtree
// spans (plugin-abi.md §7.1). sluice::TapeBuilder writes one into reusable storage;
// sluice::ValueReader walks one (e.g. the key/value of a SinkRecord).
#ifndef SLUICE_SDK_TAPE_H_
#define SLUICE_SDK_TAPE_H_

#include <sluice/plugin_abi.h>
#include <sluice/sdk/errors.h>
#include <sluice/sdk/schema.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

// Decimal's representation: the unscaled value as minimal big-endian two's-complement bytes
// (12.34 at scale 2 -> unscaled 1234 -> 04 D2).
[[nodiscard]] inline std::string decimal_bytes(int64_t unscaled) {
  std::string out;
  auto v = static_cast<uint64_t>(unscaled);
  for (int i = 7; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
  size_t drop = 0;
  while (drop + 1 < out.size()) {
    auto b = static_cast<unsigned char>(out[drop]);
    auto next = static_cast<unsigned char>(out[drop + 1]);
    if ((b == 0x00 && (next & 0x80) == 0) || (b == 0xFF && (next & 0x80) != 0)) {
      ++drop;
    } else {
      break;
    }
  }
  return out.substr(drop);
}

// Builds one value tape. Scalars are appended with the typed methods; containers are opened and
// closed with begin_*/end_* (their element count and span are filled in at the end). A STRUCT
// takes exactly one subtree per schema field, in order (null() for a missing optional field).
// String and bytes payloads are copied into the builder. Reuse: clear() keeps the capacity, so a
// task that builds one value per record does not allocate in steady state.
// Misuse (end without begin, a second root, an odd map) throws std::logic_error.
class TapeBuilder {
 public:
  void clear() noexcept {
    nodes_.clear();
    payload_offsets_.clear();
    arena_.clear();
    open_.clear();
    fixed_ = false;
  }

  TapeBuilder& null() {
    scalar(ValueType::kNull);
    return *this;
  }
  TapeBuilder& int8(int8_t v) { return integer(ValueType::kInt8, v); }
  TapeBuilder& int16(int16_t v) { return integer(ValueType::kInt16, v); }
  TapeBuilder& int32(int32_t v) { return integer(ValueType::kInt32, v); }
  TapeBuilder& int64(int64_t v) { return integer(ValueType::kInt64, v); }
  TapeBuilder& boolean(bool v) { return integer(ValueType::kBoolean, v ? 1 : 0); }
  TapeBuilder& float32(float v) {
    scalar(ValueType::kFloat32).u.f = static_cast<double>(v);
    return *this;
  }
  TapeBuilder& float64(double v) {
    scalar(ValueType::kFloat64).u.f = v;
    return *this;
  }
  TapeBuilder& string(std::string_view v) {
    return payload(ValueType::kString, v.data(), v.size());
  }
  TapeBuilder& bytes(std::span<const uint8_t> v) {
    return payload(ValueType::kBytes, v.data(), v.size());
  }
  TapeBuilder& bytes(std::string_view v) { return payload(ValueType::kBytes, v.data(), v.size()); }
  // Logical types (their base representation).
  TapeBuilder& decimal(int64_t unscaled) { return bytes(decimal_bytes(unscaled)); }
  TapeBuilder& date(int32_t days_since_epoch) { return int32(days_since_epoch); }
  TapeBuilder& time(int32_t millis_of_day) { return int32(millis_of_day); }
  TapeBuilder& timestamp(int64_t epoch_millis) { return int64(epoch_millis); }

  TapeBuilder& begin_array() { return open(ValueType::kArray); }
  TapeBuilder& end_array() { return close(ValueType::kArray); }
  TapeBuilder& begin_map() { return open(ValueType::kMap); }
  TapeBuilder& end_map() { return close(ValueType::kMap); }
  TapeBuilder& begin_struct() { return open(ValueType::kStruct); }
  TapeBuilder& end_struct() { return close(ValueType::kStruct); }

  // True when exactly one complete root value has been written.
  [[nodiscard]] bool complete() const noexcept { return !nodes_.empty() && open_.empty(); }

  // The nodes, valid until the builder changes. Throws std::logic_error if not complete().
  [[nodiscard]] std::span<const sluice_value> nodes() {
    if (!complete()) throw std::logic_error("value tape is not complete (unclosed container?)");
    if (!fixed_) {
      for (size_t index : payload_offsets_) {
        auto offset = reinterpret_cast<uintptr_t>(nodes_[index].u.b.ptr);
        nodes_[index].u.b.ptr = reinterpret_cast<const uint8_t*>(arena_.data()) + offset;
      }
      fixed_ = true;
    }
    return nodes_;
  }

 private:
  struct Open {
    size_t index;
    uint64_t children;
  };

  sluice_value& scalar(ValueType type) {
    if (open_.empty() && !nodes_.empty()) throw std::logic_error("value tape already has a root");
    unfix();
    if (!open_.empty()) ++open_.back().children;
    sluice_value& node = nodes_.emplace_back();
    node = sluice_value{};
    node.type = static_cast<uint8_t>(type);
    node.span = 1;
    return node;
  }
  TapeBuilder& integer(ValueType type, int64_t v) {
    scalar(type).u.i = v;
    return *this;
  }
  TapeBuilder& payload(ValueType type, const void* data, size_t size) {
    sluice_value& node = scalar(type);
    // Until nodes() the pointer holds the offset into arena_ (the arena may still move).
    node.u.b.ptr = reinterpret_cast<const uint8_t*>(static_cast<uintptr_t>(arena_.size()));
    node.u.b.len = size;
    if (size > 0) arena_.append(static_cast<const char*>(data), size);
    payload_offsets_.push_back(nodes_.size() - 1);
    return *this;
  }
  TapeBuilder& open(ValueType type) {
    scalar(type);
    open_.push_back(Open{nodes_.size() - 1, 0});
    return *this;
  }
  TapeBuilder& close(ValueType type) {
    if (open_.empty() || nodes_[open_.back().index].type != static_cast<uint8_t>(type)) {
      throw std::logic_error("end_* does not match the open container");
    }
    Open top = open_.back();
    open_.pop_back();
    sluice_value& node = nodes_[top.index];
    if (type == ValueType::kMap && top.children % 2 != 0) {
      throw std::logic_error("map closed with a key but no value");
    }
    node.u.count = type == ValueType::kMap ? top.children / 2 : top.children;
    size_t span = nodes_.size() - top.index;
    if (span > std::numeric_limits<uint32_t>::max())
      throw std::length_error("value tape too large");
    node.span = static_cast<uint32_t>(span);
    return *this;
  }
  void unfix() {
    if (!fixed_) return;
    for (size_t index : payload_offsets_) {
      auto base = reinterpret_cast<uintptr_t>(arena_.data());
      nodes_[index].u.b.ptr = reinterpret_cast<const uint8_t*>(
          reinterpret_cast<uintptr_t>(nodes_[index].u.b.ptr) - base);
    }
    fixed_ = false;
  }

  std::vector<sluice_value> nodes_;
  std::vector<size_t> payload_offsets_;  // indexes of STRING/BYTES nodes
  std::string arena_;                    // their payloads, back to back
  std::vector<Open> open_;               // containers not closed yet
  bool fixed_ = false;                   // payload pointers are absolute (nodes() was called)
};

// A read cursor on one node of a tape and its subtree. Borrows the tape: valid as long as the
// nodes are (for a SinkRecord, during put). Bounds are checked against the tape's end; a
// malformed tape throws sluice::FailedError rather than reading out of range.
class ValueReader {
 public:
  ValueReader() = default;
  // `nodes` .. `nodes + count` is the whole tape; the cursor starts at its root.
  ValueReader(const sluice_value* nodes, uint64_t count) : node_(nodes), end_(nodes + count) {
    if (count == 0 || nodes == nullptr) {
      node_ = end_ = nullptr;
    } else {
      check_span();
    }
  }
  explicit ValueReader(std::span<const sluice_value> tape)
      : ValueReader(tape.data(), tape.size()) {}

  [[nodiscard]] bool valid() const noexcept { return node_ != nullptr; }
  [[nodiscard]] ValueType type() const noexcept {
    return node_ ? static_cast<ValueType>(node_->type) : ValueType::kNull;
  }
  [[nodiscard]] bool is_null() const noexcept { return type() == ValueType::kNull; }
  // Nodes in this subtree (1 for a scalar).
  [[nodiscard]] uint32_t span() const noexcept { return node_ ? node_->span : 0; }

  // INT8..INT64 and BOOLEAN (0/1).
  [[nodiscard]] int64_t as_int64() const {
    auto t = type();
    if ((t >= ValueType::kInt8 && t <= ValueType::kInt64) || t == ValueType::kBoolean) {
      return node_->u.i;
    }
    throw mismatch("an integer");
  }
  [[nodiscard]] bool as_bool() const {
    if (type() != ValueType::kBoolean) throw mismatch("a boolean");
    return node_->u.i != 0;
  }
  // FLOAT32/FLOAT64 (an integer node is converted).
  [[nodiscard]] double as_double() const {
    auto t = type();
    if (t == ValueType::kFloat32 || t == ValueType::kFloat64) return node_->u.f;
    if (t >= ValueType::kInt8 && t <= ValueType::kInt64) return static_cast<double>(node_->u.i);
    throw mismatch("a number");
  }
  // STRING or BYTES payload as a view into the tape.
  [[nodiscard]] std::string_view as_string() const {
    auto t = type();
    if (t != ValueType::kString && t != ValueType::kBytes) throw mismatch("a string or bytes");
    return std::string_view(reinterpret_cast<const char*>(node_->u.b.ptr), node_->u.b.len);
  }
  // ARRAY elements, MAP entries, STRUCT fields.
  [[nodiscard]] uint64_t count() const {
    auto t = type();
    if (t != ValueType::kArray && t != ValueType::kMap && t != ValueType::kStruct) {
      throw mismatch("a container");
    }
    return node_->u.count;
  }

  // Child subtree i: ARRAY element i, STRUCT field i; for a MAP, entry_key(i)/entry_value(i).
  // Walks i siblings (O(i)); iterate with first_child()/next_sibling() for a full scan.
  [[nodiscard]] ValueReader child(uint64_t i) const {
    uint64_t n = type() == ValueType::kMap ? count() * 2 : count();
    if (i >= n) throw std::out_of_range("value tape: child index out of range");
    ValueReader c = first_child();
    for (uint64_t k = 0; k < i; ++k) c = c.next_sibling();
    return c;
  }
  [[nodiscard]] ValueReader entry_key(uint64_t i) const { return map_child(i, 0); }
  [[nodiscard]] ValueReader entry_value(uint64_t i) const { return map_child(i, 1); }

  // The first node below this one (only meaningful when count() > 0).
  [[nodiscard]] ValueReader first_child() const { return at(node_ + 1); }
  // The node after this subtree (the next element/field of the parent).
  [[nodiscard]] ValueReader next_sibling() const { return at(node_ + node_->span); }

 private:
  ValueReader(const sluice_value* node, const sluice_value* end, bool) : node_(node), end_(end) {
    check_span();
  }
  [[nodiscard]] ValueReader at(const sluice_value* node) const {
    if (node_ == nullptr || node >= end_)
      throw FailedError("malformed value tape: read past its end");
    return ValueReader(node, end_, true);
  }
  [[nodiscard]] ValueReader map_child(uint64_t i, uint64_t which) const {
    if (type() != ValueType::kMap) throw mismatch("a map");
    return child(i * 2 + which);
  }
  void check_span() const {
    if (node_->span == 0 || node_->span > static_cast<uint64_t>(end_ - node_)) {
      throw FailedError("malformed value tape: a span reaches past the end");
    }
  }
  [[nodiscard]] std::logic_error mismatch(const char* expected) const {
    return std::logic_error(std::string("value node is not ") + expected + " (type " +
                            std::to_string(static_cast<int>(type())) + ")");
  }

  const sluice_value* node_ = nullptr;
  const sluice_value* end_ = nullptr;
};

}  // namespace sluice

#endif  // SLUICE_SDK_TAPE_H_
