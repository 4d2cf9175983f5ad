// Tests of connector files: the REST body's shape and the flat shape, name rules, errors.
#include "runtime/config/connector_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

namespace sluice::config {
namespace {

using ::testing::HasSubstr;

std::string parse_error(const std::string& yaml) {
  auto r = parse_connector_config(yaml, "conn.yaml");
  EXPECT_FALSE(r.is_ok());
  if (r.is_ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  return std::string(r.status().message());
}

TEST(ConnectorConfigTest, RestBodyShape) {
  auto r = parse_connector_config(
      "name: file-source\n"
      "config:\n"
      "  connector.class: FileStreamSource\n"
      "  tasks.max: 1\n"
      "  file: in.txt\n"
      "  topic: lines\n"
      "  password: ${env:SOME_SECRET}\n"
      "  transforms: [a, b]\n",
      "conn.yaml");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->name, "file-source");
  EXPECT_EQ(r->config, (Props{{"name", "file-source"},
                              {"connector.class", "FileStreamSource"},
                              {"tasks.max", "1"},
                              {"file", "in.txt"},
                              {"topic", "lines"},
                              {"password", "${env:SOME_SECRET}"},  // kept raw
                              {"transforms", "a,b"}}));
}

TEST(ConnectorConfigTest, FlatShapeWithName) {
  auto r = parse_connector_config(
      "name: '  sink  '\nconnector.class: FileStreamSink\ntopics: lines\nfile: out.txt\n"
      "value.converter:\n  schemas.enable: false\n",
      "conn.yaml");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->name, "sink");
  EXPECT_EQ(r->config.at("name"), "sink");
  EXPECT_EQ(r->config.at("value.converter.schemas.enable"), "false");
  EXPECT_EQ(r->config.size(), 5u);
}

TEST(ConnectorConfigTest, NameInsideConfigOnly) {
  auto r = parse_connector_config("config:\n  name: c1\n  connector.class: X\n", "conn.yaml");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->name, "c1");
}

TEST(ConnectorConfigTest, Errors) {
  EXPECT_THAT(parse_error("connector.class: X\n"),
              HasSubstr("conn.yaml: missing connector 'name'"));
  EXPECT_THAT(parse_error("config:\n  connector.class: X\n"),
              HasSubstr("conn.yaml: missing connector 'name'"));
  EXPECT_EQ(parse_error("name: a\nconfig:\n  name: b\n"),
            "conn.yaml: name 'a' differs from config.name 'b'");
  EXPECT_THAT(parse_error("name: a\nconfig: [x]\n"), HasSubstr("key 'config' must be a map"));
  EXPECT_THAT(parse_error("name: a\nconfig: {x: 1}\ntopic: t\n"),
              HasSubstr("conn.yaml:3: unexpected key 'topic' beside 'name' and 'config'"));
  EXPECT_EQ(parse_error("name: '   '\nconnector.class: X\n"), "conn.yaml: connector name is empty");
  EXPECT_EQ(parse_error("name: \"a\\tb\"\nconnector.class: X\n"),
            "conn.yaml: connector name contains a control character");
  EXPECT_EQ(parse_error("name: \"a\\x85b\"\nconnector.class: X\n"),
            "conn.yaml: connector name contains a control character");
  EXPECT_THAT(parse_error("name: a\nconfig: {x: 1\n"),
              testing::MatchesRegex("conn\\.yaml:[0-9]+:[0-9]+: YAML syntax error: .+"));
  EXPECT_THAT(parse_error("name: a\nname: b\n"), HasSubstr("key 'name' is given twice"));
}

TEST(ConnectorConfigTest, LoadFromFile) {
  std::string path = ::testing::TempDir() + "/sluice_connector_config_test.yaml";
  {
    std::ofstream out(path);
    out << "name: c\nconnector.class: X\n";
  }
  auto r = load_connector_config(path);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->name, "c");
  EXPECT_EQ(load_connector_config(path + ".nope").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace sluice::config
