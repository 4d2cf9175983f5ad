// Small helpers shared by the request handlers.
#pragma once

#include <string>
#include <string_view>

#include "broker-lite/server/request.h"
#include "broker-lite/util/logging.h"

namespace sluice::broker {

// Decodes the request body into `message`. A body that does not decode closes the connection
// (with the reason logged) and returns false: the caller then returns without replying.
//
// Bytes left after a decoded body are ignored, as Apache Kafka ignores them: librdkafka 2.0.x
// leaves some in OffsetFetch v6/v7 without partitions (it writes Topics as an unfinished 4-byte
// array count, which reads as a null compact array followed by three more bytes) and in
// ListGroups v4 (one byte).
template <typename Message>
bool decode_or_close(const RequestPtr& request, Message& message) {
  kafka::WireReader reader(request->body);
  Status s = message.decode(reader, request->version());
  if (s.is_ok() && reader.remaining() != 0) {
    SLUICE_LOG(
        kDebug, "request",
        "ignoring " + std::to_string(reader.remaining()) + " bytes after the body of api key " +
            std::to_string(request->header.request_api_key) + " v" +
            std::to_string(request->version()) + " from client '" + request->client_id() + "'");
  }
  if (!s) {
    SLUICE_LOG(kWarn, "request",
               "malformed request from client '" + request->client_id() + "' (" +
                   request->client_host + "), api key " +
                   std::to_string(request->header.request_api_key) + " v" +
                   std::to_string(request->version()) + ": " + std::string(s.message()));
    request->close_connection();
    return false;
  }
  return true;
}

// A Status as an error message for a response (nullopt when OK).
inline std::optional<std::string> error_message(const Status& s) {
  if (s.is_ok()) return std::nullopt;
  return std::string(s.message());
}

}  // namespace sluice::broker
