// Drivers that run a connector plugin's hooks the way the worker does (connector create/start/
// task_configs, then task create/start/poll|put/stop/destroy), against the fake host.
#ifndef SLUICE_TESTS_UNIT_CONNECTORS_PLUGIN_TEST_UTIL_H_
#define SLUICE_TESTS_UNIT_CONNECTORS_PLUGIN_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tests/unit/connectors/fake_host.h"

namespace sluice::connectors::testing {

// A plugin of a library in the build tree (paths come from the build: SLUICE_*_PLUGIN_PATH).
inline const sluice_plugin_descriptor* plugin_in(const std::string& library_path,
                                                 std::string_view class_name) {
  LoadedLibrary loaded = load_library(library_path);
  EXPECT_NE(loaded.library, nullptr) << library_path << ": " << loaded.error;
  return find_plugin(loaded.library, class_name);
}

// One started connector of a plugin, and its task configs.
template <class Hooks>
class ConnectorRun {
 public:
  explicit ConnectorRun(const sluice_plugin_descriptor* plugin)
      : hooks_(static_cast<const Hooks*>(plugin->hooks)) {
    EXPECT_EQ(hooks_->connector.create(&ctx_, &connector_), SLUICE_OK);
  }
  ~ConnectorRun() {
    if (started_) hooks_->connector.stop(connector_);
    hooks_->connector.destroy(connector_);
  }
  // start + task_configs(max_tasks); returns start's status (task configs then in tasks()).
  int32_t start(const ConfigArg& config, uint32_t max_tasks = 1) {
    int32_t status = hooks_->connector.start(connector_, config.get());
    if (status != SLUICE_OK) return status;
    started_ = true;
    const sluice_config* configs = nullptr;
    uint32_t count = 0;
    status = hooks_->connector.task_configs(connector_, max_tasks, &configs, &count);
    for (uint32_t i = 0; i < count; ++i) tasks_.emplace_back(configs[i]);
    return status;
  }
  // validate's status; the key errors it reported are then in config_errors().
  int32_t validate(const ConfigArg& config) {
    ctx_.config_errors.clear();
    return hooks_->connector.validate(connector_, config.get());
  }
  [[nodiscard]] const std::vector<ConfigArg>& tasks() const { return tasks_; }
  [[nodiscard]] const std::string& error() const { return ctx_.last_error; }
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& config_errors() const {
    return ctx_.config_errors;
  }

 private:
  const Hooks* hooks_;
  sluice_host_ctx ctx_;
  sluice_connector* connector_ = nullptr;
  bool started_ = false;
  std::vector<ConfigArg> tasks_;
};

// One task of a plugin: created on construction, started by start(), stopped and destroyed at
// the end.
template <class Hooks>
class TaskRun {
 public:
  TaskRun(const sluice_plugin_descriptor* plugin, int32_t task_number = 0)
      : hooks_(static_cast<const Hooks*>(plugin->hooks)) {
    ctx_.task = task_number;
    EXPECT_EQ(hooks_->task_create(&ctx_, &task_), SLUICE_OK);
  }
  ~TaskRun() {
    if (started_) {
      EXPECT_EQ(hooks_->task_stop(task_), SLUICE_OK) << ctx_.last_error;
    }
    hooks_->task_destroy(task_);
  }
  int32_t start(const ConfigArg& config) {
    int32_t status = hooks_->task_start(task_, config.get());
    started_ = status == SLUICE_OK;
    return status;
  }
  [[nodiscard]] const Hooks* hooks() const { return hooks_; }
  [[nodiscard]] sluice_task* task() const { return task_; }
  [[nodiscard]] const std::string& error() const { return ctx_.last_error; }

 private:
  const Hooks* hooks_;
  sluice_host_ctx ctx_;
  sluice_task* task_ = nullptr;
  bool started_ = false;
};

// A polled source record, copied out of the lent batch.
struct PolledRecord {
  std::string topic;
  uint32_t key_form = 0;
  std::string key;
  uint32_t value_form = 0;
  std::string value;
  FieldMap partition;
  FieldMap offset;
};

inline std::vector<PolledRecord> poll_source(TaskRun<sluice_source_hooks>& run,
                                             uint32_t max_wait_ms = 200) {
  sluice_record_batch batch{};
  EXPECT_EQ(run.hooks()->poll(run.task(), max_wait_ms, &batch), SLUICE_OK) << run.error();
  std::vector<PolledRecord> out;
  for (uint32_t i = 0; i < batch.count; ++i) {
    const auto* r = reinterpret_cast<const sluice_record*>(
        reinterpret_cast<const char*>(batch.records) + size_t{i} * batch.record_size);
    out.push_back(PolledRecord{std::string(view(r->topic)), r->key.form,
                               std::string(view(r->key.bytes)), r->value.form,
                               std::string(view(r->value.bytes)),
                               to_field_map(r->source_partition, r->source_partition_count),
                               to_field_map(r->source_offset, r->source_offset_count)});
  }
  return out;
}

}  // namespace sluice::connectors::testing

#endif  // SLUICE_TESTS_UNIT_CONNECTORS_PLUGIN_TEST_UTIL_H_
