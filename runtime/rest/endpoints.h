// Endpoints: the REST API's handlers (design §8 rows 1–26 and the Sluice-only S1). Each handler
// checks the request, makes one HerderApi call and renders its value or error. Independent of
// Poco: it takes and returns HttpRequest/HttpResponse values, so it is testable on its own and
// the server glue stays small.
#pragma once

#include <chrono>
#include <string>

#include "runtime/rest/herder_api.h"
#include "runtime/rest/http_message.h"
#include "runtime/rest/readiness_probe.h"
#include "runtime/rest/router.h"

namespace sluice::rest {

struct EndpointOptions {
  std::string version;
  std::string commit;
  std::chrono::milliseconds health_timeout{10000};
};

class Endpoints {
 public:
  // `herder` is borrowed and must outlive this object.
  Endpoints(HerderApi* herder, EndpointOptions options);
  Endpoints(const Endpoints&) = delete;
  Endpoints& operator=(const Endpoints&) = delete;

  // Answers one request. Thread-safe (handlers share only the herder and the probe).
  HttpResponse handle(const HttpRequest& request) const;

 private:
  using Params = Router::Params;

  void add_routes();

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
  mutable ReadinessProbe probe_;
  Router router_;
};

}  // namespace sluice::rest
