// SinkTaskRunner: see sink_task_runner.h.
#include "runtime/worker/sink_task_runner.h"

#include <algorithm>
#include <cstring>

#include "broker-lite/util/logging.h"
#include "runtime/config/config_key.h"
#include "runtime/kafka/admin.h"
#include "runtime/kafka/conf.h"
#include "runtime/plugin/plugin_registry.h"
#include "runtime/worker/status_store.h"

namespace sluice::worker {

SinkTaskRunner::SinkTaskRunner(const WorkerServices& services, TaskSpec spec)
    : TaskRunner(services, std::move(spec)) {}

SinkTaskRunner::~SinkTaskRunner() {
  for (rd_kafka_message_t* message : messages_) rd_kafka_message_destroy(message);
  if (consumer_ != nullptr) rd_kafka_destroy(consumer_);
  if (dlq_producer_ != nullptr) rd_kafka_destroy(dlq_producer_);
}

void SinkTaskRunner::wake_plugin() {
  std::lock_guard lock(task_mutex_);
  if (task_) task_->wake();
}

Status SinkTaskRunner::setup() {
  const auto& cfg = spec_.connector_config;
  tolerate_errors_ = connector_is("errors.tolerance", "all");
  log_errors_ = connector_is("errors.log.enable", "true");
  flush_interval_ms_ = worker_long("offset.flush.interval.ms");
  if (auto dlq = cfg.find("errors.deadletterqueue.topic.name");
      tolerate_errors_ && dlq != cfg.end()) {
    dlq_topic_ = dlq->second;
  }
  dlq_context_headers_ = connector_is("errors.deadletterqueue.context.headers.enable", "true");

  schemas_ = std::make_unique<data::SchemaRegistry>();
  auto converters = make_task_converters(services_, cfg, schemas_.get(), identity());
  if (!converters.is_ok()) return converters.status();
  converters_ = std::move(converters).value();

  config::Props base{{"bootstrap.servers", services_.bootstrap_servers},
                     {"group.id", "connect-" + spec_.connector},
                     {"client.id", "connector-consumer-" + subject_},
                     {"enable.auto.commit", "false"},
                     {"enable.auto.offset.store", "false"},
                     {"auto.offset.reset", "earliest"},
                     {"partition.assignment.strategy", "range"},
                     // Keep the fetch queue ahead of the task (librdkafka's default of 100000
                     // messages starves a fast sink); memory stays bounded by
                     // queued.max.messages.kbytes.
                     {"queued.min.messages", "1000000"}};
  config::Props props = client_props(std::move(base), "consumer.", "consumer.override.");
  if (auto it = props.find("max.poll.records"); it != props.end()) {
    max_poll_records_ = std::max<size_t>(1, std::strtoull(it->second.c_str(), nullptr, 10));
    props.erase(it);  // a Java consumer key librdkafka does not know
  }
  auto conf = kafka_client::make_conf(props);
  if (!conf.is_ok()) return conf.status().with_context("consumer configuration");
  rd_kafka_conf_t* c = conf.value();
  rd_kafka_conf_set_rebalance_cb(c, &SinkTaskRunner::on_rebalance);
  rd_kafka_conf_set_opaque(c, this);
  char error[512];
  consumer_ = rd_kafka_new(RD_KAFKA_CONSUMER, c, error, sizeof error);
  if (consumer_ == nullptr) {
    rd_kafka_conf_destroy(c);
    return Status::invalid_argument(std::string("cannot create consumer: ") + error);
  }
  rd_kafka_poll_set_consumer(consumer_);

  auto context = plugin::make_context(identity(), this, schemas_.get());
  auto handle = plugin::SinkTaskHandle::create(*spec_.plugin, std::move(context));
  if (!handle.is_ok()) return handle.status();
  std::lock_guard lock(task_mutex_);
  task_ = std::move(handle).value();
  return Status::ok();
}

Status SinkTaskRunner::subscribe() {
  const auto& cfg = spec_.connector_config;
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(4);
  std::vector<std::string> listed;
  if (auto it = cfg.find("topics"); it != cfg.end()) listed = config::split_list(it->second);
  if (!listed.empty()) {
    for (const std::string& topic : listed) {
      if (!topic.empty()) {
        rd_kafka_topic_partition_list_add(topics, topic.c_str(), RD_KAFKA_PARTITION_UA);
      }
    }
  } else if (auto re = cfg.find("topics.regex"); re != cfg.end() && !re->second.empty()) {
    std::string pattern = re->second.front() == '^' ? re->second : "^" + re->second;
    rd_kafka_topic_partition_list_add(topics, pattern.c_str(), RD_KAFKA_PARTITION_UA);
  }
  if (topics->cnt == 0) {
    rd_kafka_topic_partition_list_destroy(topics);
    return Status::invalid_argument("sink connector " + spec_.connector +
                                    ": neither 'topics' nor 'topics.regex' names a topic");
  }
  rd_kafka_resp_err_t err = rd_kafka_subscribe(consumer_, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::invalid_argument(std::string("subscribe failed: ") + rd_kafka_err2str(err));
  }
  return Status::ok();
}

Status SinkTaskRunner::run() {
  SLUICE_RETURN_IF_ERROR(setup());
  Status started = task_->start(spec_.task_config);
  if (!started.is_ok()) {
    (void)task_->stop();
    return started;
  }
  started_.store(true);
  SLUICE_RETURN_IF_ERROR(subscribe());
  report_state();
  SLUICE_LOG(kInfo, "worker", "sink task " + subject_ + " started");
  Status looped = loop();
  Status finished = finish();
  if (!looped.is_ok()) return looped;
  return finished;
}

Status SinkTaskRunner::loop() {
  auto next_commit =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(flush_interval_ms_);
  while (!stop_requested()) {
    if (paused() != partitions_paused_) {
      set_all_paused(paused());
      report_state();
    }
    SLUICE_RETURN_IF_ERROR(consume_batch());
    SLUICE_RETURN_IF_ERROR(rebalance_failure_);
    SLUICE_RETURN_IF_ERROR(dlq_failure_);
    if (!paused() && !messages_.empty()) SLUICE_RETURN_IF_ERROR(put_batch());
    if (commit_requested_.exchange(false) || std::chrono::steady_clock::now() >= next_commit) {
      Status committed = commit_offsets(nullptr);
      if (!committed.is_ok()) {
        if (committed.code() != StatusCode::kUnavailable) return committed;
        SLUICE_LOG(kWarn, "worker",
                   "sink task " + subject_ + ": commit skipped: " + committed.to_string());
      }
      next_commit =
          std::chrono::steady_clock::now() + std::chrono::milliseconds(flush_interval_ms_);
    }
  }
  return Status::ok();
}

void SinkTaskRunner::clear_batch() {
  for (rd_kafka_message_t* message : messages_) rd_kafka_message_destroy(message);
  messages_.clear();
  records_.clear();
  record_message_.clear();
  header_storage_.clear();
  node_storage_.clear();
  byte_storage_.clear();
  converted_ = 0;
  batch_pending_ = false;
}

Status SinkTaskRunner::consume_batch() {
  // A batch that put has accepted is dropped; one that was not delivered yet (paused, or put
  // retrying when a stop came) is kept and grows, so no fetched message is ever lost.
  if (!batch_pending_) clear_batch();
  int timeout_ms = paused() ? 200 : 500;
  // While paused, the consumer is still polled (group membership, rebalances): anything it hands
  // out joins the pending batch even beyond max.poll.records.
  while ((messages_.size() < max_poll_records_ || paused()) && !stop_requested()) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer_, timeout_ms);
    if (message == nullptr) break;
    timeout_ms = 0;  // take what is already fetched, do not wait for more
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        SLUICE_LOG(kWarn, "worker",
                   "sink task " + subject_ + ": consumer: " + rd_kafka_message_errstr(message));
      }
      rd_kafka_message_destroy(message);
      continue;
    }
    messages_.push_back(message);
  }
  records_.reserve(messages_.size());
  for (size_t i = converted_; i < messages_.size(); ++i) {
    Status converted = convert(messages_[i], i);
    if (!converted.is_ok()) {
      std::string where = std::string(rd_kafka_topic_name(messages_[i]->rkt)) + "-" +
                          std::to_string(messages_[i]->partition) + " offset " +
                          std::to_string(messages_[i]->offset);
      if (!tolerate_errors_) {
        return converted.with_context("failed in conversion of the record at " + where);
      }
      ++records_skipped_;
      if (log_errors_) {
        SLUICE_LOG(kWarn, "worker",
                   "sink task " + subject_ + ": skipped the record at " + where + ": " +
                       converted.to_string());
      }
      SLUICE_RETURN_IF_ERROR(
          send_to_dead_letter_queue(messages_[i], "VALUE_CONVERTER", converted.message()));
      // A skipped record's position advances with its batch once put accepted the batch.
    }
  }
  converted_ = messages_.size();
  batch_pending_ = !messages_.empty();
  return Status::ok();
}

