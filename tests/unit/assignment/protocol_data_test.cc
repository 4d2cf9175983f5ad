// Tests for the group protocol's member metadata and assignment bytes: exact layout, round trips,
// canonical form, newer minor versions, and every way outside bytes can be malformed.
#include "runtime/assignment/protocol_data.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace sluice::assignment {
namespace {

std::vector<uint8_t> must_encode(const auto& value) {
  auto bytes = encode(value);
  EXPECT_TRUE(bytes.is_ok()) << bytes.status().to_string();
  return bytes.is_ok() ? *bytes : std::vector<uint8_t>{};
}

MemberMetadata sample_metadata() {
  MemberMetadata m;
  m.url = "http://127.0.0.1:8083";
  m.config_offset = 1234567890123;
  m.connectors = {"alpha", "beta"};
  m.tasks = {{"alpha", 0}, {"alpha", 2}, {"beta", 1}};
  return m;
}

Assignment sample_assignment() {
  Assignment a;
  a.error = kErrorNone;
  a.leader_id = "sluice-1-5f2c";
  a.leader_url = "http://127.0.0.1:8084";
  a.config_offset = 42;
  a.connectors = {"gamma"};
  a.tasks = {{"gamma", 0}, {"gamma", 1}, {"zeta", 7}};
  a.revoked_connectors = {"alpha"};
  a.revoked_tasks = {{"alpha", 3}};
  a.delay_ms = 299000;
  return a;
}

TEST(ProtocolDataTest, MemberMetadataHasTheDocumentedLayout) {
  MemberMetadata m;
  m.url = "u";
  m.config_offset = 5;
  m.connectors = {"c"};
  m.tasks = {{"c", 0}};
  std::vector<uint8_t> expected = {0, 1, 0, 0, 0, 1, 'u', 0, 0, 0, 0, 0, 0, 0, 5,  // header
                                   0, 0, 0, 1, 0, 1, 'c',                          // connectors
                                   0, 0, 0, 1, 0, 1, 'c', 0, 0, 0, 1, 0, 0, 0, 0};
  EXPECT_EQ(must_encode(m), expected);
  EXPECT_EQ(expected.size(), 37u);
}

TEST(ProtocolDataTest, MemberMetadataRoundTrips) {
  MemberMetadata m = sample_metadata();
  auto back = decode_member_metadata(must_encode(m));
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(*back, m);

  MemberMetadata empty;
  auto empty_back = decode_member_metadata(must_encode(empty));
  ASSERT_TRUE(empty_back.is_ok());
  EXPECT_EQ(*empty_back, empty);
}

TEST(ProtocolDataTest, AssignmentRoundTrips) {
  Assignment a = sample_assignment();
  auto back = decode_assignment(must_encode(a));
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(*back, a);

  Assignment mismatch;
  mismatch.error = kErrorConfigMismatch;
  mismatch.leader_id = "l";
  auto mismatch_back = decode_assignment(must_encode(mismatch));
  ASSERT_TRUE(mismatch_back.is_ok());
  EXPECT_EQ(*mismatch_back, mismatch);
}

TEST(ProtocolDataTest, EncodingIsCanonical) {
  MemberMetadata unsorted;
  unsorted.connectors = {"b", "a", "b"};
  unsorted.tasks = {{"b", 2}, {"a", 1}, {"b", 0}, {"b", 2}};
  MemberMetadata sorted;
  sorted.connectors = {"a", "b"};
  sorted.tasks = {{"a", 1}, {"b", 0}, {"b", 2}};
  EXPECT_EQ(must_encode(unsorted), must_encode(sorted));
  auto back = decode_member_metadata(must_encode(unsorted));
  ASSERT_TRUE(back.is_ok());
  EXPECT_EQ(*back, sorted);
}

TEST(ProtocolDataTest, EncoderRejectsWhatTheFormatCannotHold) {
  MemberMetadata long_url;
  long_url.url = std::string(40000, 'x');
  auto r1 = encode(long_url);
  ASSERT_FALSE(r1.is_ok());
  EXPECT_EQ(r1.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r1.status().message().find("url"), std::string_view::npos);

  MemberMetadata empty_name;
  empty_name.connectors = {""};
  EXPECT_FALSE(encode(empty_name).is_ok());

  Assignment negative_task;
  negative_task.tasks = {{"c", -1}};
  auto r2 = encode(negative_task);
  ASSERT_FALSE(r2.is_ok());
  EXPECT_NE(r2.status().message().find("c--1"), std::string_view::npos);

  Assignment negative_delay;
  negative_delay.delay_ms = -5;
  EXPECT_FALSE(encode(negative_delay).is_ok());
}

TEST(ProtocolDataTest, NewerMinorVersionWithTrailingFieldsIsAccepted) {
  Assignment a = sample_assignment();
  std::vector<uint8_t> bytes = must_encode(a);
  bytes[3] = 3;  // minor version 3
  bytes.insert(bytes.end(), {0xde, 0xad, 0xbe, 0xef, 0x00});
  auto back = decode_assignment(bytes);
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(*back, a);

  std::vector<uint8_t> meta = must_encode(sample_metadata());
  meta[3] = 1;
  meta.push_back(7);
  auto meta_back = decode_member_metadata(meta);
  ASSERT_TRUE(meta_back.is_ok()) << meta_back.status().to_string();
  EXPECT_EQ(*meta_back, sample_metadata());
}

TEST(ProtocolDataTest, TrailingBytesAtMinorZeroAreCorruption) {
  std::vector<uint8_t> bytes = must_encode(sample_metadata());
  bytes.push_back(0);
  auto r = decode_member_metadata(bytes);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("1 unexpected bytes"), std::string_view::npos);
}

