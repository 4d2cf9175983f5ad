// broker-lite's configuration: one table of known keys (Kafka's broker property names) with type,
// default and documentation, loaded from YAML or a flat key/value map. Unknown keys and bad
// values are errors that name the key, the source and the nearest known key.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "broker-lite/util/status.h"

namespace sluice::broker {

enum class ConfigType { kString, kInt, kLong, kBool, kList };

struct ConfigKeyDef {
  const char* name;
  ConfigType type;
  const char* default_value;  // as text; "" for none
  const char* doc;
};

// Every key broker-lite accepts, in documentation order.
std::span<const ConfigKeyDef> broker_config_keys();

// A parsed listener "PLAINTEXT://host:port".
struct Listener {
  std::string name;  // "PLAINTEXT"
  std::string host;
  uint16_t port = 0;
};

struct BrokerConfig {
  int32_t node_id = 1;
  std::vector<Listener> listeners;
  std::vector<Listener> advertised_listeners;  // empty: same as listeners
  std::string log_dir = "./data/broker";
  int32_t num_partitions = 1;
  bool auto_create_topics = true;
  bool delete_topic_enable = true;
  int64_t log_segment_bytes = 1073741824;
  int64_t log_roll_ms = 7LL * 24 * 3600 * 1000;
  int64_t log_retention_ms = 7LL * 24 * 3600 * 1000;
  int64_t log_retention_bytes = -1;
  int64_t log_retention_check_interval_ms = 300000;
  std::string log_cleanup_policy = "delete";
  int32_t log_index_interval_bytes = 4096;
  int64_t log_cleaner_delete_retention_ms = 86400000;
  int32_t message_max_bytes = 1048588;
  int32_t socket_request_max_bytes = 104857600;
  int32_t max_connections = 1000;
  int64_t connections_max_idle_ms = 600000;
  int32_t group_initial_rebalance_delay_ms = 3000;
  int32_t group_min_session_timeout_ms = 6000;
  int32_t group_max_session_timeout_ms = 1800000;
  int32_t offsets_topic_num_partitions = 1;
  int32_t offset_metadata_max_bytes = 4096;
  std::string log_level = "info";

  // The keys that were explicitly set, with their text values (for DescribeConfigs).
  std::map<std::string, std::string> explicit_values;
};

// Parses a YAML document whose top level is a map of Kafka broker property names. `source`
// names the file in error messages.
Result<BrokerConfig> parse_broker_config_yaml(const std::string& yaml_text,
                                              const std::string& source);
Result<BrokerConfig> load_broker_config_file(const std::string& path);
// Builds a config from flat key/value pairs (used by the worker's nested `broker:` map).
Result<BrokerConfig> broker_config_from_map(const std::map<std::string, std::string>& values,
                                            const std::string& source);

Result<Listener> parse_listener(const std::string& text);

// The known key closest to `unknown` by edit distance ("" when nothing is close).
std::string nearest_key(const std::string& unknown, std::span<const ConfigKeyDef> keys);

// Markdown table of every key (for docs/broker-lite.md).
std::string broker_config_reference_markdown();

}  // namespace sluice::broker
