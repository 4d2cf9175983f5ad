// Generates a plugin's reference page for docs/connectors/ from its registry entry: title,
// class name, kind, version, aliases, description and a table of its config keys (name, type,
// default, valid values or bounds, importance, documentation). Used by `sluice plugin-docs`.
#pragma once

#include <string>

#include "runtime/plugin/plugin_registry.h"

namespace sluice::plugin {

// The Markdown page of `info` (deterministic: the same plugin gives the same bytes, so a CI
// check can compare the committed page with a fresh rendering).
std::string render_connector_markdown(const PluginInfo& info);

}  // namespace sluice::plugin