sluice_data SinkTaskRunner::keep(const sluice_data& lent, const rd_kafka_message_t* message) {
  sluice_data kept = lent;
  auto inside_message = [message](const uint8_t* ptr, uint64_t len) {
    const auto* begin = static_cast<const uint8_t*>(message->payload);
    const auto* key = static_cast<const uint8_t*>(message->key);
    return ptr == nullptr ||
           (begin != nullptr && ptr >= begin && ptr + len <= begin + message->len) ||
           (key != nullptr && ptr >= key && ptr + len <= key + message->key_len);
  };
  auto copy_bytes = [this](sluice_bytes b) {
    std::string& stored = byte_storage_.emplace_back(reinterpret_cast<const char*>(b.ptr), b.len);
    return sluice_bytes{reinterpret_cast<const uint8_t*>(stored.data()), b.len};
  };
  if (lent.form == SLUICE_FORM_BYTES || lent.form == SLUICE_FORM_STRING) {
    if (!inside_message(lent.bytes.ptr, lent.bytes.len)) kept.bytes = copy_bytes(lent.bytes);
  } else if (lent.form == SLUICE_FORM_TYPED && lent.node_count > 0) {
    auto& nodes = node_storage_.emplace_back(lent.nodes, lent.nodes + lent.node_count);
    for (auto& node : nodes) {
      if ((node.type == SLUICE_VALUE_STRING || node.type == SLUICE_VALUE_BYTES) &&
          !inside_message(node.u.b.ptr, node.u.b.len)) {
        node.u.b = copy_bytes(node.u.b);
      }
    }
    kept.nodes = nodes.data();
  }
  return kept;
}

