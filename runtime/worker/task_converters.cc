// Converter selection for tasks: see task_converters.h.
#include "runtime/worker/task_converters.h"

#include "runtime/plugin/plugin_converter.h"
#include "runtime/plugin/plugin_registry.h"

namespace sluice::worker {
namespace {

constexpr std::string_view kDefaultConverter = "org.apache.kafka.connect.json.JsonConverter";

Result<std::unique_ptr<data::Converter>> make_one(const WorkerServices& services,
                                                  const config::Props& connector_config,
                                                  std::string_view role,
                                                  data::SchemaRegistry* registry,
                                                  const plugin::ContextIdentity& task) {
  const std::string class_key = std::string(role) + ".converter";
  const std::string prefix = class_key + ".";
  std::string class_name;
  config::Props settings;
  if (auto it = connector_config.find(class_key);
      it != connector_config.end() && !it->second.empty()) {
    class_name = it->second;
    for (const auto& [key, value] : connector_config) {
      if (key.size() > prefix.size() && key.starts_with(prefix)) {
        settings[key.substr(prefix.size())] = value;
      }
    }
  } else {
    class_name = converter_class_for(services, connector_config, role);
    settings = services.config->with_prefix(prefix);
  }
  if (data::is_builtin_converter(class_name)) {
    auto made = data::make_builtin_converter(class_name, settings, role == "key", registry);
    if (!made.is_ok()) return made.status().with_context(class_key);
    return std::move(made).value();
  }
  const plugin::PluginInfo* info = services.plugins->find(class_name);
  if (info == nullptr) {
    return Status::invalid_argument(class_key + ": " +
                                    services.plugins->unknown_class_message(class_name));
  }
  if (info->kind != plugin::PluginKind::kConverter) {
    return Status::invalid_argument(class_key + ": '" + class_name + "' is a " +
                                    std::string(plugin::plugin_kind_name(info->kind)) +
                                    ", not a converter");
  }
  plugin::ContextIdentity identity = task;
  identity.class_name = info->class_name;
  auto made = plugin::PluginConverter::create(
      *info, plugin::make_context(std::move(identity), nullptr, registry), settings, role == "key");
  if (!made.is_ok()) return made.status().with_context(class_key);
  return std::unique_ptr<data::Converter>(std::move(made).value());
}

}  // namespace

std::string converter_class_for(const WorkerServices& services,
                                const config::Props& connector_config, std::string_view role) {
  const std::string class_key = std::string(role) + ".converter";
  if (auto it = connector_config.find(class_key);
      it != connector_config.end() && !it->second.empty()) {
    return it->second;
  }
  std::string worker_value = services.config->get_string(class_key);
  return worker_value.empty() ? std::string(kDefaultConverter) : worker_value;
}

Result<TaskConverters> make_task_converters(const WorkerServices& services,
                                            const config::Props& connector_config,
                                            data::SchemaRegistry* registry,
                                            const plugin::ContextIdentity& task) {
  TaskConverters converters;
  auto key = make_one(services, connector_config, "key", registry, task);
  if (!key.is_ok()) return key.status();
  converters.key = std::move(key).value();
  auto value = make_one(services, connector_config, "value", registry, task);
  if (!value.is_ok()) return value.status();
  converters.value = std::move(value).value();
  return converters;
}

}  // namespace sluice::worker
