// org.apache.kafka.connect.json.JsonConverter, byte-compatible with Kafka Connect's
// (worker-storage.md §3).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "broker-lite/util/status.h"
#include "runtime/data/converter.h"

namespace sluice::data {

// Settings: schemas.enable (true), schemas.cache.size (1000), decimal.format (BASE64 | NUMERIC,
// case-insensitive), replace.null.with.default (true). `registry` is borrowed and must outlive
// the converter.
Result<std::unique_ptr<Converter>> make_json_converter(
    const std::map<std::string, std::string>& config, bool is_key, SchemaRegistry* registry);

}  // namespace sluice::data