Status SinkTaskRunner::convert(const rd_kafka_message_t* message, size_t index) {
  const char* topic_name = rd_kafka_topic_name(message->rkt);
  std::string_view topic(topic_name);
  sluice_record record{};
  record.topic = {topic_name, topic.size()};
  record.partition = message->partition;
  record.offset = message->offset;
  rd_kafka_timestamp_type_t type;
  record.timestamp_ms = rd_kafka_message_timestamp(message, &type);
  record.timestamp_type = type == RD_KAFKA_TIMESTAMP_CREATE_TIME       ? 1
                          : type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? 2
                                                                       : 0;
  sluice_data lent{};
  SLUICE_RETURN_IF_ERROR(converters_.key->to_connect(
      topic, {static_cast<const uint8_t*>(message->key), message->key_len}, &lent));
  record.key = keep(lent, message);
  SLUICE_RETURN_IF_ERROR(converters_.value->to_connect(
      topic, {static_cast<const uint8_t*>(message->payload), message->len}, &lent));
  record.value = keep(lent, message);

  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR &&
      headers != nullptr && rd_kafka_header_cnt(headers) > 0) {
    auto& stored = header_storage_.emplace_back();
    const char* name;
    const void* value;
    size_t size;
    for (size_t i = 0;
         rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
      sluice_header header{};
      header.key = {name, std::strlen(name)};
      if (value != nullptr) {
        header.value.form = SLUICE_FORM_BYTES;
        header.value.bytes = {static_cast<const uint8_t*>(value), size};
      }
      stored.push_back(header);
    }
    record.headers = stored.data();
    record.header_count = static_cast<uint32_t>(stored.size());
  }
  records_.push_back(record);
  record_message_.push_back(index);
  if (services_.active_topics->record(spec_.connector, std::string(topic))) {
    SLUICE_LOG(kDebug, "worker", "sink task " + subject_ + " reads topic " + std::string(topic));
  }
  return Status::ok();
}

