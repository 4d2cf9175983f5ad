// The broker's topics: names, ids, configuration overrides and partitions, each partition with
// its log and idempotent-producer state. Topic metadata (id, partition count, overrides) lives in
// `<log.dirs>/topics.meta` (docs/formats/topics-meta.md), rewritten atomically on every change;
// partition data lives in the log directories. Network thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "broker-lite/coordinator/producer_state.h"
#include "broker-lite/log/file_system.h"
#include "broker-lite/log/partition_log.h"
#include "broker-lite/protocol/wire.h"
#include "broker-lite/server/broker_config.h"
#include "broker-lite/server/topic_config.h"
#include "broker-lite/util/status.h"

namespace sluice::broker {

inline constexpr std::string_view kOffsetsTopicName = "__consumer_offsets";

struct Partition {
  std::string topic;
  int32_t index = 0;
  std::unique_ptr<log::PartitionLog> log;
  coord::ProducerStateTable producers;
  TopicSettings settings;  // copied from the topic on open and on config changes
};

struct Topic {
  std::string name;
  kafka::Uuid id{};
  bool internal = false;
  std::map<std::string, std::string> overrides;
  TopicSettings settings;
  std::vector<std::unique_ptr<Partition>> partitions;
};

class TopicManager {
 public:
  // `fs` and `config` must outlive the manager.
  TopicManager(log::FileSystem& fs, const BrokerConfig& config);
  ~TopicManager();

  // Reads topics.meta and opens (recovering) every partition log. Partition directories that
  // topics.meta does not know are reported and left alone.
  Status open_all(int64_t now_ms);

  Topic* find(std::string_view name);
  Partition* find_partition(std::string_view topic, int32_t partition);
  // Every topic, ordered by name.
  std::vector<Topic*> all();

  // Validates a topic name (Kafka's rules: 1..249 chars of [a-zA-Z0-9._-], not "." or "..").
  static Status validate_name(std::string_view name);

  // Creates a topic with `partitions` partitions (-1: num.partitions) and config overrides.
  // kAlreadyExists / kInvalidArgument name the problem. `validate_only` checks without creating.
  Result<Topic*> create(const std::string& name, int32_t partitions,
                        const std::map<std::string, std::string>& overrides, bool validate_only,
                        int64_t now_ms, bool internal = false);
  // Deletes the topic and its data.
  Status remove(const std::string& name);
  // Grows the topic to `total` partitions.
  Status add_partitions(const std::string& name, int32_t total, bool validate_only, int64_t now_ms);
  // Replaces (incremental=false) or updates the overrides; values are validated first.
  Status set_configs(const std::string& name, const std::map<std::string, std::string>& set,
                     const std::vector<std::string>& remove, bool replace_all, bool validate_only);

  // Runs retention (and compaction for compacted topics) on every partition.
  void run_maintenance(int64_t now_ms);
  // Syncs every partition and marks the logs cleanly closed.
  void close_all();

  log::FileSystem& fs() { return fs_; }
  // Called with each partition log just before a deleted topic destroys it (the broker cancels
  // its pending fsync requests there).
  void set_partition_closing_hook(std::function<void(log::PartitionLog*)> hook) {
    closing_hook_ = std::move(hook);
  }

 private:
  Status persist();
  Result<std::unique_ptr<Partition>> open_partition(Topic& topic, int32_t index, bool create,
                                                    int64_t now_ms);
  std::string partition_dir(std::string_view topic, int32_t index) const;
  void rebuild_producer_state(Partition& p);

  log::FileSystem& fs_;
  const BrokerConfig& config_;
  std::map<std::string, std::unique_ptr<Topic>, std::less<>> topics_;
  std::function<void(log::PartitionLog*)> closing_hook_;
};

}  // namespace sluice::broker
