// Topic configuration keys, defaults and validation (see topic_config.h).
#include "broker-lite/server/topic_config.h"

#include <charconv>

namespace sluice::broker {
namespace {

constexpr TopicConfigKey kTopicKeys[] = {
    {"cleanup.policy", "log.cleanup.policy", ConfigType::kList, "",
     "delete (retention by time/size), compact (keep the last record per key) or both."},
    {"retention.ms", "log.retention.ms", ConfigType::kLong, "",
     "Delete segments older than this (-1: forever)."},
    {"retention.bytes", "log.retention.bytes", ConfigType::kLong, "",
     "Keep at most this many bytes per partition (-1: no limit)."},
    {"segment.bytes", "log.segment.bytes", ConfigType::kInt, "", "Roll a segment at this size."},
    {"segment.ms", "log.roll.ms", ConfigType::kLong, "", "Roll a segment at this age."},
    {"segment.index.bytes", "", ConfigType::kInt, "10485760",
     "Roll a segment when its offset index reaches this size."},
    {"index.interval.bytes", "log.index.interval.bytes", ConfigType::kInt, "",
     "Bytes of log between offset-index entries."},
    {"delete.retention.ms", "log.cleaner.delete.retention.ms", ConfigType::kLong, "",
     "How long compaction keeps tombstones."},
    {"min.compaction.lag.ms", "", ConfigType::kLong, "0",
     "Accepted; compaction never touches the active segment."},
    {"max.message.bytes", "message.max.bytes", ConfigType::kInt, "",
     "Largest record batch accepted for this topic."},
    {"message.timestamp.type", "", ConfigType::kString, "CreateTime",
     "CreateTime (the producer's) or LogAppendTime (the broker's clock)."},
    {"compression.type", "", ConfigType::kString, "producer",
     "Only 'producer': batches are stored as sent."},
    {"min.insync.replicas", "", ConfigType::kInt, "1",
     "Accepted for compatibility; a single node is always in sync."},
    {"unclean.leader.election.enable", "", ConfigType::kBool, "false",
     "Accepted for compatibility."},
    {"flush.messages", "", ConfigType::kLong, "9223372036854775807",
     "Accepted for compatibility; acks=all is always fsynced before it is acknowledged."},
    {"flush.ms", "", ConfigType::kLong, "9223372036854775807",
     "Accepted for compatibility (see flush.messages)."},
};

const TopicConfigKey* find_topic_key(const std::string& name) {
  for (const auto& k : kTopicKeys) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

bool parse_long(const std::string& s, int64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

std::string broker_default(const BrokerConfig& b, const TopicConfigKey& k) {
  std::string key = k.broker_key;
  if (key.empty()) return k.fixed_default;
  if (key == "log.cleanup.policy") return b.log_cleanup_policy;
  if (key == "log.retention.ms") return std::to_string(b.log_retention_ms);
  if (key == "log.retention.bytes") return std::to_string(b.log_retention_bytes);
  if (key == "log.segment.bytes") return std::to_string(b.log_segment_bytes);
  if (key == "log.roll.ms") return std::to_string(b.log_roll_ms);
  if (key == "log.index.interval.bytes") return std::to_string(b.log_index_interval_bytes);
  if (key == "log.cleaner.delete.retention.ms")
    return std::to_string(b.log_cleaner_delete_retention_ms);
  if (key == "message.max.bytes") return std::to_string(b.message_max_bytes);
  return "";
}

}  // namespace

std::span<const TopicConfigKey> topic_config_keys() {
  return kTopicKeys;
}

Status validate_topic_config(const std::string& key, const std::string& value) {
  const TopicConfigKey* k = find_topic_key(key);
  if (!k) {
    std::string msg = "unknown topic config '" + key + "'";
    return Status::invalid_argument(msg);
  }
  int64_t n = 0;
  switch (k->type) {
    case ConfigType::kInt:
    case ConfigType::kLong:
      if (!parse_long(value, n))
        return Status::invalid_argument(key + " expects an integer, got '" + value + "'");
      if (k->type == ConfigType::kInt && (n < INT32_MIN || n > INT32_MAX)) {
        return Status::invalid_argument(key + " is out of the int range: '" + value + "'");
      }
      break;
    case ConfigType::kBool:
      if (value != "true" && value != "false")
        return Status::invalid_argument(key + " expects true or false");
      break;
    default:
      break;
  }
  if (key == "cleanup.policy") {
    if (value != "delete" && value != "compact" && value != "compact,delete" &&
        value != "delete,compact") {
      return Status::invalid_argument(
          "cleanup.policy must be delete, compact or compact,delete; got '" + value + "'");
    }
  } else if (key == "segment.bytes" && n < 1024) {
    return Status::invalid_argument("segment.bytes must be at least 1024");
  } else if (key == "segment.ms" && n < 1) {
    return Status::invalid_argument("segment.ms must be positive");
  } else if (key == "max.message.bytes" && n < 0) {
    return Status::invalid_argument("max.message.bytes must not be negative");
  } else if (key == "message.timestamp.type" && value != "CreateTime" && value != "LogAppendTime") {
    return Status::invalid_argument("message.timestamp.type must be CreateTime or LogAppendTime");
  } else if (key == "compression.type" && value != "producer") {
    return Status::unsupported(
        "compression.type: broker-lite stores batches as the producer sent them; only 'producer' "
        "is supported");
  } else if (key == "min.insync.replicas" && n != 1) {
    return Status::invalid_argument("min.insync.replicas must be 1 on a single node");
  } else if (key == "segment.index.bytes" && n < 4096) {
    return Status::invalid_argument("segment.index.bytes must be at least 4096");
  }
  return Status::ok();
}

Status validate_topic_configs(const std::map<std::string, std::string>& overrides) {
  for (const auto& [k, v] : overrides) SLUICE_RETURN_IF_ERROR(validate_topic_config(k, v));
  return Status::ok();
}

std::vector<TopicConfigEntry> effective_topic_configs(
    const BrokerConfig& broker, const std::map<std::string, std::string>& overrides) {
  std::vector<TopicConfigEntry> out;
  for (const auto& k : kTopicKeys) {
    TopicConfigEntry e;
    e.name = k.name;
    auto it = overrides.find(k.name);
    if (it != overrides.end()) {
      e.value = it->second;
      e.is_default = false;
    } else {
      e.value = broker_default(broker, k);
    }
    out.push_back(std::move(e));
  }
  return out;
}

TopicSettings topic_settings(const BrokerConfig& broker,
                             const std::map<std::string, std::string>& overrides) {
  TopicSettings s;
  for (const auto& e : effective_topic_configs(broker, overrides)) {
    int64_t n = 0;
    bool numeric = parse_long(e.value, n);
    if (e.name == "cleanup.policy") {
      s.log.cleanup_delete = e.value.find("delete") != std::string::npos;
      s.log.cleanup_compact = e.value.find("compact") != std::string::npos;
    } else if (!numeric) {
      if (e.name == "message.timestamp.type") s.log_append_time = e.value == "LogAppendTime";
    } else if (e.name == "retention.ms") {
      s.log.retention_ms = n;
    } else if (e.name == "retention.bytes") {
      s.log.retention_bytes = n;
    } else if (e.name == "segment.bytes") {
      s.log.segment_bytes = n;
    } else if (e.name == "segment.ms") {
      s.log.segment_ms = n;
    } else if (e.name == "segment.index.bytes") {
      s.log.segment_index_bytes = n;
    } else if (e.name == "index.interval.bytes") {
      s.log.index_interval_bytes = static_cast<int32_t>(n);
    } else if (e.name == "delete.retention.ms") {
      s.log.delete_retention_ms = n;
    } else if (e.name == "max.message.bytes") {
      s.max_message_bytes = static_cast<int32_t>(n);
    }
  }
  return s;
}

}  // namespace sluice::broker
