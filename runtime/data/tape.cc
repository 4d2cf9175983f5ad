// TapeBuilder and PathTracker (see tape.h).
#include "runtime/data/tape.h"

#include <cstring>

#include "runtime/data/json_writer.h"

namespace sluice::data {

std::string_view value_type_name(uint32_t type) {
  static constexpr std::string_view kNames[] = {"NULL",    "INT8",    "INT16",   "INT32",  "INT64",
                                                "FLOAT32", "FLOAT64", "BOOLEAN", "STRING", "BYTES",
                                                "ARRAY",   "MAP",     "STRUCT"};
  return type < std::size(kNames) ? kNames[type] : std::string_view("UNKNOWN");
}

void TapeBuilder::text(uint8_t type, std::string_view content) {
  const size_t at = arena_.size();
  arena_.append(content);
  text_at(type, at, content.size());
}

void TapeBuilder::text_at(uint8_t type, size_t offset, size_t len) {
  sluice_value& v = scalar(type);
  // The offset rides in the pointer until finish() adds the arena's final address.
  v.u.b.ptr = reinterpret_cast<const uint8_t*>(static_cast<uintptr_t>(offset));
  v.u.b.len = len;
}

uint32_t TapeBuilder::begin(uint8_t type) {
  const auto index = static_cast<uint32_t>(nodes_.size());
  scalar(type);
  return index;
}

void TapeBuilder::end(uint32_t index, uint64_t count) {
  sluice_value& v = nodes_[index];
  v.span = static_cast<uint32_t>(nodes_.size() - index);
  v.u.count = count;
}

void TapeBuilder::append(const sluice_value* nodes, uint64_t count) {
  for (uint64_t i = 0; i < count; ++i) {
    const sluice_value& n = nodes[i];
    if (n.type == SLUICE_VALUE_STRING || n.type == SLUICE_VALUE_BYTES) {
      text(n.type, std::string_view(reinterpret_cast<const char*>(n.u.b.ptr), n.u.b.len));
    } else {
      nodes_.push_back(n);
    }
  }
}

const sluice_value* TapeBuilder::finish() {
  const auto* base = reinterpret_cast<const uint8_t*>(arena_.data());
  for (sluice_value& v : nodes_) {
    if (v.type == SLUICE_VALUE_STRING || v.type == SLUICE_VALUE_BYTES) {
      v.u.b.ptr = base + reinterpret_cast<uintptr_t>(v.u.b.ptr);
    }
  }
  return nodes_.data();
}

std::string PathTracker::render() const {
  std::string out(root_);
  for (const Segment& s : segments_) {
    switch (s.kind) {
      case Kind::kField:
        out += '.';
        out += s.name;
        break;
      case Kind::kIndex:
        out += '[' + std::to_string(s.index) + ']';
        break;
      case Kind::kMapKey:
        out += "[key " + std::to_string(s.index) + ']';
        break;
      case Kind::kMapValue:
        out += "[value " + std::to_string(s.index) + ']';
        break;
      case Kind::kStringKey:
        out += '[';
        append_json_string(s.name, &out);
        out += ']';
        break;
    }
  }
  return out;
}

std::string PathTracker::error(std::string_view message) const {
  std::string out = render();
  out += ": ";
  out += message;
  return out;
}

}  // namespace sluice::data
