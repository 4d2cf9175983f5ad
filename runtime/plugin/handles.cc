// Typed adapters over plugin instances; see handles.h.
#include "runtime/plugin/handles.h"

#include <mutex>
#include <vector>

#include "broker-lite/util/logging.h"
#include "runtime/plugin/abi_names.h"
#include "runtime/plugin/config_view.h"

namespace sluice::plugin {
namespace {

const sluice_connector_hooks* connector_hooks_of(const PluginInfo& info) {
  if (info.kind == PluginKind::kSource) {
    return &static_cast<const sluice_source_hooks*>(info.hooks)->connector;
  }
  return &static_cast<const sluice_sink_hooks*>(info.hooks)->connector;
}

Status wrong_kind(const PluginInfo& info, std::string_view wanted) {
  return Status::invalid_argument(info.class_name + " is a " +
                                  std::string(plugin_kind_name(info.kind)) + " plugin, not " +
                                  std::string(wanted));
}

bool same_partition(const sluice_tp_offset& a, const sluice_tp_offset& b) {
  return a.partition == b.partition && view_of(a.topic) == view_of(b.topic);
}

}  // namespace

std::string hook_failure_message(std::string_view class_name, std::string_view subject,
                                 std::string_view hook, int32_t status, std::string_view text) {
  std::string m(class_name);
  m += ' ';
  m += subject;
  m += " failed in ";
  m += hook;
  m += ": ";
  if (text.empty()) {
    m += hook;
    m += " returned ";
    m += abi_status_name(status);
    m += " (" + std::to_string(status) + ") without an error message";
  } else {
    m += abi_status_name(status);
    m += ": ";
    m += text;
  }
  return m;
}

Status hook_status(std::string_view class_name, std::string_view subject, std::string_view hook,
                   int32_t status, std::string_view text) {
  if (status == SLUICE_OK) return Status::ok();
  return Status(abi_status_code(status),
                hook_failure_message(class_name, subject, hook, status, text));
}

std::string plugin_trace_line(const PluginInfo& info) {
  return "plugin: " + info.class_name + " " + info.version + " (" + info.library_file + ")";
}

// ---- PluginInstance -------------------------------------------------------------------------

Status PluginInstance::finish(const char* hook, int32_t rc) {
  last_status_ = rc;
  std::string text = ctx_->take_error();  // dropped when the hook returned OK
  return hook_status(info_->class_name, ctx_->subject(), hook, rc, text);
}

Status PluginInstance::bad_output(const char* hook, const std::string& text) {
  last_status_ = SLUICE_ERR_FAILED;
  return hook_status(info_->class_name, ctx_->subject(), hook, SLUICE_ERR_FAILED, text);
}

void PluginInstance::log_escaped_exception(const char* hook) const {
  SLUICE_LOG(kError, ctx_->subject(),
             info_->class_name + ": a C++ exception escaped the " + hook + " hook (ignored)");
}

// ---- ConnectorHandle ------------------------------------------------------------------------

Result<std::unique_ptr<ConnectorHandle>> ConnectorHandle::create(const PluginInfo& info,
                                                                 std::unique_ptr<HostContext> ctx) {
  if (info.kind != PluginKind::kSource && info.kind != PluginKind::kSink) {
    return wrong_kind(info, "a connector");
  }
  ctx->set_role(info.kind == PluginKind::kSource ? ContextRole::kSourceConnector
                                                 : ContextRole::kSinkConnector);
  std::unique_ptr<ConnectorHandle> handle(
      new ConnectorHandle(info, std::move(ctx), connector_hooks_of(info)));
  sluice_connector* out = nullptr;
  HostContext* raw_ctx = handle->ctx_.get();
  SLUICE_RETURN_IF_ERROR(
      handle->call("create", [&] { return handle->hooks_->create(raw_ctx, &out); }));
  if (out == nullptr) return handle->bad_output("create", "returned OK without an instance");
  handle->instance_ = out;
  return handle;
}

ConnectorHandle::~ConnectorHandle() {
  if (instance_ == nullptr) return;
  call_void("destroy", /*mark_in_hook=*/true, [this] { hooks_->destroy(instance_); });
}

Status ConnectorHandle::validate(const config::Props& cfg, std::vector<KeyError>* key_errors) {
  if (hooks_->validate == nullptr) return Status::ok();
  ConfigView view(cfg);
  ctx_->begin_validate();
  Status s = call("validate", [&] { return hooks_->validate(instance_, view.get()); });
  std::vector<KeyError> collected = ctx_->take_key_errors();
  if (key_errors != nullptr) {
    for (KeyError& e : collected) key_errors->push_back(std::move(e));
  }
  return s;
}

Status ConnectorHandle::start(const config::Props& cfg) {
  ConfigView view(cfg);
  return call("start", [&] { return hooks_->start(instance_, view.get()); });
}

Result<std::vector<config::Props>> ConnectorHandle::task_configs(uint32_t max_tasks,
                                                                 bool enforce_max) {
  const sluice_config* tasks = nullptr;
  uint32_t count = 0;
  SLUICE_RETURN_IF_ERROR(call(
      "task_configs", [&] { return hooks_->task_configs(instance_, max_tasks, &tasks, &count); }));
  if (count > max_tasks) {
    const std::string excess = "returned " + std::to_string(count) +
                               " task configs but tasks.max is " + std::to_string(max_tasks);
    if (enforce_max) return bad_output("task_configs", excess);
    SLUICE_LOG(kWarn, ctx_->subject(),
               info_->class_name + " " + excess + "; running them all (tasks.max.enforce=false)");
  }
  if (tasks == nullptr && count != 0) {
    return bad_output("task_configs", "returned a NULL array with count " + std::to_string(count));
  }
  std::vector<config::Props> out;
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    Result<config::Props> props = props_from_config(tasks[i], "task config " + std::to_string(i));
    if (!props.is_ok()) return bad_output("task_configs", std::string(props.status().message()));
    out.push_back(std::move(props).value());
  }
  return out;
}

