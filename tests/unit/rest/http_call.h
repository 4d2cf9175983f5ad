// One HTTP request to a REST server on 127.0.0.1 with Poco's client, for the REST tests: the
// answer's status, headers (last value of each) and body.
#pragma once

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace sluice::rest::testing {

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // last value of each header
  std::string body;
  nlohmann::json parsed() const { return nlohmann::json::parse(body); }
  // The "message" of an error body ("" when there is none).
  std::string message() const {
    const nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
    return json.is_object() && json.contains("message") && json["message"].is_string()
               ? json["message"].get<std::string>()
               : "";
  }
};

// Sends `method` `target` to 127.0.0.1:`port` with `headers` and, when set, the JSON `body`
// (20 s timeout).
inline Reply http_call(uint16_t port, const std::string& method, const std::string& target,
                       const std::optional<std::string>& body = std::nullopt,
                       const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(20, 0));
  Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [name, value] : headers) request.add(name, value);
  if (body) {
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body->size()));
  }
  std::ostream& out = session.sendRequest(request);
  if (body) out << *body;
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  Reply reply;
  reply.status = response.getStatus();
  for (const auto& [name, value] : response) reply.headers[name] = value;
  Poco::StreamCopier::copyToString(in, reply.body);
  return reply;
}

}  // namespace sluice::rest::testing
