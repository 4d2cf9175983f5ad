// What a connector or task can ask of the host, as C++ objects: sluice::ConnectorContext,
// sluice::SourceTaskContext, sluice::SinkTaskContext (with its ErrantRecordReporter) and the
// ValidationReporter a connector's validate() writes to. Each wraps the instance's
// sluice_host_ctx; a host function's failure status becomes an exception (RetriableError for
// SLUICE_ERR_RETRIABLE, FailedError otherwise) that the hook trampolines turn back into a status.
#ifndef SLUICE_SDK_CONTEXT_H_
#define SLUICE_SDK_CONTEXT_H_

#include <sluice/plugin_abi.h>
#include <sluice/sdk/errors.h>
#include <sluice/sdk/fields.h>
#include <sluice/sdk/host.h>
#include <sluice/sdk/records.h>
#include <sluice/sdk/schema.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

namespace sdk_detail {

// Throws for a non-OK status of host function `function`.
inline void check_host_status(int32_t status, const char* function) {
  if (status == SLUICE_OK) return;
  std::string message = std::string("host function ") + function + " returned " +
                        std::string(abi_status_name(status)) + " (" + std::to_string(status) + ")";
  if (status == SLUICE_ERR_RETRIABLE) throw RetriableError(message);
  throw FailedError(message);
}

[[nodiscard]] inline const sluice_host_api& require_host() {
  if (g_host == nullptr) throw FailedError("the Sluice host API is not available");
  return *g_host;
}

inline std::vector<sluice_topic_partition> to_abi(std::span<const TopicPartition> tps) {
  std::vector<sluice_topic_partition> out(tps.size());
  for (size_t i = 0; i < tps.size(); ++i) {
    out[i].topic = to_str(tps[i].topic);
    out[i].partition = tps[i].partition;
  }
  return out;
}

}  // namespace sdk_detail

// Names of the running instance (views copied into strings).
struct ContextInfo {
  std::string connector;
  int32_t task = -1;  // -1 for a connector
  std::string worker_id;
};

// What every context offers. Not copyable: it is owned by the SDK next to the instance.
class HostContext {
 public:
  explicit HostContext(sluice_host_ctx* ctx) noexcept : ctx_(ctx) {}
  HostContext(const HostContext&) = delete;
  HostContext& operator=(const HostContext&) = delete;

  // The instance's host context, for direct use of the C host API.
  [[nodiscard]] sluice_host_ctx* raw() const noexcept { return ctx_; }

  // Connector name, task number, worker id. Hook thread only.
  [[nodiscard]] ContextInfo info() const {
    sluice_context_info out{};
    sdk_detail::check_host_status(sdk_detail::require_host().context_info(ctx_, &out),
                                  "context_info");
    return ContextInfo{std::string(sdk_detail::from_str(out.connector)), out.task,
                       std::string(sdk_detail::from_str(out.worker_id))};
  }

  // Interns a schema and returns its id (>= 1; the same schema gives the same id). Call once per
  // schema (e.g. in start) and keep the id. Hook thread only.
  [[nodiscard]] uint32_t register_schema(const Schema& schema) const {
    return register_schema_json(schema.to_json());
  }
  [[nodiscard]] uint32_t register_schema_json(std::string_view json) const {
    uint32_t id = 0;
    sdk_detail::check_host_status(
        sdk_detail::require_host().schema_register(ctx_, sdk_detail::to_str(json), &id),
        "schema_register");
    return id;
  }
  // The schema JSON of an id (e.g. of a sink record's value). Hook thread only.
  [[nodiscard]] std::string schema_json(uint32_t id) const {
    sluice_str out{};
    sdk_detail::check_host_status(sdk_detail::require_host().schema_get(ctx_, id, &out),
                                  "schema_get");
    return std::string(sdk_detail::from_str(out));
  }

 protected:
  // The last committed offset of a source partition; nullopt if none. Hook thread only.
  [[nodiscard]] std::optional<Fields> read_offset(const Fields& partition) const {
    std::vector<sluice_field> abi;
    partition.to_abi(abi);
    const sluice_field* out = nullptr;
    uint32_t count = 0;
    int32_t status = sdk_detail::require_host().offset_get(
        ctx_, abi.data(), static_cast<uint32_t>(abi.size()), &out, &count);
    if (status == SLUICE_ERR_NOT_FOUND) return std::nullopt;
    sdk_detail::check_host_status(status, "offset_get");
    return Fields::from_abi(out, count);
  }

  sluice_host_ctx* ctx_;
};

// A connector's view of the worker (Kafka Connect's ConnectorContext plus the offset reader).
class ConnectorContext : public HostContext {
 public:
  using HostContext::HostContext;

  // Ask the worker to call task_configs again and restart tasks whose config changed. Any thread.
  void request_task_reconfiguration() const noexcept {
    if (sdk_detail::g_host) sdk_detail::g_host->request_task_reconfiguration(ctx_);
  }
  // Fail the connector with `message` (its tasks are stopped). Any thread.
  void raise_error(std::string_view message) const noexcept {
    if (sdk_detail::g_host) sdk_detail::g_host->raise_error(ctx_, sdk_detail::to_str(message));
  }
  // Last committed offset of a source partition (source connectors only). Hook thread only.
  [[nodiscard]] std::optional<Fields> offset(const Fields& partition) const {
    return read_offset(partition);
  }
};

