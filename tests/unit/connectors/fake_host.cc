// The fake worker of the connector plugin tests: see fake_host.h.
#include "tests/unit/connectors/fake_host.h"

#include <dlfcn.h>

namespace sluice::connectors::testing {

std::string_view view(sluice_str s) {
  return s.ptr == nullptr ? std::string_view() : std::string_view(s.ptr, s.len);
}

std::string_view view(const sluice_bytes& b) {
  return b.ptr == nullptr ? std::string_view()
                          : std::string_view(reinterpret_cast<const char*>(b.ptr), b.len);
}

FieldMap to_field_map(const sluice_field* fields, uint32_t count) {
  FieldMap map;
  for (uint32_t i = 0; i < count; ++i) {
    const sluice_field& f = fields[i];
    std::string value;
    switch (f.type) {
      case SLUICE_FIELD_INT64:
        value = std::to_string(f.v.i);
        break;
      case SLUICE_FIELD_STRING:
        value = "s:" + std::string(view(f.v.s));
        break;
      default:
        value = "type " + std::to_string(f.type);
    }
    map[std::string(view(f.name))] = value;
  }
  return map;
}

FakeHost& FakeHost::instance() {
  static FakeHost host;
  return host;
}

FakeHost::FakeHost() {
  api_.abi_major = SLUICE_ABI_MAJOR;
  api_.abi_minor = SLUICE_ABI_MINOR;
  api_.struct_size = sizeof(sluice_host_api);
  api_.log = &FakeHost::log;
  api_.set_error = &FakeHost::set_error;
  api_.config_error = &FakeHost::config_error;
  api_.context_info = &FakeHost::context_info;
  api_.offset_get = &FakeHost::offset_get;
}

void FakeHost::log(sluice_host_ctx* ctx, uint32_t level, sluice_str message) {
  (void)ctx;
  static const char* const kLevels[] = {"?", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"};
  FakeHost& host = instance();
  std::lock_guard lock(host.log_mutex_);
  host.logs_.push_back(std::string(kLevels[level <= 5 ? level : 0]) + " " +
                       std::string(view(message)));
}

void FakeHost::set_error(sluice_host_ctx* ctx, sluice_str message) {
  if (ctx != nullptr) ctx->last_error = std::string(view(message));
}

int32_t FakeHost::config_error(sluice_host_ctx* ctx, sluice_str key, sluice_str message) {
  ctx->config_errors.emplace_back(std::string(view(key)), std::string(view(message)));
  return SLUICE_OK;
}

int32_t FakeHost::context_info(sluice_host_ctx* ctx, sluice_context_info* out) {
  out->connector = sluice_str{ctx->connector.data(), ctx->connector.size()};
  out->task = ctx->task;
  out->worker_id = sluice_str{"127.0.0.1:8083", 14};
  return SLUICE_OK;
}

int32_t FakeHost::offset_get(sluice_host_ctx* ctx, const sluice_field* partition, uint32_t count,
                             const sluice_field** out, uint32_t* out_count) {
  auto it = instance().offsets_.find(to_field_map(partition, count));
  if (it == instance().offsets_.end()) return SLUICE_ERR_NOT_FOUND;
  ctx->offset_text.clear();
  ctx->offset_out.clear();
  ctx->offset_text.reserve(it->second.size());
  for (const auto& [name, value] : it->second) {
    ctx->offset_text.push_back(name);
    sluice_field f{};
    f.name = sluice_str{ctx->offset_text.back().data(), ctx->offset_text.back().size()};
    f.type = SLUICE_FIELD_INT64;
    f.v.i = value;
    ctx->offset_out.push_back(f);
  }
  *out = ctx->offset_out.data();
  *out_count = static_cast<uint32_t>(ctx->offset_out.size());
  return SLUICE_OK;
}

void FakeHost::set_offset(const FieldMap& partition,
                          std::vector<std::pair<std::string, int64_t>> offset) {
  offsets_[partition] = std::move(offset);
}

std::vector<std::string> FakeHost::take_logs() {
  std::lock_guard lock(log_mutex_);
  return std::exchange(logs_, {});
}

LoadedLibrary load_library(const std::string& path) {
  LoadedLibrary loaded;
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    loaded.error = ::dlerror();
    return loaded;
  }
  auto entry = reinterpret_cast<sluice_plugin_entry_fn>(::dlsym(handle, SLUICE_ENTRY_SYMBOL));
  if (entry == nullptr) {
    loaded.error = "no " SLUICE_ENTRY_SYMBOL " symbol";
    return loaded;
  }
  loaded.library = entry(FakeHost::instance().api());
  return loaded;
}

const sluice_plugin_descriptor* find_plugin(const sluice_library* library,
                                            std::string_view class_name) {
  for (uint32_t i = 0; library != nullptr && i < library->plugin_count; ++i) {
    if (class_name == library->plugins[i]->class_name) return library->plugins[i];
  }
  return nullptr;
}

ConfigArg::ConfigArg(std::initializer_list<std::pair<std::string, std::string>> entries)
    : entries_(entries) {
  rebuild();
}

ConfigArg::ConfigArg(const sluice_config& lent) {
  for (uint64_t i = 0; i < lent.count; ++i) {
    entries_.emplace_back(view(lent.entries[i].key), view(lent.entries[i].value));
  }
  rebuild();
}

void ConfigArg::rebuild() {
  kvs_.clear();
  for (const auto& [key, value] : entries_) {
    kvs_.push_back(sluice_kv{{key.data(), key.size()}, {value.data(), value.size()}});
  }
  config_ = sluice_config{kvs_.data(), kvs_.size()};
}

std::map<std::string, std::string> ConfigArg::as_map() const {
  return std::map<std::string, std::string>(entries_.begin(), entries_.end());
}

}  // namespace sluice::connectors::testing
