// The worker file (YAML): Kafka Connect's worker keys, nested maps flattened with '.', providers
// resolved, every key checked against the worker key table (worker_keys.h), and the nested
// `broker:` map of broker-lite's own keys kept apart for the embedded broker.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker-lite/util/status.h"
#include "runtime/config/config_key.h"

namespace sluice::config {

struct WorkerConfig {
  std::string source_file;  // path as given, for messages
  Props props;              // resolved values (providers applied), only keys the file sets
  Props broker;             // the nested broker: map flattened (empty if absent), resolved
  Props raw_placeholders;   // keys of props whose value came from a placeholder → raw text

  // bootstrap.servers unset, empty or "embedded".
  bool embedded_broker() const;

  // The value the file sets, else the table default; nullopt when neither (or an unknown key).
  std::optional<std::string> get(std::string_view key) const;
  // Typed getters with the table defaults. A key without a value (and no default) gives "", 0,
  // false or an empty list. Types were checked at load time.
  std::string get_string(std::string_view key) const;
  int64_t get_long(std::string_view key) const;  // INT and LONG keys
  bool get_bool(std::string_view key) const;
  std::vector<std::string> get_list(std::string_view key) const;
  // Keys starting with `prefix` (e.g. "producer."), with the prefix removed; worker keys and
  // longer families inside it (admin.listeners, admin.listeners.https.*) are left out.
  Props with_prefix(std::string_view prefix) const;

  // Standalone mode's needs: offset.storage.file.filename set. kInvalidArgument naming the file.
  Status check_standalone() const;
  // Distributed mode needs a Kafka cluster (bootstrap.servers; no embedded broker) and a
  // group.id; the storage topics must be named.
  Status check_distributed() const;
  // config.storage.file.filename, or the offset file's path + ".connectors.json".
  std::string connector_store_file() const;
};

// Reads and parses a worker file (path as given, also used in messages).
Result<WorkerConfig> load_worker_config(const std::string& path);

// Parses worker YAML. Errors (kInvalidArgument), all prefixed by `source_name`:
//   "<file>:<line>:<col>: YAML syntax error: ..."
//   "<file>: unknown worker key 'offset.flush.intervl.ms' (did you mean
//   'offset.flush.interval.ms'?)"
//   "<file>: key 'offset.flush.interval.ms': 'abc' is not a LONG"
//   "<file>: key 'plugin.discovery': 'x' is not one of only_scan, hybrid_warn, ..."
//   "<file>: key 'broker' is only used when bootstrap.servers is unset ..."
//   provider errors (providers.h).
Result<WorkerConfig> parse_worker_config(std::string_view yaml_text,
                                         const std::string& source_name);

}  // namespace sluice::config
