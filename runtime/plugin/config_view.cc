// Conversions between config::Props and sluice_config; see config_view.h.
#include "runtime/plugin/config_view.h"

#include <string>

#include "runtime/plugin/abi_names.h"

namespace sluice::plugin {

ConfigView::ConfigView(const config::Props& props) {
  entries_.reserve(props.size());
  for (const auto& [key, value] : props) entries_.push_back(sluice_kv{str_of(key), str_of(value)});
  config_.entries = entries_.empty() ? nullptr : entries_.data();
  config_.count = entries_.size();
}

Result<config::Props> props_from_config(const sluice_config& config, std::string_view what) {
  if (config.entries == nullptr && config.count != 0) {
    return Status::invalid_argument(std::string(what) + ": entries is NULL but count is " +
                                    std::to_string(config.count));
  }
  config::Props out;
  for (uint64_t i = 0; i < config.count; ++i) {
    const sluice_kv& kv = config.entries[i];
    if ((kv.key.ptr == nullptr && kv.key.len != 0) ||
        (kv.value.ptr == nullptr && kv.value.len != 0)) {
      return Status::invalid_argument(std::string(what) + ": entry " + std::to_string(i) +
                                      " has a NULL view with a length");
    }
    std::string key(view_of(kv.key));
    if (!out.emplace(key, std::string(view_of(kv.value))).second) {
      return Status::invalid_argument(std::string(what) + ": key '" + key + "' appears twice");
    }
  }
  return out;
}

}  // namespace sluice::plugin
