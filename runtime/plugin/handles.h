// Typed adapters over a plugin instance: each owns the plugin's handle (destroyed through the
// plugin's own destroy hook) and its host context, calls hooks with the context marked as "in
// hook", and turns the hook's int32 status plus the text from set_error into a sluice::Status:
//
//   "<class> <connector c | task c-n> failed in <hook>: <STATUS NAME>: <text>"
//   "<class> <connector c | task c-n> failed in <hook>: <hook> returned <NAME> (<value>) without
//    an error message"
//
// (docs/design/worker.md §4). Codes: RETRIABLE → kUnavailable, CONFIG and INVALID_ARGUMENT →
// kInvalidArgument, NOT_FOUND → kNotFound, UNSUPPORTED → kUnsupported, ILLEGAL_STATE →
// kFailedPrecondition, FAILED, EXCEPTION and unknown values → kInternal (abi_names.h); the raw
// value is last_status(). A C++ exception that escapes a hook anyway becomes EXCEPTION.
//
// Threading follows ABI §9: one hook at a time per instance, except wake().
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sluice/plugin_abi.h>

#include "broker-lite/util/status.h"
#include "runtime/config/config_key.h"
#include "runtime/plugin/host.h"
#include "runtime/plugin/plugin_registry.h"

namespace sluice::plugin {

// The message of a failed hook, as described above. `subject` is "connector c" or "task c-n".
std::string hook_failure_message(std::string_view class_name, std::string_view subject,
                                 std::string_view hook, int32_t status, std::string_view text);
// The Status of a hook's result (OK for SLUICE_OK).
Status hook_status(std::string_view class_name, std::string_view subject, std::string_view hook,
                   int32_t status, std::string_view text);

// The second line of a FAILED trace: "plugin: <class> <version> (<library file>)".
std::string plugin_trace_line(const PluginInfo& info);

// Shared by the handles: the plugin, the context and the hook-call protocol.
class PluginInstance {
 public:
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  const PluginInfo& info() const { return *info_; }
  HostContext& context() { return *ctx_; }
  // The raw ABI status of the last hook called through this instance.
  int32_t last_status() const { return last_status_; }

 protected:
  // `info` is borrowed from the registry (lives as long as it); `ctx` is owned.
  PluginInstance(const PluginInfo& info, std::unique_ptr<HostContext> ctx)
      : info_(&info), ctx_(std::move(ctx)) {}
  ~PluginInstance() = default;

  // Calls `hook_call` (returns the hook's int32 status) with the context in hook `hook`.
  template <typename F>
  Status call(const char* hook, F&& hook_call) {
    int32_t rc;
    {
      HookScope scope(*ctx_, hook);
      try {
        rc = hook_call();
      } catch (...) {
        rc = SLUICE_ERR_EXCEPTION;
        ctx_->set_error("a C++ exception escaped the hook");
      }
    }
    return finish(hook, rc);
  }
  // For void hooks (destroy, wake): exceptions are logged at ERROR and swallowed. wake runs
  // concurrently with another hook, so it does not mark the context (`mark_in_hook` false).
  template <typename F>
  void call_void(const char* hook, bool mark_in_hook, F&& hook_call) {
    std::unique_ptr<HookScope> scope;
    if (mark_in_hook) scope = std::make_unique<HookScope>(*ctx_, hook);
    try {
      hook_call();
    } catch (...) {
      log_escaped_exception(hook);
    }
  }
  void log_escaped_exception(const char* hook) const;
  Status finish(const char* hook, int32_t rc);
  // A failure the host detects in a hook's output (reported like a FAILED status).
  Status bad_output(const char* hook, const std::string& text);

  const PluginInfo* info_;
  std::unique_ptr<HostContext> ctx_;
  int32_t last_status_ = SLUICE_OK;
};

class ConnectorHandle : public PluginInstance {
 public:
  // Creates the plugin's connector instance. `info` must be a source or sink plugin; the
  // context's role is set here.
  static Result<std::unique_ptr<ConnectorHandle>> create(const PluginInfo& info,
                                                         std::unique_ptr<HostContext> ctx);
  ~ConnectorHandle();  // the plugin's destroy

