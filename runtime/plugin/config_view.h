// Conversions between config::Props and the ABI's sluice_config (docs/formats/plugin-abi.md §2):
// a ConfigView lends a Props to a hook as a kv array whose views point into the Props' strings,
// and props_from_config copies a plugin's sluice_config (e.g. task_configs output) into Props.
#pragma once

#include <vector>

#include <sluice/plugin_abi.h>

#include "broker-lite/util/status.h"
#include "runtime/config/config_key.h"

namespace sluice::plugin {

class ConfigView {
 public:
  // `props` is borrowed and must stay unchanged while the view (and get()) is used.
  explicit ConfigView(const config::Props& props);
  ConfigView(const ConfigView&) = delete;
  ConfigView& operator=(const ConfigView&) = delete;

  // Valid as long as this view and the Props.
  const sluice_config* get() const { return &config_; }

 private:
  std::vector<sluice_kv> entries_;
  sluice_config config_;
};

// Copies a plugin-provided config. Fails (kInvalidArgument, naming the entry) on a NULL entry
// array with a count, a NULL view with a length, or a key given twice. `what` names the config
// in messages, e.g. "task config 2".
[[nodiscard]] Result<config::Props> props_from_config(const sluice_config& config,
                                                      std::string_view what);

}  // namespace sluice::plugin
