// Request/response header codecs and header-version selection (see request_header.h).
#include "broker-lite/protocol/request_header.h"

#include <string>

namespace sluice::kafka {

namespace {
constexpr int16_t kApiVersionsKey = 18;

bool is_flexible(int16_t api_key, int16_t api_version) {
  const ApiDescriptor* api = find_api(api_key);
  return api != nullptr && api->first_flexible_version >= 0 &&
         api_version >= api->first_flexible_version;
}
}  // namespace

int16_t request_header_version(int16_t api_key, int16_t api_version) {
  return is_flexible(api_key, api_version) ? 2 : 1;
}

int16_t response_header_version(int16_t api_key, int16_t api_version) {
  if (api_key == kApiVersionsKey) return 0;
  return is_flexible(api_key, api_version) ? 1 : 0;
}

sluice::Status decode_request_header(WireReader& r, RequestHeader& out) {
  out.request_api_key = r.read_int16();
  out.request_api_version = r.read_int16();
  out.correlation_id = r.read_int32();
  out.client_id = r.read_nullable_string(false);  // never compact, even in header v2
  if (r.ok() && request_header_version(out.request_api_key, out.request_api_version) >= 2) {
    r.skip_tagged_fields();  // header v2 defines no tags; skip whatever a client sends
  }
  if (!r.ok()) {
    return sluice::Status::invalid_argument(
        "request header (api key " + std::to_string(out.request_api_key) + " version " +
        std::to_string(out.request_api_version) + "): " + r.error());
  }
  return sluice::Status::ok();
}

void encode_request_header(WireWriter& w, const RequestHeader& h) {
  w.write_int16(h.request_api_key);
  w.write_int16(h.request_api_version);
  w.write_int32(h.correlation_id);
  w.write_nullable_string(h.client_id, false);
  if (request_header_version(h.request_api_key, h.request_api_version) >= 2) {
    w.write_unsigned_varint(0);
  }
}

void encode_response_header(WireWriter& w, int32_t correlation_id, int16_t header_version) {
  w.write_int32(correlation_id);
  if (header_version >= 1) w.write_unsigned_varint(0);
}

}  // namespace sluice::kafka
