// A fake sluice_host_api for the SDK unit tests: every host function records what it was given
// in the FakeHost whose address is the sluice_host_ctx*, and answers from state the test sets.
#ifndef SLUICE_TESTS_UNIT_SDK_FAKE_HOST_H_
#define SLUICE_TESTS_UNIT_SDK_FAKE_HOST_H_

#include <sluice/sdk.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sluice::sdk_test {

class FakeHost {
 public:
  FakeHost() {
    api_.abi_major = SLUICE_ABI_MAJOR;
    api_.abi_minor = SLUICE_ABI_MINOR;
    api_.struct_size = sizeof(sluice_host_api);
    api_.log = &log;
    api_.set_error = &set_error;
    api_.config_error = &config_error;
    api_.schema_register = &schema_register;
    api_.schema_get = &schema_get;
    api_.context_info = &context_info;
    api_.request_task_reconfiguration = &request_task_reconfiguration;
    api_.raise_error = &raise_error;
    api_.offset_get = &offset_get;
    api_.request_commit = &request_commit;
    api_.pause = &pause;
    api_.resume = &pause;
    api_.reset_offsets = &reset_offsets;
    api_.assignment = &assignment;
    api_.report_errant = &report_errant;
    library_level_ = this;
    sdk_detail::g_host = &api_;
  }
  ~FakeHost() {
    sdk_detail::g_host = nullptr;
    library_level_ = nullptr;
  }
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  [[nodiscard]] const sluice_host_api* api() const { return &api_; }
  [[nodiscard]] sluice_host_ctx* ctx() { return reinterpret_cast<sluice_host_ctx*>(this); }

  // Recorded calls.
  std::vector<std::pair<uint32_t, std::string>> logs;
  std::vector<std::string> errors;  // set_error texts, in order
  std::vector<std::pair<std::string, std::string>> config_errors;
  std::vector<std::string> registered_schemas;
  std::vector<Fields> offset_requests;
  std::vector<std::string> errant;
  const sluice_record* errant_record = nullptr;
  int reconfigurations = 0;
  int commit_requests = 0;
  std::string raised;
  std::vector<TopicPartition> paused;
  std::vector<TopicPartitionOffset> resets;

  // Answers.
  std::optional<Fields> stored_offset;  // what offset_get returns (NOT_FOUND if empty)
  int32_t errant_status = SLUICE_OK;
  std::vector<TopicPartition> assigned;

 private:
  static FakeHost& of(sluice_host_ctx* ctx) {
    return ctx ? *reinterpret_cast<FakeHost*>(ctx) : *library_level_;
  }
  static std::string text(sluice_str s) { return std::string(sdk_detail::from_str(s)); }

  static void log(sluice_host_ctx* ctx, uint32_t level, sluice_str message) {
    of(ctx).logs.emplace_back(level, text(message));
  }
  static void set_error(sluice_host_ctx* ctx, sluice_str message) {
    of(ctx).errors.push_back(text(message));
  }
  static int32_t config_error(sluice_host_ctx* ctx, sluice_str key, sluice_str message) {
    of(ctx).config_errors.emplace_back(text(key), text(message));
    return SLUICE_OK;
  }
  static int32_t schema_register(sluice_host_ctx* ctx, sluice_str json, uint32_t* out_id) {
    auto& schemas = of(ctx).registered_schemas;
    for (size_t i = 0; i < schemas.size(); ++i) {
      if (schemas[i] == text(json)) {
        *out_id = static_cast<uint32_t>(i + 1);
        return SLUICE_OK;
      }
    }
    schemas.push_back(text(json));
    *out_id = static_cast<uint32_t>(schemas.size());
    return SLUICE_OK;
  }
  static int32_t schema_get(sluice_host_ctx* ctx, uint32_t id, sluice_str* out) {
    auto& schemas = of(ctx).registered_schemas;
    if (id == 0 || id > schemas.size()) return SLUICE_ERR_NOT_FOUND;
    *out = sdk_detail::to_str(schemas[id - 1]);
    return SLUICE_OK;
  }
  static int32_t context_info(sluice_host_ctx*, sluice_context_info* out) {
    *out = sluice_context_info{};
    out->connector = sdk_detail::to_str("conn");
    out->task = 2;
    out->worker_id = sdk_detail::to_str("127.0.0.1:8083");
    return SLUICE_OK;
  }
  static void request_task_reconfiguration(sluice_host_ctx* ctx) { ++of(ctx).reconfigurations; }
  static void raise_error(sluice_host_ctx* ctx, sluice_str message) {
    of(ctx).raised = text(message);
  }
  static int32_t offset_get(sluice_host_ctx* ctx, const sluice_field* partition, uint32_t count,
                            const sluice_field** out, uint32_t* out_count) {
    FakeHost& host = of(ctx);
    host.offset_requests.push_back(Fields::from_abi(partition, count));
    if (!host.stored_offset) return SLUICE_ERR_NOT_FOUND;
    host.stored_offset->to_abi(host.offset_abi_);
    *out = host.offset_abi_.data();
    *out_count = static_cast<uint32_t>(host.offset_abi_.size());
    return SLUICE_OK;
  }
  static void request_commit(sluice_host_ctx* ctx) { ++of(ctx).commit_requests; }
  static int32_t pause(sluice_host_ctx* ctx, const sluice_topic_partition* tps, uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) {
      of(ctx).paused.push_back(TopicPartition{text(tps[i].topic), tps[i].partition});
    }
    return SLUICE_OK;
  }
  static int32_t reset_offsets(sluice_host_ctx* ctx, const sluice_tp_offset* o, uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) {
      of(ctx).resets.push_back(TopicPartitionOffset{text(o[i].topic), o[i].partition, o[i].offset});
    }
    return SLUICE_OK;
  }
  static int32_t assignment(sluice_host_ctx* ctx, const sluice_topic_partition** out,
                            uint32_t* out_count) {
    FakeHost& host = of(ctx);
    host.assigned_abi_ = sdk_detail::to_abi(host.assigned);
    *out = host.assigned_abi_.data();
    *out_count = static_cast<uint32_t>(host.assigned_abi_.size());
    return SLUICE_OK;
  }
  static int32_t report_errant(sluice_host_ctx* ctx, const sluice_record* record,
                               sluice_str error) {
    FakeHost& host = of(ctx);
    host.errant.push_back(text(error));
    host.errant_record = record;
    return host.errant_status;
  }

  static inline FakeHost* library_level_ = nullptr;
  sluice_host_api api_{};
  std::vector<sluice_field> offset_abi_;
  std::vector<sluice_topic_partition> assigned_abi_;
};

// A sluice_config over owned strings.
class RawConfig {
 public:
  RawConfig(std::initializer_list<std::pair<std::string, std::string>> entries)
      : entries_(entries) {
    for (const auto& [k, v] : entries_)
      kvs_.push_back({sdk_detail::to_str(k), sdk_detail::to_str(v)});
    config_ = sluice_config{kvs_.data(), kvs_.size()};
  }
  [[nodiscard]] const sluice_config* get() const { return &config_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
  std::vector<sluice_kv> kvs_;
  sluice_config config_{};
};

}  // namespace sluice::sdk_test

#endif  // SLUICE_TESTS_UNIT_SDK_FAKE_HOST_H_
