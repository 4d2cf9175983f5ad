// Payload writing, decoding and tape validation (see json_payload.h).
#include "runtime/data/json_payload.h"

#include <cmath>
#include <limits>

#include "runtime/data/base64.h"
#include "runtime/data/decimal.h"

namespace sluice::data {
namespace {

constexpr int64_t kMillisPerDay = 86400000;

std::span<const uint8_t> bytes_of(const sluice_value& n) {
  return {n.u.b.ptr, n.u.b.len};
}
std::string_view text_of(const sluice_value& n) {
  return {reinterpret_cast<const char*>(n.u.b.ptr), n.u.b.len};
}

bool int_in_range(uint8_t type, int64_t v) {
  switch (type) {
    case SLUICE_VALUE_INT8:
      return v >= INT8_MIN && v <= INT8_MAX;
    case SLUICE_VALUE_INT16:
      return v >= INT16_MIN && v <= INT16_MAX;
    case SLUICE_VALUE_INT32:
      return v >= INT32_MIN && v <= INT32_MAX;
    default:
      return true;
  }
}

std::string expected_got(Type want, std::string_view got) {
  std::string m = "expected ";
  m += value_type_name(static_cast<uint32_t>(want));
  m += ", got ";
  m += got;
  return m;
}

}  // namespace

// ---- Writing --------------------------------------------------------------------------------

void PayloadWriter::write_decimal(const sluice_value& n, const Schema& schema, JsonWriter* w) {
  auto unscaled = minimal_twos_complement(bytes_of(n));
  if (format_ == DecimalFormat::kBase64) {
    w->base64(unscaled);
    return;
  }
  text_.clear();
  append_decimal_text(unscaled, schema.decimal_scale(), &text_, &limbs_);
  w->raw(text_);
}

uint64_t PayloadWriter::write(const sluice_value* nodes, uint64_t index, const Schema* schema,
                              JsonWriter* w) {
  const sluice_value& n = nodes[index];
  if (n.type == SLUICE_VALUE_NULL) {
    if (schema && schema->default_value() && (replace_null_ || !schema->optional())) {
      write(schema->default_value(), 0, schema, w);
    } else {
      w->null();
    }
    return index + 1;
  }
  if (schema && schema->logical() == Logical::kDecimal) {
    write_decimal(n, *schema, w);
    return index + 1;
  }
  switch (n.type) {
    case SLUICE_VALUE_INT8:
    case SLUICE_VALUE_INT16:
    case SLUICE_VALUE_INT32:
    case SLUICE_VALUE_INT64:
      w->int64(n.u.i);
      return index + 1;
    case SLUICE_VALUE_FLOAT32:
      w->float32(static_cast<float>(n.u.f));
      return index + 1;
    case SLUICE_VALUE_FLOAT64:
      w->float64(n.u.f);
      return index + 1;
    case SLUICE_VALUE_BOOLEAN:
      w->boolean(n.u.i != 0);
      return index + 1;
    case SLUICE_VALUE_STRING:
      w->string(text_of(n));
      return index + 1;
    case SLUICE_VALUE_BYTES:
      w->base64(bytes_of(n));
      return index + 1;
    case SLUICE_VALUE_ARRAY: {
      const Schema* items = schema ? schema->value_schema() : nullptr;
      w->begin_array();
      uint64_t i = index + 1;
      for (uint64_t k = 0; k < n.u.count; ++k) i = write(nodes, i, items, w);
      w->end_array();
      return i;
    }
    case SLUICE_VALUE_MAP: {
      const Schema* ks = schema ? schema->key_schema() : nullptr;
      const Schema* vs = schema ? schema->value_schema() : nullptr;
      bool object_mode = true;
      if (schema) {
        object_mode = ks->type() == Type::kString;
      } else {
        uint64_t i = index + 1;
        for (uint64_t k = 0; k < n.u.count && object_mode; ++k) {
          object_mode = nodes[i].type == SLUICE_VALUE_STRING;
          i += nodes[i].span;
          i += nodes[i].span;
        }
      }
      uint64_t i = index + 1;
      if (object_mode) {
        w->begin_object();
        for (uint64_t k = 0; k < n.u.count; ++k) {
          const sluice_value& key = nodes[i];
          // A null key of an optional string key schema becomes "null" (Jackson's asText()).
          w->key(key.type == SLUICE_VALUE_STRING ? text_of(key) : std::string_view("null"));
          i = write(nodes, i + 1, vs, w);
        }
        w->end_object();
      } else {
        w->begin_array();
        for (uint64_t k = 0; k < n.u.count; ++k) {
          w->begin_array();
          i = write(nodes, i, ks, w);
          i = write(nodes, i, vs, w);
          w->end_array();
        }
        w->end_array();
      }
      return i;
    }
    case SLUICE_VALUE_STRUCT: {
      w->begin_object();
      uint64_t i = index + 1;
      for (const Field& f : schema->fields()) {
        w->key(f.name);
        i = write(nodes, i, f.schema.get(), w);
      }
      w->end_object();
      return i;
    }
    default:
      w->null();
      return index + n.span;
  }
}

// ---- Decoding -------------------------------------------------------------------------------

Status PayloadDecoder::decode(const JsonDoc& doc, uint32_t index, const Schema* schema,
                              TapeBuilder* out, PathTracker* path) {
  const bool absent = index == JsonDoc::kNone || doc.node(index).kind == JsonKind::kNull;
  if (absent) {
    if (schema == nullptr) {
      out->null();
    } else if (schema->default_value() && (replace_null_ || !schema->optional())) {
      out->append(schema->default_value(), schema->default_node_count());
    } else if (schema->optional()) {
      out->null();
    } else {
      return Status::invalid_argument(path->error(
          "null value for a required " +
          std::string(value_type_name(static_cast<uint32_t>(schema->type()))) + " field"));
    }
    return Status::ok();
  }
  if (schema == nullptr) return schemaless(doc, index, out);
  return typed(doc, index, *schema, out, path);
}

Status PayloadDecoder::schemaless(const JsonDoc& doc, uint32_t index, TapeBuilder* out) {
  const JsonNode& n = doc.node(index);
  switch (n.kind) {
    case JsonKind::kNull:
      out->null();
      break;
    case JsonKind::kTrue:
    case JsonKind::kFalse:
      out->boolean(n.kind == JsonKind::kTrue);
      break;
    case JsonKind::kNumber:
      if (n.fits_int64) {
        out->integer(SLUICE_VALUE_INT64, n.i);
      } else {
        out->float64(n.f);
      }
      break;
    case JsonKind::kString:
      out->text(SLUICE_VALUE_STRING, n.text);
      break;
    case JsonKind::kArray: {
      const uint32_t at = out->begin(SLUICE_VALUE_ARRAY);
      uint32_t i = index + 1;
      for (uint32_t k = 0; k < n.count; ++k) {
        SLUICE_RETURN_IF_ERROR(schemaless(doc, i, out));
        i = doc.next(i);
      }
      out->end(at, n.count);
      break;
    }
    case JsonKind::kObject: {
      const uint32_t at = out->begin(SLUICE_VALUE_MAP);
      uint32_t i = index + 1;
      for (uint32_t k = 0; k < n.count; ++k) {
        out->text(SLUICE_VALUE_STRING, doc.node(i).text);
        SLUICE_RETURN_IF_ERROR(schemaless(doc, i + 1, out));
        i = doc.next(i + 1);
      }
      out->end(at, n.count);
      break;
    }
  }
  return Status::ok();
}

Status PayloadDecoder::logical(const JsonNode& n, const Schema& schema, TapeBuilder* out,
                               PathTracker* path) {
  switch (schema.logical()) {
    case Logical::kDecimal: {
      const size_t at = out->arena()->size();
      if (n.kind == JsonKind::kNumber) {
        Status st =
            decimal_text_to_unscaled(n.text, schema.decimal_scale(), out->arena(), &scratch_);
        if (!st.is_ok()) return Status::invalid_argument(path->error(st.message()));
      } else if (n.kind == JsonKind::kString) {
        if (!base64_decode(n.text, out->arena()) || out->arena()->size() == at) {
          return Status::invalid_argument(path->error("invalid Base64 bytes for a Decimal"));
        }
      } else {
        return Status::invalid_argument(
            path->error("expected a number or Base64 string for a Decimal, got " +
                        std::string(json_kind_name(n.kind))));
      }
      out->text_at(SLUICE_VALUE_BYTES, at, out->arena()->size() - at);
      return Status::ok();
    }
    case Logical::kDate:
    case Logical::kTime:
      if (n.kind != JsonKind::kNumber || !n.fits_int64 || n.i < INT32_MIN || n.i > INT32_MAX) {
        return Status::invalid_argument(path->error(
            std::string("expected an int32 integer for ") +
            (schema.logical() == Logical::kDate ? "a Date" : "a Time") + ", got " +
            std::string(n.kind == JsonKind::kNumber ? n.text : json_kind_name(n.kind))));
      }
      if (schema.logical() == Logical::kTime && (n.i < 0 || n.i >= kMillisPerDay)) {
        return Status::invalid_argument(
            path->error("Time " + std::to_string(n.i) + " is outside 0..86399999 ms"));
      }
      out->integer(SLUICE_VALUE_INT32, n.i);
      return Status::ok();
    case Logical::kTimestamp:
      if (n.kind != JsonKind::kNumber || !n.fits_int64) {
        return Status::invalid_argument(path->error(
            "expected an int64 integer for a Timestamp, got " +
            std::string(n.kind == JsonKind::kNumber ? n.text : json_kind_name(n.kind))));
      }
      out->integer(SLUICE_VALUE_INT64, n.i);
      return Status::ok();
    case Logical::kNone:
      break;
  }
  return Status::internal("not a logical type");
}

Status PayloadDecoder::typed(const JsonDoc& doc, uint32_t index, const Schema& schema,
                             TapeBuilder* out, PathTracker* path) {
  const JsonNode& n = doc.node(index);
  if (schema.logical() != Logical::kNone) return logical(n, schema, out, path);
  auto mismatch = [&]() {
    std::string got(json_kind_name(n.kind));
    if (n.kind == JsonKind::kNumber) {
      got += ' ';
      got += n.text.substr(0, 32);
    }
    return Status::invalid_argument(path->error(expected_got(schema.type(), got)));
  };
  const auto type = static_cast<uint8_t>(schema.type());
  switch (schema.type()) {
    case Type::kInt8:
    case Type::kInt16:
    case Type::kInt32:
    case Type::kInt64:
      if (n.kind != JsonKind::kNumber || !n.integral) return mismatch();
      if (!n.fits_int64 || !int_in_range(type, n.i)) {
        return Status::invalid_argument(path->error(std::string(n.text.substr(0, 32)) +
                                                    " is out of range for " +
                                                    std::string(value_type_name(type))));
      }
      out->integer(type, n.i);
      return Status::ok();
    case Type::kFloat32:
    case Type::kFloat64: {
      double v = 0;
      if (n.kind == JsonKind::kNumber) {
        v = n.f;
      } else if (n.kind == JsonKind::kString && n.text == "NaN") {
        v = std::numeric_limits<double>::quiet_NaN();
      } else if (n.kind == JsonKind::kString && n.text == "Infinity") {
        v = std::numeric_limits<double>::infinity();
      } else if (n.kind == JsonKind::kString && n.text == "-Infinity") {
        v = -std::numeric_limits<double>::infinity();
      } else {
        return mismatch();
      }
      if (schema.type() == Type::kFloat32) {
        out->float32(static_cast<float>(v));
      } else {
        out->float64(v);
      }
      return Status::ok();
    }
    case Type::kBoolean:
      if (n.kind != JsonKind::kTrue && n.kind != JsonKind::kFalse) return mismatch();
      out->boolean(n.kind == JsonKind::kTrue);
      return Status::ok();
    case Type::kString:
      if (n.kind != JsonKind::kString) return mismatch();
      out->text(SLUICE_VALUE_STRING, n.text);
      return Status::ok();
    case Type::kBytes: {
      if (n.kind != JsonKind::kString) return mismatch();
      const size_t at = out->arena()->size();
      if (!base64_decode(n.text, out->arena())) {
        return Status::invalid_argument(path->error("invalid Base64 text for BYTES"));
      }
      out->text_at(SLUICE_VALUE_BYTES, at, out->arena()->size() - at);
      return Status::ok();
    }
    case Type::kArray: {
      if (n.kind != JsonKind::kArray) return mismatch();
      const uint32_t at = out->begin(SLUICE_VALUE_ARRAY);
      uint32_t i = index + 1;
      for (uint32_t k = 0; k < n.count; ++k) {
        path->push_index(k);
        SLUICE_RETURN_IF_ERROR(decode(doc, i, schema.value_schema(), out, path));
        path->pop();
        i = doc.next(i);
      }
      out->end(at, n.count);
      return Status::ok();
    }
    case Type::kMap: {
      const bool string_keys = schema.key_schema()->type() == Type::kString;
      if (string_keys && n.kind != JsonKind::kObject) {
        return Status::invalid_argument(
            path->error("maps with string keys are encoded as JSON objects, got " +
                        std::string(json_kind_name(n.kind))));
      }
      if (!string_keys && n.kind != JsonKind::kArray) {
        return Status::invalid_argument(path->error(
            "maps with non-string keys are encoded as JSON arrays of [key,value] pairs, got " +
            std::string(json_kind_name(n.kind))));
      }
      const uint32_t at = out->begin(SLUICE_VALUE_MAP);
      uint32_t i = index + 1;
      for (uint32_t k = 0; k < n.count; ++k) {
        if (string_keys) {
          const std::string_view key = doc.node(i).text;
          out->text(SLUICE_VALUE_STRING, key);
          path->push_map_value(k, &key);
          SLUICE_RETURN_IF_ERROR(decode(doc, i + 1, schema.value_schema(), out, path));
          path->pop();
          i = doc.next(i + 1);
          continue;
        }
        const JsonNode& pair = doc.node(i);
        if (pair.kind != JsonKind::kArray || pair.count != 2) {
          path->push_index(k);
          return Status::invalid_argument(
              path->error("a map entry must be a [key,value] array of two elements"));
        }
        path->push_map_key(k);
        SLUICE_RETURN_IF_ERROR(decode(doc, i + 1, schema.key_schema(), out, path));
        path->pop();
        path->push_map_value(k, nullptr);
        SLUICE_RETURN_IF_ERROR(decode(doc, doc.next(i + 1), schema.value_schema(), out, path));
        path->pop();
        i = doc.next(i);
      }
      out->end(at, n.count);
      return Status::ok();
    }
    case Type::kStruct: {
      if (n.kind != JsonKind::kObject) {
        return Status::invalid_argument(path->error("structs are encoded as JSON objects, got " +
                                                    std::string(json_kind_name(n.kind))));
      }
      const uint32_t at = out->begin(SLUICE_VALUE_STRUCT);
      for (const Field& f : schema.fields()) {
        path->push_field(f.name);
        SLUICE_RETURN_IF_ERROR(
            decode(doc, doc.find_member(index, f.name), f.schema.get(), out, path));
        path->pop();
      }
      out->end(at, schema.fields().size());
      return Status::ok();
    }
  }
  return mismatch();
}

// ---- Validation -----------------------------------------------------------------------------

Status TapeValidator::validate(const sluice_value* nodes, uint64_t count, const Schema* schema,
                               std::string_view root) {
  path_.reset(root);
  if (count == 0 || nodes == nullptr) return fail("empty value tape");
  if (nodes[0].span != count) {
    return fail("tape of " + std::to_string(count) + " nodes but the root spans " +
                std::to_string(nodes[0].span));
  }
  return check(nodes, 0, count, schema, 0);
}

Status TapeValidator::check(const sluice_value* nodes, uint64_t index, uint64_t end,
                            const Schema* schema, uint32_t depth) {
  if (index >= end) return fail("the tape ends inside its container");
  const sluice_value& n = nodes[index];
  if (n.span == 0 || index + n.span > end) {
    return fail("node span " + std::to_string(n.span) + " overruns its container");
  }
  const bool container =
      n.type == SLUICE_VALUE_ARRAY || n.type == SLUICE_VALUE_MAP || n.type == SLUICE_VALUE_STRUCT;
  if (!container && n.span != 1) return fail("a scalar node must span 1 node");
  if (n.type > SLUICE_VALUE_STRUCT) {
    return fail("unknown node type " + std::to_string(n.type));
  }
  if (n.type == SLUICE_VALUE_NULL) {
    if (schema && !schema->optional() && !schema->default_value()) {
      return fail(expected_got(schema->type(), "NULL (the schema is required)"));
    }
    return Status::ok();
  }
  if (schema && static_cast<uint8_t>(schema->type()) != n.type) {
    return fail(expected_got(schema->type(), value_type_name(n.type)));
  }
  switch (n.type) {
    case SLUICE_VALUE_INT8:
    case SLUICE_VALUE_INT16:
    case SLUICE_VALUE_INT32:
      if (!int_in_range(n.type, n.u.i)) {
        return fail(std::to_string(n.u.i) + " is out of range for " +
                    std::string(value_type_name(n.type)));
      }
      if (schema && schema->logical() == Logical::kTime && (n.u.i < 0 || n.u.i >= kMillisPerDay)) {
        return fail("Time " + std::to_string(n.u.i) + " is outside 0..86399999 ms");
      }
      return Status::ok();
    case SLUICE_VALUE_FLOAT32:
      if (!std::isnan(n.u.f) && static_cast<double>(static_cast<float>(n.u.f)) != n.u.f) {
        return fail("FLOAT32 node holds a value that is not a float");
      }
      return Status::ok();
    case SLUICE_VALUE_STRING:
    case SLUICE_VALUE_BYTES:
      if (n.u.b.ptr == nullptr && n.u.b.len > 0) return fail("string/bytes pointer is NULL");
      if (schema && schema->logical() == Logical::kDecimal && n.u.b.len == 0) {
        return fail("a Decimal needs at least one byte");
      }
      return Status::ok();
    case SLUICE_VALUE_ARRAY:
    case SLUICE_VALUE_MAP:
    case SLUICE_VALUE_STRUCT:
      break;
    default:
      return Status::ok();
  }
  if (depth >= kMaxDepth) return fail("nested deeper than " + std::to_string(kMaxDepth));
  const uint64_t stop = index + n.span;
  uint64_t i = index + 1;
  if (n.type == SLUICE_VALUE_ARRAY) {
    const Schema* items = schema ? schema->value_schema() : nullptr;
    for (uint64_t k = 0; k < n.u.count; ++k) {
      path_.push_index(k);
      SLUICE_RETURN_IF_ERROR(check(nodes, i, stop, items, depth + 1));
      path_.pop();
      i += nodes[i].span;
    }
  } else if (n.type == SLUICE_VALUE_MAP) {
    const Schema* ks = schema ? schema->key_schema() : nullptr;
    const Schema* vs = schema ? schema->value_schema() : nullptr;
    for (uint64_t k = 0; k < n.u.count; ++k) {
      path_.push_map_key(k);
      SLUICE_RETURN_IF_ERROR(check(nodes, i, stop, ks, depth + 1));
      path_.pop();
      const sluice_value& key = nodes[i];
      std::string_view key_text;
      const bool string_key = key.type == SLUICE_VALUE_STRING;
      if (string_key) key_text = text_of(key);
      i += key.span;
      path_.push_map_value(k, string_key ? &key_text : nullptr);
      SLUICE_RETURN_IF_ERROR(check(nodes, i, stop, vs, depth + 1));
      path_.pop();
      i += nodes[i].span;
    }
  } else {
    if (schema == nullptr) return fail("a STRUCT needs a schema (schema_id 0 is schemaless)");
    if (n.u.count != schema->fields().size()) {
      return fail("STRUCT has " + std::to_string(n.u.count) + " fields, the schema " +
                  std::to_string(schema->fields().size()));
    }
    for (const Field& f : schema->fields()) {
      path_.push_field(f.name);
      SLUICE_RETURN_IF_ERROR(check(nodes, i, stop, f.schema.get(), depth + 1));
      path_.pop();
      i += nodes[i].span;
    }
  }
  if (i != stop) {
    return fail("container spans " + std::to_string(n.span) + " nodes but its " +
                std::to_string(n.u.count) + " children cover " + std::to_string(i - index));
  }
  return Status::ok();
}

}  // namespace sluice::data
