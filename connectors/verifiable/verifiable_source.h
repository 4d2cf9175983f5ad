// VerifiableSource: a data generator for correctness tests and demos. Each task emits records
// numbered 0, 1, 2, ... (its seqno) at a fixed rate, resumes after its last committed seqno, and
// writes values a checker can verify: {"task":T,"seqno":N,"time_ms":M}.
#ifndef SLUICE_CONNECTORS_VERIFIABLE_VERIFIABLE_SOURCE_H_
#define SLUICE_CONNECTORS_VERIFIABLE_VERIFIABLE_SOURCE_H_

#include <sluice/sdk.h>

#include <memory>
#include <string>
#include <vector>

#include "connectors/common/waiter.h"
#include "connectors/verifiable/pacer.h"

namespace sluice::connectors {

inline constexpr char kVerifiableSourceClass[] =
    "io.sluice.connect.verifiable.VerifiableSourceConnector";
extern const char kVerifiableSourceDescription[];

// The per-task key every verifiable connector adds to its task configs: the task number.
inline constexpr char kTaskIdKey[] = "task.id";

// `def` plus the required task.id key (an INT >= 0): a verifiable task's definition.
[[nodiscard]] ConfigDef with_task_id_key(ConfigDef def);

// tasks.max copies of `base`, each with task.id = its index.
[[nodiscard]] std::vector<TaskConfig> numbered_task_configs(const TaskConfig& base,
                                                            uint32_t max_tasks);

class VerifiableSourceConnector : public SourceConnector {
 public:
  static ConfigDef config_def();
  void start(const Config& config) override;
  std::vector<TaskConfig> task_configs(uint32_t max_tasks) override;

 private:
  TaskConfig base_;
};

class VerifiableSourceTask : public SourceTask {
 public:
  // Records handed out by one poll at most.
  static constexpr size_t kMaxBatch = 1000;

  static ConfigDef config_def();
  void start(const Config& config) override;
  void poll(uint32_t max_wait_ms, SourceRecordBatch& batch) override;
  void wake() override { waiter_.wake(); }

 private:
  int64_t task_ = 0;
  std::string key_;  // the task number as text
  std::string topic_;
  int64_t next_seqno_ = 0;
  std::unique_ptr<Pacer> pacer_;
  Waiter waiter_;
};

}  // namespace sluice::connectors

#endif  // SLUICE_CONNECTORS_VERIFIABLE_VERIFIABLE_SOURCE_H_
