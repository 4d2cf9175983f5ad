// Encodes and decodes the record keys and values of the internal topic __consumer_offsets
// (committed offsets and group metadata) in Kafka's own layouts, so the topic reads the same
// with Kafka's tools. Layouts: docs/formats/consumer-offsets.md.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "broker-lite/util/status.h"

namespace sluice::coord {

inline constexpr int16_t kOffsetKeyVersion = 1;  // also reads 0
inline constexpr int16_t kGroupKeyVersion = 2;
inline constexpr int16_t kOffsetValueVersion = 3;  // reads 0..3
inline constexpr int16_t kGroupValueVersion = 3;   // reads 0..3

// Value of a committed offset.
struct OffsetRecordValue {
  int64_t offset = -1;
  int32_t leader_epoch = -1;
  std::string metadata;
  int64_t commit_timestamp_ms = -1;

  bool operator==(const OffsetRecordValue&) const = default;
};

// One member in a group metadata value (all fields owned).
struct GroupRecordMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t rebalance_timeout_ms = 0;
  int32_t session_timeout_ms = 0;
  std::vector<uint8_t> subscription;  // metadata for the selected protocol
  std::vector<uint8_t> assignment;

  bool operator==(const GroupRecordMember&) const = default;
};

// Value of a group metadata record.
struct GroupRecordValue {
  std::string protocol_type;
  int32_t generation = 0;
  std::optional<std::string> protocol;
  std::optional<std::string> leader;
  int64_t current_state_timestamp_ms = -1;
  std::vector<GroupRecordMember> members;

  bool operator==(const GroupRecordValue&) const = default;
};

// A decoded key: which kind of record, and its fields.
struct OffsetsTopicKey {
  enum class Kind { kOffset, kGroup, kOther };
  Kind kind = Kind::kOther;  // kOther: a key version broker-lite does not use (skip the record)
  std::string group;
  std::string topic;       // kOffset only
  int32_t partition = -1;  // kOffset only
};

std::vector<uint8_t> encode_offset_key(std::string_view group, std::string_view topic,
                                       int32_t partition);
std::vector<uint8_t> encode_group_key(std::string_view group);
std::vector<uint8_t> encode_offset_value(const OffsetRecordValue& value);
std::vector<uint8_t> encode_group_value(const GroupRecordValue& value);

// Decoders read borrowed bytes and return owned values; malformed input gives kCorruption naming
// the record kind.
Result<OffsetsTopicKey> decode_offsets_topic_key(std::span<const uint8_t> key);
Result<OffsetRecordValue> decode_offset_value(std::span<const uint8_t> value);
Result<GroupRecordValue> decode_group_value(std::span<const uint8_t> value);

}  // namespace sluice::coord
