// HerderApi: everything the REST layer needs from the worker, as an abstract interface that the
// worker's Herder implements (runtime/worker) and the REST tests fake. The REST layer parses and
// validates HTTP input, calls exactly one method here per request, and renders the value or maps
// the Status onto an HTTP code. It never calls a plugin itself.
//
// Threading: every method is called from a REST handler thread (several at once) and may block
// while the herder serializes the work on its own thread. Results are values; nothing returned
// borrows herder state. The herder applies its own request deadline (design §2: 90 s, then an
// error with code kInternal and the message "Request timed out"); the REST layer adds no deadline
// except for readiness() (see there).
//
// How a Status becomes an HTTP status (rest/http_status.h holds the table):
//   kInvalidArgument    → 400   bad input (bad value, unknown class, invalid config with all the
//                               validation errors in the message, malformed offsets entry, ...)
//   kNotFound           → 404   "Connector <c> not found", "Task <c>-<n> not found", unknown plugin
//   kAlreadyExists      → 409   "Connector <c> already exists"
//   kFailedPrecondition → 409, except on the offsets endpoints (GET/PATCH/DELETE
//                               /connectors/{c}/offsets), where it is 400: the herder returns
//                               kFailedPrecondition "Connectors must be in the STOPPED state before
//                               their offsets can be modified" and the endpoint makes it 400.
//   kUnsupported        → 403   the feature is switched off: topic tracking or topic reset disabled
//                               ("Topic tracking is disabled.", "Topic tracking reset is
//                               disabled.")
//   kUnavailable        → 503   the worker cannot serve the request right now (starting)
//   anything else       → 500   e.g. kInternal "Request timed out", "worker is shutting down"
// Every error body is {"error_code": <HTTP status>, "message": <Status message>}; the message is
// sent as the herder wrote it, so it must name its subject and must not contain secrets.
//
// Secrets: the REST layer renders configs exactly as returned. The herder hides sensitive values
// ("[hidden]", ${...} placeholders left unresolved) in every config it returns.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "broker-lite/util/status.h"

namespace sluice::rest {

// A task: connector name and task number (JSON {"connector": c, "task": n}).
struct TaskId {
  std::string connector;
  int task = 0;
};

// One runtime state: "UNASSIGNED", "RUNNING", "PAUSED", "STOPPED", "FAILED" or "RESTARTING";
// `worker_id` is the REST listener's host:port; `trace` only for FAILED.
struct StateInfo {
  std::string state;
  std::string worker_id;
  std::optional<std::string> trace;
};

// A task's state (JSON {"id": n, "state", "worker_id"[, "trace"]}).
struct TaskStateInfo {
  int id = 0;
  StateInfo state;
};

// GET /connectors/{c}/status.
struct ConnectorStateInfo {
  std::string name;
  StateInfo connector;
  std::vector<TaskStateInfo> tasks;
  std::string type;  // "source" | "sink" | "unknown"
};

// GET /connectors/{c}; also the answer to create and config changes. `config` is redacted.
struct ConnectorInfo {
  std::string name;
  std::map<std::string, std::string> config;
  std::vector<TaskId> tasks;
  std::string type;  // "source" | "sink" | "unknown"
};

// One entry of GET /connectors/{c}/tasks. `config` is redacted.
struct TaskConfigInfo {
  TaskId id;
  std::map<std::string, std::string> config;
};

// One offsets entry: `partition` is a JSON object; `offset` a JSON object, or null in an alter
// request to reset that one partition. Sink connectors use {"kafka_topic","kafka_partition"} →
// {"kafka_offset"}.
struct OffsetInfo {
  nlohmann::json partition;
  nlohmann::json offset;
};

// One entry of GET /connector-plugins.
struct PluginListing {
  std::string class_name;  // JSON "class"
  std::string type;  // source | sink | converter | header_converter | transformation | predicate
  std::string version;
};

// One plugin file the loader refused (Sluice-only GET /sluice/v1/plugins/refused).
struct RefusedPluginInfo {
  std::string file;
  std::string reason;
};

// POST /connectors/{c}/restart query parameters.
struct RestartRequest {
  bool include_tasks = false;
  bool only_failed = false;
};

// GET /health: kStarting → 503 "starting", kReady → 200 "healthy", kShuttingDown → 503.
enum class Readiness { kStarting, kReady, kShuttingDown };

class HerderApi {
 public:
  virtual ~HerderApi() = default;

