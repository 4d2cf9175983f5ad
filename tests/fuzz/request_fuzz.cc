// libFuzzer target for the request decoders. Every input is tried two ways:
//  1. [api_key int16][api_version int16][body]: the body is decoded as that API's request and
//     response; whatever decodes must re-encode, decode again and re-encode to the same bytes.
//  2. [size int32][frame]: a request frame as a connection reads it; the header is decoded (and
//     the body after it, when the key is known), as the broker's dispatcher would.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "broker-lite/protocol/endian.h"
#include "broker-lite/protocol/messages.h"

namespace {

using sluice::kafka::WireReader;

void check_stable(const sluice::Result<std::vector<uint8_t>>& first, int16_t key, int16_t version,
                  bool request) {
  if (!first.is_ok()) return;
  auto again = [&](std::span<const uint8_t> bytes) {
    return request ? sluice::kafka::reencode_request(key, version, bytes)
                   : sluice::kafka::reencode_response(key, version, bytes);
  };
  auto second = again(*first);
  if (!second.is_ok() || *second != *first) std::abort();  // encode/decode disagree
  auto third = again(*second);
  if (!third.is_ok() || *third != *second) std::abort();
}

void fuzz_body(std::span<const uint8_t> data) {
  if (data.size() < 4) return;
  const int16_t key = static_cast<int16_t>(sluice::kafka::load_be16(data.data()));
  const int16_t version = static_cast<int16_t>(sluice::kafka::load_be16(data.data() + 2));
  std::span<const uint8_t> body = data.subspan(4);
  check_stable(sluice::kafka::reencode_request(key, version, body), key, version, true);
  check_stable(sluice::kafka::reencode_response(key, version, body), key, version, false);
}

void fuzz_frame(std::span<const uint8_t> data) {
  if (data.size() < 4) return;
  const int32_t size = static_cast<int32_t>(sluice::kafka::load_be32(data.data()));
  if (size < 0 || static_cast<size_t>(size) > data.size() - 4) return;  // the size cap
  WireReader r(data.subspan(4, static_cast<size_t>(size)));
  sluice::kafka::RequestHeader header;
  if (!sluice::kafka::decode_request_header(r, header).is_ok()) return;
  if (sluice::kafka::find_api(header.request_api_key) == nullptr) return;
  (void)sluice::kafka::reencode_request(header.request_api_key, header.request_api_version,
                                        r.rest());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> input(data, size);
  fuzz_body(input);
  fuzz_frame(input);
  return 0;
}
