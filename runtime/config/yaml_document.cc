// YAML reading and flattening for runtime/config (see yaml_document.h).
#include "runtime/config/yaml_document.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sluice::config {

std::string yaml_position(const std::string& source, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return source;
  return source + ":" + std::to_string(mark.line + 1);
}

Result<YAML::Node> parse_yaml_map(std::string_view text, const std::string& source) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (root.IsNull()) return YAML::Node(YAML::NodeType::Map);
    if (!root.IsMap()) {
      return Status::invalid_argument(yaml_position(source, root) +
                                      ": the top level must be a map of keys to values");
    }
    return root;
  } catch (const YAML::Exception& e) {
    std::string where = source;
    if (!e.mark.is_null()) {
      where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    return Status::invalid_argument(where + ": YAML syntax error: " + e.msg);
  }
}

namespace {

// Scalar text of a node known to be a scalar.
std::string scalar_text(const YAML::Node& node) {
  return node.Scalar();
}

Status flatten_into(const YAML::Node& node, const std::string& prefix, const std::string& where,
                    Props* out, std::map<std::string, int>* lines, std::string_view skip_key) {
  for (const auto& entry : node) {
    const YAML::Node& key_node = entry.first;
    const YAML::Node& value = entry.second;
    if (!key_node.IsScalar()) {
      return Status::invalid_argument(yaml_position(where, key_node) +
                                      ": a key must be plain text");
    }
    if (!skip_key.empty() && scalar_text(key_node) == skip_key) continue;
    std::string key = prefix + scalar_text(key_node);
    int line = key_node.Mark().is_null() ? 0 : key_node.Mark().line + 1;
    if (value.IsMap()) {
      SLUICE_RETURN_IF_ERROR(flatten_into(value, key + ".", where, out, lines, {}));
      continue;
    }
    if (value.IsNull() || !value.IsDefined()) continue;
    std::string text;
    if (value.IsScalar()) {
      text = scalar_text(value);
    } else if (value.IsSequence()) {
      bool first = true;
      for (const auto& item : value) {
        if (!item.IsScalar()) {
          return Status::invalid_argument(yaml_position(where, item) + ": key '" + key +
                                          "': list elements must be plain values");
        }
        if (!first) text += ",";
        first = false;
        text += scalar_text(item);
      }
    }
    auto [it, inserted] = lines->emplace(key, line);
    if (!inserted) {
      return Status::invalid_argument(where + ": key '" + key + "' is given twice (lines " +
                                      std::to_string(it->second) + " and " + std::to_string(line) +
                                      ")");
    }
    (*out)[key] = std::move(text);
  }
  return Status::ok();
}

}  // namespace

Status flatten_yaml_map(const YAML::Node& node, const std::string& prefix, const std::string& where,
                        Props* out, std::string_view skip_key) {
  try {
    std::map<std::string, int> lines;
    for (const auto& [key, value] : *out) lines.emplace(key, 0);
    return flatten_into(node, prefix, where, out, &lines, skip_key);
  } catch (const YAML::Exception& e) {
    return Status::invalid_argument(where + ": " + e.msg);
  }
}

Result<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    std::string m = "cannot read " + path + ": " + std::strerror(err);
    return err == ENOENT ? Status::not_found(m) : Status::io_error(m);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::io_error("cannot read " + path + ": read failed");
  return ss.str();
}

}  // namespace sluice::config
