// sluice::Fields: a small ordered map of name -> (null | bool | int64 | double | string), the
// C++ form of a source partition or source offset (plugin-abi.md §7.2), convertible to and from
// the ABI's sluice_field arrays.
#ifndef SLUICE_SDK_FIELDS_H_
#define SLUICE_SDK_FIELDS_H_

#include <sluice/plugin_abi.h>
#include <sluice/sdk/host.h>

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace sluice {

// One value of a Fields entry. Integers of any width are stored as int64.
class FieldValue {
 public:
  using Variant = std::variant<std::monostate, bool, int64_t, double, std::string>;

  FieldValue() = default;
  FieldValue(std::nullptr_t) {}                               // NOLINT
  FieldValue(bool v) : value_(v) {}                           // NOLINT
  FieldValue(double v) : value_(v) {}                         // NOLINT
  FieldValue(std::string v) : value_(std::move(v)) {}         // NOLINT
  FieldValue(std::string_view v) : value_(std::string(v)) {}  // NOLINT
  FieldValue(const char* v) : value_(std::string(v)) {}       // NOLINT
  template <typename I,
            std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  FieldValue(I v) : value_(static_cast<int64_t>(v)) {}  // NOLINT

  [[nodiscard]] bool is_null() const noexcept { return value_.index() == 0; }
  [[nodiscard]] bool is_bool() const noexcept { return value_.index() == 1; }
  [[nodiscard]] bool is_int64() const noexcept { return value_.index() == 2; }
  [[nodiscard]] bool is_double() const noexcept { return value_.index() == 3; }
  [[nodiscard]] bool is_string() const noexcept { return value_.index() == 4; }

  // Typed reads: nullopt if the value is of another type.
  [[nodiscard]] std::optional<bool> as_bool() const noexcept { return get<bool>(); }
  [[nodiscard]] std::optional<int64_t> as_int64() const noexcept { return get<int64_t>(); }
  [[nodiscard]] std::optional<double> as_double() const noexcept { return get<double>(); }
  // A view into this value; valid while it is unchanged.
  [[nodiscard]] std::optional<std::string_view> as_string() const noexcept {
    if (const auto* s = std::get_if<std::string>(&value_)) return std::string_view(*s);
    return std::nullopt;
  }
  [[nodiscard]] const Variant& variant() const noexcept { return value_; }

  // Assigns in place, reusing the string capacity (no allocation when a string offset is
  // updated with a text that fits).
  void assign_string(std::string_view v) {
    if (auto* s = std::get_if<std::string>(&value_)) {
      s->assign(v.data(), v.size());
    } else {
      value_ = std::string(v);
    }
  }

  friend bool operator==(const FieldValue& a, const FieldValue& b) = default;

 private:
  template <typename T>
  [[nodiscard]] std::optional<T> get() const noexcept {
    if (const auto* v = std::get_if<T>(&value_)) return *v;
    return std::nullopt;
  }
  Variant value_;
};

// Named values with unique names, in insertion order. Reusable: clear() keeps the storage and
// set() overwrites in place, so a task that sets its partition and offset on every record does
// not allocate in steady state.
class Fields {
 public:
  using Entry = std::pair<std::string, FieldValue>;

  Fields() = default;
  Fields(std::initializer_list<std::pair<std::string, FieldValue>> entries) {
    for (const auto& [name, value] : entries) set(name, value);
  }

  // Sets `name` to `value` (adds it if absent). Returns *this for chaining.
  Fields& set(std::string_view name, FieldValue value) {
    slot(name).second = std::move(value);
    return *this;
  }
  // Like set() for a string, reusing the stored string's capacity.
  Fields& set_string(std::string_view name, std::string_view value) {
    slot(name).second.assign_string(value);
    return *this;
  }

  // The value of `name`, or null if absent; the pointer is valid until this object changes.
  [[nodiscard]] const FieldValue* get(std::string_view name) const noexcept {
    for (const auto& entry : entries()) {
      if (entry.first == name) return &entry.second;
    }
    return nullptr;
  }
  [[nodiscard]] std::optional<int64_t> get_int64(std::string_view name) const noexcept {
    const FieldValue* v = get(name);
    return v ? v->as_int64() : std::nullopt;
  }
  [[nodiscard]] std::optional<double> get_double(std::string_view name) const noexcept {
    const FieldValue* v = get(name);
    return v ? v->as_double() : std::nullopt;
  }
  [[nodiscard]] std::optional<bool> get_bool(std::string_view name) const noexcept {
    const FieldValue* v = get(name);
    return v ? v->as_bool() : std::nullopt;
  }
  [[nodiscard]] std::optional<std::string_view> get_string(std::string_view name) const noexcept {
    const FieldValue* v = get(name);
    return v ? v->as_string() : std::nullopt;
  }

  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] size_t size() const noexcept { return size_; }
  void clear() noexcept { size_ = 0; }
  [[nodiscard]] std::span<const Entry> entries() const noexcept {
    return std::span<const Entry>(storage_.data(), size_);
  }
  [[nodiscard]] auto begin() const noexcept { return entries().begin(); }
  [[nodiscard]] auto end() const noexcept { return entries().end(); }

  // Equal when they hold the same names with the same values, in any order.
  friend bool operator==(const Fields& a, const Fields& b) {
    if (a.size() != b.size()) return false;
    for (const auto& [name, value] : a.entries()) {
      const FieldValue* other = b.get(name);
      if (other == nullptr || !(*other == value)) return false;
    }
    return true;
  }

  // Copies an ABI array (borrowed for the call). A field of an unknown type reads as null; a
  // repeated name keeps the last value.
  static Fields from_abi(const sluice_field* fields, uint32_t count) {
    Fields out;
    for (uint32_t i = 0; fields != nullptr && i < count; ++i) {
      const sluice_field& f = fields[i];
      std::string_view name = sdk_detail::from_str(f.name);
      switch (f.type) {
        case SLUICE_FIELD_BOOLEAN:
          out.set(name, f.v.i != 0);
          break;
        case SLUICE_FIELD_INT64:
          out.set(name, static_cast<int64_t>(f.v.i));
          break;
        case SLUICE_FIELD_FLOAT64:
          out.set(name, f.v.f);
          break;
        case SLUICE_FIELD_STRING:
          out.set(name, sdk_detail::from_str(f.v.s));
          break;
        default:
          out.set(name, nullptr);
          break;
      }
    }
    return out;
  }

  // Writes the ABI form into `out` (resized to size()); the views point into this object and
  // are valid until it changes or is destroyed.
  void to_abi(std::vector<sluice_field>& out) const {
    out.resize(size_);
    to_abi(std::span<sluice_field>(out));
  }
  // The same into caller-owned storage of at least size() entries (the first size() are written).
  // Throws std::length_error if `out` is shorter.
  void to_abi(std::span<sluice_field> out) const {
    if (out.size() < size_) throw std::length_error("sluice_field array shorter than the Fields");
    for (size_t i = 0; i < size_; ++i) {
      const auto& [name, value] = storage_[i];
      sluice_field& f = out[i];
      f = sluice_field{};
      f.name = sdk_detail::to_str(name);
      std::visit(
          [&f](const auto& v) {
            using V = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<V, std::monostate>) {
              f.type = SLUICE_FIELD_NULL;
            } else if constexpr (std::is_same_v<V, bool>) {
              f.type = SLUICE_FIELD_BOOLEAN;
              f.v.i = v ? 1 : 0;
            } else if constexpr (std::is_same_v<V, int64_t>) {
              f.type = SLUICE_FIELD_INT64;
              f.v.i = v;
            } else if constexpr (std::is_same_v<V, double>) {
              f.type = SLUICE_FIELD_FLOAT64;
              f.v.f = v;
            } else {
              f.type = SLUICE_FIELD_STRING;
              f.v.s = sdk_detail::to_str(v);
            }
          },
          value.variant());
    }
  }

 private:
  // The entry for `name`: the existing one, else a spare slot (reused) or a new one.
  Entry& slot(std::string_view name) {
    for (size_t i = 0; i < size_; ++i) {
      if (storage_[i].first == name) return storage_[i];
    }
    if (size_ == storage_.size()) storage_.emplace_back();
    Entry& entry = storage_[size_++];
    entry.first.assign(name.data(), name.size());
    return entry;
  }

  std::vector<Entry> storage_;  // [0, size_) in use, the rest spare (kept for reuse)
  size_t size_ = 0;
};

}  // namespace sluice

#endif  // SLUICE_SDK_FIELDS_H_
