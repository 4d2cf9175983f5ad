// A connector's configuration definition: the plugin's key table (plugin_abi.md §6) plus Kafka
// Connect's common connector keys (name, connector.class, tasks.max, converters, transforms,
// errors.*, topics for sinks, topic.creation.* for sources). It validates a connector config
// into Kafka Connect's ConfigInfos, renders /connector-plugins/{p}/config, and masks secrets.
#pragma once

#include <sluice/plugin_abi.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "broker-lite/util/status.h"
#include "runtime/config/config_key.h"

namespace sluice::config {

enum class ConnectorKind { kSource, kSink };

// Shown instead of a sensitive value.
inline constexpr std::string_view kHiddenValue = "[hidden]";

// One key's value in a validation result (Kafka Connect's ConfigValueInfo).
struct ConfigValueInfo {
  std::string name;
  std::optional<std::string> value;  // as given, else the default; "[hidden]" if sensitive
  std::vector<std::string> recommended_values;
  std::vector<std::string> errors;
  bool visible = true;
};

// A validation result (Kafka Connect's ConfigInfos).
struct ConfigInfos {
  std::string name;  // the connector class
  int error_count = 0;
  std::vector<std::string> groups;
  // Each key's definition (nullopt for an error about a key without one) and value.
  std::vector<std::pair<std::optional<KeyDef>, ConfigValueInfo>> configs;

  // Adds `message` to `key`'s errors; a key without an entry gets a top-level entry with no
  // definition, as Kafka Connect does. Counts the error.
  void add_error(std::string_view key, std::string message);
  // {"name","error_count","groups","configs":[{"definition":ConfigKeyInfo|null,"value":{...}}]}
  // (entries without a definition first, as Kafka Connect orders them).
  nlohmann::json to_json() const;
  // Every error as "key: message" (just the message for an error added with an empty key), in
  // the order of configs (for the 400 body on create).
  std::vector<std::string> error_messages() const;
};

// Kafka Connect's ConfigKeyInfo JSON of one key: name, type, required, default_value,
// importance, documentation, group, order_in_group, width, display_name, dependents.
nlohmann::json key_definition_json(const KeyDef& key);

// Reads and checks a plugin's key table (plugin_abi.md §6): `table` is NULL-name-terminated with
// entries `stride` bytes apart (NULL table: no keys). When `reserve_connector_keys` is set (a
// connector plugin), keys that belong to the host (name, connector.class, errors.*, ...) are
// refused. Errors (kInvalidArgument) name the key: "config key 'batch.size': default 'ten' is
// not an INT". The table is read during the call only.
Result<std::vector<KeyDef>> read_plugin_key_table(const sluice_config_key* table, uint32_t stride,
                                                  bool reserve_connector_keys);

// Whether `key` is one of the host's common connector keys or families (plugin_abi.md §6).
bool is_host_connector_key(std::string_view key);

class ConnectorConfigDef {
 public:
  // Checks the plugin's table (read_plugin_key_table) and adds the common keys of `kind`.
  static Result<ConnectorConfigDef> from_plugin_table(ConnectorKind kind,
                                                      const sluice_config_key* table,
                                                      uint32_t stride);
  // The common keys only (a plugin with no table).
  static ConnectorConfigDef common_only(ConnectorKind kind);

  ConnectorKind kind() const { return kind_; }

  // Every rule, every key; never stops at the first error. Unknown keys pass (Kafka Connect
  // hands them to the plugin). Messages are Kafka Connect's: "Invalid value abc for
  // configuration batch.size: Not a number of type INT", "Missing required configuration
  // \"topic\" which has no default value.", ranges, valid values, non-empty strings, sink
  // topics/topics.regex (exactly one), transforms/predicates aliases.
  // `config` holds resolved values; when `raw_placeholders` (may be null) has a key, that key's
  // value is shown as its raw placeholder in the result and its messages, never resolved.
  ConfigInfos validate(std::string_view connector_class, const Props& config,
                       const Props* raw_placeholders = nullptr) const;

  // GET /connector-plugins/{p}/config: [ConfigKeyInfo] in definition order.
  nlohmann::json definitions_json() const;

  // PASSWORD type or SENSITIVE flag (plugin or common keys), or, for a key without a
  // definition (e.g. producer.override.sasl.jaas.config), a name that marks a credential:
  // ending in "password", "passwd", "secret" or "sasl.jaas.config".
  bool is_sensitive(std::string_view key) const;
  // A copy for REST answers and logs: a key in `raw_placeholders` (may be null) shows its raw
  // placeholder text; otherwise a sensitive value becomes "[hidden]".
  Props masked(const Props& config, const Props* raw_placeholders) const;

  // Common keys first, then the plugin's, in definition order. Valid as long as this object.
  std::span<const KeyDef> keys() const { return keys_; }
  std::span<const KeyDef> plugin_keys() const {
    return std::span<const KeyDef>(keys_).subspan(plugin_begin_);
  }
  const KeyDef* find(std::string_view key) const;
  // `config` with the default of every defined key that is absent and has one.
  Props with_defaults(const Props& config) const;

 private:
  ConnectorConfigDef(ConnectorKind kind, std::vector<KeyDef> keys, size_t plugin_begin)
      : kind_(kind), keys_(std::move(keys)), plugin_begin_(plugin_begin) {}

  ConnectorKind kind_;
  std::vector<KeyDef> keys_;
  size_t plugin_begin_;
};

}  // namespace sluice::config
