// The REST API's handlers: request checks (names, bodies, query parameters), one herder call
// each, JSON rendering and error mapping.
#include "runtime/rest/endpoints.h"

#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "broker-lite/util/logging.h"
#include "runtime/rest/entities.h"
#include "runtime/rest/request_signature.h"

namespace sluice::rest {

using nlohmann::json;

namespace {

constexpr std::string_view kEndpointsLog = "rest";

// `ok_status` with the rendered value, or the error response.
template <typename T, typename Render>
HttpResponse render(const Result<T>& result, int ok_status, Render&& render_value,
                    ErrorContext context = ErrorContext::kDefault) {
  if (!result.is_ok()) return error_response(result.status(), context);
  return json_response(ok_status, render_value(result.value()));
}

// `ok_status` with no body, or the error response.
HttpResponse no_content(const Status& status, int ok_status,
                        ErrorContext context = ErrorContext::kDefault) {
  if (!status.is_ok()) return error_response(status, context);
  return empty_response(ok_status);
}

// The task number of a path segment; only non-negative decimal integers are task ids.
std::optional<int> parse_task_id(const std::string& text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  long long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value > std::numeric_limits<int>::max()) return std::nullopt;
  return static_cast<int>(value);
}

HttpResponse task_not_found(const std::string& connector, const std::string& task) {
  return error_response(404, "Task " + task + " of connector " + connector +
                                 " not found (task ids are non-negative integers)");
}

bool query_flag(const HttpRequest& request, const std::string& key, bool default_value) {
  std::optional<std::string> value = request.query_value(key);
  if (!value) return default_value;
  std::string lower = *value;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "true";
}

// The parsed JSON body; an absent or blank body is an error naming what was expected.
Result<json> required_body(const HttpRequest& request, std::string_view expected) {
  const bool blank = std::all_of(request.body.begin(), request.body.end(),
                                 [](unsigned char c) { return std::isspace(c) != 0; });
  if (blank)
    return Status::invalid_argument("Request body is empty; expected " + std::string(expected));
  return parse_json_body(request.body);
}

// Checks a body's "name" against the connector's name and sets it when absent.
Status put_config_name(std::map<std::string, std::string>& config, const std::string& name) {
  auto it = config.find("name");
  if (it == config.end()) {
    config.emplace("name", name);
    return Status::ok();
  }
  if (it->second != name) {
    return Status::invalid_argument("Connector name configuration (" + it->second +
                                    ") doesn't match connector name in the URL (" + name + ")");
  }
  return Status::ok();
}

std::string location_of(const std::string& name) {
  std::string encoded;
  Poco::URI::encode(name, "/?#[]@!$&'()*+,;=%", encoded);
  return "/connectors/" + encoded;
}

// A class name without a trailing "Connector" (when something is left).
std::string_view without_connector_suffix(std::string_view name) {
  constexpr std::string_view kSuffix = "Connector";
  if (name.size() > kSuffix.size() && name.substr(name.size() - kSuffix.size()) == kSuffix) {
    name.remove_suffix(kSuffix.size());
  }
  return name;
}

// Whether a body's connector.class names the plugin of the path: equal, or one is the other's
// last dotted component, either with or without a "Connector" suffix.
bool same_plugin(std::string_view included, std::string_view path_plugin) {
  const std::string_view a = without_connector_suffix(included);
  const std::string_view b = without_connector_suffix(path_plugin);
  auto dotted_suffix = [](std::string_view whole, std::string_view tail) {
    return whole.size() > tail.size() && whole.substr(whole.size() - tail.size()) == tail &&
           whole[whole.size() - tail.size() - 1] == '.';
  };
  return a == b || dotted_suffix(a, b) || dotted_suffix(b, a);
}

}  // namespace

Endpoints::Endpoints(HerderApi* herder, EndpointOptions options, ClusterRouting* cluster)
    : herder_(herder), options_(std::move(options)), cluster_(cluster), probe_(herder) {
  add_routes();
}

HttpResponse Endpoints::handle(const HttpRequest& request) const {
  return router_.dispatch(request);
}

