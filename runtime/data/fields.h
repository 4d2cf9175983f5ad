// OwnedFields: an owning copy of a source partition or source offset (an array of sluice_field,
// plugin-abi.md §7.2) and its canonical JSON form (worker-storage.md §1.1: members sorted by name
// bytewise, INT64 as integers, FLOAT64 per §0).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <sluice/plugin_abi.h>

#include "broker-lite/util/status.h"

namespace sluice::data {

class OwnedFields {
 public:
  OwnedFields() = default;
  // Copies `n` fields (borrowed for the call) in their given order, names and strings included.
  static OwnedFields copy_of(const sluice_field* f, uint32_t n);
  // Parses a JSON object whose members are primitives (null, booleans, numbers, strings):
  // integers within int64 → INT64, other numbers → FLOAT64. Nested values, duplicate names and
  // non-objects are errors.
  static Result<OwnedFields> from_json(std::string_view json);

  OwnedFields(const OwnedFields& other);
  OwnedFields& operator=(const OwnedFields& other);
  OwnedFields(OwnedFields&& other) noexcept;
  OwnedFields& operator=(OwnedFields&& other) noexcept;
  ~OwnedFields() = default;

  // The fields; their name/string views point into this object's storage and stay valid until it
  // is modified, assigned or destroyed (copies and moves re-point them to the new storage).
  const sluice_field* data() const { return fields_.data(); }
  uint32_t size() const { return static_cast<uint32_t>(fields_.size()); }
  bool empty() const { return fields_.empty(); }

  // Same set of (name, type, value), in any order. FLOAT64 values compare by bits (NaN == NaN).
  bool equals(const sluice_field* f, uint32_t n) const;
  bool operator==(const OwnedFields& other) const { return equals(other.data(), other.size()); }

  // The canonical JSON object (sorted by name).
  std::string to_json() const;

 private:
  void rebase(const char* old_base);

  std::vector<sluice_field> fields_;
  std::string storage_;  // names and string values, back to back
};

// Appends the canonical JSON object of `n` fields (borrowed) to *out, members sorted by name.
void append_fields_json(const sluice_field* f, uint32_t n, std::string* out);

// Checks a plugin-supplied field array: known types, unique names. The error names the field.
[[nodiscard]] Status validate_fields(const sluice_field* f, uint32_t n);

}  // namespace sluice::data
