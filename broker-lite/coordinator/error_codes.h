// Kafka protocol error codes that the group coordinator and the idempotent-producer state return.
// They are int16 values on the wire; the server copies them into responses unchanged.
#pragma once

#include <cstdint>

namespace sluice::coord::kafka_error {

inline constexpr int16_t kUnknownServerError = -1;
inline constexpr int16_t kNone = 0;
inline constexpr int16_t kOffsetMetadataTooLarge = 12;
inline constexpr int16_t kCoordinatorLoadInProgress = 14;
inline constexpr int16_t kCoordinatorNotAvailable = 15;
inline constexpr int16_t kNotCoordinator = 16;
inline constexpr int16_t kIllegalGeneration = 22;
inline constexpr int16_t kInconsistentGroupProtocol = 23;
inline constexpr int16_t kInvalidGroupId = 24;
inline constexpr int16_t kUnknownMemberId = 25;
inline constexpr int16_t kInvalidSessionTimeout = 26;
inline constexpr int16_t kRebalanceInProgress = 27;
inline constexpr int16_t kInvalidCommitOffsetSize = 28;
inline constexpr int16_t kOutOfOrderSequenceNumber = 45;
inline constexpr int16_t kDuplicateSequenceNumber = 46;
inline constexpr int16_t kInvalidProducerEpoch = 47;
inline constexpr int16_t kUnknownProducerId = 59;
inline constexpr int16_t kNonEmptyGroup = 68;
inline constexpr int16_t kGroupIdNotFound = 69;
inline constexpr int16_t kMemberIdRequired = 79;
inline constexpr int16_t kGroupMaxSizeReached = 81;
inline constexpr int16_t kFencedInstanceId = 82;

// What a request gets when its __consumer_offsets write could not be made durable (failed append
// or fsync). COORDINATOR_NOT_AVAILABLE is retriable for every client: it looks the coordinator up
// again and retries, and nothing was acknowledged.
inline constexpr int16_t kJournalWriteFailed = kCoordinatorNotAvailable;

}  // namespace sluice::coord::kafka_error
