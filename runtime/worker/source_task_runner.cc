// SourceTaskRunner: see source_task_runner.h.
#include "runtime/worker/source_task_runner.h"

#include <cstring>

#include "broker-lite/util/logging.h"
#include "runtime/data/json_writer.h"
#include "runtime/kafka/admin.h"
#include "runtime/plugin/plugin_registry.h"
#include "runtime/storage/source_offsets.h"
#include "runtime/worker/status_store.h"

namespace sluice::worker {

std::string source_offset_key(std::string_view connector, const sluice_field* partition,
                              uint32_t count) {
  std::string key = "[";
  {
    std::string name;
    data::JsonWriter writer(&name);
    writer.string(connector);  // a JSON string value
    key += name;
  }
  key += ',';
  data::append_fields_json(partition, count, &key);
  key += ']';
  return key;
}

Status lend_source_offset(const storage::SourceOffsets& offsets, std::string_view connector,
                          const sluice_field* partition, uint32_t count, data::OwnedFields* lent,
                          const sluice_field** out, uint32_t* out_n) {
  auto value = offsets.get(source_offset_key(connector, partition, count));
  if (!value) return Status::not_found("no committed offset for this source partition");
  auto parsed = data::OwnedFields::from_json(*value);
  if (!parsed.is_ok()) return parsed.status().with_context("stored source offset");
  *lent = std::move(parsed).value();
  *out = lent->data();
  *out_n = lent->size();
  return Status::ok();
}

SourceTaskRunner::SourceTaskRunner(const WorkerServices& services, TaskSpec spec)
    : TaskRunner(services, std::move(spec)) {}

SourceTaskRunner::~SourceTaskRunner() {
  for (auto& [name, target] : topic_targets_) rd_kafka_topic_destroy(target.handle);
  if (producer_ != nullptr) rd_kafka_destroy(producer_);
}

Status SourceTaskRunner::offset_get(const sluice_field* partition, uint32_t n,
                                    const sluice_field** out, uint32_t* out_n) {
  return lend_source_offset(*services_.offsets, spec_.connector, partition, n, &offset_lent_, out,
                            out_n);
}

void SourceTaskRunner::wake_plugin() {
  std::lock_guard lock(task_mutex_);
  if (task_) task_->wake();
}

Status SourceTaskRunner::setup() {
  const auto& cfg = spec_.connector_config;
  tolerate_errors_ = connector_is("errors.tolerance", "all");
  create_topics_ = services_.config->get_bool("topic.creation.enable");
  flush_interval_ms_ = worker_long("offset.flush.interval.ms");
  flush_timeout_ms_ = worker_long("offset.flush.timeout.ms");

  schemas_ = std::make_unique<data::SchemaRegistry>();
  auto converters = make_task_converters(services_, cfg, schemas_.get(), identity());
  if (!converters.is_ok()) return converters.status();
  converters_ = std::move(converters).value();

  auto producer = make_producer("producer", "producer", {{"linger.ms", "5"}},
                                &SourceTaskRunner::on_delivery, this);
  if (!producer.is_ok()) return producer.status();
  producer_ = producer.value();

  auto context = plugin::make_context(identity(), this, schemas_.get());
  auto handle = plugin::SourceTaskHandle::create(*spec_.plugin, std::move(context));
  if (!handle.is_ok()) return handle.status();
  std::lock_guard lock(task_mutex_);
  task_ = std::move(handle).value();
  return Status::ok();
}

Status SourceTaskRunner::run() {
  SLUICE_RETURN_IF_ERROR(setup());
  Status started = task_->start(spec_.task_config);
  if (!started.is_ok()) {
    (void)task_->stop();
    return started;
  }
  started_.store(true);
  report_state();
  SLUICE_LOG(kInfo, "worker", "source task " + subject_ + " started");
  Status looped = loop();
  Status finished = finish();
  if (!looped.is_ok()) return looped;
  return finished;
}

Status SourceTaskRunner::loop() {
  next_flush_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(flush_interval_ms_);
  auto backoff = std::chrono::milliseconds(100);
  while (!stop_requested()) {
    if (paused()) {
      report_state();
      while (paused() && !stop_requested()) {
        wait_while_paused(std::chrono::milliseconds(200));
        serve_delivery_reports(0);
        SLUICE_RETURN_IF_ERROR(delivery_failure_);
      }
      report_state();
      continue;
    }
    sluice_record_batch batch{};
    Status polled = task_->poll(1000, &batch);
    if (!polled.is_ok()) {
      if (polled.code() != StatusCode::kUnavailable) return polled;
      SLUICE_LOG(
          kWarn, "worker",
          "source task " + subject_ + " poll: " + std::string(polled.message()) + " (retrying)");
      sleep_unless_stopped(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
      continue;
    }
    backoff = std::chrono::milliseconds(100);
    if (batch.count > 0) SLUICE_RETURN_IF_ERROR(produce_batch(batch));
    submitted_.seal_runs();
    serve_delivery_reports(0);
    SLUICE_RETURN_IF_ERROR(delivery_failure_);
    SLUICE_RETURN_IF_ERROR(deliver_commit_records());
    if (std::chrono::steady_clock::now() >= next_flush_) {
      Status flushed = flush_offsets();
      if (!flushed.is_ok()) {
        SLUICE_LOG(kError, "worker",
                   "source task " + subject_ +
                       ": offset flush failed (will retry): " + flushed.to_string());
      }
      next_flush_ =
          std::chrono::steady_clock::now() + std::chrono::milliseconds(flush_interval_ms_);
    }
  }
  return Status::ok();
}

Status SourceTaskRunner::produce_batch(const sluice_record_batch& batch) {
  const char* base = reinterpret_cast<const char*>(batch.records);
  const size_t stride = batch.record_size;
  if (stride < SLUICE_RECORD_V1_0_SIZE) {
    return Status::invalid_argument(spec_.plugin->class_name + " task " + subject_ +
                                    " failed in poll: record_size " + std::to_string(stride) +
                                    " is smaller than the ABI 1.0 record");
  }
  const auto now = std::chrono::steady_clock::now();
  for (uint32_t i = 0; i < batch.count; ++i) {
    const auto& record = *reinterpret_cast<const sluice_record*>(base + i * stride);
    sluice_bytes key{}, value{};
    bool skipped = false;
    SLUICE_RETURN_IF_ERROR(convert_record(record, &key, &value, &skipped));
    if (skipped) continue;
    void* opaque = track(record);
    TopicTarget* target = topic_target(std::string_view(record.topic.ptr, record.topic.len), now);
    rd_kafka_topic_t* rkt = target->handle;
    if (rkt != staged_topic_) SLUICE_RETURN_IF_ERROR(enqueue_staged());
    if (record.header_count > 0 || record.timestamp_ms > 0) {
      // rd_kafka_produce_batch takes neither headers nor timestamps: this one goes alone, after
      // the records before it.
      SLUICE_RETURN_IF_ERROR(enqueue_staged());
      SLUICE_RETURN_IF_ERROR(produce_one(record, rkt, key, value, opaque));
      continue;
    }
    staged_topic_ = rkt;
    // A single-partition topic: partition 0 is what the partitioner would choose.
    const int32_t partition =
        record.partition >= 0 || target->partitions != 1 ? record.partition : 0;
    staged_.add(partition, key.ptr, key.len, value.ptr, value.len, opaque);
  }
  return enqueue_staged();
}

Status SourceTaskRunner::ensure_topic(std::string_view topic) {
  if (known_topics_.find(topic) != known_topics_.end()) return Status::ok();
  std::string name(topic);
  if (create_topics_ && services_.admin != nullptr) {
    int32_t partitions =
        static_cast<int32_t>(connector_long("topic.creation.default.partitions", -1));
    int16_t replication =
        static_cast<int16_t>(connector_long("topic.creation.default.replication.factor", -1));
    Status created = services_.admin->create_topic(name, partitions, replication, {}, 30000);
    if (!created.is_ok()) {
      SLUICE_LOG(kWarn, "worker",
                 "source task " + subject_ + ": could not create topic '" + name +
                     "': " + created.to_string());
    }
  }
  services_.active_topics->record(spec_.connector, name);
  known_topics_.insert(std::move(name));
  return Status::ok();
}

SourceTaskRunner::TopicTarget* SourceTaskRunner::topic_target(
    std::string_view topic, std::chrono::steady_clock::time_point now) {
  // Most records go to the topic of the record before: no lookup, no string built.
  TopicTarget* target = last_target_;
  if (target == nullptr || topic != last_topic_) {
    std::string name(topic);
    auto it = topic_targets_.find(name);
    if (it == topic_targets_.end()) {
      TopicTarget made;
      made.handle = rd_kafka_topic_new(producer_, name.c_str(), nullptr);
      it = topic_targets_.emplace(name, made).first;
    }
    last_topic_ = std::move(name);
    target = last_target_ = &it->second;
  }
  if (target->handle != nullptr && now >= target->recheck_at) {
    // The partition count decides whether records without a partition may go to partition 0
    // in one run (a single-partition topic) or must pass librdkafka's partitioner one by one.
    // Looked up again now and then, as a producer's metadata refresh would, so partitions
    // added later are used.
    const rd_kafka_metadata_t* metadata = nullptr;
    target->partitions = 0;
    if (rd_kafka_metadata(producer_, 0, target->handle, &metadata, 2000) ==
        RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (metadata->topic_cnt == 1 && metadata->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        target->partitions = metadata->topics[0].partition_cnt;
      }
      rd_kafka_metadata_destroy(metadata);
    }
    target->recheck_at = now + std::chrono::seconds(target->partitions > 0 ? 30 : 5);
  }
  return target;
}

Status SourceTaskRunner::convert_record(const sluice_record& record, sluice_bytes* key,
                                        sluice_bytes* value, bool* skipped) {
  std::string_view topic(record.topic.ptr, record.topic.len);
  if (topic.empty()) {
    return Status::invalid_argument(spec_.plugin->class_name + " task " + subject_ +
                                    " failed in poll: a record has no topic");
  }
  if (topic != last_topic_ && known_topics_.find(topic) == known_topics_.end())
    SLUICE_RETURN_IF_ERROR(ensure_topic(topic));

  Status converted = converters_.key->from_connect(topic, record.key, key);
  if (converted.is_ok()) converted = converters_.value->from_connect(topic, record.value, value);
  if (!converted.is_ok()) {
    if (tolerate_errors_) {
      SLUICE_LOG(kWarn, "worker",
                 "source task " + subject_ + ": skipping a record to '" + std::string(topic) +
                     "': " + converted.to_string());
      *skipped = true;
      return Status::ok();
    }
    return converted.with_context("failed in conversion of a record to topic '" +
                                  std::string(topic) + "'");
  }
  return Status::ok();
}

void* SourceTaskRunner::track(const sluice_record& record) {
  // The slot and the pending record are taken before the producer sees the message: its
  // delivery report (served on this thread by rd_kafka_poll) acknowledges them.
  SubmittedRecords::Slot* slot =
      submitted_.add(record.source_partition, record.source_partition_count, record.source_offset,
                     record.source_offset_count);
  if (!task_->has_commit_record()) return slot;
  PendingRecord& pending = pending_.emplace_back();
  pending.slot = slot;
  pending.cookie = record.cookie;
  return &pending;
}

Status SourceTaskRunner::refused(void* opaque, std::string_view topic, int32_t partition,
                                 rd_kafka_resp_err_t error) {
  Status failed = Status::internal(
      "failed in produce: topic " + std::string(topic) +
      (partition >= 0 ? " partition " + std::to_string(partition) : std::string()) + ": " +
      rd_kafka_err2str(error));
  if (!tolerate_errors_) return failed;  // the slot stays unacknowledged: nothing past it commits
  SLUICE_LOG(kWarn, "worker",
             "source task " + subject_ + ": skipping record: " + failed.to_string());
  if (task_->has_commit_record()) {
    auto* pending = static_cast<PendingRecord*>(opaque);
    pending->delivered = true;
    pending->metadata.offset = -1;
    if (pending->slot != nullptr) SubmittedRecords::ack(pending->slot);
  } else if (opaque != nullptr) {
    SubmittedRecords::ack(static_cast<SubmittedRecords::Slot*>(opaque));
  }
  return Status::ok();
}

Status SourceTaskRunner::enqueue_staged() {
  while (!staged_.empty()) {
    const size_t before = staged_.size();
    rejections_.clear();
    const bool all_taken = staged_.enqueue(staged_topic_, &rejections_);
    records_produced_ += before - staged_.size() - rejections_.size();
    for (const auto& rejection : rejections_) {
      SLUICE_RETURN_IF_ERROR(refused(rejection.opaque, rd_kafka_topic_name(staged_topic_),
                                     rejection.partition, rejection.error));
    }
    if (all_taken) break;
    // librdkafka's queue is full: wait for the log instead of polling more (back-pressure).
    serve_delivery_reports(100);
    SLUICE_RETURN_IF_ERROR(delivery_failure_);
    if (stop_requested()) {
      // Not sent and not acknowledged: their offsets are not committed, so they are read again
      // after a restart instead of holding up the stop.
      staged_.clear();
      break;
    }
  }
  return Status::ok();
}

Status SourceTaskRunner::produce_one(const sluice_record& record, rd_kafka_topic_t* rkt,
                                     sluice_bytes key, sluice_bytes value, void* opaque) {
  rd_kafka_headers_t* headers = nullptr;
  if (record.header_count > 0 && record.headers != nullptr) {
    headers = rd_kafka_headers_new(record.header_count);
    for (uint32_t h = 0; h < record.header_count; ++h) {
      const sluice_header& header = record.headers[h];
      const sluice_data& data = header.value;
      const void* ptr = data.form == SLUICE_FORM_NULL ? nullptr : data.bytes.ptr;
      rd_kafka_header_add(headers, header.key.ptr, static_cast<ssize_t>(header.key.len), ptr,
                          data.form == SLUICE_FORM_NULL ? 0 : static_cast<ssize_t>(data.bytes.len));
    }
  }
  while (true) {
    rd_kafka_resp_err_t err =
        rd_kafka_producev(producer_, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(record.partition),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                          RD_KAFKA_V_KEY(const_cast<uint8_t*>(key.ptr), key.len),
                          RD_KAFKA_V_VALUE(const_cast<uint8_t*>(value.ptr), value.len),
                          RD_KAFKA_V_TIMESTAMP(record.timestamp_ms > 0 ? record.timestamp_ms : 0),
                          RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && !stop_requested()) {
      serve_delivery_reports(100);  // back-pressure: wait for the log instead of polling more
      SLUICE_RETURN_IF_ERROR(delivery_failure_);
      continue;
    }
    if (headers != nullptr) rd_kafka_headers_destroy(headers);
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) return Status::ok();  // stopping: read again later
    return refused(opaque, rd_kafka_topic_name(rkt), record.partition, err);
  }
  ++records_produced_;
  return Status::ok();
}

void SourceTaskRunner::serve_delivery_reports(int timeout_ms) {
  rd_kafka_poll(producer_, timeout_ms);
}

void SourceTaskRunner::on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  static_cast<SourceTaskRunner*>(opaque)->handle_delivery(message);
}

