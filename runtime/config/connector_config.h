// A connector file (YAML): either the REST create body's shape `{name: ..., config: {...}}` or a
// flat map of Kafka Connect properties that includes `name`. Values are kept as written
// (placeholders unresolved, like a config submitted over REST); the worker resolves them with
// resolve_providers() when it starts the connector.
#pragma once

#include <string>
#include <string_view>

#include "broker-lite/util/status.h"
#include "runtime/config/config_key.h"

namespace sluice::config {

struct ConnectorConfigFile {
  std::string name;  // trimmed
  Props config;      // includes "name" (= name), like Kafka Connect's stored config
};

// Reads and parses a connector file (path as given, also used in messages).
Result<ConnectorConfigFile> load_connector_config(const std::string& path);

// Errors (kInvalidArgument, prefixed by `source_name`): YAML syntax errors with line and column;
// no name; an empty name or one with control characters; `config` that is not a map; other
// top-level keys beside `name`/`config` in the REST shape; `config.name` different from `name`.
// Nested maps inside `config` are flattened with '.', sequences joined with ','.
Result<ConnectorConfigFile> parse_connector_config(std::string_view yaml_text,
                                                   const std::string& source_name);

// Kafka Connect's connector name rules: trimmed, non-empty, no ISO control characters. Returns
// the trimmed name or kInvalidArgument naming `where`.
Result<std::string> check_connector_name(std::string_view name, const std::string& where);

}  // namespace sluice::config