Status SinkTaskRunner::put_batch() {
  sluice_record_batch batch{records_.data(), static_cast<uint32_t>(records_.size()),
                            static_cast<uint32_t>(sizeof(sluice_record))};
  auto backoff = std::chrono::milliseconds(100);
  while (true) {
    inside_put_ = true;
    Status put = task_->put(batch);
    inside_put_ = false;
    if (put.is_ok()) break;
    if (put.code() != StatusCode::kUnavailable) return put;
    if (stop_requested()) return Status::ok();  // the batch is not committed; read again later
    SLUICE_LOG(kWarn, "worker",
               "sink task " + subject_ + ": put: " + std::string(put.message()) +
                   " (retrying the same batch)");
    set_all_paused(true);
    sleep_unless_stopped(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
    set_all_paused(paused());
  }
  for (const rd_kafka_message_t* message : messages_) {
    current_[{rd_kafka_topic_name(message->rkt), message->partition}] = message->offset + 1;
  }
  records_put_ += records_.size();
  batch_pending_ = false;
  return apply_offset_resets();
}

Status SinkTaskRunner::commit_offsets(const std::vector<TopicPartition>* only) {
  std::vector<sluice_tp_offset> current;
  for (const auto& [tp, offset] : current_) {
    if (only != nullptr && std::find(only->begin(), only->end(), tp) == only->end()) continue;
    current.push_back({{tp.first.data(), tp.first.size()}, tp.second, 0, offset});
  }
  if (current.empty()) return Status::ok();
  // Records sent to the dead-letter queue must be there before their offsets are committed.
  SLUICE_RETURN_IF_ERROR(flush_dead_letter_queue());
  std::vector<sluice_tp_offset> safe;  // pre_commit, or flush then all of current (ABI §8.3)
  SLUICE_RETURN_IF_ERROR(task_->pre_commit(current, &safe));
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(safe.size()));
  std::vector<std::pair<TopicPartition, int64_t>> advanced;
  for (const auto& entry : safe) {
    TopicPartition tp{std::string(entry.topic.ptr, entry.topic.len), entry.partition};
    auto cur = current_.find(tp);
    if (cur == current_.end() || entry.offset > cur->second) continue;  // never beyond delivered
    auto done = committed_.find(tp);
    if (done != committed_.end() && done->second >= entry.offset) continue;
    rd_kafka_topic_partition_list_add(list, tp.first.c_str(), tp.second)->offset = entry.offset;
    advanced.emplace_back(std::move(tp), entry.offset);
  }
  Status result;
  if (list->cnt > 0) {
    rd_kafka_resp_err_t err = rd_kafka_commit(consumer_, list, 0);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      result = Status::unavailable(std::string("offset commit failed: ") + rd_kafka_err2str(err));
    } else {
      for (auto& [tp, offset] : advanced) committed_[tp] = offset;
    }
  }
  rd_kafka_topic_partition_list_destroy(list);
  return result;
}

Status SinkTaskRunner::apply_offset_resets() {
  if (pending_resets_.empty()) return Status::ok();
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(pending_resets_.size()));
  for (const auto& reset : pending_resets_) {
    std::string topic(reset.topic.ptr, reset.topic.len);
    rd_kafka_topic_partition_list_add(list, topic.c_str(), reset.partition)->offset = reset.offset;
    current_[{topic, reset.partition}] = reset.offset;
  }
  pending_resets_.clear();
  reset_topics_.clear();
  rd_kafka_error_t* error = rd_kafka_seek_partitions(consumer_, list, 10000);
  rd_kafka_topic_partition_list_destroy(list);
  if (error != nullptr) {
    Status failed = Status::internal(std::string("seek after reset_offsets failed: ") +
                                     rd_kafka_error_string(error));
    rd_kafka_error_destroy(error);
    return failed;
  }
  return Status::ok();
}

void SinkTaskRunner::set_all_paused(bool pause_all) {
  partitions_paused_ = pause_all;
  if (assigned_.empty()) return;
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(assigned_.size()));
  for (const auto& [topic, partition] : assigned_) {
    rd_kafka_topic_partition_list_add(list, topic.c_str(), partition);
  }
  if (pause_all) {
    rd_kafka_pause_partitions(consumer_, list);
  } else {
    rd_kafka_resume_partitions(consumer_, list);
  }
  rd_kafka_topic_partition_list_destroy(list);
}

void SinkTaskRunner::on_rebalance(rd_kafka_t*, rd_kafka_resp_err_t err,
                                  rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  static_cast<SinkTaskRunner*>(opaque)->handle_rebalance(err, partitions);
}

