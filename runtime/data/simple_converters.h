// The ByteArray and String converters (worker-storage.md §4): byte-for-byte pass-through with
// zero-copy fast paths for the BYTES and STRING forms.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "broker-lite/util/status.h"
#include "runtime/data/converter.h"

namespace sluice::data {

// org.apache.kafka.connect.converters.ByteArrayConverter. No settings. `registry` (borrowed, may
// be nullptr) resolves the schema of a TYPED value to check that it is bytes.
Result<std::unique_ptr<Converter>> make_byte_array_converter(
    const std::map<std::string, std::string>& config, SchemaRegistry* registry);

// org.apache.kafka.connect.storage.StringConverter. `converter.encoding` (or `encoding`): UTF-8
// only. `registry` (borrowed) resolves the schemas of TYPED values it renders as text.
Result<std::unique_ptr<Converter>> make_string_converter(
    const std::map<std::string, std::string>& config, SchemaRegistry* registry);

}  // namespace sluice::data
