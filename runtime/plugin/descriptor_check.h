// Load-time checks of a plugin library's structs (docs/formats/plugin-abi.md §11 steps 4-5):
// the frozen prefixes, struct sizes, kinds, names, hook tables with their required hooks, and the
// key table. Each failure is a refusal reason that names the struct, field or hook and the
// values involved. Cross-library rules (duplicate class names) are the registry's.
#pragma once

#include <cstdint>
#include <string>

#include <sluice/plugin_abi.h>

#include <vector>

#include "broker-lite/util/status.h"
#include "runtime/config/config_key.h"

namespace sluice::plugin {

// Library prefix: abi_major equal to the host's, abi_minor ≤ the host's, struct_size ≥ the 1.0
// size, plugin_count ≥ 1, plugins non-NULL and none of its entries NULL. `lib` is non-NULL.
[[nodiscard]] Status check_library_struct(const sluice_library& lib);

// One descriptor (plugins[index]): prefix, kind, class_name, version, hooks, config_key_size,
// the hook table's size and required hooks, declared aliases, and the key table (read with
// config::read_plugin_key_table; host-owned keys are refused for source and sink plugins).
// Returns the plugin's key definitions.
// The message starts with "plugin 'Class' (kind): " once the class name is readable, else
// "plugins[<index>]: ".
[[nodiscard]] Result<std::vector<config::KeyDef>> check_descriptor(
    const sluice_plugin_descriptor& d, uint32_t index);

// "ABI <major>.<minor>" of the host, i.e. "1.0".
std::string host_abi_version();

}  // namespace sluice::plugin
