// Kafka error codes used by broker-lite's handlers: the coordinator's (coordinator/error_codes.h)
// plus those of the produce, fetch, topic and config paths.
#pragma once

#include <cstdint>

#include "broker-lite/coordinator/error_codes.h"

namespace sluice::broker {

using namespace ::sluice::coord::kafka_error;

inline constexpr int16_t kOffsetOutOfRange = 1;
inline constexpr int16_t kCorruptMessage = 2;
inline constexpr int16_t kUnknownTopicOrPartition = 3;
inline constexpr int16_t kInvalidFetchSize = 4;
inline constexpr int16_t kLeaderNotAvailable = 5;
inline constexpr int16_t kRequestTimedOut = 7;
inline constexpr int16_t kMessageTooLarge = 10;
inline constexpr int16_t kInvalidTopicException = 17;
inline constexpr int16_t kRecordListTooLarge = 18;
inline constexpr int16_t kInvalidRequiredAcks = 21;
inline constexpr int16_t kTopicAuthorizationFailed = 29;
inline constexpr int16_t kClusterAuthorizationFailed = 31;
inline constexpr int16_t kInvalidTimestamp = 32;
inline constexpr int16_t kUnsupportedVersion = 35;
inline constexpr int16_t kTopicAlreadyExists = 36;
inline constexpr int16_t kInvalidPartitions = 37;
inline constexpr int16_t kInvalidReplicationFactor = 38;
inline constexpr int16_t kInvalidReplicaAssignment = 39;
inline constexpr int16_t kInvalidConfig = 40;
inline constexpr int16_t kInvalidRequest = 42;
inline constexpr int16_t kUnsupportedForMessageFormat = 43;
inline constexpr int16_t kPolicyViolation = 44;
inline constexpr int16_t kTransactionalIdAuthorizationFailed = 53;
inline constexpr int16_t kKafkaStorageError = 56;
inline constexpr int16_t kTopicDeletionDisabled = 73;
inline constexpr int16_t kUnsupportedCompressionType = 76;
inline constexpr int16_t kInvalidRecord = 87;
inline constexpr int16_t kUnknownTopicIdError = 100;

}  // namespace sluice::broker
