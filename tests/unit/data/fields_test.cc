// OwnedFields: ownership across copy/move, sorted canonical JSON, parsing back.
#include "runtime/data/fields.h"

#include <cstring>

#include <gtest/gtest.h>

namespace sluice::data {
namespace {

sluice_field str_field(const char* name, const char* value) {
  sluice_field f{};
  f.name = {name, std::strlen(name)};
  f.type = SLUICE_FIELD_STRING;
  f.v.s = {value, std::strlen(value)};
  return f;
}

sluice_field int_field(const char* name, int64_t v) {
  sluice_field f{};
  f.name = {name, std::strlen(name)};
  f.type = SLUICE_FIELD_INT64;
  f.v.i = v;
  return f;
}

TEST(OwnedFieldsTest, CopyOwnsItsStrings) {
  std::string name = "filename";
  std::string value = "data/in.txt";
  sluice_field f[2] = {str_field(name.c_str(), value.c_str()), int_field("a", 7)};
  OwnedFields owned = OwnedFields::copy_of(f, 2);
  name.assign("XXXXXXXX");
  value.assign("YYYYYYYYYYY");
  ASSERT_EQ(owned.size(), 2u);
  EXPECT_EQ(std::string_view(owned.data()[0].name.ptr, owned.data()[0].name.len), "filename");
  EXPECT_EQ(owned.to_json(), "{\"a\":7,\"filename\":\"data/in.txt\"}");
}

TEST(OwnedFieldsTest, CopyAndMoveRepointViews) {
  sluice_field f[1] = {str_field("k", "v")};  // short strings: exercise the small-string buffer
  OwnedFields a = OwnedFields::copy_of(f, 1);
  OwnedFields b = a;
  EXPECT_NE(b.data()[0].name.ptr, a.data()[0].name.ptr);
  OwnedFields c = std::move(a);
  EXPECT_TRUE(a.empty());
  std::vector<OwnedFields> many;
  for (int i = 0; i < 50; ++i) many.push_back(c);  // reallocations move the elements
  for (const OwnedFields& m : many) EXPECT_EQ(m.to_json(), "{\"k\":\"v\"}");
  OwnedFields d;
  d = std::move(many.back());
  EXPECT_EQ(d.to_json(), "{\"k\":\"v\"}");
  d = b;
  EXPECT_TRUE(d == b);
  EXPECT_TRUE(d.equals(f, 1));
}

TEST(OwnedFieldsTest, SortsByNameBytewiseAndWritesAllTypes) {
  sluice_field f[6] = {int_field("position", 4096), str_field("B", "x"), int_field("a", -1)};
  f[3].name = {"\xc3\xa9", 2};
  f[3].type = SLUICE_FIELD_NULL;
  f[4].name = {"flag", 4};
  f[4].type = SLUICE_FIELD_BOOLEAN;
  f[4].v.i = 1;
  f[5].name = {"ratio", 5};
  f[5].type = SLUICE_FIELD_FLOAT64;
  f[5].v.f = 1.0e7;
  std::string out;
  append_fields_json(f, 6, &out);
  EXPECT_EQ(
      out,
      "{\"B\":\"x\",\"a\":-1,\"flag\":true,\"position\":4096,\"ratio\":1.0E7,\"\xc3\xa9\":null}");
}

TEST(OwnedFieldsTest, JsonRoundTrip) {
  auto parsed = OwnedFields::from_json(
      " {\"position\": 30, \"name\":\"a\\tb\", \"r\":0.5, "
      "\"n\":null, \"t\":false, \"big\":1e3}");
  ASSERT_TRUE(parsed.is_ok()) << parsed.status().to_string();
  EXPECT_EQ(parsed->to_json(),
            "{\"big\":1000.0,\"n\":null,\"name\":\"a\\tb\",\"position\":30,\"r\":0.5,\"t\":false}");
  auto again = OwnedFields::from_json(parsed->to_json());
  ASSERT_TRUE(again.is_ok());
  EXPECT_TRUE(*again == *parsed);
  sluice_field other[1] = {int_field("position", 31)};
  EXPECT_FALSE(parsed->equals(other, 1));
}

TEST(OwnedFieldsTest, FromJsonRejectsNonPrimitiveAndDuplicates) {
  EXPECT_FALSE(OwnedFields::from_json("[1]").is_ok());
  EXPECT_FALSE(OwnedFields::from_json("{\"a\":{}}").is_ok());
  EXPECT_FALSE(OwnedFields::from_json("{\"a\":[1]}").is_ok());
  EXPECT_FALSE(OwnedFields::from_json("{\"a\":1,\"a\":2}").is_ok());
  EXPECT_FALSE(OwnedFields::from_json("{\"a\":1").is_ok());
  auto empty = OwnedFields::from_json("{}");
  ASSERT_TRUE(empty.is_ok());
  EXPECT_EQ(empty->to_json(), "{}");
}

TEST(OwnedFieldsTest, ValidateFields) {
  sluice_field f[2] = {int_field("a", 1), int_field("a", 2)};
  EXPECT_FALSE(validate_fields(f, 2).is_ok());
  f[1].name = {"b", 1};
  EXPECT_TRUE(validate_fields(f, 2).is_ok());
  f[1].type = 99;
  EXPECT_FALSE(validate_fields(f, 2).is_ok());
}

}  // namespace
}  // namespace sluice::data
