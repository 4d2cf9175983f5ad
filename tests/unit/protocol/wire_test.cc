// Tests for WireReader / WireWriter: round trips at the edges of every primitive, hand-written
// byte vectors for compact and classic forms, and malformed inputs that must fail cleanly.
#include "broker-lite/protocol/wire.h"

#include <gtest/gtest.h>

#include <stdlib.h>
#include <unistd.h>

#include <cmath>
#include <limits>
#include <memory>

namespace sluice::kafka {
namespace {

using Bytes = std::vector<uint8_t>;

TEST(WireTest, FixedWidthIntegersAreBigEndian) {
  WireWriter w;
  w.write_int8(-2);
  w.write_int16(0x0102);
  w.write_int32(-2);
  w.write_int64(0x0102030405060708);
  w.write_uint16(0xFFFE);
  w.write_uint32(0x80000001u);
  w.write_bool(true);
  w.write_bool(false);
  Bytes expected = {0xFE, 0x01, 0x02, 0xFF, 0xFF, 0xFF, 0xFE, 0x01, 0x02, 0x03, 0x04, 0x05,
                    0x06, 0x07, 0x08, 0xFF, 0xFE, 0x80, 0x00, 0x00, 0x01, 0x01, 0x00};
  ASSERT_EQ(w.flatten(), expected);

  WireReader r(expected);
  EXPECT_EQ(r.read_int8(), -2);
  EXPECT_EQ(r.read_int16(), 0x0102);
  EXPECT_EQ(r.read_int32(), -2);
  EXPECT_EQ(r.read_int64(), 0x0102030405060708);
  EXPECT_EQ(r.read_uint16(), 0xFFFE);
  EXPECT_EQ(r.read_uint32(), 0x80000001u);
  EXPECT_TRUE(r.read_bool());
  EXPECT_FALSE(r.read_bool());
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(WireTest, IntegerExtremesRoundTrip) {
  WireWriter w;
  w.write_int16(std::numeric_limits<int16_t>::min());
  w.write_int32(std::numeric_limits<int32_t>::min());
  w.write_int64(std::numeric_limits<int64_t>::min());
  w.write_int64(std::numeric_limits<int64_t>::max());
  Bytes b = w.flatten();
  WireReader r(b);
  EXPECT_EQ(r.read_int16(), std::numeric_limits<int16_t>::min());
  EXPECT_EQ(r.read_int32(), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(r.read_int64(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(r.read_int64(), std::numeric_limits<int64_t>::max());
  EXPECT_TRUE(r.ok());
}

TEST(WireTest, Float64IsBigEndianIeee) {
  WireWriter w;
  w.write_float64(1.0);
  w.write_float64(-0.5);
  w.write_float64(std::numeric_limits<double>::infinity());
  Bytes b = w.flatten();
  Bytes one = {0x3F, 0xF0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(Bytes(b.begin(), b.begin() + 8), one);
  WireReader r(b);
  EXPECT_EQ(r.read_float64(), 1.0);
  EXPECT_EQ(r.read_float64(), -0.5);
  EXPECT_TRUE(std::isinf(r.read_float64()));
}

TEST(WireTest, UnsignedVarintBoundaries) {
  struct Case {
    uint32_t value;
    Bytes bytes;
  };
  const Case cases[] = {
      {0, {0x00}},
      {1, {0x01}},
      {127, {0x7F}},
      {128, {0x80, 0x01}},
      {300, {0xAC, 0x02}},
      {16383, {0xFF, 0x7F}},
      {16384, {0x80, 0x80, 0x01}},
      {0x0FFFFFFF, {0xFF, 0xFF, 0xFF, 0x7F}},
      {0x10000000, {0x80, 0x80, 0x80, 0x80, 0x01}},
      {0xFFFFFFFF, {0xFF, 0xFF, 0xFF, 0xFF, 0x0F}},
  };
  for (const Case& c : cases) {
    WireWriter w;
    w.write_unsigned_varint(c.value);
    EXPECT_EQ(w.flatten(), c.bytes) << c.value;
    WireReader r(c.bytes);
    EXPECT_EQ(r.read_unsigned_varint(), c.value);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.remaining(), 0u);
  }
}

TEST(WireTest, ZigzagVarintsAndVarlongs) {
  const int32_t ints[] = {0,
                          -1,
                          1,
                          -64,
                          63,
                          64,
                          -65,
                          std::numeric_limits<int32_t>::max(),
                          std::numeric_limits<int32_t>::min()};
  for (int32_t v : ints) {
    WireWriter w;
    w.write_varint(v);
    Bytes b = w.flatten();
    WireReader r(b);
    EXPECT_EQ(r.read_varint(), v);
    EXPECT_TRUE(r.ok());
  }
  // -1 zigzags to 1, 63 to 126, -65 to 129 (two bytes).
  WireWriter w;
  w.write_varint(-1);
  w.write_varint(63);
  w.write_varint(-65);
  EXPECT_EQ(w.flatten(), (Bytes{0x01, 0x7E, 0x81, 0x01}));

  const int64_t longs[] = {
      0,        -1, 1, std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(),
      1LL << 40};
  for (int64_t v : longs) {
    WireWriter lw;
    lw.write_varlong(v);
    Bytes b = lw.flatten();
    WireReader r(b);
    EXPECT_EQ(r.read_varlong(), v);
    EXPECT_TRUE(r.ok());
  }
  WireWriter mw;
  mw.write_varlong(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(mw.flatten(), (Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}));
}

TEST(WireTest, MalformedVarintsFail) {
  Bytes too_long = {0x80, 0x80, 0x80, 0x80, 0x80, 0x01};  // six bytes for a 32-bit varint
  WireReader r1(too_long);
  r1.read_unsigned_varint();
  EXPECT_FALSE(r1.ok());

  Bytes overflow = {0xFF, 0xFF, 0xFF, 0xFF, 0x1F};  // 5th byte sets bits above 32
  WireReader r2(overflow);
  r2.read_unsigned_varint();
  EXPECT_FALSE(r2.ok());

  Bytes truncated = {0x80, 0x80};
  WireReader r3(truncated);
  r3.read_varint();
  EXPECT_FALSE(r3.ok());

  Bytes long_varlong(11, 0x80);
  WireReader r4(long_varlong);
  r4.read_varlong();
  EXPECT_FALSE(r4.ok());
}

TEST(WireTest, ClassicAndCompactStrings) {
  WireWriter w;
  w.write_string("ab");
  w.write_compact_string("ab");
  w.write_nullable_string(std::nullopt);
  w.write_compact_nullable_string(std::nullopt);
  w.write_compact_nullable_string(std::string());
  EXPECT_EQ(w.flatten(), (Bytes{0x00, 0x02, 'a', 'b', 0x03, 'a', 'b', 0xFF, 0xFF, 0x00, 0x01}));

  Bytes b = w.flatten();
  WireReader r(b);
  EXPECT_EQ(r.read_string(), "ab");
  EXPECT_EQ(r.read_compact_string(), "ab");
  EXPECT_EQ(r.read_nullable_string(), std::nullopt);
  EXPECT_EQ(r.read_compact_nullable_string(), std::nullopt);
  EXPECT_EQ(r.read_compact_nullable_string(), std::optional<std::string>(""));
  EXPECT_TRUE(r.ok());
}

TEST(WireTest, CompactNullableStringGolden) {
  // "kafka" as COMPACT_NULLABLE_STRING: varint 6 (length + 1), then the bytes; null is 0x00.
  Bytes golden = {0x06, 'k', 'a', 'f', 'k', 'a', 0x00};
  WireReader r(golden);
  EXPECT_EQ(r.read_compact_nullable_string(), std::optional<std::string>("kafka"));
  EXPECT_EQ(r.read_compact_nullable_string(), std::nullopt);
  EXPECT_TRUE(r.ok());
  WireWriter w;
  w.write_compact_nullable_string(std::string("kafka"));
  w.write_compact_nullable_string(std::nullopt);
  EXPECT_EQ(w.flatten(), golden);
}

TEST(WireTest, NullInNonNullableFieldsFails) {
  Bytes null_string = {0xFF, 0xFF};
  WireReader r1(null_string);
  r1.read_string();
  EXPECT_FALSE(r1.ok());

  Bytes null_compact = {0x00};
  WireReader r2(null_compact);
  r2.read_compact_bytes();
  EXPECT_FALSE(r2.ok());

  Bytes null_array = {0xFF, 0xFF, 0xFF, 0xFF};
  WireReader r3(null_array);
  EXPECT_EQ(r3.read_array_length(false, false), 0);
  EXPECT_FALSE(r3.ok());
  WireReader r4(null_array);
  EXPECT_EQ(r4.read_array_length(false, true), -1);
  EXPECT_TRUE(r4.ok());
}

TEST(WireTest, LengthsBeyondTheInputFail) {
  Bytes long_string = {0x00, 0x05, 'a', 'b'};
  WireReader r1(long_string);
  r1.read_string();
  EXPECT_FALSE(r1.ok());
  EXPECT_NE(r1.error().find("exceeds"), std::string::npos);

  Bytes negative = {0xFF, 0xFE};
  WireReader r2(negative);
  r2.read_nullable_string();
  EXPECT_FALSE(r2.ok());

  Bytes huge_bytes = {0x7F, 0xFF, 0xFF, 0xFF, 0x00};
  WireReader r3(huge_bytes);
  r3.read_bytes();
  EXPECT_FALSE(r3.ok());

  // A count of 2^31-1 elements with 4 bytes left must fail before anyone reserves memory.
  Bytes huge_array = {0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0};
  WireReader r4(huge_array);
  EXPECT_EQ(r4.read_array_length(false, false), 0);
  EXPECT_FALSE(r4.ok());

  // Two int32 elements need 8 bytes; only 4 remain.
  Bytes short_array = {0x03, 0, 0, 0, 1};
  WireReader r5(short_array);
  r5.read_array_length(true, false, 4);
  EXPECT_FALSE(r5.ok());
}

TEST(WireTest, ErrorsAreStickyAndNeverReadPastTheEnd) {
  Bytes b = {0x01, 0x02, 0x03};
  WireReader r(b);
  EXPECT_EQ(r.read_int32(), 0);
  EXPECT_FALSE(r.ok());
  std::string first = r.error();
  EXPECT_EQ(r.read_int8(), 0);
  EXPECT_EQ(r.read_string(), "");
  EXPECT_EQ(r.error(), first);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(WireTest, UuidAndBytesRoundTrip) {
  Uuid u{};
  for (size_t i = 0; i < u.size(); ++i) u[i] = static_cast<uint8_t>(i * 17);
  Bytes payload = {9, 8, 7};
  WireWriter w;
  w.write_uuid(u);
  w.write_bytes(payload);
  w.write_compact_bytes(payload);
  w.write_nullable_bytes(std::nullopt, true);
  Bytes b = w.flatten();
  ASSERT_EQ(b.size(), 16u + 4 + 3 + 1 + 3 + 1);
  WireReader r(b);
  EXPECT_EQ(r.read_uuid(), u);
  auto s1 = r.read_bytes();
  EXPECT_EQ(Bytes(s1.begin(), s1.end()), payload);
  EXPECT_EQ(s1.data(), b.data() + 20);  // a view into the input, not a copy
  auto s2 = r.read_compact_bytes();
  EXPECT_EQ(Bytes(s2.begin(), s2.end()), payload);
  EXPECT_EQ(r.read_compact_nullable_bytes(), std::nullopt);
  EXPECT_TRUE(r.ok());
}

TEST(WireTest, TaggedFieldSectionIsSkipped) {
  // Two tagged fields: tag 0 with 2 bytes, tag 5 with 0 bytes; then an int8.
  Bytes b = {0x02, 0x00, 0x02, 0xAA, 0xBB, 0x05, 0x00, 0x07};
  WireReader r(b);
  r.skip_tagged_fields();
  EXPECT_EQ(r.read_int8(), 7);
  EXPECT_TRUE(r.ok());

  Bytes truncated = {0x01, 0x00, 0x05, 0xAA};
  WireReader t(truncated);
  t.skip_tagged_fields();
  EXPECT_FALSE(t.ok());
}

TEST(WireTest, SubReaderIsBounded) {
  Bytes b = {1, 2, 3, 4, 5};
  WireReader r(b);
  WireReader sub = r.sub_reader(2);
  EXPECT_EQ(sub.read_int16(), 0x0102);
  sub.read_int8();
  EXPECT_FALSE(sub.ok());
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.read_int8(), 3);
  WireReader bad = r.sub_reader(10);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(bad.remaining(), 0u);
}

TEST(WireTest, ExternalRangesAreReferencedWhenLarge) {
  auto big = std::make_shared<Bytes>(WireWriter::kCopyThreshold + 10, 0x5A);
  Bytes small = {1, 2, 3};
  WireWriter w;
  size_t size_at = w.reserve_int32();
  w.write_int8(1);
  w.append_external(*big, big);
  w.append_external(small, nullptr);
  w.write_int8(2);
  w.patch_int32(size_at, static_cast<int32_t>(w.size() - 4));

  EXPECT_EQ(w.size(), 4u + 1 + big->size() + 3 + 1);
  std::vector<std::span<const uint8_t>> pieces;
  w.gather(pieces);
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_EQ(pieces[1].data(), big->data());  // referenced, not copied
  Bytes flat = w.flatten();
  ASSERT_EQ(flat.size(), w.size());
  WireReader r(flat);
  EXPECT_EQ(r.read_int32(), static_cast<int32_t>(w.size() - 4));
  EXPECT_EQ(flat[4], 1);
  EXPECT_EQ(flat[5], 0x5A);
  EXPECT_EQ(flat[flat.size() - 1], 2);
  EXPECT_EQ(flat[flat.size() - 2], 3);

  // Without a keep-alive, even large ranges are copied.
  WireWriter c;
  c.append_external(*big, nullptr);
  pieces.clear();
  c.gather(pieces);
  ASSERT_EQ(pieces.size(), 1u);
  EXPECT_NE(pieces[0].data(), big->data());
}

TEST(WireTest, AppendWriterKeepsExternalParts) {
  auto big = std::make_shared<Bytes>(WireWriter::kCopyThreshold, 0x11);
  WireWriter inner;
  inner.write_int8(7);
  inner.append_external(*big, big);
  WireWriter outer;
  outer.write_int8(6);
  outer.append_writer(inner);
  std::vector<std::span<const uint8_t>> pieces;
  outer.gather(pieces);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[1].data(), big->data());
  EXPECT_EQ(outer.size(), 2 + big->size());
}

TEST(WireTest, OversizedClassicStringIsAWriterError) {
  WireWriter w;
  w.write_string(std::string(40000, 'x'));
  EXPECT_FALSE(w.ok());
  WireWriter c;
  c.write_compact_string(std::string(40000, 'x'));
  EXPECT_TRUE(c.ok());
  EXPECT_EQ(c.size(), 3u + 40000);
}

TEST(WireTest, RecordsNullAndPresent) {
  Bytes data = {1, 2, 3, 4};
  RecordsRef rec;
  rec.data = data.data();
  rec.size = data.size();
  rec.is_null = false;
  WireWriter w;
  w.write_records(RecordsRef{}, false);
  w.write_records(rec, true);
  Bytes b = w.flatten();
  EXPECT_EQ(b, (Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0x05, 1, 2, 3, 4}));
  WireReader r(b);
  EXPECT_TRUE(r.read_records(false).is_null);
  RecordsRef back = r.read_records(true);
  EXPECT_FALSE(back.is_null);
  EXPECT_EQ(back.size, 4u);
  EXPECT_EQ(back.data, b.data() + 5);
}

}  // namespace
}  // namespace sluice::kafka

// File regions (zero-copy fetch): they count in size(), appear as file parts in gather_parts(),
// make gather() refuse, and flatten() reads them back.
TEST(WireWriterFileRegion, PartsAndFlatten) {
  using sluice::kafka::RecordsRef;
  using sluice::kafka::WireWriter;
  char path[] = "/tmp/sluice-wire-test-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  const std::string content = "0123456789abcdefghij";
  ASSERT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
  WireWriter w;
  w.write_int8(7);
  RecordsRef r;
  r.is_null = false;
  r.size = 5;
  r.file_fd = fd;
  r.file_offset = 10;
  r.keep_alive = std::make_shared<int>(0);
  w.write_records(r);
  w.write_int8(9);
  EXPECT_EQ(w.size(), 1u + 4u + 5u + 1u);
  EXPECT_TRUE(w.has_file_regions());
  std::vector<std::span<const uint8_t>> spans;
  EXPECT_FALSE(w.gather(spans));
  std::vector<WireWriter::OutputPart> parts;
  w.gather_parts(parts);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[1].fd, fd);
  EXPECT_EQ(parts[1].file_offset, 10u);
  EXPECT_EQ(parts[1].file_size, 5u);
  std::vector<uint8_t> flat = w.flatten();
  ASSERT_EQ(flat.size(), 11u);
  EXPECT_EQ(flat[0], 7);
  EXPECT_EQ(std::string(flat.begin() + 5, flat.begin() + 10), "abcde");
  EXPECT_EQ(flat[10], 9);
  ::close(fd);
  ::unlink(path);
}
