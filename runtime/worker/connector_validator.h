// ConnectorValidator: what both herders (standalone and distributed) need to know about a
// connector config before it is stored: which plugin it names, the plugin's key table, the checks
// of POST /connectors and PUT .../config/validate (key table, placeholders resolved, the plugin's
// own validate hook), masking of sensitive values for REST answers, and the plugin listings.
// It decides nothing about where a connector runs.
//
// Threads: thread-compatible. Each herder owns one and calls it from its control thread only
// (the key-table cache is not locked).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "broker-lite/util/status.h"
#include "runtime/config/config_def.h"
#include "runtime/config/config_key.h"
#include "runtime/rest/herder_api.h"
#include "runtime/worker/worker_services.h"

namespace sluice::plugin {
struct PluginInfo;
}

namespace sluice::worker {

class ConnectorValidator {
 public:
  // `services` (and its plugin registry) is borrowed and must outlive the validator; its
  // worker_id is read at each validation.
  explicit ConnectorValidator(const WorkerServices& services) : services_(services) {}

  // A validated connector config: placeholders resolved once, for the checks and for the
  // connector that is then created or reconfigured from it.
  struct Validation {
    config::Props resolved;      // placeholders replaced
    config::Props placeholders;  // keys whose value holds a placeholder → raw text
    config::ConfigInfos infos;   // the checks' findings (placeholders shown unresolved)
  };

  // The source or sink plugin `config`'s connector.class names (registry-owned, lives for the
  // process); kInvalidArgument naming the class otherwise.
  Result<const plugin::PluginInfo*> connector_plugin(const config::Props& config) const;
  // The plugin's key table, built once per class. The pointer lives as long as the validator.
  Result<const config::ConnectorConfigDef*> config_def(const plugin::PluginInfo& info);
  // The key table's checks and the plugin's validate hook on `raw` with its placeholders
  // resolved.
  Result<Validation> run(const plugin::PluginInfo& info, const config::Props& raw);
  // run() for create and PUT: kInvalidArgument (400) listing every error.
  Result<Validation> for_create(const plugin::PluginInfo& info, const config::Props& config);
  // PUT /connector-plugins/{p}/config/validate.
  Result<nlohmann::json> validate_to_json(const std::string& plugin, const config::Props& config);
  // `props` with sensitive values hidden and placeholders (from `placeholders`) shown unresolved.
  config::Props masked(const plugin::PluginInfo& info, const config::Props& props,
                       const config::Props& placeholders);
  // Logs a warning for each key of `raw` neither the plugin nor the host defines, with the
  // nearest key.
  void warn_unknown_keys(const std::string& connector, const plugin::PluginInfo& info,
                         const config::Props& raw);
  // "source" or "sink".
  static std::string type_of(const plugin::PluginInfo& info);

  // GET /connector-plugins, GET /connector-plugins/{p}/config, the refused-plugins listing.
  std::vector<rest::PluginListing> plugin_listing(bool connectors_only) const;
  Result<nlohmann::json> config_definitions(const std::string& plugin);
  std::vector<rest::RefusedPluginInfo> refused_plugins() const;

 private:
  const WorkerServices& services_;
  std::map<std::string, std::unique_ptr<config::ConnectorConfigDef>> config_defs_;
};

}  // namespace sluice::worker
