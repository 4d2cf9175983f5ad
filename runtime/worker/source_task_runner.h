// SourceTaskRunner: the source task loop (docs/design/worker.md §3.1): poll the plugin, convert,
// produce with librdkafka (acks=all, idempotent), acknowledge offsets from delivery reports,
// flush committable offsets to the offset store every offset.flush.interval.ms and on stop.
#pragma once

#include <librdkafka/rdkafka.h>

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/data/fields.h"
#include "runtime/data/schema.h"
#include "runtime/kafka/message_batch.h"
#include "runtime/plugin/handles.h"
#include "runtime/worker/submitted_records.h"
#include "runtime/worker/task_converters.h"
#include "runtime/worker/task_runner.h"

namespace sluice::worker {

class SourceTaskRunner final : public TaskRunner {
 public:
  SourceTaskRunner(const WorkerServices& services, TaskSpec spec);
  ~SourceTaskRunner() override;

  // InstanceListener: the offset reader of the task (Connect's OffsetStorageReader).
  Status offset_get(const sluice_field* partition, uint32_t n, const sluice_field** out,
                    uint32_t* out_n) override;

 protected:
  Status run() override;
  void wake_plugin() override;

 private:
  // A record whose delivery report must reach commit_record (only when the plugin has the hook).
  struct PendingRecord {
    SubmittedRecords::Slot* slot = nullptr;
    uint64_t cookie = 0;
    bool delivered = false;
    sluice_record_metadata metadata{};
    std::string topic;
  };

  Status setup();
  Status loop();
  Status produce_batch(const sluice_record_batch& batch);
  // Checks the record's topic (created on first use) and runs the converters; `key`/`value`
  // then point into the converters' buffers, valid until their next call. Sets *skipped when
  // the record is dropped under errors.tolerance=all.
  Status convert_record(const sluice_record& record, sluice_bytes* key, sluice_bytes* value,
                        bool* skipped);
  // Takes the record's offset slot (and pending commit_record entry); returns the opaque its
  // delivery report carries.
  void* track(const sluice_record& record);
  // Hands the staged records to librdkafka in one call, waiting while its queue is full.
  Status enqueue_staged();
  // Produces one record with headers or a timestamp through rd_kafka_producev.
  Status produce_one(const sluice_record& record, rd_kafka_topic_t* rkt, sluice_bytes key,
                     sluice_bytes value, void* opaque);
  // A record librdkafka would not take: fails the task, or skips it under errors.tolerance=all.
  Status refused(void* opaque, std::string_view topic, int32_t partition,
                 rd_kafka_resp_err_t error);
  Status ensure_topic(std::string_view topic);
  // A topic the producer writes to, with its partition count.
  struct TopicTarget {
    rd_kafka_topic_t* handle = nullptr;                // owned; destroyed with the runner
    int32_t partitions = 0;                            // 0 while unknown
    std::chrono::steady_clock::time_point recheck_at;  // when to look the count up again
  };
  // The target of `topic`, created on first use; valid for the runner's lifetime.
  TopicTarget* topic_target(std::string_view topic, std::chrono::steady_clock::time_point now);
  Status flush_offsets();
  Status finish();
  void serve_delivery_reports(int timeout_ms);
  Status deliver_commit_records();
  static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  void handle_delivery(const rd_kafka_message_t* message);

  std::unique_ptr<data::SchemaRegistry> schemas_;
  std::unique_ptr<plugin::SourceTaskHandle> task_;
  TaskConverters converters_;
  rd_kafka_t* producer_ = nullptr;
  std::unordered_map<std::string, TopicTarget> topic_targets_;
  std::string last_topic_;              // the topic of the previous record (known and created)
  TopicTarget* last_target_ = nullptr;  // the target of last_topic_
  kafka_client::MessageBatch staged_;   // converted records not yet given to librdkafka
  rd_kafka_topic_t* staged_topic_ = nullptr;  // the topic of every staged record
  std::vector<kafka_client::MessageBatch::Rejection> rejections_;  // reused by enqueue_staged
  std::set<std::string, std::less<>> known_topics_;
  SubmittedRecords submitted_;
  // In produce order; only with commit_record. A message's opaque is its PendingRecord* when the
  // plugin has commit_record, else its Slot* (null for untracked records).
  std::deque<PendingRecord> pending_;
  Status delivery_failure_;                       // first failed delivery (task fails)
  std::map<std::string, std::string> unflushed_;  // offset key → value not yet stored
  std::mutex task_mutex_;          // guards task_ against wake_plugin() from other threads
  data::OwnedFields offset_lent_;  // offset_get's result, lent until the hook returns
  bool tolerate_errors_ = false;
  bool create_topics_ = true;
  int64_t flush_interval_ms_ = 60000;
  int64_t flush_timeout_ms_ = 5000;
  std::chrono::steady_clock::time_point next_flush_;
  uint64_t records_produced_ = 0;
};

// Renders the offset store key `["<connector>",{partition}]` (canonical JSON).
std::string source_offset_key(std::string_view connector, const sluice_field* partition,
                              uint32_t count);

// The offset reader hook (offset_get) of a source connector or task: the committed offset of
// `connector`'s source partition `partition[0..count)`, stored into *lent and lent through
// *out/*out_n until *lent is next assigned. kNotFound when no offset is stored.
Status lend_source_offset(const storage::SourceOffsets& offsets, std::string_view connector,
                          const sluice_field* partition, uint32_t count, data::OwnedFields* lent,
                          const sluice_field** out, uint32_t* out_n);

}  // namespace sluice::worker
