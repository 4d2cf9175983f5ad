// JsonConverter against Kafka Connect's documented envelopes (worker-storage.md §3.7), the
// String/ByteArray zero-copy paths, schema JSON round trips and malformed input.
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "runtime/data/converter.h"
#include "runtime/data/decimal.h"
#include "runtime/data/json_payload.h"
#include "runtime/data/schema.h"

namespace sluice::data {
namespace {

sluice_bytes as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
std::string as_text(sluice_bytes b) {
  return b.ptr ? std::string(reinterpret_cast<const char*>(b.ptr), b.len) : "<null>";
}

class JsonConverterTest : public ::testing::Test {
 protected:
  std::unique_ptr<Converter> make(std::map<std::string, std::string> config = {}) {
    auto c = make_builtin_converter("JsonConverter", config, false, &registry_);
    EXPECT_TRUE(c.is_ok()) << c.status().to_string();
    return std::move(c).value();
  }
  // to_connect then from_connect must give the same bytes back.
  void expect_round_trip(Converter* c, std::string_view json) {
    sluice_data d{};
    Status st = c->to_connect("t", as_bytes(json), &d);
    ASSERT_TRUE(st.is_ok()) << st.to_string();
    sluice_bytes out{};
    st = c->from_connect("t", d, &out);
    ASSERT_TRUE(st.is_ok()) << st.to_string();
    EXPECT_EQ(as_text(out), json);
  }
  SchemaRegistry registry_;
};

constexpr std::string_view kOrder =
    R"({"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},)"
    R"({"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"price"},)"
    R"({"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1,"field":"day"},)"
    R"({"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Time","version":1,"field":"at"},)"
    R"({"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"seen"}],"optional":false,"name":"shop.Order"},)"
    R"("payload":{"id":7,"price":"BNI=","day":19737,"at":48600000,"seen":1705325400000}})";

TEST_F(JsonConverterTest, StringFormWritesConnectEnvelope) {
  auto c = make();
  const char* text = "hello";
  sluice_data d{};
  d.form = SLUICE_FORM_STRING;
  d.bytes = as_bytes(text);
  sluice_bytes out{};
  ASSERT_TRUE(c->from_connect("t", d, &out).is_ok());
  EXPECT_EQ(as_text(out), R"({"schema":{"type":"string","optional":false},"payload":"hello"})");
  d.form = SLUICE_FORM_BYTES;
  ASSERT_TRUE(c->from_connect("t", d, &out).is_ok());
  EXPECT_EQ(as_text(out), R"({"schema":{"type":"bytes","optional":false},"payload":"aGVsbG8="})");
  d.form = SLUICE_FORM_NULL;
  ASSERT_TRUE(c->from_connect("t", d, &out).is_ok());
  EXPECT_EQ(out.ptr, nullptr);
}

TEST_F(JsonConverterTest, DocumentedExamplesRoundTrip) {
  auto c = make();
  expect_round_trip(c.get(), R"({"schema":{"type":"string","optional":false},"payload":"hello"})");
  expect_round_trip(c.get(), kOrder);
  expect_round_trip(c.get(), R"({"schema":{"type":"map","keys":{"type":"int32","optional":false},)"
                             R"("values":{"type":"string","optional":true},"optional":false},)"
                             R"("payload":[[1,"a"],[2,null]]})");
  expect_round_trip(c.get(), R"({"schema":{"type":"int64","optional":true},"payload":null})");
  expect_round_trip(c.get(),
                    R"({"schema":{"type":"array","items":{"type":"double","optional":false},)"
                    R"("optional":false},"payload":[1.0,0.001,1.0E7,-0.0,"NaN"]})");
  expect_round_trip(c.get(),
                    R"({"schema":{"type":"map","keys":{"type":"string","optional":false},)"
                    R"("values":{"type":"float","optional":false},"optional":true,"doc":"d"},)"
                    R"("payload":{"b":0.1,"a":2.5}})");
  expect_round_trip(c.get(), R"({"schema":null,"payload":{"a":[1,2.5,"x",true,null]}})");
  expect_round_trip(c.get(),
                    R"({"schema":{"type":"struct","fields":[{"type":"string","optional":true,)"
                    R"("default":"dflt","field":"s"}],"optional":false},"payload":{"s":"dflt"}})");
}

