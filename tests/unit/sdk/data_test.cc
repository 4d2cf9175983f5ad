// Schema JSON rendering (worker-storage.md §3.3 examples), Java-style number layout, value tapes
// (building and reading), decimal bytes and sluice::Fields.
#include <gtest/gtest.h>

#include <sluice/sdk.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace sluice {
namespace {

TEST(SchemaTest, RendersTheStorageDocExamples) {
  EXPECT_EQ(Schema::string().to_json(), R"({"type":"string","optional":false})");
  Schema order = Schema::struct_type()
                     .field("id", Schema::int32())
                     .field("price", Schema::decimal(2))
                     .field("day", Schema::date())
                     .field("at", Schema::time())
                     .field("seen", Schema::timestamp().optional())
                     .name("shop.Order");
  EXPECT_EQ(
      order.to_json(),
      R"({"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"price"},{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1,"field":"day"},{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Time","version":1,"field":"at"},{"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"seen"}],"optional":false,"name":"shop.Order"})");
  EXPECT_EQ(
      Schema::map(Schema::int32(), Schema::string().optional()).to_json(),
      R"({"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"string","optional":true},"optional":false})");
}

TEST(SchemaTest, MembersDefaultsAndMisuse) {
  Schema s = Schema::array(Schema::float32().default_double(0.1))
                 .optional()
                 .name("a\"b")
                 .version(3)
                 .doc("line\nbreak")
                 .parameter("k", "v");
  EXPECT_EQ(
      s.to_json(),
      R"({"type":"array","items":{"type":"float","optional":false,"default":0.1},"optional":true,"name":"a\"b","version":3,"doc":"line\nbreak","parameters":{"k":"v"}})");
  EXPECT_EQ(Schema::string().default_string("x").to_json(),
            R"({"type":"string","optional":false,"default":"x"})");
  EXPECT_EQ(Schema::int64().default_int(-4).to_json(),
            R"({"type":"int64","optional":false,"default":-4})");
  EXPECT_EQ(Schema::boolean().default_bool(true).to_json(),
            R"({"type":"boolean","optional":false,"default":true})");
  EXPECT_EQ(
      Schema::decimal(2, 10).to_json(),
      R"({"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2","connect.decimal.precision":"10"}})");
  EXPECT_THROW(Schema::string().default_int(1), std::invalid_argument);
  EXPECT_THROW(Schema::int32().field("x", Schema::int32()), std::invalid_argument);
  EXPECT_THROW(Schema::struct_type().field("x", Schema::int32()).field("x", Schema::int8()),
               std::invalid_argument);
  EXPECT_THROW((void)Schema::int32().items(), std::invalid_argument);
  EXPECT_EQ(Schema::array(Schema::int8()).items().type(), ValueType::kInt8);
}

std::string number(double v, bool as_float = false) {
  std::string out;
  if (as_float) {
    json::append_float(out, static_cast<float>(v));
  } else {
    json::append_double(out, v);
  }
  return out;
}

TEST(SchemaTest, NumbersUseJavaLayout) {
  EXPECT_EQ(number(1.0), "1.0");
  EXPECT_EQ(number(0.001), "0.001");
  EXPECT_EQ(number(1234567.5), "1234567.5");
  EXPECT_EQ(number(1e7), "1.0E7");
  EXPECT_EQ(number(1.2345e-5), "1.2345E-5");
  EXPECT_EQ(number(-3e10), "-3.0E10");
  EXPECT_EQ(number(-0.0), "-0.0");
  EXPECT_EQ(number(100.0), "100.0");
  EXPECT_EQ(number(0.1, true), "0.1");
  EXPECT_EQ(number(0.0001), "1.0E-4");
  EXPECT_EQ(number(std::numeric_limits<double>::infinity()), "\"Infinity\"");
  EXPECT_EQ(number(-std::numeric_limits<double>::infinity()), "\"-Infinity\"");
  EXPECT_EQ(number(std::nan("")), "\"NaN\"");
  EXPECT_EQ(number(3.4e38, true), "3.4E38");
  EXPECT_EQ(number(1e-3), "0.001");
  EXPECT_EQ(number(9999999.0), "9999999.0");
  EXPECT_EQ(number(5e-324), "4.9E-324");
  EXPECT_EQ(number(1e-45, true), "1.4E-45");  // Float.MIN_VALUE
  EXPECT_EQ(number(2e100), "2.0E100");
  EXPECT_EQ(number(0.5), "0.5");
}

TEST(JsonTest, StringsEscapeOnlyQuotesBackslashesAndControls) {
  std::string s = "x=";  // appends, keeps what was there
  json::append_string(s, std::string("\x01/\x7f\xc3\xa9", 5));
  EXPECT_EQ(s, "x=\"\\u0001/\x7f\xc3\xa9\"");
  s.clear();
  json::append_string(s, std::string("a\"b\\c\bd\te\nf\fg\rh\x1fi\0j", 19));
  EXPECT_EQ(s, R"("a\"b\\c\bd\te\nf\fg\rh\u001Fi\u0000j")");
  s.clear();
  json::append_string(s, "");
  EXPECT_EQ(s, R"("")");
}

