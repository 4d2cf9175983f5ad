// The host side of the plugin ABI: the one sluice_host_api table (docs/formats/plugin-abi.md §5)
// and the per-instance context behind the opaque sluice_host_ctx. A context knows whom it
// serves (connector, task, role), forwards the plugin's requests to the worker through an
// InstanceListener, keeps the error text of the running hook, and tracks which hook runs on
// which thread so that host functions called where they are not allowed answer ILLEGAL_STATE.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <sluice/plugin_abi.h>

#include "broker-lite/util/status.h"

namespace sluice::data {
class SchemaRegistry;
}

namespace sluice::plugin {

// Implemented by the worker per connector or task. Called from host functions: the "any
// thread" ones (request_task_reconfiguration, raise_error, request_commit) from any plugin
// thread, the others on the hook thread while a hook of that instance runs. A non-OK Status
// becomes the ABI status of the host function (abi_status_from) and its message the context's
// error text.
class InstanceListener {
 public:
  virtual ~InstanceListener() = default;
  virtual void request_task_reconfiguration() {}
  virtual void raise_error(std::string message) { (void)message; }
  virtual void request_commit() {}
  // Source offset reader: partition fields → committed offset fields (owned by the listener,
  // valid until the current hook returns). NotFound if nothing is stored.
  virtual Status offset_get(const sluice_field* partition, uint32_t partition_count,
                            const sluice_field** out, uint32_t* out_count);
  virtual Status pause(const sluice_topic_partition* tps, uint32_t count);
  virtual Status resume(const sluice_topic_partition* tps, uint32_t count);
  virtual Status reset_offsets(const sluice_tp_offset* offsets, uint32_t count);
  // Assigned partitions, owned by the listener, valid until the current hook returns.
  virtual Status assignment(const sluice_topic_partition** out, uint32_t* out_count);
  // `record` points into the batch of the running put (checked by the host). OK when the
  // record was taken care of (errors.tolerance=all), an error (FAILED) otherwise.
  virtual Status report_errant(const sluice_record* record, std::string_view error);
};

// What an instance is; decides which host functions it may call (ABI §5 "allowed").
enum class ContextRole {
  kUnbound,  // not yet handed to a handle
  kSourceConnector,
  kSinkConnector,
  kSourceTask,
  kSinkTask,
  kConverter,
  kTransform,
};

struct ContextIdentity {
  std::string connector;  // connector name
  int32_t task = -1;      // task number; -1 for a connector
  std::string worker_id;  // "host:port" of the REST listener
  std::string class_name;
};

// A per-key error collected from config_error during validate.
using KeyError = std::pair<std::string, std::string>;

}  // namespace sluice::plugin

// The C opaque name is this class: a plugin's sluice_host_ctx* is a HostContext*.
struct sluice_host_ctx {
 public:
  sluice_host_ctx(sluice::plugin::ContextIdentity id, sluice::plugin::InstanceListener* listener,
                  sluice::data::SchemaRegistry* schemas);
  sluice_host_ctx(const sluice_host_ctx&) = delete;
  sluice_host_ctx& operator=(const sluice_host_ctx&) = delete;

  const sluice::plugin::ContextIdentity& identity() const { return identity_; }
  // "connector <name>" or "task <name>-<n>" (the class name when there is no connector): the
  // subject of log lines and error messages.
  const std::string& subject() const { return subject_; }
  sluice::plugin::ContextRole role() const { return role_; }
  // Set once by the handle that takes the context (before the plugin's create hook).
  void set_role(sluice::plugin::ContextRole role) { role_ = role; }
  sluice::plugin::InstanceListener* listener() const { return listener_; }
  sluice::data::SchemaRegistry* schemas() const { return schemas_; }

  // --- hook bookkeeping (used by the handles) ---
  // Marks `hook` (a static string) as running on the calling thread and clears the error slot.
  void enter_hook(const char* hook);
  void leave_hook();
  // The hook running on the calling thread, or nullptr.
  const char* hook_on_this_thread() const;
  // Error text set during the current/last hook ("" if none); taking clears it.
  std::string take_error();
  bool has_error() const { return has_error_; }
  void set_error(std::string_view text);

  // validate: key errors are collected only between begin/end.
  void begin_validate() { key_errors_.clear(); }
  std::vector<sluice::plugin::KeyError> take_key_errors() { return std::move(key_errors_); }
  void add_key_error(std::string key, std::string message) {
    key_errors_.emplace_back(std::move(key), std::move(message));
  }

  // put: the batch report_errant's record must point into (null outside put).
  void set_current_batch(const sluice_record_batch* batch) { batch_ = batch; }
  const sluice_record_batch* current_batch() const { return batch_; }

 private:
  sluice::plugin::ContextIdentity identity_;
  std::string subject_;
  sluice::plugin::ContextRole role_ = sluice::plugin::ContextRole::kUnbound;
  sluice::plugin::InstanceListener* listener_;  // borrowed; may be null (requests are dropped)
  sluice::data::SchemaRegistry* schemas_;       // borrowed; may be null (schema calls refused)
  std::atomic<const char*> hook_{nullptr};
  std::atomic<std::thread::id> hook_thread_{};
  // The error slot and the collections below are touched only on the hook thread.
  bool has_error_ = false;
  std::string error_;
  std::vector<sluice::plugin::KeyError> key_errors_;
  const sluice_record_batch* batch_ = nullptr;
};

namespace sluice::plugin {

using HostContext = ::sluice_host_ctx;

// The host API table, ABI 1.0; static, valid for the life of the process.
const sluice_host_api* host_api();

// A context for one instance. `listener` and `schemas` are borrowed and must outlive the
// context (both may be null: requests are then dropped / schema calls answer ILLEGAL_STATE).
std::unique_ptr<HostContext> make_context(ContextIdentity id, InstanceListener* listener,
                                          data::SchemaRegistry* schemas);

// Marks a hook as running on the calling thread for its scope (see HostContext::enter_hook).
class HookScope {
 public:
  HookScope(HostContext& ctx, const char* hook) : ctx_(ctx) { ctx_.enter_hook(hook); }
  ~HookScope() { ctx_.leave_hook(); }
  HookScope(const HookScope&) = delete;
  HookScope& operator=(const HookScope&) = delete;

 private:
  HostContext& ctx_;
};

}  // namespace sluice::plugin
