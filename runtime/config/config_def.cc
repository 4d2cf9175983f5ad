// Connector config definitions, validation and masking (see config_def.h).
#include "runtime/config/config_def.h"

#include <algorithm>
#include <regex>
#include <set>
#include <tuple>

#include "runtime/config/common_connector_keys.h"

namespace sluice::config {
namespace {

// A table without its NULL-name end would be read forever; no real plugin has this many keys.
constexpr size_t kMaxTableEntries = 4096;
constexpr size_t kMaxValidValues = 1024;

constexpr const char* kHostKeys[] = {
    "name",          "connector.class", "tasks.max",        "tasks.max.enforce",
    "key.converter", "value.converter", "header.converter", "transforms",
    "predicates",    "topics",          "topics.regex",
};
constexpr const char* kHostPrefixes[] = {
    "errors.",         "topic.creation.", "producer.override.", "consumer.override.",
    "admin.override.", "key.converter.",  "value.converter.",   "header.converter.",
};

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string a_type(ConfigType type) {
  std::string_view name = config_type_name(type);
  return std::string(type == ConfigType::kInt ? "an " : "a ") + std::string(name);
}

bool is_numeric(ConfigType type) {
  return type == ConfigType::kInt || type == ConfigType::kLong || type == ConfigType::kDouble;
}

// Reads entry `index` of a table with the given stride.
const sluice_config_key* entry_at(const sluice_config_key* table, uint32_t stride, size_t index) {
  return reinterpret_cast<const sluice_config_key*>(reinterpret_cast<const char*>(table) +
                                                    index * stride);
}

Result<KeyDef> read_entry(const sluice_config_key& e) {
  KeyDef k;
  k.name = e.name;
  const std::string subject = "config key '" + k.name + "'";
  if (!is_known_config_type(e.type)) {
    return Status::invalid_argument(subject + ": unknown type " + std::to_string(e.type));
  }
  if (!is_known_importance(e.importance)) {
    return Status::invalid_argument(subject + ": unknown importance " +
                                    std::to_string(e.importance));
  }
  if (e.doc == nullptr) return Status::invalid_argument(subject + ": doc is NULL");
  k.type = static_cast<ConfigType>(e.type);
  k.importance = static_cast<Importance>(e.importance);
  k.required = (e.flags & SLUICE_KEY_REQUIRED) != 0;
  k.sensitive = (e.flags & SLUICE_KEY_SENSITIVE) != 0 || k.type == ConfigType::kPassword;
  k.non_empty = (e.flags & SLUICE_KEY_NON_EMPTY) != 0;
  k.case_insensitive = (e.flags & SLUICE_KEY_CASE_INSENSITIVE) != 0;
  k.doc = e.doc;
  if (e.group != nullptr) k.group = e.group;
  k.order_in_group = e.order_in_group;
  if (e.display_name != nullptr) k.display_name = e.display_name;

  for (auto [text, label, out] : {std::tuple{e.min_value, "min_value", &k.min_value},
                                  std::tuple{e.max_value, "max_value", &k.max_value}}) {
    if (text == nullptr) continue;
    if (!is_numeric(k.type)) {
      return Status::invalid_argument(subject + ": " + label +
                                      " is only allowed for INT, LONG and DOUBLE keys");
    }
    if (!parses_as(k.type, text)) {
      return Status::invalid_argument(subject + ": " + label + " '" + text + "' is not " +
                                      a_type(k.type));
    }
    *out = text;
  }
  if (k.min_value && k.max_value) {
    KeyDef bounded = k;
    bounded.max_value.reset();
    if (value_problem(bounded, *k.max_value)) {
      return Status::invalid_argument(subject + ": min_value " + *k.min_value +
                                      " is greater than max_value " + *k.max_value);
    }
  }
  if (e.valid_values != nullptr) {
    for (size_t i = 0; e.valid_values[i] != nullptr; ++i) {
      if (i == kMaxValidValues) {
        return Status::invalid_argument(subject + ": valid_values has no NULL end");
      }
      std::string v = e.valid_values[i];
      ConfigType element_type = k.type == ConfigType::kList ? ConfigType::kString : k.type;
      if (!parses_as(element_type, v)) {
        return Status::invalid_argument(subject + ": valid value '" + v + "' is not " +
                                        a_type(k.type));
      }
      k.valid_values.push_back(std::move(v));
    }
  }
  if (e.default_value != nullptr) {
    std::string d = e.default_value;
    if (k.required) {
      return Status::invalid_argument(subject + ": is REQUIRED but has default '" + d + "'");
    }
    if (!parses_as(k.type, d)) {
      return Status::invalid_argument(subject + ": default '" + d + "' is not " + a_type(k.type));
    }
    KeyDef loose = k;
    loose.non_empty = false;  // an empty default means "not set" for such keys
    if (auto problem = value_problem(loose, d)) {
      return Status::invalid_argument(subject + ": default '" + d + "' is invalid: " + *problem);
    }
    k.default_value = std::move(d);
  }
  return k;
}

nlohmann::json optional_json(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::string missing_message(std::string_view key) {
  return "Missing required configuration \"" + std::string(key) + "\" which has no default value.";
}

bool has_control_character(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) return true;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      return true;
    }
  }
  return false;
}

