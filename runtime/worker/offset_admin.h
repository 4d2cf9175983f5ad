// Offset administration of one connector (GET/PATCH/DELETE /connectors/{c}/offsets): source
// offsets through the worker's offset store (the offset file or the offsets topic), sink offsets
// as the consumer group "connect-<name>" through the admin client. Shared by both herders, which
// check the connector exists and is STOPPED before altering or resetting.
#pragma once

#include <string>
#include <vector>

#include "broker-lite/util/status.h"
#include "runtime/rest/herder_api.h"
#include "runtime/worker/worker_services.h"

namespace sluice::worker {

// `services` is borrowed for each call. `is_source` tells which kind of offsets the connector
// has.
Result<std::vector<rest::OffsetInfo>> list_connector_offsets(const WorkerServices& services,
                                                             const std::string& connector,
                                                             bool is_source);
// Stores every entry (a null offset removes a source partition's offset); the message of
// Kafka Connect's answer on success.
Result<std::string> alter_connector_offsets(const WorkerServices& services,
                                            const std::string& connector, bool is_source,
                                            const std::vector<rest::OffsetInfo>& offsets);
Result<std::string> reset_connector_offsets(const WorkerServices& services,
                                            const std::string& connector, bool is_source);
// kFailedPrecondition with Connect's message (HTTP 400 on the offsets endpoints).
Status offsets_need_stopped(const std::string& connector);

}  // namespace sluice::worker
