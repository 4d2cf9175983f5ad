// Admin: the worker's administrative calls to the Kafka cluster (topic creation for source
// topics, the cluster id for GET /, a sink connector's consumer-group offsets for the offsets
// endpoints, topic listing), each a blocking call with a timeout over librdkafka's Admin API on
// one owned client handle.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "broker-lite/util/status.h"
#include "runtime/kafka/conf.h"

namespace sluice::kafka_client {

struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};
// An owned librdkafka partition list.
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

// (topic, partition, offset): a committed group offset (the next offset to consume).
using GroupOffset = std::tuple<std::string, int32_t, int64_t>;

class Admin {
 public:
  [[nodiscard]] static Result<std::unique_ptr<Admin>> create(const Props& props);
  ~Admin();
  Admin(const Admin&) = delete;
  Admin& operator=(const Admin&) = delete;

  // Creates `topic`; an existing topic is OK. `partitions`/`replication` -1 take the broker's
  // defaults. `topic_configs` (borrowed) become the topic's configs.
  [[nodiscard]] Status create_topic(std::string_view topic, int32_t partitions, int16_t replication,
                                    const Props& topic_configs, int timeout_ms);
  // The cluster id the brokers report; kUnavailable when none arrives in time.
  [[nodiscard]] Result<std::string> cluster_id(int timeout_ms);
  // Every partition with a committed offset in `group`, sorted by topic then partition. A group
  // without offsets (or unknown to the cluster) gives an empty list.
  [[nodiscard]] Result<std::vector<GroupOffset>> list_group_offsets(std::string_view group,
                                                                    int timeout_ms);
  // Commits the given offsets for `group`, which must have no active members on those topics
  // (kFailedPrecondition otherwise).
  [[nodiscard]] Status alter_group_offsets(std::string_view group,
                                           const std::vector<GroupOffset>& offsets, int timeout_ms);
  // Deletes `group` with its committed offsets. kFailedPrecondition when it has members,
  // kNotFound when the cluster does not know it.
  [[nodiscard]] Status delete_group(std::string_view group, int timeout_ms);
  // The names of all topics (internal ones included), sorted.
  [[nodiscard]] Result<std::vector<std::string>> list_topics(int timeout_ms);

  // Valid for the Admin's lifetime.
  rd_kafka_t* handle() { return rk_; }

 private:
  explicit Admin(rd_kafka_t* rk) : rk_(rk) {}
  // Every partition of every topic the cluster reports.
  Result<PartitionListPtr> all_partitions(int timeout_ms);
  rd_kafka_t* rk_;
};

}  // namespace sluice::kafka_client
