// Registration and the hook trampolines: the C functions the host calls, each forwarding to the
// plugin's C++ objects and catching every exception at the boundary (plugin-abi.md §10), plus
// SLUICE_PLUGIN_LIBRARY, which defines the library's one exported entry function.
#ifndef SLUICE_SDK_PLUGIN_H_
#define SLUICE_SDK_PLUGIN_H_

#include <sluice/plugin_abi.h>
#include <sluice/sdk/config.h>
#include <sluice/sdk/connector.h>
#include <sluice/sdk/context.h>
#include <sluice/sdk/errors.h>
#include <sluice/sdk/host.h>
#include <sluice/sdk/records.h>

#include <cstring>
#include <exception>
#include <initializer_list>
#include <memory>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <vector>

namespace sluice {
namespace sdk_detail {

// Runs `body` as the hook of instance `ctx`: SLUICE_OK if it returns, else the status and
// set_error text of plugin-abi.md §10. Never throws.
template <class F>
int32_t guard(sluice_host_ctx* ctx, F&& body) noexcept {
  CurrentCtxScope scope(ctx);
  int32_t status = SLUICE_ERR_EXCEPTION;
  try {
    body();
    return SLUICE_OK;
  } catch (const RetriableError& e) {
    status = SLUICE_ERR_RETRIABLE;
    set_error(ctx, e.what());
  } catch (const ConfigError& e) {
    status = SLUICE_ERR_CONFIG;
    set_error(ctx, e.what());
  } catch (const FailedError& e) {
    status = SLUICE_ERR_FAILED;
    set_error(ctx, e.what());
  } catch (const std::exception& e) {
    try {
      set_error(ctx, demangle(typeid(e).name()) + ": " + e.what());
    } catch (...) {  // no memory for the text: the plain message still tells what happened
      set_error(ctx, e.what());
    }
  } catch (...) {
    set_error(ctx, "unknown exception");
  }
  return status;
}

// For hooks without a status (destroy, wake): an exception is logged at ERROR and swallowed.
template <class F>
void guard_void(sluice_host_ctx* ctx, const char* hook, F&& body) noexcept {
  CurrentCtxScope scope(ctx);
  try {
    body();
  } catch (const std::exception& e) {
    try {
      log_to(ctx, HostLogLevel::kError,
             std::string(hook) + " threw " + demangle(typeid(e).name()) + ": " + e.what());
    } catch (...) {
      log_to(ctx, HostLogLevel::kError, e.what());
    }
  } catch (...) {
    try {
      log_to(ctx, HostLogLevel::kError, std::string(hook) + " threw an unknown exception");
    } catch (...) {
      log_to(ctx, HostLogLevel::kError, std::string_view(hook));
    }
  }
}

// The definition of class C's keys, built once (C::config_def() may throw the first time; the SDK
// calls it while loading the library so that a mistake refuses the library).
template <class C>
const ConfigDef& def_of() {
  static const ConfigDef def = C::config_def();
  return def;
}

// Task configurations handed back by task_configs, lent until the next call.
class TaskConfigStorage {
 public:
  void assign(std::vector<TaskConfig> configs) {
    maps_ = std::move(configs);
    kvs_.assign(maps_.size(), {});
    abi_.assign(maps_.size(), sluice_config{});
    for (size_t i = 0; i < maps_.size(); ++i) {
      for (const auto& [key, value] : maps_[i])
        kvs_[i].push_back(sluice_kv{to_str(key), to_str(value)});
      abi_[i].entries = kvs_[i].data();
      abi_[i].count = kvs_[i].size();
    }
  }
  [[nodiscard]] const sluice_config* data() const noexcept { return abi_.data(); }
  [[nodiscard]] uint32_t size() const noexcept { return static_cast<uint32_t>(abi_.size()); }

