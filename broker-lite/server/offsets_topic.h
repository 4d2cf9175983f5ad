// The internal compacted topic __consumer_offsets as the group coordinator's durable journal:
// each committed offset or group-metadata record becomes a one-record batch appended to the
// partition of its group, acknowledged to the coordinator only after the group committer has
// fsynced it. At start every partition is read from its log start offset and replayed into the
// coordinator. Network thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>

#include "broker-lite/coordinator/offset_journal.h"
#include "broker-lite/util/status.h"

namespace sluice::coord {
class GroupCoordinator;
}
namespace sluice::log {
class GroupCommitter;
}

namespace sluice::broker {

class TopicManager;

class OffsetsTopic final : public coord::OffsetJournal {
 public:
  // All three must outlive this object.
  OffsetsTopic(TopicManager& topics, log::GroupCommitter& committer, int32_t partitions);

  // Creates the topic (compacted, internal) when it does not exist yet.
  Status ensure_exists(int64_t now_ms);
  // Replays every record of the topic into `coordinator` and finishes its loading.
  Status replay_into(coord::GroupCoordinator& coordinator, int64_t now_ms);

  void append(std::span<const uint8_t> key, std::optional<std::span<const uint8_t>> value,
              std::function<void(Status)> on_durable) override;

 private:
  struct Pending {
    std::function<void(Status)> on_durable;
    bool done = false;
    Status status;
  };
  // Delivers completions in append order.
  void deliver_ready();
  int32_t partition_for(std::span<const uint8_t> key) const;

  TopicManager& topics_;
  log::GroupCommitter& committer_;
  int32_t partitions_;
  std::deque<std::shared_ptr<Pending>> pending_;
};

}  // namespace sluice::broker