void SourceTaskRunner::handle_delivery(const rd_kafka_message_t* message) {
  const bool with_pending = task_ && task_->has_commit_record();
  PendingRecord* pending = with_pending ? static_cast<PendingRecord*>(message->_private) : nullptr;
  auto* slot = with_pending ? (pending != nullptr ? pending->slot : nullptr)
                            : static_cast<SubmittedRecords::Slot*>(message->_private);
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::string where = std::string("topic ") + rd_kafka_topic_name(message->rkt) + " partition " +
                        std::to_string(message->partition);
    if (tolerate_errors_) {
      SLUICE_LOG(
          kWarn, "worker",
          "source task " + subject_ + ": record to " + where +
              " not delivered, skipped (errors.tolerance=all): " + rd_kafka_err2str(message->err));
    } else {
      if (delivery_failure_.is_ok()) {
        delivery_failure_ =
            Status::internal("failed in produce: " + where + ": " + rd_kafka_err2str(message->err));
      }
      return;  // never acknowledged: its offset and every later one of its partition stay
    }
  }
  if (slot != nullptr) SubmittedRecords::ack(slot);
  if (pending != nullptr) {
    pending->delivered = true;
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* topic = rd_kafka_topic_name(message->rkt);  // lives as long as the handle
      pending->metadata.topic = {topic, std::strlen(topic)};
      pending->metadata.partition = message->partition;
      pending->metadata.offset = message->offset;
      rd_kafka_timestamp_type_t type;
      pending->metadata.timestamp_ms = rd_kafka_message_timestamp(message, &type);
    } else {
      pending->metadata.offset = -1;
    }
  }
}

