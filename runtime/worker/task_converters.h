// Builds a task's key and value converters the way Kafka Connect chooses them: the connector's
// `key.converter` / `value.converter` (with its `key.converter.*` settings) when set, else the
// worker's (with the worker's settings). Built-in converters come from runtime/data; any other
// class must be a converter plugin.
#pragma once

#include <memory>

#include "broker-lite/util/status.h"
#include "runtime/config/worker_config.h"
#include "runtime/data/converter.h"
#include "runtime/plugin/host.h"
#include "runtime/worker/worker_services.h"

namespace sluice::worker {

struct TaskConverters {
  std::unique_ptr<data::Converter> key;
  std::unique_ptr<data::Converter> value;
};

// `registry` is borrowed and must outlive the converters (it is the task's schema registry);
// `task` names the task for converter plugins' host contexts.
Result<TaskConverters> make_task_converters(const WorkerServices& services,
                                            const config::Props& connector_config,
                                            data::SchemaRegistry* registry,
                                            const plugin::ContextIdentity& task);

// The class name a role ("key" or "value") resolves to for this connector.
std::string converter_class_for(const WorkerServices& services,
                                const config::Props& connector_config, std::string_view role);

}  // namespace sluice::worker
