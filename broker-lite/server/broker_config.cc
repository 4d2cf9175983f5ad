// Loading and validation of broker-lite's configuration (see broker_config.h).
#include "broker-lite/server/broker_config.h"

#include "broker-lite/util/nearest_name.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace sluice::broker {
namespace {

constexpr ConfigKeyDef kKeys[] = {
    {"node.id", ConfigType::kInt, "1",
     "Id of this broker, reported in Metadata as the only broker and the controller."},
    {"broker.id", ConfigType::kInt, "1", "Alias of node.id."},
    {"listeners", ConfigType::kList, "PLAINTEXT://127.0.0.1:9092",
     "Comma-separated listeners NAME://host:port. Binds to loopback unless told otherwise."},
    {"advertised.listeners", ConfigType::kList, "",
     "Addresses clients are told to connect to (default: the listeners)."},
    {"log.dirs", ConfigType::kString, "./data/broker", "Directory holding every partition's log."},
    {"log.dir", ConfigType::kString, "./data/broker", "Alias of log.dirs (one directory)."},
    {"num.partitions", ConfigType::kInt, "1", "Partitions of an auto-created topic."},
    {"default.replication.factor", ConfigType::kInt, "1", "Accepted for compatibility; must be 1."},
    {"auto.create.topics.enable", ConfigType::kBool, "true",
     "Create a topic when a producer or Metadata request names an unknown one."},
    {"delete.topic.enable", ConfigType::kBool, "true", "Allow DeleteTopics."},
    {"log.segment.bytes", ConfigType::kLong, "1073741824", "Roll a segment at this size."},
    {"log.roll.ms", ConfigType::kLong, "604800000", "Roll a segment at this age."},
    {"log.roll.hours", ConfigType::kInt, "168",
     "Roll a segment at this age (hours; log.roll.ms wins)."},
    {"log.retention.ms", ConfigType::kLong, "604800000",
     "Delete segments older than this (-1: keep forever)."},
    {"log.retention.minutes", ConfigType::kInt, "",
     "Retention in minutes (log.retention.ms wins)."},
    {"log.retention.hours", ConfigType::kInt, "168", "Retention in hours (minutes/ms win)."},
    {"log.retention.bytes", ConfigType::kLong, "-1",
     "Delete old segments beyond this partition size (-1: no limit)."},
    {"log.retention.check.interval.ms", ConfigType::kLong, "300000",
     "How often retention and compaction run."},
    {"log.cleanup.policy", ConfigType::kString, "delete",
     "Default cleanup.policy: delete, compact or compact,delete."},
    {"log.index.interval.bytes", ConfigType::kInt, "4096",
     "Bytes of log between offset-index entries."},
    {"log.cleaner.delete.retention.ms", ConfigType::kLong, "86400000",
     "How long compaction keeps tombstones."},
    {"message.max.bytes", ConfigType::kInt, "1048588", "Largest record batch a producer may send."},
    {"socket.request.max.bytes", ConfigType::kInt, "104857600",
     "Largest request frame; larger frames close the connection before any allocation."},
    {"max.connections", ConfigType::kInt, "1000", "Connections accepted at once; more are closed."},
    {"connections.max.idle.ms", ConfigType::kLong, "600000", "Close connections idle this long."},
    {"group.initial.rebalance.delay.ms", ConfigType::kInt, "3000",
     "Wait for more members before the first rebalance of an empty group."},
    {"group.min.session.timeout.ms", ConfigType::kInt, "6000",
     "Smallest session timeout a member may ask for."},
    {"group.max.session.timeout.ms", ConfigType::kInt, "1800000",
     "Largest session timeout a member may ask for."},
    {"offsets.topic.num.partitions", ConfigType::kInt, "1",
     "Partitions of the internal __consumer_offsets topic."},
    {"offsets.topic.replication.factor", ConfigType::kInt, "1",
     "Accepted for compatibility; must be 1."},
    {"offset.metadata.max.bytes", ConfigType::kInt, "4096",
     "Largest metadata string of a committed offset."},
    {"log.level", ConfigType::kString, "info", "Logging level: debug, info, warn, error."},
};

bool parse_int64(const std::string& text, int64_t& out) {
  const char* b = text.data();
  const char* e = b + text.size();
  auto [p, ec] = std::from_chars(b, e, out);
  return ec == std::errc() && p == e && !text.empty();
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

const ConfigKeyDef* find_key(const std::string& name) {
  for (const auto& k : kKeys) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

Status apply_listeners(const std::string& key, const std::string& value,
                       std::vector<Listener>& out) {
  out.clear();
  std::stringstream ss(value);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item = trim(item);
    if (item.empty()) continue;
    auto l = parse_listener(item);
    if (!l) return Status::invalid_argument(key + ": " + std::string(l.status().message()));
    out.push_back(*l);
  }
  return Status::ok();
}

// Applies one key to the config; the value has been type-checked against its definition.
Status apply(BrokerConfig& c, const std::string& key, const std::string& value, int64_t n, bool b) {
  if (key == "node.id" || key == "broker.id") {
    if (n < 0 || n > INT32_MAX)
      return Status::invalid_argument(key + " must be between 0 and 2147483647");
    c.node_id = static_cast<int32_t>(n);
  } else if (key == "listeners") {
    SLUICE_RETURN_IF_ERROR(apply_listeners(key, value, c.listeners));
    if (c.listeners.empty())
      return Status::invalid_argument("listeners: at least one listener is needed");
  } else if (key == "advertised.listeners") {
    SLUICE_RETURN_IF_ERROR(apply_listeners(key, value, c.advertised_listeners));
  } else if (key == "log.dirs" || key == "log.dir") {
    if (value.find(',') != std::string::npos) {
      return Status::invalid_argument(key + ": broker-lite uses one log directory, got '" + value +
                                      "'");
    }
    if (value.empty()) return Status::invalid_argument(key + " must not be empty");
    c.log_dir = value;
  } else if (key == "num.partitions") {
    if (n < 1 || n > 100000)
      return Status::invalid_argument("num.partitions must be between 1 and 100000");
    c.num_partitions = static_cast<int32_t>(n);
  } else if (key == "default.replication.factor" || key == "offsets.topic.replication.factor") {
    if (n != 1) return Status::invalid_argument(key + " must be 1: broker-lite is a single node");
  } else if (key == "auto.create.topics.enable") {
    c.auto_create_topics = b;
  } else if (key == "delete.topic.enable") {
    c.delete_topic_enable = b;
  } else if (key == "log.segment.bytes") {
    if (n < 1024 || n > INT32_MAX)
      return Status::invalid_argument("log.segment.bytes must be between 1024 and 2147483647");
    c.log_segment_bytes = n;
  } else if (key == "log.roll.ms") {
    if (n < 1) return Status::invalid_argument("log.roll.ms must be positive");
    c.log_roll_ms = n;
  } else if (key == "log.roll.hours") {
    if (n < 1) return Status::invalid_argument("log.roll.hours must be positive");
    if (!c.explicit_values.count("log.roll.ms")) c.log_roll_ms = n * 3600000;
  } else if (key == "log.retention.ms") {
    c.log_retention_ms = n < 0 ? -1 : n;
  } else if (key == "log.retention.minutes") {
    if (!c.explicit_values.count("log.retention.ms")) c.log_retention_ms = n < 0 ? -1 : n * 60000;
  } else if (key == "log.retention.hours") {
    if (!c.explicit_values.count("log.retention.ms") &&
        !c.explicit_values.count("log.retention.minutes")) {
      c.log_retention_ms = n < 0 ? -1 : n * 3600000;
    }
  } else if (key == "log.retention.bytes") {
    c.log_retention_bytes = n < 0 ? -1 : n;
  } else if (key == "log.retention.check.interval.ms") {
    if (n < 10)
      return Status::invalid_argument("log.retention.check.interval.ms must be at least 10");
    c.log_retention_check_interval_ms = n;
  } else if (key == "log.cleanup.policy") {
    if (value != "delete" && value != "compact" && value != "compact,delete" &&
        value != "delete,compact") {
      return Status::invalid_argument(
          "log.cleanup.policy must be delete, compact or compact,delete; got '" + value + "'");
    }
    c.log_cleanup_policy = value;
  } else if (key == "log.index.interval.bytes") {
    if (n < 0) return Status::invalid_argument("log.index.interval.bytes must not be negative");
    c.log_index_interval_bytes = static_cast<int32_t>(n);
  } else if (key == "log.cleaner.delete.retention.ms") {
    c.log_cleaner_delete_retention_ms = n;
  } else if (key == "message.max.bytes") {
    if (n < 64 || n > INT32_MAX)
      return Status::invalid_argument("message.max.bytes must be between 64 and 2147483647");
    c.message_max_bytes = static_cast<int32_t>(n);
  } else if (key == "socket.request.max.bytes") {
    if (n < 1024 || n > INT32_MAX)
      return Status::invalid_argument(
          "socket.request.max.bytes must be between 1024 and 2147483647");
    c.socket_request_max_bytes = static_cast<int32_t>(n);
  } else if (key == "max.connections") {
    if (n < 1 || n > 1000000)
      return Status::invalid_argument("max.connections must be between 1 and 1000000");
    c.max_connections = static_cast<int32_t>(n);
  } else if (key == "connections.max.idle.ms") {
    c.connections_max_idle_ms = n;
  } else if (key == "group.initial.rebalance.delay.ms") {
    if (n < 0)
      return Status::invalid_argument("group.initial.rebalance.delay.ms must not be negative");
    c.group_initial_rebalance_delay_ms = static_cast<int32_t>(n);
  } else if (key == "group.min.session.timeout.ms") {
    c.group_min_session_timeout_ms = static_cast<int32_t>(n);
  } else if (key == "group.max.session.timeout.ms") {
    c.group_max_session_timeout_ms = static_cast<int32_t>(n);
  } else if (key == "offsets.topic.num.partitions") {
    if (n < 1 || n > 1000)
      return Status::invalid_argument("offsets.topic.num.partitions must be between 1 and 1000");
    c.offsets_topic_num_partitions = static_cast<int32_t>(n);
  } else if (key == "offset.metadata.max.bytes") {
    c.offset_metadata_max_bytes = static_cast<int32_t>(n);
  } else if (key == "log.level") {
    if (value != "debug" && value != "info" && value != "warn" && value != "error") {
      return Status::invalid_argument("log.level must be debug, info, warn or error; got '" +
                                      value + "'");
    }
    c.log_level = value;
  }
  return Status::ok();
}

// Orders keys so that the more specific of two aliases is applied last and wins.
int key_priority(const std::string& key) {
  if (key == "log.retention.hours" || key == "log.roll.hours") return 0;
  if (key == "log.retention.minutes") return 1;
  return 2;
}

}  // namespace

std::span<const ConfigKeyDef> broker_config_keys() {
  return kKeys;
}

Result<Listener> parse_listener(const std::string& text) {
  auto sep = text.find("://");
  if (sep == std::string::npos) {
    return Status::invalid_argument("listener '" + text + "' is not of the form NAME://host:port");
  }
  Listener l;
  l.name = text.substr(0, sep);
  std::string rest = text.substr(sep + 3);
  auto colon = rest.rfind(':');
  if (colon == std::string::npos) {
    return Status::invalid_argument("listener '" + text + "' has no port");
  }
  l.host = rest.substr(0, colon);
  if (l.host.size() >= 2 && l.host.front() == '[' && l.host.back() == ']') {
    l.host = l.host.substr(1, l.host.size() - 2);
  }
  if (l.host.empty()) l.host = "127.0.0.1";
  int64_t port = 0;
  if (!parse_int64(rest.substr(colon + 1), port) || port < 0 || port > 65535) {
    return Status::invalid_argument("listener '" + text + "' has a bad port");
  }
  l.port = static_cast<uint16_t>(port);
  if (l.name != "PLAINTEXT") {
    return Status::unsupported("listener '" + text + "': only PLAINTEXT listeners are supported");
  }
  return l;
}

std::string nearest_key(const std::string& unknown, std::span<const ConfigKeyDef> keys) {
  return nearest_name(unknown, keys, &ConfigKeyDef::name);
}

Result<BrokerConfig> broker_config_from_map(const std::map<std::string, std::string>& values,
                                            const std::string& source) {
  BrokerConfig c;
  c.listeners.push_back({"PLAINTEXT", "127.0.0.1", 9092});
  std::vector<std::pair<std::string, std::string>> ordered(values.begin(), values.end());
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    return key_priority(a.first) < key_priority(b.first);
  });
  for (const auto& [key, raw] : ordered) {
    const ConfigKeyDef* def = find_key(key);
    if (!def) {
      std::string msg = source + ": unknown key '" + key + "'";
      std::string near = nearest_key(key, kKeys);
      if (!near.empty()) msg += " (did you mean '" + near + "'?)";
      return Status::invalid_argument(msg);
    }
    std::string value = trim(raw);
    int64_t n = 0;
    bool b = false;
    switch (def->type) {
      case ConfigType::kInt:
      case ConfigType::kLong:
        if (!parse_int64(value, n) ||
            (def->type == ConfigType::kInt && (n < INT32_MIN || n > INT32_MAX))) {
          return Status::invalid_argument(source + ": key '" + key + "' expects an integer, got '" +
                                          value + "'");
        }
        break;
      case ConfigType::kBool:
        if (value == "true")
          b = true;
        else if (value == "false")
          b = false;
        else
          return Status::invalid_argument(source + ": key '" + key +
                                          "' expects true or false, got '" + value + "'");
        break;
      default:
        break;
    }
    Status s = apply(c, key, value, n, b);
    if (!s) return Status::invalid_argument(source + ": " + std::string(s.message()));
    c.explicit_values[key] = value;
  }
  return c;
}

