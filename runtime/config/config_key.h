// The vocabulary of configuration keys shared by the worker file and connector configs: value
// types (the plugin ABI's SLUICE_CONFIG_* numbers), importance, display width, one key's
// definition (KeyDef), and parsing of text values the way Kafka Connect's ConfigDef parses them.
#pragma once

#include <sluice/sdk/config.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::config {

// A configuration: key → value text.
using Props = std::map<std::string, std::string>;

// Value types and importance are the SDK's (their numbers are the plugin ABI's SLUICE_CONFIG_*
// and SLUICE_IMPORTANCE_*), so host and plugins name them alike.
using ::sluice::config_type_name;  // "BOOLEAN", "INT", ... (Kafka Connect's type names)
using ::sluice::ConfigType;
using ::sluice::Importance;

// Kafka Connect's ConfigDef.Width (a UI hint shown by /connector-plugins/{p}/config).
enum class Width { kNone, kShort, kMedium, kLong };

std::string_view importance_name(Importance importance);
std::string_view width_name(Width width);
bool is_known_config_type(uint32_t value);
bool is_known_importance(uint32_t value);

// One key. Owns its strings.
struct KeyDef {
  std::string name;
  ConfigType type = ConfigType::kString;
  Importance importance = Importance::kMedium;
  std::optional<std::string> default_value;  // nullopt: no default (null, or missing if required)
  bool required = false;                     // no default: a missing value is an error
  bool sensitive = false;                    // PASSWORD type or the SENSITIVE flag
  bool non_empty = false;                    // a string value must not be empty
  bool case_insensitive = false;             // valid_values compared ignoring ASCII case
  std::string doc;
  std::string group;  // "" when none
  int32_t order_in_group = -1;
  Width width = Width::kNone;
  std::string display_name;               // "" when none (then the name is shown)
  std::optional<std::string> min_value;   // inclusive, INT/LONG/DOUBLE
  std::optional<std::string> max_value;   // inclusive
  std::vector<std::string> valid_values;  // empty: any value; for LIST each element
};

// Text helpers. Views are read during the call only.
std::string trim(std::string_view text);
std::optional<bool> parse_bool(std::string_view text);  // "true"/"false", any case, trimmed
std::optional<int64_t> parse_long(std::string_view text);
std::optional<int32_t> parse_int(std::string_view text);
std::optional<double> parse_double(std::string_view text);
// Comma-separated elements, each trimmed; "" (or only blanks) is the empty list.
std::vector<std::string> split_list(std::string_view text);

// Whether `text` is a value of `type` (STRING/PASSWORD/CLASS/LIST accept any text).
bool parses_as(ConfigType type, std::string_view text);

// Checks one value against its definition and returns Kafka Connect's reason when it is bad,
// e.g. "Not a number of type INT", "Value must be at least 1", "String must be one of: none,
// all", "String must be non-empty"; nullopt when the value is good.
std::optional<std::string> value_problem(const KeyDef& key, std::string_view text);

// "Invalid value <text> for configuration <name>: <reason>" (Connect's ConfigException text).
std::string invalid_value_message(std::string_view name, std::string_view text,
                                  std::string_view reason);

}  // namespace sluice::config
