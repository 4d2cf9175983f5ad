// Tests of the value parsers behind worker and connector config checks (Kafka Connect's rules:
// trimmed text, true/false in any case, decimal integers, finite doubles, comma lists).
#include "runtime/config/config_key.h"

#include <gtest/gtest.h>

namespace sluice::config {
namespace {

TEST(ConfigKeyTest, Parsers) {
  EXPECT_EQ(parse_bool(" TRUE "), true);
  EXPECT_EQ(parse_bool("False"), false);
  EXPECT_FALSE(parse_bool("yes").has_value());
  EXPECT_FALSE(parse_bool("1").has_value());
  EXPECT_EQ(parse_long(" +42 "), 42);
  EXPECT_EQ(parse_long("-9223372036854775808"), INT64_MIN);
  EXPECT_FALSE(parse_long("9223372036854775808").has_value());
  EXPECT_FALSE(parse_long("0x10").has_value());
  EXPECT_FALSE(parse_long("").has_value());
  EXPECT_FALSE(parse_long("1 2").has_value());
  EXPECT_EQ(parse_int("2147483647"), INT32_MAX);
  EXPECT_FALSE(parse_int("2147483648").has_value());
  EXPECT_EQ(parse_double("2.5e3"), 2500.0);
  EXPECT_FALSE(parse_double("nan").has_value());
  EXPECT_FALSE(parse_double("inf").has_value());
  EXPECT_FALSE(parse_double("0x1p3").has_value());
  EXPECT_EQ(split_list(" a , b,,c "), (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_TRUE(split_list("  ").empty());
  EXPECT_TRUE(parses_as(ConfigType::kClass, "anything"));
  EXPECT_FALSE(parses_as(ConfigType::kInt, "1.0"));
}

TEST(ConfigKeyTest, ValueProblems) {
  KeyDef k;
  k.name = "n";
  k.type = ConfigType::kLong;
  k.min_value = "-1";
  k.max_value = "10";
  EXPECT_FALSE(value_problem(k, "-1").has_value());
  EXPECT_FALSE(value_problem(k, "10").has_value());
  EXPECT_EQ(value_problem(k, "-2"), "Value must be at least -1");
  EXPECT_EQ(value_problem(k, "11"), "Value must be no more than 10");
  EXPECT_EQ(value_problem(k, "x"), "Not a number of type LONG");
  KeyDef list;
  list.name = "l";
  list.type = ConfigType::kList;
  list.valid_values = {"a", "b"};
  EXPECT_FALSE(value_problem(list, "a,b").has_value());
  EXPECT_FALSE(value_problem(list, "").has_value());
  EXPECT_EQ(value_problem(list, "a,c"), "String must be one of: a, b");
  EXPECT_EQ(invalid_value_message("k", "v", "why"), "Invalid value v for configuration k: why");
}

}  // namespace
}  // namespace sluice::config
