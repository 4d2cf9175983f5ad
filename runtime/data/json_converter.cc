// The JSON converter (see json_converter.h): envelope handling, schema caching and the glue
// between the payload codec, the schema registry and sluice_data.
#include "runtime/data/json_converter.h"

#include <charconv>
#include <unordered_map>

#include "runtime/data/json_payload.h"
#include "runtime/data/json_reader.h"
#include "runtime/data/json_writer.h"

namespace sluice::data {
namespace {

constexpr std::string_view kStringSchema = R"({"type":"string","optional":false})";
constexpr std::string_view kBytesSchema = R"({"type":"bytes","optional":false})";

struct Settings {
  bool schemas_enable = true;
  size_t cache_size = 1000;
  DecimalFormat decimal_format = DecimalFormat::kBase64;
  bool replace_null_with_default = true;
};

std::string lower(std::string_view v) {
  std::string out(v);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

Status parse_bool(const std::map<std::string, std::string>& config, const std::string& key,
                  bool* out) {
  auto it = config.find(key);
  if (it == config.end()) return Status::ok();
  const std::string v = lower(it->second);
  if (v == "true") {
    *out = true;
  } else if (v == "false") {
    *out = false;
  } else {
    return Status::invalid_argument(key + ": '" + it->second + "' is not a boolean (true/false)");
  }
  return Status::ok();
}

Result<Settings> parse_settings(const std::map<std::string, std::string>& config) {
  Settings s;
  SLUICE_RETURN_IF_ERROR(parse_bool(config, "schemas.enable", &s.schemas_enable));
  SLUICE_RETURN_IF_ERROR(
      parse_bool(config, "replace.null.with.default", &s.replace_null_with_default));
  if (auto it = config.find("schemas.cache.size"); it != config.end()) {
    const std::string& v = it->second;
    int64_t n = 0;
    auto r = std::from_chars(v.data(), v.data() + v.size(), n);
    if (r.ec != std::errc() || r.ptr != v.data() + v.size() || n < 0 || n > INT32_MAX) {
      return Status::invalid_argument("schemas.cache.size: '" + v + "' is not a non-negative int");
    }
    s.cache_size = static_cast<size_t>(n);
  }
  if (auto it = config.find("decimal.format"); it != config.end()) {
    const std::string v = lower(it->second);
    if (v == "base64") {
      s.decimal_format = DecimalFormat::kBase64;
    } else if (v == "numeric") {
      s.decimal_format = DecimalFormat::kNumeric;
    } else {
      return Status::invalid_argument("decimal.format: '" + it->second +
                                      "' is not one of BASE64, NUMERIC");
    }
  }
  return s;
}

// Transparent hashing so that a string_view finds a std::string key without a temporary.
struct TextHash {
  using is_transparent = void;
  size_t operator()(std::string_view v) const { return std::hash<std::string_view>{}(v); }
};

class JsonConverter final : public Converter {
 public:
  JsonConverter(const Settings& s, bool is_key, SchemaRegistry* registry)
      : settings_(s),
        root_name_(is_key ? "key" : "value"),
        registry_(registry),
        payload_writer_(s.decimal_format, s.replace_null_with_default),
        decoder_(s.replace_null_with_default) {}

  Status from_connect(std::string_view topic, const sluice_data& in, sluice_bytes* out) override {
    *out = {nullptr, 0};
    buf_.clear();
    JsonWriter w(&buf_);
    switch (in.form) {
      case SLUICE_FORM_NULL:
        return Status::ok();
      case SLUICE_FORM_STRING: {
        const std::string_view text(reinterpret_cast<const char*>(in.bytes.ptr), in.bytes.len);
        if (settings_.schemas_enable) open_envelope(&w, kStringSchema);
        w.string(text);
        break;
      }
      case SLUICE_FORM_BYTES:
        if (settings_.schemas_enable) open_envelope(&w, kBytesSchema);
        w.base64({in.bytes.ptr, in.bytes.len});
        break;
      case SLUICE_FORM_TYPED: {
        const Schema* schema = nullptr;
        if (in.schema_id != 0) {
          schema = registry_ ? registry_->get(in.schema_id) : nullptr;
          if (!schema) return error(topic, "unknown schema id " + std::to_string(in.schema_id));
        }
        Status st = validator_.validate(in.nodes, in.node_count, schema, root_name_);
        if (!st.is_ok()) return st.with_context(context(topic));
        // Connect: no schema and no value is a Kafka null.
        if (!schema && in.nodes[0].type == SLUICE_VALUE_NULL) return Status::ok();
        if (settings_.schemas_enable) {
          open_envelope(&w, schema ? schema_json(in.schema_id, *schema) : "null");
        }
        payload_writer_.write(in.nodes, 0, schema, &w);
        break;
      }
      default:
        return error(topic, "unknown sluice_data form " + std::to_string(in.form));
    }
    if (settings_.schemas_enable) w.end_object();
    *out = {reinterpret_cast<const uint8_t*>(buf_.data()), buf_.size()};
    return Status::ok();
  }

  Status to_connect(std::string_view topic, sluice_bytes in, sluice_data* out) override {
    *out = sluice_data{};
    if (in.ptr == nullptr) return Status::ok();  // Kafka null → form NULL
    const std::string_view text(reinterpret_cast<const char*>(in.ptr), in.len);
    Status st = doc_.parse(text);
    if (!st.is_ok()) return st.with_context(context(topic));
    uint32_t payload = 0;
    const Schema* schema = nullptr;
    uint32_t schema_id = 0;
    if (settings_.schemas_enable) {
      const JsonNode& root = doc_.node(0);
      const uint32_t schema_at = doc_.find_member(0, "schema");
      payload = doc_.find_member(0, "payload");
      if (root.kind != JsonKind::kObject || root.count != 2 || schema_at == JsonDoc::kNone ||
          payload == JsonDoc::kNone) {
        return envelope_error(topic, text);
      }
      if (doc_.node(schema_at).kind != JsonKind::kNull) {
        auto id = schema_id_for(schema_at);
        if (!id.is_ok()) return id.status().with_context(context(topic));
        schema_id = id.value();
        schema = registry_->get(schema_id);
      }
    }
    if (!schema && doc_.node(payload).kind == JsonKind::kNull) return Status::ok();  // NULL form
    tape_.clear();
    path_.reset(root_name_);
    st = decoder_.decode(doc_, payload, schema, &tape_, &path_);
    if (!st.is_ok()) return st.with_context(context(topic));
    out->form = SLUICE_FORM_TYPED;
    out->schema_id = schema_id;
    out->nodes = tape_.finish();
    out->node_count = tape_.size();
    return Status::ok();
  }

 private:
  std::string context(std::string_view topic) const {
    return "JsonConverter: topic '" + std::string(topic) + "'";
  }
  Status error(std::string_view topic, std::string_view message) const {
    return Status::invalid_argument(context(topic) + ": " + std::string(message));
  }

  Status envelope_error(std::string_view topic, std::string_view text) const {
    std::string m =
        "schemas.enable=true requires a JSON object with exactly the members \"schema\" and "
        "\"payload\"; set schemas.enable=false to read plain JSON. The message begins: ";
    append_json_string(text.substr(0, 64), &m);
    return error(topic, m);
  }

  static void open_envelope(JsonWriter* w, std::string_view schema_json) {
    w->begin_object();
    w->key("schema");
    w->raw(schema_json);
    w->key("payload");
  }

  // The envelope text of a registered schema: the registry's canonical text, except when Decimal
  // defaults must follow decimal.format=NUMERIC (then cached per id).
  std::string_view schema_json(uint32_t id, const Schema& schema) {
    if (settings_.decimal_format == DecimalFormat::kBase64) return registry_->json(id);
    auto it = numeric_schema_json_.find(id);
    if (it == numeric_schema_json_.end()) {
      if (numeric_schema_json_.size() >= std::max<size_t>(settings_.cache_size, 1)) {
        numeric_schema_json_.clear();
      }
      std::string text;
      append_schema_json(schema, &text, DecimalFormat::kNumeric);
      it = numeric_schema_json_.emplace(id, std::move(text)).first;
    }
    return it->second;
  }

  // The registry id of the schema object at doc node `at`, cached by its raw text.
  Result<uint32_t> schema_id_for(uint32_t at) {
    const JsonNode& n = doc_.node(at);
    if (n.kind != JsonKind::kObject) {
      return Status::invalid_argument("\"schema\" must be an object or null, got " +
                                      std::string(json_kind_name(n.kind)));
    }
    if (auto it = schema_ids_.find(n.text); it != schema_ids_.end()) return it->second;
    if (!registry_) return Status::failed_precondition("no schema registry");
    auto id = registry_->register_json(n.text);
    if (!id.is_ok()) return id.status();
    if (schema_ids_.size() >= std::max<size_t>(settings_.cache_size, 1)) schema_ids_.clear();
    schema_ids_.emplace(std::string(n.text), id.value());
    return id.value();
  }

  Settings settings_;
  std::string_view root_name_;
  SchemaRegistry* registry_;
  PayloadWriter payload_writer_;
  PayloadDecoder decoder_;
  TapeValidator validator_;
  PathTracker path_;
  JsonDoc doc_;
  TapeBuilder tape_;
  std::string buf_;
  std::unordered_map<std::string, uint32_t, TextHash, std::equal_to<>> schema_ids_;
  std::unordered_map<uint32_t, std::string> numeric_schema_json_;
};

}  // namespace

Result<std::unique_ptr<Converter>> make_json_converter(
    const std::map<std::string, std::string>& config, bool is_key, SchemaRegistry* registry) {
  auto settings = parse_settings(config);
  if (!settings.is_ok()) return settings.status();
  if (!registry) return Status::invalid_argument("JsonConverter needs a schema registry");
  return std::unique_ptr<Converter>(new JsonConverter(settings.value(), is_key, registry));
}

}  // namespace sluice::data
