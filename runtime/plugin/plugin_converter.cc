// A converter plugin behind data::Converter; see plugin_converter.h.
#include "runtime/plugin/plugin_converter.h"

#include "runtime/plugin/abi_names.h"
#include "runtime/plugin/config_view.h"

namespace sluice::plugin {

Result<std::unique_ptr<PluginConverter>> PluginConverter::create(const PluginInfo& info,
                                                                 std::unique_ptr<HostContext> ctx,
                                                                 const config::Props& config,
                                                                 bool is_key) {
  if (info.kind != PluginKind::kConverter) {
    return Status::invalid_argument(info.class_name + " is a " +
                                    std::string(plugin_kind_name(info.kind)) +
                                    " plugin, not a converter");
  }
  ctx->set_role(ContextRole::kConverter);
  std::unique_ptr<PluginConverter> converter(new PluginConverter(info, std::move(ctx)));
  ConfigView view(config);
  sluice_converter* out = nullptr;
  HostContext* raw_ctx = converter->ctx_.get();
  SLUICE_RETURN_IF_ERROR(converter->call("create", [&] {
    return converter->hooks_->create(raw_ctx, view.get(), is_key ? 1u : 0u, &out);
  }));
  if (out == nullptr) return converter->bad_output("create", "returned OK without an instance");
  converter->instance_ = out;
  return converter;
}

PluginConverter::~PluginConverter() {
  if (instance_ == nullptr) return;
  call_void("destroy", /*mark_in_hook=*/true, [this] { hooks_->destroy(instance_); });
}

Status PluginConverter::from_connect(std::string_view topic, const sluice_data& in,
                                     sluice_bytes* out) {
  *out = sluice_bytes{nullptr, 0};
  return call("from_connect",
              [&] { return hooks_->from_connect(instance_, str_of(topic), &in, out); });
}

Status PluginConverter::to_connect(std::string_view topic, sluice_bytes in, sluice_data* out) {
  *out = sluice_data{};
  return call("to_connect", [&] { return hooks_->to_connect(instance_, str_of(topic), in, out); });
}

}  // namespace sluice::plugin