std::string config_value(const Props& config, const std::string& key) {
  auto it = config.find(key);
  return it == config.end() ? std::string() : trim(it->second);
}

std::vector<std::string> config_list(const Props& config, const std::string& key) {
  std::vector<std::string> out;
  for (auto& item : split_list(config_value(config, key))) {
    if (!item.empty()) out.push_back(std::move(item));
  }
  return out;
}

// Each alias of `list_key` (transforms, predicates) once, with a <list_key>.<alias>.type.
void check_aliases(const Props& config, const std::string& list_key, ConfigInfos* infos) {
  std::set<std::string> seen;
  for (const auto& alias : config_list(config, list_key)) {
    if (!seen.insert(alias).second) {
      infos->add_error(list_key, "Duplicate alias provided: '" + alias + "' is listed twice.");
      continue;
    }
    std::string type_key = list_key + "." + alias + ".type";
    if (config_value(config, type_key).empty())
      infos->add_error(type_key, missing_message(type_key));
  }
}

// Replication factors and partition counts: -1 (the broker's default) or at least 1.
void check_count_or_default(const Props& config, const std::string& key, ConfigInfos* infos) {
  auto it = config.find(key);
  if (it == config.end()) return;
  auto v = parse_int(it->second);
  if (v && *v < 1 && *v != -1) {
    infos->add_error(key, invalid_value_message(key, trim(it->second),
                                                "Value must be -1 (the broker's default) or at "
                                                "least 1"));
  }
}

void check_sink_topics(const Props& config, ConfigInfos* infos) {
  std::vector<std::string> topics = config_list(config, "topics");
  std::string regex_text = config_value(config, "topics.regex");
  if (!topics.empty() && !regex_text.empty()) {
    const char* m = "topics and topics.regex are mutually exclusive options, but both are set.";
    infos->add_error("topics", m);
    infos->add_error("topics.regex", m);
  } else if (topics.empty() && regex_text.empty()) {
    const char* m = "Must configure one of topics or topics.regex";
    infos->add_error("topics", m);
    infos->add_error("topics.regex", m);
  }
  std::optional<std::regex> regex;
  if (!regex_text.empty()) {
    try {
      regex.emplace(regex_text, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      infos->add_error(
          "topics.regex",
          invalid_value_message("topics.regex", regex_text,
                                std::string("not a valid regular expression: ") + e.what()));
    }
  }
  std::string dlq = config_value(config, "errors.deadletterqueue.topic.name");
  if (dlq.empty()) return;
  bool consumed = std::find(topics.begin(), topics.end(), dlq) != topics.end() ||
                  (regex && std::regex_match(dlq, *regex));
  if (consumed) {
    infos->add_error("errors.deadletterqueue.topic.name",
                     "The dead letter queue topic '" + dlq +
                         "' is also a topic this connector consumes (via " +
                         (regex ? "topics.regex" : "topics") + "); records would loop.");
  }
}

}  // namespace

