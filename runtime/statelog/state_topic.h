// StateTopic: one of distributed mode's compacted state topics as a log every worker reads in
// full and appends to (docs/formats/state-topics.md) — Kafka Connect's KafkaBasedLog idea.
// ensure() creates or verifies the topic; start() begins reading it from the beginning on a
// thread of its own and returns once everything already in the topic has been handed to the
// record callback; send() appends; read_to_end() gives read-your-writes.
//
// Threads: the record callback runs on the reader thread (records of one partition in offset
// order), send callbacks on the writer's delivery thread (see log_writer.h). send(), flush()
// and read_to_end() are thread-safe between start() and stop(); start() and stop() are called
// by the owner, not concurrently with each other.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "broker-lite/util/status.h"
#include "runtime/kafka/conf.h"
#include "runtime/statelog/log_reader.h"
#include "runtime/statelog/log_writer.h"
#include "runtime/statelog/topic_setup.h"

namespace sluice::statelog {

class StateTopic {
 public:
  // `client_props`: the Kafka client properties shared by the admin client, the reader and the
  // writer (bootstrap.servers and security settings; a group.id is ignored). `on_record` may be
  // empty (a write-only topic) and is kept until the StateTopic is destroyed.
  StateTopic(StateTopicSpec spec, kafka_client::Props client_props, RecordCallback on_record);
  // stop() if it was not called.
  ~StateTopic();
  StateTopic(const StateTopic&) = delete;
  StateTopic& operator=(const StateTopic&) = delete;

  // Creates the topic if missing, verifies it otherwise (topic_setup.h); returns its partition
  // count. At most `timeout_ms` in total.
  [[nodiscard]] Result<int32_t> ensure(int timeout_ms);

  // ensure(), then starts the reader and the writer, then read_to_end(): when it returns OK the
  // callback has seen every record the topic held at the call. At most about `timeout_ms` for
  // each of ensure and the initial read. kFailedPrecondition when called twice; on an error the
  // StateTopic is stopped and cannot be restarted (make a new one).
  [[nodiscard]] Status start(int timeout_ms);

  // See LogReader::read_to_end. kFailedPrecondition before start() or after stop().
  [[nodiscard]] Status read_to_end(int timeout_ms);

  // See LogWriter::send. kFailedPrecondition before start() or after stop().
  [[nodiscard]] Status send(std::string_view key, std::optional<std::string_view> value,
                            AckCallback on_ack);

  // See LogWriter::flush. kFailedPrecondition before start() or after stop().
  [[nodiscard]] Status flush(int timeout_ms);

  // Stops the writer (waiting up to `flush_timeout_ms` for outstanding sends; the others are
  // reported as failed) and the reader thread. Idempotent. Not from a callback.
  void stop(int flush_timeout_ms = 5000);

  const StateTopicSpec& spec() const { return spec_; }
  // The partition count found by start() (0 before).
  int32_t partitions() const { return partitions_; }

 private:
  enum class Phase { kNew, kRunning, kStopped };
  Status not_running() const;

  const StateTopicSpec spec_;
  const kafka_client::Props client_props_;
  RecordCallback on_record_;  // moved into the reader by start()
  std::atomic<Phase> phase_{Phase::kNew};
  int32_t partitions_ = 0;
  std::unique_ptr<LogReader> reader_;  // set before phase_ becomes kRunning
  std::unique_ptr<LogWriter> writer_;  // set before phase_ becomes kRunning
};

}  // namespace sluice::statelog