void Endpoints::add_routes() {
  Router& r = router_;
  HerderApi* h = herder_;
  r.add("GET", "/", [this](const HttpRequest&, const Params&) { return server_info(); });
  r.add("GET", "/health", [this](const HttpRequest&, const Params&) { return health(); });
  r.add("GET", "/connectors",
        [this](const HttpRequest& req, const Params&) { return list_connectors(req); });
  r.add("POST", "/connectors",
        on_leader([this](const HttpRequest& req, const Params&) { return create_connector(req); }));
  r.add("GET", "/connectors/{c}", [h](const HttpRequest&, const Params& p) {
    return render(h->connector_info(p[0]), 200, [](const ConnectorInfo& i) { return to_json(i); });
  });
  r.add("DELETE", "/connectors/{c}", on_leader([h](const HttpRequest&, const Params& p) {
          return no_content(h->delete_connector(p[0]), 204);
        }));
  r.add("GET", "/connectors/{c}/config", [h](const HttpRequest&, const Params& p) {
    return render(h->connector_config(p[0]), 200,
                  [](const std::map<std::string, std::string>& c) { return json(c); });
  });
  r.add("PUT", "/connectors/{c}/config", on_leader([this](const HttpRequest& req, const Params& p) {
          return put_config(req, p[0]);
        }));
  r.add("PATCH", "/connectors/{c}/config",
        on_leader(
            [this](const HttpRequest& req, const Params& p) { return patch_config(req, p[0]); }));
  r.add("GET", "/connectors/{c}/status", [h](const HttpRequest&, const Params& p) {
    return render(h->connector_status(p[0]), 200,
                  [](const ConnectorStateInfo& s) { return to_json(s); });
  });
  r.add("GET", "/connectors/{c}/tasks", [h](const HttpRequest&, const Params& p) {
    return render(h->task_configs(p[0]), 200, [](const std::vector<TaskConfigInfo>& tasks) {
      json out = json::array();
      for (const TaskConfigInfo& t : tasks) out.push_back(to_json(t));
      return out;
    });
  });
  r.add("GET", "/connectors/{c}/tasks-config",
        [this](const HttpRequest&, const Params& p) { return tasks_config(p[0]); });
  r.add("GET", "/connectors/{c}/tasks/{n}/status", [h](const HttpRequest&, const Params& p) {
    std::optional<int> task = parse_task_id(p[1]);
    if (!task) return task_not_found(p[0], p[1]);
    return render(h->task_status(p[0], *task), 200,
                  [](const TaskStateInfo& s) { return to_json(s); });
  });
  r.add("POST", "/connectors/{c}/tasks/{n}/restart",
        on_task_owner([h](const HttpRequest&, const Params& p) {
          std::optional<int> task = parse_task_id(p[1]);
          if (!task) return task_not_found(p[0], p[1]);
          return no_content(h->restart_task(p[0], *task), 204);
        }));
  r.add("POST", "/connectors/{c}/restart",
        on_leader([this](const HttpRequest& req, const Params& p) {
          return restart_connector(req, p[0]);
        }));
  r.add("PUT", "/connectors/{c}/pause", on_leader([h](const HttpRequest&, const Params& p) {
          return no_content(h->pause_connector(p[0]), 202);
        }));
  r.add("PUT", "/connectors/{c}/resume", on_leader([h](const HttpRequest&, const Params& p) {
          return no_content(h->resume_connector(p[0]), 202);
        }));
  r.add("PUT", "/connectors/{c}/stop", on_leader([h](const HttpRequest&, const Params& p) {
          return no_content(h->stop_connector(p[0]), 204);
        }));
  r.add("GET", "/connectors/{c}/topics",
        [this](const HttpRequest&, const Params& p) { return active_topics(p[0]); });
  r.add("PUT", "/connectors/{c}/topics/reset", on_leader([h](const HttpRequest&, const Params& p) {
          return no_content(h->reset_active_topics(p[0]), 202);
        }));
  r.add("GET", "/connectors/{c}/offsets", [h](const HttpRequest&, const Params& p) {
    return render(
        h->connector_offsets(p[0]), 200,
        [](const std::vector<OffsetInfo>& offsets) { return to_json(offsets); },
        ErrorContext::kOffsets);
  });
  r.add("PATCH", "/connectors/{c}/offsets",
        on_leader(
            [this](const HttpRequest& req, const Params& p) { return alter_offsets(req, p[0]); }));
  r.add("DELETE", "/connectors/{c}/offsets", on_leader([h](const HttpRequest&, const Params& p) {
          return render(
              h->reset_connector_offsets(p[0]), 200,
              [](const std::string& message) {
                return json{{"message", message}};
              },
              ErrorContext::kOffsets);
        }));
  if (cluster_ != nullptr) {
    // Internal (worker to leader), signed; not served by a standalone worker.
    r.add("POST", "/connectors/{c}/tasks",
          [this](const HttpRequest& req, const Params& p) { return put_task_configs(req, p[0]); });
  }
  r.add("GET", "/connector-plugins",
        [this](const HttpRequest& req, const Params&) { return connector_plugins(req); });
  r.add("GET", "/connector-plugins/{p}/config", [h](const HttpRequest&, const Params& p) {
    return render(h->plugin_config_definitions(p[0]), 200, [](const json& defs) { return defs; });
  });
  r.add("PUT", "/connector-plugins/{p}/config/validate",
        [this](const HttpRequest& req, const Params& p) { return validate_config(req, p[0]); });
  r.add("GET", "/sluice/v1/plugins/refused", [h](const HttpRequest&, const Params&) {
    json out = json::array();
    for (const RefusedPluginInfo& refused : h->refused_plugins()) out.push_back(to_json(refused));
    return json_response(200, std::move(out));
  });
}

