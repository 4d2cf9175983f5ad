// TopicOffsetStore: distributed mode's source offsets, kept in offset.storage.topic with Kafka
// Connect's record format (docs/formats/state-topics.md §5): key `["<connector>",{partition}]`,
// value the offset object, a tombstone deletes. Reads are served from an in-memory map that the
// topic's reader rebuilds from the beginning at open and keeps up to date afterwards (other
// workers' writes included); writes return once every record is acknowledged.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "broker-lite/util/status.h"
#include "runtime/kafka/conf.h"
#include "runtime/statelog/state_topic.h"
#include "runtime/storage/source_offsets.h"

namespace sluice::statelog {

struct TopicOffsetStoreOptions {
  StateTopicSpec spec = offset_topic_spec();
  kafka_client::Props client_props;  // bootstrap.servers and security settings
  int start_timeout_ms = 60000;      // ensure + the initial read to the end
  int write_timeout_ms = 5000;       // per put_and_flush/remove_connector (offset.flush.timeout.ms)
};

class TopicOffsetStore : public storage::SourceOffsets {
 public:
  // Ensures the topic, starts reading it and returns once every offset it holds is loaded.
  // Errors are those of StateTopic::start.
  [[nodiscard]] static Result<std::unique_ptr<TopicOffsetStore>> open(
      TopicOffsetStoreOptions options);
  // stop() if it was not called.
  ~TopicOffsetStore() override;
  TopicOffsetStore(const TopicOffsetStore&) = delete;
  TopicOffsetStore& operator=(const TopicOffsetStore&) = delete;

  // Sends one record per entry (in order; later entries for a key win) and returns OK once
  // every one is acknowledged; the map then holds them. A key that is not a
  // [string, object] JSON array or a value that is not a JSON object rejects the batch before
  // anything is sent (kInvalidArgument). kUnavailable when a record fails or is not
  // acknowledged within write_timeout_ms (some records of the batch may then be stored).
  [[nodiscard]] Status put_and_flush(std::span<const storage::OffsetEntry> entries) override;
  std::optional<std::string> get(std::string_view key_json) const override;
  std::vector<storage::OffsetEntry> entries_for_connector(
      std::string_view connector) const override;
  // Writes a tombstone for every key of `connector` the map holds.
  [[nodiscard]] Status remove_connector(std::string_view connector) override;

  // Reads the topic to its current end, so that the map includes every offset any worker had
  // stored before the call (call it before starting a source task that moved from another
  // worker). Thread-safe.
  [[nodiscard]] Status refresh(int timeout_ms);

  // Number of keys with a value. Thread-safe.
  size_t size() const;

  // Stops the topic's reader and writer; put_and_flush fails afterwards, get keeps working.
  void stop();

 private:
  struct Slot {
    std::optional<std::string> value_json;  // nullopt: deleted by a tombstone
    std::string connector;
    int32_t partition = -1;
    int64_t offset = -1;
  };

  explicit TopicOffsetStore(TopicOffsetStoreOptions options);
  // Applies a record (read back or just acknowledged) unless the key already holds a newer one.
  void apply(const std::string& key, const std::optional<std::string>& value, std::string connector,
             int32_t partition, int64_t offset);
  void on_record(const StateRecord& record);
  Status write(std::vector<storage::OffsetEntry> entries, std::vector<std::string> connectors);

  const TopicOffsetStoreOptions options_;
  std::unique_ptr<StateTopic> topic_;

  mutable std::mutex mu_;  // guards entries_
  std::map<std::string, Slot, std::less<>> entries_;
};

}  // namespace sluice::statelog
