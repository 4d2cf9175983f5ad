// SinkTaskRunner: the sink task loop (docs/design/worker.md §3.2): a librdkafka consumer in group
// `connect-<connector>`, messages converted into a batch of sluice_record, put to the plugin, and
// consumer commits of exactly the offsets the task reports safe (pre_commit, or flush).
#pragma once

#include <librdkafka/rdkafka.h>

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/data/schema.h"
#include "runtime/plugin/handles.h"
#include "runtime/worker/task_converters.h"
#include "runtime/worker/task_runner.h"

namespace sluice::worker {

class SinkTaskRunner final : public TaskRunner {
 public:
  SinkTaskRunner(const WorkerServices& services, TaskSpec spec);
  ~SinkTaskRunner() override;

  // InstanceListener: the sink task context.
  void request_commit() override { commit_requested_.store(true); }
  Status pause(const sluice_topic_partition* tps, uint32_t n) override;
  Status resume(const sluice_topic_partition* tps, uint32_t n) override;
  Status reset_offsets(const sluice_tp_offset* offsets, uint32_t n) override;
  Status assignment(const sluice_topic_partition** out, uint32_t* n) override;
  Status report_errant(const sluice_record* record, std::string_view error) override;

 protected:
  Status run() override;
  void wake_plugin() override;

 private:
  using TopicPartition = std::pair<std::string, int32_t>;

  Status setup();
  Status subscribe();
  Status loop();
  Status consume_batch();
  // Drops the current batch's messages, records and storage.
  void clear_batch();
  Status convert(const rd_kafka_message_t* message, size_t index);
  Status put_batch();
  Status commit_offsets(const std::vector<TopicPartition>* only);
  Status apply_offset_resets();
  void set_all_paused(bool paused);
  Status finish();
  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* partitions, void* opaque);
  void handle_rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions);
  void rebuild_assignment_view();
  rd_kafka_topic_partition_list_t* to_list(const sluice_topic_partition* tps, uint32_t n) const;
  // rd_kafka_pause_partitions or rd_kafka_resume_partitions.
  using PartitionsCall = rd_kafka_resp_err_t (*)(rd_kafka_t*, rd_kafka_topic_partition_list_t*);
  // Applies `call` to the consumer's partitions `tps[0..n)`; `what` names it in the error.
  Status on_partitions(const sluice_topic_partition* tps, uint32_t n, PartitionsCall call,
                       const char* what);
  // Dead-letter queue (errors.tolerance=all with errors.deadletterqueue.topic.name): the original
  // message, with Kafka Connect's __connect.errors.* headers when context headers are enabled.
  Status send_to_dead_letter_queue(const rd_kafka_message_t* message, std::string_view stage,
                                   std::string_view error);
  // Waits until every dead-letter record is acknowledged; offsets are committed only after.
  Status flush_dead_letter_queue();
  static void on_dead_letter_delivery(rd_kafka_t* rk, const rd_kafka_message_t* message,
                                      void* opaque);
  // Copies a converter's lent output into the batch's storage.
  sluice_data keep(const sluice_data& lent, const rd_kafka_message_t* message);

  std::unique_ptr<data::SchemaRegistry> schemas_;
  std::unique_ptr<plugin::SinkTaskHandle> task_;
  std::mutex task_mutex_;  // guards task_ against wake_plugin()
  TaskConverters converters_;
  rd_kafka_t* consumer_ = nullptr;
  bool tolerate_errors_ = false;
  bool log_errors_ = false;
  int64_t flush_interval_ms_ = 60000;
  size_t max_poll_records_ = 500;
  std::atomic<bool> commit_requested_{false};
  bool partitions_paused_ = false;
  bool inside_put_ = false;
  Status rebalance_failure_;

  // The current batch: messages (owned until the batch is done), records, and the storage that
  // converted values and headers point into.
  std::vector<rd_kafka_message_t*> messages_;
  std::vector<sluice_record> records_;
  size_t converted_ = 0;        // messages_[0..converted_) are converted into records_
  bool batch_pending_ = false;  // fetched messages not yet accepted by put
  std::vector<size_t>
      record_message_;  // records_[i] was converted from messages_[record_message_[i]]
  std::deque<std::vector<sluice_header>> header_storage_;
  std::deque<std::vector<sluice_value>> node_storage_;
  std::deque<std::string> byte_storage_;

  std::map<TopicPartition, int64_t> current_;    // next offset after what put accepted
  std::map<TopicPartition, int64_t> committed_;  // last committed next-offset
  std::vector<TopicPartition> assigned_;
  std::vector<sluice_topic_partition> assigned_view_;  // views into assigned_
  std::vector<sluice_tp_offset> pending_resets_;
  std::deque<std::string> reset_topics_;  // storage for pending_resets_ topic views
  std::string dlq_topic_;
  bool dlq_context_headers_ = false;
  rd_kafka_t* dlq_producer_ = nullptr;
  Status dlq_failure_;
  uint64_t records_put_ = 0;
  uint64_t records_skipped_ = 0;
};

}  // namespace sluice::worker