void SinkTaskRunner::handle_rebalance(rd_kafka_resp_err_t err,
                                      rd_kafka_topic_partition_list_t* partitions) {
  if (!task_) {  // closing after the task was destroyed: only follow the group
    rd_kafka_assign(consumer_, err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS ? partitions : nullptr);
    return;
  }
  std::vector<sluice_topic_partition> tps;
  std::vector<TopicPartition> names;
  for (int i = 0; i < partitions->cnt; ++i) {
    names.emplace_back(partitions->elems[i].topic, partitions->elems[i].partition);
  }
  for (const auto& [topic, partition] : names) {
    tps.push_back({{topic.data(), topic.size()}, partition, 0});
  }
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    rd_kafka_assign(consumer_, partitions);
    assigned_ = names;
    rebuild_assignment_view();
    Status opened = task_->open(tps);
    if (!opened.is_ok() && rebalance_failure_.is_ok()) rebalance_failure_ = opened;
    if (partitions_paused_) set_all_paused(true);
    SLUICE_LOG(
        kInfo, "worker",
        "sink task " + subject_ + " assigned " + std::to_string(names.size()) + " partitions");
    return;
  }
  // Revoked: commit what is safe for these partitions, close them, forget their positions.
  Status committed = commit_offsets(&names);
  if (!committed.is_ok()) {
    SLUICE_LOG(kWarn, "worker",
               "sink task " + subject_ + ": commit on revocation failed: " + committed.to_string());
  }
  Status closed = task_->close(tps);
  if (!closed.is_ok() && rebalance_failure_.is_ok()) rebalance_failure_ = closed;
  for (const auto& tp : names) {
    current_.erase(tp);
    committed_.erase(tp);
  }
  // Messages fetched but not delivered are fetched again from the committed offsets by whoever
  // owns the partitions next.
  clear_batch();
  rd_kafka_assign(consumer_, nullptr);
  assigned_.clear();
  rebuild_assignment_view();
}

void SinkTaskRunner::rebuild_assignment_view() {
  assigned_view_.clear();
  for (const auto& [topic, partition] : assigned_) {
    assigned_view_.push_back({{topic.data(), topic.size()}, partition, 0});
  }
}

rd_kafka_topic_partition_list_t* SinkTaskRunner::to_list(const sluice_topic_partition* tps,
                                                         uint32_t n) const {
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(n));
  for (uint32_t i = 0; i < n; ++i) {
    std::string topic(tps[i].topic.ptr, tps[i].topic.len);
    rd_kafka_topic_partition_list_add(list, topic.c_str(), tps[i].partition);
  }
  return list;
}

Status SinkTaskRunner::on_partitions(const sluice_topic_partition* tps, uint32_t n,
                                     PartitionsCall call, const char* what) {
  rd_kafka_topic_partition_list_t* list = to_list(tps, n);
  rd_kafka_resp_err_t err = call(consumer_, list);
  rd_kafka_topic_partition_list_destroy(list);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::invalid_argument(std::string(what) + ": " + rd_kafka_err2str(err));
  }
  return Status::ok();
}

Status SinkTaskRunner::pause(const sluice_topic_partition* tps, uint32_t n) {
  return on_partitions(tps, n, &rd_kafka_pause_partitions, "pause");
}

Status SinkTaskRunner::resume(const sluice_topic_partition* tps, uint32_t n) {
  return on_partitions(tps, n, &rd_kafka_resume_partitions, "resume");
}

Status SinkTaskRunner::reset_offsets(const sluice_tp_offset* offsets, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    const std::string& topic =
        reset_topics_.emplace_back(offsets[i].topic.ptr, offsets[i].topic.len);
    sluice_tp_offset copy = offsets[i];
    copy.topic = {topic.data(), topic.size()};
    pending_resets_.push_back(copy);
  }
  return Status::ok();
}

Status SinkTaskRunner::assignment(const sluice_topic_partition** out, uint32_t* n) {
  *out = assigned_view_.data();
  *n = static_cast<uint32_t>(assigned_view_.size());
  return Status::ok();
}

Status SinkTaskRunner::report_errant(const sluice_record* record, std::string_view error) {
  if (!inside_put_) return Status::failed_precondition("report_errant is only allowed inside put");
  std::string where = std::string(record->topic.ptr, record->topic.len) + "-" +
                      std::to_string(record->partition) + " offset " +
                      std::to_string(record->offset);
  if (!tolerate_errors_) {
    return Status::internal("errant record at " + where +
                            " with errors.tolerance=none: " + std::string(error));
  }
  ++records_skipped_;
  SLUICE_LOG(kWarn, "worker",
             "sink task " + subject_ + ": errant record at " + where + ": " + std::string(error));
  return Status::ok();
}

void SinkTaskRunner::on_dead_letter_delivery(rd_kafka_t*, const rd_kafka_message_t* message,
                                             void* opaque) {
  auto* runner = static_cast<SinkTaskRunner*>(opaque);
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR && runner->dlq_failure_.is_ok()) {
    runner->dlq_failure_ =
        Status::internal("failed in produce to the dead letter queue topic " + runner->dlq_topic_ +
                         ": " + rd_kafka_err2str(message->err));
  }
}

