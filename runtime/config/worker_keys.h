// The worker key table: every key the worker file accepts (Kafka Connect's worker key names,
// types and defaults, plus Sluice's own), the prefixed families that pass through unchecked, and
// the nearest-key hint for a mistyped key. The table drives parsing, typed getters and the
// reference in docs/worker-config.md.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "runtime/config/config_key.h"

namespace sluice::config {

// Which worker mode reads a key.
enum class WorkerMode { kAll, kStandalone, kDistributed };

struct WorkerKey {
  const char* name;
  ConfigType type;
  const char* default_value;  // text; nullptr: no default (unset)
  const char* valid_values;   // comma-separated allowed values; nullptr: any
  WorkerMode mode;
  bool used;        // false: accepted so Kafka Connect worker files load, not acted on yet
  const char* doc;  // one sentence or two, our words
};

// A family of keys passed through without checking the part after the prefix.
struct WorkerKeyPrefix {
  const char* prefix;  // ends with '.'
  const char* doc;
};

// Static tables, documentation order.
std::span<const WorkerKey> worker_keys();
std::span<const WorkerKeyPrefix> worker_key_prefixes();

// The key named `name`, or nullptr. The pointer is to static data.
const WorkerKey* find_worker_key(std::string_view name);
// The family `name` belongs to (the longest matching prefix), or nullptr.
const WorkerKeyPrefix* find_worker_prefix(std::string_view name);

// The known key nearest to a mistyped `unknown` ("" when none is near): table keys, and for a key
// whose first part looks like a family prefix, that family with the rest of the key
// ("prodcer.acks" → "producer.acks").
std::string nearest_worker_key(std::string_view unknown);

// Markdown tables (keys, then prefixes) for docs/worker-config.md.
std::string worker_keys_markdown();

}  // namespace sluice::config
