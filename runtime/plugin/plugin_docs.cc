// Generates a plugin's reference page; see plugin_docs.h.
#include "runtime/plugin/plugin_docs.h"

#include <string_view>

namespace sluice::plugin {
namespace {

// Text for one table cell: pipes escaped, line breaks folded into spaces.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string code(std::string_view text) {
  return "`" + cell(text) + "`";
}

std::string default_cell(const config::KeyDef& key) {
  if (key.required) return "(required)";
  if (!key.default_value) return "null";
  if (key.sensitive) return "(hidden)";
  if (key.default_value->empty()) return "\"\"";
  return code(*key.default_value);
}

std::string valid_cell(const config::KeyDef& key) {
  std::string out;
  if (!key.valid_values.empty()) {
    out = key.type == config::ConfigType::kList ? "each of " : "one of ";
    for (size_t i = 0; i < key.valid_values.size(); ++i) {
      out += (i == 0 ? "" : ", ") + code(key.valid_values[i]);
    }
    if (key.case_insensitive) out += " (any case)";
  } else if (key.min_value && key.max_value) {
    out = "[" + cell(*key.min_value) + ", " + cell(*key.max_value) + "]";
  } else if (key.min_value) {
    out = "≥ " + cell(*key.min_value);
  } else if (key.max_value) {
    out = "≤ " + cell(*key.max_value);
  }
  if (key.non_empty) out += out.empty() ? "non-empty" : "; non-empty";
  return out;
}

std::string kind_phrase(PluginKind kind) {
  switch (kind) {
    case PluginKind::kSource:
      return "source connector";
    case PluginKind::kSink:
      return "sink connector";
    case PluginKind::kConverter:
      return "converter";
    case PluginKind::kTransform:
      return "transformation";
  }
  return "plugin";
}

}  // namespace

std::string render_connector_markdown(const PluginInfo& info) {
  std::string title = info.class_name.substr(info.class_name.rfind('.') + 1);
  std::string md = "# " + title + "\n\n";
  md +=
      "<!-- Generated from the plugin's config definitions by `sluice plugin-docs`; do not edit. "
      "-->\n\n";
  if (!info.description.empty()) md += info.description + "\n\n";
  md += "| | |\n| --- | --- |\n";
  md += "| Class | " + code(info.class_name) + " |\n";
  md += "| Kind | " + kind_phrase(info.kind) + " |\n";
  md += "| Version | " + cell(info.version) + " |\n";
  if (!info.aliases.empty()) {
    md += "| Aliases | ";
    for (size_t i = 0; i < info.aliases.size(); ++i) {
      md += (i == 0 ? "" : ", ") + code(info.aliases[i]);
    }
    md += " |\n";
  }
  md += "\n## Configuration\n\n";
  bool connector = info.kind == PluginKind::kSource || info.kind == PluginKind::kSink;
  if (connector) {
    md +=
        "Besides the keys below, the connector takes the worker's common connector keys "
        "(`name`, `connector.class`, `tasks.max`, converters, `transforms`, `errors.*`";
    md += info.kind == PluginKind::kSink ? ", `topics` / `topics.regex`" : ", `topic.creation.*`";
    md += ").\n\n";
  }
  if (info.config_keys.empty()) {
    md += "This plugin has no keys of its own.\n";
    return md;
  }
  md += "| Key | Type | Default | Valid values | Importance | Description |\n";
  md += "| --- | --- | --- | --- | --- | --- |\n";
  for (const config::KeyDef& key : info.config_keys) {
    std::string doc = cell(key.doc);
    if (key.sensitive) doc += " (Sensitive: never shown in logs or REST answers.)";
    md += "| " + code(key.name) + " | " + std::string(config::config_type_name(key.type)) + " | " +
          default_cell(key) + " | " + valid_cell(key) + " | " +
          std::string(config::importance_name(key.importance)) + " | " + doc + " |\n";
  }
  return md;
}

}  // namespace sluice::plugin
