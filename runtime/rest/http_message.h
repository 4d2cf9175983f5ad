// The REST layer's own request/response values (independent of Poco, so endpoint code and its
// rules can be read without the server glue) and the mapping of a Status onto an HTTP status with
// the error body {"error_code": N, "message": "..."}.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "broker-lite/util/status.h"

namespace sluice::rest {

// A parsed request. `segments` are the path's segments, percent-decoded (a trailing empty
// segment from a final '/' is dropped); `query` holds decoded parameters in request order;
// `headers` the request headers in order with lower-cased names (values as sent); `body` is the
// raw body (already bounded by the size limit).
struct HttpRequest {
  std::string method;
  std::vector<std::string> segments;
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool has_body = false;  // a Content-Length or chunked body was sent (even an empty one)

  // The first value of header `name` (any case; `headers` must hold lower-cased names), if any.
  std::optional<std::string> header(std::string_view name) const;
  // The request target rebuilt from `segments` and `query`, percent-encoded
  // ("/connectors/a%2Fb/restart?includeTasks=true"), for sending the request on unchanged.
  std::string target() const;

  // Every value of query parameter `key`, in order.
  std::vector<std::string> query_values(const std::string& key) const;
  // The last value of `key`, if any.
  std::optional<std::string> query_value(const std::string& key) const;
};

// A response: a status, an optional JSON body and extra headers (Content-Type is added by the
// server when there is a body).
struct HttpResponse {
  int status = 200;
  std::optional<nlohmann::json> body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Which table a Status is mapped with (see herder_api.h).
enum class ErrorContext {
  kDefault,  // kFailedPrecondition → 409
  kOffsets,  // kFailedPrecondition → 400 (offsets change only when STOPPED)
};

// The HTTP status for a non-OK `code`.
int http_status_for(StatusCode code, ErrorContext context = ErrorContext::kDefault);

// {"error_code": status, "message": message} with `status`.
HttpResponse error_response(int status, std::string message);
// The error response for a non-OK `status`.
HttpResponse error_response(const Status& status, ErrorContext context = ErrorContext::kDefault);

// A response with `status` and the JSON `body`.
HttpResponse json_response(int status, nlohmann::json body);
// A response with `status` and no body (202, 204).
HttpResponse empty_response(int status);

}  // namespace sluice::rest
