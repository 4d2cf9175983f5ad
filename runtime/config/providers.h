// Config providers: `${env:NAME}` (an environment variable) and `${file:PATH:KEY}` (key KEY of the
// Java-properties file PATH) inside config values, Kafka Connect's placeholder syntax for the
// EnvVarConfigProvider and FileConfigProvider. `$${` writes a literal `${`. Text like `${topic}`
// (no `provider:`) is not a placeholder and stays as written, as in Kafka Connect.
#pragma once

#include <string>
#include <string_view>

#include "broker-lite/util/status.h"
#include "runtime/config/config_key.h"

namespace sluice::config {

// Whether `value` holds at least one placeholder (escapes alone do not count).
bool has_placeholder(std::string_view value);

// Replaces the placeholders of every value of `*props` (and unescapes `$${`). On error `*props`
// is left unchanged and the kInvalidArgument message names the source, the key and the
// placeholder, never a resolved value: "<source>: key 'db.password': ${env:DB_PASS}: environment
// variable DB_PASS is not set". When `raw_out` is not null, every key whose value held a
// placeholder is added to it with its unresolved text (REST shows those instead of secrets).
// Files are read once per call. Pointers are used during the call only.
Status resolve_providers(Props* props, std::string_view source_name, Props* raw_out);

// Parses the text of a Java properties file (`key=value`, `key: value`, `key value`; `#`/`!`
// comments; backslash line continuations and escapes including \uXXXX).
Props parse_java_properties(std::string_view text);

}  // namespace sluice::config
