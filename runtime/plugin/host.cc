// The host API table and the per-instance contexts; see host.h.
#include "runtime/plugin/host.h"

#include "broker-lite/util/logging.h"
#include "runtime/data/schema.h"
#include "runtime/plugin/abi_names.h"

using sluice::plugin::ContextRole;

sluice_host_ctx::sluice_host_ctx(sluice::plugin::ContextIdentity id,
                                 sluice::plugin::InstanceListener* listener,
                                 sluice::data::SchemaRegistry* schemas)
    : identity_(std::move(id)), listener_(listener), schemas_(schemas) {
  if (identity_.connector.empty()) {
    subject_ = identity_.class_name.empty() ? "plugin" : identity_.class_name;
  } else if (identity_.task < 0) {
    subject_ = "connector " + identity_.connector;
  } else {
    subject_ = "task " + identity_.connector + "-" + std::to_string(identity_.task);
  }
}

void sluice_host_ctx::enter_hook(const char* hook) {
  has_error_ = false;
  error_.clear();
  hook_thread_.store(std::this_thread::get_id());
  hook_.store(hook);
}

void sluice_host_ctx::leave_hook() {
  hook_.store(nullptr);
  hook_thread_.store(std::thread::id());
}

const char* sluice_host_ctx::hook_on_this_thread() const {
  if (hook_thread_.load() != std::this_thread::get_id()) return nullptr;
  return hook_.load();
}

std::string sluice_host_ctx::take_error() {
  has_error_ = false;
  return std::move(error_);
}

void sluice_host_ctx::set_error(std::string_view text) {
  has_error_ = true;
  error_.assign(text);
}

