// LogReader (log_reader.h): librdkafka's simple (non-group) consumer API — every partition
// started at the beginning onto one queue, which the reader thread drains; partition-EOF events
// tell it where the end is when the tail has no record to hand over.
#include "runtime/statelog/log_reader.h"

#include <algorithm>
#include <chrono>
#include <exception>

#include "broker-lite/util/logging.h"
#include "runtime/kafka/admin.h"

namespace sluice::statelog {
namespace {

constexpr std::string_view kReaderLog = "statelog";
constexpr int kReaderPollMs = 100;
constexpr size_t kBatchSize = 256;
constexpr int kLeaderLookupTimeoutMs = 5000;

// librdkafka's error callback (on the reader thread, from rd_kafka_poll): transport trouble is
// retried by librdkafka, so it is only logged.
void log_client_error(rd_kafka_t* /*rk*/, int err, const char* reason, void* opaque) {
  const auto* spec = static_cast<const StateTopicSpec*>(opaque);
  SLUICE_LOG(kWarn, kReaderLog,
             "state topic " + describe(*spec) + " reader: " +
                 rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)) + ": " + reason);
}

std::optional<std::string> bytes_of(const void* data, size_t size) {
  if (data == nullptr) return std::nullopt;
  return std::string(static_cast<const char*>(data), size);
}

}  // namespace

LogReader::LogReader(StateTopicSpec spec, int32_t partitions, RecordCallback on_record)
    : spec_(std::move(spec)),
      partitions_(partitions),
      on_record_(std::move(on_record)),
      next_offset_(static_cast<size_t>(partitions), 0) {}

Result<std::unique_ptr<LogReader>> LogReader::start(const StateTopicSpec& spec,
                                                    const kafka_client::Props& client_props,
                                                    int32_t partitions, RecordCallback on_record) {
  const std::string subject = "state topic " + describe(spec) + " reader";
  if (partitions < 1) return Status::invalid_argument(subject + ": no partitions to read");
  kafka_client::Props props = client_props;
  props.erase("group.id");  // every worker reads everything; no group, no commits
  props["enable.auto.commit"] = "false";
  props["enable.auto.offset.store"] = "false";
  props["enable.partition.eof"] = "true";
  props["auto.offset.reset"] = "earliest";
  // How long a fetch waits at the end of the log for new records: bounds how late another
  // worker's write is seen when the broker does not answer the waiting fetch at once.
  props.emplace("fetch.wait.max.ms", "100");
  std::unique_ptr<LogReader> reader(new LogReader(spec, partitions, std::move(on_record)));
  Result<rd_kafka_conf_t*> made = kafka_client::make_conf(props);
  if (!made.is_ok()) return made.status().with_context(subject);
  kafka_client::ConfGuard conf(*made);
  rd_kafka_conf_set_error_cb(conf.get(), log_client_error);
  rd_kafka_conf_set_opaque(conf.get(), const_cast<StateTopicSpec*>(&reader->spec_));
  Result<rd_kafka_t*> rk = kafka_client::new_client(RD_KAFKA_CONSUMER, conf, "state topic reader");
  if (!rk.is_ok()) return rk.status().with_context(subject);
  reader->rk_ = *rk;
  reader->topic_ = rd_kafka_topic_new(reader->rk_, spec.topic.c_str(), nullptr);
  if (reader->topic_ == nullptr) {
    return Status::internal(subject + ": " + rd_kafka_err2str(rd_kafka_last_error()));
  }
  // Learn the partitions' leaders before starting: a partition started without a known leader
  // waits for librdkafka's offset-query retry timer (half a second) even when the metadata
  // arrives a moment later. A failure here only costs that wait.
  const rd_kafka_metadata_t* metadata = nullptr;
  if (rd_kafka_metadata(reader->rk_, 0, reader->topic_, &metadata, kLeaderLookupTimeoutMs) ==
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_metadata_destroy(metadata);
  }
  reader->queue_ = rd_kafka_queue_new(reader->rk_);
  for (int32_t p = 0; p < partitions; ++p) {
    if (rd_kafka_consume_start_queue(reader->topic_, p, RD_KAFKA_OFFSET_BEGINNING,
                                     reader->queue_) == -1) {
      return Status::internal(subject + ": cannot start partition " + std::to_string(p) + ": " +
                              rd_kafka_err2str(rd_kafka_last_error()));
    }
    reader->started_partitions_ = p + 1;
  }
  reader->thread_ = std::thread([r = reader.get()]() { r->run(); });
  reader->thread_id_ = reader->thread_.get_id();
  return reader;
}

LogReader::~LogReader() {
  stop();
  for (int32_t p = 0; p < started_partitions_; ++p) (void)rd_kafka_consume_stop(topic_, p);
  if (queue_ != nullptr) rd_kafka_queue_destroy(queue_);
  if (topic_ != nullptr) rd_kafka_topic_destroy(topic_);
  if (rk_ != nullptr) rd_kafka_destroy(rk_);
}

void LogReader::stop() {
  stop_requested_.store(true);
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  stopped_ = true;
  progressed_.notify_all();
}

