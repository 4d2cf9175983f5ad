// LogReader: the reading half of a state topic (docs/formats/state-topics.md §3). One thread
// reads every partition from the beginning — manually assigned, no consumer group, no commits —
// and hands each record to a callback, in offset order within a partition. read_to_end() waits
// until everything below the end offsets of the moment has been handed over.
#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "broker-lite/util/status.h"
#include "runtime/kafka/conf.h"
#include "runtime/statelog/topic_setup.h"

namespace sluice::statelog {

// One record of a state topic. The callback gets it by reference, valid during the call only.
struct StateRecord {
  std::optional<std::string> key;    // nullopt: the record has no key
  std::optional<std::string> value;  // nullopt: a tombstone
  int32_t partition = 0;
  int64_t offset = 0;
};

// Called on the reader's thread, one record at a time. It must not call read_to_end() (that is
// refused: it would wait for itself) and should not block for long: it holds up all partitions.
using RecordCallback = std::function<void(const StateRecord&)>;

class LogReader {
 public:
  // Starts reading partitions 0..partitions-1 of `spec.topic` from the beginning.
  // `client_props` (bootstrap.servers, security settings; borrowed for the call) configure the
  // consumer; a group.id in them is ignored. `on_record` is kept until the reader is destroyed.
  [[nodiscard]] static Result<std::unique_ptr<LogReader>> start(
      const StateTopicSpec& spec, const kafka_client::Props& client_props, int32_t partitions,
      RecordCallback on_record);
  // Stops (if stop() was not called) and releases the consumer.
  ~LogReader();
  LogReader(const LogReader&) = delete;
  LogReader& operator=(const LogReader&) = delete;

  // Asks the cluster for the end offset of every partition, then waits until every record
  // below those offsets has been handed to the callback (and the callback returned). Errors:
  // kUnavailable when the end offsets cannot be read or the reader does not get there within
  // `timeout_ms` (the message names the lagging partition), kFailedPrecondition after stop()
  // or when called from the callback. Thread-safe.
  [[nodiscard]] Status read_to_end(int timeout_ms);

  // Ends the reader thread (after the callback in progress, if any, returns). Later
  // read_to_end() calls fail. Idempotent; must not be called from the callback.
  void stop();

 private:
  LogReader(StateTopicSpec spec, int32_t partitions, RecordCallback on_record);
  void run();
  void deliver(const rd_kafka_message_t& message);
  // The end offset of every partition, asked of the cluster now. Errors a new topic or a
  // leader election give for a moment (not leader, leader not available, unknown partition) are
  // retried every kEndOffsetsRetry until `timeout_ms` has passed.
  Result<std::vector<int64_t>> end_offsets(int timeout_ms);
  // One attempt; on failure `failed` gets the error code.
  Result<std::vector<int64_t>> end_offsets_once(int timeout_ms, rd_kafka_resp_err_t* failed);
  static constexpr std::chrono::milliseconds kEndOffsetsRetry{200};

  const StateTopicSpec spec_;
  const int32_t partitions_;
  const RecordCallback on_record_;
  rd_kafka_t* rk_ = nullptr;           // owned
  rd_kafka_topic_t* topic_ = nullptr;  // owned
  rd_kafka_queue_t* queue_ = nullptr;  // owned; all partitions are fetched into it
  int32_t started_partitions_ = 0;     // partitions with consume_start done
  std::thread thread_;
  std::thread::id thread_id_;  // the reader thread's id, set once before start() returns
  std::atomic<bool> stop_requested_{false};

  std::mutex mu_;  // guards the members below
  std::condition_variable progressed_;
  std::vector<int64_t> next_offset_;  // per partition: everything below was handed over
  bool stopped_ = false;
};

}  // namespace sluice::statelog
