// Route table lookup: the best-matching pattern (most fixed segments) wins.
#include "runtime/rest/router.h"

#include <utility>

namespace sluice::rest {

namespace {

std::vector<std::string> split_pattern(std::string_view pattern) {
  std::vector<std::string> parts;
  size_t pos = 1;  // patterns start with '/'
  while (pos <= pattern.size()) {
    size_t next = pattern.find('/', pos);
    if (next == std::string_view::npos) next = pattern.size();
    if (next > pos) parts.emplace_back(pattern.substr(pos, next - pos));
    pos = next + 1;
  }
  return parts;
}

bool is_parameter(const std::string& part) {
  return part.size() >= 2 && part.front() == '{' && part.back() == '}';
}

}  // namespace

void Router::add(std::string_view method, std::string_view pattern, Handler handler) {
  std::vector<std::string> parts = split_pattern(pattern);
  for (Route& route : routes_) {
    if (route.pattern == parts) {
      route.handlers[std::string(method)] = std::move(handler);
      return;
    }
  }
  Route route{std::move(parts), {}};
  route.handlers[std::string(method)] = std::move(handler);
  routes_.push_back(std::move(route));
}

bool Router::matches(const Route& route, const std::vector<std::string>& segments, Params& params,
                     int& score) {
  if (route.pattern.size() != segments.size()) return false;
  params.clear();
  score = 0;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (is_parameter(route.pattern[i])) {
      params.push_back(segments[i]);
    } else if (route.pattern[i] == segments[i]) {
      ++score;
    } else {
      return false;
    }
  }
  return true;
}

HttpResponse Router::dispatch(const HttpRequest& request) const {
  const Route* best = nullptr;
  Params best_params;
  int best_score = -1;
  Params params;
  int score = 0;
  for (const Route& route : routes_) {
    if (matches(route, request.segments, params, score) && score > best_score) {
      best = &route;
      best_params = params;
      best_score = score;
    }
  }
  if (best == nullptr) return error_response(404, "HTTP 404 Not Found");
  auto handler = best->handlers.find(request.method);
  if (handler == best->handlers.end()) {
    HttpResponse response = error_response(405, "HTTP 405 Method Not Allowed");
    std::string allow;
    for (const auto& [method, unused] : best->handlers) {
      if (!allow.empty()) allow += ", ";
      allow += method;
    }
    response.headers.emplace_back("Allow", allow);
    return response;
  }
  return handler->second(request, best_params);
}

}  // namespace sluice::rest
