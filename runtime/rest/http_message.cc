// Request helpers and the Status → HTTP status table (the rules are in herder_api.h).
#include "runtime/rest/http_message.h"

#include <cctype>

namespace sluice::rest {

namespace {

// Appends `text` with every byte outside RFC 3986's unreserved set percent-encoded.
void append_encoded(std::string_view text, std::string& out) {
  constexpr char kHex[] = "0123456789ABCDEF";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0F]);
    }
  }
}

}  // namespace

std::optional<std::string> HttpRequest::header(std::string_view name) const {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [key, value] : headers) {
    if (key == lower) return value;
  }
  return std::nullopt;
}

std::string HttpRequest::target() const {
  std::string out;
  for (const std::string& segment : segments) {
    out.push_back('/');
    append_encoded(segment, out);
  }
  if (out.empty()) out = "/";
  char separator = '?';
  for (const auto& [key, value] : query) {
    out.push_back(separator);
    separator = '&';
    append_encoded(key, out);
    out.push_back('=');
    append_encoded(value, out);
  }
  return out;
}

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
