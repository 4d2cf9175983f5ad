// A fake plugin written as static C++ functions for the plugin-module tests: a source and a sink
// whose hooks return what the test scripts in FakeScript, record what they were given, and
// call host functions on request. Also builders for descriptors/libraries that tests mutate to
// provoke each refusal of docs/formats/plugin-abi.md §11.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <sluice/plugin_abi.h>

namespace sluice::plugin::testing {

// What the fake's hooks do. Reset by each test (FakeScript::reset()).
struct FakeScript {
  // Hook name → status to return (absent: OK) and text to pass to set_error before returning
  // (absent: none).
  std::map<std::string, int32_t> status;
  std::map<std::string, std::string> error_text;
  // Run inside the named hook (after set_error, before returning), e.g. to call host functions.
  std::map<std::string, std::function<void(sluice_host_ctx*)>> during;
  // Recorded inputs.
  std::vector<std::string> calls;                  // hook names in call order
  std::map<std::string, std::string> last_config;  // copy of the last config seen (start etc.)
  std::vector<std::map<std::string, std::string>> task_configs;  // returned by task_configs
  std::vector<sluice_tp_offset> pre_commit_result;               // written by pre_commit
  sluice_host_ctx* last_ctx = nullptr;
  int destroyed = 0;
  sluice_task* last_task = nullptr;  // the instance task_create made last
  bool throw_in_poll = false;

  static FakeScript& get();
  void reset() { *this = FakeScript(); }
};

const sluice_source_hooks& fake_source_hooks();
const sluice_sink_hooks& fake_sink_hooks();
const sluice_converter_hooks& fake_converter_hooks();
const sluice_transform_hooks& fake_transform_hooks();

// A valid descriptor of `kind` with the fake's hook table of that kind; keys may be null.
sluice_plugin_descriptor make_descriptor(uint32_t kind, const char* class_name,
                                         const sluice_config_key* keys = nullptr);

// Owns descriptors and exposes a sluice_library over them (pointers stay valid while it lives).
class FakeLibrary {
 public:
  explicit FakeLibrary(std::vector<sluice_plugin_descriptor> descriptors);
  sluice_library& lib() { return lib_; }
  sluice_plugin_descriptor& descriptor(size_t i) { return descriptors_[i]; }

 private:
  std::vector<sluice_plugin_descriptor> descriptors_;
  std::vector<const sluice_plugin_descriptor*> pointers_;
  sluice_library lib_;
};

}  // namespace sluice::plugin::testing