// A source task's view of the worker: the offset reader to resume from.
class SourceTaskContext : public HostContext {
 public:
  using HostContext::HostContext;
  // Last committed offset of `partition`, nullopt if none was committed. Hook thread only.
  [[nodiscard]] std::optional<Fields> offset(const Fields& partition) const {
    return read_offset(partition);
  }
};

// Reports a record the sink task cannot write (Kafka Connect's ErrantRecordReporter). With the
// connector's errors.tolerance=all the record goes to the dead-letter queue / log and the call
// returns; with errors.tolerance=none it throws FailedError, which put should let propagate.
// Only inside put, for a record of the current batch.
class ErrantRecordReporter {
 public:
  explicit ErrantRecordReporter(sluice_host_ctx* ctx) noexcept : ctx_(ctx) {}
  void report(const SinkRecord& record, std::string_view error) const {
    int32_t status =
        sdk_detail::require_host().report_errant(ctx_, record.origin(), sdk_detail::to_str(error));
    if (status == SLUICE_ERR_FAILED) {
      throw FailedError("errant record (errors.tolerance=none): " + std::string(error));
    }
    sdk_detail::check_host_status(status, "report_errant");
  }

 private:
  sluice_host_ctx* ctx_;
};

// A sink task's view of the worker (Kafka Connect's SinkTaskContext).
class SinkTaskContext : public HostContext {
 public:
  explicit SinkTaskContext(sluice_host_ctx* ctx) noexcept : HostContext(ctx), errant_(ctx) {}

  // Stop / restart fetching these assigned partitions (back-pressure). Hook thread only.
  void pause(std::span<const TopicPartition> partitions) const {
    auto abi = sdk_detail::to_abi(partitions);
    sdk_detail::check_host_status(
        sdk_detail::require_host().pause(ctx_, abi.data(), static_cast<uint32_t>(abi.size())),
        "pause");
  }
  void resume(std::span<const TopicPartition> partitions) const {
    auto abi = sdk_detail::to_abi(partitions);
    sdk_detail::check_host_status(
        sdk_detail::require_host().resume(ctx_, abi.data(), static_cast<uint32_t>(abi.size())),
        "resume");
  }
  // Rewind or advance consumption (next offset to consume per partition), effective before the
  // next put. Hook thread only.
  void reset_offsets(std::span<const TopicPartitionOffset> offsets) const {
    std::vector<sluice_tp_offset> abi(offsets.size());
    for (size_t i = 0; i < offsets.size(); ++i) {
      abi[i].topic = sdk_detail::to_str(offsets[i].topic);
      abi[i].partition = offsets[i].partition;
      abi[i].offset = offsets[i].offset;
    }
    sdk_detail::check_host_status(sdk_detail::require_host().reset_offsets(
                                      ctx_, abi.data(), static_cast<uint32_t>(abi.size())),
                                  "reset_offsets");
  }
  // The partitions currently assigned to this task. Hook thread only.
  [[nodiscard]] std::vector<TopicPartition> assignment() const {
    const sluice_topic_partition* out = nullptr;
    uint32_t count = 0;
    sdk_detail::check_host_status(sdk_detail::require_host().assignment(ctx_, &out, &count),
                                  "assignment");
    std::vector<TopicPartition> result;
    for (uint32_t i = 0; out != nullptr && i < count; ++i) {
      result.push_back(
          TopicPartition{std::string(sdk_detail::from_str(out[i].topic)), out[i].partition});
    }
    return result;
  }
  // Ask for a pre_commit + offset commit as soon as possible. Any thread.
  void request_commit() const noexcept {
    if (sdk_detail::g_host) sdk_detail::g_host->request_commit(ctx_);
  }
  [[nodiscard]] const ErrantRecordReporter& errant_record_reporter() const noexcept {
    return errant_;
  }

 private:
  ErrantRecordReporter errant_;
};

// Where a connector's validate() reports problems with single keys (they appear in the
// `errors` of that key in the REST validate response).
class ValidationReporter {
 public:
  virtual ~ValidationReporter() = default;
  virtual void error(std::string_view key, std::string_view message) = 0;
};

namespace sdk_detail {

// The reporter backed by host->config_error.
class HostValidationReporter : public ValidationReporter {
 public:
  explicit HostValidationReporter(sluice_host_ctx* ctx) noexcept : ctx_(ctx) {}
  void error(std::string_view key, std::string_view message) override {
    check_host_status(require_host().config_error(ctx_, to_str(key), to_str(message)),
                      "config_error");
  }

 private:
  sluice_host_ctx* ctx_;
};

}  // namespace sdk_detail
}  // namespace sluice

#endif  // SLUICE_SDK_CONTEXT_H_