Status SourceTaskRunner::deliver_commit_records() {
  while (!pending_.empty() && pending_.front().delivered) {
    PendingRecord& head = pending_.front();
    Status committed =
        task_->commit_record(head.cookie, head.metadata.offset >= 0 ? &head.metadata : nullptr);
    pending_.pop_front();
    if (!committed.is_ok()) return committed;
  }
  return Status::ok();
}

Status SourceTaskRunner::flush_offsets() {
  for (auto& entry : submitted_.committable()) {
    unflushed_[source_offset_key(spec_.connector, entry.partition.data(), entry.partition.size())] =
        entry.offset.to_json();
  }
  if (unflushed_.empty()) return Status::ok();
  std::vector<storage::OffsetEntry> entries;
  entries.reserve(unflushed_.size());
  for (auto& [key, value] : unflushed_) entries.push_back({key, value});
  SLUICE_RETURN_IF_ERROR(services_.offsets->put_and_flush(entries));
  unflushed_.clear();
  return task_->commit();
}

Status SourceTaskRunner::finish() {
  // Let in-flight records reach the log and acknowledge them, then store their offsets.
  if (producer_ != nullptr) {
    rd_kafka_resp_err_t flushed = rd_kafka_flush(producer_, static_cast<int>(flush_timeout_ms_));
    if (flushed != RD_KAFKA_RESP_ERR_NO_ERROR) {
      SLUICE_LOG(kWarn, "worker",
                 "source task " + subject_ + ": " + std::to_string(rd_kafka_outq_len(producer_)) +
                     " records still unacknowledged after " + std::to_string(flush_timeout_ms_) +
                     " ms; their offsets are not committed");
    }
  }
  Status result;
  if (task_) {
    Status delivered = deliver_commit_records();
    if (!delivered.is_ok()) result = delivered;
  }
  Status offsets = flush_offsets();
  if (!offsets.is_ok()) {
    SLUICE_LOG(kError, "worker",
               "source task " + subject_ + ": final offset flush failed: " + offsets.to_string());
    if (result.is_ok()) result = offsets;
  }
  if (task_) {
    Status stopped = task_->stop();
    if (!stopped.is_ok() && result.is_ok()) result = stopped;
    std::lock_guard lock(task_mutex_);
    task_.reset();
  }
  SLUICE_LOG(kInfo, "worker",
             "source task " + subject_ + " stopped after producing " +
                 std::to_string(records_produced_) + " records");
  return result;
}

}  // namespace sluice::worker
