// Loading and checking of the worker file (see worker_config.h).
#include "runtime/config/worker_config.h"

#include "runtime/config/providers.h"
#include "runtime/config/worker_keys.h"
#include "runtime/config/yaml_document.h"

namespace sluice::config {
namespace {

constexpr const char* kBrokerKey = "broker";
constexpr const char* kBrokerPrefix = "broker.";

Status check_worker_key_name(const std::string& source, const std::string& key) {
  if (find_worker_key(key) != nullptr || find_worker_prefix(key) != nullptr) return Status::ok();
  std::string m = source + ": unknown worker key '" + key + "'";
  std::string near = nearest_worker_key(key);
  if (!near.empty()) m += " (did you mean '" + near + "'?)";
  return Status::invalid_argument(m);
}

// `shown` is the text quoted in a message (the raw placeholder when there was one).
Status check_worker_value(const std::string& source, const std::string& key,
                          const std::string& value, const std::string& shown) {
  const WorkerKey* def = find_worker_key(key);
  if (def == nullptr) return Status::ok();  // a prefixed family: passed through
  if (!parses_as(def->type, value)) {
    return Status::invalid_argument(source + ": key '" + key + "': '" + shown + "' is not a" +
                                    (def->type == ConfigType::kInt ? "n " : " ") +
                                    std::string(config_type_name(def->type)));
  }
  if (def->valid_values != nullptr) {
    std::vector<std::string> valid = split_list(def->valid_values);
    bool found = false;
    for (const auto& v : valid) found = found || trim(value) == v;
    if (!found) {
      std::string list;
      for (const auto& v : valid) list += (list.empty() ? "" : ", ") + v;
      return Status::invalid_argument(source + ": key '" + key + "': '" + shown +
                                      "' is not one of " + list);
    }
  }
  return Status::ok();
}

}  // namespace

bool WorkerConfig::embedded_broker() const {
  auto it = props.find("bootstrap.servers");
  if (it == props.end()) return true;
  std::string v = trim(it->second);
  return v.empty() || v == "embedded";
}

std::optional<std::string> WorkerConfig::get(std::string_view key) const {
  auto it = props.find(std::string(key));
  if (it != props.end()) return it->second;
  const WorkerKey* def = find_worker_key(key);
  if (def != nullptr && def->default_value != nullptr) return std::string(def->default_value);
  return std::nullopt;
}

std::string WorkerConfig::get_string(std::string_view key) const {
  auto v = get(key);
  return v ? trim(*v) : std::string();
}

int64_t WorkerConfig::get_long(std::string_view key) const {
  auto v = get(key);
  if (!v) return 0;
  return parse_long(*v).value_or(0);
}

bool WorkerConfig::get_bool(std::string_view key) const {
  auto v = get(key);
  if (!v) return false;
  return parse_bool(*v).value_or(false);
}

std::vector<std::string> WorkerConfig::get_list(std::string_view key) const {
  auto v = get(key);
  std::vector<std::string> out;
  if (!v) return out;
  for (auto& item : split_list(*v)) {
    if (!item.empty()) out.push_back(std::move(item));
  }
  return out;
}

Props WorkerConfig::with_prefix(std::string_view prefix) const {
  Props out;
  for (auto it = props.lower_bound(std::string(prefix)); it != props.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    if (it->first.size() == prefix.size()) continue;
    // admin.listeners is the worker's own key, admin.listeners.https.* its own family: neither
    // is a setting of the admin client.
    const WorkerKeyPrefix* family = find_worker_prefix(it->first);
    if (find_worker_key(it->first) != nullptr ||
        (family != nullptr && std::string_view(family->prefix).size() > prefix.size())) {
      continue;
    }
    out.emplace(it->first.substr(prefix.size()), it->second);
  }
  return out;
}

Status WorkerConfig::check_standalone() const {
  if (get_string("offset.storage.file.filename").empty()) {
    return Status::invalid_argument(
        source_file +
        ": missing required key 'offset.storage.file.filename' (the file where standalone mode "
        "keeps source offsets)");
  }
  return Status::ok();
}

Status WorkerConfig::check_distributed() const {
  if (get_string("bootstrap.servers").empty()) {
    return Status::invalid_argument(
        source_file +
        ": missing required key 'bootstrap.servers' (distributed mode keeps its state in a Kafka "
        "cluster or a broker-lite that every worker reaches; it has no embedded broker)");
  }
  for (const char* key :
       {"group.id", "config.storage.topic", "offset.storage.topic", "status.storage.topic"}) {
    if (get_string(key).empty()) {
      return Status::invalid_argument(source_file + ": '" + key + "' must not be empty");
    }
  }
  return Status::ok();
}

std::string WorkerConfig::connector_store_file() const {
  std::string configured = get_string("config.storage.file.filename");
  if (!configured.empty()) return configured;
  return get_string("offset.storage.file.filename") + ".connectors.json";
}

Result<WorkerConfig> parse_worker_config(std::string_view yaml_text,
                                         const std::string& source_name) {
  auto root = parse_yaml_map(yaml_text, source_name);
  if (!root.is_ok()) return root.status();
  WorkerConfig config;
  config.source_file = source_name;
  try {
    const YAML::Node& top = *root;
    SLUICE_RETURN_IF_ERROR(flatten_yaml_map(top, "", source_name, &config.props, kBrokerKey));
    YAML::Node broker_node = top[kBrokerKey];
    if (broker_node.IsDefined() && !broker_node.IsNull()) {
      if (!broker_node.IsMap()) {
        return Status::invalid_argument(yaml_position(source_name, broker_node) +
                                        ": key 'broker' must be a map of broker-lite keys, e.g. "
                                        "broker: {log.dirs: ./data/broker}");
      }
      SLUICE_RETURN_IF_ERROR(
          flatten_yaml_map(broker_node, "", source_name + ": broker", &config.broker));
    }
  } catch (const YAML::Exception& e) {
    return Status::invalid_argument(source_name + ": " + e.msg);
  }
  // `broker.log.dirs: x` is the same as `broker: {log.dirs: x}`.
  for (auto it = config.props.begin(); it != config.props.end();) {
    if (it->first.rfind(kBrokerPrefix, 0) != 0) {
      ++it;
      continue;
    }
    std::string key = it->first.substr(std::string_view(kBrokerPrefix).size());
    if (!config.broker.emplace(key, it->second).second) {
      return Status::invalid_argument(source_name + ": broker key '" + key + "' is given twice");
    }
    it = config.props.erase(it);
  }
  // Names first (a typo is the likeliest mistake), then values once placeholders are resolved.
  for (const auto& [key, value] : config.props) {
    SLUICE_RETURN_IF_ERROR(check_worker_key_name(source_name, key));
  }
  SLUICE_RETURN_IF_ERROR(resolve_providers(&config.props, source_name, &config.raw_placeholders));
  SLUICE_RETURN_IF_ERROR(resolve_providers(&config.broker, source_name + ": broker", nullptr));
  for (const auto& [key, value] : config.props) {
    // A value that came from a placeholder is shown as the placeholder, never resolved.
    auto raw = config.raw_placeholders.find(key);
    SLUICE_RETURN_IF_ERROR(check_worker_value(
        source_name, key, value, raw == config.raw_placeholders.end() ? value : raw->second));
  }
  if (!config.broker.empty() && !config.embedded_broker()) {
    return Status::invalid_argument(
        source_name +
        ": key 'broker' is only used when bootstrap.servers is unset (it configures the embedded "
        "broker); remove it or remove bootstrap.servers");
  }
  return config;
}

Result<WorkerConfig> load_worker_config(const std::string& path) {
  auto text = read_text_file(path);
  if (!text.is_ok()) return text.status();
  return parse_worker_config(*text, path);
}

}  // namespace sluice::config
