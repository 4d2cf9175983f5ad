// The fake plugin of the plugin-module tests; see fake_plugin.h. (Compiled into the test
// binary through registry_test.cc, which includes this file, because only *_test.cc files
// are globbed.)
#include "tests/unit/plugin/fake_plugin.h"

#include <stdexcept>

#include "runtime/plugin/host.h"

namespace sluice::plugin::testing {
namespace {

// Scripted outcome of one hook call.
int32_t outcome(sluice_host_ctx* ctx, const char* hook) {
  FakeScript& s = FakeScript::get();
  s.calls.emplace_back(hook);
  s.last_ctx = ctx;
  if (auto it = s.error_text.find(hook); it != s.error_text.end() && ctx != nullptr) {
    host_api()->set_error(ctx, sluice_str{it->second.data(), it->second.size()});
  }
  if (auto it = s.during.find(hook); it != s.during.end()) it->second(ctx);
  auto it = s.status.find(hook);
  return it == s.status.end() ? SLUICE_OK : it->second;
}

void remember(const sluice_config* config) {
  FakeScript& s = FakeScript::get();
  s.last_config.clear();
  for (uint64_t i = 0; i < config->count; ++i) {
    const sluice_kv& kv = config->entries[i];
    s.last_config[std::string(kv.key.ptr, kv.key.len)] = std::string(kv.value.ptr, kv.value.len);
  }
}

// The fake's instance: just its context (connector, task, converter and transform alike).
struct Instance {
  sluice_host_ctx* ctx;
  // Lent results of task_configs.
  std::vector<std::vector<sluice_kv>> kvs;
  std::vector<sluice_config> configs;
};

Instance* as_instance(void* p) {
  return static_cast<Instance*>(p);
}

int32_t connector_create(sluice_host_ctx* ctx, sluice_connector** out) {
  int32_t rc = outcome(ctx, "create");
  if (rc == SLUICE_OK) *out = reinterpret_cast<sluice_connector*>(new Instance{ctx, {}, {}});
  return rc;
}
void connector_destroy(sluice_connector* c) {
  FakeScript::get().destroyed++;
  FakeScript::get().calls.emplace_back("destroy");
  delete as_instance(c);
}
int32_t connector_validate(sluice_connector* c, const sluice_config* config) {
  remember(config);
  return outcome(as_instance(c)->ctx, "validate");
}
int32_t connector_start(sluice_connector* c, const sluice_config* config) {
  remember(config);
  return outcome(as_instance(c)->ctx, "start");
}
int32_t connector_task_configs(sluice_connector* c, uint32_t max_tasks,
                               const sluice_config** out_tasks, uint32_t* out_count) {
  (void)max_tasks;
  Instance* inst = as_instance(c);
  int32_t rc = outcome(inst->ctx, "task_configs");
  FakeScript& s = FakeScript::get();
  inst->kvs.clear();
  inst->configs.clear();
  for (const auto& task : s.task_configs) {
    auto& kvs = inst->kvs.emplace_back();
    for (const auto& [k, v] : task) {
      kvs.push_back({{k.data(), k.size()}, {v.data(), v.size()}});
    }
  }
  for (auto& kvs : inst->kvs) inst->configs.push_back({kvs.data(), kvs.size()});
  *out_tasks = inst->configs.data();
  *out_count = static_cast<uint32_t>(inst->configs.size());
  return rc;
}
int32_t connector_stop(sluice_connector* c) {
  return outcome(as_instance(c)->ctx, "stop");
}
int32_t connector_alter_offsets(sluice_connector* c, const sluice_config* config,
                                const sluice_offset_change*, uint32_t) {
  remember(config);
  return outcome(as_instance(c)->ctx, "alter_offsets");
}

int32_t task_create(sluice_host_ctx* ctx, sluice_task** out) {
  int32_t rc = outcome(ctx, "task_create");
  if (rc == SLUICE_OK) {
    *out = reinterpret_cast<sluice_task*>(new Instance{ctx, {}, {}});
    FakeScript::get().last_task = *out;
  }
  return rc;
}
void task_destroy(sluice_task* t) {
  FakeScript::get().destroyed++;
  FakeScript::get().calls.emplace_back("task_destroy");
  delete as_instance(t);
}
int32_t task_start(sluice_task* t, const sluice_config* config) {
  remember(config);
  return outcome(as_instance(t)->ctx, "task_start");
}
int32_t task_poll(sluice_task* t, uint32_t, sluice_record_batch* out) {
  if (FakeScript::get().throw_in_poll) throw std::runtime_error("boom");
  out->count = 0;
  return outcome(as_instance(t)->ctx, "poll");
}
int32_t task_commit_record(sluice_task* t, uint64_t, const sluice_record_metadata*) {
  return outcome(as_instance(t)->ctx, "commit_record");
}
int32_t task_commit(sluice_task* t) {
  return outcome(as_instance(t)->ctx, "commit");
}
int32_t task_stop(sluice_task* t) {
  return outcome(as_instance(t)->ctx, "task_stop");
}
void task_wake(sluice_task* t) {
  (void)t;
  FakeScript::get().calls.emplace_back("wake");
}
int32_t task_open(sluice_task* t, const sluice_topic_partition*, uint32_t) {
  return outcome(as_instance(t)->ctx, "open");
}
int32_t task_close(sluice_task* t, const sluice_topic_partition*, uint32_t) {
  return outcome(as_instance(t)->ctx, "close");
}
int32_t task_put(sluice_task* t, const sluice_record_batch*) {
  return outcome(as_instance(t)->ctx, "put");
}
int32_t task_flush(sluice_task* t, const sluice_tp_offset*, uint32_t) {
  return outcome(as_instance(t)->ctx, "flush");
}
int32_t task_pre_commit(sluice_task* t, const sluice_tp_offset*, uint32_t n, sluice_tp_offset* out,
                        uint32_t* out_count) {
  FakeScript& s = FakeScript::get();
  uint32_t count = 0;
  for (const sluice_tp_offset& o : s.pre_commit_result) {
    if (count < n) out[count] = o;
    ++count;
  }
  *out_count = count;
  return outcome(as_instance(t)->ctx, "pre_commit");
}

int32_t converter_create(sluice_host_ctx* ctx, const sluice_config*, uint32_t,
                         sluice_converter** out) {
  *out = reinterpret_cast<sluice_converter*>(new Instance{ctx, {}, {}});
  return SLUICE_OK;
}
void converter_destroy(sluice_converter* c) {
  delete as_instance(c);
}
int32_t converter_from_connect(sluice_converter*, sluice_str, const sluice_data*, sluice_bytes*) {
  return SLUICE_OK;
}
int32_t converter_to_connect(sluice_converter*, sluice_str, sluice_bytes, sluice_data*) {
  return SLUICE_OK;
}
int32_t transform_create(sluice_host_ctx*, const sluice_config*, sluice_transform**) {
  return SLUICE_ERR_UNSUPPORTED;
}
void transform_destroy(sluice_transform*) {}
int32_t transform_apply(sluice_transform*, const sluice_record*, uint32_t, sluice_record*,
                        uint32_t*) {
  return SLUICE_OK;
}

constexpr sluice_connector_hooks kConnectorHooks = {
    connector_create,       connector_destroy, connector_validate,     connector_start,
    connector_task_configs, connector_stop,    connector_alter_offsets};

const sluice_source_hooks kSourceHooks = {
    .struct_size = sizeof(sluice_source_hooks),
    .reserved = 0,
    .connector = kConnectorHooks,
    .task_create = task_create,
    .task_destroy = task_destroy,
    .task_start = task_start,
    .poll = task_poll,
    .commit_record = task_commit_record,
    .commit = task_commit,
    .task_stop = task_stop,
    .wake = task_wake,
};

const sluice_sink_hooks kSinkHooks = {
    .struct_size = sizeof(sluice_sink_hooks),
    .reserved = 0,
    .connector = kConnectorHooks,
    .task_create = task_create,
    .task_destroy = task_destroy,
    .task_start = task_start,
    .open = task_open,
    .close = task_close,
    .put = task_put,
    .flush = task_flush,
    .pre_commit = task_pre_commit,
    .task_stop = task_stop,
    .wake = task_wake,
};

const sluice_converter_hooks kConverterHooks = {sizeof(sluice_converter_hooks),
                                                0,
                                                converter_create,
                                                converter_destroy,
                                                converter_from_connect,
                                                converter_to_connect};

const sluice_transform_hooks kTransformHooks = {sizeof(sluice_transform_hooks), 0, transform_create,
                                                transform_destroy, transform_apply};

}  // namespace

FakeScript& FakeScript::get() {
  static FakeScript script;
  return script;
}

const sluice_source_hooks& fake_source_hooks() {
  return kSourceHooks;
}
const sluice_sink_hooks& fake_sink_hooks() {
  return kSinkHooks;
}
const sluice_converter_hooks& fake_converter_hooks() {
  return kConverterHooks;
}
const sluice_transform_hooks& fake_transform_hooks() {
  return kTransformHooks;
}

sluice_plugin_descriptor make_descriptor(uint32_t kind, const char* class_name,
                                         const sluice_config_key* keys) {
  const void* hooks = nullptr;
  switch (kind) {
    case SLUICE_KIND_SOURCE:
      hooks = &kSourceHooks;
      break;
    case SLUICE_KIND_SINK:
      hooks = &kSinkHooks;
      break;
    case SLUICE_KIND_CONVERTER:
      hooks = &kConverterHooks;
      break;
    default:
      hooks = &kTransformHooks;
      break;
  }
  sluice_plugin_descriptor d{};
  d.abi_major = SLUICE_ABI_MAJOR;
  d.abi_minor = SLUICE_ABI_MINOR;
  d.struct_size = sizeof(sluice_plugin_descriptor);
  d.kind = kind;
  d.config_key_size = sizeof(sluice_config_key);
  d.class_name = class_name;
  d.version = "1.2.3";
  d.description = "A fake plugin.";
  d.config_keys = keys;
  d.hooks = hooks;
  return d;
}

FakeLibrary::FakeLibrary(std::vector<sluice_plugin_descriptor> descriptors)
    : descriptors_(std::move(descriptors)) {
  for (const auto& d : descriptors_) pointers_.push_back(&d);
  lib_ = sluice_library{};
  lib_.abi_major = SLUICE_ABI_MAJOR;
  lib_.abi_minor = SLUICE_ABI_MINOR;
  lib_.struct_size = sizeof(sluice_library);
  lib_.plugin_count = static_cast<uint32_t>(pointers_.size());
  lib_.plugins = pointers_.data();
  lib_.library_name = "fake";
  lib_.library_version = "1.2.3";
}

}  // namespace sluice::plugin::testing
