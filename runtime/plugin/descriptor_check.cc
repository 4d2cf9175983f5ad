// Load-time checks of a plugin library's structs; see descriptor_check.h.
#include "runtime/plugin/descriptor_check.h"

#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/plugin/abi_names.h"
#include "runtime/plugin/plugin_registry.h"

namespace sluice::plugin {
namespace {

// Upper bound on declared aliases; a longer list is taken as a missing NULL terminator.
constexpr size_t kMaxAliases = 1024;

// The frozen prefix of every top-level struct (ABI §1).
Status check_prefix(std::string_view struct_name, uint16_t major, uint16_t minor, uint32_t size,
                    uint32_t v1_0_size) {
  if (major != SLUICE_ABI_MAJOR) {
    return Status::invalid_argument("ABI major " + std::to_string(major) +
                                    " is not supported (this worker implements " +
                                    host_abi_version() + ")");
  }
  if (minor > SLUICE_ABI_MINOR) {
    return Status::invalid_argument("built for ABI " + std::to_string(major) + "." +
                                    std::to_string(minor) + ", this worker implements up to " +
                                    host_abi_version());
  }
  if (size < v1_0_size) {
    return Status::invalid_argument(std::string(struct_name) + " struct_size " +
                                    std::to_string(size) + " is smaller than its ABI 1.0 size " +
                                    std::to_string(v1_0_size));
  }
  return Status::ok();
}

// A required hook: its name and whether the table has it.
using HookPresence = std::pair<const char*, bool>;

std::vector<HookPresence> connector_hooks(const sluice_connector_hooks& c) {
  return {{"create", c.create != nullptr},
          {"destroy", c.destroy != nullptr},
          {"start", c.start != nullptr},
          {"task_configs", c.task_configs != nullptr},
          {"stop", c.stop != nullptr}};
}

// The table name, its 1.0 size and its required hooks for a kind; the table is read only after
// its struct_size was checked.
struct HookTableCheck {
  const char* table;
  uint32_t v1_0_size;
};

HookTableCheck table_of(uint32_t kind) {
  switch (kind) {
    case SLUICE_KIND_SOURCE:
      return {"sluice_source_hooks", SLUICE_SOURCE_HOOKS_V1_0_SIZE};
    case SLUICE_KIND_SINK:
      return {"sluice_sink_hooks", SLUICE_SINK_HOOKS_V1_0_SIZE};
    case SLUICE_KIND_CONVERTER:
      return {"sluice_converter_hooks", SLUICE_CONVERTER_HOOKS_V1_0_SIZE};
    default:
      return {"sluice_transform_hooks", SLUICE_TRANSFORM_HOOKS_V1_0_SIZE};
  }
}

std::vector<HookPresence> required_hooks(uint32_t kind, const void* hooks) {
  std::vector<HookPresence> out;
  switch (kind) {
    case SLUICE_KIND_SOURCE: {
      const auto& h = *static_cast<const sluice_source_hooks*>(hooks);
      out = connector_hooks(h.connector);
      out.insert(out.end(), {{"task_create", h.task_create != nullptr},
                             {"task_destroy", h.task_destroy != nullptr},
                             {"task_start", h.task_start != nullptr},
                             {"poll", h.poll != nullptr},
                             {"task_stop", h.task_stop != nullptr}});
      break;
    }
    case SLUICE_KIND_SINK: {
      const auto& h = *static_cast<const sluice_sink_hooks*>(hooks);
      out = connector_hooks(h.connector);
      out.insert(out.end(), {{"task_create", h.task_create != nullptr},
                             {"task_destroy", h.task_destroy != nullptr},
                             {"task_start", h.task_start != nullptr},
                             {"put", h.put != nullptr},
                             {"task_stop", h.task_stop != nullptr}});
      break;
    }
    case SLUICE_KIND_CONVERTER: {
      const auto& h = *static_cast<const sluice_converter_hooks*>(hooks);
      out = {{"create", h.create != nullptr},
             {"destroy", h.destroy != nullptr},
             {"from_connect", h.from_connect != nullptr},
             {"to_connect", h.to_connect != nullptr}};
      break;
    }
    default: {
      const auto& h = *static_cast<const sluice_transform_hooks*>(hooks);
      out = {{"create", h.create != nullptr},
             {"destroy", h.destroy != nullptr},
             {"apply", h.apply != nullptr}};
      break;
    }
  }
  return out;
}

Status check_hooks(const sluice_plugin_descriptor& d) {
  HookTableCheck table = table_of(d.kind);
  uint32_t size;
  std::memcpy(&size, d.hooks, sizeof size);  // every hook table starts with its struct_size
  if (size < table.v1_0_size) {
    return Status::invalid_argument(std::string(table.table) + " struct_size " +
                                    std::to_string(size) + " is smaller than its ABI 1.0 size " +
                                    std::to_string(table.v1_0_size));
  }
  for (const auto& [name, present] : required_hooks(d.kind, d.hooks)) {
    if (!present) {
      return Status::invalid_argument(std::string("required hook '") + name + "' is NULL");
    }
  }
  return Status::ok();
}

Status check_aliases(const sluice_plugin_descriptor& d) {
  if (d.aliases == nullptr) return Status::ok();
  size_t n = 0;
  for (const char* const* a = d.aliases; *a != nullptr; ++a) {
    if (++n > kMaxAliases) return Status::invalid_argument("aliases has no NULL terminator");
    if (!is_valid_class_name(*a)) {
      return Status::invalid_argument("alias '" + std::string(*a) + "' is not a valid name");
    }
  }
  return Status::ok();
}

}  // namespace

std::string host_abi_version() {
  return std::to_string(SLUICE_ABI_MAJOR) + "." + std::to_string(SLUICE_ABI_MINOR);
}

Status check_library_struct(const sluice_library& lib) {
  SLUICE_RETURN_IF_ERROR(check_prefix("sluice_library", lib.abi_major, lib.abi_minor,
                                      lib.struct_size, SLUICE_LIBRARY_V1_0_SIZE));
  if (lib.plugin_count == 0) return Status::invalid_argument("sluice_library plugin_count is 0");
  if (lib.plugins == nullptr) return Status::invalid_argument("sluice_library plugins is NULL");
  for (uint32_t i = 0; i < lib.plugin_count; ++i) {
    if (lib.plugins[i] == nullptr) {
      return Status::invalid_argument("sluice_library plugins[" + std::to_string(i) + "] is NULL");
    }
  }
  return Status::ok();
}

Result<std::vector<config::KeyDef>> check_descriptor(const sluice_plugin_descriptor& d,
                                                     uint32_t index) {
  std::string subject = "plugins[" + std::to_string(index) + "]";
  Status prefix = check_prefix("sluice_plugin_descriptor", d.abi_major, d.abi_minor, d.struct_size,
                               SLUICE_PLUGIN_DESCRIPTOR_V1_0_SIZE);
  if (!prefix.is_ok()) return prefix.with_context(subject);
  if (d.class_name == nullptr) return Status::invalid_argument(subject + ": class_name is NULL");
  if (!is_valid_class_name(d.class_name)) {
    return Status::invalid_argument(subject + ": class_name '" + d.class_name +
                                    "' is not a valid class name (ASCII letters, digits, '.', "
                                    "'_', '$', '-')");
  }
  subject = "plugin '" + std::string(d.class_name) + "'";
  if (d.kind < SLUICE_KIND_SOURCE || d.kind > SLUICE_KIND_TRANSFORM) {
    return Status::invalid_argument(subject + ": unknown kind " + std::to_string(d.kind));
  }
  // The key table's messages name the plugin without its kind, the others with it (ABI §11).
  const std::string plain_subject = subject;
  subject += " (" + abi_kind_name(d.kind) + ")";
  auto fail = [&subject](const std::string& what) {
    return Status::invalid_argument(subject + ": " + what);
  };
  if (d.version == nullptr || d.version[0] == '\0') return fail("version is NULL or empty");
  if (d.hooks == nullptr) return fail("hooks is NULL");
  if (d.config_key_size < SLUICE_CONFIG_KEY_V1_0_SIZE) {
    return fail("config_key_size " + std::to_string(d.config_key_size) +
                " is smaller than the ABI 1.0 size " + std::to_string(SLUICE_CONFIG_KEY_V1_0_SIZE));
  }
  Status hooks = check_hooks(d);
  if (!hooks.is_ok()) return hooks.with_context(subject);
  Status aliases = check_aliases(d);
  if (!aliases.is_ok()) return aliases.with_context(subject);
  bool connector = d.kind == SLUICE_KIND_SOURCE || d.kind == SLUICE_KIND_SINK;
  Result<std::vector<config::KeyDef>> keys =
      config::read_plugin_key_table(d.config_keys, d.config_key_size, connector);
  if (!keys.is_ok()) return keys.status().with_context(plain_subject);
  return keys;
}

}  // namespace sluice::plugin
