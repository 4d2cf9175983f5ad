// ProtocolConnection: one blocking Kafka-protocol client connection to one broker, over POSIX
// sockets and broker-lite's generated codecs. It frames requests (size prefix, request header v1
// or v2, body), reads the response to the one request in flight (checking the correlation id),
// and negotiates API versions with ApiVersions when it connects (retrying in the v0-compatible
// layout when the broker answers UNSUPPORTED_VERSION). Used by GroupMember; works against
// broker-lite and Apache Kafka 4.x alike. See docs/formats/group-membership.md.
//
// Not thread-safe: one owner drives it. Every failure (I/O, timeout, malformed frame) closes the
// connection and returns a Status naming the broker's host:port; the owner then opens a new one.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "broker-lite/protocol/messages.h"
#include "broker-lite/protocol/request_header.h"
#include "broker-lite/protocol/wire.h"
#include "broker-lite/util/status.h"

namespace sluice::membership {

// One "host:port" of a bootstrap list or a coordinator answer.
struct BrokerAddress {
  std::string host;
  uint16_t port = 0;

  std::string to_string() const { return host + ":" + std::to_string(port); }
  bool operator==(const BrokerAddress&) const = default;
};

// Parses "h1:p1,h2:p2" (spaces around entries allowed; IPv6 hosts as "[::1]:9092"). An empty
// list, an entry without a port or a port outside 1..65535 is kInvalidArgument naming the entry.
[[nodiscard]] Result<std::vector<BrokerAddress>> parse_bootstrap_servers(std::string_view list);

struct ConnectionOptions {
  std::string client_id = "sluice";
  std::chrono::milliseconds connect_timeout{5000};
  // Bound for writing a request and for the blocking call() / the ApiVersions exchange.
  std::chrono::milliseconds request_timeout{10000};
};

// The largest response frame accepted; a bigger size prefix is treated as garbage.
inline constexpr int32_t kMaxResponseFrameBytes = 64 << 20;

// A decoded response. `message`'s bytes fields view `body`; moving a Reply keeps them valid
// (the vector's buffer moves with it), copying one does not, hence move-only.
template <typename Response>
struct Reply {
  std::vector<uint8_t> body;
  Response message;

  Reply() = default;
  Reply(Reply&&) noexcept = default;
  Reply& operator=(Reply&&) noexcept = default;
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;
};

class ProtocolConnection {
 public:
  // Connects to `address` (every address its host resolves to, in order, each within
  // connect_timeout) and negotiates versions. Errors name the address.
  [[nodiscard]] static Result<std::unique_ptr<ProtocolConnection>> connect(
      const BrokerAddress& address, const ConnectionOptions& options);
  // Tries each address of `bootstrap_servers` ("h1:p1,h2:p2") in order; the error after all
  // failed lists every address with its reason.
  [[nodiscard]] static Result<std::unique_ptr<ProtocolConnection>> connect_any(
      std::string_view bootstrap_servers, const ConnectionOptions& options);

  ~ProtocolConnection();
  ProtocolConnection(const ProtocolConnection&) = delete;
  ProtocolConnection& operator=(const ProtocolConnection&) = delete;

  const BrokerAddress& address() const { return address_; }
  bool is_open() const { return fd_ >= 0; }
  // Closes the socket; a request in flight is abandoned.
  void close();

  // The version used for `api_key`: the highest one both this client's codecs and the broker
  // support. kUnsupported naming the API and both ranges when there is none.
  [[nodiscard]] Result<int16_t> version_for(int16_t api_key) const;
  // The broker's advertised range for `api_key`, if it advertised one.
  std::optional<std::pair<int16_t, int16_t>> broker_range(int16_t api_key) const;

  // Sends `request` at the negotiated version. Only one request may be in flight:
  // kFailedPrecondition otherwise.
  template <typename Request>
  [[nodiscard]] Status send(const Request& request) {
    Result<int16_t> version = version_for(Request::kApiKey);
    if (!version.is_ok()) return version.status();
    kafka::WireWriter body;
    request.encode(body, *version);
    return send_body(Request::kApiKey, *version, body);
  }

  // Waits at most `wait` for the answer to the request in flight and decodes it as Response
  // (which must belong to that request's API). nullopt: not there yet (call again). An error
  // closes the connection.
  template <typename Response>
  [[nodiscard]] Result<std::optional<Reply<Response>>> receive(std::chrono::milliseconds wait) {
    Result<std::optional<std::vector<uint8_t>>> body = receive_body(Response::kApiKey, wait);
    if (!body.is_ok()) return body.status();
    if (!body->has_value()) return std::optional<Reply<Response>>();
    Reply<Response> reply;
    reply.body = std::move(**body);
    SLUICE_RETURN_IF_ERROR(decode_body(reply.body, last_version_, reply.message));
    return std::optional<Reply<Response>>(std::move(reply));
  }

  // send() then receive() until the answer arrives or request_timeout passes.
  template <typename Response, typename Request>
  [[nodiscard]] Result<Reply<Response>> call(const Request& request) {
    SLUICE_RETURN_IF_ERROR(send(request));
    Result<std::optional<Reply<Response>>> r = receive<Response>(options_.request_timeout);
    if (!r.is_ok()) return r.status();
    if (!r->has_value()) {
      return fail(Status::unavailable(describe_in_flight() + ": no answer within " +
                                      std::to_string(options_.request_timeout.count()) + " ms"));
    }
    return std::move(**r);
  }

  bool request_in_flight() const { return in_flight_.has_value(); }

 private:
  struct InFlight {
    int16_t api_key;
    int16_t version;
    int32_t correlation_id;
  };

  ProtocolConnection(BrokerAddress address, ConnectionOptions options, int fd);

  // Frames and writes one request whose body is `body`.
  Status send_body(int16_t api_key, int16_t version, const kafka::WireWriter& body);
  // The body of the in-flight request's response (header stripped, correlation id checked).
  Result<std::optional<std::vector<uint8_t>>> receive_body(int16_t api_key,
                                                           std::chrono::milliseconds wait);
  template <typename Response>
  Status decode_body(const std::vector<uint8_t>& body, int16_t version, Response& out) {
    kafka::WireReader reader(body);
    Status s = out.decode(reader, version);
    if (s.is_ok() && reader.remaining() != 0) {
      s = Status::corruption(std::to_string(reader.remaining()) + " bytes left over");
    }
    if (!s.is_ok()) {
      return fail(Status::corruption("malformed " + api_label(Response::kApiKey, version) +
                                     " response from " + address_.to_string() + ": " +
                                     std::string(s.message())));
    }
    return Status::ok();
  }
  Status negotiate_versions();
  // Reads whatever is available into read_buf_ within `wait`; false when nothing arrived.
  Result<bool> read_some(std::chrono::milliseconds wait);
  // Closes the connection and returns `s`.
  Status fail(Status s);
  std::string describe_in_flight() const;
  static std::string api_label(int16_t api_key, int16_t version);

  BrokerAddress address_;
  ConnectionOptions options_;
  int fd_ = -1;
  int32_t next_correlation_id_ = 1;
  std::optional<InFlight> in_flight_;
  int16_t last_version_ = 0;       // version of the request whose answer was just read
  std::vector<uint8_t> read_buf_;  // bytes of the response being read
  std::map<int16_t, std::pair<int16_t, int16_t>> broker_versions_;  // key -> broker's range
};

}  // namespace sluice::membership
