// ConnectorValidator: see connector_validator.h.
#include "runtime/worker/connector_validator.h"

#include "broker-lite/util/logging.h"
#include "broker-lite/util/nearest_name.h"
#include "runtime/config/connector_config.h"
#include "runtime/config/providers.h"
#include "runtime/data/converter.h"
#include "runtime/plugin/handles.h"
#include "runtime/plugin/plugin_registry.h"

namespace sluice::worker {

Result<const plugin::PluginInfo*> ConnectorValidator::connector_plugin(
    const config::Props& config) const {
  auto it = config.find("connector.class");
  if (it == config.end() || it->second.empty()) {
    return Status::invalid_argument("Connector config is missing 'connector.class'");
  }
  const plugin::PluginInfo* info = services_.plugins->find(it->second);
  if (info == nullptr) {
    return Status::invalid_argument(services_.plugins->unknown_class_message(it->second));
  }
  if (info->kind != plugin::PluginKind::kSource && info->kind != plugin::PluginKind::kSink) {
    return Status::invalid_argument("'" + it->second + "' is a " +
                                    std::string(plugin::plugin_kind_name(info->kind)) +
                                    ", not a connector");
  }
  return info;
}

Result<const config::ConnectorConfigDef*> ConnectorValidator::config_def(
    const plugin::PluginInfo& info) {
  auto it = config_defs_.find(info.class_name);
  if (it != config_defs_.end()) return it->second.get();
  auto def = config::ConnectorConfigDef::from_plugin_table(
      info.kind == plugin::PluginKind::kSource ? config::ConnectorKind::kSource
                                               : config::ConnectorKind::kSink,
      info.descriptor->config_keys, info.descriptor->config_key_size);
  if (!def.is_ok()) return def.status().with_context(info.class_name);
  auto owned = std::make_unique<config::ConnectorConfigDef>(std::move(def).value());
  const config::ConnectorConfigDef* pointer = owned.get();
  config_defs_.emplace(info.class_name, std::move(owned));
  return pointer;
}

Result<ConnectorValidator::Validation> ConnectorValidator::run(const plugin::PluginInfo& info,
                                                               const config::Props& raw) {
  auto def = config_def(info);
  if (!def.is_ok()) return def.status();
  Validation result;
  for (const auto& [key, value] : raw) {
    if (config::has_placeholder(value)) result.placeholders[key] = value;
  }
  config::Props resolved = raw;
  const std::string name = raw.count("name") ? raw.at("name") : info.class_name;
  Status resolving = config::resolve_providers(&resolved, "connector " + name, nullptr);
  if (!resolving.is_ok()) return Status::invalid_argument(std::string(resolving.message()));
  result.resolved = std::move(resolved);
  config::ConfigInfos& infos = result.infos;
  infos = def.value()->validate(info.class_name, result.resolved, &result.placeholders);
  if (auto transforms = raw.find("transforms");
      transforms != raw.end() && !config::split_list(transforms->second).empty()) {
    infos.add_error("transforms",
                    "transforms are not run by this version of Sluice; remove "
                    "'transforms' from the connector config");
  }
  if (infos.error_count == 0) {
    // The plugin's own cross-key checks run on a fresh instance that is never started.
    auto context =
        plugin::make_context({"", -1, services_.worker_id, info.class_name}, nullptr, nullptr);
    auto handle = plugin::ConnectorHandle::create(info, std::move(context));
    if (!handle.is_ok()) return handle.status();
    std::vector<std::pair<std::string, std::string>> key_errors;
    Status validated = handle.value()->validate(result.resolved, &key_errors);
    for (auto& [key, message] : key_errors) infos.add_error(key, message);
    if (!validated.is_ok()) infos.add_error("", std::string(validated.message()));
  }
  return result;
}

Result<ConnectorValidator::Validation> ConnectorValidator::for_create(
    const plugin::PluginInfo& info, const config::Props& config) {
  auto validation = run(info, config);
  if (!validation.is_ok()) return validation.status();
  const config::ConfigInfos& infos = validation.value().infos;
  if (infos.error_count == 0) return std::move(validation).value();
  std::string message = "Connector configuration is invalid and contains the following " +
                        std::to_string(infos.error_count) + " error(s):";
  for (const auto& line : infos.error_messages()) message += "\n" + line;
  message +=
      "\nYou can also find the above list of errors at the endpoint "
      "`/connector-plugins/{connectorType}/config/validate`";
  return Status::invalid_argument(message);
}

Result<nlohmann::json> ConnectorValidator::validate_to_json(const std::string& plugin_name,
                                                            const config::Props& config) {
  const plugin::PluginInfo* info = services_.plugins->find(plugin_name);
  if (info == nullptr) {
    return Status::not_found(services_.plugins->unknown_class_message(plugin_name));
  }
  auto validation = run(*info, config);
  if (!validation.is_ok()) return validation.status();
  return validation.value().infos.to_json();
}

config::Props ConnectorValidator::masked(const plugin::PluginInfo& info, const config::Props& props,
                                         const config::Props& placeholders) {
  auto def = config_def(info);
  if (!def.is_ok()) {
    // Without a definition nothing can be shown safely.
    config::Props hidden;
    for (const auto& [key, value] : props) hidden[key] = "[hidden]";
    return hidden;
  }
  return def.value()->masked(props, &placeholders);
}

void ConnectorValidator::warn_unknown_keys(const std::string& connector,
                                           const plugin::PluginInfo& info,
                                           const config::Props& raw) {
  auto def = config_def(info);
  if (!def.is_ok()) return;
  for (const auto& [key, value] : raw) {
    if (def.value()->find(key) != nullptr || config::is_host_connector_key(key)) continue;
    std::string nearest =
        nearest_name(key, def.value()->keys(),
                     [](const config::KeyDef& k) -> std::string_view { return k.name; });
    SLUICE_LOG(kWarn, "herder",
               "connector " + connector + ": key '" + key + "' is not defined by " +
                   info.class_name +
                   (nearest.empty() ? std::string() : " (did you mean '" + nearest + "'?)") +
                   "; it is passed to the connector as is");
  }
}

std::string ConnectorValidator::type_of(const plugin::PluginInfo& info) {
  return info.kind == plugin::PluginKind::kSource ? "source" : "sink";
}

std::vector<rest::PluginListing> ConnectorValidator::plugin_listing(bool connectors_only) const {
  std::vector<rest::PluginListing> result;
  for (const plugin::PluginInfo* info : services_.plugins->plugins()) {
    const bool is_connector =
        info->kind == plugin::PluginKind::kSource || info->kind == plugin::PluginKind::kSink;
    if (connectors_only && !is_connector) continue;
    std::string type(plugin::plugin_kind_name(info->kind));
    if (type == "transform") type = "transformation";
    result.push_back({info->class_name, type, info->version});
  }
  if (!connectors_only) {
    for (const auto& builtin : data::builtin_converters()) {
      result.push_back(
          {std::string(builtin.class_name), "converter", std::string(builtin.version)});
    }
  }
  return result;
}

Result<nlohmann::json> ConnectorValidator::config_definitions(const std::string& plugin_name) {
  const plugin::PluginInfo* info = services_.plugins->find(plugin_name);
  if (info == nullptr) {
    return Status::not_found(services_.plugins->unknown_class_message(plugin_name));
  }
  if (info->kind != plugin::PluginKind::kSource && info->kind != plugin::PluginKind::kSink) {
    return nlohmann::json::array();
  }
  auto def = config_def(*info);
  if (!def.is_ok()) return def.status();
  return def.value()->definitions_json();
}

std::vector<rest::RefusedPluginInfo> ConnectorValidator::refused_plugins() const {
  std::vector<rest::RefusedPluginInfo> result;
  for (const auto& refused : services_.plugins->refused()) {
    result.push_back({refused.file, refused.reason});
  }
  return result;
}

}  // namespace sluice::worker