Router::Handler Endpoints::on_leader(Router::Handler local) const {
  if (cluster_ == nullptr) return local;
  return [this, local = std::move(local)](const HttpRequest& req, const Params& p) {
    if (req.header(kForwardedHeader)) return local(req, p);
    return routed(req, p, cluster_->route_to_leader(), "the leader", local);
  };
}

Router::Handler Endpoints::on_task_owner(Router::Handler local) const {
  if (cluster_ == nullptr) return local;
  return [this, local = std::move(local)](const HttpRequest& req, const Params& p) {
    const std::optional<int> task = parse_task_id(p[1]);
    if (req.header(kForwardedHeader) || !task) return local(req, p);
    return routed(req, p, cluster_->route_to_task_owner(p[0], *task),
                  "the worker running task " + p[0] + "-" + p[1], local);
  };
}

HttpResponse Endpoints::routed(const HttpRequest& request, const Params& params,
                               const RouteDecision& decision, const std::string& target_role,
                               const Router::Handler& local) const {
  switch (decision.kind) {
    case RouteDecision::Kind::kHere:
      break;
    case RouteDecision::Kind::kConflict:
      return error_response(409, decision.message.empty()
                                     ? "Cannot complete the request: no leader is known (a "
                                       "rebalance is probably in progress); retry shortly"
                                     : decision.message);
    case RouteDecision::Kind::kForward:
      return forward(request, decision.base_url, target_role);
  }
  return local(request, params);
}

HttpResponse Endpoints::forward(const HttpRequest& request, const std::string& base_url,
                                const std::string& target_role) const {
  HeaderList signature;
  if (std::optional<SessionKeyInfo> key = cluster_->session_key(); key && !key->key.empty()) {
    Result<HeaderList> signed_headers =
        sign_request(key->key, cluster_->signature_algorithm(), request.body);
    if (!signed_headers.is_ok()) {
      return error_response(500, "Cannot sign the request for " + target_role + " at " + base_url +
                                     ": " + std::string(signed_headers.status().message()));
    }
    signature = std::move(signed_headers).value();
  }
  Result<HttpResponse> answer =
      client_.forward(base_url, request, signature, options_.forward_timeout);
  std::string path = request.target();  // logged without the query, like every request
  path.erase(std::min(path.find('?'), path.size()));
  if (answer.is_ok()) {
    SLUICE_LOG(kDebug, kEndpointsLog,
               request.method + " " + path + " forwarded to " + target_role + " at " + base_url +
                   ": " + std::to_string(answer->status));
    return std::move(answer).value();
  }
  const std::string why(answer.status().message());
  SLUICE_LOG(kWarn, kEndpointsLog,
             "could not forward " + request.method + " " + path + " to " + target_role + " at " +
                 base_url + ": " + why);
  if (answer.status().code() == StatusCode::kUnavailable) {
    return error_response(409, "Cannot complete the request: forwarding it to " + target_role +
                                   " at " + base_url + " failed (" + why +
                                   "); a rebalance may be in progress, retry shortly");
  }
  return error_response(
      500, "Forwarding the request to " + target_role + " at " + base_url + " failed: " + why);
}

HttpResponse Endpoints::put_task_configs(const HttpRequest& request,
                                         const std::string& name) const {
  std::optional<SessionKeyInfo> key = cluster_->session_key();
  Status verified = verify_request(request, key ? std::string_view(key->key) : std::string_view(),
                                   cluster_->verification_algorithms());
  if (!verified.is_ok()) {
    return error_response(
        403, "Task configs for connector " + name + ": " + std::string(verified.message()));
  }
  Result<json> body = required_body(request, "a JSON array of task configurations");
  if (!body.is_ok()) return error_response(body.status());
  if (!body->is_array()) {
    return error_response(
        400, "Task configs for connector " + name + " must be a JSON array of objects");
  }
  std::vector<std::map<std::string, std::string>> configs;
  for (size_t i = 0; i < body->size(); ++i) {
    const json& task = (*body)[i];
    if (!task.is_object()) {
      return error_response(400, "Task config " + std::to_string(i) + " of connector " + name +
                                     " is not a JSON object");
    }
    std::map<std::string, std::string> config;
    for (const auto& [key_name, value] : task.items()) {
      if (!value.is_string()) {
        return error_response(400, "Task config " + std::to_string(i) + " of connector " + name +
                                       ": value of '" + key_name + "' is not a string");
      }
      config.emplace(key_name, value.get<std::string>());
    }
    configs.push_back(std::move(config));
  }
  return no_content(cluster_->put_task_configs(name, std::move(configs)), 204);
}

