// ProtocolConnection: sockets, framing and version negotiation (see protocol_connection.h).
#include "runtime/membership/protocol_connection.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "broker-lite/protocol/endian.h"

namespace sluice::membership {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int16_t kUnsupportedVersionError = 35;

std::string errno_text(int err) {
  return std::strerror(err);
}

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(left, 0, 1 << 30));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Result<BrokerAddress> parse_one_address(std::string_view entry) {
  const std::string quoted = "'" + std::string(entry) + "'";
  const size_t colon = entry.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == entry.size()) {
    return Status::invalid_argument("bootstrap server " + quoted + " is not host:port");
  }
  std::string_view host = entry.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string_view port_text = entry.substr(colon + 1);
  int port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 || port > 65535 ||
      host.empty()) {
    return Status::invalid_argument("bootstrap server " + quoted +
                                    ": the port must be a number from 1 to 65535");
  }
  return BrokerAddress{std::string(host), static_cast<uint16_t>(port)};
}

// Connects a non-blocking socket to one resolved address within the deadline; -1 and `error`
// on failure.
int connect_one(const addrinfo* ai, Clock::time_point deadline, std::string& error) {
  int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) {
    error = "socket: " + errno_text(errno);
    return -1;
  }
  if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
    if (errno != EINPROGRESS) {
      error = errno_text(errno);
      ::close(fd);
      return -1;
    }
    pollfd p{fd, POLLOUT, 0};
    int n;
    do {
      n = ::poll(&p, 1, remaining_ms(deadline));
    } while (n < 0 && errno == EINTR);
    if (n == 0) {
      error = "connect timed out";
      ::close(fd);
      return -1;
    }
    int so_error = 0;
    socklen_t len = sizeof so_error;
    if (n < 0 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0 || so_error != 0) {
      error = errno_text(n < 0 ? errno : (so_error != 0 ? so_error : errno));
      ::close(fd);
      return -1;
    }
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

}  // namespace

Result<std::vector<BrokerAddress>> parse_bootstrap_servers(std::string_view list) {
  std::vector<BrokerAddress> out;
  while (true) {
    const size_t comma = list.find(',');
    const std::string_view entry = trim(list.substr(0, comma));
    if (!entry.empty()) {
      Result<BrokerAddress> a = parse_one_address(entry);
      if (!a.is_ok()) return a.status();
      out.push_back(std::move(*a));
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  if (out.empty()) return Status::invalid_argument("bootstrap servers: the list is empty");
  return out;
}

ProtocolConnection::ProtocolConnection(BrokerAddress address, ConnectionOptions options, int fd)
    : address_(std::move(address)), options_(std::move(options)), fd_(fd) {}

ProtocolConnection::~ProtocolConnection() {
  close();
}

void ProtocolConnection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  in_flight_.reset();
  read_buf_.clear();
}

Status ProtocolConnection::fail(Status s) {
  close();
  return s;
}

std::string ProtocolConnection::api_label(int16_t api_key, int16_t version) {
  const kafka::ApiDescriptor* api = kafka::find_api(api_key);
  std::string name = api ? api->name : "API " + std::to_string(api_key);
  return name + " v" + std::to_string(version);
}

std::string ProtocolConnection::describe_in_flight() const {
  std::string what = in_flight_ ? api_label(in_flight_->api_key, in_flight_->version) : "request";
  return what + " to " + address_.to_string();
}

Result<std::unique_ptr<ProtocolConnection>> ProtocolConnection::connect(
    const BrokerAddress& address, const ConnectionOptions& options) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(address.port);
  const int rc = ::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) {
    return Status::unavailable("cannot resolve broker " + address.to_string() + ": " +
                               ::gai_strerror(rc));
  }
  const Clock::time_point deadline = Clock::now() + options.connect_timeout;
  std::string error = "no address";
  int fd = -1;
  for (addrinfo* ai = found; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = connect_one(ai, deadline, error);
  }
  ::freeaddrinfo(found);
  if (fd < 0) {
    return Status::unavailable("cannot connect to broker " + address.to_string() + ": " + error);
  }
  std::unique_ptr<ProtocolConnection> conn(new ProtocolConnection(address, options, fd));
  SLUICE_RETURN_IF_ERROR(conn->negotiate_versions());
  return conn;
}

