// ClusterRouting: what the REST layer needs from a distributed herder to serve a cluster
// (docs/design/distributed.md §2, §5): where a write must be served (here, forwarded to the
// leader or to the worker running a task, or refused with 409 while no leader is known), the
// session key that signs requests between workers, and the internal endpoint through which the
// worker running a connector hands its task configs to the leader. A standalone worker has no
// ClusterRouting (the REST layer is given nullptr and serves everything locally).
//
// Threading: every method is called from REST handler threads (several at once) and must not
// block on the herder's job queue for long; values returned are copies.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "broker-lite/util/status.h"

namespace sluice::rest {

// Where one request is to be served.
struct RouteDecision {
  enum class Kind {
    kHere,      // this worker serves it
    kForward,   // send it to `base_url` ("http://host:port") and relay the answer
    kConflict,  // answer 409 with `message` (e.g. a rebalance is in progress, no leader known)
  };
  Kind kind = Kind::kHere;
  std::string base_url;
  std::string message;
};

// The cluster's current session key (config topic `session-key` record, KIP-507's idea).
struct SessionKeyInfo {
  std::string key;        // raw key bytes
  std::string algorithm;  // the key generation algorithm, e.g. "HmacSHA256"
};

class ClusterRouting {
 public:
  virtual ~ClusterRouting() = default;

  // Where config writes (create, PUT/PATCH config, delete, pause/resume/stop, connector restart,
  // offsets changes, topic reset) are served: the leader.
  virtual RouteDecision route_to_leader() = 0;
  // Where a task restart is served: the worker that runs the task (kHere when it is this one or
  // nobody is known to run it, so the herder answers 404/409 itself).
  virtual RouteDecision route_to_task_owner(const std::string& connector, int task) = 0;
  // The key that signs requests to other workers and verifies requests from them; nullopt
  // before the leader has published one.
  virtual std::optional<SessionKeyInfo> session_key() = 0;
  // The signature algorithm this worker signs with (inter.worker.signature.algorithm) and the
  // ones it accepts (inter.worker.verification.algorithms).
  virtual std::string signature_algorithm() = 0;
  virtual std::vector<std::string> verification_algorithms() = 0;
  // Internal endpoint (POST /connectors/{c}/tasks, signature already verified): the worker
  // running connector `connector` reports its task configs; the leader stores them.
  // kFailedPrecondition (409) when this worker is not the leader, kNotFound for an unknown
  // connector.
  [[nodiscard]] virtual Status put_task_configs(
      const std::string& connector, std::vector<std::map<std::string, std::string>> configs) = 0;
};

}  // namespace sluice::rest
