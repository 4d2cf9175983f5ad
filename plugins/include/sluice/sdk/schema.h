// sluice::Schema: Kafka Connect's schema model (INT8..STRUCT, optional, name, version, doc,
// parameters, default, logical types Decimal/Date/Time/Timestamp) rendered as Connect's schema
// JSON (docs/formats/worker-storage.md §3.3), the text a task registers with
// host->schema_register to get the schema id of its typed values.
#ifndef SLUICE_SDK_SCHEMA_H_
#define SLUICE_SDK_SCHEMA_H_

#include <sluice/plugin_abi.h>
#include <sluice/sdk/json.h>

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
    if (type_ == ValueType::kFloat32) {
      json::append_float(out, static_cast<float>(value));
    } else {
      json::append_double(out, value);
    }
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
    json::append_string(out, value);
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
      json::append_string(out, name_);
    }
    if (version_) {
      out += ",\"version\":";
      out += std::to_string(*version_);
    }
    if (!doc_.empty()) {
      out += ",\"doc\":";
      json::append_string(out, doc_);
    }
    if (!parameters_.empty()) {
      out += ",\"parameters\":{";
      for (size_t i = 0; i < parameters_.size(); ++i) {
        if (i > 0) out += ',';
        json::append_string(out, parameters_[i].first);
        out += ':';
        json::append_string(out, parameters_[i].second);
      }
      out += '}';
    }
    if (default_json_) {
      out += ",\"default\":";
      out += *default_json_;
    }
    if (field_name != nullptr) {
      out += ",\"field\":";
      json::append_string(out, *field_name);
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
