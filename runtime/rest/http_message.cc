// Request helpers and the Status → HTTP status table (the rules are in herder_api.h).
#include "runtime/rest/http_message.h"

namespace sluice::rest {

std::vector<std::string> HttpRequest::query_values(const std::string& key) const {
  std::vector<std::string> values;
  for (const auto& [k, v] : query) {
    if (k == key) values.push_back(v);
  }
  return values;
}

std::optional<std::string> HttpRequest::query_value(const std::string& key) const {
  std::optional<std::string> value;
  for (const auto& [k, v] : query) {
    if (k == key) value = v;
  }
  return value;
}

int http_status_for(StatusCode code, ErrorContext context) {
  switch (code) {
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kFailedPrecondition:
      return context == ErrorContext::kOffsets ? 400 : 409;
    case StatusCode::kUnsupported:
      return 403;
    case StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

HttpResponse error_response(int status, std::string message) {
  HttpResponse response;
  response.status = status;
  response.body = nlohmann::json{{"error_code", status}, {"message", std::move(message)}};
  return response;
}

HttpResponse error_response(const Status& status, ErrorContext context) {
  return error_response(http_status_for(status.code(), context), std::string(status.message()));
}

HttpResponse json_response(int status, nlohmann::json body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

HttpResponse empty_response(int status) {
  HttpResponse response;
  response.status = status;
  return response;
}

}  // namespace sluice::rest
