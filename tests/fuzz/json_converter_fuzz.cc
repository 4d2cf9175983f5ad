// libFuzzer target: arbitrary bytes through the JSON converter's to_connect, with and without the
// schema envelope; whatever parses is written back with from_connect (which validates the tape).
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "runtime/data/converter.h"
#include "runtime/data/schema.h"

namespace {

struct Converters {
  sluice::data::SchemaRegistry registry;
  std::unique_ptr<sluice::data::Converter> with_schemas;
  std::unique_ptr<sluice::data::Converter> without_schemas;
  std::unique_ptr<sluice::data::Converter> numeric;
};

Converters& converters() {
  static Converters* c = [] {
    auto* out = new Converters();
    out->with_schemas =
        std::move(sluice::data::make_builtin_converter("JsonConverter", {}, false, &out->registry))
            .value();
    out->without_schemas =
        std::move(sluice::data::make_builtin_converter(
                      "JsonConverter", {{"schemas.enable", "false"}}, true, &out->registry))
            .value();
    out->numeric =
        std::move(sluice::data::make_builtin_converter(
                      "JsonConverter", {{"decimal.format", "NUMERIC"}}, false, &out->registry))
            .value();
    return out;
  }();
  return *c;
}

void run(sluice::data::Converter* c, const uint8_t* data, size_t size) {
  sluice_data d{};
  if (!c->to_connect("fuzz", {data, size}, &d).is_ok()) return;
  sluice_bytes out{};
  if (!c->from_connect("fuzz", d, &out).is_ok()) __builtin_trap();  // what was read must write
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A non-null pointer even for empty input: an empty message is not a Kafka null.
  static const uint8_t kEmpty = 0;
  if (size == 0) data = &kEmpty;
  Converters& c = converters();
  run(c.with_schemas.get(), data, size);
  run(c.without_schemas.get(), data, size);
  run(c.numeric.get(), data, size);
  return 0;
}
