// The registry of loaded plugins; see plugin_registry.h.
#include "runtime/plugin/plugin_registry.h"

#include <dlfcn.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "broker-lite/util/logging.h"
#include "broker-lite/util/nearest_name.h"
#include "runtime/plugin/descriptor_check.h"

namespace sluice::plugin {
namespace {

constexpr std::string_view kLogComponent = "plugin";

PluginKind kind_of(uint32_t kind) {
  switch (kind) {
    case SLUICE_KIND_SOURCE:
      return PluginKind::kSource;
    case SLUICE_KIND_SINK:
      return PluginKind::kSink;
    case SLUICE_KIND_CONVERTER:
      return PluginKind::kConverter;
    default:
      return PluginKind::kTransform;
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool looks_like_library(const std::string& file_name) {
  return (file_name.size() > 3 && file_name.compare(file_name.size() - 3, 3, ".so") == 0) ||
         file_name.find(".so.") != std::string::npos;
}

// Collects library candidates of one plugin.path entry into `files` (path as found → real
// path); unreadable entries become refusals.
void collect_entry(const std::string& entry, std::vector<std::string>* files,
                   std::vector<RefusedPlugin>* problems) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::file_status st = fs::status(entry, ec);
  if (ec || !fs::exists(st)) {
    problems->push_back({entry, "plugin.path entry does not exist"});
    return;
  }
  if (fs::is_regular_file(st)) {
    files->push_back(entry);
    return;
  }
  if (!fs::is_directory(st)) {
    problems->push_back({entry, "plugin.path entry is neither a file nor a directory"});
    return;
  }
  // The directory itself (depth 1) and its immediate subdirectories (depth 2).
  std::vector<std::pair<fs::path, int>> dirs = {{fs::path(entry), 1}};
  while (!dirs.empty()) {
    auto [dir, depth] = dirs.back();
    dirs.pop_back();
    fs::directory_iterator it(dir, ec);
    if (ec) {
      problems->push_back({dir.string(), "cannot read directory: " + ec.message()});
      continue;
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      std::error_code entry_ec;
      fs::file_status child = fs::status(it->path(), entry_ec);  // follows symlinks
      if (entry_ec) continue;                                    // dangling symlink
      if (fs::is_regular_file(child) && looks_like_library(it->path().filename().string())) {
        files->push_back(it->path().string());
      } else if (fs::is_directory(child) && depth < 2) {
        dirs.push_back({it->path(), depth + 1});
      }
    }
    if (ec) problems->push_back({dir.string(), "cannot read directory: " + ec.message()});
  }
}

}  // namespace

std::string_view plugin_kind_name(PluginKind kind) {
  switch (kind) {
    case PluginKind::kSource:
      return "source";
    case PluginKind::kSink:
      return "sink";
    case PluginKind::kConverter:
      return "converter";
    case PluginKind::kTransform:
      return "transform";
  }
  return "unknown";
}

bool is_valid_class_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '$' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::vector<std::string> derived_aliases(std::string_view class_name) {
  std::vector<std::string> out;
  size_t dot = class_name.rfind('.');
  std::string_view simple = dot == std::string_view::npos ? class_name : class_name.substr(dot + 1);
  if (!simple.empty() && simple != class_name) out.emplace_back(simple);
  for (std::string_view suffix : {"Connector", "Converter", "Transformation"}) {
    if (simple.size() > suffix.size() &&
        simple.compare(simple.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.emplace_back(simple.substr(0, simple.size() - suffix.size()));
      break;
    }
  }
  return out;
}

std::unique_ptr<PluginRegistry> PluginRegistry::scan(const std::vector<std::string>& plugin_path,
                                                     const sluice_host_api* host) {
  auto registry = std::make_unique<PluginRegistry>();
  std::vector<std::string> files;
  std::vector<RefusedPlugin> problems;
  for (const std::string& raw : plugin_path) {
    std::string entry(trim(raw));
    if (!entry.empty()) collect_entry(entry, &files, &problems);
  }
  for (const RefusedPlugin& p : problems) registry->refuse(p.file, p.reason, nullptr);
  std::sort(files.begin(), files.end());
  std::set<std::string> loaded_real_paths;
  for (const std::string& file : files) {
    std::error_code ec;
    std::string real = std::filesystem::canonical(file, ec).string();
    if (ec) real = file;
    if (!loaded_real_paths.insert(real).second) continue;  // same file reached twice
    registry->load_file(file, host);
  }
  registry->rebuild_aliases();
  return registry;
}

void PluginRegistry::load_file(const std::string& file, const sluice_host_api* host) {
  // Never dlclose'd, refused or not (ABI §11): static constructors already ran.
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* err = dlerror();
    refuse(file, std::string("dlopen failed: ") + (err ? err : "unknown error"), nullptr);
    return;
  }
  void* symbol = dlsym(handle, SLUICE_ENTRY_SYMBOL);
  if (symbol == nullptr) {
    refuse(file, "no sluice_plugin_entry symbol (not a Sluice plugin)", nullptr);
    return;
  }
  auto entry = reinterpret_cast<sluice_plugin_entry_fn>(symbol);
  const sluice_library* lib = nullptr;
  try {
    lib = entry(host);
  } catch (...) {
    refuse(file, "sluice_plugin_entry threw an exception", nullptr);
    return;
  }
  if (lib == nullptr) {
    refuse(file, "sluice_plugin_entry returned NULL", nullptr);
    return;
  }
  Status added = add_library(lib, file);
  if (added.is_ok()) {
    SLUICE_LOG(kInfo, kLogComponent,
               "loaded " + std::to_string(lib->plugin_count) + " plugin(s) from " + file);
  }
}

Status PluginRegistry::add_library_for_testing(const sluice_library* lib, std::string label) {
  if (lib == nullptr) {
    refuse(label, "sluice_plugin_entry returned NULL", nullptr);
    return Status::invalid_argument("sluice_plugin_entry returned NULL");
  }
  Status added = add_library(lib, label);
  rebuild_aliases();
  return added;
}

Status PluginRegistry::add_library(const sluice_library* lib, const std::string& file) {
  auto refused = [&](const Status& why) {
    if (!why.is_ok()) refuse(file, std::string(why.message()), lib);
    return why;
  };
  // A library whose own struct is bad is refused without reading its descriptors.
  if (Status lib_ok = check_library_struct(*lib); !lib_ok.is_ok()) {
    refuse(file, std::string(lib_ok.message()), nullptr);
    return lib_ok;
  }
  std::vector<std::unique_ptr<Entry>> fresh;
  std::set<std::string_view> in_library;
  for (uint32_t i = 0; i < lib->plugin_count; ++i) {
    const sluice_plugin_descriptor& d = *lib->plugins[i];
    Result<std::vector<config::KeyDef>> keys = check_descriptor(d, i);
    if (!keys.is_ok()) return refused(keys.status());
    std::string_view name = d.class_name;
    if (auto it = by_class_.find(name); it != by_class_.end()) {
      return refused(Status::already_exists(
          "plugin '" + std::string(name) + "' is already provided by " + it->second->library_file));
    }
    if (!in_library.insert(name).second) {
      return refused(Status::already_exists("plugin '" + std::string(name) +
                                            "' is declared twice in this library"));
    }
    auto entry = std::make_unique<Entry>();
    PluginInfo& info = entry->info;
    info.kind = kind_of(d.kind);
    info.class_name = d.class_name;
    info.version = d.version;
    info.description = d.description != nullptr ? d.description : "";
    info.library_file = file;
    info.descriptor = &d;
    info.hooks = d.hooks;
    info.config_keys = std::move(keys).value();
    if (d.kind == SLUICE_KIND_SOURCE || d.kind == SLUICE_KIND_SINK) {
      Result<config::ConnectorConfigDef> def = config::ConnectorConfigDef::from_plugin_table(
          d.kind == SLUICE_KIND_SOURCE ? config::ConnectorKind::kSource
                                       : config::ConnectorKind::kSink,
          d.config_keys, d.config_key_size);
      if (!def.is_ok())
        return refused(def.status().with_context("plugin '" + info.class_name + "'"));
      info.config_def.emplace(std::move(def).value());
    }
    if (d.aliases != nullptr) {
      for (const char* const* a = d.aliases; *a != nullptr; ++a) {
        entry->claimed_aliases.emplace_back(*a);
      }
    }
    for (std::string& derived : derived_aliases(info.class_name)) {
      entry->claimed_aliases.push_back(std::move(derived));
    }
    std::sort(entry->claimed_aliases.begin(), entry->claimed_aliases.end());
    entry->claimed_aliases.erase(
        std::unique(entry->claimed_aliases.begin(), entry->claimed_aliases.end()),
        entry->claimed_aliases.end());
    std::erase(entry->claimed_aliases, info.class_name);
    fresh.push_back(std::move(entry));
  }
  for (auto& entry : fresh) {
    by_class_.emplace(entry->info.class_name, &entry->info);
    entries_.push_back(std::move(entry));
  }
  return Status::ok();
}

void PluginRegistry::refuse(const std::string& file, const std::string& reason,
                            const sluice_library* lib) {
  SLUICE_LOG(kError, kLogComponent, "refused plugin " + file + ": " + reason);
  refused_.push_back({file, reason});
  // Remember the names the library declared, so that a connector asking for one learns why it
  // is missing. `lib` is passed only when its own struct passed the checks.
  if (lib == nullptr) return;
  for (uint32_t i = 0; i < lib->plugin_count; ++i) {
    const sluice_plugin_descriptor* d = lib->plugins[i];
    if (d == nullptr || d->abi_major != SLUICE_ABI_MAJOR || d->class_name == nullptr) continue;
    refused_names_.emplace(d->class_name, refused_.size() - 1);
    for (std::string& alias : derived_aliases(d->class_name)) {
      refused_names_.emplace(std::move(alias), refused_.size() - 1);
    }
  }
}

void PluginRegistry::rebuild_aliases() {
  std::map<std::string, std::vector<const PluginInfo*>, std::less<>> claims;
  for (const auto& entry : entries_) {
    for (const std::string& alias : entry->claimed_aliases) {
      claims[alias].push_back(&entry->info);
    }
  }
  by_alias_.clear();
  ambiguous_.clear();
  std::map<const PluginInfo*, std::vector<std::string>> kept;
  for (auto& [alias, owners] : claims) {
    if (by_class_.count(alias) != 0) continue;  // a full class name wins over any alias
    if (owners.size() == 1) {
      by_alias_.emplace(alias, owners.front());
      kept[owners.front()].push_back(alias);
      continue;
    }
    if (warned_ambiguous_.insert(alias).second) {
      std::string who;
      for (const PluginInfo* p : owners) {
        who += (who.empty() ? "" : ", ") + p->class_name + " (" + p->library_file + ")";
      }
      SLUICE_LOG(
          kWarn, kLogComponent,
          "alias '" + alias + "' is claimed by several plugins and registered for none: " + who);
    }
    ambiguous_.emplace(alias, std::move(owners));
  }
  for (auto& entry : entries_) entry->info.aliases = std::move(kept[&entry->info]);
}

const PluginInfo* PluginRegistry::find(std::string_view class_or_alias) const {
  if (auto it = by_class_.find(class_or_alias); it != by_class_.end()) return it->second;
  if (auto it = by_alias_.find(class_or_alias); it != by_alias_.end()) return it->second;
  return nullptr;
}

std::string PluginRegistry::unknown_class_message(std::string_view class_or_alias) const {
  std::string message = "unknown plugin class '" + std::string(class_or_alias) + "'";
  if (auto it = ambiguous_.find(class_or_alias); it != ambiguous_.end()) {
    message += ": the alias is claimed by several plugins (";
    for (size_t i = 0; i < it->second.size(); ++i) {
      if (i != 0) message += ", ";
      message += it->second[i]->class_name + " in " + it->second[i]->library_file;
    }
    message += "); use the full class name";
    return message;
  }
  if (auto it = refused_names_.find(class_or_alias); it != refused_names_.end()) {
    const RefusedPlugin& r = refused_[it->second];
    message += ": the plugin library " + r.file + " was refused: " + r.reason;
    return message;
  }
  std::vector<std::string_view> names;
  for (const auto& [name, info] : by_class_) names.push_back(name);
  for (const auto& [name, info] : by_alias_) names.push_back(name);
  std::string best = nearest_name(class_or_alias, names);
  if (!best.empty()) message += "; did you mean '" + best + "'?";
  return message;
}

std::vector<const PluginInfo*> PluginRegistry::plugins() const {
  std::vector<const PluginInfo*> out;
  out.reserve(by_class_.size());
  for (const auto& [name, info] : by_class_) out.push_back(info);  // map order: by class name
  return out;
}

}  // namespace sluice::plugin
