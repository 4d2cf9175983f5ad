// Kafka Connect schemas (worker-storage.md §3.3, §3.5): immutable Schema objects built by
// SchemaBuilder or parsed from Connect's schema JSON, written back in Connect's member order, and
// the per-task SchemaRegistry that hands out the ids used by sluice_data.schema_id.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <sluice/plugin_abi.h>

#include "broker-lite/util/status.h"
#include "runtime/data/tape.h"

namespace sluice::data {

// Connect's schema types; the values are the SLUICE_VALUE_* codes of the tape nodes.
enum class Type : uint8_t {
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

enum class Logical : uint8_t { kNone, kDecimal, kDate, kTime, kTimestamp };

// How Decimal payloads are written (decimal.format).
enum class DecimalFormat : uint8_t { kBase64, kNumeric };

inline constexpr std::string_view kDecimalName = "org.apache.kafka.connect.data.Decimal";
inline constexpr std::string_view kDateName = "org.apache.kafka.connect.data.Date";
inline constexpr std::string_view kTimeName = "org.apache.kafka.connect.data.Time";
inline constexpr std::string_view kTimestampName = "org.apache.kafka.connect.data.Timestamp";
inline constexpr std::string_view kDecimalScaleParameter = "scale";

// Connect's JSON type name ("int32", "float", "double", "struct", ...).
std::string_view type_json_name(Type type);

class Schema;
using SchemaPtr = std::shared_ptr<const Schema>;

struct Field {
  std::string name;
  SchemaPtr schema;
};

// What a schema says about itself; shared by Schema and SchemaBuilder.
struct SchemaAttributes {
  Type type = Type::kString;
  bool optional = false;
  std::optional<std::string> name;
  std::optional<int32_t> version;
  std::optional<std::string> doc;
  std::vector<std::pair<std::string, std::string>> params;
  std::vector<Field> fields;
  SchemaPtr key;
  SchemaPtr value;
};

class Schema {
 public:
  Type type() const { return a_.type; }
  bool optional() const { return a_.optional; }
  const std::optional<std::string>& name() const { return a_.name; }
  const std::optional<int32_t>& version() const { return a_.version; }
  const std::optional<std::string>& doc() const { return a_.doc; }
  // In insertion order (Connect keeps a LinkedHashMap).
  const std::vector<std::pair<std::string, std::string>>& parameters() const { return a_.params; }
  const std::vector<Field>& fields() const { return a_.fields; }
  // The index of the field named `name`, or -1.
  int field_index(std::string_view name) const;
  const Schema* key_schema() const { return a_.key.get(); }      // MAP
  const Schema* value_schema() const { return a_.value.get(); }  // MAP values, ARRAY items
  Logical logical() const { return logical_; }
  int32_t decimal_scale() const { return scale_; }  // Decimal only
  // The default value as a tape (valid for the life of the schema), or nullptr.
  const sluice_value* default_value() const { return has_default_ ? default_nodes_ : nullptr; }
  uint64_t default_node_count() const { return has_default_ ? default_tape_.size() : 0; }

  Schema(const Schema&) = delete;
  Schema& operator=(const Schema&) = delete;

 private:
  friend class SchemaBuilder;
  Schema() = default;

  SchemaAttributes a_;
  Logical logical_ = Logical::kNone;
  int32_t scale_ = 0;
  bool has_default_ = false;
  TapeBuilder default_tape_;
  const sluice_value* default_nodes_ = nullptr;
};

// Builds a Schema; build() checks it (logical type base types, Decimal scale, unique field names,
// the default against the schema).
class SchemaBuilder {
 public:
  explicit SchemaBuilder(Type type) { a_.type = type; }
  static SchemaBuilder decimal(int32_t scale);
  static SchemaBuilder date();
  static SchemaBuilder time();
  static SchemaBuilder timestamp();

  SchemaBuilder& optional(bool v = true) {
    a_.optional = v;
    return *this;
  }
  SchemaBuilder& name(std::string v) {
    a_.name = std::move(v);
    return *this;
  }
  SchemaBuilder& version(int32_t v) {
    a_.version = v;
    return *this;
  }
  SchemaBuilder& doc(std::string v) {
    a_.doc = std::move(v);
    return *this;
  }
  SchemaBuilder& parameter(std::string key, std::string value);
  SchemaBuilder& field(std::string name, SchemaPtr schema) {
    a_.fields.push_back({std::move(name), std::move(schema)});
    return *this;
  }
  SchemaBuilder& items(SchemaPtr s) {  // ARRAY
    a_.value = std::move(s);
    return *this;
  }
  SchemaBuilder& keys(SchemaPtr s) {  // MAP
    a_.key = std::move(s);
    return *this;
  }
  SchemaBuilder& values(SchemaPtr s) {  // MAP
    a_.value = std::move(s);
    return *this;
  }
  // The default value, written as the JSON payload of this schema (e.g. `"x"`, `{"a":1}`).
  SchemaBuilder& default_json(std::string json) {
    default_json_ = std::move(json);
    return *this;
  }

  [[nodiscard]] Result<SchemaPtr> build() const;

 private:
  SchemaAttributes a_;
  std::optional<std::string> default_json_;
};

// Parses Connect's schema JSON (members in any order; `optional` absent = false). The JSON value
// `null` is not a schema (callers treat it as "schemaless" themselves).
[[nodiscard]] Result<SchemaPtr> parse_schema_json(std::string_view json);

// Appends the compact schema JSON in Connect's member order: type, items | keys, values |
// fields, optional, name, version, doc, parameters, default; a field's schema ends with
// "field". Defaults containing Decimals follow `format`.
void append_schema_json(const Schema& schema, std::string* out,
                        DecimalFormat format = DecimalFormat::kBase64);

// Per-task schema ids (plugin-abi.md §5 schema_register/schema_get): ids start at 1, the same
// canonical JSON text always gets the same id, ids and texts stay valid for the registry's life.
// Thread-compatible: used by one task thread.
class SchemaRegistry {
 public:
  [[nodiscard]] Result<uint32_t> register_json(std::string_view json);
  [[nodiscard]] Result<uint32_t> register_schema(SchemaPtr schema);
  // nullptr / empty for an unknown id.
  const Schema* get(uint32_t id) const;
  std::string_view json(uint32_t id) const;
  SchemaPtr shared(uint32_t id) const;
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    SchemaPtr schema;
    std::string json;
  };
  std::deque<Entry> entries_;  // index id - 1; a deque so texts never move
  std::unordered_map<std::string, uint32_t> ids_;
};

}  // namespace sluice::data
