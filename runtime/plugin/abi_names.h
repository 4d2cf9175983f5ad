// Names and mappings of the plugin ABI's numeric constants (docs/formats/plugin-abi.md §3, §4.2,
// §6): status codes to their names and to sluice::StatusCode, plugin kinds and config types to
// words. Used by the registry's refusal reasons, the handles' error messages and the docs page.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <sluice/plugin_abi.h>

#include "broker-lite/util/status.h"

namespace sluice::plugin {

// "OK", "RETRIABLE", "CONFIG", "FAILED", "EXCEPTION", "NOT_FOUND", "UNSUPPORTED",
// "ILLEGAL_STATE", "INVALID_ARGUMENT"; any other value is treated as FAILED (ABI §3) and named
// "FAILED" too.
std::string_view abi_status_name(int32_t status);

// How a hook's status maps onto sluice::StatusCode:
//   RETRIABLE → kUnavailable, CONFIG and INVALID_ARGUMENT → kInvalidArgument,
//   NOT_FOUND → kNotFound, UNSUPPORTED → kUnsupported, ILLEGAL_STATE → kFailedPrecondition,
//   FAILED, EXCEPTION and unknown values → kInternal. OK → kOk.
StatusCode abi_status_code(int32_t status);

// Inverse direction for host functions: a sluice::Status to the ABI status a host function
// returns (OK → SLUICE_OK, kNotFound → NOT_FOUND, kInvalidArgument → INVALID_ARGUMENT,
// kFailedPrecondition → ILLEGAL_STATE, kUnsupported → UNSUPPORTED, kUnavailable → RETRIABLE,
// everything else → FAILED).
int32_t abi_status_from(const Status& status);

// "source", "sink", "converter", "transform", or "kind <n>" for an unknown value.
std::string abi_kind_name(uint32_t kind);

// "BOOLEAN", "INT", "LONG", "DOUBLE", "STRING", "LIST", "PASSWORD", "CLASS", or "type <n>".
std::string abi_config_type_name(uint32_t type);

// "HIGH", "MEDIUM", "LOW", or "importance <n>".
std::string abi_importance_name(uint32_t importance);

// Views over C strings and sluice_str. The results borrow their argument.
inline std::string_view view_of(sluice_str s) {
  return s.ptr == nullptr ? std::string_view() : std::string_view(s.ptr, s.len);
}
inline sluice_str str_of(std::string_view s) {
  return sluice_str{s.data(), static_cast<uint64_t>(s.size())};
}

}  // namespace sluice::plugin
