// MessageBatch: see message_batch.h.
#include "runtime/kafka/message_batch.h"

#include <cstring>

namespace sluice::kafka_client {

void MessageBatch::add(int32_t partition, const void* key, size_t key_len, const void* value,
                       size_t value_len, void* opaque) {
  if (staged_.empty()) {
    common_partition_ = partition;
  } else if (partition != common_partition_) {
    common_partition_ = RD_KAFKA_PARTITION_UA;
  }
  Staged staged{partition, kNull, 0, kNull, 0, opaque};
  if (key != nullptr) {
    staged.key_at = bytes_.size();
    staged.key_len = key_len;
    bytes_.append(static_cast<const char*>(key), key_len);
  }
  if (value != nullptr) {
    staged.value_at = bytes_.size();
    staged.value_len = value_len;
    bytes_.append(static_cast<const char*>(value), value_len);
  }
  staged_.push_back(staged);
}

bool MessageBatch::enqueue(rd_kafka_topic_t* topic, std::vector<Rejection>* rejected) {
  if (empty()) return true;
  const size_t count = staged_.size();
  messages_.assign(count, rd_kafka_message_t{});
  char* base = bytes_.data();
  for (size_t i = 0; i < count; ++i) {
    const Staged& staged = staged_[i];
    rd_kafka_message_t& message = messages_[i];
    message.partition = staged.partition;
    if (staged.key_at != kNull) {
      message.key = base + staged.key_at;
      message.key_len = staged.key_len;
    }
    if (staged.value_at != kNull) {
      message.payload = base + staged.value_at;
      message.len = staged.value_len;
    }
    message._private = staged.opaque;
  }
  // One partition for all: librdkafka appends the whole run to it under one lock. Otherwise
  // each message goes to its own partition or through the partitioner.
  if (common_partition_ >= 0) {
    rd_kafka_produce_batch(topic, common_partition_, RD_KAFKA_MSG_F_COPY, messages_.data(),
                           static_cast<int>(count));
  } else {
    rd_kafka_produce_batch(topic, RD_KAFKA_PARTITION_UA,
                           RD_KAFKA_MSG_F_COPY | RD_KAFKA_MSG_F_PARTITION, messages_.data(),
                           static_cast<int>(count));
  }
  // librdkafka refuses every message after the first full-queue refusal with the same error, so
  // the first one marks where the next call resumes.
  for (size_t i = 0; i < count; ++i) {
    const rd_kafka_resp_err_t error = messages_[i].err;
    if (error == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    if (error == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      // The rest stays staged; its bytes stay where they are in bytes_.
      staged_.erase(staged_.begin(), staged_.begin() + static_cast<std::ptrdiff_t>(i));
      return false;
    }
    rejected->push_back(Rejection{staged_[i].opaque, staged_[i].partition, error});
  }
  clear();
  return true;
}

void MessageBatch::clear() noexcept {
  staged_.clear();
  bytes_.clear();
}

}  // namespace sluice::kafka_client
