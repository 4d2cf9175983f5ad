// Minimal leveled logging to stderr, shared by broker-lite and the worker: one line per event,
// "<UTC time> <LEVEL> [<component>] <message>". Thread-safe (one fprintf per line). Not for hot
// paths: callers check enabled() before building a message there.
#pragma once

#include <sys/time.h>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <string_view>

namespace sluice {

enum class LogLevel : int { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

inline std::atomic<int>& log_threshold() {
  static std::atomic<int> level{static_cast<int>(LogLevel::kInfo)};
  return level;
}
inline void set_log_level(LogLevel l) {
  log_threshold().store(static_cast<int>(l));
}
inline bool log_enabled(LogLevel l) {
  return static_cast<int>(l) >= log_threshold().load(std::memory_order_relaxed);
}
inline LogLevel parse_log_level(std::string_view s) {
  if (s == "debug") return LogLevel::kDebug;
  if (s == "warn") return LogLevel::kWarn;
  if (s == "error") return LogLevel::kError;
  return LogLevel::kInfo;
}

// Writes one line if `level` is enabled. `component` and `message` are borrowed for the call.
inline void log_line(LogLevel level, std::string_view component, std::string_view message) {
  if (!log_enabled(level)) return;
  static constexpr const char* kNames[] = {"DEBUG", "INFO", "WARN", "ERROR"};
  timeval tv;
  gettimeofday(&tv, nullptr);
  tm t;
  gmtime_r(&tv.tv_sec, &t);
  char stamp[32];
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &t);
  std::fprintf(stderr, "%s.%03dZ %-5s [%.*s] %.*s\n", stamp, static_cast<int>(tv.tv_usec / 1000),
               kNames[static_cast<int>(level)], static_cast<int>(component.size()),
               component.data(), static_cast<int>(message.size()), message.data());
}

}  // namespace sluice

#define SLUICE_LOG(level, component, message)                                \
  do {                                                                       \
    if (::sluice::log_enabled(::sluice::LogLevel::level))                    \
      ::sluice::log_line(::sluice::LogLevel::level, (component), (message)); \
  } while (0)
