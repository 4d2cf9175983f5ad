// JSON shapes of the REST API (Kafka Connect's entities): rendering of the herder's values and
// parsing/validation of request bodies into them. Parse errors are kInvalidArgument with a
// message naming the field.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "broker-lite/util/status.h"
#include "runtime/rest/herder_api.h"

namespace sluice::rest {

nlohmann::json to_json(const ConnectorInfo& info);
nlohmann::json to_json(const TaskStateInfo& task);  // {"id","state","worker_id"[,"trace"]}
nlohmann::json to_json(const ConnectorStateInfo& status);
nlohmann::json to_json(const TaskConfigInfo& task);
nlohmann::json to_json(const PluginListing& plugin);
nlohmann::json to_json(const RefusedPluginInfo& refused);
nlohmann::json to_json(const std::vector<OffsetInfo>& offsets);  // {"offsets":[...]}

// Parses `body` as JSON; the error names the parse problem.
Result<nlohmann::json> parse_json_body(std::string_view body);

// A config map from a JSON object. Strings are taken as they are; numbers and booleans become
// their JSON text (1 → "1", true → "true"); null, arrays and objects are refused. `what` names
// the object in messages ("connector configuration").
Result<std::map<std::string, std::string>> config_from_json(const nlohmann::json& object,
                                                            std::string_view what);
// Like config_from_json, but null values are kept as nullopt (PATCH: remove the key).
Result<std::map<std::string, std::optional<std::string>>> config_patch_from_json(
    const nlohmann::json& object);

// The body of PATCH /connectors/{c}/offsets: {"offsets": [{"partition": {...}, "offset":
// {...} | null}, ...]} with at least one entry.
Result<std::vector<OffsetInfo>> offsets_from_json(const nlohmann::json& body);

// Trims `name` (leading/trailing characters ≤ ' ', like Java's String.trim) and checks it is not
// empty and has no ISO control characters (U+0000–U+001F, U+007F–U+009F).
Result<std::string> checked_connector_name(std::string_view name);

}  // namespace sluice::rest
