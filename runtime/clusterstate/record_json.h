// Reading helpers shared by the config-topic and status-topic record decoders: parse a record
// value that must be a JSON object and fetch its members with the type checks of
// docs/formats/cluster-state-records.md §0. Errors are kInvalidArgument with a message naming the
// member; callers add the record key as context.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "broker-lite/util/status.h"
#include "runtime/data/json_reader.h"

namespace sluice::clusterstate::detail {

// Parses `value` into *doc and checks that the top level is an object (node 0). `value` is
// borrowed: it must outlive every use of *doc's nodes.
[[nodiscard]] Status parse_object(std::string_view value, data::JsonDoc* doc);

// The member `name` of the object at `object` as a string. Absent, null or another type is an
// error.
[[nodiscard]] Result<std::string> string_member(const data::JsonDoc& doc, uint32_t object,
                                                std::string_view name);
// The member as an integer within [min, max]: a JSON number written without fraction or exponent.
[[nodiscard]] Result<int64_t> integer_member(const data::JsonDoc& doc, uint32_t object,
                                             std::string_view name, int64_t min, int64_t max);
// The member as a boolean, or nullopt when absent or of another type (callers choose a default).
std::optional<bool> boolean_member(const data::JsonDoc& doc, uint32_t object,
                                   std::string_view name);
// The member's node index when it is an object, else an error.
[[nodiscard]] Result<uint32_t> object_member(const data::JsonDoc& doc, uint32_t object,
                                             std::string_view name);
// The object at `object` as a string map. Null values are dropped (read as "not set"); any other
// non-string value is an error. A repeated name keeps its last value.
[[nodiscard]] Result<std::map<std::string, std::string>> string_map(const data::JsonDoc& doc,
                                                                    uint32_t object);

// Splits "<name>-<index>" at its last '-': the name must be non-empty and the index decimal digits
// within [0, INT32_MAX]. Returns false otherwise.
[[nodiscard]] bool split_task_id(std::string_view text, std::string* name, int32_t* index);

}  // namespace sluice::clusterstate::detail
