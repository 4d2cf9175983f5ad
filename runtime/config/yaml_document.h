// Internal to runtime/config: reading a YAML document whose top level is a map and flattening its
// nested maps into dotted keys (`producer: {acks: all}` → `producer.acks = all`), the shape of
// both the worker file and connector files. yaml-cpp's exceptions stop here.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

#include "broker-lite/util/status.h"
#include "runtime/config/config_key.h"

namespace sluice::config {

// Parses `text`. A syntax error becomes kInvalidArgument "<source>:<line>:<column>: YAML syntax
// error: <problem>". An empty document yields an empty map; a top level that is not a map is an
// error.
Result<YAML::Node> parse_yaml_map(std::string_view text, const std::string& source);

// Adds every entry of the map `node` to `*out` under `prefix` (which ends with '.' or is empty):
// nested maps are flattened with '.', sequences of scalars become one comma-joined value, scalars
// are kept as their text and null values are left out (an unset key). A key given twice (e.g. as
// `a.b` and `a: {b: ...}`) is an error naming both lines. `where` prefixes messages. A top-level
// entry named `skip_key` (when not empty) is left out.
Status flatten_yaml_map(const YAML::Node& node, const std::string& prefix, const std::string& where,
                        Props* out, std::string_view skip_key = {});

// Reads a whole file; kNotFound when it does not exist, kIoError for other failures.
Result<std::string> read_text_file(const std::string& path);

// "<source>:<line>" for messages about one node.
std::string yaml_position(const std::string& source, const YAML::Node& node);

}  // namespace sluice::config
