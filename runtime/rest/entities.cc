// JSON rendering and request-body parsing for the REST entities (field names from Kafka
// Connect's REST API).
#include "runtime/rest/entities.h"

#include <utility>

namespace sluice::rest {

using nlohmann::json;

json to_json(const ConnectorInfo& info) {
  json tasks = json::array();
  for (const TaskId& id : info.tasks)
    tasks.push_back({{"connector", id.connector}, {"task", id.task}});
  return {{"name", info.name},
          {"config", info.config},
          {"tasks", std::move(tasks)},
          {"type", info.type}};
}

namespace {

json state_json(const StateInfo& state) {
  json out = {{"state", state.state}, {"worker_id", state.worker_id}};
  if (state.trace) out["trace"] = *state.trace;
  return out;
}

}  // namespace

json to_json(const TaskStateInfo& task) {
  json out = {{"id", task.id}};
  out.update(state_json(task.state));
  return out;
}

json to_json(const ConnectorStateInfo& status) {
  json tasks = json::array();
  for (const TaskStateInfo& task : status.tasks) tasks.push_back(to_json(task));
  return {{"name", status.name},
          {"connector", state_json(status.connector)},
          {"tasks", std::move(tasks)},
          {"type", status.type}};
}

json to_json(const TaskConfigInfo& task) {
  return {{"id", {{"connector", task.id.connector}, {"task", task.id.task}}},
          {"config", task.config}};
}

json to_json(const PluginListing& plugin) {
  return {{"class", plugin.class_name}, {"type", plugin.type}, {"version", plugin.version}};
}

json to_json(const RefusedPluginInfo& refused) {
  return {{"file", refused.file}, {"reason", refused.reason}};
}

json to_json(const std::vector<OffsetInfo>& offsets) {
  json entries = json::array();
  for (const OffsetInfo& entry : offsets) {
    entries.push_back({{"partition", entry.partition}, {"offset", entry.offset}});
  }
  return {{"offsets", std::move(entries)}};
}

Result<json> parse_json_body(std::string_view body) {
  try {
    return json::parse(body.begin(), body.end());
  } catch (const json::exception& e) {
    return Status::invalid_argument(std::string("Request body is not valid JSON: ") + e.what());
  }
}

namespace {

// The text of a scalar config value, or an error naming `key`.
Result<std::string> config_value_text(const json& value, const std::string& key,
                                      std::string_view what) {
  switch (value.type()) {
    case json::value_t::string:
      return value.get<std::string>();
    case json::value_t::boolean:
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return value.dump();
    default:
      return Status::invalid_argument(std::string(what) + ": the value of '" + key +
                                      "' must be a string, number or boolean, not " +
                                      value.type_name());
  }
}

}  // namespace

Result<std::map<std::string, std::string>> config_from_json(const json& object,
                                                            std::string_view what) {
  if (!object.is_object()) {
    return Status::invalid_argument(std::string(what) + " must be a JSON object, not " +
                                    object.type_name());
  }
  std::map<std::string, std::string> config;
  for (const auto& [key, value] : object.items()) {
    Result<std::string> text = config_value_text(value, key, what);
    if (!text.is_ok()) return text.status();
    config.emplace(key, std::move(text).value());
  }
  return config;
}

Result<std::map<std::string, std::optional<std::string>>> config_patch_from_json(
    const json& object) {
  constexpr std::string_view kWhat = "connector configuration patch";
  if (!object.is_object()) {
    return Status::invalid_argument(std::string(kWhat) + " must be a JSON object, not " +
                                    object.type_name());
  }
  std::map<std::string, std::optional<std::string>> patch;
  for (const auto& [key, value] : object.items()) {
    if (value.is_null()) {
      patch.emplace(key, std::nullopt);
      continue;
    }
    Result<std::string> text = config_value_text(value, key, kWhat);
    if (!text.is_ok()) return text.status();
    patch.emplace(key, std::move(text).value());
  }
  return patch;
}

Result<std::vector<OffsetInfo>> offsets_from_json(const json& body) {
  if (!body.is_object() || !body.contains("offsets")) {
    return Status::invalid_argument(
        "Request body must be an object with an \"offsets\" list of {\"partition\", \"offset\"}");
  }
  const json& list = body["offsets"];
  if (!list.is_array()) return Status::invalid_argument("\"offsets\" must be a JSON array");
  if (list.empty()) {
    return Status::invalid_argument("The offsets to alter must be a non-empty list");
  }
  std::vector<OffsetInfo> offsets;
  for (size_t i = 0; i < list.size(); ++i) {
    const json& entry = list[i];
    const std::string where = "offsets[" + std::to_string(i) + "]";
    if (!entry.is_object()) return Status::invalid_argument(where + " must be a JSON object");
    auto partition = entry.find("partition");
    if (partition == entry.end() || !partition->is_object()) {
      return Status::invalid_argument(where + ": \"partition\" must be a JSON object");
    }
    auto offset = entry.find("offset");
    if (offset == entry.end() || !(offset->is_object() || offset->is_null())) {
      return Status::invalid_argument(where + ": \"offset\" must be a JSON object or null");
    }
    offsets.push_back(OffsetInfo{*partition, *offset});
  }
  return offsets;
}

Result<std::string> checked_connector_name(std::string_view name) {
  size_t begin = 0;
  size_t end = name.size();
  while (begin < end && static_cast<unsigned char>(name[begin]) <= ' ') ++begin;
  while (end > begin && static_cast<unsigned char>(name[end - 1]) <= ' ') --end;
  std::string trimmed(name.substr(begin, end - begin));
  if (trimmed.empty()) return Status::invalid_argument("Connector name must not be empty");
  for (size_t i = 0; i < trimmed.size(); ++i) {
    const auto c = static_cast<unsigned char>(trimmed[i]);
    // C0 controls and DEL are single bytes; C1 controls (U+0080–U+009F) are 0xC2 0x80–0x9F.
    const bool c0_or_del = c < 0x20 || c == 0x7f;
    const bool c1 = c == 0xc2 && i + 1 < trimmed.size() &&
                    static_cast<unsigned char>(trimmed[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(trimmed[i + 1]) <= 0x9f;
    if (c0_or_del || c1) {
      return Status::invalid_argument("Connector name '" + trimmed +
                                      "' must not contain ISO control characters");
    }
  }
  return trimmed;
}

}  // namespace sluice::rest
