// SourceOffsets: where a worker keeps its source connectors' committed offsets, one entry per
// (connector, source partition). Standalone mode keeps them in a file (FileOffsetStore),
// distributed mode in the offsets topic (statelog::TopicOffsetStore); the herder and the source
// task runners only see this interface.
//
// Keys and values are JSON texts in Kafka Connect's format (docs/formats/worker-storage.md §1):
// key `["<connector>",{<partition>}]`, value the offset object. They are compared as bytes.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "broker-lite/util/status.h"

namespace sluice::storage {

// One offset change. `value_json` nullopt removes the key (a tombstone).
struct OffsetEntry {
  std::string key_json;
  std::optional<std::string> value_json;

  bool operator==(const OffsetEntry&) const = default;
};

class SourceOffsets {
 public:
  virtual ~SourceOffsets() = default;

  // Stores `entries` (borrowed for the call; later entries for the same key win) and returns OK
  // only once they are durable. A malformed key or value rejects the whole batch
  // (kInvalidArgument). Thread-safe.
  [[nodiscard]] virtual Status put_and_flush(std::span<const OffsetEntry> entries) = 0;

  // The value stored for `key_json`. Thread-safe.
  virtual std::optional<std::string> get(std::string_view key_json) const = 0;

  // Every entry whose key's first array element is `connector`, in key order. Thread-safe.
  virtual std::vector<OffsetEntry> entries_for_connector(std::string_view connector) const = 0;

  // Removes every entry of `connector`, durably as put_and_flush does. Thread-safe.
  [[nodiscard]] virtual Status remove_connector(std::string_view connector) = 0;
};

}  // namespace sluice::storage
