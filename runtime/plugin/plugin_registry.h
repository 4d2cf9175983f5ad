// The registry of loaded plugins: scans plugin.path (docs/design/worker.md §5), loads each shared
// library with the ABI handshake of docs/formats/plugin-abi.md §11, checks every descriptor, and
// registers all plugins of a valid library under their class names and aliases (§4.2), or
// refuses the whole library with a reason. Read-only after the scan; safe to share between
// threads then.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <sluice/plugin_abi.h>

#include "broker-lite/util/status.h"
#include "runtime/config/config_def.h"
#include "runtime/config/config_key.h"

namespace sluice::plugin {

enum class PluginKind { kSource, kSink, kConverter, kTransform };

// "source", "sink", "converter", "transform" (the words /connector-plugins uses).
std::string_view plugin_kind_name(PluginKind kind);

// One registered plugin. Lives as long as the registry that made it.
struct PluginInfo {
  PluginKind kind;
  std::string class_name;
  std::string version;
  std::string description;                     // "" when the descriptor has none
  std::vector<std::string> aliases;            // declared + derived, minus ambiguous ones; sorted
  std::string library_file;                    // path as found under plugin.path (or the label)
  const sluice_plugin_descriptor* descriptor;  // static data of the library (never unloaded)
  const void* hooks;                           // the descriptor's hook table (kind-specific)
  // The plugin's own keys (its table, in table order); empty for a plugin without keys.
  std::vector<config::KeyDef> config_keys;
  // Source and sink plugins: the full connector definition (the table plus Kafka Connect's
  // common connector keys). nullopt for converters and transforms.
  std::optional<config::ConnectorConfigDef> config_def;
};

struct RefusedPlugin {
  std::string file;
  std::string reason;
};

// The names the host derives for a class name (§4.2): the last dot-separated component, and
// that component without a trailing "Connector", "Converter" or "Transformation". Names equal to
// `class_name` itself or empty are left out.
std::vector<std::string> derived_aliases(std::string_view class_name);

// True for a non-empty name of ASCII letters, digits, '.', '_', '$' and '-'.
bool is_valid_class_name(std::string_view name);

class PluginRegistry {
 public:
  // Scans the plugin.path entries (already comma-split by the caller; blanks around an entry are
  // trimmed and empty entries skipped): each entry is a shared library file or a directory
  // searched to depth 2 for files whose name ends in ".so" or contains ".so.". Symlinks are
  // followed and each real file loaded once, in sorted path order. Each library is loaded per
  // ABI §11 with `host` (borrowed; must live for the whole process), checked, and registered or
  // refused as a whole; a refusal is logged at ERROR as "refused plugin <file>: <reason>". Never
  // fails as a whole: a missing entry or an unreadable directory becomes a refusal entry.
  static std::unique_ptr<PluginRegistry> scan(const std::vector<std::string>& plugin_path,
                                              const sluice_host_api* host);

  PluginRegistry() = default;
  PluginRegistry(const PluginRegistry&) = delete;
  PluginRegistry& operator=(const PluginRegistry&) = delete;

  // The plugin with this full class name, else with this alias; nullptr if unknown. The pointer
  // lives as long as the registry.
  const PluginInfo* find(std::string_view class_or_alias) const;

  // Explains why `class_or_alias` is not found: "unknown plugin class 'X'", plus the refusal
  // reason if a refused library declared that name, the claimants if it is an ambiguous alias,
  // and a "did you mean" hint with the nearest registered name.
  std::string unknown_class_message(std::string_view class_or_alias) const;

  // Every registered plugin, sorted by class name.
  std::vector<const PluginInfo*> plugins() const;

  // Refused libraries (and unreadable plugin.path entries) in the order they were met.
  const std::vector<RefusedPlugin>& refused() const { return refused_; }

  // Checks and registers a library struct exactly like a loaded one; `label` stands for its
  // file. On refusal the reason is recorded in refused() (and logged) and returned as
  // kInvalidArgument; nothing of the library is registered.
  Status add_library_for_testing(const sluice_library* lib, std::string label);

 private:
  // Loads one file (dlopen, entry lookup, entry call) and adds it; refusals are recorded.
  void load_file(const std::string& file, const sluice_host_api* host);
  // Validation and registration of one library (shared by load_file and the test entry).
  Status add_library(const sluice_library* lib, const std::string& file);
  // Records and logs a refusal. `lib` (may be null) is passed only when its struct passed
  // check_library_struct; then the class names it declares are remembered for messages.
  void refuse(const std::string& file, const std::string& reason, const sluice_library* lib);
  // Recomputes the alias index and each PluginInfo::aliases from the claimed names.
  void rebuild_aliases();

  struct Entry {
    PluginInfo info;
    std::vector<std::string> claimed_aliases;  // declared + derived, before ambiguity removal
  };
  std::vector<std::unique_ptr<Entry>> entries_;  // stable addresses
  std::map<std::string, const PluginInfo*, std::less<>> by_class_;
  std::map<std::string, const PluginInfo*, std::less<>> by_alias_;
  // Alias → the plugins that claim it, for aliases claimed by two or more.
  std::map<std::string, std::vector<const PluginInfo*>, std::less<>> ambiguous_;
  std::set<std::string> warned_ambiguous_;
  std::vector<RefusedPlugin> refused_;
  // Names (class names and aliases) declared by refused libraries → index into refused_.
  std::map<std::string, size_t, std::less<>> refused_names_;
};

}  // namespace sluice::plugin