void LogReader::run() {
  std::vector<rd_kafka_message_t*> batch(kBatchSize);
  while (!stop_requested_.load()) {
    ssize_t n = rd_kafka_consume_batch_queue(queue_, kReaderPollMs, batch.data(), batch.size());
    for (ssize_t i = 0; i < n; ++i) {
      deliver(*batch[static_cast<size_t>(i)]);
      rd_kafka_message_destroy(batch[static_cast<size_t>(i)]);
    }
    rd_kafka_poll(rk_, 0);  // error callbacks
  }
}

void LogReader::deliver(const rd_kafka_message_t& message) {
  const int32_t p = message.partition;
  if (p < 0 || p >= partitions_) return;
  int64_t next = 0;
  if (message.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    StateRecord record{bytes_of(message.key, message.key_len),
                       bytes_of(message.payload, message.len), p, message.offset};
    try {
      on_record_(record);
    } catch (const std::exception& e) {
      SLUICE_LOG(kError, kReaderLog,
                 "state topic " + describe(spec_) + " partition " + std::to_string(p) + " offset " +
                     std::to_string(message.offset) + ": the record callback failed: " + e.what());
    }
    next = message.offset + 1;
  } else if (message.err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
    next = message.offset;  // the end of the partition as the fetch saw it
  } else {
    SLUICE_LOG(kWarn, kReaderLog,
               "state topic " + describe(spec_) + " partition " + std::to_string(p) + ": " +
                   rd_kafka_message_errstr(&message));
    return;
  }
  std::lock_guard lock(mu_);
  int64_t& slot = next_offset_[static_cast<size_t>(p)];
  slot = std::max(slot, next);
  progressed_.notify_all();
}

namespace {

// Errors a just-created topic (or a leader election) gives for a moment: worth asking again.
bool transient_offsets_error(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR_OFFSET_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_FENCED_LEADER_EPOCH:
    case RD_KAFKA_RESP_ERR_UNKNOWN_LEADER_EPOCH:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
      return true;
    default:
      return false;
  }
}

}  // namespace

Result<std::vector<int64_t>> LogReader::end_offsets(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    rd_kafka_resp_err_t failed = RD_KAFKA_RESP_ERR_NO_ERROR;
    auto ends = end_offsets_once(timeout_ms, &failed);
    if (ends.is_ok() || !transient_offsets_error(failed) ||
        std::chrono::steady_clock::now() + kEndOffsetsRetry >= deadline) {
      return ends;
    }
    std::this_thread::sleep_for(kEndOffsetsRetry);
  }
}

Result<std::vector<int64_t>> LogReader::end_offsets_once(int timeout_ms,
                                                         rd_kafka_resp_err_t* failed) {
  const std::string subject = "state topic " + describe(spec_);
  kafka_client::PartitionListPtr list(rd_kafka_topic_partition_list_new(partitions_));
  for (int32_t p = 0; p < partitions_; ++p) {
    // As a ListOffsets timestamp, RD_KAFKA_OFFSET_END (-1) asks for the end offset.
    rd_kafka_topic_partition_list_add(list.get(), spec_.topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_END;
  }
  rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(rk_, list.get(), timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    *failed = err;
    return Status::unavailable(
        subject + ": cannot read the end offsets of its partitions: " + rd_kafka_err2str(err));
  }
  std::vector<int64_t> ends(static_cast<size_t>(partitions_), 0);
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& tp = list->elems[i];
    if (tp.err != RD_KAFKA_RESP_ERR_NO_ERROR || tp.offset < 0) {
      *failed = tp.err != RD_KAFKA_RESP_ERR_NO_ERROR ? tp.err : RD_KAFKA_RESP_ERR__BAD_MSG;
      return Status::unavailable(subject + ": cannot read the end offset of partition " +
                                 std::to_string(tp.partition) + ": " + rd_kafka_err2str(*failed));
    }
    if (tp.partition >= 0 && tp.partition < partitions_) {
      ends[static_cast<size_t>(tp.partition)] = tp.offset;
    }
  }
  return ends;
}

Status LogReader::read_to_end(int timeout_ms) {
  const std::string subject = "state topic " + describe(spec_);
  if (std::this_thread::get_id() == thread_id_) {
    return Status::failed_precondition(subject + ": read_to_end called from the record callback");
  }
  {
    std::lock_guard lock(mu_);
    if (stopped_) return Status::failed_precondition(subject + ": the reader is stopped");
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  Result<std::vector<int64_t>> ends = end_offsets(timeout_ms);
  if (!ends.is_ok()) return ends.status();
  std::unique_lock lock(mu_);
  auto lagging = [&]() -> int32_t {
    for (int32_t p = 0; p < partitions_; ++p) {
      if (next_offset_[static_cast<size_t>(p)] < (*ends)[static_cast<size_t>(p)]) return p;
    }
    return -1;
  };
  progressed_.wait_until(lock, deadline, [&]() { return stopped_ || lagging() < 0; });
  const int32_t behind = lagging();
  if (behind < 0) return Status::ok();
  if (stopped_) return Status::failed_precondition(subject + ": the reader was stopped");
  return Status::unavailable(
      subject + ": not read to the end within " + std::to_string(timeout_ms) + " ms (partition " +
      std::to_string(behind) + " read up to offset " +
      std::to_string(next_offset_[static_cast<size_t>(behind)]) + ", its end is " +
      std::to_string((*ends)[static_cast<size_t>(behind)]) + ")");
}

}  // namespace sluice::statelog
