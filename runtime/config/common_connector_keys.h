// Kafka Connect's common connector keys (ConnectorConfig, SinkConnectorConfig,
// SourceConnectorConfig): names, types, defaults, importance and groups as Connect defines
// them, documentation in Sluice's words.
#pragma once

#include <vector>

#include "runtime/config/config_def.h"

namespace sluice::config {

// Group names, in the order Kafka Connect lists them.
inline constexpr const char* kGroupCommon = "Common";
inline constexpr const char* kGroupTransforms = "Transforms";
inline constexpr const char* kGroupPredicates = "Predicates";
inline constexpr const char* kGroupErrors = "Error Handling";
inline constexpr const char* kGroupTopicCreation = "Topic Creation";

// The common keys of a connector of `kind`, in documentation order.
std::vector<KeyDef> common_connector_keys(ConnectorKind kind);

}  // namespace sluice::config
