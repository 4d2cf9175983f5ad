// JsonWriter: Java-compatible number layout, escaping and separators (worker-storage.md §0).
#include "runtime/data/json_writer.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "runtime/data/base64.h"

namespace sluice::data {
namespace {

std::string dbl(double v) {
  std::string out;
  JsonWriter(&out).float64(v);
  return out;
}

std::string flt(float v) {
  std::string out;
  JsonWriter(&out).float32(v);
  return out;
}

TEST(JsonWriterTest, DoubleLayoutMatchesJavaDoubleToString) {
  const std::pair<double, const char*> cases[] = {
      {1.0, "1.0"},
      {0.0, "0.0"},
      {-0.0, "-0.0"},
      {0.001, "0.001"},
      {0.0001, "1.0E-4"},
      {1.0e7, "1.0E7"},
      {9999999.0, "9999999.0"},
      {1234567.5, "1234567.5"},
      {1.2345e-5, "1.2345E-5"},
      {-3.0e10, "-3.0E10"},
      {0.1, "0.1"},
      {100.0, "100.0"},
      {123.456, "123.456"},
      {-0.5, "-0.5"},
      {1.0e21, "1.0E21"},
      {1.0e-300, "1.0E-300"},
      {std::numeric_limits<double>::max(), "1.7976931348623157E308"},
      {std::numeric_limits<double>::denorm_min(), "4.9E-324"},
      {0.30000000000000004, "0.30000000000000004"},
      {12345678.9, "1.23456789E7"},
  };
  for (const auto& [v, want] : cases) EXPECT_EQ(dbl(v), want) << v;
}

TEST(JsonWriterTest, FloatUsesShortestFloatDigits) {
  EXPECT_EQ(flt(0.1f), "0.1");
  EXPECT_EQ(flt(1.0f), "1.0");
  EXPECT_EQ(flt(3.4028235e38f), "3.4028235E38");
  EXPECT_EQ(flt(1.0e-5f), "1.0E-5");
  EXPECT_EQ(flt(-2.5f), "-2.5");
  EXPECT_EQ(flt(1.0e7f), "1.0E7");
}

TEST(JsonWriterTest, NonFiniteNumbersAreStrings) {
  EXPECT_EQ(dbl(std::nan("")), "\"NaN\"");
  EXPECT_EQ(dbl(std::numeric_limits<double>::infinity()), "\"Infinity\"");
  EXPECT_EQ(dbl(-std::numeric_limits<double>::infinity()), "\"-Infinity\"");
  EXPECT_EQ(flt(std::numeric_limits<float>::quiet_NaN()), "\"NaN\"");
  std::string raw;
  append_java_double(std::nan(""), &raw);
  EXPECT_EQ(raw, "NaN");
}

TEST(JsonWriterTest, Integers) {
  std::string out;
  JsonWriter w(&out);
  w.begin_array();
  w.int64(0);
  w.int64(-42);
  w.int64(std::numeric_limits<int64_t>::min());
  w.int64(std::numeric_limits<int64_t>::max());
  w.end_array();
  EXPECT_EQ(out, "[0,-42,-9223372036854775808,9223372036854775807]");
}

TEST(JsonWriterTest, StringEscaping) {
  std::string out;
  JsonWriter(&out).string(std::string_view("q\"b\\s/\b\t\n\f\r\x01\x1f\x7f\xc3\xa9", 16));
  EXPECT_EQ(out, "\"q\\\"b\\\\s/\\b\\t\\n\\f\\r\\u0001\\u001F\x7f\xc3\xa9\"");
}

TEST(JsonWriterTest, SeparatorsInNestedStructures) {
  std::string out = "prefix:";
  JsonWriter w(&out);
  w.begin_object();
  w.key("a");
  w.begin_array();
  w.begin_object();
  w.end_object();
  w.null();
  w.boolean(true);
  w.end_array();
  w.key("b");
  w.raw("{\"x\":1}");
  w.key("c");
  const uint8_t bytes[] = {0x04, 0xD2};
  w.base64(bytes);
  w.end_object();
  EXPECT_EQ(out, "prefix:{\"a\":[{},null,true],\"b\":{\"x\":1},\"c\":\"BNI=\"}");
}

TEST(Base64Test, RoundTripAndStrictness) {
  for (std::string_view in : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    std::string enc;
    base64_encode({reinterpret_cast<const uint8_t*>(in.data()), in.size()}, &enc);
    std::string dec;
    ASSERT_TRUE(base64_decode(enc, &dec)) << enc;
    EXPECT_EQ(dec, in);
  }
  std::string enc;
  const uint8_t fb[] = {0xFB};
  base64_encode(fb, &enc);
  EXPECT_EQ(enc, "+w==");
  std::string dec;
  EXPECT_FALSE(base64_decode("abc", &dec));
  EXPECT_FALSE(base64_decode("ab=c", &dec));
  EXPECT_FALSE(base64_decode("a*cd", &dec));
  EXPECT_FALSE(base64_decode("ab==abcd", &dec));
}

}  // namespace
}  // namespace sluice::data