Status ConnectorHandle::stop() {
  return call("stop", [&] { return hooks_->stop(instance_); });
}

Status ConnectorHandle::alter_offsets(const config::Props& cfg,
                                      std::span<const sluice_offset_change> changes) {
  if (hooks_->alter_offsets == nullptr) {
    return Status::unsupported(info_->class_name + " " + ctx_->subject() +
                               " does not implement alter_offsets");
  }
  ConfigView view(cfg);
  return call("alter_offsets", [&] {
    return hooks_->alter_offsets(instance_, view.get(), changes.data(),
                                 static_cast<uint32_t>(changes.size()));
  });
}

// ---- TaskInstance ---------------------------------------------------------------------------

Status TaskInstance::create_task(int32_t (*task_create)(sluice_host_ctx*, sluice_task**)) {
  sluice_task* out = nullptr;
  HostContext* raw_ctx = ctx_.get();
  SLUICE_RETURN_IF_ERROR(call("task_create", [&] { return task_create(raw_ctx, &out); }));
  if (out == nullptr) return bad_output("task_create", "returned OK without an instance");
  instance_ = out;
  return Status::ok();
}

TaskInstance::~TaskInstance() {
  if (instance_ == nullptr || abandoned_) return;
  call_void("task_destroy", /*mark_in_hook=*/true, [this] { destroy_(instance_); });
}

void TaskInstance::wake() {
  if (wake_ == nullptr || instance_ == nullptr || abandoned_) return;
  call_void("wake", /*mark_in_hook=*/false, [this] { wake_(instance_); });
}

void TaskInstance::abandon() {
  abandoned_ = true;
  // A hook may still use the context: it must outlive this handle, so it is kept (reachable)
  // for the rest of the process in a list that is never freed.
  static std::mutex mutex;
  static auto* kept = new std::vector<HostContext*>();
  std::lock_guard lock(mutex);
  kept->push_back(ctx_.release());
  SLUICE_LOG(kWarn, "plugin",
             info_->class_name + ": task instance abandoned (a hook did not return in time)");
}

// ---- SourceTaskHandle -----------------------------------------------------------------------

Result<std::unique_ptr<SourceTaskHandle>> SourceTaskHandle::create(
    const PluginInfo& info, std::unique_ptr<HostContext> ctx) {
  if (info.kind != PluginKind::kSource) return wrong_kind(info, "a source");
  ctx->set_role(ContextRole::kSourceTask);
  const auto* hooks = static_cast<const sluice_source_hooks*>(info.hooks);
  std::unique_ptr<SourceTaskHandle> handle(new SourceTaskHandle(info, std::move(ctx), hooks));
  SLUICE_RETURN_IF_ERROR(handle->create_task(hooks->task_create));
  return handle;
}

Status SourceTaskHandle::start(const config::Props& task_config) {
  ConfigView view(task_config);
  return call("task_start", [&] { return hooks_->task_start(instance_, view.get()); });
}

Status SourceTaskHandle::poll(uint32_t max_wait_ms, sluice_record_batch* out) {
  *out = sluice_record_batch{nullptr, 0, 0};
  SLUICE_RETURN_IF_ERROR(call("poll", [&] { return hooks_->poll(instance_, max_wait_ms, out); }));
  if (out->count == 0) return Status::ok();
  if (out->records == nullptr) {
    return bad_output("poll",
                      "returned " + std::to_string(out->count) + " records in a NULL array");
  }
  if (out->record_size < SLUICE_RECORD_V1_0_SIZE) {
    return bad_output("poll", "returned record_size " + std::to_string(out->record_size) +
                                  ", smaller than the ABI 1.0 size " +
                                  std::to_string(SLUICE_RECORD_V1_0_SIZE));
  }
  return Status::ok();
}