namespace sluice::plugin {

Status InstanceListener::offset_get(const sluice_field*, uint32_t, const sluice_field**,
                                    uint32_t*) {
  return Status::not_found("");
}
Status InstanceListener::pause(const sluice_topic_partition*, uint32_t) {
  return Status::unsupported("pause is not available to this instance");
}
Status InstanceListener::resume(const sluice_topic_partition*, uint32_t) {
  return Status::unsupported("resume is not available to this instance");
}
Status InstanceListener::reset_offsets(const sluice_tp_offset*, uint32_t) {
  return Status::unsupported("reset_offsets is not available to this instance");
}
Status InstanceListener::assignment(const sluice_topic_partition**, uint32_t*) {
  return Status::unsupported("assignment is not available to this instance");
}
Status InstanceListener::report_errant(const sluice_record*, std::string_view error) {
  return Status::internal("errant record reported and errors.tolerance=none: " +
                          std::string(error));
}

namespace {

constexpr std::string_view kNoSubject = "plugin";

bool valid_str(sluice_str s) {
  return s.ptr != nullptr || s.len == 0;
}

void warn(const HostContext* ctx, std::string message) {
  SLUICE_LOG(kWarn, ctx != nullptr ? std::string_view(ctx->subject()) : kNoSubject, message);
}

// A failed host function: the text goes to the context's error slot (so a plugin that only
// passes the status on still explains it; its own set_error overrides) and the status returns.
int32_t fail(HostContext* ctx, int32_t status, const std::string& text) {
  if (ctx != nullptr && ctx->hook_on_this_thread() != nullptr) ctx->set_error(text);
  return status;
}

int32_t from_listener(HostContext* ctx, const Status& s) {
  if (s.is_ok()) return SLUICE_OK;
  int32_t code = abi_status_from(s);
  if (code == SLUICE_ERR_NOT_FOUND || s.message().empty()) return code;
  return fail(ctx, code, std::string(s.message()));
}

// Checks the "hook thread" rule plus the roles allowed for `function`; returns SLUICE_OK or the
// status to answer (with the reason in the error slot when on the hook thread).
int32_t require_hook(HostContext* ctx, const char* function,
                     std::initializer_list<ContextRole> roles) {
  if (ctx == nullptr) return SLUICE_ERR_INVALID_ARGUMENT;
  if (ctx->hook_on_this_thread() == nullptr) {
    warn(ctx, std::string(function) + " called outside a hook of this instance (ignored)");
    return SLUICE_ERR_ILLEGAL_STATE;
  }
  if (roles.size() != 0) {
    bool allowed = false;
    for (ContextRole r : roles) allowed = allowed || r == ctx->role();
    if (!allowed) {
      return fail(ctx, SLUICE_ERR_ILLEGAL_STATE,
                  std::string(function) + " is not available to " + ctx->subject());
    }
  }
  return SLUICE_OK;
}

// For the "any thread" void functions: whether ctx has one of the roles (else a warning).
bool require_role(HostContext* ctx, const char* function,
                  std::initializer_list<ContextRole> roles) {
  if (ctx == nullptr) {
    warn(nullptr, std::string(function) + " called with a NULL context (ignored)");
    return false;
  }
  for (ContextRole r : roles) {
    if (r == ctx->role()) return true;
  }
  warn(ctx, std::string(function) + " is not available to " + ctx->subject() + " (ignored)");
  return false;
}

void host_log(sluice_host_ctx* ctx, uint32_t level, sluice_str message) {
  std::string_view component = ctx != nullptr ? std::string_view(ctx->subject()) : kNoSubject;
  std::string_view text = valid_str(message) ? view_of(message) : "(invalid log message view)";
  switch (level) {
    case SLUICE_LOG_ERROR:
      SLUICE_LOG(kError, component, text);
      break;
    case SLUICE_LOG_WARN:
      SLUICE_LOG(kWarn, component, text);
      break;
    case SLUICE_LOG_INFO:
      SLUICE_LOG(kInfo, component, text);
      break;
    default:  // DEBUG, TRACE and unknown levels
      SLUICE_LOG(kDebug, component, text);
      break;
  }
}

void host_set_error(sluice_host_ctx* ctx, sluice_str message) {
  if (ctx == nullptr) {
    warn(nullptr, "set_error called with a NULL context (ignored)");
    return;
  }
  if (ctx->hook_on_this_thread() == nullptr) {
    warn(ctx, "set_error called outside a hook of this instance (ignored): " +
                  std::string(valid_str(message) ? view_of(message) : ""));
    return;
  }
  ctx->set_error(valid_str(message) ? view_of(message) : "(set_error with an invalid view)");
}

int32_t host_config_error(sluice_host_ctx* ctx, sluice_str key, sluice_str message) {
  if (ctx == nullptr) return SLUICE_ERR_INVALID_ARGUMENT;
  const char* hook = ctx->hook_on_this_thread();
  if (hook == nullptr || std::string_view(hook) != "validate") {
    return fail(ctx, SLUICE_ERR_ILLEGAL_STATE, "config_error is only allowed inside validate");
  }
  if (!valid_str(key) || !valid_str(message)) {
    return fail(ctx, SLUICE_ERR_INVALID_ARGUMENT, "config_error: NULL view with a length");
  }
  ctx->add_key_error(std::string(view_of(key)), std::string(view_of(message)));
  return SLUICE_OK;
}

int32_t host_schema_register(sluice_host_ctx* ctx, sluice_str schema_json, uint32_t* out_id) {
  if (int32_t rc = require_hook(ctx, "schema_register", {}); rc != SLUICE_OK) return rc;
  if (out_id == nullptr || !valid_str(schema_json)) {
    return fail(ctx, SLUICE_ERR_INVALID_ARGUMENT, "schema_register: NULL argument");
  }
  if (ctx->schemas() == nullptr) {
    return fail(ctx, SLUICE_ERR_ILLEGAL_STATE, "schema_register: no schema registry here");
  }
  Result<uint32_t> id = ctx->schemas()->register_json(view_of(schema_json));
  if (!id.is_ok()) return from_listener(ctx, id.status());
  *out_id = *id;
  return SLUICE_OK;
}

int32_t host_schema_get(sluice_host_ctx* ctx, uint32_t id, sluice_str* out_json) {
  if (int32_t rc = require_hook(ctx, "schema_get", {}); rc != SLUICE_OK) return rc;
  if (out_json == nullptr) return fail(ctx, SLUICE_ERR_INVALID_ARGUMENT, "schema_get: NULL out");
  if (ctx->schemas() == nullptr) {
    return fail(ctx, SLUICE_ERR_ILLEGAL_STATE, "schema_get: no schema registry here");
  }
  std::string_view json = ctx->schemas()->json(id);
  if (json.empty()) {
    return fail(ctx, SLUICE_ERR_NOT_FOUND, "schema_get: no schema with id " + std::to_string(id));
  }
  *out_json = str_of(json);
  return SLUICE_OK;
}

int32_t host_context_info(sluice_host_ctx* ctx, sluice_context_info* out) {
  if (int32_t rc = require_hook(ctx, "context_info", {}); rc != SLUICE_OK) return rc;
  if (out == nullptr) return fail(ctx, SLUICE_ERR_INVALID_ARGUMENT, "context_info: NULL out");
  const ContextIdentity& id = ctx->identity();
  out->connector = str_of(id.connector);
  out->task = id.task;
  out->reserved = 0;
  out->worker_id = str_of(id.worker_id);
  return SLUICE_OK;
}

void host_request_task_reconfiguration(sluice_host_ctx* ctx) {
  if (!require_role(ctx, "request_task_reconfiguration",
                    {ContextRole::kSourceConnector, ContextRole::kSinkConnector})) {
    return;
  }
  if (ctx->listener() != nullptr) ctx->listener()->request_task_reconfiguration();
}

void host_raise_error(sluice_host_ctx* ctx, sluice_str message) {
  if (!require_role(ctx, "raise_error",
                    {ContextRole::kSourceConnector, ContextRole::kSinkConnector})) {
    return;
  }
  std::string text = valid_str(message) ? std::string(view_of(message)) : "(invalid message view)";
  if (ctx->listener() != nullptr) ctx->listener()->raise_error(std::move(text));
}

int32_t host_offset_get(sluice_host_ctx* ctx, const sluice_field* partition,
                        uint32_t partition_count, const sluice_field** out_offset,
                        uint32_t* out_count) {
  if (int32_t rc = require_hook(ctx, "offset_get",
                                {ContextRole::kSourceConnector, ContextRole::kSourceTask});
      rc != SLUICE_OK) {
    return rc;
  }
  if (out_offset == nullptr || out_count == nullptr ||
      (partition == nullptr && partition_count != 0)) {
    return fail(ctx, SLUICE_ERR_INVALID_ARGUMENT, "offset_get: NULL argument");
  }
  if (ctx->listener() == nullptr) return SLUICE_ERR_NOT_FOUND;
  return from_listener(
      ctx, ctx->listener()->offset_get(partition, partition_count, out_offset, out_count));
}

void host_request_commit(sluice_host_ctx* ctx) {
  if (!require_role(ctx, "request_commit", {ContextRole::kSinkTask})) return;
  if (ctx->listener() != nullptr) ctx->listener()->request_commit();
}

// pause/resume share their checks.
int32_t partitions_call(sluice_host_ctx* ctx, const char* function,
                        const sluice_topic_partition* tps, uint32_t count, bool pause) {
  if (int32_t rc = require_hook(ctx, function, {ContextRole::kSinkTask}); rc != SLUICE_OK) {
    return rc;
  }
  if (tps == nullptr && count != 0) {
    return fail(ctx, SLUICE_ERR_INVALID_ARGUMENT, std::string(function) + ": NULL partitions");
  }
  for (uint32_t i = 0; i < count; ++i) {
    if (!valid_str(tps[i].topic)) {
      return fail(ctx, SLUICE_ERR_INVALID_ARGUMENT, std::string(function) + ": NULL topic");
    }
  }
  if (ctx->listener() == nullptr) return SLUICE_OK;
  return from_listener(
      ctx, pause ? ctx->listener()->pause(tps, count) : ctx->listener()->resume(tps, count));
}

int32_t host_pause(sluice_host_ctx* ctx, const sluice_topic_partition* tps, uint32_t count) {
  return partitions_call(ctx, "pause", tps, count, /*pause=*/true);
}

int32_t host_resume(sluice_host_ctx* ctx, const sluice_topic_partition* tps, uint32_t count) {
  return partitions_call(ctx, "resume", tps, count, /*pause=*/false);
}

int32_t host_reset_offsets(sluice_host_ctx* ctx, const sluice_tp_offset* offsets, uint32_t count) {
  if (int32_t rc = require_hook(ctx, "reset_offsets", {ContextRole::kSinkTask}); rc != SLUICE_OK) {
    return rc;
  }
  if (offsets == nullptr && count != 0) {
    return fail(ctx, SLUICE_ERR_INVALID_ARGUMENT, "reset_offsets: NULL offsets");
  }
  for (uint32_t i = 0; i < count; ++i) {
    if (!valid_str(offsets[i].topic) || offsets[i].offset < 0) {
      return fail(ctx, SLUICE_ERR_INVALID_ARGUMENT,
                  "reset_offsets: entry " + std::to_string(i) + " has a NULL topic or offset < 0");
    }
  }
  if (ctx->listener() == nullptr) return SLUICE_OK;
  return from_listener(ctx, ctx->listener()->reset_offsets(offsets, count));
}

int32_t host_assignment(sluice_host_ctx* ctx, const sluice_topic_partition** out,
                        uint32_t* out_count) {
  if (int32_t rc = require_hook(ctx, "assignment", {ContextRole::kSinkTask}); rc != SLUICE_OK) {
    return rc;
  }
  if (out == nullptr || out_count == nullptr) {
    return fail(ctx, SLUICE_ERR_INVALID_ARGUMENT, "assignment: NULL out");
  }
  if (ctx->listener() == nullptr) {
    *out = nullptr;
    *out_count = 0;
    return SLUICE_OK;
  }
  return from_listener(ctx, ctx->listener()->assignment(out, out_count));
}

int32_t host_report_errant(sluice_host_ctx* ctx, const sluice_record* record, sluice_str error) {
  if (int32_t rc = require_hook(ctx, "report_errant", {ContextRole::kSinkTask}); rc != SLUICE_OK) {
    return rc;
  }
  const sluice_record_batch* batch = ctx->current_batch();
  if (batch == nullptr || std::string_view(ctx->hook_on_this_thread()) != "put") {
    return fail(ctx, SLUICE_ERR_ILLEGAL_STATE, "report_errant is only allowed inside put");
  }
  if (record == nullptr || !valid_str(error)) {
    return fail(ctx, SLUICE_ERR_INVALID_ARGUMENT, "report_errant: NULL argument");
  }
  auto base = reinterpret_cast<uintptr_t>(batch->records);
  auto at = reinterpret_cast<uintptr_t>(record);
  uint64_t stride = batch->record_size;
  if (at < base || stride == 0 || (at - base) % stride != 0 ||
      (at - base) / stride >= batch->count) {
    return fail(ctx, SLUICE_ERR_INVALID_ARGUMENT,
                "report_errant: the record does not point into the current batch");
  }
  if (ctx->listener() == nullptr) return SLUICE_ERR_FAILED;
  return from_listener(ctx, ctx->listener()->report_errant(record, view_of(error)));
}

const sluice_host_api kHostApi = {
    .abi_major = SLUICE_ABI_MAJOR,
    .abi_minor = SLUICE_ABI_MINOR,
    .struct_size = sizeof(sluice_host_api),
    .log = host_log,
    .set_error = host_set_error,
    .config_error = host_config_error,
    .schema_register = host_schema_register,
    .schema_get = host_schema_get,
    .context_info = host_context_info,
    .request_task_reconfiguration = host_request_task_reconfiguration,
    .raise_error = host_raise_error,
    .offset_get = host_offset_get,
    .request_commit = host_request_commit,
    .pause = host_pause,
    .resume = host_resume,
    .reset_offsets = host_reset_offsets,
    .assignment = host_assignment,
    .report_errant = host_report_errant,
};

}  // namespace

const sluice_host_api* host_api() {
  return &kHostApi;
}

std::unique_ptr<HostContext> make_context(ContextIdentity id, InstanceListener* listener,
                                          data::SchemaRegistry* schemas) {
  return std::make_unique<HostContext>(std::move(id), listener, schemas);
}

}  // namespace sluice::plugin
