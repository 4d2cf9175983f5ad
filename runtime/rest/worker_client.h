// WorkerClient: the HTTP calls one worker makes to another's REST API in a cluster
// (docs/design/distributed.md §5): forwarding a client's request to the leader (or to the worker
// running a task) and handing a connector's task configs to the leader. Every call has a bounded
// timeout; transport failures come back as a Status naming the URL, never as an exception.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "broker-lite/util/status.h"
#include "runtime/rest/http_message.h"
#include "runtime/rest/request_signature.h"

namespace sluice::rest {

// Header that marks a request forwarded by another worker (lower-cased); such a request is
// served where it arrives and never forwarded again.
inline constexpr std::string_view kForwardedHeader = "x-sluice-forwarded";

class WorkerClient {
 public:
  // Answers larger than this are refused (a worker's answers are small JSON documents).
  static constexpr size_t kMaxAnswerBytes = 16 << 20;

  // Sends `request` to the worker at `base_url` ("http://host:port"): same method, path, query,
  // body and end-to-end headers (hop-by-hop ones and old signature headers are dropped), plus
  // `extra_headers` (e.g. a signature from sign_request()) and "X-Sluice-Forwarded: 1". Returns
  // the other worker's answer whatever its status (its JSON body, and its Location header when
  // set). The whole exchange ends `timeout` after the call began (the connection is shut down
  // then, even while an answer is still trickling in). Errors:
  // kInvalidArgument for a bad `base_url`; kUnavailable when the worker cannot be reached,
  // does not answer in time or answers with a body that is not JSON; messages name the URL.
  [[nodiscard]] Result<HttpResponse> forward(const std::string& base_url,
                                             const HttpRequest& request,
                                             const HeaderList& extra_headers,
                                             std::chrono::milliseconds timeout) const;

  // POST {base_url}/connectors/{connector}/tasks with `configs` as a JSON array of objects,
  // signed with `key` (raw session key bytes) and `algorithm` (see request_signature.h). OK on a
  // 2xx answer. A non-2xx answer becomes a Status whose code follows the HTTP status (400
  // kInvalidArgument, 403 kUnsupported, 404 kNotFound, 409 kFailedPrecondition, 503
  // kUnavailable, other kInternal) and whose message names the URL and carries the remote
  // message; transport failures are kUnavailable; an unusable key or algorithm is
  // kInvalidArgument (nothing is sent).
  [[nodiscard]] Status post_task_configs(
      const std::string& base_url, const std::string& connector,
      const std::vector<std::map<std::string, std::string>>& configs, std::string_view key,
      std::string_view algorithm, std::chrono::milliseconds timeout) const;
};

}  // namespace sluice::rest
