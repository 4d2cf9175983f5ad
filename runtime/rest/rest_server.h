// RestServer: the worker's Kafka Connect–compatible REST API (docs/rest-api.md, design §8) on a
// Poco HTTPServer. It owns the listening socket and its handler threads and answers every request
// through a borrowed HerderApi (and, in a cluster, a borrowed ClusterRouting).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "broker-lite/util/status.h"
#include "runtime/rest/cluster_routing.h"
#include "runtime/rest/herder_api.h"

namespace sluice::rest {

struct RestServerOptions {
  // One listener URL, "http://HOST:PORT". An empty host ("http://:8083") binds every address.
  // Port 0 picks a free port (see port()). Only http is served.
  std::string listeners = "http://127.0.0.1:8083";
  // Request bodies larger than this are refused with 413.
  size_t max_body_bytes = 1 << 20;
  // Handler threads (each serves one request at a time).
  int threads = 8;
  // GET / answers these.
  std::string version = "0.1.0";
  std::string commit = "unknown";
  // GET /health answers 500 "unhealthy" when HerderApi::readiness() takes longer than this.
  std::chrono::milliseconds health_timeout{10000};
  // In a cluster: a request forwarded to another worker is given up after this.
  std::chrono::milliseconds forward_timeout{30000};
};

class RestServer {
 public:
  // `herder` and `cluster` are borrowed and must outlive this object (not just stop()).
  // `cluster` nullptr: a standalone worker (everything is served here). Otherwise writes go to
  // the leader and task restarts to the task's worker as `cluster` says (endpoints.h).
  RestServer(HerderApi* herder, RestServerOptions options, ClusterRouting* cluster = nullptr);
  // Stops (as stop()) and waits for handler threads still blocked in the herder.
  ~RestServer();
  RestServer(const RestServer&) = delete;
  RestServer& operator=(const RestServer&) = delete;

  // Binds the listener and starts serving. Errors name the listener, e.g.
  // "listeners: cannot bind 127.0.0.1:8083: Address already in use".
  Status start();
  // Stops accepting connections, lets requests in flight finish for up to 1 s, then closes the
  // remaining connections. Idempotent. Handlers still blocked in the herder after that finish
  // in the background (their answers are lost); the destructor waits for them.
  void stop();

  // "host:port" actually bound (port 0 replaced by the real port; an empty or wildcard host by
  // this machine's host name). Empty before start().
  std::string worker_id() const;
  // The bound port; 0 before start().
  uint16_t port() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::rest
