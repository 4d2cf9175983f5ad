// sluice::Schema: Kafka Connect's schema model (INT8..STRUCT, optional, name, version, doc,
// parameters, default, logical types Decimal/Date/Time/Timestamp) rendered as Connect's schema
// JSON (docs/formats/worker-storage.md §3.3), the text a task registers with
// host->schema_register to get the schema id of its typed values.
#ifndef SLUICE_SDK_SCHEMA_H_
#define SLUICE_SDK_SCHEMA_H_

#include <sluice/plugin_abi.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice {

// The type of a value node and of a schema (numbers are the ABI's SLUICE_VALUE_*). kNull is a
// value only (a null node); schemas use the other types.
enum class ValueType : uint8_t {
  kNull = SLUICE_VALUE_NULL,
  kInt8 = SLUICE_VALUE_INT8,
  kInt16 = SLUICE_VALUE_INT16,
  kInt32 = SLUICE_VALUE_INT32,
  kInt64 = SLUICE_VALUE_INT64,
  kFloat32 = SLUICE_VALUE_FLOAT32,
  kFloat64 = SLUICE_VALUE_FLOAT64,
  kBoolean = SLUICE_VALUE_BOOLEAN,
  kString = SLUICE_VALUE_STRING,
  kBytes = SLUICE_VALUE_BYTES,
  kArray = SLUICE_VALUE_ARRAY,
  kMap = SLUICE_VALUE_MAP,
  kStruct = SLUICE_VALUE_STRUCT,
};

namespace sdk_detail {

// Appends `s` as a JSON string per worker-storage.md §0 (UTF-8 as is; ", \ and controls escaped).
inline void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '"';
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// Appends a floating-point number laid out like Java's Double.toString with the shortest digits
// (worker-storage.md §0); `as_float` uses float precision. NaN/infinities become strings.
inline void append_json_number(std::string& out, double value, bool as_float = false) {
  if (std::isnan(value)) {
    out += "\"NaN\"";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    return;
  }
  if (value == 0) {
    out += std::signbit(value) ? "-0.0" : "0.0";
    return;
  }
  char buffer[64];
  std::to_chars_result r =
      as_float
          ? std::to_chars(buffer, buffer + sizeof buffer, static_cast<float>(value),
                          std::chars_format::scientific)
          : std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  std::string_view text(buffer, static_cast<size_t>(r.ptr - buffer));
  bool negative = text.front() == '-';
  if (negative) text.remove_prefix(1);
  size_t e_pos = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e_pos)) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  std::string_view exp_text = text.substr(e_pos + 1);
  if (!exp_text.empty() && exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  if (negative) out += '-';
  double magnitude = std::fabs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent >= 0) {
      auto int_len = static_cast<size_t>(exponent) + 1;
      if (digits.size() <= int_len) {
        out += digits;
        out.append(int_len - digits.size(), '0');
        out += ".0";
      } else {
        out += digits.substr(0, int_len);
        out += '.';
        out += digits.substr(int_len);
      }
    } else {
      out += "0.";
      out.append(static_cast<size_t>(-exponent - 1), '0');
      out += digits;
    }
  } else {
    out += digits[0];
    out += '.';
    out += digits.size() > 1 ? digits.substr(1) : std::string("0");
    out += 'E';
    out += std::to_string(exponent);
  }
}

}  // namespace sdk_detail

// A Connect schema, a value type. Build with the factories and chain the modifiers:
//   Schema order = Schema::struct_type().name("shop.Order")
//       .field("id", Schema::int32())
//       .field("price", Schema::decimal(2))
//       .field("seen", Schema::timestamp().optional());
// Modifiers throw std::invalid_argument on a misuse (a field on a non-struct, a default of the
// wrong type).
class Schema {
 public:
  static constexpr const char* kDecimalName = "org.apache.kafka.connect.data.Decimal";
  static constexpr const char* kDateName = "org.apache.kafka.connect.data.Date";
  static constexpr const char* kTimeName = "org.apache.kafka.connect.data.Time";
  static constexpr const char* kTimestampName = "org.apache.kafka.connect.data.Timestamp";