TEST_F(JsonConverterTest, ParsedTapeHasConnectTypes) {
  auto c = make();
  sluice_data d{};
  ASSERT_TRUE(c->to_connect("t", as_bytes(kOrder), &d).is_ok());
  ASSERT_EQ(d.form, SLUICE_FORM_TYPED);
  ASSERT_NE(d.schema_id, 0u);
  EXPECT_EQ(registry_.get(d.schema_id)->fields().size(), 5u);
  ASSERT_EQ(d.node_count, 6u);
  EXPECT_EQ(d.nodes[0].type, SLUICE_VALUE_STRUCT);
  EXPECT_EQ(d.nodes[1].type, SLUICE_VALUE_INT32);
  EXPECT_EQ(d.nodes[2].type, SLUICE_VALUE_BYTES);
  ASSERT_EQ(d.nodes[2].u.b.len, 2u);
  EXPECT_EQ(d.nodes[2].u.b.ptr[0], 0x04);
  EXPECT_EQ(d.nodes[2].u.b.ptr[1], 0xD2);
  EXPECT_EQ(d.nodes[5].type, SLUICE_VALUE_INT64);
  EXPECT_EQ(d.nodes[5].u.i, 1705325400000);
  // The same schema text maps to the same id.
  const uint32_t id = d.schema_id;
  ASSERT_TRUE(c->to_connect("t", as_bytes(kOrder), &d).is_ok());
  EXPECT_EQ(d.schema_id, id);
}

TEST_F(JsonConverterTest, DecimalNumericFormat) {
  auto c = make({{"decimal.format", "numeric"}});
  sluice_data d{};
  ASSERT_TRUE(c->to_connect("t", as_bytes(kOrder), &d).is_ok());
  sluice_bytes out{};
  ASSERT_TRUE(c->from_connect("t", d, &out).is_ok());
  const std::string text = as_text(out);
  EXPECT_NE(text.find(R"("payload":{"id":7,"price":12.34,"day":19737)"), std::string::npos) << text;
  // Reading accepts the number whatever decimal.format says, rescaled to the schema's scale.
  auto base64 = make();
  std::string numeric(kOrder);
  numeric.replace(numeric.find("\"BNI=\""), 6, "12.340");
  ASSERT_TRUE(base64->to_connect("t", as_bytes(numeric), &d).is_ok());
  ASSERT_TRUE(base64->from_connect("t", d, &out).is_ok());
  EXPECT_EQ(as_text(out), kOrder);
  numeric.replace(numeric.find("12.340"), 6, "12.345");
  Status st = base64->to_connect("t", as_bytes(numeric), &d);
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("value.price"), std::string_view::npos) << st.to_string();
}

TEST(DecimalTest, BigDecimalToStringLayout) {
  std::vector<uint32_t> scratch;
  auto text = [&](std::vector<uint8_t> bytes, int32_t scale) {
    std::string out;
    append_decimal_text(bytes, scale, &out, &scratch);
    return out;
  };
  EXPECT_EQ(text({0x04, 0xD2}, 2), "12.34");
  EXPECT_EQ(text({0xFB}, 0), "-5");
  EXPECT_EQ(text({0x01}, 3), "0.001");
  EXPECT_EQ(text({0x01}, 10), "1E-10");
  EXPECT_EQ(text({0x05}, -2), "5E+2");
  EXPECT_EQ(text({0x00}, 2), "0.00");
  EXPECT_EQ(text({0xFF, 0x38}, 1), "-20.0");
  std::string out, scratch_text;
  ASSERT_TRUE(decimal_text_to_unscaled("-5", 0, &out, &scratch_text).is_ok());
  EXPECT_EQ(out, "\xFB");
  out.clear();
  ASSERT_TRUE(decimal_text_to_unscaled("1.28e2", 0, &out, &scratch_text).is_ok());
  EXPECT_EQ(out, std::string("\x00\x80", 2));
  out.clear();
  EXPECT_FALSE(decimal_text_to_unscaled("0.5", 0, &out, &scratch_text).is_ok());
}