Result<BrokerConfig> parse_broker_config_yaml(const std::string& yaml_text,
                                              const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return Status::invalid_argument(source + ": not valid YAML: " + e.what());
  }
  std::map<std::string, std::string> values;
  if (root.IsNull()) return broker_config_from_map(values, source);
  if (!root.IsMap())
    return Status::invalid_argument(source + ": the top level must be a map of broker properties");
  for (const auto& item : root) {
    std::string key = item.first.as<std::string>();
    const YAML::Node& v = item.second;
    if (v.IsScalar()) {
      values[key] = v.as<std::string>();
    } else if (v.IsSequence()) {
      std::string joined;
      for (const auto& e : v) {
        if (!e.IsScalar())
          return Status::invalid_argument(source + ": key '" + key +
                                          "' must be a scalar or a list of scalars");
        if (!joined.empty()) joined += ",";
        joined += e.as<std::string>();
      }
      values[key] = joined;
    } else if (v.IsNull()) {
      values[key] = "";
    } else {
      return Status::invalid_argument(source + ": key '" + key + "' must be a scalar, not a map");
    }
  }
  return broker_config_from_map(values, source);
}

Result<BrokerConfig> load_broker_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::not_found("cannot read config file '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_broker_config_yaml(ss.str(), path);
}

std::string broker_config_reference_markdown() {
  std::string out = "| key | type | default | meaning |\n|---|---|---|---|\n";
  for (const auto& k : kKeys) {
    const char* type = "string";
    switch (k.type) {
      case ConfigType::kInt:
        type = "int";
        break;
      case ConfigType::kLong:
        type = "long";
        break;
      case ConfigType::kBool:
        type = "boolean";
        break;
      case ConfigType::kList:
        type = "list";
        break;
      default:
        break;
    }
    out += "| `" + std::string(k.name) + "` | " + type + " | " +
           (k.default_value[0] ? "`" + std::string(k.default_value) + "`" : "—") + " | " + k.doc +
           " |\n";
  }
  return out;
}

}  // namespace sluice::broker
