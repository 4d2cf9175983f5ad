// Connection: framing, ordered responses and per-connection limits (see connection.h).
#include "broker-lite/server/connection.h"

#include <sys/sendfile.h>

#include <cerrno>
#include <chrono>
#include <vector>

#include "broker-lite/protocol/endian.h"
#include "broker-lite/util/logging.h"

namespace sluice::broker {

using asio::awaitable;
using asio::use_awaitable;

namespace {
constexpr int32_t kMinFrameBytes = 8;  // api key, api version, correlation id
constexpr size_t kMaxGatherBytes = 4 << 20;

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

void Request::mark_ready() const {
  slot->ready = true;
  if (auto conn = connection.lock()) conn->notify_ready();
}

Connection::Connection(asio::ip::tcp::socket socket, uint64_t id, ConnectionLimits limits,
                       const RequestDispatcher* dispatcher, std::function<void(uint64_t)> on_closed)
    : socket_(std::move(socket)),
      id_(id),
      limits_(limits),
      dispatcher_(dispatcher),
      on_closed_(std::move(on_closed)),
      writer_wakeup_(socket_.get_executor()),
      reader_wakeup_(socket_.get_executor()),
      last_activity_(std::chrono::steady_clock::now()),
      frames_(std::make_shared<FramePool>()) {
  asio::error_code ec;
  auto endpoint = socket_.remote_endpoint(ec);
  if (!ec) {
    peer_host_ = endpoint.address().to_string();
    peer_ = peer_host_ + ":" + std::to_string(endpoint.port());
  } else {
    peer_ = peer_host_ = "unknown";
  }
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
}

void Connection::start() {
  auto self = shared_from_this();
  asio::co_spawn(
      socket_.get_executor(), [self]() { return self->read_loop(); }, asio::detached);
  asio::co_spawn(
      socket_.get_executor(), [self]() { return self->write_loop(); }, asio::detached);
  if (limits_.idle_timeout_ms > 0) {
    asio::co_spawn(
        socket_.get_executor(), [self]() { return self->idle_watchdog(); }, asio::detached);
  }
}

void Connection::close(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  if (!reason.empty()) {
    SLUICE_LOG(kInfo, "connection",
               "closing connection " + std::to_string(id_) + " from " + peer_ + ": " + reason);
  }
  asio::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  writer_wakeup_.cancel();
  reader_wakeup_.cancel();
  slots_.clear();
  if (on_closed_) {
    auto cb = std::move(on_closed_);
    cb(id_);
  }
}

void Connection::notify_ready() {
  writer_wakeup_.cancel();
}

awaitable<void> Connection::read_loop() {
  auto self = shared_from_this();
  uint8_t size_bytes[4];
  for (;;) {
    if (closed_) co_return;
    while (slots_.size() >= limits_.max_pending_requests && !closed_) {
      reader_wakeup_.expires_at(std::chrono::steady_clock::time_point::max());
      asio::error_code ec;
      co_await reader_wakeup_.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    if (closed_) co_return;
    asio::error_code ec;
    co_await asio::async_read(socket_, asio::buffer(size_bytes, 4),
                              asio::redirect_error(use_awaitable, ec));
    if (ec) {
      close(ec == asio::error::eof || ec == asio::error::operation_aborted
                ? ""
                : "read failed: " + ec.message());
      co_return;
    }
    const int32_t size = static_cast<int32_t>(kafka::load_be32(size_bytes));
    // The size is checked before any allocation (a 2 GiB claim must cost nothing).
    if (size < kMinFrameBytes || size > limits_.max_frame_bytes) {
      close("request frame of " + std::to_string(size) + " bytes is outside [" +
            std::to_string(kMinFrameBytes) +
            ", socket.request.max.bytes=" + std::to_string(limits_.max_frame_bytes) + "]");
      co_return;
    }
    auto frame = frames_->take(static_cast<size_t>(size));
    co_await asio::async_read(socket_, asio::buffer(frame->data(), static_cast<size_t>(size)),
                              asio::redirect_error(use_awaitable, ec));
    if (ec) {
      close(ec == asio::error::eof ? "connection ended inside a request frame"
                                   : "read failed: " + ec.message());
      co_return;
    }
    last_activity_ = std::chrono::steady_clock::now();

    auto request = std::make_shared<Request>();
    const std::span<const uint8_t> bytes(frame->data(), static_cast<size_t>(size));
    kafka::WireReader reader(bytes);
    Status header_status = kafka::decode_request_header(reader, request->header);
    if (!header_status) {
      close("malformed request header: " + std::string(header_status.message()));
      co_return;
    }
    request->frame = frame;
    request->body = bytes.subspan(reader.position());
    request->slot = std::make_shared<ResponseSlot>();
    request->connection = self;
    request->client_host = peer_host_;
    request->received_ms = wall_ms();
    slots_.push_back(request->slot);
    std::string reason;
    if (!(*dispatcher_)(request, reason)) {
      close(reason);
      co_return;
    }
  }
}

// Sends `size` bytes of file `fd` from `offset` with sendfile(2): the segment bytes go from the
// page cache to the socket without passing through user space.
awaitable<asio::error_code> Connection::send_file_region(int fd, uint64_t offset, size_t size) {
  if (!socket_.native_non_blocking()) {
    asio::error_code ec;
    socket_.native_non_blocking(true, ec);
    if (ec) co_return ec;
  }
  off_t pos = static_cast<off_t>(offset);
  size_t left = size;
  while (left > 0) {
    ssize_t n = ::sendfile(socket_.native_handle(), fd, &pos, left);
    if (n > 0) {
      left -= static_cast<size_t>(n);
      continue;
    }
    if (n == 0)
      co_return asio::error::make_error_code(asio::error::eof);  // file shorter than claimed
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      co_return asio::error_code(errno, asio::error::get_system_category());
    }
    asio::error_code ec;
    co_await socket_.async_wait(asio::ip::tcp::socket::wait_write,
                                asio::redirect_error(use_awaitable, ec));
    if (ec) co_return ec;
  }
  co_return asio::error_code();
}

awaitable<void> Connection::write_loop() {
  auto self = shared_from_this();
  std::vector<asio::const_buffer> buffers;
  std::vector<kafka::WireWriter::OutputPart> parts;
  for (;;) {
    if (closed_) co_return;
    if (slots_.empty() || !slots_.front()->ready) {
      writer_wakeup_.expires_at(std::chrono::steady_clock::time_point::max());
      asio::error_code ec;
      co_await writer_wakeup_.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    // Gather every consecutive ready response into one write; file regions (fetched segment
    // bytes) are sent with sendfile between the memory parts.
    parts.clear();
    size_t count = 0;
    size_t bytes = 0;
    bool close_after = false;
    for (const auto& slot : slots_) {
      if (!slot->ready || bytes >= kMaxGatherBytes) break;
      ++count;
      if (slot->close_after) {
        close_after = true;
        break;
      }
      if (slot->no_response) continue;
      slot->out.gather_parts(parts);
      bytes += slot->out.size();
    }
    // The slots stay in the deque (and so keep their bytes alive) until everything is written.
    asio::error_code ec;
    buffers.clear();
    for (size_t i = 0; i <= parts.size() && !ec; ++i) {
      const bool at_end = i == parts.size();
      if (!at_end && parts[i].fd < 0) {
        if (!parts[i].bytes.empty())
          buffers.emplace_back(parts[i].bytes.data(), parts[i].bytes.size());
        continue;
      }
      if (!buffers.empty()) {
        co_await asio::async_write(socket_, buffers, asio::redirect_error(use_awaitable, ec));
        buffers.clear();
      }
      if (!at_end && !ec)
        ec = co_await send_file_region(parts[i].fd, parts[i].file_offset, parts[i].file_size);
    }
    if (ec) {
      close(ec == asio::error::operation_aborted ? "" : "write failed: " + ec.message());
      co_return;
    }
    if (bytes > 0) last_activity_ = std::chrono::steady_clock::now();
    if (closed_) co_return;
    for (size_t i = 0; i < count && !slots_.empty(); ++i) slots_.pop_front();
    reader_wakeup_.cancel();
    if (close_after) {
      close("closing after a request that ends the connection (its reason is logged above)");
      co_return;
    }
  }
}

awaitable<void> Connection::idle_watchdog() {
  auto self = shared_from_this();
  asio::steady_timer timer(socket_.get_executor());
  const auto idle = std::chrono::milliseconds(limits_.idle_timeout_ms);
  for (;;) {
    timer.expires_after(std::min<std::chrono::milliseconds>(idle, std::chrono::seconds(5)));
    asio::error_code ec;
    co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
    if (closed_) co_return;
    // A connection waiting for a held response (long poll, join) is not idle.
    if (slots_.empty() && std::chrono::steady_clock::now() - last_activity_ > idle) {
      close("idle for more than connections.max.idle.ms");
      co_return;
    }
  }
}

}  // namespace sluice::broker
