// The built-in converter table and factory (see converter.h).
#include "runtime/data/converter.h"

#include <array>

#include "runtime/data/json_converter.h"
#include "runtime/data/simple_converters.h"

namespace sluice::data {
namespace {

constexpr std::string_view kByteArrayClass =
    "org.apache.kafka.connect.converters.ByteArrayConverter";
constexpr std::string_view kStringClass = "org.apache.kafka.connect.storage.StringConverter";
constexpr std::string_view kJsonClass = "org.apache.kafka.connect.json.JsonConverter";
constexpr std::string_view kBuiltinVersion = "0.1.0";

constexpr std::array<BuiltinConverterInfo, 3> kBuiltins = {{
    {kByteArrayClass, kBuiltinVersion},
    {kStringClass, kBuiltinVersion},
    {kJsonClass, kBuiltinVersion},
}};

}  // namespace

std::span<const BuiltinConverterInfo> builtin_converters() {
  return kBuiltins;
}

std::string_view builtin_converter_class(std::string_view name) {
  for (const BuiltinConverterInfo& info : kBuiltins) {
    const std::string_view full = info.class_name;
    const std::string_view simple = full.substr(full.rfind('.') + 1);
    const std::string_view bare =
        simple.substr(0, simple.size() - std::string_view("Converter").size());
    if (name == full || name == simple || name == bare) return full;
  }
  return {};
}

bool is_builtin_converter(std::string_view class_or_alias) {
  return !builtin_converter_class(class_or_alias).empty();
}

Result<std::unique_ptr<Converter>> make_builtin_converter(
    std::string_view class_or_alias, const std::map<std::string, std::string>& config, bool is_key,
    SchemaRegistry* registry) {
  const std::string_view cls = builtin_converter_class(class_or_alias);
  if (cls == kByteArrayClass) return make_byte_array_converter(config, registry);
  if (cls == kStringClass) return make_string_converter(config, registry);
  if (cls == kJsonClass) return make_json_converter(config, is_key, registry);
  return Status::not_found("unknown converter class '" + std::string(class_or_alias) + "'");
}

}  // namespace sluice::data