Status SinkTaskRunner::send_to_dead_letter_queue(const rd_kafka_message_t* message,
                                                 std::string_view stage, std::string_view error) {
  if (dlq_topic_.empty()) return Status::ok();
  if (dlq_producer_ == nullptr) {
    auto producer = make_producer("dlq-producer", "dead letter queue producer", {},
                                  &SinkTaskRunner::on_dead_letter_delivery, this);
    if (!producer.is_ok()) return producer.status();
    dlq_producer_ = producer.value();
    if (services_.admin != nullptr) {
      auto replication = static_cast<int16_t>(
          connector_long("errors.deadletterqueue.topic.replication.factor", 3));
      Status created = services_.admin->create_topic(dlq_topic_, 1, replication, {}, 30000);
      if (!created.is_ok()) {
        SLUICE_LOG(kWarn, "worker",
                   "sink task " + subject_ + ": dead letter queue topic " + dlq_topic_ + ": " +
                       created.to_string());
      }
    }
  }
  rd_kafka_headers_t* headers = nullptr;
  rd_kafka_headers_t* original = nullptr;
  if (rd_kafka_message_headers(message, &original) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    headers = rd_kafka_headers_copy(original);
  }
  if (dlq_context_headers_) {
    if (headers == nullptr) headers = rd_kafka_headers_new(8);
    auto add = [headers](const char* name, const std::string& value) {
      rd_kafka_header_add(headers, name, -1, value.data(), static_cast<ssize_t>(value.size()));
    };
    add("__connect.errors.topic", rd_kafka_topic_name(message->rkt));
    add("__connect.errors.partition", std::to_string(message->partition));
    add("__connect.errors.offset", std::to_string(message->offset));
    add("__connect.errors.connector.name", spec_.connector);
    add("__connect.errors.task.id", std::to_string(spec_.task));
    add("__connect.errors.stage", std::string(stage));
    add("__connect.errors.exception.class.name", "io.sluice.connect.errors.ConversionError");
    add("__connect.errors.exception.message", std::string(error));
  }
  while (true) {
    rd_kafka_resp_err_t err = rd_kafka_producev(dlq_producer_, RD_KAFKA_V_TOPIC(dlq_topic_.c_str()),
                                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                                RD_KAFKA_V_KEY(message->key, message->key_len),
                                                RD_KAFKA_V_VALUE(message->payload, message->len),
                                                RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::ok();
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(dlq_producer_, 100);
      continue;
    }
    if (headers != nullptr) rd_kafka_headers_destroy(headers);
    return Status::internal("failed in produce to the dead letter queue topic " + dlq_topic_ +
                            ": " + rd_kafka_err2str(err));
  }
}

Status SinkTaskRunner::flush_dead_letter_queue() {
  if (dlq_producer_ == nullptr) return Status::ok();
  rd_kafka_flush(dlq_producer_, 30000);
  SLUICE_RETURN_IF_ERROR(dlq_failure_);
  if (rd_kafka_outq_len(dlq_producer_) > 0) {
    return Status::unavailable("dead letter queue records are not acknowledged yet");
  }
  return Status::ok();
}

Status SinkTaskRunner::finish() {
  Status result;
  if (task_ && consumer_ != nullptr) {
    Status committed = commit_offsets(nullptr);
    if (!committed.is_ok()) {
      SLUICE_LOG(kWarn, "worker",
                 "sink task " + subject_ + ": final commit failed: " + committed.to_string());
    }
    if (!assigned_view_.empty()) {
      Status closed = task_->close(assigned_view_);
      if (!closed.is_ok()) result = closed;
    }
  }
  if (task_) {
    Status stopped = task_->stop();
    if (!stopped.is_ok() && result.is_ok()) result = stopped;
    std::lock_guard lock(task_mutex_);
    task_.reset();
  }
  clear_batch();
  if (consumer_ != nullptr) {
    assigned_.clear();  // closing may revoke; the task is gone, so skip the plugin hooks
    rd_kafka_consumer_close(consumer_);
  }
  SLUICE_LOG(kInfo, "worker",
             "sink task " + subject_ + " stopped after " + std::to_string(records_put_) +
                 " records (" + std::to_string(records_skipped_) + " skipped)");
  return result;
}

}  // namespace sluice::worker