bool is_host_connector_key(std::string_view key) {
  for (const char* k : kHostKeys) {
    if (key == k) return true;
  }
  for (const char* p : kHostPrefixes) {
    if (starts_with(key, p)) return true;
  }
  return false;
}

Result<std::vector<KeyDef>> read_plugin_key_table(const sluice_config_key* table, uint32_t stride,
                                                  bool reserve_connector_keys) {
  std::vector<KeyDef> keys;
  if (table == nullptr) return keys;
  if (stride < SLUICE_CONFIG_KEY_V1_0_SIZE) {
    return Status::invalid_argument("config key table stride " + std::to_string(stride) +
                                    " is smaller than the ABI 1.0 entry size " +
                                    std::to_string(SLUICE_CONFIG_KEY_V1_0_SIZE));
  }
  std::set<std::string> names;
  for (size_t i = 0;; ++i) {
    if (i == kMaxTableEntries) {
      return Status::invalid_argument(
          "config key table has no entry with a NULL name among its "
          "first " +
          std::to_string(kMaxTableEntries) + " entries");
    }
    const sluice_config_key* e = entry_at(table, stride, i);
    if (e->name == nullptr) break;
    std::string name = e->name;
    if (name.empty()) {
      return Status::invalid_argument("config key #" + std::to_string(i + 1) + ": empty name");
    }
    if (!names.insert(name).second) {
      return Status::invalid_argument("config key '" + name + "' is defined twice");
    }
    if (reserve_connector_keys && is_host_connector_key(name)) {
      return Status::invalid_argument("config key '" + name +
                                      "' is one of the worker's common connector keys and "
                                      "cannot be redefined by a plugin");
    }
    auto k = read_entry(*e);
    if (!k.is_ok()) return k.status();
    keys.push_back(std::move(*k));
  }
  return keys;
}

// --- ConfigInfos ---

void ConfigInfos::add_error(std::string_view key, std::string message) {
  ++error_count;
  for (auto& [definition, value] : configs) {
    if (value.name == key) {
      value.errors.push_back(std::move(message));
      return;
    }
  }
  ConfigValueInfo value;
  value.name = std::string(key);
  value.errors.push_back(std::move(message));
  configs.emplace_back(std::nullopt, std::move(value));
}

nlohmann::json ConfigInfos::to_json() const {
  nlohmann::json list = nlohmann::json::array();
  for (bool defined : {false, true}) {
    for (const auto& [definition, value] : configs) {
      if (definition.has_value() != defined) continue;
      nlohmann::json v = {{"name", value.name},
                          {"value", optional_json(value.value)},
                          {"recommended_values", value.recommended_values},
                          {"errors", value.errors},
                          {"visible", value.visible}};
      list.push_back({{"definition", definition ? key_definition_json(*definition) : nullptr},
                      {"value", std::move(v)}});
    }
  }
  return {{"name", name}, {"error_count", error_count}, {"groups", groups}, {"configs", list}};
}

std::vector<std::string> ConfigInfos::error_messages() const {
  std::vector<std::string> out;
  for (const auto& [definition, value] : configs) {
    for (const auto& e : value.errors)
      out.push_back(value.name.empty() ? e : value.name + ": " + e);
  }
  return out;
}

nlohmann::json key_definition_json(const KeyDef& key) {
  std::optional<std::string> shown_default = key.default_value;
  if (shown_default && key.sensitive) shown_default = std::string(kHiddenValue);
  return {{"name", key.name},
          {"type", config_type_name(key.type)},
          {"required", key.required},
          {"default_value", optional_json(shown_default)},
          {"importance", importance_name(key.importance)},
          {"documentation", key.doc},
          {"group", key.group.empty() ? nlohmann::json(nullptr) : nlohmann::json(key.group)},
          {"order_in_group", key.order_in_group},
          {"width", width_name(key.width)},
          {"display_name", key.display_name.empty() ? key.name : key.display_name},
          {"dependents", nlohmann::json::array()}};
}

// --- ConnectorConfigDef ---

