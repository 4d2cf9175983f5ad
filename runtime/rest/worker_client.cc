// WorkerClient: Poco HTTPClientSession calls between workers, one connection per call, bounded
// by the caller's timeout. Poco exceptions stop here.
#include "runtime/rest/worker_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/URI.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <istream>
#include <mutex>
#include <optional>
#include <ostream>
#include <thread>

namespace sluice::rest {

namespace {

// Headers that describe one connection or its framing, or that the forwarder sets itself.
constexpr std::array<std::string_view, 12> kNotForwarded = {
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "upgrade",
    "expect",
    "proxy-connection",
    kSignatureHeader,
    kSignatureAlgorithmHeader,
};

struct Endpoint {
  std::string host;
  uint16_t port = 0;
};

Result<Endpoint> parse_base_url(const std::string& base_url) {
  auto bad = [&](const std::string& why) {
    return Status::invalid_argument("Bad worker URL '" + base_url + "': " + why);
  };
  try {
    const Poco::URI uri(base_url);
    if (uri.getScheme() != "http") return bad("expected http://HOST:PORT");
    if (uri.getHost().empty()) return bad("no host");
    if (!uri.getPath().empty() && uri.getPath() != "/") return bad("a path is not allowed");
    return Endpoint{uri.getHost(), uri.getPort()};
  } catch (const Poco::Exception& e) {
    return bad(e.displayText());
  }
}

std::string url_of(const std::string& base_url, const std::string& target) {
  std::string url = base_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url + target;
}

struct Answer {
  int status = 0;
  std::string body;
  std::optional<std::string> location;
};

// Ends an exchange at its deadline: once watch() is given the connected socket, a thread shuts
// the socket down when the deadline passes (and sets `*expired`), so that a read blocked on a
// peer that answers too slowly (or trickles its answer in) returns at once. The destructor stops
// the thread; destroy this before the socket is closed. `expired` is borrowed and must outlive
// this object.
class DeadlineWatch {
 public:
  DeadlineWatch(std::chrono::steady_clock::time_point deadline, std::atomic<bool>* expired)
      : deadline_(deadline), expired_(expired) {}
  ~DeadlineWatch() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  DeadlineWatch(const DeadlineWatch&) = delete;
  DeadlineWatch& operator=(const DeadlineWatch&) = delete;

  // `socket` is a handle sharing the session's socket (kept open until this is destroyed).
  void watch(Poco::Net::StreamSocket socket) {
    thread_ = std::thread([this, socket]() mutable {
      std::unique_lock lock(mu_);
      if (cv_.wait_until(lock, deadline_, [&] { return done_; })) return;
      expired_->store(true);
      try {
        socket.shutdown();
      } catch (const Poco::Exception&) {
        // already closed by the peer: nothing left to interrupt
      }
    });
  }

