// Converters between Connect data (sluice_data) and Kafka message bytes, and the built-in
// ByteArray, String and JSON converters (worker-storage.md §3, §4). Plugin converters are adapted
// to the same interface by runtime/plugin.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <sluice/plugin_abi.h>

#include "broker-lite/util/status.h"
#include "runtime/data/schema.h"

namespace sluice::data {

// One instance per task and role (key or value); never called concurrently.
class Converter {
 public:
  virtual ~Converter() = default;
  // Serializes `in` (borrowed for the call) for `topic`. *out is lent until the next call on this
  // converter (it may point into `in` itself: the zero-copy forms). Form NULL → out {nullptr, 0}.
  [[nodiscard]] virtual Status from_connect(std::string_view topic, const sluice_data& in,
                                            sluice_bytes* out) = 0;
  // Deserializes message bytes (borrowed for the call; {nullptr, 0} = Kafka null). *out, its tape
  // and strings are lent until the next call on this converter; the STRING/BYTES forms of the
  // String and ByteArray converters view `in` directly (valid while `in` is).
  [[nodiscard]] virtual Status to_connect(std::string_view topic, sluice_bytes in,
                                          sluice_data* out) = 0;
};

struct BuiltinConverterInfo {
  std::string_view class_name;
  std::string_view version;
};

// ByteArrayConverter, StringConverter, JsonConverter, by their full Kafka class names.
std::span<const BuiltinConverterInfo> builtin_converters();

// The full class name a built-in answers to for `class_or_alias`: the full name, the simple name
// (`JsonConverter`) or the simple name without `Converter` (`Json`); empty if none.
std::string_view builtin_converter_class(std::string_view class_or_alias);
bool is_builtin_converter(std::string_view class_or_alias);

// Creates a built-in converter. `config` holds the converter's keys with the key.converter. /
// value.converter. prefix removed; `registry` is borrowed and must outlive the converter (the
// JSON converter registers the schemas it reads there and resolves schema ids through it).
// Unknown class → kNotFound; a bad value → kInvalidArgument naming the key. Unknown keys are
// ignored, as Kafka Connect does.
[[nodiscard]] Result<std::unique_ptr<Converter>> make_builtin_converter(
    std::string_view class_or_alias, const std::map<std::string, std::string>& config, bool is_key,
    SchemaRegistry* registry);

}  // namespace sluice::data
