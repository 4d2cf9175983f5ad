// RestServer: Poco HTTPServer glue. Parses the listener, binds, turns each Poco request into an
// HttpRequest (path segments, query, size-bounded body), asks Endpoints, writes the response and
// logs method, path, status and duration (never bodies: they may hold secrets).
#include "runtime/rest/rest_server.h"

#include <Poco/Exception.h>
#include <Poco/Net/DNS.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <istream>
#include <mutex>
#include <utility>

#include "broker-lite/util/logging.h"
#include "runtime/rest/endpoints.h"

namespace sluice::rest {

namespace {

constexpr std::string_view kServerLog = "rest";
constexpr auto kStopGrace = std::chrono::seconds(1);

struct Listener {
  std::string host;  // empty: every address
  uint16_t port = 0;
};

Result<Listener> parse_listener(const std::string& text) {
  auto error = [&](const std::string& why) {
    return Status::invalid_argument("listeners: " + why + " ('" + text + "')");
  };
  if (text.find(',') != std::string::npos) return error("only one listener is supported");
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  constexpr std::string_view kScheme = "http://";
  if (lower.rfind(kScheme, 0) != 0) return error("expected http://HOST:PORT");
  std::string rest = text.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  Listener listener;
  size_t colon;
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string::npos) return error("unterminated IPv6 address");
    listener.host = rest.substr(1, close - 1);
    colon = close + 1;
    if (colon >= rest.size() || rest[colon] != ':') return error("missing port");
  } else {
    colon = rest.rfind(':');
    if (colon == std::string::npos) return error("missing port");
    listener.host = rest.substr(0, colon);
  }
  const std::string port = rest.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }) ||
      std::stoi(port) > 65535) {
    return error("bad port '" + port + "'");
  }
  listener.port = static_cast<uint16_t>(std::stoi(port));
  return listener;
}

// Splits the request target into decoded path segments and query parameters.
Status parse_target(const std::string& target, HttpRequest& request) {
  std::string_view view = target;
  if (const size_t scheme = view.find("://"); scheme != std::string_view::npos) {
    // absolute-form: drop "http://host"
    const size_t path = view.find('/', scheme + 3);
    view = path == std::string_view::npos ? std::string_view("/") : view.substr(path);
  }
  const size_t question = view.find('?');
  const std::string_view path = view.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view() : view.substr(question + 1);
  try {
    size_t pos = 0;
    if (!path.empty() && path.front() == '/') pos = 1;
    while (pos < path.size()) {
      size_t next = path.find('/', pos);
      if (next == std::string_view::npos) next = path.size();
      std::string segment;
      Poco::URI::decode(std::string(path.substr(pos, next - pos)), segment);
      request.segments.push_back(std::move(segment));
      pos = next + 1;
    }
    pos = 0;
    while (pos < query.size()) {
      size_t next = query.find('&', pos);
      if (next == std::string_view::npos) next = query.size();
      const std::string_view pair = query.substr(pos, next - pos);
      if (!pair.empty()) {
        const size_t equals = pair.find('=');
        std::string key;
        std::string value;
        Poco::URI::decode(std::string(pair.substr(0, equals)), key, true);
        if (equals != std::string_view::npos) {
          Poco::URI::decode(std::string(pair.substr(equals + 1)), value, true);
        }
        request.query.emplace_back(std::move(key), std::move(value));
      }
      pos = next + 1;
    }
  } catch (const Poco::Exception& e) {
    return Status::invalid_argument("Bad request target: " + e.displayText());
  }
  return Status::ok();
}

}  // namespace

class RestServer::Impl {
 public:
  Impl(HerderApi* herder, RestServerOptions options, ClusterRouting* cluster)
      : options_(std::move(options)),
        endpoints_(herder,
                   EndpointOptions{options_.version, options_.commit, options_.health_timeout,
                                   options_.forward_timeout},
                   cluster) {}

  ~Impl() {
    stop();
    if (pool_) pool_->joinAll();
    server_.reset();
  }

  Status start();
  void stop();
  void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

  std::string worker_id_;
  uint16_t port_ = 0;

