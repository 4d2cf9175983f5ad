// Request signatures between workers (docs/formats/request-signature.md, Kafka Connect's
// KIP-507 idea): an HMAC of the request body with the cluster's session key, carried in the
// X-Connect-Authorization and X-Connect-Request-Signature-Algorithm headers, and its check on the
// receiving side.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "broker-lite/util/status.h"
#include "runtime/rest/http_message.h"

namespace sluice::rest {

// Header names, lower-cased as HttpRequest::headers holds them.
inline constexpr std::string_view kSignatureHeader = "x-connect-authorization";
inline constexpr std::string_view kSignatureAlgorithmHeader =
    "x-connect-request-signature-algorithm";

// Headers as (name, value) pairs, ready to add to an outgoing request.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Whether `algorithm` ("HmacSHA256", "HmacSHA1", "HmacSHA512"; exact spelling) can sign here.
[[nodiscard]] bool is_supported_signature_algorithm(std::string_view algorithm);

// The raw HMAC of `body` with `key` (both raw bytes, only read during the call).
// kInvalidArgument for an unsupported algorithm or an empty key.
[[nodiscard]] Result<std::string> compute_hmac(std::string_view key, std::string_view algorithm,
                                               std::string_view body);

// The two signature headers for a request whose body is exactly `body` (use "" for no body).
// kInvalidArgument for an unsupported algorithm or an empty key.
[[nodiscard]] Result<HeaderList> sign_request(std::string_view key, std::string_view algorithm,
                                              std::string_view body);

// Checks the signature headers of `request` against its body with `key`, accepting only the
// algorithms in `accepted` (exact names). OK when the signature matches; otherwise kUnsupported
// (HTTP 403) with a message saying what is wrong: a missing header (named), an algorithm that is
// not accepted (the accepted ones listed), a value that is not Base64, or a signature that does
// not match. An empty `key` is refused as "no session key".
[[nodiscard]] Status verify_request(const HttpRequest& request, std::string_view key,
                                    const std::vector<std::string>& accepted);

}  // namespace sluice::rest
