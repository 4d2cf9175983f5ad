// Request signature tests: the HMACs against published test vectors (RFC 4231, RFC 2202), the
// header round trip, and every refusal (tampered body, wrong key, algorithm not accepted or not
// supported, missing or malformed headers, no session key).
#include "runtime/rest/request_signature.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::rest {
namespace {

std::string hex(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0x0F]);
  }
  return out;
}

std::string hmac_hex(std::string_view key, std::string_view algorithm, std::string_view body) {
  Result<std::string> mac = compute_hmac(key, algorithm, body);
  EXPECT_TRUE(mac.is_ok()) << mac.status().message();
  return mac.is_ok() ? hex(mac.value()) : "";
}

// A request with `body` carrying the headers of `signature`.
HttpRequest signed_request(const std::string& body, const HeaderList& signature) {
  HttpRequest request;
  request.method = "POST";
  request.segments = {"connectors", "c", "tasks"};
  request.body = body;
  request.has_body = true;
  for (const auto& [name, value] : signature) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(lower, value);
  }
  return request;
}

const std::vector<std::string> kSha256Only = {"HmacSHA256"};

TEST(RequestSignatureTest, HmacMatchesPublishedVectors) {
  const std::string jefe_data = "what do ya want for nothing?";
  EXPECT_EQ(hmac_hex("Jefe", "HmacSHA256", jefe_data),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hmac_hex("Jefe", "HmacSHA1", jefe_data), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  EXPECT_EQ(hmac_hex("Jefe", "HmacSHA512", jefe_data),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d0"
            "34f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
  // A key longer than the hash's block is hashed first.
  const std::string long_key(131, '\xaa');
  const std::string long_data = "Test Using Larger Than Block-Size Key - Hash Key First";
  EXPECT_EQ(hmac_hex(long_key, "HmacSHA256", long_data),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(hmac_hex(long_key, "HmacSHA512", long_data),
            "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0"
            "fd2215d6a1e5295e64f73f63f0aec8b915a985d786598");
}

TEST(RequestSignatureTest, SignAndVerifyRoundTrip) {
  const std::string key("\x01\x02\x00\xff secret", 10);  // raw bytes, with a NUL
  const std::string body = R"([{"task.class":"x","topic":"t"}])";
  for (const std::string algorithm : {"HmacSHA256", "HmacSHA1", "HmacSHA512"}) {
    Result<HeaderList> headers = sign_request(key, algorithm, body);
    ASSERT_TRUE(headers.is_ok()) << headers.status().message();
    ASSERT_EQ(headers->size(), 2u);
    EXPECT_EQ((*headers)[0].first, "X-Connect-Authorization");
    EXPECT_EQ((*headers)[1].first, "X-Connect-Request-Signature-Algorithm");
    EXPECT_EQ((*headers)[1].second, algorithm);
    EXPECT_EQ((*headers)[0].second.find('\n'), std::string::npos);
    const Status verified = verify_request(signed_request(body, headers.value()), key,
                                           {"HmacSHA1", "HmacSHA256", "HmacSHA512"});
    EXPECT_TRUE(verified.is_ok()) << algorithm << ": " << verified.message();
  }
}

TEST(RequestSignatureTest, EmptyBodyIsSignedToo) {
  Result<HeaderList> headers = sign_request("k", "HmacSHA256", "");
  ASSERT_TRUE(headers.is_ok());
  EXPECT_TRUE(verify_request(signed_request("", headers.value()), "k", kSha256Only).is_ok());
  EXPECT_FALSE(verify_request(signed_request(" ", headers.value()), "k", kSha256Only).is_ok());
}

TEST(RequestSignatureTest, TamperedBodyIsRefused) {
  const std::string body = R"([{"a":"1"}])";
  Result<HeaderList> headers = sign_request("key", "HmacSHA256", body);
  ASSERT_TRUE(headers.is_ok());
  const Status status =
      verify_request(signed_request(R"([{"a":"2"}])", headers.value()), "key", kSha256Only);
  EXPECT_EQ(status.code(), StatusCode::kUnsupported);
  EXPECT_NE(status.message().find("does not match"), std::string::npos) << status.message();
}

TEST(RequestSignatureTest, WrongKeyIsRefused) {
  Result<HeaderList> headers = sign_request("old key", "HmacSHA256", "[]");
  ASSERT_TRUE(headers.is_ok());
  const Status status =
      verify_request(signed_request("[]", headers.value()), "new key", kSha256Only);
  EXPECT_EQ(status.code(), StatusCode::kUnsupported);
  EXPECT_NE(status.message().find("does not match"), std::string::npos) << status.message();
}

TEST(RequestSignatureTest, AlgorithmNotAcceptedOrUnknownIsRefused) {
  Result<HeaderList> sha1 = sign_request("key", "HmacSHA1", "[]");
  ASSERT_TRUE(sha1.is_ok());
  Status status = verify_request(signed_request("[]", sha1.value()), "key", kSha256Only);
  EXPECT_EQ(status.code(), StatusCode::kUnsupported);
  EXPECT_NE(status.message().find("'HmacSHA1' is not accepted"), std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("HmacSHA256"), std::string::npos) << status.message();

  // An accepted name this worker cannot compute is refused, not trusted.
  HeaderList unknown = sha1.value();
  unknown[1].second = "HmacMD5";
  status = verify_request(signed_request("[]", unknown), "key", {"HmacMD5"});
  EXPECT_EQ(status.code(), StatusCode::kUnsupported);
  EXPECT_NE(status.message().find("HmacMD5"), std::string::npos) << status.message();

  Result<HeaderList> refused = sign_request("key", "HmacMD5", "[]");
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("HmacMD5"), std::string::npos);
  EXPECT_FALSE(is_supported_signature_algorithm("hmacsha256"));  // names are exact
}

TEST(RequestSignatureTest, MissingOrMalformedHeadersAreRefused) {
  Result<HeaderList> headers = sign_request("key", "HmacSHA256", "[]");
  ASSERT_TRUE(headers.is_ok());

  HttpRequest none = signed_request("[]", {});
  Status status = verify_request(none, "key", kSha256Only);
  EXPECT_EQ(status.code(), StatusCode::kUnsupported);
  EXPECT_NE(status.message().find("X-Connect-Authorization header is missing"), std::string::npos)
      << status.message();

  HttpRequest no_algorithm = signed_request("[]", {headers->at(0)});
  status = verify_request(no_algorithm, "key", kSha256Only);
  EXPECT_NE(status.message().find("X-Connect-Request-Signature-Algorithm header is missing"),
            std::string::npos)
      << status.message();

  HeaderList garbled = headers.value();
  garbled[0].second = "not*base64!";
  status = verify_request(signed_request("[]", garbled), "key", kSha256Only);
  EXPECT_NE(status.message().find("not Base64"), std::string::npos) << status.message();

  HeaderList truncated = headers.value();
  truncated[0].second = truncated[0].second.substr(0, 8);  // valid Base64, too short a MAC
  status = verify_request(signed_request("[]", truncated), "key", kSha256Only);
  EXPECT_NE(status.message().find("does not match"), std::string::npos) << status.message();

  // Header names are looked up without regard to case.
  const HttpRequest request = signed_request("[]", headers.value());
  EXPECT_EQ(request.header("X-CONNECT-AUTHORIZATION"), headers->at(0).second);
  EXPECT_EQ(request.header("x-connect-request-signature-algorithm"), "HmacSHA256");
  EXPECT_EQ(request.header("X-Sluice-Forwarded"), std::nullopt);
}

TEST(RequestSignatureTest, NoSessionKeyRefusesEverything) {
  Result<HeaderList> headers = sign_request("key", "HmacSHA256", "[]");
  ASSERT_TRUE(headers.is_ok());
  const Status status = verify_request(signed_request("[]", headers.value()), "", kSha256Only);
  EXPECT_EQ(status.code(), StatusCode::kUnsupported);
  EXPECT_NE(status.message().find("no session key"), std::string::npos) << status.message();
  EXPECT_EQ(sign_request("", "HmacSHA256", "[]").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice::rest