TEST_F(JsonConverterTest, SchemasDisabledWritesAndReadsPlainJson) {
  auto with = make();
  auto without = make({{"schemas.enable", "false"}});
  sluice_data d{};
  ASSERT_TRUE(with->to_connect("t", as_bytes(kOrder), &d).is_ok());
  sluice_bytes out{};
  ASSERT_TRUE(without->from_connect("t", d, &out).is_ok());
  EXPECT_EQ(as_text(out),
            R"({"id":7,"price":"BNI=","day":19737,"at":48600000,"seen":1705325400000})");
  ASSERT_TRUE(without->to_connect("t", out, &d).is_ok());
  EXPECT_EQ(d.schema_id, 0u);
  EXPECT_EQ(d.nodes[0].type, SLUICE_VALUE_MAP);
  EXPECT_EQ(d.nodes[2].type, SLUICE_VALUE_INT64);  // "id": 7
  ASSERT_TRUE(without->to_connect("t", as_bytes("2.5"), &d).is_ok());
  EXPECT_EQ(d.nodes[0].type, SLUICE_VALUE_FLOAT64);
  ASSERT_TRUE(without->to_connect("t", as_bytes("null"), &d).is_ok());
  EXPECT_EQ(d.form, SLUICE_FORM_NULL);
  ASSERT_TRUE(without->to_connect("t", {nullptr, 0}, &d).is_ok());
  EXPECT_EQ(d.form, SLUICE_FORM_NULL);
  // A schemaless map with a non-string key is written as pairs.
  sluice_value nodes[3] = {};
  nodes[0].type = SLUICE_VALUE_MAP;
  nodes[0].span = 3;
  nodes[0].u.count = 1;
  nodes[1].type = SLUICE_VALUE_INT64;
  nodes[1].span = 1;
  nodes[1].u.i = 4;
  nodes[2].type = SLUICE_VALUE_BOOLEAN;
  nodes[2].span = 1;
  nodes[2].u.i = 1;
  sluice_data typed{SLUICE_FORM_TYPED, 0, {}, nodes, 3};
  ASSERT_TRUE(without->from_connect("t", typed, &out).is_ok());
  EXPECT_EQ(as_text(out), "[[4,true]]");
}

TEST_F(JsonConverterTest, MalformedInputIsAClearError) {
  auto c = make();
  sluice_data d{};
  Status st = c->to_connect("orders", as_bytes(R"({"id":1})"), &d);
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("schemas.enable=false"), std::string_view::npos);
  EXPECT_NE(st.message().find("orders"), std::string_view::npos);
  EXPECT_NE(st.message().find("{\\\"id\\\":1}"), std::string_view::npos) << st.message();
  for (std::string_view bad :
       {"", "{", "{\"schema\":null,\"payload\":1,}", "[1 2]", "\"\\x\"",
        "{\"schema\":null,\"payload\":\"\xff\"}", "nul", "01",
        "{\"schema\":{\"type\":\"nope\"},\"payload\":1}",
        "{\"schema\":{\"type\":\"int8\"},\"payload\":300}",
        "{\"schema\":{\"type\":\"int32\"},\"payload\":null}",
        "{\"schema\":{\"type\":\"bytes\"},\"payload\":\"###\"}", "{\"schema\":3,\"payload\":1}"}) {
    EXPECT_FALSE(c->to_connect("t", as_bytes(bad), &d).is_ok()) << bad;
  }
  std::string deep(1000, '[');
  deep = R"({"schema":null,"payload":)" + deep;
  st = c->to_connect("t", as_bytes(deep), &d);
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("nesting"), std::string_view::npos);
  st = c->to_connect(
      "t",
      as_bytes(R"({"schema":{"type":"struct","fields":[{"type":"int32","field":"a"}]},)"
               R"("payload":{"a":"x"}})"),
      &d);
  EXPECT_NE(st.message().find("value.a: expected INT32, got STRING"), std::string_view::npos)
      << st.message();
}

