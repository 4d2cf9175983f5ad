// Tests of ${env:...} and ${file:PATH:KEY} resolution and of the properties-file reader.
#include "runtime/config/providers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

namespace sluice::config {
namespace {

using ::testing::HasSubstr;

std::string write_temp(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream out(path, std::ios::binary);
  out << text;
  return path;
}

TEST(ProvidersTest, EnvSetAndRawRecorded) {
  ::setenv("SLUICE_PROV_A", "alpha", 1);
  ::setenv("SLUICE_PROV_B", "", 1);
  Props p{{"a", "${env:SLUICE_PROV_A}"},
          {"b", "x-${env:SLUICE_PROV_A}-${env:SLUICE_PROV_B}-y"},
          {"plain", "text"}};
  Props raw;
  ASSERT_TRUE(resolve_providers(&p, "c1", &raw).is_ok());
  EXPECT_EQ(p, (Props{{"a", "alpha"}, {"b", "x-alpha--y"}, {"plain", "text"}}));
  EXPECT_EQ(raw, (Props{{"a", "${env:SLUICE_PROV_A}"},
                        {"b", "x-${env:SLUICE_PROV_A}-${env:SLUICE_PROV_B}-y"}}));
  // raw_out may be null.
  Props q{{"a", "${env:SLUICE_PROV_A}"}};
  ASSERT_TRUE(resolve_providers(&q, "c1", nullptr).is_ok());
  EXPECT_EQ(q.at("a"), "alpha");
}

TEST(ProvidersTest, EnvUnsetIsAnErrorAndLeavesPropsUnchanged) {
  ::unsetenv("SLUICE_PROV_MISSING");
  ::setenv("SLUICE_PROV_A", "alpha", 1);
  Props p{{"a", "${env:SLUICE_PROV_A}"}, {"z", "${env:SLUICE_PROV_MISSING}"}};
  Props before = p;
  Props raw;
  Status s = resolve_providers(&p, "worker.yaml", &raw);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "worker.yaml: key 'z': ${env:SLUICE_PROV_MISSING}: environment variable "
            "SLUICE_PROV_MISSING is not set");
  EXPECT_EQ(p, before);
  EXPECT_TRUE(raw.empty());
}

TEST(ProvidersTest, FileKeyPresentAndMissing) {
  std::string path = write_temp("sluice_prov.properties",
                                "# comment\n"
                                "! another\n"
                                "db.user = alice\n"
                                "db.password:p@ss=word\n"
                                "spaced  value with spaces  \n"
                                "long = one \\\n"
                                "       two\n"
                                "esc\\:aped = tab\\there\\u00e9\n");
  Props p{{"user", "${file:" + path + ":db.user}"},
          {"pw", "${file:" + path + ":db.password}"},
          {"sp", "${file:" + path + ":spaced}"},
          {"long", "${file:" + path + ":long}"}};
  Props raw;
  Status s = resolve_providers(&p, "c", &raw);
  ASSERT_TRUE(s.is_ok()) << s.to_string();
  EXPECT_EQ(p.at("user"), "alice");
  EXPECT_EQ(p.at("pw"), "p@ss=word");
  EXPECT_EQ(p.at("sp"), "value with spaces  ");
  EXPECT_EQ(p.at("long"), "one two");
  EXPECT_EQ(raw.size(), 4u);
  EXPECT_EQ(parse_java_properties("esc\\:aped = tab\\there\\u00e9\n").at("esc:aped"),
            "tab\there\xc3\xa9");

  Props missing_key{{"k", "${file:" + path + ":nope}"}};
  s = resolve_providers(&missing_key, "c", nullptr);
  EXPECT_EQ(s.message(), "c: key 'k': ${file:" + path + ":nope}: " + path + " has no key 'nope'");
  Props missing_file{{"k", "${file:" + path + ".absent:x}"}};
  s = resolve_providers(&missing_file, "c", nullptr);
  EXPECT_THAT(std::string(s.message()), HasSubstr("cannot read " + path + ".absent"));
  Props no_key{{"k", "${file:" + path + "}"}};
  s = resolve_providers(&no_key, "c", nullptr);
  EXPECT_THAT(std::string(s.message()), HasSubstr("the file provider needs ${file:PATH:KEY}"));
}

TEST(ProvidersTest, KeyWithColonUsesLastColonAndEscapesWork) {
  // A key containing ':' cannot be addressed (the last ':' separates path and key), but a path
  // containing ':' can.
  std::string path = write_temp("sluice:prov2.properties", "k=v\n");
  Props p{{"a", "${file:" + path + ":k}"}};
  ASSERT_TRUE(resolve_providers(&p, "c", nullptr).is_ok());
  EXPECT_EQ(p.at("a"), "v");
}

TEST(ProvidersTest, UnknownProviderIsAnError) {
  Props p{{"secret", "${vault:kv/db:password}"}};
  Status s = resolve_providers(&p, "c", nullptr);
  EXPECT_EQ(s.message(),
            "c: key 'secret': ${vault:kv/db:password}: unknown config provider 'vault' (Sluice "
            "provides 'env' and 'file')");
}

TEST(ProvidersTest, NonPlaceholdersAndEscapes) {
  ::setenv("SLUICE_PROV_A", "alpha", 1);
  Props p{{"fmt", "${topic}"},               // no provider: literal (JDBC's format)
          {"open", "${env:SLUICE_PROV_A"},   // unterminated: literal
          {"esc", "$${env:SLUICE_PROV_A}"},  // escaped: literal ${...}
          {"mix", "$${env:X} and ${env:SLUICE_PROV_A}"},
          {"dollar", "cost $5 {x}"}};
  Props raw;
  ASSERT_TRUE(resolve_providers(&p, "c", &raw).is_ok());
  EXPECT_EQ(p.at("fmt"), "${topic}");
  EXPECT_EQ(p.at("open"), "${env:SLUICE_PROV_A");
  EXPECT_EQ(p.at("esc"), "${env:SLUICE_PROV_A}");
  EXPECT_EQ(p.at("mix"), "${env:X} and alpha");
  EXPECT_EQ(p.at("dollar"), "cost $5 {x}");
  EXPECT_EQ(raw, (Props{{"mix", "$${env:X} and ${env:SLUICE_PROV_A}"}}));
  EXPECT_FALSE(has_placeholder("$${env:X}"));
  EXPECT_FALSE(has_placeholder("${topic}"));
  EXPECT_TRUE(has_placeholder("a${env:X}b"));
}

TEST(ProvidersTest, JavaPropertiesParsing) {
  Props p = parse_java_properties(
      "a=1\r\nb : 2\nc 3\n  # indented comment\n\nd=\ne\nf=x\\\\\ng=\\u0041\\n\n");
  EXPECT_EQ(
      p,
      (Props{
          {"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", ""}, {"e", ""}, {"f", "x\\"}, {"g", "A\n"}}));
}

}  // namespace
}  // namespace sluice::config
