// ApiVersions (key 18): answered from the dispatch table. A version broker-lite does not know is
// answered in v0 format with UNSUPPORTED_VERSION and the full table, without parsing the body,
// so that every client can retry with a version it shares with us (CLIENTS.md P1).
#include "broker-lite/server/api_table.h"
#include "broker-lite/server/broker.h"
#include "broker-lite/server/kafka_errors.h"

namespace sluice::broker {

void handle_api_versions(Broker& /*broker*/, const RequestPtr& request) {
  kafka::ApiVersionsResponse response;
  const ApiEntry* self = find_api_entry(kafka::ApiVersionsRequest::kApiKey);
  if (request->version() > self->max_version) {
    response.error_code = kUnsupportedVersion;
  }
  for (const ApiEntry& e : api_table()) {
    kafka::ApiVersionsResponse::ApiVersion v;
    v.api_key = e.key;
    v.min_version = e.min_version;
    v.max_version = e.max_version;
    response.api_keys.push_back(v);
  }
  if (response.error_code != 0) {
    request->reply_as(response, 0, 0);  // v0 format, whatever version was asked for
    return;
  }
  // A v3 request is parsed only to check that it is well formed.
  kafka::ApiVersionsRequest parsed;
  kafka::WireReader reader(request->body);
  Status s = parsed.decode(reader, request->version());
  if (!s) {
    response.error_code = kInvalidRequest;
  }
  request->reply(response);
}

}  // namespace sluice::broker
