// LogWriter: the writing half of a state topic (docs/formats/state-topics.md §4). One idempotent
// producer (acks=all, Java's key hash for the partition) and one thread serving its delivery
// reports; each send's outcome reaches its callback exactly once, also when the writer stops.
#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

#include "broker-lite/util/status.h"
#include "runtime/kafka/producer.h"
#include "runtime/statelog/topic_setup.h"

namespace sluice::statelog {

// A send's outcome: OK with the record's partition and offset, or the error (partition and
// offset then -1). Called once, on the writer's delivery thread — or, for records still
// outstanding when the writer stops, on the thread calling stop(). It may call send() but not
// flush() or stop().
using AckCallback = std::function<void(const Status& status, int32_t partition, int64_t offset)>;

class LogWriter {
 public:
  // A producer for `spec.topic` configured by `client_props` (borrowed for the call) plus the
  // fixed settings acks=all, enable.idempotence=true, partitioner=murmur2_random. Waits up to
  // `warm_up_timeout_ms` for the topic's metadata so that the first send goes out at once.
  [[nodiscard]] static Result<std::unique_ptr<LogWriter>> start(
      const StateTopicSpec& spec, const kafka_client::Props& client_props, int warm_up_timeout_ms);
  // stop(0) if stop() was not called.
  ~LogWriter();
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Queues one record: `key` and `value` are copied; `value` nullopt writes a tombstone.
  // `on_ack` may be empty. Records with the same key are written in the order of their send()
  // calls. kFailedPrecondition after stop(); kUnavailable when librdkafka's queue stays full for
  // 5 s. Thread-safe.
  [[nodiscard]] Status send(std::string_view key, std::optional<std::string_view> value,
                            AckCallback on_ack);

  // Waits until no send is outstanding (every callback has returned), at most `timeout_ms`;
  // kUnavailable with the count of outstanding records otherwise. Thread-safe.
  [[nodiscard]] Status flush(int timeout_ms);

  // Refuses new sends, waits up to `flush_timeout_ms` for the outstanding ones, then reports the
  // remaining ones as failed and releases the producer. Idempotent. Not from a callback.
  void stop(int flush_timeout_ms);

 private:
  explicit LogWriter(StateTopicSpec spec) : spec_(std::move(spec)) {}
  static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  void complete(uint64_t id, const Status& status, int32_t partition, int64_t offset);
  void run();

  const StateTopicSpec spec_;
  std::unique_ptr<kafka_client::Producer> producer_;
  rd_kafka_topic_t* topic_ = nullptr;  // owned; destroyed before the producer
  std::thread thread_;
  std::atomic<bool> stop_polling_{false};

  std::mutex mu_;  // guards the members below
  std::condition_variable drained_;
  std::map<uint64_t, AckCallback> outstanding_;  // by send id, until the callback returned
  uint64_t next_id_ = 1;
  bool stopped_ = false;
};

}  // namespace sluice::statelog
