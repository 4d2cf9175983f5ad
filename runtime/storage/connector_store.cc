// FileConnectorStore (connector_store.h): writing the §2 JSON document with the §0 rules,
// reading it back with nlohmann::json, and the durable insert/replace/remove.
#include "runtime/storage/connector_store.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

#include "runtime/data/json_writer.h"
#include "runtime/storage/atomic_file.h"

namespace sluice::storage {
namespace {

constexpr std::string_view kFormat = "sluice-connectors";
constexpr int kConnectorFileVersion = 1;
constexpr std::array<std::string_view, 3> kTargetStates = {"RUNNING", "PAUSED", "STOPPED"};

bool is_target_state(std::string_view s) {
  return std::find(kTargetStates.begin(), kTargetStates.end(), s) != kTargetStates.end();
}

void append_string_map(std::string& out, const std::map<std::string, std::string>& map) {
  out.push_back('{');
  bool first = true;
  for (const auto& [key, value] : map) {
    if (!first) out.push_back(',');
    first = false;
    data::append_json_string(key, &out);
    out.push_back(':');
    data::append_json_string(value, &out);
  }
  out.push_back('}');
}

Result<std::map<std::string, std::string>> string_map_from(const nlohmann::json& j,
                                                           const std::string& what) {
  if (!j.is_object()) return Status::corruption(what + " is not an object");
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : j.items()) {
    if (!value.is_string()) {
      return Status::corruption(what + ": the value of \"" + key + "\" is not a string");
    }
    out.emplace(key, value.get<std::string>());
  }
  return out;
}

Result<StoredConnector> connector_from(const nlohmann::json& j, size_t index) {
  const std::string where = "connectors[" + std::to_string(index) + "]";
  if (!j.is_object()) return Status::corruption(where + " is not an object");
  StoredConnector c;
  auto name = j.find("name");
  if (name == j.end() || !name->is_string() || name->get<std::string>().empty()) {
    return Status::corruption(where + ": missing or empty \"name\"");
  }
  c.name = name->get<std::string>();
  const std::string subject = "connector \"" + c.name + "\"";
  auto state = j.find("target_state");
  if (state == j.end() || !state->is_string() || !is_target_state(state->get<std::string>())) {
    return Status::corruption(subject + ": \"target_state\" must be RUNNING, PAUSED or STOPPED");
  }
  c.target_state = state->get<std::string>();
  auto config = j.find("config");
  if (config == j.end()) return Status::corruption(subject + ": missing \"config\"");
  Result<std::map<std::string, std::string>> parsed = string_map_from(*config, subject + " config");
  if (!parsed.is_ok()) return parsed.status();
  c.config = std::move(*parsed);
  auto tasks = j.find("tasks");
  if (tasks != j.end()) {
    if (!tasks->is_array()) return Status::corruption(subject + ": \"tasks\" is not an array");
    for (size_t t = 0; t < tasks->size(); ++t) {
      Result<std::map<std::string, std::string>> task =
          string_map_from((*tasks)[t], subject + " task " + std::to_string(t));
      if (!task.is_ok()) return task.status();
      c.task_configs.push_back(std::move(*task));
    }
  }
  return c;
}

Result<std::vector<StoredConnector>> parse_document(std::string_view text) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::corruption("not valid JSON (file damaged?)");
  if (!doc.is_object()) return Status::corruption("the document is not a JSON object");
  auto format = doc.find("format");
  if (format == doc.end() || *format != kFormat) {
    return Status::corruption("not a connector store (\"format\" is not \"sluice-connectors\")");
  }
  auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer() || *version != kConnectorFileVersion) {
    return Status::corruption("unsupported \"version\" (this Sluice reads version 1)");
  }
  auto list = doc.find("connectors");
  if (list == doc.end() || !list->is_array()) {
    return Status::corruption("missing \"connectors\" array");
  }
  std::vector<StoredConnector> out;
  for (size_t i = 0; i < list->size(); ++i) {
    Result<StoredConnector> c = connector_from((*list)[i], i);
    if (!c.is_ok()) return c.status();
    for (const StoredConnector& seen : out) {
      if (seen.name == c->name) {
        return Status::corruption("connector \"" + c->name + "\" appears twice");
      }
    }
    out.push_back(std::move(*c));
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<FileConnectorStore>> FileConnectorStore::open(std::string path,
                                                                     log::FileSystem* fs) {
  std::unique_ptr<FileConnectorStore> store(new FileConnectorStore(std::move(path), fs));
  SLUICE_RETURN_IF_ERROR(store->load().with_context("connector store " + store->path_));
  return store;
}

Status FileConnectorStore::load() {
  Result<std::optional<std::string>> text = read_state_file(*fs_, path_);
  if (!text.is_ok()) return text.status();
  if (!text->has_value()) return Status::ok();
  Result<std::vector<StoredConnector>> parsed = parse_document(**text);
  if (!parsed.is_ok()) return parsed.status();
  connectors_ = std::move(*parsed);
  return Status::ok();
}

std::string FileConnectorStore::render(const std::vector<StoredConnector>& connectors) {
  std::string out = "{\"format\":";
  data::append_json_string(kFormat, &out);
  out += ",\"version\":" + std::to_string(kConnectorFileVersion) + ",\"connectors\":[";
  for (size_t i = 0; i < connectors.size(); ++i) {
    const StoredConnector& c = connectors[i];
    if (i > 0) out.push_back(',');
    out += "{\"name\":";
    data::append_json_string(c.name, &out);
    out += ",\"target_state\":";
    data::append_json_string(c.target_state, &out);
    out += ",\"config\":";
    append_string_map(out, c.config);
    out += ",\"tasks\":[";
    for (size_t t = 0; t < c.task_configs.size(); ++t) {
      if (t > 0) out.push_back(',');
      append_string_map(out, c.task_configs[t]);
    }
    out += "]}";
  }
  out += "]}\n";
  return out;
}

std::vector<StoredConnector> FileConnectorStore::all() const {
  std::lock_guard lock(mu_);
  return connectors_;
}

std::optional<StoredConnector> FileConnectorStore::get(std::string_view name) const {
  std::lock_guard lock(mu_);
  for (const StoredConnector& c : connectors_) {
    if (c.name == name) return c;
  }
  return std::nullopt;
}

Status FileConnectorStore::put(const StoredConnector& c) {
  if (c.name.empty()) return Status::invalid_argument("connector store: empty connector name");
  if (!is_target_state(c.target_state)) {
    return Status::invalid_argument("connector store: connector \"" + c.name +
                                    "\": unknown target state \"" + c.target_state + "\"");
  }
  std::lock_guard lock(mu_);
  std::vector<StoredConnector> next = connectors_;
  auto it = std::find_if(next.begin(), next.end(),
                         [&](const StoredConnector& s) { return s.name == c.name; });
  if (it != next.end()) {
    if (*it == c) return Status::ok();
    *it = c;
  } else {
    next.push_back(c);
  }
  return commit_locked(std::move(next))
      .with_context("connector store " + path_ + ": connector \"" + c.name + "\"");
}

Status FileConnectorStore::remove(std::string_view name) {
  std::lock_guard lock(mu_);
  std::vector<StoredConnector> next = connectors_;
  auto it = std::find_if(next.begin(), next.end(),
                         [&](const StoredConnector& s) { return s.name == name; });
  if (it == next.end()) {
    return Status::not_found("connector store " + path_ + ": no connector \"" + std::string(name) +
                             "\"");
  }
  next.erase(it);
  return commit_locked(std::move(next))
      .with_context("connector store " + path_ + ": removing \"" + std::string(name) + "\"");
}

Status FileConnectorStore::commit_locked(std::vector<StoredConnector> next) {
  std::string bytes = render(next);
  // Never write a document the next start could not read (e.g. a value that is not UTF-8).
  Result<std::vector<StoredConnector>> reread = parse_document(bytes);
  if (!reread.is_ok()) {
    return Status::invalid_argument("the config cannot be stored (names and values must be UTF-8)");
  }
  SLUICE_RETURN_IF_ERROR(replace_file_durably(*fs_, path_, bytes, FileAccess::kOwnerOnly));
  connectors_ = std::move(next);
  return Status::ok();
}

}  // namespace sluice::storage
