// Request and response headers of the Kafka protocol, the table of APIs the generated codecs
// know (key, name, version range, first flexible version), and whole-body re-encoding helpers for
// tests and fuzzers. Header versions: request v1 (classic) or v2 (flexible: adds a tagged-field
// section; the client id stays an int16-length string), response v0 or v1 (flexible: adds a
// tagged-field section) -- except ApiVersions responses, which always use v0.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "broker-lite/protocol/wire.h"
#include "broker-lite/util/status.h"

namespace sluice::kafka {

struct RequestHeader {
  int16_t request_api_key = 0;
  int16_t request_api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;
};

// One API the generated codecs cover. first_flexible_version is -1 when no version is flexible.
struct ApiDescriptor {
  int16_t key;
  const char* name;  // static string, e.g. "Produce"
  int16_t min_version;
  int16_t max_version;
  int16_t first_flexible_version;
};

// Every API with generated codecs, in ascending key order (defined in the generated messages.cc).
std::span<const ApiDescriptor> all_apis();
// The descriptor of `key`, or nullptr when the codecs do not know the API.
const ApiDescriptor* find_api(int16_t key);

// 2 when (key, version) is flexible, else 1. Versions above the known maximum count as flexible
// when the API has flexible versions at all (what Kafka does for a too-new ApiVersions request);
// unknown keys give 1.
int16_t request_header_version(int16_t api_key, int16_t api_version);
// 1 when (key, version) is flexible, else 0; ApiVersions is always 0.
int16_t response_header_version(int16_t api_key, int16_t api_version);

// Reads a request header from the start of a request frame (after the size prefix): key and
// version first, then the rest as request_header_version() says. Unknown keys and versions are
// not an error here (the dispatcher decides); a truncated header is.
sluice::Status decode_request_header(WireReader& r, RequestHeader& out);
// Writes header version 1 or 2 for h's key and version (clients and tests).
void encode_request_header(WireWriter& w, const RequestHeader& h);
// Writes a response header of version 0 or 1 (1 appends an empty tagged-field section).
void encode_response_header(WireWriter& w, int32_t correlation_id, int16_t header_version);

// Decodes a request (response) body of (key, version), requires that it consumes the whole
// input, and returns its encoding at the same version. Unknown keys and versions are errors.
sluice::Result<std::vector<uint8_t>> reencode_request(int16_t api_key, int16_t api_version,
                                                      std::span<const uint8_t> body);
sluice::Result<std::vector<uint8_t>> reencode_response(int16_t api_key, int16_t api_version,
                                                       std::span<const uint8_t> body);

}  // namespace sluice::kafka
