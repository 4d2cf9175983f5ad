// The exceptions a plugin throws to report a failure, and the status each maps to at the ABI
// boundary (docs/formats/plugin-abi.md §10). The SDK's hook trampolines catch them; none of them
// ever crosses into the host.
#ifndef SLUICE_SDK_ERRORS_H_
#define SLUICE_SDK_ERRORS_H_

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <typeinfo>

namespace sluice {

// Transient failure: the host retries (poll again, the same put batch again after a back-off,
// the next commit). In start/create it counts as a failure.
class RetriableError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bad configuration. key() names the offending key when known (empty for a cross-key problem);
// what() is the full message and already names the key.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(const std::string& message) : std::runtime_error(message) {}
  ConfigError(std::string key, const std::string& message)
      : std::runtime_error(message), key_(std::move(key)) {}
  [[nodiscard]] const std::string& key() const noexcept { return key_; }

 private:
  std::string key_;
};

// Non-retriable failure with a clean message: the instance becomes FAILED with what() as its
// trace (SLUICE_ERR_FAILED). Any other std::exception is reported as SLUICE_ERR_EXCEPTION with
// its type name in front of the message.
class FailedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace sdk_detail {

// The readable name of a type from typeid().name(); the mangled name if demangling fails.
inline std::string demangle(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
  return status == 0 && out ? std::string(out.get()) : std::string(mangled);
}

}  // namespace sdk_detail
}  // namespace sluice

#endif  // SLUICE_SDK_ERRORS_H_