  // Runs the optional validate hook; errors attached with config_error are appended to
  // `key_errors` as (key, message) — keys are as given by the plugin (the caller attaches an
  // unknown key to the top level). A non-OK result is a top-level error. NULL hook: OK.
  Status validate(const config::Props& cfg, std::vector<KeyError>* key_errors);
  Status start(const config::Props& cfg);
  // Copies of the task configs. More than `max_tasks` is an error when `enforce_max` is true
  // (tasks.max.enforce, the default); otherwise they are kept and a warning is logged, as
  // Kafka Connect does with tasks.max.enforce=false.
  Result<std::vector<config::Props>> task_configs(uint32_t max_tasks, bool enforce_max = true);
  Status stop();
  bool has_alter_offsets() const { return hooks_->alter_offsets != nullptr; }
  // kUnsupported when the plugin has no alter_offsets hook.
  Status alter_offsets(const config::Props& cfg, std::span<const sluice_offset_change> changes);

 private:
  ConnectorHandle(const PluginInfo& info, std::unique_ptr<HostContext> ctx,
                  const sluice_connector_hooks* hooks)
      : PluginInstance(info, std::move(ctx)), hooks_(hooks) {}
  const sluice_connector_hooks* hooks_;
  sluice_connector* instance_ = nullptr;
};

// Common to source and sink tasks: destroy on destruction unless abandoned.
class TaskInstance : public PluginInstance {
 public:
  // Calls the optional wake hook (any thread, concurrently with another hook; ABI §9).
  void wake();
  // Gives up on the instance (a hook missed the stop deadline): it is never called again, its
  // handle is not destroyed and its context is leaked, because a hook may still be running.
  void abandon();

 protected:
  TaskInstance(const PluginInfo& info, std::unique_ptr<HostContext> ctx,
               void (*destroy)(sluice_task*), void (*wake)(sluice_task*))
      : PluginInstance(info, std::move(ctx)), destroy_(destroy), wake_(wake) {}
  ~TaskInstance();
  Status create_task(int32_t (*task_create)(sluice_host_ctx*, sluice_task**));

  void (*destroy_)(sluice_task*);
  void (*wake_)(sluice_task*);
  sluice_task* instance_ = nullptr;
  bool abandoned_ = false;
};

class SourceTaskHandle : public TaskInstance {
 public:
  static Result<std::unique_ptr<SourceTaskHandle>> create(const PluginInfo& info,
                                                          std::unique_ptr<HostContext> ctx);
  Status start(const config::Props& task_config);
  // `*out` is filled by the plugin and lent until the next poll/stop/destroy. A batch with
  // records but a NULL array or a record_size below the 1.0 size is an error.
  Status poll(uint32_t max_wait_ms, sluice_record_batch* out);
  bool has_commit_record() const { return hooks_->commit_record != nullptr; }
  // `metadata` NULL: the record was dropped by a transform. OK without calling when no hook.
  Status commit_record(uint64_t cookie, const sluice_record_metadata* metadata);
  bool has_commit() const { return hooks_->commit != nullptr; }
  Status commit();  // OK without calling when no hook
  Status stop();

 private:
  SourceTaskHandle(const PluginInfo& info, std::unique_ptr<HostContext> ctx,
                   const sluice_source_hooks* hooks)
      : TaskInstance(info, std::move(ctx), hooks->task_destroy, hooks->wake), hooks_(hooks) {}
  const sluice_source_hooks* hooks_;
};

class SinkTaskHandle : public TaskInstance {
 public:
  static Result<std::unique_ptr<SinkTaskHandle>> create(const PluginInfo& info,
                                                        std::unique_ptr<HostContext> ctx);
  Status start(const config::Props& task_config);
  Status open(std::span<const sluice_topic_partition> tps);   // OK when no hook
  Status close(std::span<const sluice_topic_partition> tps);  // OK when no hook
  // The batch is borrowed for the call; report_errant may point into it meanwhile.
  Status put(const sluice_record_batch& batch);
  bool has_flush() const { return hooks_->flush != nullptr; }
  Status flush(std::span<const sluice_tp_offset> current);  // OK when no hook
  bool has_pre_commit() const { return hooks_->pre_commit != nullptr; }
  // Offsets safe to commit: a subset of `current`'s partitions, each ≤ its current offset
  // (checked; anything else is an error). The topic views of `*out` point into `current`'s.
  // Without a pre_commit hook: flush(current) and, if OK, all of `current` (ABI §8.3).
  Status pre_commit(std::span<const sluice_tp_offset> current, std::vector<sluice_tp_offset>* out);
  Status stop();

 private:
  SinkTaskHandle(const PluginInfo& info, std::unique_ptr<HostContext> ctx,
                 const sluice_sink_hooks* hooks)
      : TaskInstance(info, std::move(ctx), hooks->task_destroy, hooks->wake), hooks_(hooks) {}
  const sluice_sink_hooks* hooks_;
};

}  // namespace sluice::plugin