  static Schema int8() { return Schema(ValueType::kInt8); }
  static Schema int16() { return Schema(ValueType::kInt16); }
  static Schema int32() { return Schema(ValueType::kInt32); }
  static Schema int64() { return Schema(ValueType::kInt64); }
  static Schema float32() { return Schema(ValueType::kFloat32); }
  static Schema float64() { return Schema(ValueType::kFloat64); }
  static Schema boolean() { return Schema(ValueType::kBoolean); }
  static Schema string() { return Schema(ValueType::kString); }
  static Schema bytes() { return Schema(ValueType::kBytes); }
  static Schema array(Schema items) {
    Schema s(ValueType::kArray);
    s.children_.push_back(std::move(items));
    return s;
  }
  static Schema map(Schema keys, Schema values) {
    Schema s(ValueType::kMap);
    s.children_.push_back(std::move(keys));
    s.children_.push_back(std::move(values));
    return s;
  }
  static Schema struct_type() { return Schema(ValueType::kStruct); }

  // Logical types: the base type plus Connect's name and version 1.
  static Schema decimal(int32_t scale, std::optional<int32_t> precision = std::nullopt) {
    Schema s = bytes().name(kDecimalName).version(1).parameter("scale", std::to_string(scale));
    if (precision) s.parameter("connect.decimal.precision", std::to_string(*precision));
    return s;
  }
  static Schema date() { return int32().name(kDateName).version(1); }
  static Schema time() { return int32().name(kTimeName).version(1); }
  static Schema timestamp() { return int64().name(kTimestampName).version(1); }

