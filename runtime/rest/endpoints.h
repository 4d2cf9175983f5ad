// Endpoints: the REST API's handlers (design §8 rows 1–26 and the Sluice-only S1). Each handler
// checks the request, makes one HerderApi call and renders its value or error. Independent of
// Poco: it takes and returns HttpRequest/HttpResponse values, so it is testable on its own and
// the server glue stays small. In a cluster (a ClusterRouting is given) writes are served on the
// leader and task restarts on the task's worker: forwarded there with WorkerClient, or refused
// with 409 while no leader is known; the internal, signed POST /connectors/{c}/tasks takes task
// configs from other workers (docs/rest-api.md "In a cluster").
#pragma once

#include <chrono>
#include <string>

#include "runtime/rest/cluster_routing.h"
#include "runtime/rest/herder_api.h"
#include "runtime/rest/http_message.h"
#include "runtime/rest/readiness_probe.h"
#include "runtime/rest/router.h"
#include "runtime/rest/worker_client.h"

namespace sluice::rest {

struct EndpointOptions {
  std::string version;
  std::string commit;
  std::chrono::milliseconds health_timeout{10000};
  // A request forwarded to another worker is given up after this (WorkerClient::forward).
  std::chrono::milliseconds forward_timeout{30000};
};

class Endpoints {
 public:
  // `herder` and `cluster` are borrowed and must outlive this object. `cluster` nullptr: a
  // standalone worker, every request is served here and there is no internal endpoint.
  Endpoints(HerderApi* herder, EndpointOptions options, ClusterRouting* cluster = nullptr);
  Endpoints(const Endpoints&) = delete;
  Endpoints& operator=(const Endpoints&) = delete;

  // Answers one request. Thread-safe (handlers share only the herder and the probe).
  HttpResponse handle(const HttpRequest& request) const;

 private:
  using Params = Router::Params;

  void add_routes();

  // `local` when standalone; otherwise a handler that serves the request where `cluster_` says:
  // on the leader (writes) or on the worker running the task of params {c, n} (task restart).
  // A request forwarded by another worker is always served here.
  Router::Handler on_leader(Router::Handler local) const;
  Router::Handler on_task_owner(Router::Handler local) const;
  HttpResponse routed(const HttpRequest& request, const Params& params,
                      const RouteDecision& decision, const std::string& target_role,
                      const Router::Handler& local) const;
  HttpResponse forward(const HttpRequest& request, const std::string& base_url,
                       const std::string& target_role) const;
  // Internal POST /connectors/{c}/tasks: signature check, body check, ClusterRouting call.
  HttpResponse put_task_configs(const HttpRequest& request, const std::string& name) const;

  HttpResponse server_info() const;
  HttpResponse health() const;
  HttpResponse list_connectors(const HttpRequest& request) const;
  HttpResponse create_connector(const HttpRequest& request) const;
  HttpResponse put_config(const HttpRequest& request, const std::string& url_name) const;
  HttpResponse patch_config(const HttpRequest& request, const std::string& name) const;
  HttpResponse tasks_config(const std::string& name) const;
  HttpResponse restart_connector(const HttpRequest& request, const std::string& name) const;
  HttpResponse active_topics(const std::string& name) const;
  HttpResponse alter_offsets(const HttpRequest& request, const std::string& name) const;
  HttpResponse connector_plugins(const HttpRequest& request) const;
  HttpResponse validate_config(const HttpRequest& request, const std::string& plugin) const;

  HerderApi* herder_;
  EndpointOptions options_;
  ClusterRouting* cluster_;
  WorkerClient client_;
  mutable ReadinessProbe probe_;
  Router router_;
};

}  // namespace sluice::rest
