// Access to the host API from SDK code: the pointer kept by the entry function, the host context
// of the hook running on this thread, conversions between std::string_view and sluice_str, and
// the logging helpers (sluice::log_info(...) etc.), and the names of ABI statuses.
#ifndef SLUICE_SDK_HOST_H_
#define SLUICE_SDK_HOST_H_

#include <sluice/plugin_abi.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

namespace sluice {

enum class HostLogLevel : uint32_t {
  kError = SLUICE_LOG_ERROR,
  kWarn = SLUICE_LOG_WARN,
  kInfo = SLUICE_LOG_INFO,
  kDebug = SLUICE_LOG_DEBUG,
  kTrace = SLUICE_LOG_TRACE,
};

// The name of an ABI status (SLUICE_OK -> "OK", SLUICE_ERR_RETRIABLE -> "RETRIABLE", ...,
// SLUICE_ERR_INVALID_ARGUMENT -> "INVALID_ARGUMENT"). A value the ABI does not define is treated
// as FAILED (plugin-abi.md §3) and named so.
[[nodiscard]] constexpr std::string_view abi_status_name(int32_t status) noexcept {
  switch (status) {
    case SLUICE_OK:
      return "OK";
    case SLUICE_ERR_RETRIABLE:
      return "RETRIABLE";
    case SLUICE_ERR_CONFIG:
      return "CONFIG";
    case SLUICE_ERR_EXCEPTION:
      return "EXCEPTION";
    case SLUICE_ERR_NOT_FOUND:
      return "NOT_FOUND";
    case SLUICE_ERR_UNSUPPORTED:
      return "UNSUPPORTED";
    case SLUICE_ERR_ILLEGAL_STATE:
      return "ILLEGAL_STATE";
    case SLUICE_ERR_INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    default:
      return "FAILED";
  }
}

namespace sdk_detail {

// Set once by the entry function when the host's ABI major matches; valid for the life of the
// process. Null before that (and in a library refused for its major): every helper then does
// nothing.
inline const sluice_host_api* g_host = nullptr;

// The host context of the instance whose hook is running on this thread (null outside hooks).
// Lets the free logging functions name their subject without being handed a context.
inline thread_local sluice_host_ctx* t_current_ctx = nullptr;

[[nodiscard]] inline const sluice_host_api* host() noexcept {
  return g_host;
}

// A view of `s` for the ABI; borrows s's storage.
[[nodiscard]] inline sluice_str to_str(std::string_view s) noexcept {
  return sluice_str{s.data(), static_cast<uint64_t>(s.size())};
}
// A view of an ABI string; borrows the same memory.
[[nodiscard]] inline std::string_view from_str(sluice_str s) noexcept {
  return s.ptr == nullptr ? std::string_view() : std::string_view(s.ptr, s.len);
}

// Makes `ctx` the current context of this thread for the scope (restores the previous one).
class CurrentCtxScope {
 public:
  explicit CurrentCtxScope(sluice_host_ctx* ctx) noexcept : previous_(t_current_ctx) {
    t_current_ctx = ctx;
  }
  ~CurrentCtxScope() { t_current_ctx = previous_; }
  CurrentCtxScope(const CurrentCtxScope&) = delete;
  CurrentCtxScope& operator=(const CurrentCtxScope&) = delete;

 private:
  sluice_host_ctx* previous_;
};

// Sends one line to the host's log for `ctx` (may be null: library-level). Never throws.
inline void log_to(sluice_host_ctx* ctx, HostLogLevel level, std::string_view message) noexcept {
  if (g_host != nullptr && g_host->log != nullptr) {
    g_host->log(ctx, static_cast<uint32_t>(level), to_str(message));
  }
}

// Sets the error text of the current hook. Never throws.
inline void set_error(sluice_host_ctx* ctx, std::string_view message) noexcept {
  if (g_host != nullptr && g_host->set_error != nullptr) g_host->set_error(ctx, to_str(message));
}

template <typename... Args>
std::string concat(Args&&... args) {
  std::ostringstream out;
  (out << ... << std::forward<Args>(args));
  return std::move(out).str();
}

template <typename... Args>
void log_parts(HostLogLevel level, Args&&... args) noexcept {
  if (g_host == nullptr) return;
  try {
    log_to(t_current_ctx, level, concat(std::forward<Args>(args)...));
  } catch (...) {  // formatting failed (out of memory): the line is lost, the plugin carries on
  }
}

}  // namespace sdk_detail

// Logging through the host: the arguments are streamed with operator<< into one line, e.g.
// sluice::log_info("read ", n, " lines from ", path). Inside a hook the line carries the
// instance's subject (connector/task); on other threads it is library-level. Never throws.
template <typename... Args>
void log_at(HostLogLevel level, Args&&... args) noexcept {
  sdk_detail::log_parts(level, std::forward<Args>(args)...);
}
template <typename... Args>
void log_error(Args&&... args) noexcept {
  sdk_detail::log_parts(HostLogLevel::kError, std::forward<Args>(args)...);
}
template <typename... Args>
void log_warn(Args&&... args) noexcept {
  sdk_detail::log_parts(HostLogLevel::kWarn, std::forward<Args>(args)...);
}
template <typename... Args>
void log_info(Args&&... args) noexcept {
  sdk_detail::log_parts(HostLogLevel::kInfo, std::forward<Args>(args)...);
}
template <typename... Args>
void log_debug(Args&&... args) noexcept {
  sdk_detail::log_parts(HostLogLevel::kDebug, std::forward<Args>(args)...);
}
template <typename... Args>
void log_trace(Args&&... args) noexcept {
  sdk_detail::log_parts(HostLogLevel::kTrace, std::forward<Args>(args)...);
}

}  // namespace sluice

#endif  // SLUICE_SDK_HOST_H_