TEST(JsonTest, IntegersAndBooleans) {
  std::string s;
  json::append_integer(s, std::numeric_limits<int64_t>::min());
  s += ',';
  json::append_integer(s, 0);
  s += ',';
  json::append_bool(s, true);
  s += ',';
  json::append_bool(s, false);
  EXPECT_EQ(s, "-9223372036854775808,0,true,false");
}

TEST(TapeTest, BuildsPreOrderWithSpansAndCounts) {
  TapeBuilder tape;
  tape.begin_struct()
      .int32(7)
      .begin_array()
      .string("x")
      .string("yz")
      .end_array()
      .begin_map()
      .string("k")
      .null()
      .end_map()
      .decimal(1234)
      .end_struct();
  ASSERT_TRUE(tape.complete());
  auto nodes = tape.nodes();
  ASSERT_EQ(nodes.size(), 9u);
  EXPECT_EQ(nodes[0].type, SLUICE_VALUE_STRUCT);
  EXPECT_EQ(nodes[0].span, 9u);
  EXPECT_EQ(nodes[0].u.count, 4u);
  EXPECT_EQ(nodes[2].type, SLUICE_VALUE_ARRAY);
  EXPECT_EQ(nodes[2].span, 3u);
  EXPECT_EQ(nodes[2].u.count, 2u);
  EXPECT_EQ(nodes[5].type, SLUICE_VALUE_MAP);
  EXPECT_EQ(nodes[5].u.count, 1u);
  EXPECT_EQ(nodes[5].span, 3u);

  ValueReader root(nodes);
  EXPECT_EQ(root.type(), ValueType::kStruct);
  EXPECT_EQ(root.child(0).as_int64(), 7);
  ValueReader array = root.child(1);
  EXPECT_EQ(array.count(), 2u);
  EXPECT_EQ(array.child(1).as_string(), "yz");
  ValueReader map = root.child(2);
  EXPECT_EQ(map.entry_key(0).as_string(), "k");
  EXPECT_TRUE(map.entry_value(0).is_null());
  EXPECT_EQ(root.child(3).as_string(), std::string("\x04\xd2", 2));
  EXPECT_THROW((void)root.child(4), std::out_of_range);
  EXPECT_THROW((void)root.child(0).as_string(), std::logic_error);
}

TEST(TapeTest, ReuseAndMisuse) {
  TapeBuilder tape;
  for (int i = 0; i < 3; ++i) {
    tape.clear();
    tape.begin_array()
        .string(std::string(100, static_cast<char>('a' + i)))
        .float64(1.5)
        .end_array();
    ValueReader r(tape.nodes());
    EXPECT_EQ(r.child(0).as_string(), std::string(100, static_cast<char>('a' + i)));
    EXPECT_DOUBLE_EQ(r.child(1).as_double(), 1.5);
  }
  EXPECT_THROW(tape.int8(1), std::logic_error);  // second root
  tape.clear();
  EXPECT_THROW(tape.end_array(), std::logic_error);
  tape.clear();
  tape.begin_map().string("k");
  EXPECT_THROW(tape.end_map(), std::logic_error);  // key without value
  tape.clear();
  tape.begin_struct();
  EXPECT_FALSE(tape.complete());
  EXPECT_THROW((void)tape.nodes(), std::logic_error);
  EXPECT_THROW(tape.end_array(), std::logic_error);  // mismatched close
}

TEST(TapeTest, ReaderRejectsMalformedTapes) {
  sluice_value nodes[2]{};
  nodes[0].type = SLUICE_VALUE_ARRAY;
  nodes[0].span = 5;  // claims more nodes than exist
  nodes[0].u.count = 1;
  EXPECT_THROW(ValueReader(nodes, 2), FailedError);
  nodes[0].span = 1;  // count 1 but no child within the span
  ValueReader r(nodes, 1);
  EXPECT_THROW((void)r.child(0), FailedError);
}

TEST(TapeTest, DecimalBytesAreMinimalTwosComplement) {
  EXPECT_EQ(decimal_bytes(1234), std::string("\x04\xd2", 2));
  EXPECT_EQ(decimal_bytes(-5), std::string("\xfb", 1));
  EXPECT_EQ(decimal_bytes(0), std::string("\x00", 1));
  EXPECT_EQ(decimal_bytes(128), std::string("\x00\x80", 2));
  EXPECT_EQ(decimal_bytes(-128), std::string("\x80", 1));
  EXPECT_EQ(decimal_bytes(-129), std::string("\xff\x7f", 2));
}

