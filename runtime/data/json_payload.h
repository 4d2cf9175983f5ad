// The JSON payload half of Connect's JsonConverter (worker-storage.md §3.4–3.6): writing a
// (validated) value tape as JSON against its schema, and decoding a parsed JSON value into a tape
// against a schema or schemaless. Both keep their working memory between calls.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sluice/plugin_abi.h>

#include "broker-lite/util/status.h"
#include "runtime/data/json_reader.h"
#include "runtime/data/json_writer.h"
#include "runtime/data/schema.h"
#include "runtime/data/tape.h"

namespace sluice::data {

class PayloadWriter {
 public:
  PayloadWriter(DecimalFormat format, bool replace_null_with_default)
      : format_(format), replace_null_(replace_null_with_default) {}

  // Writes the subtree at nodes[index] (schema nullptr = schemaless) and returns the index after
  // it. The tape must have passed TapeValidator for this schema.
  uint64_t write(const sluice_value* nodes, uint64_t index, const Schema* schema, JsonWriter* w);

 private:
  void write_decimal(const sluice_value& n, const Schema& schema, JsonWriter* w);

  DecimalFormat format_;
  bool replace_null_;
  std::string text_;
  std::vector<uint32_t> limbs_;
};

class PayloadDecoder {
 public:
  explicit PayloadDecoder(bool replace_null_with_default)
      : replace_null_(replace_null_with_default) {}

  // Appends the tape of doc's node `index` (JsonDoc::kNone = the member is absent) decoded against
  // `schema` (nullptr = schemaless) to *out. Errors name the path (`path` is reset by the caller).
  [[nodiscard]] Status decode(const JsonDoc& doc, uint32_t index, const Schema* schema,
                              TapeBuilder* out, PathTracker* path);

 private:
  Status schemaless(const JsonDoc& doc, uint32_t index, TapeBuilder* out);
  Status typed(const JsonDoc& doc, uint32_t index, const Schema& schema, TapeBuilder* out,
               PathTracker* path);
  Status logical(const JsonNode& n, const Schema& schema, TapeBuilder* out, PathTracker* path);

  bool replace_null_;
  std::string scratch_;
};

// Checks a tape from a plugin against its schema (nullptr = schemaless: no STRUCT): node types,
// spans and counts, integer ranges, FLOAT32 precision, required values, logical-type rules. The
// first problem is reported with its path, e.g. `value.items[3].price: expected BYTES, got INT64`.
class TapeValidator {
 public:
  static constexpr uint32_t kMaxDepth = 128;
  [[nodiscard]] Status validate(const sluice_value* nodes, uint64_t count, const Schema* schema,
                                std::string_view root);

 private:
  Status check(const sluice_value* nodes, uint64_t index, uint64_t end, const Schema* schema,
               uint32_t depth);
  Status fail(std::string_view message) const {
    return Status::invalid_argument(path_.error(message));
  }
  PathTracker path_;
};

}  // namespace sluice::data