 private:
  const std::chrono::steady_clock::time_point deadline_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool>* expired_;
  bool done_ = false;
  std::thread thread_;
};

// One request/answer exchange with the worker at `base_url`. `body` is sent when set. The whole
// exchange ends `timeout` after the call began.
Result<Answer> exchange(const std::string& base_url, const std::string& method,
                        const std::string& target, const HeaderList& headers,
                        const std::optional<std::string>& body, std::chrono::milliseconds timeout) {
  Result<Endpoint> endpoint = parse_base_url(base_url);
  if (!endpoint.is_ok()) return endpoint.status();
  const std::string url = url_of(base_url, target);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::atomic<bool> expired{false};
  auto timed_out = [&] { return expired.load() || std::chrono::steady_clock::now() >= deadline; };
  auto timeout_status = [&] {
    return Status::unavailable(url + " did not answer within " + std::to_string(timeout.count()) +
                               " ms");
  };
  try {
    Poco::Net::HTTPClientSession session(endpoint->host, endpoint->port);
    session.setTimeout(Poco::Timespan(std::chrono::microseconds(timeout).count()));
    session.setKeepAlive(false);
    Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(false);
    for (const auto& [name, value] : headers) request.add(name, value);
    if (body) {
      if (!request.has("Content-Type")) request.setContentType("application/json");
      request.setContentLength64(static_cast<Poco::Int64>(body->size()));
    }
    std::ostream& out = session.sendRequest(request);
    DeadlineWatch watch(deadline, &expired);  // destroyed before `session` closes the socket
    watch.watch(session.socket());
    if (body) out.write(body->data(), static_cast<std::streamsize>(body->size()));
    out.flush();
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Answer answer;
    answer.status = static_cast<int>(response.getStatus());
    if (response.has("Location")) answer.location = response.get("Location");
    char buffer[8192];
    while (in) {
      in.read(buffer, sizeof buffer);
      const auto got = static_cast<size_t>(in.gcount());
      if (got == 0) break;
      if (answer.body.size() + got > WorkerClient::kMaxAnswerBytes) {
        return Status::unavailable(url + " answered with more than " +
                                   std::to_string(WorkerClient::kMaxAnswerBytes) + " bytes");
      }
      answer.body.append(buffer, got);
    }
    // A socket shut down at the deadline may leave a cut answer that looks complete.
    if (expired.load()) return timeout_status();
    if (in.bad()) return Status::unavailable(url + " sent an incomplete answer");
    return answer;
  } catch (const Poco::TimeoutException&) {
    return timeout_status();
  } catch (const Poco::Exception& e) {
    if (timed_out()) return timeout_status();
    return Status::unavailable("Could not reach " + url + ": " + e.displayText());
  } catch (const std::exception& e) {
    if (timed_out()) return timeout_status();
    return Status::unavailable("Could not reach " + url + ": " + e.what());
  }
}

bool forwarded_as_is(const std::string& lower_name) {
  for (std::string_view skipped : kNotForwarded) {
    if (lower_name == skipped) return false;
  }
  return lower_name != kForwardedHeader;
}

StatusCode code_for_http_status(int status) {
  switch (status) {
    case 400:
      return StatusCode::kInvalidArgument;
    case 403:
      return StatusCode::kUnsupported;
    case 404:
      return StatusCode::kNotFound;
    case 409:
      return StatusCode::kFailedPrecondition;
    case 503:
      return StatusCode::kUnavailable;
    default:
      return StatusCode::kInternal;
  }
}

// The "message" of an error body, else the body itself (shortened).
std::string remote_message(const std::string& body) {
  try {
    const nlohmann::json parsed = nlohmann::json::parse(body);
    if (parsed.is_object() && parsed.contains("message") && parsed["message"].is_string()) {
      return parsed["message"].get<std::string>();
    }
  } catch (const nlohmann::json::exception&) {
  }
  constexpr size_t kShown = 200;
  return body.size() > kShown ? body.substr(0, kShown) + "..." : body;
}

}  // namespace

Result<HttpResponse> WorkerClient::forward(const std::string& base_url, const HttpRequest& request,
                                           const HeaderList& extra_headers,
                                           std::chrono::milliseconds timeout) const {
  HeaderList headers;
  for (const auto& [name, value] : request.headers) {
    if (forwarded_as_is(name)) headers.emplace_back(name, value);
  }
  headers.insert(headers.end(), extra_headers.begin(), extra_headers.end());
  headers.emplace_back("X-Sluice-Forwarded", "1");
  const std::string target = request.target();
  Result<Answer> answer =
      exchange(base_url, request.method, target, headers,
               request.has_body ? std::optional<std::string>(request.body) : std::nullopt, timeout);
  if (!answer.is_ok()) return answer.status();
  HttpResponse response;
  response.status = answer->status;
  if (answer->location) response.headers.emplace_back("Location", *answer->location);
  if (!answer->body.empty()) {
    try {
      response.body = nlohmann::json::parse(answer->body);
    } catch (const nlohmann::json::exception& e) {
      return Status::internal(url_of(base_url, target) + " answered HTTP " +
                              std::to_string(answer->status) +
                              " with a body that is not JSON: " + e.what());
    }
  }
  return response;
}

Status WorkerClient::post_task_configs(
    const std::string& base_url, const std::string& connector,
    const std::vector<std::map<std::string, std::string>>& configs, std::string_view key,
    std::string_view algorithm, std::chrono::milliseconds timeout) const {
  nlohmann::json array = nlohmann::json::array();
  for (const auto& config : configs) array.push_back(config);
  std::string body = array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  Result<HeaderList> signature = sign_request(key, algorithm, body);
  if (!signature.is_ok()) {
    return Status::invalid_argument("Cannot sign the task configs of connector " + connector +
                                    ": " + std::string(signature.status().message()));
  }
  HttpRequest path;
  path.segments = {"connectors", connector, "tasks"};
  const std::string target = path.target();
  Result<Answer> answer = exchange(base_url, "POST", target, signature.value(), body, timeout);
  if (!answer.is_ok()) return answer.status();
  if (answer->status >= 200 && answer->status < 300) return Status::ok();
  return Status(code_for_http_status(answer->status),
                "POST " + url_of(base_url, target) + " (task configs of connector " + connector +
                    ") answered HTTP " + std::to_string(answer->status) + ": " +
                    remote_message(answer->body));
}

}  // namespace sluice::rest
