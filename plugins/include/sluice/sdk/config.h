// Configuration declared once: sluice::ConfigDef (the keys a connector or task accepts, turned
// into the ABI's sluice_config_key table for the host) and sluice::Config (a parsed view of the
// values the host passes, with defaults filled in from the definition).
#ifndef SLUICE_SDK_CONFIG_H_
#define SLUICE_SDK_CONFIG_H_

#include <sluice/plugin_abi.h>
#include <sluice/sdk/errors.h>
#include <sluice/sdk/host.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace sluice {

enum class ConfigType : uint32_t {
  kBoolean = SLUICE_CONFIG_BOOLEAN,
  kInt = SLUICE_CONFIG_INT,
  kLong = SLUICE_CONFIG_LONG,
  kDouble = SLUICE_CONFIG_DOUBLE,
  kString = SLUICE_CONFIG_STRING,
  kList = SLUICE_CONFIG_LIST,
  kPassword = SLUICE_CONFIG_PASSWORD,
  kClass = SLUICE_CONFIG_CLASS,
};

enum class Importance : uint32_t {
  kHigh = SLUICE_IMPORTANCE_HIGH,
  kMedium = SLUICE_IMPORTANCE_MEDIUM,
  kLow = SLUICE_IMPORTANCE_LOW,
};

[[nodiscard]] inline const char* config_type_name(ConfigType type) noexcept {
  switch (type) {
    case ConfigType::kBoolean:
      return "BOOLEAN";
    case ConfigType::kInt:
      return "INT";
    case ConfigType::kLong:
      return "LONG";
    case ConfigType::kDouble:
      return "DOUBLE";
    case ConfigType::kString:
      return "STRING";
    case ConfigType::kList:
      return "LIST";
    case ConfigType::kPassword:
      return "PASSWORD";
    case ConfigType::kClass:
      return "CLASS";
  }
  return "UNKNOWN";
}

// A value written as text in the key table, accepted from C++ as text, a number or a bool, so that
// `.default_value = 100`, `.default_value = "a,b"` and `.min = 1` all read naturally.
class ConfigText {
 public:
  ConfigText() = default;
  ConfigText(const char* text)
      : text_(text == nullptr ? std::nullopt : std::optional(std::string(text))) {}  // NOLINT
  ConfigText(std::string text) : text_(std::move(text)) {}                           // NOLINT
  ConfigText(std::string_view text) : text_(std::string(text)) {}                    // NOLINT
  ConfigText(bool value) : text_(value ? "true" : "false") {}                        // NOLINT
  template <typename N,
            std::enable_if_t<std::is_arithmetic_v<N> && !std::is_same_v<N, bool>, int> = 0>
  ConfigText(N value) : text_(number_text(value)) {}  // NOLINT

  [[nodiscard]] bool has_value() const noexcept { return text_.has_value(); }
  [[nodiscard]] const std::optional<std::string>& text() const noexcept { return text_; }

 private:
  template <typename N>
  static std::string number_text(N value) {
    if constexpr (std::is_integral_v<N>) {
      return std::to_string(value);
    } else {
      char buffer[64];
      auto result = std::to_chars(buffer, buffer + sizeof buffer, static_cast<double>(value));
      return std::string(buffer, result.ptr);
    }
  }
  std::optional<std::string> text_;
};

// Options of one key; use designated initializers in this order, e.g.
// {.default_value = 100, .min = 1} or {.required = true, .sensitive = true}.
struct KeyOptions {
  ConfigText default_value;               // absent + !required = "default null" (optional key)
  bool required = false;                  // no default: a missing value is an error
  bool sensitive = false;                 // never logged or shown (PASSWORD keys always are)
  bool non_empty = false;                 // a string value must not be empty
  bool case_insensitive = false;          // valid_values compare ignoring ASCII case
  ConfigText min;                         // inclusive bound for INT/LONG/DOUBLE
  ConfigText max;                         // inclusive bound for INT/LONG/DOUBLE
  std::vector<std::string> valid_values;  // enum; for LIST every element must be one of them
  std::string group;                      // UI group (empty: none)
  int32_t order_in_group = -1;            // position in the group, -1 if none
  std::string display_name;               // empty: the key name
};