HttpResponse Endpoints::server_info() const {
  return json_response(200, {{"version", options_.version},
                             {"commit", options_.commit},
                             {"kafka_cluster_id", herder_->kafka_cluster_id()}});
}

HttpResponse Endpoints::health() const {
  std::optional<Readiness> readiness = probe_.check(options_.health_timeout);
  if (!readiness) {
    return json_response(
        500, {{"status", "unhealthy"},
              {"message", "Worker did not answer the health check within " +
                              std::to_string(options_.health_timeout.count()) + " ms"}});
  }
  switch (*readiness) {
    case Readiness::kReady:
      return json_response(
          200, {{"status", "healthy"}, {"message", "Worker has started and serves requests"}});
    case Readiness::kStarting:
      return json_response(503, {{"status", "starting"}, {"message", "Worker is still starting"}});
    case Readiness::kShuttingDown:
      break;
  }
  return json_response(503, {{"status", "unhealthy"}, {"message", "Worker is shutting down"}});
}

HttpResponse Endpoints::list_connectors(const HttpRequest& request) const {
  std::vector<std::string> names = herder_->connector_names();
  std::vector<std::string> expand = request.query_values("expand");
  if (expand.empty()) return json_response(200, json(names));
  const bool with_status = std::find(expand.begin(), expand.end(), "status") != expand.end();
  const bool with_info = std::find(expand.begin(), expand.end(), "info") != expand.end();
  json out = json::object();
  for (const std::string& name : names) {
    json entry = json::object();
    if (with_status) {
      Result<ConnectorStateInfo> status = herder_->connector_status(name);
      if (!status.is_ok()) continue;  // deleted meanwhile
      entry["status"] = to_json(status.value());
    }
    if (with_info) {
      Result<ConnectorInfo> info = herder_->connector_info(name);
      if (!info.is_ok()) continue;
      entry["info"] = to_json(info.value());
    }
    out[name] = std::move(entry);
  }
  return json_response(200, std::move(out));
}

