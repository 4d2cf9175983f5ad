// MessageBatch: messages for one topic gathered and handed to librdkafka with a single
// rd_kafka_produce_batch call instead of one rd_kafka_producev per message. librdkafka then
// takes its topic lock and reads the clock once per batch rather than per message, which is a
// large share of the per-record cost of a source task. Order is kept: when librdkafka's queue
// is full, the refused message and every later one stay in the batch for the next enqueue().
//
// Only messages without headers and with librdkafka's "now" timestamp can go this way
// (rd_kafka_produce_batch takes neither); the caller sends the others with rd_kafka_producev
// after enqueueing what is staged before them.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sluice::kafka_client {

class MessageBatch {
 public:
  // How one message ended in enqueue() when librdkafka refused it for a reason other than a
  // full queue (e.g. too large, unknown partition): it is not in librdkafka and gets no
  // delivery report.
  struct Rejection {
    void* opaque;
    int32_t partition;
    rd_kafka_resp_err_t error;
  };

  // Copies the key and value (a null pointer is a null key or value). `opaque` is borrowed: it
  // comes back in the delivery report, or in a Rejection.
  void add(int32_t partition, const void* key, size_t key_len, const void* value, size_t value_len,
           void* opaque);

  [[nodiscard]] bool empty() const noexcept { return staged_.empty(); }
  [[nodiscard]] size_t size() const noexcept { return staged_.size(); }

  // Hands the staged messages to librdkafka for `topic` (borrowed; each message's partition,
  // RD_KAFKA_PARTITION_UA for the partitioner). Payloads are copied by librdkafka, so the batch
  // may be reused at once. Returns false when librdkafka's queue filled up: the messages from
  // the first refused one on stay staged, in order, for the next call (serve delivery reports
  // first). Messages refused for other reasons are appended to `rejected` (in order) and dropped
  // from the batch. Returns true when nothing is left staged.
  [[nodiscard]] bool enqueue(rd_kafka_topic_t* topic, std::vector<Rejection>* rejected);

  // Drops everything staged (no delivery reports will come for it).
  void clear() noexcept;

 private:
  static constexpr size_t kNull = SIZE_MAX;
  struct Staged {
    int32_t partition;
    size_t key_at, key_len;  // key_at == kNull: null key
    size_t value_at, value_len;
    void* opaque;
  };

  std::vector<Staged> staged_;                        // not yet taken by librdkafka, in order
  int32_t common_partition_ = RD_KAFKA_PARTITION_UA;  // of every staged message, or UA
  std::string bytes_;                                 // keys and values of staged_, back to back
  std::vector<rd_kafka_message_t> messages_;          // the call's argument, rebuilt per enqueue()
};

}  // namespace sluice::kafka_client
