// Loading of connector files (see connector_config.h).
#include "runtime/config/connector_config.h"

#include "broker-lite/util/nearest_name.h"
#include "runtime/config/yaml_document.h"

namespace sluice::config {

Result<std::string> check_connector_name(std::string_view name, const std::string& where) {
  std::string trimmed = trim(name);
  if (trimmed.empty()) return Status::invalid_argument(where + ": connector name is empty");
  for (unsigned char c : trimmed) {
    // ISO control characters: U+0000..U+001F and U+007F..U+009F (the latter as UTF-8 C2 80..9F).
    if (c < 0x20 || c == 0x7F) {
      return Status::invalid_argument(where + ": connector name contains a control character");
    }
  }
  for (size_t i = 0; i + 1 < trimmed.size(); ++i) {
    auto b0 = static_cast<unsigned char>(trimmed[i]);
    auto b1 = static_cast<unsigned char>(trimmed[i + 1]);
    if (b0 == 0xC2 && b1 >= 0x80 && b1 <= 0x9F) {
      return Status::invalid_argument(where + ": connector name contains a control character");
    }
  }
  return trimmed;
}

Result<ConnectorConfigFile> parse_connector_config(std::string_view yaml_text,
                                                   const std::string& source_name) {
  auto root = parse_yaml_map(yaml_text, source_name);
  if (!root.is_ok()) return root.status();
  ConnectorConfigFile out;
  std::string name;
  try {
    const YAML::Node& top = *root;
    YAML::Node config_node = top["config"];
    if (config_node.IsDefined() && !config_node.IsNull()) {
      // The REST body's shape.
      if (!config_node.IsMap()) {
        return Status::invalid_argument(yaml_position(source_name, config_node) +
                                        ": key 'config' must be a map of connector properties");
      }
      for (const auto& entry : top) {
        std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "";
        if (key != "name" && key != "config") {
          return Status::invalid_argument(
              yaml_position(source_name, entry.first) + ": unexpected key '" + key +
              "' beside 'name' and 'config'" +
              (edit_distance(key, "name") <= 2 ? std::string(" (did you mean 'name'?)")
                                               : std::string(" (put connector properties under "
                                                             "'config')")));
        }
      }
      SLUICE_RETURN_IF_ERROR(flatten_yaml_map(config_node, "", source_name, &out.config));
      YAML::Node name_node = top["name"];
      if (name_node.IsDefined() && !name_node.IsNull()) {
        if (!name_node.IsScalar()) {
          return Status::invalid_argument(yaml_position(source_name, name_node) +
                                          ": 'name' must be text");
        }
        name = name_node.Scalar();
        auto inner = out.config.find("name");
        if (inner != out.config.end() && trim(inner->second) != trim(name)) {
          return Status::invalid_argument(source_name + ": name '" + trim(name) +
                                          "' differs from config.name '" + trim(inner->second) +
                                          "'");
        }
      } else if (auto inner = out.config.find("name"); inner != out.config.end()) {
        name = inner->second;
      } else {
        return Status::invalid_argument(source_name + ": missing connector 'name'");
      }
    } else {
      // A flat map of properties. A map-valued key spelled almost like 'config' is a typo of the
      // REST shape, not a family of properties.
      for (const auto& entry : top) {
        const std::string key = entry.first.Scalar();
        if (entry.second.IsMap() && key != "config" && edit_distance(key, "config") <= 2) {
          return Status::invalid_argument(yaml_position(source_name, entry.first) +
                                          ": unknown key '" + key + "' (did you mean 'config'?)");
        }
      }
      SLUICE_RETURN_IF_ERROR(flatten_yaml_map(top, "", source_name, &out.config));
      auto it = out.config.find("name");
      if (it == out.config.end()) {
        return Status::invalid_argument(
            source_name +
            ": missing connector 'name' (give name: and config:, or a flat map of "
            "properties that includes name)");
      }
      name = it->second;
    }
  } catch (const YAML::Exception& e) {
    return Status::invalid_argument(source_name + ": " + e.msg);
  }
  auto checked = check_connector_name(name, source_name);
  if (!checked.is_ok()) return checked.status();
  out.name = *checked;
  out.config["name"] = out.name;
  return out;
}

Result<ConnectorConfigFile> load_connector_config(const std::string& path) {
  auto text = read_text_file(path);
  if (!text.is_ok()) return text.status();
  return parse_connector_config(*text, path);
}

}  // namespace sluice::config