TEST_F(JsonConverterTest, TapeValidationNamesThePath) {
  auto c = make();
  auto id = registry_.register_json(
      R"({"type":"struct","fields":[{"type":"array","items":{"type":"struct","fields":[)"
      R"({"type":"bytes","optional":false,"field":"price"}],"optional":false},"optional":false,"field":"items"}],"optional":false})");
  ASSERT_TRUE(id.is_ok()) << id.status().to_string();
  sluice_value n[4] = {};
  n[0] = {SLUICE_VALUE_STRUCT, {}, 4, {}};
  n[0].u.count = 1;
  n[1] = {SLUICE_VALUE_ARRAY, {}, 3, {}};
  n[1].u.count = 1;
  n[2] = {SLUICE_VALUE_STRUCT, {}, 2, {}};
  n[2].u.count = 1;
  n[3] = {SLUICE_VALUE_INT64, {}, 1, {}};
  sluice_data d{SLUICE_FORM_TYPED, id.value(), {}, n, 4};
  sluice_bytes out{};
  Status st = c->from_connect("t", d, &out);
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("value.items[0].price: expected BYTES, got INT64"),
            std::string_view::npos)
      << st.message();
  n[0].span = 9;  // overruns the tape
  EXPECT_FALSE(c->from_connect("t", d, &out).is_ok());
}

TEST(SchemaTest, JsonRoundTripsInConnectOrder) {
  for (
      std::string_view json : {
          R"({"type":"int8","optional":false})",
          R"({"type":"array","items":{"type":"boolean","optional":true},"optional":false,"name":"n","version":3,"doc":"d","parameters":{"b":"1","a":"2"},"default":[true,null]})",
          R"({"type":"struct","fields":[{"type":"string","optional":false,"default":"x\n","field":"f"}],"optional":true,"name":"S","default":{"f":"y"}})",
          R"({"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"-3","connect.decimal.precision":"10"},"default":"AQ=="})",
      }) {
    auto s = parse_schema_json(json);
    ASSERT_TRUE(s.is_ok()) << json << ": " << s.status().to_string();
    std::string out;
    append_schema_json(**s, &out);
    EXPECT_EQ(out, json);
  }
  // Any member order and whitespace is read; optional defaults to false.
  auto s = parse_schema_json(R"( { "optional" : true , "type" : "int64" } )");
  ASSERT_TRUE(s.is_ok());
  std::string out;
  append_schema_json(**s, &out);
  EXPECT_EQ(out, R"({"type":"int64","optional":true})");
  EXPECT_FALSE(parse_schema_json(R"({"type":"map","keys":{"type":"int8"}})").is_ok());
  EXPECT_FALSE(
      parse_schema_json(R"({"type":"int32","name":"org.apache.kafka.connect.data.Decimal"})")
          .is_ok());
  EXPECT_FALSE(parse_schema_json(R"({"type":"struct","fields":[{"type":"int8","field":"a"},)"
                                 R"({"type":"int8","field":"a"}]})")
                   .is_ok());
  EXPECT_FALSE(parse_schema_json(R"({"type":"int8","default":"x"})").is_ok());
}

TEST(SchemaRegistryTest, SameCanonicalTextSameId) {
  SchemaRegistry r;
  auto a = r.register_json(R"({"type":"string","optional":false})");
  auto b = r.register_json(R"({"optional":false,"type":"string"})");
  auto c = r.register_json(R"({"type":"string","optional":true})");
  ASSERT_TRUE(a.is_ok() && b.is_ok() && c.is_ok());
  EXPECT_EQ(a.value(), 1u);
  EXPECT_EQ(b.value(), 1u);
  EXPECT_EQ(c.value(), 2u);
  const std::string_view text = r.json(1);
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(
        r.register_json(R"({"type":"int32","optional":false,"version":)" + std::to_string(i) + "}")
            .is_ok());
  }
  EXPECT_EQ(text.data(), r.json(1).data());  // texts never move
  EXPECT_EQ(r.get(0), nullptr);
  EXPECT_EQ(r.get(1000), nullptr);
  EXPECT_FALSE(r.register_json("{").is_ok());
}

