// Test helpers for the membership client: a scripted fake Kafka broker on a loopback port (one
// connection at a time, one handler call per request frame) for answers a real broker never
// gives -- garbage, cut-short frames, old version tables -- and a real broker-lite fixture whose
// group session timeouts may be short.
#pragma once

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "broker-lite/protocol/endian.h"
#include "broker-lite/protocol/messages.h"
#include "broker-lite/protocol/request_header.h"
#include "broker-lite/protocol/wire.h"
#include "tests/unit/kafka/in_process_broker.h"
#include "tests/unit/server/broker_test_util.h"

namespace sluice::membership::testing {

// What the fake answers to one request: raw bytes to write (a whole frame or a piece of one),
// then optionally close the connection.
struct FakeAnswer {
  std::vector<uint8_t> bytes;
  bool close_after = false;
};

// A whole response frame: size, correlation id, (flexible header: empty tags), body.
template <typename Response>
std::vector<uint8_t> response_frame(int32_t correlation_id, int16_t version,
                                    const Response& response) {
  kafka::WireWriter w;
  const size_t size_at = w.reserve_int32();
  kafka::encode_response_header(w, correlation_id,
                                kafka::response_header_version(Response::kApiKey, version));
  response.encode(w, version);
  w.patch_int32(size_at, static_cast<int32_t>(w.size() - 4));
  return w.flatten();
}

// An ApiVersions answer listing `apis` (key, min, max) at `version`.
inline kafka::ApiVersionsResponse api_versions_table(
    const std::vector<std::tuple<int16_t, int16_t, int16_t>>& apis, int16_t error_code = 0) {
  kafka::ApiVersionsResponse r;
  r.error_code = error_code;
  for (const auto& [key, lo, hi] : apis) {
    kafka::ApiVersionsResponse::ApiVersion v;
    v.api_key = key;
    v.min_version = lo;
    v.max_version = hi;
    r.api_keys.push_back(v);
  }
  return r;
}

class FakeBroker {
 public:
  // Called for each request frame with its header and body (borrowed for the call).
  using Handler =
      std::function<FakeAnswer(const kafka::RequestHeader&, std::span<const uint8_t> body)>;

  explicit FakeBroker(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(listen_fd_, 8), 0);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeBroker() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  FakeBroker(const FakeBroker&) = delete;
  FakeBroker& operator=(const FakeBroker&) = delete;

  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // Headers of every request seen, in order.
  std::vector<kafka::RequestHeader> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  bool wait_readable(int fd) {
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20) > 0) return true;
    }
    return false;
  }
  bool read_exact(int fd, uint8_t* out, size_t n) {
    size_t done = 0;
    while (done < n) {
      if (!wait_readable(fd)) return false;
      ssize_t got = ::recv(fd, out + done, n - done, 0);
      if (got <= 0) return false;
      done += static_cast<size_t>(got);
    }
    return true;
  }
  void serve() {
    while (!stop_) {
      if (!wait_readable(listen_fd_)) return;
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      serve_connection(fd);
      ::close(fd);
    }
  }
  void serve_connection(int fd) {
    while (!stop_) {
      uint8_t size_bytes[4];
      if (!read_exact(fd, size_bytes, 4)) return;
      const int32_t size = static_cast<int32_t>(kafka::load_be32(size_bytes));
      if (size < 0 || size > (1 << 20)) return;
      std::vector<uint8_t> frame(static_cast<size_t>(size));
      if (!read_exact(fd, frame.data(), frame.size())) return;
      kafka::WireReader r(frame);
      kafka::RequestHeader h;
      if (!kafka::decode_request_header(r, h).is_ok()) return;
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(h);
      }
      FakeAnswer answer = handler_(h, r.rest());
      size_t done = 0;
      while (done < answer.bytes.size()) {
        ssize_t n =
            ::send(fd, answer.bytes.data() + done, answer.bytes.size() - done, MSG_NOSIGNAL);
        if (n <= 0) return;
        done += static_cast<size_t>(n);
      }
      if (answer.close_after) return;
    }
  }

  Handler handler_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<kafka::RequestHeader> requests_;
};

// A loopback port with nothing listening on it (bound once, then closed).
inline uint16_t closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// A real broker-lite in-process whose coordinator accepts session timeouts from 500 ms, so that
// session expiry can be tested in about a second.
class MembershipBrokerTest : public kafka_client::testing::InProcessBrokerTest {
 protected:
  // Sessions of a second or two keep the tests short.
  void configure(broker::BrokerConfig& config) override {
    config.group_min_session_timeout_ms = 500;
  }
};

}  // namespace sluice::membership::testing
