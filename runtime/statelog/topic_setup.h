// Creating and verifying one of distributed mode's compacted state topics
// (docs/formats/state-topics.md §1-§2): create it when missing with its partitions, replication
// factor and cleanup.policy=compact; refuse an existing one whose partition count or cleanup
// policy would lose or reorder state, with a message that names the topic, the worker key, the
// setting and the fix.
#pragma once

#include <cstdint>
#include <string>

#include "broker-lite/util/status.h"
#include "runtime/kafka/admin.h"

namespace sluice::statelog {

// What a state topic must look like.
struct StateTopicSpec {
  std::string topic;               // the topic's name
  std::string config_key;          // the worker key that named it (for messages), e.g.
                                   // "config.storage.topic"
  int32_t partitions = 1;          // partitions when created; -1 = the broker's num.partitions
  int16_t replication_factor = 3;  // when created; -1 = the broker's default.replication.factor
  bool single_partition = false;   // the topic must have exactly one partition (config topic)
};

// Kafka Connect's defaults for the three topics (names connect-configs, connect-offsets,
// connect-status; 1 / 25 / 5 partitions; replication factor 3).
StateTopicSpec config_topic_spec(std::string topic = "connect-configs",
                                 int16_t replication_factor = 3);
StateTopicSpec offset_topic_spec(std::string topic = "connect-offsets", int32_t partitions = 25,
                                 int16_t replication_factor = 3);
StateTopicSpec status_topic_spec(std::string topic = "connect-status", int32_t partitions = 5,
                                 int16_t replication_factor = 3);

// `"<topic>" (<config_key>)`, the subject of every message about the topic.
std::string describe(const StateTopicSpec& spec);

// Ensures `spec.topic` exists and is acceptable, creating it if missing; returns its partition
// count. `admin` is borrowed for the call. `bootstrap` is only used in messages. Errors:
// kFailedPrecondition for a misconfigured existing topic, kUnavailable when the cluster does not
// answer within `timeout_ms` (in total, not per request), kInvalidArgument when the broker
// refuses the creation (for example a replication factor larger than the cluster).
[[nodiscard]] Result<int32_t> ensure_state_topic(kafka_client::Admin& admin,
                                                 const StateTopicSpec& spec,
                                                 const std::string& bootstrap, int timeout_ms);

}  // namespace sluice::statelog