 private:
  std::vector<TaskConfig> maps_;
  std::vector<std::vector<sluice_kv>> kvs_;
  std::vector<sluice_config> abi_;
};

inline std::vector<OffsetChange> offset_changes(const sluice_offset_change* changes, uint32_t n) {
  std::vector<OffsetChange> out;
  for (uint32_t i = 0; changes != nullptr && i < n; ++i) {
    OffsetChange change;
    change.partition = Fields::from_abi(changes[i].partition, changes[i].partition_count);
    if (changes[i].offset != nullptr || changes[i].offset_count > 0) {
      change.offset = Fields::from_abi(changes[i].offset, changes[i].offset_count);
    }
    out.push_back(std::move(change));
  }
  return out;
}

inline std::vector<TopicPartition> topic_partitions(const sluice_topic_partition* tps, uint32_t n) {
  std::vector<TopicPartition> out;
  for (uint32_t i = 0; tps != nullptr && i < n; ++i) {
    out.push_back(TopicPartition{std::string(from_str(tps[i].topic)), tps[i].partition});
  }
  return out;
}

inline std::vector<TopicPartitionOffset> tp_offsets(const sluice_tp_offset* tps, uint32_t n) {
  std::vector<TopicPartitionOffset> out;
  for (uint32_t i = 0; tps != nullptr && i < n; ++i) {
    out.push_back(
        TopicPartitionOffset{std::string(from_str(tps[i].topic)), tps[i].partition, tps[i].offset});
  }
  return out;
}

// True when Derived declares its own `method` instead of inheriting Base's.
#define SLUICE_SDK_OVERRIDES_(Derived, Base, method) \
  (!std::is_same_v<decltype(&Derived::method), decltype(&Base::method)>)

template <class C>
struct ConnectorHolder {
  explicit ConnectorHolder(sluice_host_ctx* c) : ctx(c), context(c) {}
  sluice_host_ctx* ctx;
  ConnectorContext context;
  std::unique_ptr<C> connector;
  TaskConfigStorage task_configs;
};

template <class C>
struct ConnectorHooks {
  static ConnectorHolder<C>* holder(sluice_connector* c) {
    return reinterpret_cast<ConnectorHolder<C>*>(c);
  }
  static int32_t create(sluice_host_ctx* ctx, sluice_connector** out) {
    return guard(ctx, [&] {
      auto h = std::make_unique<ConnectorHolder<C>>(ctx);
      h->connector = std::make_unique<C>();
      static_cast<Connector&>(*h->connector).context_ = &h->context;
      *out = reinterpret_cast<sluice_connector*>(h.release());
    });
  }
  static void destroy(sluice_connector* c) {
    ConnectorHolder<C>* h = holder(c);
    guard_void(h->ctx, "connector destroy", [&] { delete h; });
  }
  static int32_t validate(sluice_connector* c, const sluice_config* config) {
    ConnectorHolder<C>* h = holder(c);
    return guard(h->ctx, [&] {
      HostValidationReporter reporter(h->ctx);
      Config parsed;
      try {
        parsed = Config(def_of<C>(), *config);
      } catch (const ConfigError& e) {
        if (e.key().empty()) throw;
        reporter.error(e.key(), e.what());
        return;
      }
      h->connector->validate(parsed, reporter);
    });
  }
  static int32_t start(sluice_connector* c, const sluice_config* config) {
    ConnectorHolder<C>* h = holder(c);
    return guard(h->ctx, [&] { h->connector->start(Config(def_of<C>(), *config)); });
  }
  static int32_t task_configs(sluice_connector* c, uint32_t max_tasks,
                              const sluice_config** out_tasks, uint32_t* out_count) {
    ConnectorHolder<C>* h = holder(c);
    return guard(h->ctx, [&] {
      h->task_configs.assign(h->connector->task_configs(max_tasks));
      *out_tasks = h->task_configs.data();
      *out_count = h->task_configs.size();
    });
  }
  static int32_t stop(sluice_connector* c) {
    ConnectorHolder<C>* h = holder(c);
    return guard(h->ctx, [&] { h->connector->stop(); });
  }
  static int32_t alter_offsets(sluice_connector* c, const sluice_config* config,
                               const sluice_offset_change* changes, uint32_t count) {
    ConnectorHolder<C>* h = holder(c);
    return guard(h->ctx, [&] {
      auto list = offset_changes(changes, count);
      h->connector->alter_offsets(Config(def_of<C>(), *config), list);
    });
  }