// One declared key (what ConfigDef::define records).
struct ConfigKey {
  std::string name;
  ConfigType type = ConfigType::kString;
  Importance importance = Importance::kMedium;
  std::string doc;
  std::optional<std::string> default_value;
  bool required = false;
  bool sensitive = false;
  bool non_empty = false;
  bool case_insensitive = false;
  std::optional<std::string> min;
  std::optional<std::string> max;
  std::vector<std::string> valid_values;
  std::string group;
  int32_t order_in_group = -1;
  std::string display_name;
};

// "Invalid value <text> for configuration <key>: <reason>": the worker's (and Kafka Connect's)
// wording for a bad value. The SDK uses it for every value it rejects; a connector's own checks
// (validate, start) can use it so their messages read the same.
[[nodiscard]] inline std::string invalid_value_message(std::string_view key, std::string_view text,
                                                       std::string_view reason) {
  std::string out = "Invalid value ";
  out.append(text).append(" for configuration ").append(key).append(": ").append(reason);
  return out;
}

namespace sdk_detail {

// What error messages show instead of a sensitive value (as the worker does).
inline constexpr std::string_view kHiddenValue = "[hidden]";

[[nodiscard]] inline std::string_view trim(std::string_view s) noexcept {
  const char* spaces = " \t\r\n\f\v";
  size_t first = s.find_first_not_of(spaces);
  if (first == std::string_view::npos) return {};
  size_t last = s.find_last_not_of(spaces);
  return s.substr(first, last - first + 1);
}

[[nodiscard]] inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

[[nodiscard]] inline std::optional<bool> parse_bool(std::string_view text) noexcept {
  text = trim(text);
  if (iequals(text, "true")) return true;
  if (iequals(text, "false")) return false;
  return std::nullopt;
}

[[nodiscard]] inline std::optional<int64_t> parse_int64(std::string_view text) noexcept {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

[[nodiscard]] inline std::optional<double> parse_double(std::string_view text) noexcept {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// Comma-separated elements, each trimmed; an empty (or blank) text is the empty list.
[[nodiscard]] inline std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  if (trim(text).empty()) return out;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string_view part = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    out.emplace_back(trim(part));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

[[nodiscard]] inline bool is_numeric(ConfigType type) noexcept {
  return type == ConfigType::kInt || type == ConfigType::kLong || type == ConfigType::kDouble;
}

// Whether `text` parses as a value of `type` (INT: a 32-bit integer; STRING, LIST, PASSWORD and
// CLASS accept any text).
[[nodiscard]] inline bool parses_as(ConfigType type, std::string_view text) noexcept {
  switch (type) {
    case ConfigType::kBoolean:
      return parse_bool(text).has_value();
    case ConfigType::kInt: {
      auto v = parse_int64(text);
      return v && *v >= std::numeric_limits<int32_t>::min() &&
             *v <= std::numeric_limits<int32_t>::max();
    }
    case ConfigType::kLong:
      return parse_int64(text).has_value();
    case ConfigType::kDouble:
      return parse_double(text).has_value();
    default:
      return true;
  }
}

// The reason a value is not of its key's type, as the worker words it.
[[nodiscard]] inline std::string type_problem(ConfigType type) {
  if (type == ConfigType::kBoolean) return "Expected value to be either true or false";
  return concat("Not a number of type ", config_type_name(type));
}

// a < b for two texts that parse as numbers of `type`; false if either does not.
[[nodiscard]] inline bool numerically_below(ConfigType type, std::string_view a,
                                            std::string_view b) noexcept {
  if (type == ConfigType::kDouble) {
    auto x = parse_double(a), y = parse_double(b);
    return x && y && *x < *y;
  }
  auto x = parse_int64(a), y = parse_int64(b);
  return x && y && *x < *y;
}

// Checks `text` against everything `key` declares, in the worker's order and with its words
// (runtime/config: the host checks the same key table before the plugin sees a value, so both
// sides report a bad value identically): the type ("Not a number of type INT", "Expected value
// to be either true or false"), then the bounds ("Value must be at least 1", "Value must be no
// more than 10"), then non-empty ("String must be non-empty"), then the valid values ("String
// must be one of: a, b", or "String must be one of (case insensitive): a, b"; for a LIST every
// element). Returns an empty string if valid, else the reason (without the key name; see
// invalid_value_message).
[[nodiscard]] inline std::string check_value(const ConfigKey& key, std::string_view text) {
  if (!parses_as(key.type, text)) return type_problem(key.type);
  if (is_numeric(key.type)) {
    if (key.min && numerically_below(key.type, text, *key.min))
      return concat("Value must be at least ", *key.min);
    if (key.max && numerically_below(key.type, *key.max, text))
      return concat("Value must be no more than ", *key.max);
  }
  if (key.non_empty && trim(text).empty()) return "String must be non-empty";
  if (key.valid_values.empty()) return {};
  std::vector<std::string> items;
  if (key.type == ConfigType::kList) {
    items = split_list(text);
  } else {
    items.emplace_back(trim(text));
  }
  for (const std::string& item : items) {
    bool found =
        std::any_of(key.valid_values.begin(), key.valid_values.end(), [&](const std::string& ok) {
          return key.case_insensitive ? iequals(ok, item) : ok == item;
        });
    if (!found) {
      std::string reason = key.case_insensitive ? "String must be one of (case insensitive): "
                                                : "String must be one of: ";
      for (size_t i = 0; i < key.valid_values.size(); ++i) {
        if (i > 0) reason += ", ";
        reason += key.valid_values[i];
      }
      return reason;
    }
  }
  return {};
}

// The worker's wording for a required key without a value.
[[nodiscard]] inline std::string missing_value_message(std::string_view key) {
  return concat("Missing required configuration \"", key, "\" which has no default value.");
}

// Keys the host owns (plugin-abi.md §6); a definition may not declare them.
[[nodiscard]] inline bool is_host_key(std::string_view name) noexcept {
  static constexpr std::string_view kExact[] = {
      "name",          "connector.class", "tasks.max",        "tasks.max.enforce",
      "key.converter", "value.converter", "header.converter", "transforms",
      "predicates",    "topics",          "topics.regex"};
  static constexpr std::string_view kPrefixes[] = {
      "errors.",         "topic.creation.", "producer.override.", "consumer.override.",
      "admin.override.", "key.converter.",  "value.converter.",   "header.converter."};
  for (auto exact : kExact) {
    if (name == exact) return true;
  }
  for (auto prefix : kPrefixes) {
    if (name.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

}  // namespace sdk_detail

// The keys of a connector or task, declared once in code. Drives the ABI key table (host-side
// parsing, validation, docs, secret masking) and sluice::Config (plugin-side parsing). define()
// throws std::invalid_argument for a definition mistake (duplicate or host-owned name, default
// that does not satisfy its own type/bounds); the SDK reports that when the library loads.
class ConfigDef {
 public:
  ConfigDef& define(std::string name, ConfigType type, Importance importance, std::string doc,
                    KeyOptions options = {}) {
    if (name.empty()) throw std::invalid_argument("config key with an empty name");
    if (find(name) != nullptr)
      throw std::invalid_argument("config key '" + name + "' defined twice");
    if (sdk_detail::is_host_key(name)) {
      throw std::invalid_argument("config key '" + name + "' belongs to the worker");
    }
    ConfigKey key;
    key.name = std::move(name);
    key.type = type;
    key.importance = importance;
    key.doc = std::move(doc);
    key.default_value = options.default_value.text();
    key.required = options.required;
    key.sensitive = options.sensitive || type == ConfigType::kPassword;
    key.non_empty = options.non_empty;
    key.case_insensitive = options.case_insensitive;
    key.min = options.min.text();
    key.max = options.max.text();
    key.valid_values = std::move(options.valid_values);
    key.group = std::move(options.group);
    key.order_in_group = options.order_in_group;
    key.display_name = std::move(options.display_name);
    for (const auto* bound : {&key.min, &key.max}) {
      if (*bound && !(sdk_detail::is_numeric(type) && sdk_detail::parses_as(type, **bound))) {
        throw std::invalid_argument("config key '" + key.name + "': bound '" + **bound +
                                    "' is not a number of type " + config_type_name(type));
      }
    }
    if (key.required && key.default_value) {
      throw std::invalid_argument("config key '" + key.name + "' is required and has a default");
    }
    if (key.default_value) {
      std::string problem = sdk_detail::check_value(key, *key.default_value);
      if (!problem.empty()) {
        throw std::invalid_argument("config key '" + key.name + "': default '" +
                                    *key.default_value + "': " + problem);
      }
    }
    keys_.push_back(std::move(key));
    return *this;
  }

  [[nodiscard]] const std::vector<ConfigKey>& keys() const noexcept { return keys_; }
  [[nodiscard]] const ConfigKey* find(std::string_view name) const noexcept {
    for (const auto& key : keys_) {
      if (key.name == name) return &key;
    }
    return nullptr;
  }

 private:
  std::vector<ConfigKey> keys_;
};

// The ABI table of a ConfigDef: NULL-name terminated sluice_config_key entries whose strings
// point into this object. Immutable and pinned (not copyable/movable) so the pointers handed to
// the host stay valid as long as it lives (the SDK keeps one per plugin for the library's life).
class ConfigKeyTable {
 public:
  explicit ConfigKeyTable(const ConfigDef& def) : keys_(def.keys()) {
    valid_value_ptrs_.resize(keys_.size());
    for (size_t i = 0; i < keys_.size(); ++i) {
      const ConfigKey& key = keys_[i];
      sluice_config_key entry{};
      entry.name = key.name.c_str();
      entry.type = static_cast<uint32_t>(key.type);
      entry.importance = static_cast<uint32_t>(key.importance);
      entry.flags = (key.required ? SLUICE_KEY_REQUIRED : 0u) |
                    (key.sensitive ? SLUICE_KEY_SENSITIVE : 0u) |
                    (key.non_empty ? SLUICE_KEY_NON_EMPTY : 0u) |
                    (key.case_insensitive ? SLUICE_KEY_CASE_INSENSITIVE : 0u);
      entry.default_value = key.default_value ? key.default_value->c_str() : nullptr;
      entry.doc = key.doc.c_str();
      entry.group = key.group.empty() ? nullptr : key.group.c_str();
      entry.order_in_group = key.order_in_group;
      entry.display_name = key.display_name.empty() ? nullptr : key.display_name.c_str();
      entry.min_value = key.min ? key.min->c_str() : nullptr;
      entry.max_value = key.max ? key.max->c_str() : nullptr;
      if (!key.valid_values.empty()) {
        auto& ptrs = valid_value_ptrs_[i];
        for (const auto& v : key.valid_values) ptrs.push_back(v.c_str());
        ptrs.push_back(nullptr);
        entry.valid_values = ptrs.data();
      }
      table_.push_back(entry);
    }
    table_.push_back(sluice_config_key{});  // sentinel: name NULL
  }
  ConfigKeyTable(const ConfigKeyTable&) = delete;
  ConfigKeyTable& operator=(const ConfigKeyTable&) = delete;

  // The table, valid while this object lives; the last entry has a NULL name.
  [[nodiscard]] const sluice_config_key* data() const noexcept { return table_.data(); }
  // Number of keys (without the sentinel).
  [[nodiscard]] size_t size() const noexcept { return table_.size() - 1; }

 private:
  const std::vector<ConfigKey> keys_;
  std::vector<std::vector<const char*>> valid_value_ptrs_;
  std::vector<sluice_config_key> table_;
};

// A parsed configuration: the values given (all of them, including keys the definition does not
// declare, e.g. the worker's `name` or `topics`) plus the defaults of declared keys that were not
// given. Self-contained (copies what it needs from the definition); cheap to copy.
//
// Construction checks every declared key and throws ConfigError naming the first bad key:
// missing required value, wrong type, out of bounds, not one of the valid values, empty.
// Getters parse on demand: a declared key's value is known to be valid; an undeclared key is
// parsed with the type asked for (ConfigError if it does not parse). A getter on a key with no
// value (missing, or default null) throws ConfigError; check has() first for optional keys.
class Config {
 public:
  Config() = default;

  Config(const ConfigDef& def, const sluice_config& raw) : Config(def, to_map(raw)) {}

  Config(const ConfigDef& def, std::map<std::string, std::string> given)
      : originals_(std::move(given)) {
    for (const ConfigKey& key : def.keys()) {
      declared_[key.name] = Declared{key.type, key.sensitive};
      auto it = originals_.find(key.name);
      if (it == originals_.end()) {
        if (key.required) throw ConfigError(key.name, sdk_detail::missing_value_message(key.name));
        if (key.default_value) values_[key.name] = *key.default_value;
        continue;
      }
      std::string problem = sdk_detail::check_value(key, it->second);
      if (!problem.empty()) {
        std::string_view shown = key.sensitive ? sdk_detail::kHiddenValue : it->second;
        throw ConfigError(key.name, invalid_value_message(key.name, shown, problem));
      }
      values_[key.name] = it->second;
    }
    for (const auto& [name, value] : originals_) values_.emplace(name, value);
  }

  // True if the key has a value (given, or a non-null default).
  [[nodiscard]] bool has(std::string_view key) const {
    return values_.count(std::string(key)) != 0;
  }

  [[nodiscard]] std::string get_string(std::string_view key) const {
    const std::string& text = raw(key);
    auto type = declared_type(key);
    return type == ConfigType::kPassword ? text : std::string(sdk_detail::trim(text));
  }
  [[nodiscard]] std::optional<std::string> get_optional_string(std::string_view key) const {
    if (!has(key)) return std::nullopt;
    return get_string(key);
  }
  [[nodiscard]] int32_t get_int(std::string_view key) const {
    if (!sdk_detail::parses_as(ConfigType::kInt, raw(key))) throw bad(key, ConfigType::kInt);
    return static_cast<int32_t>(*sdk_detail::parse_int64(raw(key)));
  }
  [[nodiscard]] int64_t get_long(std::string_view key) const {
    auto v = sdk_detail::parse_int64(raw(key));
    if (!v) throw bad(key, ConfigType::kLong);
    return *v;
  }
  [[nodiscard]] double get_double(std::string_view key) const {
    auto v = sdk_detail::parse_double(raw(key));
    if (!v) throw bad(key, ConfigType::kDouble);
    return *v;
  }
  [[nodiscard]] bool get_bool(std::string_view key) const {
    auto v = sdk_detail::parse_bool(raw(key));
    if (!v) throw bad(key, ConfigType::kBoolean);
    return *v;
  }
  [[nodiscard]] std::vector<std::string> get_list(std::string_view key) const {
    return sdk_detail::split_list(raw(key));
  }

  // Every value given to the plugin, as text, defaults not included (e.g. to pass a connector's
  // configuration on to its tasks).
  [[nodiscard]] const std::map<std::string, std::string>& originals() const noexcept {
    return originals_;
  }
  // Every value with defaults filled in, as text.
  [[nodiscard]] const std::map<std::string, std::string>& values() const noexcept {
    return values_;
  }

  static std::map<std::string, std::string> to_map(const sluice_config& raw) {
    std::map<std::string, std::string> out;
    for (uint64_t i = 0; raw.entries != nullptr && i < raw.count; ++i) {
      out[std::string(sdk_detail::from_str(raw.entries[i].key))] =
          std::string(sdk_detail::from_str(raw.entries[i].value));
    }
    return out;
  }

 private:
  [[nodiscard]] const std::string& raw(std::string_view key) const {
    auto it = values_.find(std::string(key));
    if (it == values_.end()) {
      throw ConfigError(std::string(key),
                        "Configuration \"" + std::string(key) + "\" has no value");
    }
    return it->second;
  }
  struct Declared {
    ConfigType type;
    bool sensitive;
  };
  [[nodiscard]] std::optional<ConfigType> declared_type(std::string_view key) const {
    auto it = declared_.find(std::string(key));
    if (it == declared_.end()) return std::nullopt;
    return it->second.type;
  }
  // The error for a value that does not parse as `type` (an undeclared key read as a number).
  [[nodiscard]] ConfigError bad(std::string_view key, ConfigType type) const {
    auto it = declared_.find(std::string(key));
    bool hidden = it != declared_.end() && it->second.sensitive;
    std::string_view shown = hidden ? sdk_detail::kHiddenValue : std::string_view(raw(key));
    return ConfigError(std::string(key),
                       invalid_value_message(key, shown, sdk_detail::type_problem(type)));
  }

  std::map<std::string, std::string> originals_;
  std::map<std::string, std::string> values_;
  std::map<std::string, Declared> declared_;
};

}  // namespace sluice

#endif  // SLUICE_SDK_CONFIG_H_