Result<ConnectorConfigDef> ConnectorConfigDef::from_plugin_table(ConnectorKind kind,
                                                                 const sluice_config_key* table,
                                                                 uint32_t stride) {
  auto plugin = read_plugin_key_table(table, stride, /*reserve_connector_keys=*/true);
  if (!plugin.is_ok()) return plugin.status();
  std::vector<KeyDef> keys = common_connector_keys(kind);
  size_t plugin_begin = keys.size();
  for (auto& k : *plugin) keys.push_back(std::move(k));
  return ConnectorConfigDef(kind, std::move(keys), plugin_begin);
}

ConnectorConfigDef ConnectorConfigDef::common_only(ConnectorKind kind) {
  std::vector<KeyDef> keys = common_connector_keys(kind);
  size_t n = keys.size();
  return ConnectorConfigDef(kind, std::move(keys), n);
}

const KeyDef* ConnectorConfigDef::find(std::string_view key) const {
  for (const auto& k : keys_) {
    if (k.name == key) return &k;
  }
  return nullptr;
}

ConfigInfos ConnectorConfigDef::validate(std::string_view connector_class, const Props& config,
                                         const Props* raw_placeholders) const {
  ConfigInfos infos;
  infos.name = std::string(connector_class);
  for (const auto& k : keys_) {
    if (!k.group.empty() &&
        std::find(infos.groups.begin(), infos.groups.end(), k.group) == infos.groups.end()) {
      infos.groups.push_back(k.group);
    }
    ConfigValueInfo v;
    v.name = k.name;
    v.recommended_values = k.valid_values;
    auto it = config.find(k.name);
    if (it != config.end()) {
      auto raw =
          raw_placeholders != nullptr ? raw_placeholders->find(k.name) : Props::const_iterator();
      std::string shown = raw_placeholders != nullptr && raw != raw_placeholders->end()
                              ? raw->second
                          : k.sensitive ? std::string(kHiddenValue)
                                        : it->second;
      v.value = shown;
      if (auto problem = value_problem(k, it->second)) {
        v.errors.push_back(invalid_value_message(k.name, shown, *problem));
      } else if (k.name == "name" && has_control_character(it->second)) {
        v.errors.push_back(
            invalid_value_message(k.name, shown, "String must not contain ISO control characters"));
      }
    } else if (k.required) {
      v.errors.push_back(missing_message(k.name));
    } else if (k.default_value) {
      v.value = k.sensitive ? std::string(kHiddenValue) : *k.default_value;
    }
    infos.error_count += static_cast<int>(v.errors.size());
    infos.configs.emplace_back(k, std::move(v));
  }
  check_aliases(config, "transforms", &infos);
  check_aliases(config, "predicates", &infos);
  if (kind_ == ConnectorKind::kSink) {
    check_sink_topics(config, &infos);
    check_count_or_default(config, "errors.deadletterqueue.topic.replication.factor", &infos);
  } else {
    check_count_or_default(config, "topic.creation.default.replication.factor", &infos);
    check_count_or_default(config, "topic.creation.default.partitions", &infos);
  }
  return infos;
}

nlohmann::json ConnectorConfigDef::definitions_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& k : keys_) out.push_back(key_definition_json(k));
  return out;
}

bool ConnectorConfigDef::is_sensitive(std::string_view key) const {
  if (const KeyDef* k = find(key)) return k->sensitive;
  for (std::string_view suffix : {"password", "passwd", "secret", "sasl.jaas.config"}) {
    if (ends_with(key, suffix)) return true;
  }
  return false;
}

Props ConnectorConfigDef::masked(const Props& config, const Props* raw_placeholders) const {
  Props out;
  for (const auto& [key, value] : config) {
    if (raw_placeholders != nullptr) {
      auto raw = raw_placeholders->find(key);
      if (raw != raw_placeholders->end()) {
        out.emplace(key, raw->second);
        continue;
      }
    }
    out.emplace(key, is_sensitive(key) ? std::string(kHiddenValue) : value);
  }
  return out;
}

Props ConnectorConfigDef::with_defaults(const Props& config) const {
  Props out = config;
  for (const auto& k : keys_) {
    if (k.default_value && !out.count(k.name)) out.emplace(k.name, *k.default_value);
  }
  return out;
}

}  // namespace sluice::config