  static constexpr sluice_connector_hooks table() {
    sluice_connector_hooks t{};
    t.create = &create;
    t.destroy = &destroy;
    t.validate = SLUICE_SDK_OVERRIDES_(C, Connector, validate) ? &validate : nullptr;
    t.start = &start;
    t.task_configs = &task_configs;
    t.stop = &stop;
    t.alter_offsets = SLUICE_SDK_OVERRIDES_(C, Connector, alter_offsets) ? &alter_offsets : nullptr;
    return t;
  }
};

// What every task holder keeps: the host context, the task's context object and the task.
template <class T, class Context>
struct TaskHolderBase {
  explicit TaskHolderBase(sluice_host_ctx* c) : ctx(c), context(c) {}
  sluice_host_ctx* ctx;
  Context context;
  std::unique_ptr<T> task;
};

template <class T>
struct SourceTaskHolder : TaskHolderBase<T, SourceTaskContext> {
  using TaskHolderBase<T, SourceTaskContext>::TaskHolderBase;
  SourceRecordBatch batch;  // with its ABI form, lent to the host until the next poll
};

// The hooks every task has, the same for source and sink tasks: create, destroy, start, stop,
// wake. `Holder` is the task's holder, `Base` the SDK base class (SourceTask or SinkTask).
template <class T, class Holder, class Base>
struct TaskLifecycleHooks {
  static Holder* holder(sluice_task* t) { return reinterpret_cast<Holder*>(t); }
  static int32_t task_create(sluice_host_ctx* ctx, sluice_task** out) {
    return guard(ctx, [&] {
      auto h = std::make_unique<Holder>(ctx);
      h->task = std::make_unique<T>();
      static_cast<Base&>(*h->task).context_ = &h->context;
      *out = reinterpret_cast<sluice_task*>(h.release());
    });
  }
  static void task_destroy(sluice_task* t) {
    Holder* h = holder(t);
    guard_void(h->ctx, "task destroy", [&] { delete h; });
  }
  static int32_t task_start(sluice_task* t, const sluice_config* config) {
    Holder* h = holder(t);
    return guard(h->ctx, [&] { h->task->start(Config(def_of<T>(), *config)); });
  }
  static int32_t task_stop(sluice_task* t) {
    Holder* h = holder(t);
    return guard(h->ctx, [&] { h->task->stop(); });
  }
  static void wake(sluice_task* t) {
    Holder* h = holder(t);
    guard_void(h->ctx, "wake", [&] { h->task->wake(); });
  }
};

template <class T>
struct SourceTaskHooks : TaskLifecycleHooks<T, SourceTaskHolder<T>, SourceTask> {
  using TaskLifecycleHooks<T, SourceTaskHolder<T>, SourceTask>::holder;
  static int32_t poll(sluice_task* t, uint32_t max_wait_ms, sluice_record_batch* out) {
    SourceTaskHolder<T>* h = holder(t);
    out->records = nullptr;
    out->count = 0;
    out->record_size = sizeof(sluice_record);
    return guard(h->ctx, [&] {
      h->batch.clear();
      h->task->poll(max_wait_ms, h->batch);
      std::span<const sluice_record> records = h->batch.to_abi();
      out->records = records.empty() ? nullptr : records.data();
      out->count = static_cast<uint32_t>(records.size());
    });
  }
  static int32_t commit_record(sluice_task* t, uint64_t cookie,
                               const sluice_record_metadata* metadata) {
    SourceTaskHolder<T>* h = holder(t);
    return guard(h->ctx, [&] {
      std::optional<RecordMetadata> m;
      if (metadata != nullptr) {
        m = RecordMetadata{from_str(metadata->topic), metadata->partition, metadata->offset,
                           metadata->timestamp_ms};
      }
      h->task->commit_record(cookie, m);
    });
  }
  static int32_t commit(sluice_task* t) {
    SourceTaskHolder<T>* h = holder(t);
    return guard(h->ctx, [&] { h->task->commit(); });
  }
};

template <class T>
struct SinkTaskHolder : TaskHolderBase<T, SinkTaskContext> {
  using TaskHolderBase<T, SinkTaskContext>::TaskHolderBase;
  std::vector<SinkRecord> records;                // views of the current put batch
  std::vector<sluice_record> widened;             // copies of records shorter than the 1.0 layout
  std::vector<TopicPartitionOffset> committable;  // lent to the host until next pre_commit
};

template <class T>
struct SinkTaskHooks : TaskLifecycleHooks<T, SinkTaskHolder<T>, SinkTask> {
  using TaskLifecycleHooks<T, SinkTaskHolder<T>, SinkTask>::holder;
  static int32_t open(sluice_task* t, const sluice_topic_partition* tps, uint32_t n) {
    SinkTaskHolder<T>* h = holder(t);
    return guard(h->ctx, [&] { h->task->open(topic_partitions(tps, n)); });
  }
  static int32_t close(sluice_task* t, const sluice_topic_partition* tps, uint32_t n) {
    SinkTaskHolder<T>* h = holder(t);
    return guard(h->ctx, [&] { h->task->close(topic_partitions(tps, n)); });
  }
  static int32_t put(sluice_task* t, const sluice_record_batch* batch) {
    SinkTaskHolder<T>* h = holder(t);
    return guard(h->ctx, [&] {
      h->records.clear();
      h->widened.clear();
      uint32_t count = batch->records ? batch->count : 0;
      const char* base = reinterpret_cast<const char*>(batch->records);
      if (count > 0 && batch->record_size < sizeof(sluice_record)) {
        // An older host's shorter records: fields it did not write read as zero.
        h->widened.assign(count, sluice_record{});
        for (uint32_t i = 0; i < count; ++i) {
          std::memcpy(&h->widened[i], base + size_t{i} * batch->record_size, batch->record_size);
        }
      }
      h->records.reserve(count);
      for (uint32_t i = 0; i < count; ++i) {
        auto* origin =
            reinterpret_cast<const sluice_record*>(base + size_t{i} * batch->record_size);
        h->records.emplace_back(h->widened.empty() ? origin : &h->widened[i], origin);
      }
      h->task->put(std::span<const SinkRecord>(h->records));
    });
  }
  static int32_t flush(sluice_task* t, const sluice_tp_offset* current, uint32_t n) {
    SinkTaskHolder<T>* h = holder(t);
    return guard(h->ctx, [&] { h->task->flush(tp_offsets(current, n)); });
  }
  static int32_t pre_commit(sluice_task* t, const sluice_tp_offset* current, uint32_t n,
                            sluice_tp_offset* out, uint32_t* out_count) {
    SinkTaskHolder<T>* h = holder(t);
    *out_count = 0;
    return guard(h->ctx, [&] {
      auto given = tp_offsets(current, n);
      h->committable = h->task->pre_commit(given);
      if (h->committable.size() > n) {
        throw FailedError("pre_commit returned " + std::to_string(h->committable.size()) +
                          " offsets for " + std::to_string(n) + " partitions");
      }
      for (size_t i = 0; i < h->committable.size(); ++i) {
        const TopicPartitionOffset& c = h->committable[i];
        bool known = false;
        for (const auto& g : given) {
          if (g.topic == c.topic && g.partition == c.partition) {
            if (c.offset > g.offset) {
              throw FailedError("pre_commit returned offset " + std::to_string(c.offset) + " for " +
                                c.topic + "-" + std::to_string(c.partition) +
                                ", beyond the delivered " + std::to_string(g.offset));
            }
            known = true;
          }
        }
        if (!known) {
          throw FailedError("pre_commit returned " + c.topic + "-" + std::to_string(c.partition) +
                            ", which was not among the current offsets");
        }
        out[i] = sluice_tp_offset{to_str(c.topic), c.partition, 0, c.offset};
      }
      *out_count = static_cast<uint32_t>(h->committable.size());
    });
  }
};

template <class C, class T>
constexpr sluice_source_hooks make_source_hooks() {
  using H = SourceTaskHooks<T>;
  sluice_source_hooks t{};
  t.struct_size = sizeof(sluice_source_hooks);
  t.connector = ConnectorHooks<C>::table();
  t.task_create = &H::task_create;
  t.task_destroy = &H::task_destroy;
  t.task_start = &H::task_start;
  t.poll = &H::poll;
  t.commit_record =
      SLUICE_SDK_OVERRIDES_(T, SourceTask, commit_record) ? &H::commit_record : nullptr;
  t.commit = SLUICE_SDK_OVERRIDES_(T, SourceTask, commit) ? &H::commit : nullptr;
  t.task_stop = &H::task_stop;
  t.wake = SLUICE_SDK_OVERRIDES_(T, SourceTask, wake) ? &H::wake : nullptr;
  return t;
}

template <class C, class T>
constexpr sluice_sink_hooks make_sink_hooks() {
  using H = SinkTaskHooks<T>;
  sluice_sink_hooks t{};
  t.struct_size = sizeof(sluice_sink_hooks);
  t.connector = ConnectorHooks<C>::table();
  t.task_create = &H::task_create;
  t.task_destroy = &H::task_destroy;
  t.task_start = &H::task_start;
  t.open = SLUICE_SDK_OVERRIDES_(T, SinkTask, open) ? &H::open : nullptr;
  t.close = SLUICE_SDK_OVERRIDES_(T, SinkTask, close) ? &H::close : nullptr;
  t.put = &H::put;
  t.flush = SLUICE_SDK_OVERRIDES_(T, SinkTask, flush) ? &H::flush : nullptr;
  t.pre_commit = SLUICE_SDK_OVERRIDES_(T, SinkTask, pre_commit) ? &H::pre_commit : nullptr;
  t.task_stop = &H::task_stop;
  t.wake = SLUICE_SDK_OVERRIDES_(T, SinkTask, wake) ? &H::wake : nullptr;
  return t;
}

template <class C, class T>
inline constexpr sluice_source_hooks kSourceHooks = make_source_hooks<C, T>();
template <class C, class T>
inline constexpr sluice_sink_hooks kSinkHooks = make_sink_hooks<C, T>();

// Everything a descriptor points to; owned by the library's LibraryStorage below.
struct DescriptorStorage {
  std::string class_name;
  std::string version;
  std::string description;
  bool has_description = false;
  std::vector<std::string> aliases;
  std::vector<const char*> alias_ptrs;
  std::unique_ptr<ConfigKeyTable> keys;
  sluice_plugin_descriptor descriptor{};
};

// Everything a built library struct points at. Built libraries are kept for the life of the
// process in library_registry() (reachable, never freed: the host may use the descriptors until
// the process ends, and libraries are never unloaded).
struct LibraryStorage {
  std::vector<std::unique_ptr<DescriptorStorage>> descriptors;
  std::vector<const sluice_plugin_descriptor*> plugins;
  sluice_library library{};
};

inline std::vector<LibraryStorage*>& library_registry() {
  static auto* registry = new std::vector<LibraryStorage*>();
  return *registry;
}

}  // namespace sdk_detail

// One plugin of a library, as passed to SLUICE_PLUGIN_LIBRARY; made by source_plugin/sink_plugin.
struct PluginSpec {
  uint32_t kind = 0;
  const char* class_name = nullptr;
  const char* description = nullptr;
  std::vector<std::string> aliases;
  const ConfigDef& (*config_def)() = nullptr;  // the connector's keys
  std::string (*version)() = nullptr;          // the connector's version (empty: library's)
  const void* hooks = nullptr;                 // static hook table of `kind`
};

// A source plugin: connector class C (derived from SourceConnector) and task class T (derived
// from SourceTask), registered as `class_name` (plus the host's derived short aliases and
// `aliases`).
template <class C, class T>
PluginSpec source_plugin(const char* class_name, const char* description = nullptr,
                         std::initializer_list<const char*> aliases = {}) {
  static_assert(std::is_base_of_v<SourceConnector, C>,
                "C must derive from sluice::SourceConnector");
  static_assert(std::is_base_of_v<SourceTask, T>, "T must derive from sluice::SourceTask");
  return PluginSpec{SLUICE_KIND_SOURCE,
                    class_name,
                    description,
                    {aliases.begin(), aliases.end()},
                    &sdk_detail::def_of<C>,
                    &C::version,
                    &sdk_detail::kSourceHooks<C, T>};
}

// A sink plugin: connector class C (SinkConnector) and task class T (SinkTask).
template <class C, class T>
PluginSpec sink_plugin(const char* class_name, const char* description = nullptr,
                       std::initializer_list<const char*> aliases = {}) {
  static_assert(std::is_base_of_v<SinkConnector, C>, "C must derive from sluice::SinkConnector");
  static_assert(std::is_base_of_v<SinkTask, T>, "T must derive from sluice::SinkTask");
  return PluginSpec{SLUICE_KIND_SINK,
                    class_name,
                    description,
                    {aliases.begin(), aliases.end()},
                    &sdk_detail::def_of<C>,
                    &C::version,
                    &sdk_detail::kSinkHooks<C, T>};
}

namespace sdk_detail {

// Builds one descriptor; throws std::invalid_argument naming the plugin on a bad definition.
inline std::unique_ptr<DescriptorStorage> build_descriptor(const PluginSpec& spec,
                                                           const char* library_version) {
  if (spec.class_name == nullptr || *spec.class_name == '\0') {
    throw std::invalid_argument("a plugin without a class name");
  }
  auto s = std::make_unique<DescriptorStorage>();
  s->class_name = spec.class_name;
  s->version = spec.version ? spec.version() : std::string();
  if (s->version.empty()) s->version = library_version ? library_version : "";
  if (s->version.empty()) {
    throw std::invalid_argument(std::string("plugin ") + spec.class_name + " has no version");
  }
  s->has_description = spec.description != nullptr;
  if (spec.description) s->description = spec.description;
  s->aliases = spec.aliases;
  for (const auto& a : s->aliases) s->alias_ptrs.push_back(a.c_str());
  s->alias_ptrs.push_back(nullptr);
  try {
    s->keys = std::make_unique<ConfigKeyTable>(spec.config_def());
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("plugin ") + spec.class_name +
                                ": bad config definition: " + e.what());
  }
  sluice_plugin_descriptor& d = s->descriptor;
  d.abi_major = SLUICE_ABI_MAJOR;
  d.abi_minor = SLUICE_ABI_MINOR;
  d.struct_size = sizeof(sluice_plugin_descriptor);
  d.kind = spec.kind;
  d.config_key_size = sizeof(sluice_config_key);
  d.class_name = s->class_name.c_str();
  d.aliases = s->aliases.empty() ? nullptr : s->alias_ptrs.data();
  d.version = s->version.c_str();
  d.description = s->has_description ? s->description.c_str() : nullptr;
  d.config_keys = s->keys->data();
  d.hooks = spec.hooks;
  return s;
}

// What the entry function returns (plugin-abi.md §4, §1 rule 1). Never throws: a mistake in the
// plugin's definitions is logged (library-level) and NULL returned, which refuses the library.
inline const sluice_library* build_library(const sluice_host_api* host, const char* name,
                                           const char* version,
                                           std::initializer_list<PluginSpec> specs) noexcept {
  static const sluice_library kForeignMajor = {
      SLUICE_ABI_MAJOR, SLUICE_ABI_MINOR, sizeof(sluice_library), 0, 0, nullptr, nullptr, nullptr};
  if (host == nullptr) return nullptr;
  // Another major: call nothing, return static data so the host can report both versions.
  if (host->abi_major != SLUICE_ABI_MAJOR) return &kForeignMajor;
  if (host->struct_size < SLUICE_HOST_API_V1_0_SIZE) return nullptr;
  g_host = host;
  try {
    // Freed again if a definition is bad; kept for the process once complete.
    auto storage = std::make_unique<LibraryStorage>();
    for (const PluginSpec& spec : specs) {
      storage->descriptors.push_back(build_descriptor(spec, version));
      storage->plugins.push_back(&storage->descriptors.back()->descriptor);
    }
    sluice_library& library = storage->library;
    library.abi_major = SLUICE_ABI_MAJOR;
    library.abi_minor = SLUICE_ABI_MINOR;
    library.struct_size = sizeof(sluice_library);
    library.plugin_count = static_cast<uint32_t>(storage->plugins.size());
    library.plugins = storage->plugins.data();
    library.library_name = name;
    library.library_version = version;
    library_registry().push_back(storage.get());
    return &storage.release()->library;
  } catch (const std::exception& e) {
    try {
      log_to(nullptr, HostLogLevel::kError,
             std::string("plugin library ") + (name ? name : "?") + ": " + e.what());
    } catch (...) {
    }
  } catch (...) {
  }
  return nullptr;
}

}  // namespace sdk_detail
}  // namespace sluice

// Defines the library's exported entry `sluice_plugin_entry` (use once per shared library, at
// namespace scope):
//   SLUICE_PLUGIN_LIBRARY("sluice-file", "0.1.0",
//       sluice::source_plugin<FileSourceConnector, FileSourceTask>(
//           "org.apache.kafka.connect.file.FileStreamSourceConnector", "Reads lines of a file."),
//       sluice::sink_plugin<FileSinkConnector, FileSinkTask>(
//           "org.apache.kafka.connect.file.FileStreamSinkConnector", "Appends records to a file."))
// `name` and `version` must be string literals (static storage).
#define SLUICE_PLUGIN_LIBRARY(name, version, ...)                                                 \
  SLUICE_EXPORT const sluice_library* sluice_plugin_entry(const sluice_host_api* host) noexcept { \
    static const sluice_library* const library =                                                  \
        ::sluice::sdk_detail::build_library(host, name, version, {__VA_ARGS__});                  \
    return library;                                                                               \
  }

#endif  // SLUICE_SDK_PLUGIN_H_
