// Text renderings of record keys and values for the sink connectors.
//  - append_data_text: what FileStreamSink writes for a value. STRING and BYTES forms (and a
//    typed STRING/BYTES root) as their bytes unchanged; null as `null`; any other typed value as
//    compact JSON (append_typed_json).
//  - append_data_json: a key or value as one JSON value (VerifiableSink's lines): null as
//    `null`, STRING/BYTES forms as a JSON string of their text, typed values as compact JSON.
//  - append_typed_json: a typed value (plugin-abi.md §7.1) as JSON: numbers and booleans as
//    such (floats per worker-storage.md §0), strings as JSON strings, BYTES as a JSON string of
//    their bytes, ARRAY as an array, MAP as an object when every key is a string and otherwise as
//    an array of [key, value] pairs, STRUCT as an array of its field values in schema order (the
//    field names live in the schema, which a sink does not parse).
// All functions append to `out` and read their argument only during the call.
#ifndef SLUICE_CONNECTORS_COMMON_DATA_TEXT_H_
#define SLUICE_CONNECTORS_COMMON_DATA_TEXT_H_

#include <sluice/sdk.h>

#include <string>

namespace sluice::connectors {

void append_typed_json(std::string& out, const ValueReader& value);
void append_data_text(std::string& out, const DataView& data);
void append_data_json(std::string& out, const DataView& data);

}  // namespace sluice::connectors

#endif  // SLUICE_CONNECTORS_COMMON_DATA_TEXT_H_