TEST(ProtocolDataTest, UnknownMajorVersionIsUnsupported) {
  std::vector<uint8_t> bytes = must_encode(sample_assignment());
  bytes[1] = 2;
  auto r = decode_assignment(bytes);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(r.status().message().find("major version 2"), std::string_view::npos);

  bytes[1] = 1;
  bytes[2] = 0xff;  // minor version negative
  auto r2 = decode_assignment(bytes);
  ASSERT_FALSE(r2.is_ok());
  EXPECT_EQ(r2.status().code(), StatusCode::kCorruption);
}

TEST(ProtocolDataTest, EveryTruncationFailsWithAClearError) {
  std::vector<uint8_t> meta = must_encode(sample_metadata());
  for (size_t n = 0; n < meta.size(); ++n) {
    auto r = decode_member_metadata(std::span<const uint8_t>(meta.data(), n));
    ASSERT_FALSE(r.is_ok()) << "prefix of " << n << " bytes";
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    EXPECT_NE(r.status().message().find("member metadata"), std::string_view::npos);
    EXPECT_NE(r.status().message().find("at byte"), std::string_view::npos);
  }
  std::vector<uint8_t> asg = must_encode(sample_assignment());
  for (size_t n = 0; n < asg.size(); ++n) {
    auto r = decode_assignment(std::span<const uint8_t>(asg.data(), n));
    ASSERT_FALSE(r.is_ok()) << "prefix of " << n << " bytes";
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  }
  auto last = decode_assignment(std::span<const uint8_t>(asg.data(), asg.size() - 1));
  EXPECT_NE(last.status().message().find("delay ms"), std::string_view::npos)
      << last.status().to_string();
}

TEST(ProtocolDataTest, HugeCountsAreRejectedBeforeAllocating) {
  // Header of a member metadata, then a connector count of 2^31-1 with no elements.
  std::vector<uint8_t> bytes = {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff};
  auto r = decode_member_metadata(bytes);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("claims 2147483647 elements"), std::string_view::npos)
      << r.status().to_string();

  std::vector<uint8_t> negative = {0, 1, 0, 0, 0, 0,    0,    0,    0,
                                   0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};
  auto r2 = decode_member_metadata(negative);
  ASSERT_FALSE(r2.is_ok());
  EXPECT_NE(r2.status().message().find("negative count"), std::string_view::npos);

  std::vector<uint8_t> negative_string = {0, 1, 0, 0, 0xff, 0xfe};
  auto r3 = decode_member_metadata(negative_string);
  ASSERT_FALSE(r3.is_ok());
  EXPECT_NE(r3.status().message().find("url at byte 4 has the negative length -2"),
            std::string_view::npos)
      << r3.status().to_string();
}

TEST(ProtocolDataTest, SemanticallyInvalidFieldsAreRejected) {
  // Connector with an empty name.
  std::vector<uint8_t> empty_name = {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                     0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  auto r = decode_member_metadata(empty_name);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("empty connector name"), std::string_view::npos);

  // Negative task index.
  MemberMetadata m;
  m.tasks = {{"c", 5}};
  std::vector<uint8_t> bytes = must_encode(m);
  bytes[bytes.size() - 4] = 0x80;
  auto r2 = decode_member_metadata(bytes);
  ASSERT_FALSE(r2.is_ok());
  EXPECT_NE(r2.status().message().find("negative task index"), std::string_view::npos);

  // Negative delay.
  std::vector<uint8_t> asg = must_encode(sample_assignment());
  asg[asg.size() - 4] = 0xff;
  auto r3 = decode_assignment(asg);
  ASSERT_FALSE(r3.is_ok());
  EXPECT_NE(r3.status().message().find("delay ms"), std::string_view::npos);
}

TEST(ProtocolDataTest, RepeatsInReceivedBytesAreDropped) {
  // Two task groups for the same connector, one index listed twice.
  std::vector<uint8_t> bytes = {0, 1, 0,   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // no conns
                                0, 0, 0,   2,                                            // 2 groups
                                0, 1, 'c', 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1,           //
                                0, 1, 'c', 0, 0, 0, 1, 0, 0, 0, 0};
  auto r = decode_member_metadata(bytes);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->tasks, (std::vector<TaskId>{{"c", 0}, {"c", 1}}));
}

// Random corruption of valid messages must never crash; whatever decodes must re-encode.
TEST(ProtocolDataTest, RandomMutationsNeverCrash) {
  std::mt19937 rng(20240611);
  std::vector<std::vector<uint8_t>> seeds = {must_encode(sample_metadata()),
                                             must_encode(sample_assignment())};
  int decoded = 0;
  for (int round = 0; round < 5000; ++round) {
    std::vector<uint8_t> bytes = seeds[round % 2];
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) bytes[rng() % bytes.size()] = static_cast<uint8_t>(rng());
    if (rng() % 4 == 0) bytes.resize(rng() % (bytes.size() + 1));
    auto meta = decode_member_metadata(bytes);
    auto asg = decode_assignment(bytes);
    if (meta.is_ok()) {
      ++decoded;
      EXPECT_TRUE(encode(*meta).is_ok());
    }
    if (asg.is_ok()) {
      ++decoded;
      EXPECT_TRUE(encode(*asg).is_ok());
    }
  }
  EXPECT_GT(decoded, 0);
}

TEST(ProtocolDataTest, TaskNamesFollowConnectsConvention) {
  EXPECT_EQ(to_string(TaskId{"my-conn", 3}), "my-conn-3");
}

}  // namespace
}  // namespace sluice::assignment
