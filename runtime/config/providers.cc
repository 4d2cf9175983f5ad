// Resolution of ${env:...} and ${file:...:...} placeholders (see providers.h).
#include "runtime/config/providers.h"

#include <cctype>
#include <cstdlib>
#include <optional>

#include "runtime/config/yaml_document.h"

namespace sluice::config {
namespace {

bool is_provider_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

// A placeholder found at `value[start]` == '$'.
struct Placeholder {
  size_t end = 0;  // one past the closing '}'
  std::string_view provider;
  std::string_view body;  // between "provider:" and '}'
};

std::optional<Placeholder> placeholder_at(std::string_view value, size_t start) {
  if (value.substr(start, 2) != "${") return std::nullopt;
  size_t p = start + 2;
  size_t name_begin = p;
  while (p < value.size() && is_provider_char(value[p])) ++p;
  if (p == name_begin || p >= value.size() || value[p] != ':') return std::nullopt;
  size_t close = value.find('}', p + 1);
  if (close == std::string_view::npos) return std::nullopt;
  return Placeholder{close + 1, value.substr(name_begin, p - name_begin),
                     value.substr(p + 1, close - p - 1)};
}

// Resolves placeholders for one resolve_providers call; caches property files.
class Resolver {
 public:
  // Returns the value with placeholders replaced, or an error message (without the prefix).
  Result<std::string> resolve(std::string_view value, bool* had_placeholder) {
    std::string out;
    size_t i = 0;
    while (i < value.size()) {
      if (value.substr(i, 3) == "$${") {
        out += "${";
        i += 3;
        continue;
      }
      auto ph = placeholder_at(value, i);
      if (!ph) {
        out += value[i++];
        continue;
      }
      *had_placeholder = true;
      std::string text(value.substr(i, ph->end - i));
      auto resolved = lookup(*ph);
      if (!resolved.is_ok())
        return Status(resolved.status().code(),
                      text + ": " + std::string(resolved.status().message()));
      out += *resolved;
      i = ph->end;
    }
    return out;
  }

 private:
  Result<std::string> lookup(const Placeholder& ph) {
    if (ph.provider == "env") {
      std::string name(ph.body);
      if (name.empty()) return Status::invalid_argument("no environment variable named");
      const char* v = std::getenv(name.c_str());
      if (v == nullptr) {
        return Status::invalid_argument("environment variable " + name + " is not set");
      }
      return std::string(v);
    }
    if (ph.provider == "file") {
      size_t colon = ph.body.rfind(':');
      if (colon == std::string_view::npos || colon == 0 || colon + 1 == ph.body.size()) {
        return Status::invalid_argument("the file provider needs ${file:PATH:KEY}");
      }
      std::string path(ph.body.substr(0, colon));
      std::string key(ph.body.substr(colon + 1));
      auto it = files_.find(path);
      if (it == files_.end()) {
        auto text = read_text_file(path);
        if (!text.is_ok()) return Status::invalid_argument(std::string(text.status().message()));
        it = files_.emplace(path, parse_java_properties(*text)).first;
      }
      auto kv = it->second.find(key);
      if (kv == it->second.end()) {
        return Status::invalid_argument(path + " has no key '" + key + "'");
      }
      return kv->second;
    }
    return Status::invalid_argument("unknown config provider '" + std::string(ph.provider) +
                                    "' (Sluice provides 'env' and 'file')");
  }

  std::map<std::string, Props> files_;
};

void append_utf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Joins continuation lines: a line ending in an odd number of backslashes continues on the next
// one, whose leading blanks are dropped.
std::vector<std::string> logical_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::string current;
  bool continuing = false;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (continuing) {
      size_t b = line.find_first_not_of(" \t\f");
      line = b == std::string_view::npos ? std::string_view() : line.substr(b);
    } else {
      size_t b = line.find_first_not_of(" \t\f");
      if (b == std::string_view::npos || line[b] == '#' || line[b] == '!') continue;
      line = line.substr(b);
    }
    size_t backslashes = 0;
    while (backslashes < line.size() && line[line.size() - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 1) {
      current.append(line.substr(0, line.size() - 1));
      continuing = true;
      continue;
    }
    current.append(line);
    lines.push_back(std::move(current));
    current.clear();
    continuing = false;
  }
  if (continuing) lines.push_back(std::move(current));
  return lines;
}

// Undoes backslash escapes in text[from, to).
std::string unescape(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '\\' || i + 1 == text.size()) {
      out += c;
      continue;
    }
    char e = text[++i];
    switch (e) {
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u': {
        uint32_t cp = 0;
        size_t digits = 0;
        while (digits < 4 && i + 1 < text.size() &&
               std::isxdigit(static_cast<unsigned char>(text[i + 1]))) {
          char h = text[++i];
          cp = cp * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(h))
                                                   ? h - '0'
                                                   : std::tolower(h) - 'a' + 10);
          ++digits;
        }
        if (digits == 4) {
          append_utf8(cp, &out);
        } else {
          out += 'u';
        }
        break;
      }
      default:
        out += e;
    }
  }
  return out;
}

}  // namespace

Props parse_java_properties(std::string_view text) {
  Props out;
  for (const std::string& line : logical_lines(text)) {
    size_t i = 0;
    while (i < line.size()) {
      char c = line[i];
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f') break;
      ++i;
    }
    std::string key = unescape(std::string_view(line).substr(0, std::min(i, line.size())));
    size_t v = i;
    while (v < line.size() && (line[v] == ' ' || line[v] == '\t' || line[v] == '\f')) ++v;
    if (v < line.size() && (line[v] == '=' || line[v] == ':')) ++v;
    while (v < line.size() && (line[v] == ' ' || line[v] == '\t' || line[v] == '\f')) ++v;
    out[key] = unescape(v < line.size() ? std::string_view(line).substr(v) : std::string_view());
  }
  return out;
}

bool has_placeholder(std::string_view value) {
  for (size_t i = 0; i < value.size(); ++i) {
    if (value.substr(i, 3) == "$${") {
      i += 2;
      continue;
    }
    if (placeholder_at(value, i)) return true;
  }
  return false;
}

Status resolve_providers(Props* props, std::string_view source_name, Props* raw_out) {
  Resolver resolver;
  Props resolved;
  Props raw;
  for (const auto& [key, value] : *props) {
    if (value.find("${") == std::string::npos) {
      resolved.emplace(key, value);
      continue;
    }
    bool had_placeholder = false;
    auto r = resolver.resolve(value, &had_placeholder);
    if (!r.is_ok()) {
      return Status(r.status().code(), std::string(source_name) + ": key '" + key +
                                           "': " + std::string(r.status().message()));
    }
    if (had_placeholder) raw.emplace(key, value);
    resolved.emplace(key, std::move(*r));
  }
  *props = std::move(resolved);
  if (raw_out != nullptr) {
    for (auto& [key, text] : raw) (*raw_out)[key] = std::move(text);
  }
  return Status::ok();
}

}  // namespace sluice::config
