// One client TCP connection: reads size-prefixed frames (the size is checked against
// socket.request.max.bytes before anything is allocated), parses the request header, hands the
// request to the dispatcher, and writes responses back in request order. A malformed frame or an
// unsupported API version closes this connection only, with the reason logged.
#pragma once

#include <asio.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "broker-lite/server/frame_pool.h"
#include "broker-lite/server/request.h"

namespace sluice::broker {

struct ConnectionLimits {
  int32_t max_frame_bytes = 104857600;  // socket.request.max.bytes
  size_t max_pending_requests = 128;    // reading pauses while this many await responses
  int64_t idle_timeout_ms = 600000;     // connections.max.idle.ms
};

// Called on the network thread for each request read. Returns false to close the connection
// (unknown API, unsupported version); the string says why.
using RequestDispatcher = std::function<bool(const RequestPtr&, std::string& reason)>;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `dispatcher` must outlive the connection; `on_closed` runs once when the connection ends.
  Connection(asio::ip::tcp::socket socket, uint64_t id, ConnectionLimits limits,
             const RequestDispatcher* dispatcher, std::function<void(uint64_t)> on_closed);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start();
  // Closes the socket; pending responses are dropped. Safe to call more than once.
  void close(const std::string& reason);
  uint64_t id() const { return id_; }
  const std::string& peer() const { return peer_; }

  // Called by a request whose slot became ready: wakes the writer.
  void notify_ready();

 private:
  asio::awaitable<void> read_loop();
  asio::awaitable<void> write_loop();
  asio::awaitable<asio::error_code> send_file_region(int fd, uint64_t offset, size_t size);
  asio::awaitable<void> idle_watchdog();

  asio::ip::tcp::socket socket_;
  uint64_t id_;
  ConnectionLimits limits_;
  const RequestDispatcher* dispatcher_;
  std::function<void(uint64_t)> on_closed_;
  std::string peer_;
  std::string peer_host_;
  std::deque<std::shared_ptr<ResponseSlot>> slots_;  // in request order
  asio::steady_timer writer_wakeup_;
  asio::steady_timer reader_wakeup_;
  std::chrono::steady_clock::time_point last_activity_;
  std::shared_ptr<FramePool> frames_;
  bool closed_ = false;
};

}  // namespace sluice::broker
