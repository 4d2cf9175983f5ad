// Text renderings of record data: see data_text.h.
#include "connectors/common/data_text.h"

namespace sluice::connectors {
namespace {

bool all_keys_are_strings(const ValueReader& map) {
  for (uint64_t i = 0; i < map.count(); ++i) {
    if (map.child(2 * i).type() != ValueType::kString) return false;
  }
  return true;
}

}  // namespace

void append_typed_json(std::string& out, const ValueReader& value) {
  switch (value.type()) {
    case ValueType::kNull:
      out += "null";
      return;
    case ValueType::kBoolean:
      json::append_bool(out, value.as_bool());
      return;
    case ValueType::kInt8:
    case ValueType::kInt16:
    case ValueType::kInt32:
    case ValueType::kInt64:
      json::append_integer(out, value.as_int64());
      return;
    case ValueType::kFloat32:
      json::append_float(out, static_cast<float>(value.as_double()));
      return;
    case ValueType::kFloat64:
      json::append_double(out, value.as_double());
      return;
    case ValueType::kString:
    case ValueType::kBytes:
      json::append_string(out, value.as_string());
      return;
    case ValueType::kMap:
      if (all_keys_are_strings(value)) {
        out += '{';
        for (uint64_t i = 0; i < value.count(); ++i) {
          if (i > 0) out += ',';
          json::append_string(out, value.child(2 * i).as_string());
          out += ':';
          append_typed_json(out, value.child(2 * i + 1));
        }
        out += '}';
      } else {
        out += '[';
        for (uint64_t i = 0; i < value.count(); ++i) {
          if (i > 0) out += ',';
          out += '[';
          append_typed_json(out, value.child(2 * i));
          out += ',';
          append_typed_json(out, value.child(2 * i + 1));
          out += ']';
        }
        out += ']';
      }
      return;
    case ValueType::kArray:
    case ValueType::kStruct:
      out += '[';
      for (uint64_t i = 0; i < value.count(); ++i) {
        if (i > 0) out += ',';
        append_typed_json(out, value.child(i));
      }
      out += ']';
      return;
  }
  out += "null";  // an unknown node type from a newer host
}

void append_data_text(std::string& out, const DataView& data) {
  if (data.is_null()) {
    out += "null";
  } else if (data.form() != SLUICE_FORM_TYPED) {
    out += data.as_string_view();
  } else {
    ValueReader root = data.typed();
    if (root.type() == ValueType::kString || root.type() == ValueType::kBytes) {
      out += root.as_string();
    } else {
      append_typed_json(out, root);
    }
  }
}

void append_data_json(std::string& out, const DataView& data) {
  if (data.is_null()) {
    out += "null";
  } else if (data.form() != SLUICE_FORM_TYPED) {
    json::append_string(out, data.as_string_view());
  } else {
    append_typed_json(out, data.typed());
  }
}

}  // namespace sluice::connectors
