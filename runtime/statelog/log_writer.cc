// LogWriter (log_writer.h): each send is registered under an id carried as the message's
// opaque, so that its callback runs exactly once — from the delivery report, or from stop() for
// the records librdkafka never reported.
#include "runtime/statelog/log_writer.h"

#include <chrono>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "broker-lite/util/logging.h"

namespace sluice::statelog {
namespace {

constexpr std::string_view kWriterLog = "statelog";
constexpr int kWriterPollMs = 50;
constexpr int kQueueFullWaitMs = 5000;
constexpr size_t kMaxKeyInMessage = 200;

void* id_to_opaque(uint64_t id) {
  return reinterpret_cast<void*>(static_cast<uintptr_t>(id));
}

uint64_t opaque_to_id(void* opaque) {
  return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(opaque));
}

std::string key_for_message(const void* key, size_t size) {
  if (key == nullptr) return "(none)";
  std::string out(static_cast<const char*>(key), std::min(size, kMaxKeyInMessage));
  if (size > kMaxKeyInMessage) out += "...";
  return out;
}

void run_callback(const AckCallback& callback, const Status& status, int32_t partition,
                  int64_t offset, const StateTopicSpec& spec) {
  if (!callback) return;
  try {
    callback(status, partition, offset);
  } catch (const std::exception& e) {
    SLUICE_LOG(kError, kWriterLog,
               "state topic " + describe(spec) + ": a send callback failed: " + e.what());
  }
}

}  // namespace

Result<std::unique_ptr<LogWriter>> LogWriter::start(const StateTopicSpec& spec,
                                                    const kafka_client::Props& client_props,
                                                    int warm_up_timeout_ms) {
  kafka_client::Props props = client_props;
  props.erase("group.id");
  props["acks"] = "all";
  props["enable.idempotence"] = "true";
  props["partitioner"] = "murmur2_random";  // Java's default partitioner for keyed records
  props.emplace("linger.ms", "1");          // state writes are few; do not hold them back
  std::unique_ptr<LogWriter> writer(new LogWriter(spec));
  Result<std::unique_ptr<kafka_client::Producer>> producer =
      kafka_client::Producer::create(props, &LogWriter::on_delivery, writer.get());
  if (!producer.is_ok()) {
    return producer.status().with_context("state topic " + describe(spec) + " writer");
  }
  writer->producer_ = std::move(*producer);
  rd_kafka_t* rk = writer->producer_->handle();
  writer->topic_ = rd_kafka_topic_new(rk, spec.topic.c_str(), nullptr);
  if (writer->topic_ == nullptr) {
    return Status::internal("state topic " + describe(spec) +
                            " writer: " + rd_kafka_err2str(rd_kafka_last_error()));
  }
  // Learn the topic's partitions now: otherwise librdkafka asks only at its next periodic
  // metadata scan (up to a second) and the first send waits for it. A failure here only means
  // the first send waits.
  const rd_kafka_metadata_t* metadata = nullptr;
  if (rd_kafka_metadata(rk, 0, writer->topic_, &metadata, warm_up_timeout_ms) ==
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_metadata_destroy(metadata);
  }
  writer->thread_ = std::thread([w = writer.get()]() { w->run(); });
  return writer;
}

LogWriter::~LogWriter() {
  stop(0);
}

void LogWriter::run() {
  while (!stop_polling_.load()) rd_kafka_poll(producer_->handle(), kWriterPollMs);
}

void LogWriter::on_delivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message, void* opaque) {
  auto* writer = static_cast<LogWriter*>(opaque);
  const uint64_t id = opaque_to_id(message->_private);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    writer->complete(id, Status::ok(), message->partition, message->offset);
    return;
  }
  writer->complete(
      id,
      Status::unavailable("state topic " + describe(writer->spec_) + ": record with key " +
                          key_for_message(message->key, message->key_len) +
                          " not written: " + rd_kafka_err2str(message->err)),
      -1, -1);
}

void LogWriter::complete(uint64_t id, const Status& status, int32_t partition, int64_t offset) {
  AckCallback callback;
  {
    std::lock_guard lock(mu_);
    auto it = outstanding_.find(id);
    if (it == outstanding_.end()) return;
    callback = std::move(it->second);
  }
  run_callback(callback, status, partition, offset, spec_);
  std::lock_guard lock(mu_);
  outstanding_.erase(id);
  drained_.notify_all();
}

Status LogWriter::send(std::string_view key, std::optional<std::string_view> value,
                       AckCallback on_ack) {
  uint64_t id = 0;
  {
    std::lock_guard lock(mu_);
    if (stopped_) {
      return Status::failed_precondition("state topic " + describe(spec_) +
                                         ": the writer is stopped");
    }
    id = next_id_++;
    outstanding_.emplace(id, std::move(on_ack));
  }
  const auto give_up_at =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kQueueFullWaitMs);
  // A null value pointer makes a tombstone. (Computed here: librdkafka's macros cast their
  // arguments without parentheses.)
  void* value_data = value ? const_cast<char*>(value->data()) : nullptr;
  const size_t value_size = value ? value->size() : 0;
  while (true) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        producer_->handle(), RD_KAFKA_V_RKT(topic_), RD_KAFKA_V_PARTITION(RD_KAFKA_PARTITION_UA),
        RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
        RD_KAFKA_V_VALUE(value_data, value_size), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_OPAQUE(id_to_opaque(id)), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::ok();
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && std::chrono::steady_clock::now() < give_up_at) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the delivery thread drains
      continue;
    }
    {
      std::lock_guard lock(mu_);
      outstanding_.erase(id);
      drained_.notify_all();
    }
    return Status::unavailable(
        "state topic " + describe(spec_) + ": cannot send the record with key " +
        key_for_message(key.data(), key.size()) + ": " + rd_kafka_err2str(err));
  }
}

Status LogWriter::flush(int timeout_ms) {
  std::unique_lock lock(mu_);
  if (drained_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                        [&]() { return outstanding_.empty(); })) {
    return Status::ok();
  }
  return Status::unavailable(
      "state topic " + describe(spec_) + ": " + std::to_string(outstanding_.size()) +
      " record(s) not acknowledged within " + std::to_string(timeout_ms) + " ms");
}

void LogWriter::stop(int flush_timeout_ms) {
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
  }
  if (!producer_) return;
  (void)flush(flush_timeout_ms);
  // Whatever is left is given up: purged records get a delivery report at once (queued ones)
  // or when their request ends (in-flight ones); stop waits briefly for those.
  rd_kafka_purge(producer_->handle(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  (void)flush(200);
  stop_polling_.store(true);
  if (thread_.joinable()) thread_.join();
  if (topic_ != nullptr) rd_kafka_topic_destroy(topic_);
  topic_ = nullptr;
  producer_.reset();
  std::map<uint64_t, AckCallback> left;
  {
    std::lock_guard lock(mu_);
    left.swap(outstanding_);
    drained_.notify_all();
  }
  const Status stopped = Status::unavailable(
      "state topic " + describe(spec_) + ": the writer stopped before the record was acknowledged");
  for (auto& [id, callback] : left) run_callback(callback, stopped, -1, -1, spec_);
}

}  // namespace sluice::statelog
