// VerifiableSink: records what it receives, one JSON line per record, into a file that a test
// checker reads (e.g. to count the seqnos of a VerifiableSource per task, and duplicates).
#ifndef SLUICE_CONNECTORS_VERIFIABLE_VERIFIABLE_SINK_H_
#define SLUICE_CONNECTORS_VERIFIABLE_VERIFIABLE_SINK_H_

#include <sluice/sdk.h>

#include <memory>
#include <string>
#include <vector>

#include "connectors/common/line_sink_task.h"

namespace sluice::connectors {

inline constexpr char kVerifiableSinkClass[] =
    "io.sluice.connect.verifiable.VerifiableSinkConnector";
extern const char kVerifiableSinkDescription[];

class VerifiableSinkConnector : public SinkConnector {
 public:
  static ConfigDef config_def();
  void start(const Config& config) override;
  std::vector<TaskConfig> task_configs(uint32_t max_tasks) override;

 private:
  TaskConfig base_;
};

// flush and stop (fdatasync) come from LineSinkTask.
class VerifiableSinkTask : public LineSinkTask {
 public:
  static ConfigDef config_def();
  void start(const Config& config) override;
  void put(std::span<const SinkRecord> records) override;

 private:
  std::string task_;  // the task number as text
};

}  // namespace sluice::connectors

#endif  // SLUICE_CONNECTORS_VERIFIABLE_VERIFIABLE_SINK_H_
