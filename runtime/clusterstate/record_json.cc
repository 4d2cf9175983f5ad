// Reading helpers for the JSON values of the config and status topics (see record_json.h).
#include "runtime/clusterstate/record_json.h"

namespace sluice::clusterstate::detail {
namespace {

using data::JsonDoc;
using data::JsonKind;

Status wrong_type(std::string_view name, std::string_view expected, const JsonDoc& doc,
                  uint32_t index) {
  std::string m = "member '";
  m += name;
  m += "' should be ";
  m += expected;
  m += " but is ";
  m += index == JsonDoc::kNone ? std::string_view("missing")
                               : data::json_kind_name(doc.node(index).kind);
  return Status::invalid_argument(std::move(m));
}

}  // namespace

Status parse_object(std::string_view value, data::JsonDoc* doc) {
  Status parsed = doc->parse(value);
  if (!parsed.is_ok()) {
    return Status::invalid_argument("value is not valid JSON (" + std::string(parsed.message()) +
                                    ")");
  }
  if (doc->node(0).kind != JsonKind::kObject) {
    return Status::invalid_argument("value should be a JSON object but is " +
                                    std::string(data::json_kind_name(doc->node(0).kind)));
  }
  return Status::ok();
}

Result<std::string> string_member(const JsonDoc& doc, uint32_t object, std::string_view name) {
  const uint32_t i = doc.find_member(object, name);
  if (i == JsonDoc::kNone || doc.node(i).kind != JsonKind::kString) {
    return wrong_type(name, "a string", doc, i);
  }
  return std::string(doc.node(i).text);
}

Result<int64_t> integer_member(const JsonDoc& doc, uint32_t object, std::string_view name,
                               int64_t min, int64_t max) {
  const uint32_t i = doc.find_member(object, name);
  if (i == JsonDoc::kNone || doc.node(i).kind != JsonKind::kNumber || !doc.node(i).integral) {
    return wrong_type(name, "an integer", doc, i);
  }
  const data::JsonNode& n = doc.node(i);
  if (!n.fits_int64 || n.i < min || n.i > max) {
    return Status::invalid_argument("member '" + std::string(name) +
                                    "' is out of range: " + std::string(n.text));
  }
  return n.i;
}

std::optional<bool> boolean_member(const JsonDoc& doc, uint32_t object, std::string_view name) {
  const uint32_t i = doc.find_member(object, name);
  if (i == JsonDoc::kNone) return std::nullopt;
  if (doc.node(i).kind == JsonKind::kTrue) return true;
  if (doc.node(i).kind == JsonKind::kFalse) return false;
  return std::nullopt;
}

Result<uint32_t> object_member(const JsonDoc& doc, uint32_t object, std::string_view name) {
  const uint32_t i = doc.find_member(object, name);
  if (i == JsonDoc::kNone || doc.node(i).kind != JsonKind::kObject) {
    return wrong_type(name, "an object", doc, i);
  }
  return i;
}

Result<std::map<std::string, std::string>> string_map(const JsonDoc& doc, uint32_t object) {
  std::map<std::string, std::string> out;
  uint32_t i = object + 1;
  for (uint32_t m = 0; m < doc.node(object).count; ++m) {
    const uint32_t value = i + 1;
    const data::JsonNode& v = doc.node(value);
    if (v.kind == JsonKind::kString) {
      out.insert_or_assign(std::string(doc.node(i).text), std::string(v.text));
    } else if (v.kind == JsonKind::kNull) {
      out.erase(std::string(doc.node(i).text));
    } else {
      return Status::invalid_argument("property '" + std::string(doc.node(i).text) +
                                      "' should be a string but is " +
                                      std::string(data::json_kind_name(v.kind)));
    }
    i = doc.next(value);
  }
  return out;
}

bool split_task_id(std::string_view text, std::string* name, int32_t* index) {
  const size_t dash = text.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == text.size()) return false;
  const std::string_view digits = text.substr(dash + 1);
  int64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
    if (v > INT32_MAX) return false;
  }
  *name = std::string(text.substr(0, dash));
  *index = static_cast<int32_t>(v);
  return true;
}

}  // namespace sluice::clusterstate::detail
