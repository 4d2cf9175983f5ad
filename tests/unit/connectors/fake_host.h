// A fake worker for the connector plugin tests: one sluice_host_api whose functions record logs,
// errors and validate's key errors per instance and serve source offsets from an in-memory store,
// plus helpers that dlopen a plugin library from the build tree and find a plugin by class name.
// Not thread-safe except log (plugins may log from wake()).
#ifndef SLUICE_TESTS_UNIT_CONNECTORS_FAKE_HOST_H_
#define SLUICE_TESTS_UNIT_CONNECTORS_FAKE_HOST_H_

#include <sluice/plugin_abi.h>

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The host's per-instance context (opaque to plugins).
struct sluice_host_ctx {
  std::string connector = "test-connector";
  int32_t task = -1;
  std::string last_error;
  std::vector<std::pair<std::string, std::string>> config_errors;  // (key, message) from validate
  std::vector<sluice_field> offset_out;                            // lent by offset_get
  std::vector<std::string> offset_text;  // storage for string fields of offset_out
};

namespace sluice::connectors::testing {

// A source partition or offset as "name=value" texts, sorted (value: the integer, or 's:'text).
using FieldMap = std::map<std::string, std::string>;

[[nodiscard]] FieldMap to_field_map(const sluice_field* fields, uint32_t count);
[[nodiscard]] std::string_view view(sluice_str s);
[[nodiscard]] std::string_view view(const sluice_bytes& b);

class FakeHost {
 public:
  static FakeHost& instance();

  [[nodiscard]] const sluice_host_api* api() const { return &api_; }

  // Committed source offsets: partition -> offset fields (integers and strings only).
  void set_offset(const FieldMap& partition, std::vector<std::pair<std::string, int64_t>> offset);
  void clear_offsets() { offsets_.clear(); }

  // Log lines so far as "<LEVEL> <text>"; take_logs() also clears them.
  [[nodiscard]] std::vector<std::string> take_logs();

 private:
  FakeHost();
  static void log(sluice_host_ctx* ctx, uint32_t level, sluice_str message);
  static void set_error(sluice_host_ctx* ctx, sluice_str message);
  static int32_t config_error(sluice_host_ctx* ctx, sluice_str key, sluice_str message);
  static int32_t context_info(sluice_host_ctx* ctx, sluice_context_info* out);
  static int32_t offset_get(sluice_host_ctx* ctx, const sluice_field* partition, uint32_t count,
                            const sluice_field** out, uint32_t* out_count);

  sluice_host_api api_{};
  std::mutex log_mutex_;
  std::vector<std::string> logs_;
  std::map<FieldMap, std::vector<std::pair<std::string, int64_t>>> offsets_;
};

// A plugin library loaded with dlopen (never closed, like the worker does).
struct LoadedLibrary {
  const sluice_library* library = nullptr;
  std::string error;  // dlopen/dlsym failure text
};
[[nodiscard]] LoadedLibrary load_library(const std::string& path);
// The descriptor named `class_name` in `library`, or nullptr.
[[nodiscard]] const sluice_plugin_descriptor* find_plugin(const sluice_library* library,
                                                          std::string_view class_name);

// A configuration as the host passes it: owns the texts the sluice_kv views point into.
class ConfigArg {
 public:
  ConfigArg(std::initializer_list<std::pair<std::string, std::string>> entries);
  explicit ConfigArg(const sluice_config& lent);  // copies a config lent by a plugin
  [[nodiscard]] const sluice_config* get() const { return &config_; }
  [[nodiscard]] std::map<std::string, std::string> as_map() const;

 private:
  void rebuild();
  std::vector<std::pair<std::string, std::string>> entries_;
  std::vector<sluice_kv> kvs_;
  sluice_config config_{};
};

}  // namespace sluice::connectors::testing

#endif  // SLUICE_TESTS_UNIT_CONNECTORS_FAKE_HOST_H_