  Schema& optional(bool value = true) {
    optional_ = value;
    return *this;
  }
  Schema& name(std::string value) {
    name_ = std::move(value);
    return *this;
  }
  Schema& version(int32_t value) {
    version_ = value;
    return *this;
  }
  Schema& doc(std::string value) {
    doc_ = std::move(value);
    return *this;
  }
  // Adds or replaces a parameter (kept in insertion order).
  Schema& parameter(std::string key, std::string value) {
    for (auto& p : parameters_) {
      if (p.first == key) {
        p.second = std::move(value);
        return *this;
      }
    }
    parameters_.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  // Appends a struct field (names must be unique).
  Schema& field(std::string field_name, Schema schema) {
    if (type_ != ValueType::kStruct) throw std::invalid_argument("field() on a non-struct schema");
    for (const auto& f : fields_) {
      if (f.first == field_name)
        throw std::invalid_argument("duplicate struct field " + field_name);
    }
    fields_.emplace_back(std::move(field_name), std::move(schema));
    return *this;
  }

  // Defaults of primitive schemas, written in the schema JSON's `default` member.
  Schema& default_int(int64_t value) {
    require_default(type_ >= ValueType::kInt8 && type_ <= ValueType::kInt64, "an integer");
    default_json_ = std::to_string(value);
    return *this;
  }
  Schema& default_double(double value) {
    require_default(type_ == ValueType::kFloat32 || type_ == ValueType::kFloat64, "a number");
    std::string out;
    sdk_detail::append_json_number(out, value, type_ == ValueType::kFloat32);
    default_json_ = std::move(out);
    return *this;
  }
  Schema& default_bool(bool value) {
    require_default(type_ == ValueType::kBoolean, "a boolean");
    default_json_ = value ? "true" : "false";
    return *this;
  }
  Schema& default_string(std::string_view value) {
    require_default(type_ == ValueType::kString, "a string");
    std::string out;
    sdk_detail::append_json_string(out, value);
    default_json_ = std::move(out);
    return *this;
  }

  [[nodiscard]] ValueType type() const noexcept { return type_; }
  [[nodiscard]] bool is_optional() const noexcept { return optional_; }
  [[nodiscard]] const std::string& schema_name() const noexcept { return name_; }
  [[nodiscard]] const std::vector<std::pair<std::string, Schema>>& fields() const noexcept {
    return fields_;
  }
  // ARRAY: the element schema; MAP: key_schema()/value_schema().
  [[nodiscard]] const Schema& items() const { return child(ValueType::kArray, 0); }
  [[nodiscard]] const Schema& key_schema() const { return child(ValueType::kMap, 0); }
  [[nodiscard]] const Schema& value_schema() const { return child(ValueType::kMap, 1); }

  // Connect's schema JSON, compact, members in the order of worker-storage.md §3.3.
  [[nodiscard]] std::string to_json() const {
    std::string out;
    append_json(out, nullptr);
    return out;
  }

  friend bool operator==(const Schema& a, const Schema& b) { return a.to_json() == b.to_json(); }

 private:
  explicit Schema(ValueType type) : type_(type) {}

  static const char* type_name(ValueType type) {
    switch (type) {
      case ValueType::kInt8:
        return "int8";
      case ValueType::kInt16:
        return "int16";
      case ValueType::kInt32:
        return "int32";
      case ValueType::kInt64:
        return "int64";
      case ValueType::kFloat32:
        return "float";
      case ValueType::kFloat64:
        return "double";
      case ValueType::kBoolean:
        return "boolean";
      case ValueType::kString:
        return "string";
      case ValueType::kBytes:
        return "bytes";
      case ValueType::kArray:
        return "array";
      case ValueType::kMap:
        return "map";
      case ValueType::kStruct:
        return "struct";
      case ValueType::kNull:
        break;
    }
    return "null";
  }

  void require_default(bool ok, const char* what) const {
    if (!ok) {
      throw std::invalid_argument(std::string("a ") + type_name(type_) + " schema cannot take " +
                                  what + " default");
    }
  }
  const Schema& child(ValueType expected, size_t index) const {
    if (type_ != expected || index >= children_.size()) {
      throw std::invalid_argument(std::string("no such child in a ") + type_name(type_) +
                                  " schema");
    }
    return children_[index];
  }

  void append_json(std::string& out, const std::string* field_name) const {
    out += "{\"type\":\"";
    out += type_name(type_);
    out += '"';
    if (type_ == ValueType::kArray) {
      out += ",\"items\":";
      children_[0].append_json(out, nullptr);
    } else if (type_ == ValueType::kMap) {
      out += ",\"keys\":";
      children_[0].append_json(out, nullptr);
      out += ",\"values\":";
      children_[1].append_json(out, nullptr);
    } else if (type_ == ValueType::kStruct) {
      out += ",\"fields\":[";
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (i > 0) out += ',';
        fields_[i].second.append_json(out, &fields_[i].first);
      }
      out += ']';
    }
    out += optional_ ? ",\"optional\":true" : ",\"optional\":false";
    if (!name_.empty()) {
      out += ",\"name\":";
      sdk_detail::append_json_string(out, name_);
    }
    if (version_) {
      out += ",\"version\":";
      out += std::to_string(*version_);
    }
    if (!doc_.empty()) {
      out += ",\"doc\":";
      sdk_detail::append_json_string(out, doc_);
    }
    if (!parameters_.empty()) {
      out += ",\"parameters\":{";
      for (size_t i = 0; i < parameters_.size(); ++i) {
        if (i > 0) out += ',';
        sdk_detail::append_json_string(out, parameters_[i].first);
        out += ':';
        sdk_detail::append_json_string(out, parameters_[i].second);
      }
      out += '}';
    }
    if (default_json_) {
      out += ",\"default\":";
      out += *default_json_;
    }
    if (field_name != nullptr) {
      out += ",\"field\":";
      sdk_detail::append_json_string(out, *field_name);
    }
    out += '}';
  }

  ValueType type_;
  bool optional_ = false;
  std::string name_;
  std::optional<int32_t> version_;
  std::string doc_;
  std::vector<std::pair<std::string, std::string>> parameters_;
  std::vector<Schema> children_;                        // ARRAY: items; MAP: keys, values
  std::vector<std::pair<std::string, Schema>> fields_;  // STRUCT
  std::optional<std::string> default_json_;
};

}  // namespace sluice

#endif  // SLUICE_SDK_SCHEMA_H_