  // Whether the worker serves requests. The REST layer calls this on a separate probe thread and
  // answers 500 "unhealthy" when it has not returned within RestServerOptions::health_timeout
  // (10 s); at most one probe is outstanding, later /health requests wait on the same one. A
  // herder may answer from an atomic, or by a round trip through its queue (which proves it live).
  virtual Readiness readiness() = 0;
  // The Kafka cluster id for GET / (empty when unknown).
  virtual std::string kafka_cluster_id() = 0;

  // Connector names, sorted.
  virtual std::vector<std::string> connector_names() = 0;
  // POST /connectors. `name` is trimmed and checked (non-empty, no ISO control characters);
  // `config` holds "name" equal to `name`; `initial_state` is RUNNING, PAUSED or STOPPED.
  virtual Result<ConnectorInfo> create_connector(const std::string& name,
                                                 std::map<std::string, std::string> config,
                                                 std::optional<std::string> initial_state) = 0;
  virtual Result<ConnectorInfo> connector_info(const std::string& name) = 0;
  virtual Result<std::map<std::string, std::string>> connector_config(const std::string& name) = 0;

  struct PutResult {
    ConnectorInfo info;
    bool created = false;  // true → 201 + Location, false → 200
  };
  // PUT /connectors/{c}/config: create or replace. `config` holds "name" equal to `name`.
  virtual Result<PutResult> put_connector_config(const std::string& name,
                                                 std::map<std::string, std::string> config) = 0;
  // PATCH /connectors/{c}/config: a value sets a key, nullopt removes it. The REST layer rejects a
  // patch whose "name" differs from `name`.
  virtual Result<ConnectorInfo> patch_connector_config(
      const std::string& name, std::map<std::string, std::optional<std::string>> patch) = 0;

  virtual Result<ConnectorStateInfo> connector_status(const std::string& name) = 0;
  virtual Result<std::vector<TaskConfigInfo>> task_configs(const std::string& name) = 0;
  // kNotFound for an unknown connector and for an unknown task of a known one.
  virtual Result<TaskStateInfo> task_status(const std::string& name, int task) = 0;
  virtual Status restart_task(const std::string& name, int task) = 0;
  // nullopt → 204 (only the connector restarted); a value → 202 with that status body, the
  // instances being restarted shown RESTARTING.
  virtual Result<std::optional<ConnectorStateInfo>> restart_connector(const std::string& name,
                                                                      RestartRequest req) = 0;
  virtual Status pause_connector(const std::string& name) = 0;   // 202
  virtual Status resume_connector(const std::string& name) = 0;  // 202
  virtual Status stop_connector(const std::string& name) = 0;    // 204
  virtual Status delete_connector(const std::string& name) = 0;  // 204

  // kUnsupported when topic tracking (or, for reset, topic reset) is disabled → 403.
  virtual Result<std::vector<std::string>> active_topics(const std::string& name) = 0;
  virtual Status reset_active_topics(const std::string& name) = 0;  // 202

  virtual Result<std::vector<OffsetInfo>> connector_offsets(const std::string& name) = 0;
  // PATCH /connectors/{c}/offsets. `offsets` is non-empty and each entry has an object
  // `partition` and an object-or-null `offset` (checked by the REST layer). Returns the message
  // for {"message": ...}. kFailedPrecondition (not STOPPED) → 400 here.
  virtual Result<std::string> alter_connector_offsets(const std::string& name,
                                                      std::vector<OffsetInfo> offsets) = 0;
  // DELETE /connectors/{c}/offsets. Returns the message. kFailedPrecondition → 400 here.
  virtual Result<std::string> reset_connector_offsets(const std::string& name) = 0;

  // GET /connector-plugins; connectors_only=false adds converters, header converters,
  // transformations and predicates.
  virtual std::vector<PluginListing> connector_plugins(bool connectors_only) = 0;
  // A JSON array of ConfigKeyInfo objects; kNotFound for an unknown class or alias.
  virtual Result<nlohmann::json> plugin_config_definitions(const std::string& plugin) = 0;
  // A ConfigInfos object; validation errors are inside it (200). kNotFound for an unknown plugin.
  // `plugin` is the path's class or alias; `config` has "connector.class" (the body's, already
  // checked to match `plugin`, or `plugin` when the body had none).
  virtual Result<nlohmann::json> validate_connector_config(
      const std::string& plugin, std::map<std::string, std::string> config) = 0;

  // Sluice-only: plugin files the loader refused.
  virtual std::vector<RefusedPluginInfo> refused_plugins() = 0;
};

}  // namespace sluice::rest