Result<std::unique_ptr<ProtocolConnection>> ProtocolConnection::connect_any(
    std::string_view bootstrap_servers, const ConnectionOptions& options) {
  Result<std::vector<BrokerAddress>> addresses = parse_bootstrap_servers(bootstrap_servers);
  if (!addresses.is_ok()) return addresses.status();
  std::string errors;
  StatusCode code = StatusCode::kUnavailable;
  for (const BrokerAddress& a : *addresses) {
    Result<std::unique_ptr<ProtocolConnection>> c = connect(a, options);
    if (c.is_ok()) return c;
    if (!errors.empty()) errors += "; ";
    errors += c.status().message();
    code = c.status().code();
  }
  if (addresses->size() == 1) return Status(code, errors);
  return Status(code, "no bootstrap server answered: " + errors);
}

Status ProtocolConnection::negotiate_versions() {
  int16_t version = kafka::ApiVersionsRequest::kMaxVersion;
  for (int attempt = 0; attempt < 2; ++attempt) {
    kafka::ApiVersionsRequest request;
    request.client_software_name = "sluice";
    request.client_software_version = "1";
    kafka::WireWriter body;
    request.encode(body, version);
    SLUICE_RETURN_IF_ERROR(send_body(kafka::ApiVersionsRequest::kApiKey, version, body));
    Result<std::optional<std::vector<uint8_t>>> raw =
        receive_body(kafka::ApiVersionsRequest::kApiKey, options_.request_timeout);
    if (!raw.is_ok()) return raw.status();
    if (!raw->has_value()) {
      return fail(Status::unavailable("ApiVersions to " + address_.to_string() +
                                      ": no answer within " +
                                      std::to_string(options_.request_timeout.count()) + " ms"));
    }
    const std::vector<uint8_t>& bytes = **raw;
    // Both layouts start with the error code; UNSUPPORTED_VERSION answers use the v0 layout.
    kafka::WireReader peek(bytes);
    const int16_t error_code = peek.read_int16();
    const int16_t decode_version = error_code == kUnsupportedVersionError ? 0 : version;
    kafka::ApiVersionsResponse response;
    SLUICE_RETURN_IF_ERROR(decode_body(bytes, decode_version, response));
    if (error_code == kUnsupportedVersionError && attempt == 0) {
      int16_t broker_max = -1;
      for (const auto& k : response.api_keys) {
        if (k.api_key == kafka::ApiVersionsRequest::kApiKey) broker_max = k.max_version;
      }
      if (broker_max >= 0 && broker_max < version) {
        version = broker_max;
        continue;
      }
    }
    if (error_code != 0) {
      return fail(Status::unsupported("ApiVersions v" + std::to_string(version) + " to " +
                                      address_.to_string() + " failed with error code " +
                                      std::to_string(error_code)));
    }
    broker_versions_.clear();
    for (const auto& k : response.api_keys) {
      broker_versions_[k.api_key] = {k.min_version, k.max_version};
    }
    return Status::ok();
  }
  return fail(Status::unsupported("broker " + address_.to_string() +
                                  " rejected every ApiVersions version offered"));
}

std::optional<std::pair<int16_t, int16_t>> ProtocolConnection::broker_range(int16_t api_key) const {
  auto it = broker_versions_.find(api_key);
  if (it == broker_versions_.end()) return std::nullopt;
  return it->second;
}

Result<int16_t> ProtocolConnection::version_for(int16_t api_key) const {
  const kafka::ApiDescriptor* api = kafka::find_api(api_key);
  if (api == nullptr) {
    return Status::unsupported("this client has no codec for API key " + std::to_string(api_key));
  }
  auto theirs = broker_range(api_key);
  if (!theirs) {
    return Status::unsupported("broker " + address_.to_string() + " does not offer " + api->name);
  }
  const int16_t lo = std::max(api->min_version, theirs->first);
  const int16_t hi = std::min(api->max_version, theirs->second);
  if (lo > hi) {
    return Status::unsupported("broker " + address_.to_string() + " supports " + api->name +
                               " versions " + std::to_string(theirs->first) + ".." +
                               std::to_string(theirs->second) + ", this client " +
                               std::to_string(api->min_version) + ".." +
                               std::to_string(api->max_version) + ": no common version");
  }
  return hi;
}

