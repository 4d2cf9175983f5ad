// ByteArrayConverter and StringConverter (see simple_converters.h).
#include "runtime/data/simple_converters.h"

#include <charconv>

#include "runtime/data/decimal.h"
#include "runtime/data/json_payload.h"
#include "runtime/data/json_writer.h"

namespace sluice::data {
namespace {

Status unknown_form(std::string_view converter, std::string_view topic, uint32_t form) {
  return Status::invalid_argument(std::string(converter) + ": topic '" + std::string(topic) +
                                  "': unknown sluice_data form " + std::to_string(form));
}

// Resolves a TYPED value's schema: nullptr for schemaless; an error for an unknown id.
Status resolve_schema(std::string_view converter, std::string_view topic, const sluice_data& in,
                      const SchemaRegistry* registry, const Schema** out) {
  *out = nullptr;
  if (in.schema_id == 0) return Status::ok();
  if (registry) *out = registry->get(in.schema_id);
  if (*out == nullptr) {
    return Status::invalid_argument(std::string(converter) + ": topic '" + std::string(topic) +
                                    "': unknown schema id " + std::to_string(in.schema_id));
  }
  return Status::ok();
}

class ByteArrayConverter final : public Converter {
 public:
  explicit ByteArrayConverter(SchemaRegistry* registry) : registry_(registry) {}

  Status from_connect(std::string_view topic, const sluice_data& in, sluice_bytes* out) override {
    *out = {nullptr, 0};
    switch (in.form) {
      case SLUICE_FORM_NULL:
        return Status::ok();
      case SLUICE_FORM_BYTES:
        *out = in.bytes;
        return Status::ok();
      case SLUICE_FORM_STRING:
        return wrong_type(topic, "STRING (form STRING)");
      case SLUICE_FORM_TYPED:
        break;
      default:
        return unknown_form("ByteArrayConverter", topic, in.form);
    }
    const Schema* schema = nullptr;
    SLUICE_RETURN_IF_ERROR(resolve_schema("ByteArrayConverter", topic, in, registry_, &schema));
    if (schema && schema->type() != Type::kBytes) {
      return wrong_type(
          topic, std::string(value_type_name(static_cast<uint32_t>(schema->type()))) + " (schema)");
    }
    if (in.nodes == nullptr || in.node_count == 0) return wrong_type(topic, "an empty tape");
    const sluice_value& root = in.nodes[0];
    if (root.type == SLUICE_VALUE_NULL) return Status::ok();
    if (root.type != SLUICE_VALUE_BYTES) return wrong_type(topic, value_type_name(root.type));
    *out = root.u.b;
    return Status::ok();
  }

  Status to_connect(std::string_view, sluice_bytes in, sluice_data* out) override {
    *out = sluice_data{};
    if (in.ptr == nullptr) return Status::ok();  // form NULL
    out->form = SLUICE_FORM_BYTES;
    out->bytes = in;
    return Status::ok();
  }

 private:
  static Status wrong_type(std::string_view topic, std::string_view got) {
    return Status::invalid_argument("ByteArrayConverter: topic '" + std::string(topic) +
                                    "': expected BYTES, got " + std::string(got));
  }

