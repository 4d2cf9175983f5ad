// Topic-level configuration: the keys a topic may override (Kafka's topic config names), their
// broker-level defaults, validation, and the resulting log settings. Used by CreateTopics,
// DescribeConfigs, AlterConfigs and IncrementalAlterConfigs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "broker-lite/log/log_config.h"
#include "broker-lite/server/broker_config.h"
#include "broker-lite/util/status.h"

namespace sluice::broker {

struct TopicConfigKey {
  const char* name;
  const char* broker_key;  // the broker property that gives the default ("" when fixed)
  ConfigType type;
  const char* fixed_default;  // used when broker_key is empty
  const char* doc;
};

std::span<const TopicConfigKey> topic_config_keys();

// The effective value of every topic key for a topic with `overrides`, with whether it came from
// the topic (true) or the broker default (false).
struct TopicConfigEntry {
  std::string name;
  std::string value;
  bool is_default = true;
};
std::vector<TopicConfigEntry> effective_topic_configs(
    const BrokerConfig& broker, const std::map<std::string, std::string>& overrides);

// Checks one key/value; the error message names the key and the problem.
Status validate_topic_config(const std::string& key, const std::string& value);
Status validate_topic_configs(const std::map<std::string, std::string>& overrides);

// Settings derived from the effective configuration.
struct TopicSettings {
  log::LogConfig log;
  int32_t max_message_bytes = 1048588;
  bool log_append_time = false;  // message.timestamp.type=LogAppendTime
};
TopicSettings topic_settings(const BrokerConfig& broker,
                             const std::map<std::string, std::string>& overrides);

}  // namespace sluice::broker
