// Names and mappings of the plugin ABI's numeric constants; see abi_names.h.
#include "runtime/plugin/abi_names.h"

#include <iterator>

namespace sluice::plugin {

std::string_view abi_status_name(int32_t status) {
  // Indexed by the status value (ABI §3).
  static constexpr std::string_view kNames[] = {"OK",          "RETRIABLE",     "CONFIG",
                                                "FAILED",      "EXCEPTION",     "NOT_FOUND",
                                                "UNSUPPORTED", "ILLEGAL_STATE", "INVALID_ARGUMENT"};
  if (status < 0 || status >= static_cast<int32_t>(std::size(kNames))) return "FAILED";
  return kNames[status];
}

StatusCode abi_status_code(int32_t status) {
  switch (status) {
    case SLUICE_OK:
      return StatusCode::kOk;
    case SLUICE_ERR_RETRIABLE:
      return StatusCode::kUnavailable;
    case SLUICE_ERR_CONFIG:
    case SLUICE_ERR_INVALID_ARGUMENT:
      return StatusCode::kInvalidArgument;
    case SLUICE_ERR_NOT_FOUND:
      return StatusCode::kNotFound;
    case SLUICE_ERR_UNSUPPORTED:
      return StatusCode::kUnsupported;
    case SLUICE_ERR_ILLEGAL_STATE:
      return StatusCode::kFailedPrecondition;
    default:
      return StatusCode::kInternal;
  }
}

int32_t abi_status_from(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return SLUICE_OK;
    case StatusCode::kNotFound:
      return SLUICE_ERR_NOT_FOUND;
    case StatusCode::kInvalidArgument:
      return SLUICE_ERR_INVALID_ARGUMENT;
    case StatusCode::kFailedPrecondition:
      return SLUICE_ERR_ILLEGAL_STATE;
    case StatusCode::kUnsupported:
      return SLUICE_ERR_UNSUPPORTED;
    case StatusCode::kUnavailable:
      return SLUICE_ERR_RETRIABLE;
    default:
      return SLUICE_ERR_FAILED;
  }
}

std::string abi_kind_name(uint32_t kind) {
  switch (kind) {
    case SLUICE_KIND_SOURCE:
      return "source";
    case SLUICE_KIND_SINK:
      return "sink";
    case SLUICE_KIND_CONVERTER:
      return "converter";
    case SLUICE_KIND_TRANSFORM:
      return "transform";
    default:
      return "kind " + std::to_string(kind);
  }
}

std::string abi_config_type_name(uint32_t type) {
  switch (type) {
    case SLUICE_CONFIG_BOOLEAN:
      return "BOOLEAN";
    case SLUICE_CONFIG_INT:
      return "INT";
    case SLUICE_CONFIG_LONG:
      return "LONG";
    case SLUICE_CONFIG_DOUBLE:
      return "DOUBLE";
    case SLUICE_CONFIG_STRING:
      return "STRING";
    case SLUICE_CONFIG_LIST:
      return "LIST";
    case SLUICE_CONFIG_PASSWORD:
      return "PASSWORD";
    case SLUICE_CONFIG_CLASS:
      return "CLASS";
    default:
      return "type " + std::to_string(type);
  }
}

std::string abi_importance_name(uint32_t importance) {
  switch (importance) {
    case SLUICE_IMPORTANCE_HIGH:
      return "HIGH";
    case SLUICE_IMPORTANCE_MEDIUM:
      return "MEDIUM";
    case SLUICE_IMPORTANCE_LOW:
      return "LOW";
    default:
      return "importance " + std::to_string(importance);
  }
}

}  // namespace sluice::plugin