TEST(FieldsTest, SetGetReuseAndAbiRoundTrip) {
  Fields f;
  f.set("file", "a.txt")
      .set("position", 10)
      .set("ok", true)
      .set("ratio", 0.25)
      .set("none", nullptr);
  f.set("position", 11);
  EXPECT_EQ(f.size(), 5u);
  EXPECT_EQ(f.get_int64("position"), 11);
  EXPECT_EQ(f.get_string("file"), "a.txt");
  EXPECT_EQ(f.get_bool("ok"), true);
  EXPECT_EQ(f.get_double("ratio"), 0.25);
  EXPECT_TRUE(f.get("none")->is_null());
  EXPECT_EQ(f.get_int64("file"), std::nullopt);
  EXPECT_EQ(f.get("absent"), nullptr);

  std::vector<sluice_field> abi;
  f.to_abi(abi);
  ASSERT_EQ(abi.size(), 5u);
  EXPECT_EQ(abi[1].type, static_cast<uint32_t>(SLUICE_FIELD_INT64));
  EXPECT_EQ(abi[2].type, static_cast<uint32_t>(SLUICE_FIELD_BOOLEAN));
  EXPECT_EQ(abi[4].type, static_cast<uint32_t>(SLUICE_FIELD_NULL));
  EXPECT_EQ(Fields::from_abi(abi.data(), 5), f);

  Fields reordered{
      {"ratio", 0.25}, {"none", nullptr}, {"ok", true}, {"position", 11}, {"file", "a.txt"}};
  EXPECT_EQ(reordered, f);
  EXPECT_FALSE(reordered == (Fields{{"ratio", 0.25}}));

  f.clear();
  EXPECT_TRUE(f.empty());
  f.set_string("file", "b.txt");
  EXPECT_EQ(f.size(), 1u);
  EXPECT_EQ(f.get_string("file"), "b.txt");
  EXPECT_EQ(f.get("position"), nullptr);  // spare slots are not visible
}

TEST(RecordsTest, SourceRecordFormsAndReuse) {
  SourceRecordBatch batch;
  SourceRecord& r =
      batch.add().topic("t").partition(3).timestamp_ms(99).key_null().value_string("");
  r.value_typed(0).begin_map().string("a").int64(1).end_map();
  r.header_bytes("h1", "xy").header_null("h2");
  sluice_record abi = batch.to_abi()[0];
  EXPECT_EQ(abi.partition, 3);
  EXPECT_EQ(abi.timestamp_ms, 99);
  EXPECT_EQ(abi.key.form, static_cast<uint32_t>(SLUICE_FORM_NULL));
  EXPECT_EQ(abi.value.form, static_cast<uint32_t>(SLUICE_FORM_TYPED));
  EXPECT_EQ(abi.value.node_count, 3u);
  EXPECT_EQ(abi.header_count, 2u);
  EXPECT_EQ(abi.headers[1].value.form, static_cast<uint32_t>(SLUICE_FORM_NULL));
  EXPECT_EQ(abi.source_partition, nullptr);
  EXPECT_EQ(abi.source_partition_count, 0u);

  batch.clear();
  SourceRecord& again = batch.add();
  EXPECT_EQ(&again, &r);  // storage reused
  again.topic("u").value_string("");
  sluice_record empty = batch.to_abi()[0];
  EXPECT_EQ(empty.header_count, 0u);
  EXPECT_EQ(empty.partition, -1);
  EXPECT_NE(empty.value.bytes.ptr, nullptr);  // empty, not null
  EXPECT_EQ(empty.value.bytes.len, 0u);
  EXPECT_THROW((void)batch[1], std::out_of_range);
}

TEST(RecordsTest, SinkRecordViews) {
  TapeBuilder tape;
  tape.string("typed text");
  auto nodes = tape.nodes();
  sluice_header header{sdk_detail::to_str("h"),
                       sluice_data{SLUICE_FORM_TYPED, 4, {}, nodes.data(), nodes.size()}};
  sluice_record raw{};
  raw.topic = sdk_detail::to_str("orders");
  raw.partition = 2;
  raw.offset = 41;
  raw.timestamp_type = 1;
  raw.timestamp_ms = 1000;
  raw.value = header.value;
  raw.headers = &header;
  raw.header_count = 1;
  SinkRecord record(&raw);
  EXPECT_EQ(record.topic(), "orders");
  EXPECT_EQ(record.partition(), 2);
  EXPECT_EQ(record.offset(), 41);
  EXPECT_EQ(record.timestamp_type(), TimestampType::kCreateTime);
  EXPECT_TRUE(record.key().is_null());
  EXPECT_EQ(record.key().as_string_view(), "");
  EXPECT_EQ(record.value().as_string_view(), "typed text");
  EXPECT_EQ(record.value().schema_id(), 4u);
  EXPECT_EQ(record.header_key(0), "h");
  EXPECT_EQ(record.header_value(0).typed().as_string(), "typed text");
  EXPECT_THROW((void)record.header_key(1), std::out_of_range);
}

}  // namespace
}  // namespace sluice
