// OffsetFetch's null Topics ("every committed offset of the group") in the generated codec, byte
// by byte: not expressible before v2 (a -1 count is malformed at v0/v1), a classic -1 count at
// v2-v5, a compact 0 at v6-v7, and inside each entry of the Groups array from v8. Also the body
// librdkafka 2.0.2 sends for rd_kafka_ListConsumerGroupOffsets without partitions (captured at
// v7 from a loopback proxy): it decodes as null Topics with three bytes left over, which the
// server ignores as Kafka does (tests/unit/server/offset_fetch_test.cc).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "broker-lite/protocol/messages.h"
#include "broker-lite/protocol/request_header.h"

namespace sluice::kafka {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// "g1" as a classic (int16 length) or compact (length + 1) string.
const Bytes kGroupClassic = {0x00, 0x02, 'g', '1'};
const Bytes kGroupCompact = {0x03, 'g', '1'};

// Decodes `body` at `version`; returns the status and leaves the unread byte count in `left`.
Status decode(const Bytes& body, int16_t version, OffsetFetchRequest& out, size_t& left) {
  WireReader r(body);
  Status s = out.decode(r, version);
  left = r.remaining();
  return s;
}

TEST(OffsetFetchCodec, NullTopicsIsMalformedBeforeV2) {
  const Bytes body = cat({kGroupClassic, {0xff, 0xff, 0xff, 0xff}});
  for (int16_t v : {0, 1}) {
    OffsetFetchRequest req;
    size_t left = 0;
    Status s = decode(body, v, req, left);
    EXPECT_FALSE(s.is_ok()) << "v" << v;
    EXPECT_NE(s.to_string().find("topics"), std::string::npos) << s.to_string();
  }
  // An empty list is the closest v0/v1 come: it decodes, and is not null.
  OffsetFetchRequest req;
  size_t left = 1;
  ASSERT_TRUE(decode(cat({kGroupClassic, {0, 0, 0, 0}}), 1, req, left).is_ok());
  EXPECT_EQ(left, 0u);
  ASSERT_TRUE(req.topics.has_value());
  EXPECT_TRUE(req.topics->empty());
}

TEST(OffsetFetchCodec, ClassicNullTopicsFromV2ToV5) {
  for (int16_t v = 2; v <= 5; ++v) {
    const Bytes body = cat({kGroupClassic, {0xff, 0xff, 0xff, 0xff}});
    OffsetFetchRequest req;
    size_t left = 1;
    Status s = decode(body, v, req, left);
    ASSERT_TRUE(s.is_ok()) << "v" << v << ": " << s.to_string();
    EXPECT_EQ(left, 0u);
    EXPECT_EQ(req.group_id, "g1");
    EXPECT_FALSE(req.topics.has_value()) << "v" << v;
    // And the encoder writes exactly those bytes back.
    WireWriter w;
    req.encode(w, v);
    EXPECT_EQ(w.flatten(), body) << "v" << v;
  }
}

TEST(OffsetFetchCodec, CompactNullTopicsAtV6AndV7) {
  for (int16_t v : {6, 7}) {
    // Topics compact null (0), RequireStable (v7), no tagged fields.
    Bytes body = cat({kGroupCompact, {0x00}});
    if (v == 7) body.push_back(0x01);
    body.push_back(0x00);
    OffsetFetchRequest req;
    size_t left = 1;
    Status s = decode(body, v, req, left);
    ASSERT_TRUE(s.is_ok()) << "v" << v << ": " << s.to_string();
    EXPECT_EQ(left, 0u);
    EXPECT_FALSE(req.topics.has_value());
    EXPECT_EQ(req.require_stable, v == 7);
    WireWriter w;
    req.encode(w, v);
    EXPECT_EQ(w.flatten(), body) << "v" << v;
  }
}

TEST(OffsetFetchCodec, V8GroupsWithNullAndListedTopics) {
  // Two groups: "g1" with null topics, "g2" with topic "t" partitions [0, 2]; RequireStable
  // false; no tagged fields anywhere.
  const Bytes body = {0x03,                                            // groups: 2
                      0x03, 'g',  '1',  0x00, 0x00,                    // g1, topics null, tags
                      0x03, 'g',  '2',  0x02,                          // g2, topics: 1
                      0x02, 't',  0x03, 0,    0,    0, 0, 0, 0, 0, 2,  // "t", partitions [0, 2]
                      0x00, 0x00,                                      // topic tags, group tags
                      0x00, 0x00};                                     // require_stable, tags
  OffsetFetchRequest req;
  size_t left = 1;
  Status s = decode(body, 8, req, left);
  ASSERT_TRUE(s.is_ok()) << s.to_string();
  EXPECT_EQ(left, 0u);
  ASSERT_EQ(req.groups.size(), 2u);
  EXPECT_EQ(req.groups[0].group_id, "g1");
  EXPECT_FALSE(req.groups[0].topics.has_value());
  EXPECT_EQ(req.groups[1].group_id, "g2");
  ASSERT_TRUE(req.groups[1].topics.has_value());
  ASSERT_EQ(req.groups[1].topics->size(), 1u);
  EXPECT_EQ((*req.groups[1].topics)[0].name, "t");
  EXPECT_EQ((*req.groups[1].topics)[0].partition_indexes, (std::vector<int32_t>{0, 2}));
  WireWriter w;
  req.encode(w, 8);
  EXPECT_EQ(w.flatten(), body);
}

TEST(OffsetFetchCodec, Librdkafka202AllOffsetsFrameLeavesThreeBytesUnread) {
  // The whole v7 frame librdkafka 2.0.2 sent (size prefix removed): header v2 with client id
  // "rdkafka", then group "g1" and six zero bytes where a valid body has three.
  const Bytes frame = {0x00, 0x09, 0x00, 0x07, 0x00, 0x00, 0x00, 0x05, 0x00,
                       0x07, 'r',  'd',  'k',  'a',  'f',  'k',  'a',  0x00,
                       0x03, 'g',  '1',  0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  WireReader r(frame);
  RequestHeader h;
  ASSERT_TRUE(decode_request_header(r, h).is_ok());
  EXPECT_EQ(h.request_api_key, OffsetFetchRequest::kApiKey);
  EXPECT_EQ(h.request_api_version, 7);
  EXPECT_EQ(h.client_id, std::optional<std::string>("rdkafka"));
  OffsetFetchRequest req;
  ASSERT_TRUE(req.decode(r, 7).is_ok());
  EXPECT_EQ(req.group_id, "g1");
  EXPECT_FALSE(req.topics.has_value());  // the first zero of the 4-byte count: compact null
  EXPECT_EQ(r.remaining(), 3u);
}

}  // namespace
}  // namespace sluice::kafka