TEST(SimpleConvertersTest, StringAndByteArrayAreZeroCopy) {
  SchemaRegistry registry;
  auto s = make_builtin_converter("org.apache.kafka.connect.storage.StringConverter", {}, false,
                                  &registry);
  auto b = make_builtin_converter("ByteArray", {}, true, &registry);
  ASSERT_TRUE(s.is_ok() && b.is_ok());
  const std::string text = "line of text";
  sluice_data d{};
  d.form = SLUICE_FORM_STRING;
  d.bytes = as_bytes(text);
  sluice_bytes out{};
  ASSERT_TRUE((*s)->from_connect("t", d, &out).is_ok());
  EXPECT_EQ(out.ptr, d.bytes.ptr);
  EXPECT_EQ(out.len, text.size());
  ASSERT_TRUE((*s)->to_connect("t", as_bytes(text), &d).is_ok());
  EXPECT_EQ(d.form, SLUICE_FORM_STRING);
  EXPECT_EQ(d.bytes.ptr, reinterpret_cast<const uint8_t*>(text.data()));
  d.form = SLUICE_FORM_BYTES;
  ASSERT_TRUE((*b)->from_connect("t", d, &out).is_ok());
  EXPECT_EQ(out.ptr, d.bytes.ptr);
  ASSERT_TRUE((*b)->to_connect("t", as_bytes(text), &d).is_ok());
  EXPECT_EQ(d.form, SLUICE_FORM_BYTES);
  EXPECT_EQ(d.bytes.ptr, reinterpret_cast<const uint8_t*>(text.data()));
  d.form = SLUICE_FORM_STRING;
  Status st = (*b)->from_connect("orders", d, &out);
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("orders"), std::string_view::npos);
  ASSERT_TRUE((*b)->to_connect("t", {nullptr, 0}, &d).is_ok());
  EXPECT_EQ(d.form, SLUICE_FORM_NULL);
}

TEST(SimpleConvertersTest, StringConverterRendersTypedValues) {
  SchemaRegistry registry;
  auto s = make_builtin_converter("StringConverter", {}, false, &registry);
  ASSERT_TRUE(s.is_ok());
  auto id = registry.register_json(
      R"({"type":"struct","fields":[{"type":"int32","optional":false,"field":"a"},)"
      R"({"type":"string","optional":true,"field":"b"},{"type":"double","optional":false,"field":"c"}],"optional":false})");
  ASSERT_TRUE(id.is_ok());
  sluice_value n[4] = {};
  n[0] = {SLUICE_VALUE_STRUCT, {}, 4, {}};
  n[0].u.count = 3;
  n[1] = {SLUICE_VALUE_INT32, {}, 1, {}};
  n[1].u.i = 5;
  n[2] = {SLUICE_VALUE_NULL, {}, 1, {}};
  n[3] = {SLUICE_VALUE_FLOAT64, {}, 1, {}};
  n[3].u.f = 1.0e7;
  sluice_data d{SLUICE_FORM_TYPED, id.value(), {}, n, 4};
  sluice_bytes out{};
  ASSERT_TRUE((*s)->from_connect("t", d, &out).is_ok());
  EXPECT_EQ(as_text(out), "Struct{a=5,c=1.0E7}");
  n[0] = {SLUICE_VALUE_STRING, {}, 1, {}};
  n[0].u.b = as_bytes("zero-copy");
  sluice_data str{SLUICE_FORM_TYPED, 0, {}, n, 1};
  ASSERT_TRUE((*s)->from_connect("t", str, &out).is_ok());
  EXPECT_EQ(out.ptr, n[0].u.b.ptr);
  EXPECT_FALSE(make_builtin_converter("StringConverter", {{"converter.encoding", "latin1"}}, false,
                                      &registry)
                   .is_ok());
}

TEST(ConverterFactoryTest, NamesAndConfigErrors) {
  SchemaRegistry registry;
  EXPECT_EQ(builtin_converters().size(), 3u);
  EXPECT_TRUE(is_builtin_converter("org.apache.kafka.connect.json.JsonConverter"));
  EXPECT_TRUE(is_builtin_converter("JsonConverter"));
  EXPECT_TRUE(is_builtin_converter("Json"));
  EXPECT_TRUE(is_builtin_converter("ByteArrayConverter"));
  EXPECT_FALSE(is_builtin_converter("Avro"));
  auto missing = make_builtin_converter("AvroConverter", {}, false, &registry);
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  for (auto [key, value] : {std::pair{"schemas.enable", "yes"},
                            {"decimal.format", "HEX"},
                            {"schemas.cache.size", "-1"},
                            {"replace.null.with.default", "2"}}) {
    auto bad = make_builtin_converter("JsonConverter", {{key, value}}, false, &registry);
    ASSERT_FALSE(bad.is_ok());
    EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(bad.status().message().find(key), std::string_view::npos);
  }
}

}  // namespace
}  // namespace sluice::data