 private:
  class Handler;
  class Factory;

  // Reads the body into `out` unless it is larger than the limit. Returns 0 or an HTTP status
  // (413 too large, 400 malformed chunking) after which the connection must close.
  int read_body(Poco::Net::HTTPServerRequest& request, HttpRequest& out) const;
  void send(Poco::Net::HTTPServerResponse& response, const HttpResponse& answer) const;

  RestServerOptions options_;
  Endpoints endpoints_;
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  Poco::Net::ServerSocket socket_;  // shares the server's socket; closed by stop()
  bool stopped_ = false;
  std::atomic<bool> stopping_{false};  // set by stop(); serve() then refuses new requests

  std::mutex in_flight_mu_;
  std::condition_variable in_flight_cv_;
  int in_flight_ = 0;
};

class RestServer::Impl::Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(Impl* impl) : impl_(impl) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    impl_->serve(request, response);
  }

 private:
  Impl* impl_;
};

class RestServer::Impl::Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(Impl* impl) : impl_(impl) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(impl_);
  }

 private:
  Impl* impl_;
};

Status RestServer::Impl::start() {
  if (server_) return Status::failed_precondition("REST server already started");
  Result<Listener> listener = parse_listener(options_.listeners);
  if (!listener.is_ok()) return listener.status();
  const std::string host = listener->host.empty() ? "0.0.0.0" : listener->host;
  const std::string shown = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                            std::to_string(listener->port);
  Poco::Net::ServerSocket socket;
  try {
    socket.bind(Poco::Net::SocketAddress(host, listener->port), /*reuseAddress=*/true,
                /*reusePort=*/false);
    socket.listen(64);
  } catch (const Poco::Exception& e) {
    return Status::io_error("listeners: cannot bind " + shown + ": " +
                            (e.message().empty() ? e.displayText() : e.message()));
  }
  port_ = socket.address().port();
  std::string id_host = listener->host;
  if (id_host.empty() || id_host == "0.0.0.0" || id_host == "::") {
    try {
      id_host = Poco::Net::DNS::hostName();
    } catch (const Poco::Exception&) {
      id_host = "localhost";
    }
  }
  if (id_host.find(':') != std::string::npos) id_host = "[" + id_host + "]";
  worker_id_ = id_host + ":" + std::to_string(port_);

  const int threads = std::max(1, options_.threads);
  auto* params = new Poco::Net::HTTPServerParams;  // owned by the server (reference counted)
  params->setMaxThreads(threads);
  params->setMaxQueued(128);
  params->setKeepAlive(true);
  pool_ = std::make_unique<Poco::ThreadPool>("rest", 1, threads);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(this), *pool_, socket, params);
  socket_ = socket;
  server_->start();
  SLUICE_LOG(kInfo, kServerLog,
             "REST API listening on http://" + shown + " (worker id " + worker_id_ + ")");
  return Status::ok();
}

void RestServer::Impl::stop() {
  if (!server_ || stopped_) return;
  stopped_ = true;
  stopping_.store(true);  // requests that arrive from now on are refused at once (503)
  server_->stop();        // no new connections
  socket_.close();        // refuse instead of leaving them in the backlog
  int stuck = 0;
  {
    std::unique_lock lock(in_flight_mu_);
    in_flight_cv_.wait_for(lock, kStopGrace, [&] { return in_flight_ == 0; });
    stuck = in_flight_;
  }
  if (stuck > 0) {
    SLUICE_LOG(kWarn, kServerLog,
               std::to_string(stuck) + " REST request(s) still in flight after 1 s; closing");
  }
  // Without requests in flight, connections are closed gracefully: Poco then waits for a
  // connection that is still finishing an answered request (its thread holds the connection
  // until the answer is out) instead of shutting the socket under it, which lost the answer
  // when the machine was slow. Only requests stuck in the herder past the grace are cut.
  server_->stopAll(/*abortCurrent=*/stuck > 0);
}