HttpResponse Endpoints::create_connector(const HttpRequest& request) const {
  Result<json> body = required_body(request, "{\"name\": ..., \"config\": {...}}");
  if (!body.is_ok()) return error_response(body.status());
  if (!body->is_object()) return error_response(400, "Request body must be a JSON object");
  auto name_field = body->find("name");
  if (name_field == body->end() || name_field->is_null()) {
    return error_response(400, "Connector name must be given in the request body's \"name\"");
  }
  if (!name_field->is_string()) return error_response(400, "\"name\" must be a string");
  Result<std::string> name = checked_connector_name(name_field->get<std::string>());
  if (!name.is_ok()) return error_response(name.status());
  auto config_field = body->find("config");
  if (config_field == body->end() || config_field->is_null()) {
    return error_response(400, "Request body has no \"config\" for connector " + *name);
  }
  Result<std::map<std::string, std::string>> config =
      config_from_json(*config_field, "connector configuration");
  if (!config.is_ok()) return error_response(config.status());
  Status named = put_config_name(config.value(), name.value());
  if (!named.is_ok()) return error_response(named);
  std::optional<std::string> initial_state;
  auto state_field = body->find("initial_state");
  if (state_field != body->end() && !state_field->is_null()) {
    std::string state = state_field->is_string() ? state_field->get<std::string>() : "";
    std::transform(state.begin(), state.end(), state.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (state != "RUNNING" && state != "PAUSED" && state != "STOPPED") {
      return error_response(
          400, "initial_state " + state_field->dump() + " is not one of RUNNING, PAUSED, STOPPED");
    }
    initial_state = std::move(state);
  }
  Result<ConnectorInfo> created =
      herder_->create_connector(name.value(), std::move(config).value(), initial_state);
  if (!created.is_ok()) return error_response(created.status());
  HttpResponse response = json_response(201, to_json(created.value()));
  response.headers.emplace_back("Location", location_of(created->name));
  return response;
}

HttpResponse Endpoints::put_config(const HttpRequest& request, const std::string& url_name) const {
  Result<std::string> name = checked_connector_name(url_name);
  if (!name.is_ok()) return error_response(name.status());
  Result<json> body = required_body(request, "a JSON object of connector configuration");
  if (!body.is_ok()) return error_response(body.status());
  Result<std::map<std::string, std::string>> config =
      config_from_json(body.value(), "connector configuration");
  if (!config.is_ok()) return error_response(config.status());
  Status named = put_config_name(config.value(), name.value());
  if (!named.is_ok()) return error_response(named);
  Result<HerderApi::PutResult> put =
      herder_->put_connector_config(name.value(), std::move(config).value());
  if (!put.is_ok()) return error_response(put.status());
  HttpResponse response = json_response(put->created ? 201 : 200, to_json(put->info));
  if (put->created) response.headers.emplace_back("Location", location_of(put->info.name));
  return response;
}

HttpResponse Endpoints::patch_config(const HttpRequest& request, const std::string& name) const {
  Result<json> body = required_body(request, "a JSON object of configuration changes");
  if (!body.is_ok()) return error_response(body.status());
  Result<std::map<std::string, std::optional<std::string>>> patch =
      config_patch_from_json(body.value());
  if (!patch.is_ok()) return error_response(patch.status());
  auto named = patch->find("name");
  if (named != patch->end() && named->second != name) {
    return error_response(400, "Connector name configuration (" + named->second.value_or("null") +
                                   ") doesn't match connector name in the URL (" + name + ")");
  }
  return render(herder_->patch_connector_config(name, std::move(patch).value()), 200,
                [](const ConnectorInfo& info) { return to_json(info); });
}

HttpResponse Endpoints::tasks_config(const std::string& name) const {
  SLUICE_LOG(kWarn, kEndpointsLog,
             "GET /connectors/" + name + "/tasks-config is deprecated; use GET /connectors/" +
                 name + "/tasks");
  return render(herder_->task_configs(name), 200, [](const std::vector<TaskConfigInfo>& tasks) {
    json out = json::object();
    for (const TaskConfigInfo& t : tasks) {
      out[t.id.connector + "-" + std::to_string(t.id.task)] = t.config;
    }
    return out;
  });
}

HttpResponse Endpoints::restart_connector(const HttpRequest& request,
                                          const std::string& name) const {
  RestartRequest restart;
  restart.include_tasks = query_flag(request, "includeTasks", false);
  restart.only_failed = query_flag(request, "onlyFailed", false);
  Result<std::optional<ConnectorStateInfo>> result = herder_->restart_connector(name, restart);
  if (!result.is_ok()) return error_response(result.status());
  if (!result->has_value()) return empty_response(204);
  return json_response(202, to_json(**result));
}

HttpResponse Endpoints::active_topics(const std::string& name) const {
  return render(herder_->active_topics(name), 200, [&](const std::vector<std::string>& topics) {
    return json{{name, {{"topics", topics}}}};
  });
}

HttpResponse Endpoints::alter_offsets(const HttpRequest& request, const std::string& name) const {
  Result<json> body = required_body(request, "{\"offsets\": [...]}");
  if (!body.is_ok()) return error_response(body.status());
  Result<std::vector<OffsetInfo>> offsets = offsets_from_json(body.value());
  if (!offsets.is_ok()) return error_response(offsets.status());
  return render(
      herder_->alter_connector_offsets(name, std::move(offsets).value()), 200,
      [](const std::string& message) {
        return json{{"message", message}};
      },
      ErrorContext::kOffsets);
}

HttpResponse Endpoints::connector_plugins(const HttpRequest& request) const {
  json out = json::array();
  for (const PluginListing& plugin :
       herder_->connector_plugins(query_flag(request, "connectorsOnly", true))) {
    out.push_back(to_json(plugin));
  }
  return json_response(200, std::move(out));
}

HttpResponse Endpoints::validate_config(const HttpRequest& request,
                                        const std::string& plugin) const {
  Result<json> body = required_body(request, "a JSON object of connector configuration");
  if (!body.is_ok()) return error_response(body.status());
  Result<std::map<std::string, std::string>> config =
      config_from_json(body.value(), "connector configuration");
  if (!config.is_ok()) return error_response(config.status());
  auto included = config->find("connector.class");
  if (included == config->end()) {
    config->emplace("connector.class", plugin);
  } else if (!same_plugin(included->second, plugin)) {
    return error_response(400, "Included connector type " + included->second +
                                   " does not match request type " + plugin);
  }
  return render(herder_->validate_connector_config(plugin, std::move(config).value()), 200,
                [](const json& infos) { return infos; });
}

}  // namespace sluice::rest
