// Schema building, Connect schema JSON parsing/writing and the schema registry (see schema.h).
#include "runtime/data/schema.h"

#include <charconv>

#include "runtime/data/json_payload.h"
#include "runtime/data/json_reader.h"
#include "runtime/data/json_writer.h"

namespace sluice::data {
namespace {

struct TypeName {
  Type type;
  std::string_view name;
};
constexpr TypeName kTypeNames[] = {
    {Type::kInt8, "int8"},       {Type::kInt16, "int16"},   {Type::kInt32, "int32"},
    {Type::kInt64, "int64"},     {Type::kFloat32, "float"}, {Type::kFloat64, "double"},
    {Type::kBoolean, "boolean"}, {Type::kString, "string"}, {Type::kBytes, "bytes"},
    {Type::kArray, "array"},     {Type::kMap, "map"},       {Type::kStruct, "struct"},
};

Status schema_error(std::string message) {
  return Status::invalid_argument("schema: " + std::move(message));
}

// Parses the schema object at doc node `index`.
Result<SchemaPtr> parse_schema_node(const JsonDoc& doc, uint32_t index) {
  const JsonNode& n = doc.node(index);
  if (n.kind != JsonKind::kObject) {
    return schema_error("expected a JSON object, got " + std::string(json_kind_name(n.kind)));
  }
  const uint32_t type_at = doc.find_member(index, "type");
  if (type_at == JsonDoc::kNone || doc.node(type_at).kind != JsonKind::kString) {
    return schema_error("a schema must contain a 'type' string member");
  }
  const std::string_view type_name = doc.node(type_at).text;
  const TypeName* found = nullptr;
  for (const TypeName& t : kTypeNames) {
    if (t.name == type_name) found = &t;
  }
  if (!found) return schema_error("unknown schema type '" + std::string(type_name) + "'");
  SchemaBuilder b(found->type);
  auto sub = [&](std::string_view member, std::string_view what) -> Result<SchemaPtr> {
    const uint32_t at = doc.find_member(index, member);
    if (at == JsonDoc::kNone || doc.node(at).kind == JsonKind::kNull) {
      return schema_error(std::string(type_name) + " schema without '" + std::string(member) +
                          "' (" + std::string(what) + ")");
    }
    return parse_schema_node(doc, at);
  };
  switch (found->type) {
    case Type::kArray: {
      auto items = sub("items", "the element schema");
      if (!items.is_ok()) return items.status();
      b.items(std::move(items).value());
      break;
    }
    case Type::kMap: {
      auto keys = sub("keys", "the key schema");
      if (!keys.is_ok()) return keys.status();
      auto values = sub("values", "the value schema");
      if (!values.is_ok()) return values.status();
      b.keys(std::move(keys).value()).values(std::move(values).value());
      break;
    }
    case Type::kStruct: {
      const uint32_t at = doc.find_member(index, "fields");
      if (at == JsonDoc::kNone || doc.node(at).kind != JsonKind::kArray) {
        return schema_error("struct schema's 'fields' member must be an array");
      }
      uint32_t i = at + 1;
      for (uint32_t k = 0; k < doc.node(at).count; ++k) {
        auto field = parse_schema_node(doc, i);
        if (!field.is_ok()) return field.status();
        const uint32_t name_at = doc.find_member(i, "field");
        if (name_at == JsonDoc::kNone || doc.node(name_at).kind != JsonKind::kString) {
          return schema_error("struct field " + std::to_string(k) +
                              " has no 'field' string member (its name)");
        }
        b.field(std::string(doc.node(name_at).text), std::move(field).value());
        i = doc.next(i);
      }
      break;
    }
    default:
      break;
  }
  const uint32_t opt = doc.find_member(index, "optional");
  b.optional(opt != JsonDoc::kNone && doc.node(opt).kind == JsonKind::kTrue);
  const uint32_t name = doc.find_member(index, "name");
  if (name != JsonDoc::kNone && doc.node(name).kind == JsonKind::kString) {
    b.name(std::string(doc.node(name).text));
  }
  const uint32_t version = doc.find_member(index, "version");
  if (version != JsonDoc::kNone && doc.node(version).kind == JsonKind::kNumber &&
      doc.node(version).integral) {
    const JsonNode& v = doc.node(version);
    if (!v.fits_int64 || v.i < INT32_MIN || v.i > INT32_MAX) {
      return schema_error("version " + std::string(v.text) + " is out of range");
    }
    b.version(static_cast<int32_t>(v.i));
  }
  const uint32_t docm = doc.find_member(index, "doc");
  if (docm != JsonDoc::kNone && doc.node(docm).kind == JsonKind::kString) {
    b.doc(std::string(doc.node(docm).text));
  }
  const uint32_t params = doc.find_member(index, "parameters");
  if (params != JsonDoc::kNone && doc.node(params).kind == JsonKind::kObject) {
    uint32_t i = params + 1;
    for (uint32_t k = 0; k < doc.node(params).count; ++k) {
      if (doc.node(i + 1).kind != JsonKind::kString) {
        return schema_error("parameter '" + std::string(doc.node(i).text) +
                            "' must have a string value");
      }
      b.parameter(std::string(doc.node(i).text), std::string(doc.node(i + 1).text));
      i = doc.next(i + 1);
    }
  }
  const uint32_t def = doc.find_member(index, "default");
  if (def != JsonDoc::kNone && doc.node(def).kind != JsonKind::kNull) {
    const JsonNode& d = doc.node(def);
    // Scalars' text is their unescaped content; re-encode strings, use containers' raw text.
    if (d.kind == JsonKind::kString) {
      std::string quoted;
      append_json_string(d.text, &quoted);
      b.default_json(std::move(quoted));
    } else if (d.kind == JsonKind::kTrue || d.kind == JsonKind::kFalse) {
      b.default_json(d.kind == JsonKind::kTrue ? "true" : "false");
    } else {
      b.default_json(std::string(d.text));
    }
  }
  return b.build();
}

// `field_name`: the struct field this schema describes (written last as "field"), or nullptr.
void write_schema(const Schema& s, JsonWriter* w, PayloadWriter* payload,
                  const std::string* field_name) {
  w->begin_object();
  w->key("type");
  w->string(type_json_name(s.type()));
  switch (s.type()) {
    case Type::kArray:
      w->key("items");
      write_schema(*s.value_schema(), w, payload, nullptr);
      break;
    case Type::kMap:
      w->key("keys");
      write_schema(*s.key_schema(), w, payload, nullptr);
      w->key("values");
      write_schema(*s.value_schema(), w, payload, nullptr);
      break;
    case Type::kStruct:
      w->key("fields");
      w->begin_array();
      for (const Field& f : s.fields()) write_schema(*f.schema, w, payload, &f.name);
      w->end_array();
      break;
    default:
      break;
  }
  w->key("optional");
  w->boolean(s.optional());
  if (s.name()) {
    w->key("name");
    w->string(*s.name());
  }
  if (s.version()) {
    w->key("version");
    w->int64(*s.version());
  }
  if (s.doc()) {
    w->key("doc");
    w->string(*s.doc());
  }
  if (!s.parameters().empty()) {
    w->key("parameters");
    w->begin_object();
    for (const auto& [k, v] : s.parameters()) {
      w->key(k);
      w->string(v);
    }
    w->end_object();
  }
  if (s.default_value()) {
    w->key("default");
    payload->write(s.default_value(), 0, &s, w);
  }
  if (field_name) {
    w->key("field");
    w->string(*field_name);
  }
  w->end_object();
}

}  // namespace

std::string_view type_json_name(Type type) {
  for (const TypeName& t : kTypeNames) {
    if (t.type == type) return t.name;
  }
  return "?";
}

int Schema::field_index(std::string_view name) const {
  for (size_t i = 0; i < a_.fields.size(); ++i) {
    if (a_.fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

SchemaBuilder& SchemaBuilder::parameter(std::string key, std::string value) {
  for (auto& [k, v] : a_.params) {
    if (k == key) {
      v = std::move(value);
      return *this;
    }
  }
  a_.params.emplace_back(std::move(key), std::move(value));
  return *this;
}

SchemaBuilder SchemaBuilder::decimal(int32_t scale) {
  SchemaBuilder b(Type::kBytes);
  b.name(std::string(kDecimalName)).version(1).parameter("scale", std::to_string(scale));
  return b;
}

SchemaBuilder SchemaBuilder::date() {
  SchemaBuilder b(Type::kInt32);
  b.name(std::string(kDateName)).version(1);
  return b;
}

SchemaBuilder SchemaBuilder::time() {
  SchemaBuilder b(Type::kInt32);
  b.name(std::string(kTimeName)).version(1);
  return b;
}

SchemaBuilder SchemaBuilder::timestamp() {
  SchemaBuilder b(Type::kInt64);
  b.name(std::string(kTimestampName)).version(1);
  return b;
}

Result<SchemaPtr> SchemaBuilder::build() const {
  // Schema's constructor is private; the shared_ptr owns it from the start so the default
  // tape's views (into the Schema) never move.
  std::shared_ptr<Schema> s(new Schema());
  s->a_ = a_;
  const Type type = a_.type;
  switch (type) {
    case Type::kArray:
      if (!a_.value) return schema_error("array schema without an element schema");
      break;
    case Type::kMap:
      if (!a_.key || !a_.value) return schema_error("map schema without key and value schemas");
      break;
    case Type::kStruct:
      for (size_t i = 0; i < a_.fields.size(); ++i) {
        if (!a_.fields[i].schema) {
          return schema_error("field '" + a_.fields[i].name + "' has no schema");
        }
        for (size_t j = 0; j < i; ++j) {
          if (a_.fields[j].name == a_.fields[i].name) {
            return schema_error("duplicate field name '" + a_.fields[i].name + "'");
          }
        }
      }
      break;
    default:
      if (a_.key || a_.value || !a_.fields.empty()) {
        return schema_error(std::string(type_json_name(type)) +
                            " schema cannot have items, keys, values or fields");
      }
  }
  if (a_.name) {
    const std::string& name = *a_.name;
    auto need = [&](Type want, Logical l) -> Status {
      if (type != want) {
        return schema_error(name + " must be based on " + std::string(type_json_name(want)) +
                            ", not " + std::string(type_json_name(type)));
      }
      s->logical_ = l;
      return Status::ok();
    };
    if (name == kDecimalName) {
      SLUICE_RETURN_IF_ERROR(need(Type::kBytes, Logical::kDecimal));
      const std::string* scale = nullptr;
      for (const auto& [k, v] : a_.params) {
        if (k == kDecimalScaleParameter) scale = &v;
      }
      if (!scale) return schema_error("Decimal schema without the 'scale' parameter");
      auto r = std::from_chars(scale->data(), scale->data() + scale->size(), s->scale_);
      if (r.ec != std::errc() || r.ptr != scale->data() + scale->size()) {
        return schema_error("Decimal scale '" + *scale + "' is not an int32");
      }
    } else if (name == kDateName) {
      SLUICE_RETURN_IF_ERROR(need(Type::kInt32, Logical::kDate));
    } else if (name == kTimeName) {
      SLUICE_RETURN_IF_ERROR(need(Type::kInt32, Logical::kTime));
    } else if (name == kTimestampName) {
      SLUICE_RETURN_IF_ERROR(need(Type::kInt64, Logical::kTimestamp));
    }
  }
  if (default_json_) {
    JsonDoc doc;
    Status st = doc.parse(*default_json_);
    if (!st.is_ok()) return schema_error("default: " + std::string(st.message()));
    if (doc.node(0).kind == JsonKind::kNull) return schema_error("default: null is no default");
    PayloadDecoder decoder(/*replace_null_with_default=*/true);
    PathTracker path;
    path.reset("default");
    st = decoder.decode(doc, 0, s.get(), &s->default_tape_, &path);
    if (!st.is_ok()) return schema_error(std::string(st.message()));
    s->default_nodes_ = s->default_tape_.finish();
    s->has_default_ = true;
  }
  return SchemaPtr(std::move(s));
}

Result<SchemaPtr> parse_schema_json(std::string_view json) {
  JsonDoc doc;
  Status st = doc.parse(json);
  if (!st.is_ok()) return schema_error(std::string(st.message()));
  return parse_schema_node(doc, 0);
}

void append_schema_json(const Schema& schema, std::string* out, DecimalFormat format) {
  JsonWriter w(out);
  PayloadWriter payload(format, /*replace_null_with_default=*/false);
  write_schema(schema, &w, &payload, nullptr);
}

Result<uint32_t> SchemaRegistry::register_json(std::string_view json) {
  auto schema = parse_schema_json(json);
  if (!schema.is_ok()) return schema.status();
  return register_schema(std::move(schema).value());
}

Result<uint32_t> SchemaRegistry::register_schema(SchemaPtr schema) {
  if (!schema) return Status::invalid_argument("schema: null schema");
  std::string text;
  append_schema_json(*schema, &text);
  auto it = ids_.find(text);
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(entries_.size() + 1);
  ids_.emplace(text, id);
  entries_.push_back({std::move(schema), std::move(text)});
  return id;
}

const Schema* SchemaRegistry::get(uint32_t id) const {
  return id >= 1 && id <= entries_.size() ? entries_[id - 1].schema.get() : nullptr;
}

SchemaPtr SchemaRegistry::shared(uint32_t id) const {
  return id >= 1 && id <= entries_.size() ? entries_[id - 1].schema : nullptr;
}

std::string_view SchemaRegistry::json(uint32_t id) const {
  return id >= 1 && id <= entries_.size() ? std::string_view(entries_[id - 1].json)
                                          : std::string_view();
}

}  // namespace sluice::data
