// A converter plugin (docs/formats/plugin-abi.md §8.4) behind the runtime's data::Converter
// interface, so a task uses plugin and built-in converters alike. Owns the plugin's converter
// instance (destroyed through the plugin's destroy hook) and its host context.
#pragma once

#include <memory>
#include <string_view>

#include "runtime/config/config_key.h"
#include "runtime/data/converter.h"
#include "runtime/plugin/handles.h"

namespace sluice::plugin {

class PluginConverter : public data::Converter, public PluginInstance {
 public:
  // `info` must be a converter plugin (borrowed from the registry); `config` holds the
  // converter's keys with the key.converter./value.converter. prefix removed (borrowed for the
  // call). The context's role is set here.
  static Result<std::unique_ptr<PluginConverter>> create(const PluginInfo& info,
                                                         std::unique_ptr<HostContext> ctx,
                                                         const config::Props& config, bool is_key);
  ~PluginConverter() override;

  // Failures are reported like every hook ("<class> task c-n failed in from_connect: ...").
  Status from_connect(std::string_view topic, const sluice_data& in, sluice_bytes* out) override;
  Status to_connect(std::string_view topic, sluice_bytes in, sluice_data* out) override;

 private:
  PluginConverter(const PluginInfo& info, std::unique_ptr<HostContext> ctx)
      : PluginInstance(info, std::move(ctx)),
        hooks_(static_cast<const sluice_converter_hooks*>(info.hooks)) {}
  const sluice_converter_hooks* hooks_;
  sluice_converter* instance_ = nullptr;
};

}  // namespace sluice::plugin