Status ProtocolConnection::send_body(int16_t api_key, int16_t version,
                                     const kafka::WireWriter& body) {
  if (fd_ < 0) {
    return Status::failed_precondition("connection to " + address_.to_string() + " is closed");
  }
  if (in_flight_) {
    return Status::failed_precondition(describe_in_flight() + " is still waiting for its answer");
  }
  if (!body.ok()) {
    return Status::invalid_argument(api_label(api_key, version) + " request to " +
                                    address_.to_string() + " cannot be encoded: " + body.error());
  }
  kafka::WireWriter frame;
  const size_t size_at = frame.reserve_int32();
  kafka::RequestHeader header;
  header.request_api_key = api_key;
  header.request_api_version = version;
  header.correlation_id = next_correlation_id_++;
  header.client_id = options_.client_id;
  kafka::encode_request_header(frame, header);
  frame.append_writer(body);
  frame.patch_int32(size_at, static_cast<int32_t>(frame.size() - 4));
  const std::vector<uint8_t> bytes = frame.flatten();

  in_flight_ = InFlight{api_key, version, header.correlation_id};
  const Clock::time_point deadline = Clock::now() + options_.request_timeout;
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      const int ready = ::poll(&p, 1, remaining_ms(deadline));
      if (ready > 0 || (ready < 0 && errno == EINTR)) continue;
      return fail(Status::unavailable("writing " + describe_in_flight() + " timed out"));
    }
    return fail(
        Status::unavailable("writing " + describe_in_flight() + " failed: " + errno_text(errno)));
  }
  return Status::ok();
}

Result<bool> ProtocolConnection::read_some(milliseconds wait) {
  pollfd p{fd_, POLLIN, 0};
  int ready;
  do {
    ready = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(0, wait.count())));
  } while (ready < 0 && errno == EINTR);
  if (ready < 0) {
    return fail(Status::io_error("waiting for " + describe_in_flight() + ": " + errno_text(errno)));
  }
  if (ready == 0) return false;
  uint8_t chunk[16384];
  const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return false;
  if (n <= 0) {
    const std::string why = n == 0 ? "the broker closed the connection" : errno_text(errno);
    const std::string state =
        read_buf_.empty() ? "" : " after " + std::to_string(read_buf_.size()) + " bytes";
    return fail(
        Status::unavailable("reading the answer to " + describe_in_flight() + state + ": " + why));
  }
  read_buf_.insert(read_buf_.end(), chunk, chunk + n);
  return true;
}

Result<std::optional<std::vector<uint8_t>>> ProtocolConnection::receive_body(int16_t api_key,
                                                                             milliseconds wait) {
  if (fd_ < 0) {
    return Status::failed_precondition("connection to " + address_.to_string() + " is closed");
  }
  if (!in_flight_ || in_flight_->api_key != api_key) {
    const kafka::ApiDescriptor* api = kafka::find_api(api_key);
    return Status::failed_precondition(std::string("no ") + (api ? api->name : "such") +
                                       " request is waiting on " + address_.to_string());
  }
  const Clock::time_point deadline = Clock::now() + wait;
  while (true) {
    if (read_buf_.size() >= 4) {
      const int32_t size = static_cast<int32_t>(kafka::load_be32(read_buf_.data()));
      if (size < 4 || size > kMaxResponseFrameBytes) {
        return fail(Status::corruption("the answer to " + describe_in_flight() +
                                       " has an invalid frame size " + std::to_string(size)));
      }
      const size_t total = 4 + static_cast<size_t>(size);
      if (read_buf_.size() > total) {
        return fail(
            Status::corruption(describe_in_flight() + ": the broker sent more than one answer"));
      }
      if (read_buf_.size() == total) break;
    }
    const int left = remaining_ms(deadline);
    Result<bool> got = read_some(milliseconds(left));
    if (!got.is_ok()) return got.status();
    if (!*got && left == 0) return std::optional<std::vector<uint8_t>>();
  }
  const InFlight req = *in_flight_;
  kafka::WireReader reader(std::span<const uint8_t>(read_buf_).subspan(4));
  const int32_t correlation_id = reader.read_int32();
  if (kafka::response_header_version(req.api_key, req.version) >= 1) reader.skip_tagged_fields();
  if (!reader.ok()) {
    return fail(Status::corruption("the answer to " + describe_in_flight() +
                                   " has a malformed header: " + reader.error()));
  }
  if (correlation_id != req.correlation_id) {
    return fail(Status::corruption("the answer to " + describe_in_flight() +
                                   " carries correlation id " + std::to_string(correlation_id) +
                                   ", expected " + std::to_string(req.correlation_id)));
  }
  std::vector<uint8_t> body(read_buf_.begin() + 4 + static_cast<std::ptrdiff_t>(reader.position()),
                            read_buf_.end());
  read_buf_.clear();
  in_flight_.reset();
  last_version_ = req.version;
  return std::optional<std::vector<uint8_t>>(std::move(body));
}

}  // namespace sluice::membership
