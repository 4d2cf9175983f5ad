// __consumer_offsets key/value codec (see offsets_codec.h and docs/formats/consumer-offsets.md).
#include "broker-lite/coordinator/offsets_codec.h"

#include "broker-lite/protocol/wire.h"

namespace sluice::coord {

using kafka::WireReader;
using kafka::WireWriter;

namespace {

std::vector<uint8_t> finish(const WireWriter& w) {
  return w.flatten();
}

Status parse_error(std::string_view what, const WireReader& r) {
  std::string m = "__consumer_offsets ";
  m += what;
  m += ": ";
  m += r.ok() ? std::string("trailing bytes") : r.error();
  return Status::corruption(std::move(m));
}

std::vector<uint8_t> to_vector(std::span<const uint8_t> s) {
  return {s.begin(), s.end()};
}

}  // namespace

std::vector<uint8_t> encode_offset_key(std::string_view group, std::string_view topic,
                                       int32_t partition) {
  WireWriter w;
  w.write_int16(kOffsetKeyVersion);
  w.write_string(group);
  w.write_string(topic);
  w.write_int32(partition);
  return finish(w);
}

std::vector<uint8_t> encode_group_key(std::string_view group) {
  WireWriter w;
  w.write_int16(kGroupKeyVersion);
  w.write_string(group);
  return finish(w);
}

std::vector<uint8_t> encode_offset_value(const OffsetRecordValue& value) {
  WireWriter w;
  w.write_int16(kOffsetValueVersion);
  w.write_int64(value.offset);
  w.write_int32(value.leader_epoch);
  w.write_string(value.metadata);
  w.write_int64(value.commit_timestamp_ms);
  return finish(w);
}

std::vector<uint8_t> encode_group_value(const GroupRecordValue& value) {
  WireWriter w;
  w.write_int16(kGroupValueVersion);
  w.write_string(value.protocol_type);
  w.write_int32(value.generation);
  w.write_nullable_string(value.protocol);
  w.write_nullable_string(value.leader);
  w.write_int64(value.current_state_timestamp_ms);
  w.write_array_length(static_cast<int32_t>(value.members.size()), /*compact=*/false);
  for (const GroupRecordMember& m : value.members) {
    w.write_string(m.member_id);
    w.write_nullable_string(m.group_instance_id);
    w.write_string(m.client_id);
    w.write_string(m.client_host);
    w.write_int32(m.rebalance_timeout_ms);
    w.write_int32(m.session_timeout_ms);
    w.write_bytes(m.subscription);
    w.write_bytes(m.assignment);
  }
  return finish(w);
}

Result<OffsetsTopicKey> decode_offsets_topic_key(std::span<const uint8_t> key) {
  WireReader r(key);
  OffsetsTopicKey k;
  const int16_t version = r.read_int16();
  if (!r.ok()) return parse_error("key", r);
  if (version == 0 || version == 1) {
    k.kind = OffsetsTopicKey::Kind::kOffset;
    k.group = r.read_string();
    k.topic = r.read_string();
    k.partition = r.read_int32();
    if (!r.ok() || r.remaining() != 0) return parse_error("offset commit key", r);
  } else if (version == 2) {
    k.kind = OffsetsTopicKey::Kind::kGroup;
    k.group = r.read_string();
    if (!r.ok() || r.remaining() != 0) return parse_error("group metadata key", r);
  }
  return k;
}

Result<OffsetRecordValue> decode_offset_value(std::span<const uint8_t> value) {
  WireReader r(value);
  OffsetRecordValue v;
  const int16_t version = r.read_int16();
  if (r.ok() && (version < 0 || version > kOffsetValueVersion)) {
    return Status::unsupported("__consumer_offsets offset commit value version " +
                               std::to_string(version));
  }
  v.offset = r.read_int64();
  if (version >= 3) v.leader_epoch = r.read_int32();
  v.metadata = r.read_string();
  v.commit_timestamp_ms = r.read_int64();
  if (version == 1) (void)r.read_int64();  // expire timestamp, unused
  if (!r.ok() || r.remaining() != 0) return parse_error("offset commit value", r);
  return v;
}

Result<GroupRecordValue> decode_group_value(std::span<const uint8_t> value) {
  WireReader r(value);
  GroupRecordValue v;
  const int16_t version = r.read_int16();
  if (r.ok() && (version < 0 || version > kGroupValueVersion)) {
    return Status::unsupported("__consumer_offsets group metadata value version " +
                               std::to_string(version));
  }
  v.protocol_type = r.read_string();
  v.generation = r.read_int32();
  v.protocol = r.read_nullable_string();
  v.leader = r.read_nullable_string();
  if (version >= 2) v.current_state_timestamp_ms = r.read_int64();
  // A member takes at least 2+2+2+4+4+4 bytes (empty strings and byte arrays, v0).
  const int32_t count = r.read_array_length(/*compact=*/false, /*nullable=*/false, 18);
  for (int32_t i = 0; r.ok() && i < count; ++i) {
    GroupRecordMember m;
    m.member_id = r.read_string();
    if (version >= 3) m.group_instance_id = r.read_nullable_string();
    m.client_id = r.read_string();
    m.client_host = r.read_string();
    if (version >= 1) m.rebalance_timeout_ms = r.read_int32();
    m.session_timeout_ms = r.read_int32();
    if (version < 1) m.rebalance_timeout_ms = m.session_timeout_ms;
    m.subscription = to_vector(r.read_bytes());
    m.assignment = to_vector(r.read_bytes());
    v.members.push_back(std::move(m));
  }
  if (!r.ok() || r.remaining() != 0) return parse_error("group metadata value", r);
  return v;
}

}  // namespace sluice::coord
