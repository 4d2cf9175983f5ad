// Request signatures: HMAC over the body with Poco's HMACEngine, Base64 in the header, and a
// constant-time comparison on verification (docs/formats/request-signature.md).
#include "runtime/rest/request_signature.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA1Engine.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <cstdint>
#include <sstream>

namespace sluice::rest {

namespace {

constexpr std::string_view kHmacSha256 = "HmacSHA256";
constexpr std::string_view kHmacSha1 = "HmacSHA1";
constexpr std::string_view kHmacSha512 = "HmacSHA512";

// HMACEngine needs the block and digest sizes as constants of its engine, which SHA2Engine
// (one class for every SHA-2 width) does not have; these fix the width.
class Sha256Engine : public Poco::SHA2Engine {
 public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  Sha256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

class Sha512Engine : public Poco::SHA2Engine {
 public:
  enum { BLOCK_SIZE = 128, DIGEST_SIZE = 64 };
  Sha512Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_512) {}
};

template <typename Engine>
std::string hmac_with(std::string_view key, std::string_view body) {
  Poco::HMACEngine<Engine> engine(key.data(), key.size());
  engine.update(body.data(), body.size());
  const Poco::DigestEngine::Digest& digest = engine.digest();
  return std::string(digest.begin(), digest.end());
}

std::string base64(const std::string& bytes) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  encoder.close();
  return out.str();
}

// The decoded bytes, or nullopt when `text` is not Base64.
std::optional<std::string> from_base64(const std::string& text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  try {
    std::istringstream in(text);
    Poco::Base64Decoder decoder(in);
    std::string bytes((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
    if (decoder.bad()) return std::nullopt;
    return bytes;
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
}

// Equal contents, taking a time that depends only on the lengths.
bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  uint8_t diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<uint8_t>(static_cast<uint8_t>(a[i]) ^ static_cast<uint8_t>(b[i]));
  }
  return diff == 0;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "(none)" : out;
}

Status refused(const std::string& why) {
  return Status::unsupported("Request signature refused: " + why);
}

}  // namespace

bool is_supported_signature_algorithm(std::string_view algorithm) {
  return algorithm == kHmacSha256 || algorithm == kHmacSha1 || algorithm == kHmacSha512;
}

Result<std::string> compute_hmac(std::string_view key, std::string_view algorithm,
                                 std::string_view body) {
  if (key.empty()) return Status::invalid_argument("Cannot sign a request with an empty key");
  if (algorithm == kHmacSha256) return hmac_with<Sha256Engine>(key, body);
  if (algorithm == kHmacSha1) return hmac_with<Poco::SHA1Engine>(key, body);
  if (algorithm == kHmacSha512) return hmac_with<Sha512Engine>(key, body);
  return Status::invalid_argument("Unsupported request signature algorithm '" +
                                  std::string(algorithm) +
                                  "' (supported: " + std::string(kHmacSha256) + ", " +
                                  std::string(kHmacSha1) + ", " + std::string(kHmacSha512) + ")");
}

Result<HeaderList> sign_request(std::string_view key, std::string_view algorithm,
                                std::string_view body) {
  Result<std::string> mac = compute_hmac(key, algorithm, body);
  if (!mac.is_ok()) return mac.status();
  return HeaderList{{"X-Connect-Authorization", base64(mac.value())},
                    {"X-Connect-Request-Signature-Algorithm", std::string(algorithm)}};
}

Status verify_request(const HttpRequest& request, std::string_view key,
                      const std::vector<std::string>& accepted) {
  if (key.empty()) {
    return refused("this worker has no session key yet (the leader has not published one)");
  }
  const std::optional<std::string> algorithm = request.header(kSignatureAlgorithmHeader);
  const std::optional<std::string> signature = request.header(kSignatureHeader);
  if (!signature) return refused("the X-Connect-Authorization header is missing");
  if (!algorithm) return refused("the X-Connect-Request-Signature-Algorithm header is missing");
  if (std::find(accepted.begin(), accepted.end(), *algorithm) == accepted.end() ||
      !is_supported_signature_algorithm(*algorithm)) {
    return refused("algorithm '" + *algorithm + "' is not accepted (accepted: " + joined(accepted) +
                   ")");
  }
  const std::optional<std::string> received = from_base64(*signature);
  if (!received) return refused("the X-Connect-Authorization header is not Base64");
  Result<std::string> expected = compute_hmac(key, *algorithm, request.body);
  if (!expected.is_ok()) return refused(std::string(expected.status().message()));
  if (!constant_time_equal(expected.value(), *received)) {
    return refused("the signature does not match the request body (wrong or rotated key?)");
  }
  return Status::ok();
}

}  // namespace sluice::rest
