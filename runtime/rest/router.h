// Router: maps (method, path segments) to a handler. A pattern segment "{x}" matches any one
// segment and is passed to the handler as a parameter. No matching path → 404; a matching path
// without a handler for the method → 405 with an Allow header.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/rest/http_message.h"

namespace sluice::rest {

class Router {
 public:
  // Path parameters in pattern order ("/connectors/{c}/tasks/{n}/status" → {c, n}).
  using Params = std::vector<std::string>;
  using Handler = std::function<HttpResponse(const HttpRequest&, const Params&)>;

  // Registers `handler` for `method` on `pattern` ("/connectors/{c}/config"). A later pattern
  // with fixed segments never conflicts with an earlier parameter one: fixed segments win.
  void add(std::string_view method, std::string_view pattern, Handler handler);

  // Runs the handler for `request`, or answers 404/405.
  HttpResponse dispatch(const HttpRequest& request) const;

 private:
  struct Route {
    std::vector<std::string> pattern;
    std::map<std::string, Handler> handlers;  // by method
  };
  // Whether `route` matches `segments`; fills `params`. Counts fixed-segment matches in `score`.
  static bool matches(const Route& route, const std::vector<std::string>& segments, Params& params,
                      int& score);

  std::vector<Route> routes_;
};

}  // namespace sluice::rest