Status SourceTaskHandle::commit_record(uint64_t cookie, const sluice_record_metadata* metadata) {
  if (hooks_->commit_record == nullptr) return Status::ok();
  return call("commit_record", [&] { return hooks_->commit_record(instance_, cookie, metadata); });
}

Status SourceTaskHandle::commit() {
  if (hooks_->commit == nullptr) return Status::ok();
  return call("commit", [&] { return hooks_->commit(instance_); });
}

Status SourceTaskHandle::stop() {
  return call("task_stop", [&] { return hooks_->task_stop(instance_); });
}

// ---- SinkTaskHandle -------------------------------------------------------------------------

Result<std::unique_ptr<SinkTaskHandle>> SinkTaskHandle::create(const PluginInfo& info,
                                                               std::unique_ptr<HostContext> ctx) {
  if (info.kind != PluginKind::kSink) return wrong_kind(info, "a sink");
  ctx->set_role(ContextRole::kSinkTask);
  const auto* hooks = static_cast<const sluice_sink_hooks*>(info.hooks);
  std::unique_ptr<SinkTaskHandle> handle(new SinkTaskHandle(info, std::move(ctx), hooks));
  SLUICE_RETURN_IF_ERROR(handle->create_task(hooks->task_create));
  return handle;
}

Status SinkTaskHandle::start(const config::Props& task_config) {
  ConfigView view(task_config);
  return call("task_start", [&] { return hooks_->task_start(instance_, view.get()); });
}

Status SinkTaskHandle::open(std::span<const sluice_topic_partition> tps) {
  if (hooks_->open == nullptr) return Status::ok();
  return call("open", [&] {
    return hooks_->open(instance_, tps.data(), static_cast<uint32_t>(tps.size()));
  });
}

Status SinkTaskHandle::close(std::span<const sluice_topic_partition> tps) {
  if (hooks_->close == nullptr) return Status::ok();
  return call("close", [&] {
    return hooks_->close(instance_, tps.data(), static_cast<uint32_t>(tps.size()));
  });
}

Status SinkTaskHandle::put(const sluice_record_batch& batch) {
  ctx_->set_current_batch(&batch);
  Status s = call("put", [&] { return hooks_->put(instance_, &batch); });
  ctx_->set_current_batch(nullptr);
  return s;
}

Status SinkTaskHandle::flush(std::span<const sluice_tp_offset> current) {
  if (hooks_->flush == nullptr) return Status::ok();
  return call("flush", [&] {
    return hooks_->flush(instance_, current.data(), static_cast<uint32_t>(current.size()));
  });
}

Status SinkTaskHandle::pre_commit(std::span<const sluice_tp_offset> current,
                                  std::vector<sluice_tp_offset>* out) {
  out->clear();
  if (hooks_->pre_commit == nullptr) {
    SLUICE_RETURN_IF_ERROR(flush(current));
    out->assign(current.begin(), current.end());
    return Status::ok();
  }
  std::vector<sluice_tp_offset> buffer(current.size());
  uint32_t out_count = 0;
  SLUICE_RETURN_IF_ERROR(call("pre_commit", [&] {
    return hooks_->pre_commit(instance_, current.data(), static_cast<uint32_t>(current.size()),
                              buffer.data(), &out_count);
  }));
  if (out_count > current.size()) {
    return bad_output("pre_commit", "returned " + std::to_string(out_count) + " offsets for " +
                                        std::to_string(current.size()) + " partitions");
  }
  for (uint32_t i = 0; i < out_count; ++i) {
    const sluice_tp_offset& safe = buffer[i];
    const sluice_tp_offset* match = nullptr;
    for (const sluice_tp_offset& c : current) {
      if (same_partition(c, safe)) match = &c;
    }
    std::string tp = std::string(view_of(safe.topic)) + "-" + std::to_string(safe.partition);
    if (match == nullptr) {
      return bad_output("pre_commit", "returned partition " + tp + ", which is not in current");
    }
    if (safe.offset > match->offset || safe.offset < 0) {
      return bad_output("pre_commit", "returned offset " + std::to_string(safe.offset) + " for " +
                                          tp + ", beyond its current offset " +
                                          std::to_string(match->offset));
    }
    sluice_tp_offset entry = safe;
    entry.topic = match->topic;  // the caller's memory, not the plugin's
    out->push_back(entry);
  }
  return Status::ok();
}

Status SinkTaskHandle::stop() {
  return call("task_stop", [&] { return hooks_->task_stop(instance_); });
}

}  // namespace sluice::plugin
