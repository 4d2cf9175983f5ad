// Status and Result<T>: the error-reporting value types used across Sluice's module boundaries
// instead of exceptions. An OK Status holds no allocation; an error carries a code and a message
// that names its subject (the file, segment, topic, connector, ...).
#pragma once

#include <cassert>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sluice {

// A small set of codes; each maps onto an HTTP status and (where relevant) a Kafka error code.
enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument,     // bad input from a caller or a peer (HTTP 400, Kafka INVALID_REQUEST)
  kNotFound,            // the named thing does not exist (HTTP 404)
  kAlreadyExists,       // the named thing exists already (HTTP 409)
  kCorruption,          // stored or received bytes fail validation (CRC, lengths)
  kIoError,             // an operating-system call failed
  kUnsupported,         // valid but not supported (version, codec)
  kResourceExhausted,   // a size or count limit was hit
  kFailedPrecondition,  // the state does not allow the operation now (HTTP 409)
  kUnavailable,         // try again later
  kInternal,            // a bug or an unexpected state
};

std::string_view status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message)
      : state_(code == StatusCode::kOk ? nullptr
                                       : std::make_unique<State>(State{code, std::move(message)})) {
  }
  Status(const Status& other)
      : state_(other.state_ ? std::make_unique<State>(*other.state_) : nullptr) {}
  Status& operator=(const Status& other) {
    if (this != &other) state_ = other.state_ ? std::make_unique<State>(*other.state_) : nullptr;
    return *this;
  }
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status ok() { return Status(); }
  static Status invalid_argument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status not_found(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status already_exists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status io_error(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status unsupported(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
  static Status resource_exhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status failed_precondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool is_ok() const { return state_ == nullptr; }
  explicit operator bool() const { return is_ok(); }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  // The message; empty for OK. The view lives as long as this Status.
  std::string_view message() const { return state_ ? std::string_view(state_->message) : ""; }
  // "<code name>: <message>" or "OK".
  std::string to_string() const;

  // Returns a copy with "<context>: " prepended to the message (OK stays OK).
  Status with_context(std::string_view context) const {
    if (is_ok()) return Status();
    std::string m(context);
    m += ": ";
    m += state_->message;
    return Status(state_->code, std::move(m));
  }

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  std::unique_ptr<State> state_;
};

inline std::string_view status_code_name(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "OK";
    case StatusCode::kInvalidArgument:
      return "invalid argument";
    case StatusCode::kNotFound:
      return "not found";
    case StatusCode::kAlreadyExists:
      return "already exists";
    case StatusCode::kCorruption:
      return "corruption";
    case StatusCode::kIoError:
      return "I/O error";
    case StatusCode::kUnsupported:
      return "unsupported";
    case StatusCode::kResourceExhausted:
      return "resource exhausted";
    case StatusCode::kFailedPrecondition:
      return "failed precondition";
    case StatusCode::kUnavailable:
      return "unavailable";
    case StatusCode::kInternal:
      return "internal error";
  }
  return "unknown";
}

inline std::string Status::to_string() const {
  if (is_ok()) return "OK";
  std::string s(status_code_name(state_->code));
  s += ": ";
  s += state_->message;
  return s;
}

// Either a value or an error Status. Accessing value() of an error is a bug (asserted).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(data_).is_ok() && "Result constructed from an OK Status");
  }

  bool is_ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return is_ok(); }
  const Status& status() const {
    static const Status kOk;
    return is_ok() ? kOk : std::get<Status>(data_);
  }
  T& value() & {
    assert(is_ok());
    return std::get<T>(data_);
  }
  const T& value() const& {
    assert(is_ok());
    return std::get<T>(data_);
  }
  T&& value() && {
    assert(is_ok());
    return std::get<T>(std::move(data_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace sluice

// Returns early from the enclosing function with the error if `expr` yields a non-OK Status.
#define SLUICE_RETURN_IF_ERROR(expr)                    \
  do {                                                  \
    ::sluice::Status sluice_status_ = (expr);           \
    if (!sluice_status_.is_ok()) return sluice_status_; \
  } while (0)