  SchemaRegistry* registry_;
};

// Renders values like Java's toString of Connect's value classes: numbers as Long/Double/Float
// toString, lists `[a, b]`, maps `{k=v, k2=v2}`, structs `Struct{a=1,b=x}` (null fields
// omitted), Decimals as BigDecimal.toString. Dates, times and timestamps stay numbers; bytes are
// written as they are.
class TextRenderer {
 public:
  uint64_t render(const sluice_value* nodes, uint64_t index, const Schema* schema,
                  std::string* out) {
    const sluice_value& n = nodes[index];
    if (n.type == SLUICE_VALUE_NULL) {
      out->append("null");
      return index + 1;
    }
    if (schema && schema->logical() == Logical::kDecimal) {
      append_decimal_text({n.u.b.ptr, n.u.b.len}, schema->decimal_scale(), out, &limbs_);
      return index + 1;
    }
    char buf[24];
    switch (n.type) {
      case SLUICE_VALUE_INT8:
      case SLUICE_VALUE_INT16:
      case SLUICE_VALUE_INT32:
      case SLUICE_VALUE_INT64: {
        auto r = std::to_chars(buf, buf + sizeof(buf), n.u.i);
        out->append(buf, r.ptr);
        return index + 1;
      }
      case SLUICE_VALUE_FLOAT32:
        append_java_float(static_cast<float>(n.u.f), out);
        return index + 1;
      case SLUICE_VALUE_FLOAT64:
        append_java_double(n.u.f, out);
        return index + 1;
      case SLUICE_VALUE_BOOLEAN:
        out->append(n.u.i ? "true" : "false");
        return index + 1;
      case SLUICE_VALUE_STRING:
      case SLUICE_VALUE_BYTES:
        out->append(reinterpret_cast<const char*>(n.u.b.ptr), n.u.b.len);
        return index + 1;
      case SLUICE_VALUE_ARRAY: {
        out->push_back('[');
        uint64_t i = index + 1;
        for (uint64_t k = 0; k < n.u.count; ++k) {
          if (k) out->append(", ");
          i = render(nodes, i, schema ? schema->value_schema() : nullptr, out);
        }
        out->push_back(']');
        return i;
      }
      case SLUICE_VALUE_MAP: {
        out->push_back('{');
        uint64_t i = index + 1;
        for (uint64_t k = 0; k < n.u.count; ++k) {
          if (k) out->append(", ");
          i = render(nodes, i, schema ? schema->key_schema() : nullptr, out);
          out->push_back('=');
          i = render(nodes, i, schema ? schema->value_schema() : nullptr, out);
        }
        out->push_back('}');
        return i;
      }
      case SLUICE_VALUE_STRUCT: {
        out->append("Struct{");
        uint64_t i = index + 1;
        bool first = true;
        for (const Field& f : schema->fields()) {
          if (nodes[i].type == SLUICE_VALUE_NULL) {
            ++i;
            continue;
          }
          if (!first) out->push_back(',');
          first = false;
          out->append(f.name);
          out->push_back('=');
          i = render(nodes, i, f.schema.get(), out);
        }
        out->push_back('}');
        return i;
      }
      default:
        return index + n.span;
    }
  }

 private:
  std::vector<uint32_t> limbs_;
};

class StringConverter final : public Converter {
 public:
  explicit StringConverter(SchemaRegistry* registry) : registry_(registry) {}

  Status from_connect(std::string_view topic, const sluice_data& in, sluice_bytes* out) override {
    *out = {nullptr, 0};
    switch (in.form) {
      case SLUICE_FORM_NULL:
        return Status::ok();
      case SLUICE_FORM_STRING:
      case SLUICE_FORM_BYTES:
        *out = in.bytes;
        return Status::ok();
      case SLUICE_FORM_TYPED:
        break;
      default:
        return unknown_form("StringConverter", topic, in.form);
    }
    const Schema* schema = nullptr;
    SLUICE_RETURN_IF_ERROR(resolve_schema("StringConverter", topic, in, registry_, &schema));
    Status st = validator_.validate(in.nodes, in.node_count, schema, "value");
    if (!st.is_ok()) return st.with_context("StringConverter: topic '" + std::string(topic) + "'");
    const sluice_value& root = in.nodes[0];
    if (root.type == SLUICE_VALUE_NULL) return Status::ok();
    if (root.type == SLUICE_VALUE_STRING) {
      *out = root.u.b;
      return Status::ok();
    }
    text_.clear();
    renderer_.render(in.nodes, 0, schema, &text_);
    *out = {reinterpret_cast<const uint8_t*>(text_.data()), text_.size()};
    return Status::ok();
  }

  Status to_connect(std::string_view, sluice_bytes in, sluice_data* out) override {
    *out = sluice_data{};
    if (in.ptr == nullptr) return Status::ok();  // form NULL
    out->form = SLUICE_FORM_STRING;
    out->bytes = in;
    return Status::ok();
  }

 private:
  SchemaRegistry* registry_;
  TapeValidator validator_;
  TextRenderer renderer_;
  std::string text_;
};

bool is_utf8_name(std::string_view v) {
  std::string lower;
  for (char c : v) lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  return lower == "utf-8" || lower == "utf8";
}

}  // namespace

Result<std::unique_ptr<Converter>> make_byte_array_converter(
    const std::map<std::string, std::string>&, SchemaRegistry* registry) {
  return std::unique_ptr<Converter>(new ByteArrayConverter(registry));
}

Result<std::unique_ptr<Converter>> make_string_converter(
    const std::map<std::string, std::string>& config, SchemaRegistry* registry) {
  for (const char* key : {"converter.encoding", "encoding"}) {
    auto it = config.find(key);
    if (it != config.end() && !is_utf8_name(it->second)) {
      return Status::invalid_argument(std::string(key) + ": encoding '" + it->second +
                                      "' is not supported (only UTF-8)");
    }
  }
  return std::unique_ptr<Converter>(new StringConverter(registry));
}

}  // namespace sluice::data
