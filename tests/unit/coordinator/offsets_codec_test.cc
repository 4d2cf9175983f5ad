// Tests for the __consumer_offsets key/value codec against the byte layouts of
// docs/formats/consumer-offsets.md.
#include "broker-lite/coordinator/offsets_codec.h"

#include <gtest/gtest.h>

namespace sluice::coord {
namespace {

using Bytes = std::vector<uint8_t>;

TEST(OffsetsCodec, OffsetKeyMatchesDocumentedBytes) {
  const Bytes expected = {0x00, 0x01, 0x00, 0x01, 'g', 0x00, 0x01, 't', 0x00, 0x00, 0x00, 0x03};
  EXPECT_EQ(encode_offset_key("g", "t", 3), expected);
  Result<OffsetsTopicKey> k = decode_offsets_topic_key(expected);
  ASSERT_TRUE(k.is_ok()) << k.status().to_string();
  EXPECT_EQ(k->kind, OffsetsTopicKey::Kind::kOffset);
  EXPECT_EQ(k->group, "g");
  EXPECT_EQ(k->topic, "t");
  EXPECT_EQ(k->partition, 3);
}

TEST(OffsetsCodec, VersionZeroOffsetKeyIsRead) {
  const Bytes v0 = {0x00, 0x00, 0x00, 0x01, 'g', 0x00, 0x01, 't', 0x00, 0x00, 0x00, 0x07};
  Result<OffsetsTopicKey> k = decode_offsets_topic_key(v0);
  ASSERT_TRUE(k.is_ok());
  EXPECT_EQ(k->kind, OffsetsTopicKey::Kind::kOffset);
  EXPECT_EQ(k->partition, 7);
}

TEST(OffsetsCodec, GroupKeyRoundTripAndUnknownVersionsAreOther) {
  const Bytes key = encode_group_key("grp");
  EXPECT_EQ(key, (Bytes{0x00, 0x02, 0x00, 0x03, 'g', 'r', 'p'}));
  Result<OffsetsTopicKey> k = decode_offsets_topic_key(key);
  ASSERT_TRUE(k.is_ok());
  EXPECT_EQ(k->kind, OffsetsTopicKey::Kind::kGroup);
  EXPECT_EQ(k->group, "grp");
  Result<OffsetsTopicKey> other = decode_offsets_topic_key(Bytes{0x00, 0x05, 0x12, 0x34});
  ASSERT_TRUE(other.is_ok());
  EXPECT_EQ(other->kind, OffsetsTopicKey::Kind::kOther);
}

TEST(OffsetsCodec, OffsetValueMatchesDocumentedBytes) {
  OffsetRecordValue v;
  v.offset = 42;
  v.leader_epoch = -1;
  v.metadata = "";
  v.commit_timestamp_ms = 1000;
  const Bytes expected = {0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 0x2a, 0xff, 0xff,
                          0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0,    0x03, 0xe8};
  EXPECT_EQ(encode_offset_value(v), expected);
  Result<OffsetRecordValue> back = decode_offset_value(expected);
  ASSERT_TRUE(back.is_ok());
  EXPECT_EQ(*back, v);
}

TEST(OffsetsCodec, OlderOffsetValueVersionsAreRead) {
  // v1: offset, metadata, commit timestamp, expire timestamp.
  const Bytes v1 = {0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 9, 0x00, 0x02, 'm', 'd', 0,
                    0,    0,    0, 0, 0, 0, 5, 0, 0, 0, 0,    0,    0,   0,   6};
  Result<OffsetRecordValue> v = decode_offset_value(v1);
  ASSERT_TRUE(v.is_ok()) << v.status().to_string();
  EXPECT_EQ(v->offset, 9);
  EXPECT_EQ(v->leader_epoch, -1);
  EXPECT_EQ(v->metadata, "md");
  EXPECT_EQ(v->commit_timestamp_ms, 5);
}

TEST(OffsetsCodec, GroupValueRoundTrip) {
  GroupRecordValue g;
  g.protocol_type = "consumer";
  g.generation = 7;
  g.protocol = "range";
  g.leader = "m1";
  g.current_state_timestamp_ms = 123;
  GroupRecordMember m1{"m1", std::nullopt, "c1", "/127.0.0.1", 60000, 10000, {1, 2}, {3}};
  GroupRecordMember m2{"m2", std::string("inst-2"), "c2", "/127.0.0.1", 50000, 9000, {}, {4, 5}};
  g.members = {m1, m2};
  Result<GroupRecordValue> back = decode_group_value(encode_group_value(g));
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(*back, g);

  GroupRecordValue empty;
  empty.protocol_type = "consumer";
  empty.generation = 8;
  Result<GroupRecordValue> back_empty = decode_group_value(encode_group_value(empty));
  ASSERT_TRUE(back_empty.is_ok());
  EXPECT_EQ(*back_empty, empty);
  EXPECT_FALSE(back_empty->protocol.has_value());
}

TEST(OffsetsCodec, GroupValueVersionZeroUsesDefaults) {
  const Bytes v0 = {0x00, 0x00, 0x00, 0x01, 'c',  0,   0,    0,    2,   0x00,
                    0x01, 'r',  0x00, 0x01, 'm',  0,   0,    0,    1,      // one member
                    0x00, 0x01, 'm',  0x00, 0x01, 'c', 0x00, 0x00,         // id, client, host
                    0,    0,    0x27, 0x10,                                // session 10000
                    0,    0,    0,    0,    0,    0,   0,    1,    0xaa};  // subs, assignment
  Result<GroupRecordValue> v = decode_group_value(v0);
  ASSERT_TRUE(v.is_ok()) << v.status().to_string();
  EXPECT_EQ(v->generation, 2);
  EXPECT_EQ(v->current_state_timestamp_ms, -1);
  ASSERT_EQ(v->members.size(), 1u);
  EXPECT_EQ(v->members[0].session_timeout_ms, 10000);
  EXPECT_EQ(v->members[0].rebalance_timeout_ms, 10000);
  EXPECT_FALSE(v->members[0].group_instance_id.has_value());
  EXPECT_EQ(v->members[0].assignment, Bytes{0xaa});
}

TEST(OffsetsCodec, MalformedInputIsCorruption) {
  Bytes value = encode_offset_value(OffsetRecordValue{5, 1, "meta", 10});
  Bytes truncated(value.begin(), value.end() - 1);
  EXPECT_EQ(decode_offset_value(truncated).status().code(), StatusCode::kCorruption);
  Bytes trailing = value;
  trailing.push_back(0);
  EXPECT_EQ(decode_offset_value(trailing).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(decode_offsets_topic_key(Bytes{0x00}).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(decode_offsets_topic_key(Bytes{0x00, 0x01, 0x00, 0x05, 'a'}).status().code(),
            StatusCode::kCorruption);
  // A member count far larger than the bytes present is refused before allocating.
  const Bytes huge = {0x00, 0x03, 0x00, 0x00, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff,
                      0,    0,    0,    0,    0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff};
  EXPECT_EQ(decode_group_value(huge).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(decode_group_value(Bytes{0x00, 0x09}).status().code(), StatusCode::kUnsupported);
}

}  // namespace
}  // namespace sluice::coord