int RestServer::Impl::read_body(Poco::Net::HTTPServerRequest& request, HttpRequest& out) const {
  const bool chunked = request.getChunkedTransferEncoding();
  const bool has_length = request.hasContentLength();
  if (!chunked && !has_length) return 0;  // HTTP/1.1: no framing, no body
  out.has_body = true;
  if (has_length && !chunked &&
      static_cast<uint64_t>(request.getContentLength64()) > options_.max_body_bytes) {
    return 413;
  }
  std::istream& in = request.stream();
  char buffer[8192];
  while (in) {
    in.read(buffer, sizeof buffer);
    const auto got = static_cast<size_t>(in.gcount());
    if (got == 0) break;
    if (out.body.size() + got > options_.max_body_bytes) return 413;
    out.body.append(buffer, got);
  }
  // A broken chunked encoding or a body cut short sets badbit (the stream swallows the error).
  if (in.bad()) return 400;
  return 0;
}

void RestServer::Impl::send(Poco::Net::HTTPServerResponse& response,
                            const HttpResponse& answer) const {
  response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
  response.setReason(Poco::Net::HTTPResponse::getReasonForStatus(
      static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status)));
  for (const auto& [name, value] : answer.headers) response.set(name, value);
  if (answer.body) {
    const std::string text =
        answer.body->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    response.setContentType("application/json");
    response.setContentLength64(static_cast<Poco::Int64>(text.size()));
    response.sendBuffer(text.data(), text.size());
  } else {
    if (answer.status != 204) response.setContentLength(0);
    response.send();
  }
}

void RestServer::Impl::serve(Poco::Net::HTTPServerRequest& request,
                             Poco::Net::HTTPServerResponse& response) {
  const auto started = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(in_flight_mu_);
    ++in_flight_;
  }
  HttpRequest in;
  in.method = request.getMethod();
  for (const auto& [name, value] : request) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    in.headers.emplace_back(std::move(lower), value);
  }
  HttpResponse answer;
  bool close = false;
  try {
    Status target = Status::ok();
    if (stopping_.load()) {
      // A request on a kept-alive connection after stop() began: answered without the herder,
      // so that stop() never waits for work it did not know about.
      answer = error_response(503, "The worker is shutting down");
      close = true;
    } else if (target = parse_target(request.getURI(), in); !target.is_ok()) {
      answer = error_response(target);
    } else if (const int refused = read_body(request, in); refused == 413) {
      answer = error_response(413, "Request body exceeds the limit of " +
                                       std::to_string(options_.max_body_bytes) + " bytes");
      close = true;
    } else if (refused != 0) {
      answer = error_response(refused, "Malformed or incomplete request body");
      close = true;
    } else {
      answer = endpoints_.handle(in);
    }
  } catch (const Poco::Exception& e) {
    answer = error_response(400, "Malformed request: " + e.displayText());
    close = true;
  } catch (const std::exception& e) {
    answer = error_response(500, std::string("Internal error: ") + e.what());
  }
  if (close) response.setKeepAlive(false);
  try {
    send(response, answer);
  } catch (const std::exception& e) {
    SLUICE_LOG(kDebug, kServerLog, std::string("could not send a response: ") + e.what());
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (log_enabled(answer.status >= 500 ? LogLevel::kInfo : LogLevel::kDebug)) {
    std::string path = request.getURI().substr(0, request.getURI().find('?'));
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.1f ms", ms);
    log_line(answer.status >= 500 ? LogLevel::kInfo : LogLevel::kDebug, kServerLog,
             in.method + " " + path + " " + std::to_string(answer.status) + " " + duration);
  }
  {
    std::lock_guard lock(in_flight_mu_);
    --in_flight_;
  }
  in_flight_cv_.notify_all();
}

RestServer::RestServer(HerderApi* herder, RestServerOptions options, ClusterRouting* cluster)
    : impl_(std::make_unique<Impl>(herder, std::move(options), cluster)) {}

RestServer::~RestServer() = default;

Status RestServer::start() {
  return impl_->start();
}

void RestServer::stop() {
  impl_->stop();
}

std::string RestServer::worker_id() const {
  return impl_->worker_id_;
}

uint16_t RestServer::port() const {
  return impl_->port_;
}

}  // namespace sluice::rest
