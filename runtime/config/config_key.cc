// Parsing and checking of configuration values (see config_key.h).
#include "runtime/config/config_key.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace sluice::config {

std::string_view importance_name(Importance importance) {
  switch (importance) {
    case Importance::kHigh:
      return "HIGH";
    case Importance::kMedium:
      return "MEDIUM";
    case Importance::kLow:
      return "LOW";
  }
  return "UNKNOWN";
}

std::string_view width_name(Width width) {
  switch (width) {
    case Width::kNone:
      return "NONE";
    case Width::kShort:
      return "SHORT";
    case Width::kMedium:
      return "MEDIUM";
    case Width::kLong:
      return "LONG";
  }
  return "NONE";
}

bool is_known_config_type(uint32_t value) {
  return value >= 1 && value <= 8;
}
bool is_known_importance(uint32_t value) {
  return value >= 1 && value <= 3;
}

std::string trim(std::string_view text) {
  size_t b = text.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(b, e - b + 1));
}

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// Compares a numeric value with a bound written as text of the same type.
bool below(ConfigType type, std::string_view value, std::string_view bound) {
  if (type == ConfigType::kDouble) return *parse_double(value) < *parse_double(bound);
  return *parse_long(value) < *parse_long(bound);
}

}  // namespace

std::optional<bool> parse_bool(std::string_view text) {
  std::string t = trim(text);
  if (iequals(t, "true")) return true;
  if (iequals(t, "false")) return false;
  return std::nullopt;
}

std::optional<int64_t> parse_long(std::string_view text) {
  std::string t = trim(text);
  if (t.empty()) return std::nullopt;
  const char* b = t.data();
  if (*b == '+') ++b;  // Java's Long.parseLong accepts a leading '+'
  int64_t value = 0;
  auto [p, ec] = std::from_chars(b, t.data() + t.size(), value);
  if (ec != std::errc() || p != t.data() + t.size()) return std::nullopt;
  return value;
}

std::optional<int32_t> parse_int(std::string_view text) {
  auto v = parse_long(text);
  if (!v || *v < std::numeric_limits<int32_t>::min() || *v > std::numeric_limits<int32_t>::max()) {
    return std::nullopt;
  }
  return static_cast<int32_t>(*v);
}

std::optional<double> parse_double(std::string_view text) {
  std::string t = trim(text);
  if (t.empty()) return std::nullopt;
  char* end = nullptr;
  double value = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size() || !std::isfinite(value)) return std::nullopt;
  // strtod also reads hexadecimal and "inf"/"nan" spellings Java does not; refuse them.
  for (char c : t) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' ||
          c == 'e' || c == 'E')) {
      return std::nullopt;
    }
  }
  return value;
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  if (trim(text).empty()) return out;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    out.push_back(
        trim(text.substr(start, comma == std::string_view::npos ? text.npos : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

bool parses_as(ConfigType type, std::string_view text) {
  switch (type) {
    case ConfigType::kBoolean:
      return parse_bool(text).has_value();
    case ConfigType::kInt:
      return parse_int(text).has_value();
    case ConfigType::kLong:
      return parse_long(text).has_value();
    case ConfigType::kDouble:
      return parse_double(text).has_value();
    case ConfigType::kString:
    case ConfigType::kList:
    case ConfigType::kPassword:
    case ConfigType::kClass:
      return true;
  }
  return false;
}

std::optional<std::string> value_problem(const KeyDef& key, std::string_view text) {
  if (!parses_as(key.type, text)) {
    if (key.type == ConfigType::kBoolean) return "Expected value to be either true or false";
    return "Not a number of type " + std::string(config_type_name(key.type));
  }
  bool numeric = key.type == ConfigType::kInt || key.type == ConfigType::kLong ||
                 key.type == ConfigType::kDouble;
  if (numeric && key.min_value && below(key.type, text, *key.min_value)) {
    return "Value must be at least " + *key.min_value;
  }
  if (numeric && key.max_value && below(key.type, *key.max_value, text)) {
    return "Value must be no more than " + *key.max_value;
  }
  if (key.non_empty && trim(text).empty()) return "String must be non-empty";
  if (!key.valid_values.empty()) {
    std::vector<std::string> items;
    if (key.type == ConfigType::kList) {
      items = split_list(text);
    } else {
      items.push_back(trim(text));
    }
    for (const auto& item : items) {
      bool found = false;
      for (const auto& valid : key.valid_values) {
        if (key.case_insensitive ? iequals(item, valid) : item == valid) found = true;
      }
      if (!found) {
        return std::string(key.case_insensitive ? "String must be one of (case insensitive): "
                                                : "String must be one of: ") +
               join(key.valid_values);
      }
    }
  }
  return std::nullopt;
}

std::string invalid_value_message(std::string_view name, std::string_view text,
                                  std::string_view reason) {
  std::string m = "Invalid value ";
  m += text;
  m += " for configuration ";
  m += name;
  m += ": ";
  m += reason;
  return m;
}

}  // namespace sluice::config
