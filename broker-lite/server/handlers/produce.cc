// Produce (key 0): validates each partition's record batch (exactly one v2 batch, size, CRC,
// counts, codec), applies the idempotent-producer checks, appends to the partition log and
// answers by acks: 0 = no response (the connection is closed if anything failed, CLIENTS.md P8);
// 1 = once the bytes reached the OS; all (-1) = once they are fsynced (group commit).
#include <memory>

#include "broker-lite/log/group_committer.h"
#include "broker-lite/protocol/record_batch.h"
#include "broker-lite/server/api_table.h"
#include "broker-lite/server/broker.h"
#include "broker-lite/server/fetch_waiters.h"
#include "broker-lite/server/handlers/handler_util.h"
#include "broker-lite/server/kafka_errors.h"
#include "broker-lite/server/topic_manager.h"

namespace sluice::broker {
namespace {

using PartitionResponse = kafka::ProduceResponse::PartitionProduceResponse;

// An acks=all response waiting for its partitions' fsyncs.
struct PendingProduce {
  RequestPtr request;
  kafka::ProduceResponse response;
  int outstanding = 0;
};

int16_t batch_error_code(kafka::BatchError e) {
  switch (e) {
    case kafka::BatchError::kBadCrc:
      return kCorruptMessage;
    case kafka::BatchError::kBadLength:
      return kMessageTooLarge;
    default:
      return kInvalidRecord;
  }
}

// Validates and appends one partition's records. Fills `out`; returns the last offset an acks=all
// answer must wait for (or -1 when nothing was appended).
int64_t produce_partition(Broker& broker, const RequestPtr& request, const std::string& topic,
                          const kafka::ProduceRequest::PartitionProduceData& data,
                          PartitionResponse& out) {
  out.index = data.index;
  Partition* p = broker.topics().find_partition(topic, data.index);
  if (!p) {
    out.error_code = kUnknownTopicOrPartition;
    return -1;
  }
  if (request->version() < 3) {
    out.error_code = kUnsupportedForMessageFormat;
    out.error_message =
        "Produce v0-2 (message format v0/v1) is not supported; use a client that sends record "
        "batch v2";
    return -1;
  }
  if (p->log->failed()) {
    out.error_code = kKafkaStorageError;
    out.error_message = std::string(p->log->failure().message());
    return -1;
  }
  const kafka::RecordsRef& records = data.records;
  if (records.is_null || records.size == 0) {
    out.error_code = kInvalidRecord;
    out.error_message = "no record batch";
    return -1;
  }
  const size_t max_bytes = static_cast<size_t>(p->settings.max_message_bytes);
  if (records.size > max_bytes + kafka::batch_layout::kLogOverhead) {
    out.error_code = kMessageTooLarge;
    out.error_message = "record batch of " + std::to_string(records.size) +
                        " bytes exceeds max.message.bytes=" + std::to_string(max_bytes);
    return -1;
  }
  // The frame is owned by this request and never shared: patching offsets in place is safe.
  std::span<uint8_t> bytes(const_cast<uint8_t*>(records.data), records.size);
  kafka::BatchCheck check =
      kafka::check_batch(bytes, max_bytes + kafka::batch_layout::kLogOverhead);
  if (!check.ok()) {
    out.error_code = batch_error_code(check.error);
    out.error_message = kafka::batch_error_name(check.error);
    return -1;
  }
  const kafka::BatchHeader& h = check.header;
  if (h.total_size() != bytes.size()) {
    out.error_code = kInvalidRecord;
    out.error_message = "a produce request must carry exactly one record batch per partition";
    return -1;
  }
  if (h.compression() > 4) {
    out.error_code = kInvalidRecord;
    out.error_message = "unknown compression codec " + std::to_string(h.compression());
    return -1;
  }
  if (h.compression() == 4 && request->version() < 7) {
    out.error_code = kUnsupportedCompressionType;
    return -1;
  }
  if (h.is_control()) {
    out.error_code = kInvalidRecord;
    out.error_message = "clients may not write control batches";
    return -1;
  }
  if (h.is_transactional()) {
    out.error_code = kInvalidRecord;
    out.error_message = "transactional produce is not supported by broker-lite yet";
    return -1;
  }
  const int64_t now = broker.now_ms();
  coord::ProducerBatch pb{h.producer_id, h.producer_epoch, h.base_sequence, h.record_count};
  if (h.has_producer_id()) {
    coord::ProducerCheck verdict = p->producers.check(pb);
    if (verdict.verdict == coord::ProducerCheck::Verdict::kDuplicate) {
      // A retry of a batch already appended: answer with its original offsets, without
      // appending again. Returning its last offset makes acks=all wait until the original is
      // fsynced (it may still be in flight).
      out.base_offset = verdict.first_offset;
      out.log_start_offset = p->log->log_start_offset();
      return verdict.last_offset;
    }
    if (verdict.verdict == coord::ProducerCheck::Verdict::kReject) {
      out.error_code = verdict.error_code;
      return -1;
    }
  }
  if (p->settings.log_append_time) {
    if (Status s = kafka::set_max_timestamp_and_log_append_time(bytes, now); !s) {
      out.error_code = kInvalidRecord;
      out.error_message = std::string(s.message());
      return -1;
    }
    out.log_append_time_ms = now;
  }
  auto appended = p->log->append(bytes, now);
  if (!appended) {
    out.error_code = kKafkaStorageError;
    out.error_message = std::string(appended.status().message());
    return -1;
  }
  if (h.has_producer_id())
    p->producers.record_append(pb, appended->base_offset, appended->last_offset, now);
  out.base_offset = appended->base_offset;
  out.log_start_offset = appended->log_start_offset;
  broker.fetch_waiters().notify(topic, data.index);
  return appended->last_offset;
}

}  // namespace

void handle_produce(Broker& broker, const RequestPtr& request) {
  kafka::ProduceRequest req;
  if (!decode_or_close(request, req)) return;
  const int16_t acks = req.acks;
  auto pending = std::make_shared<PendingProduce>();
  pending->request = request;
  bool any_error = false;
  struct SyncTarget {
    Partition* partition;
    int64_t end_offset;
    size_t topic_index;
    size_t partition_index;
  };
  std::vector<SyncTarget> syncs;
  for (const auto& t : req.topic_data) {
    kafka::ProduceResponse::TopicProduceResponse tr;
    tr.name = t.name;
    for (const auto& pd : t.partition_data) {
      PartitionResponse pr;
      int64_t last = -1;
      if (acks != 0 && acks != 1 && acks != -1) {
        pr.index = pd.index;
        pr.error_code = kInvalidRequiredAcks;
      } else if (req.transactional_id) {
        pr.index = pd.index;
        pr.error_code = kTransactionalIdAuthorizationFailed;
        pr.error_message = "transactions are not supported by broker-lite yet";
      } else {
        last = produce_partition(broker, request, t.name, pd, pr);
      }
      any_error |= pr.error_code != 0;
      if (acks == -1 && last >= 0) {
        syncs.push_back({broker.topics().find_partition(t.name, pd.index), last + 1,
                         pending->response.responses.size(), tr.partition_responses.size()});
      }
      tr.partition_responses.push_back(std::move(pr));
    }
    pending->response.responses.push_back(std::move(tr));
  }
  if (acks == 0) {
    if (any_error) {
      request->close_connection();
    } else {
      request->reply_nothing();
    }
    return;
  }
  if (syncs.empty()) {
    request->reply(pending->response);
    return;
  }
  // The batches are in the log now: the frame need not live while the fsync is awaited.
  request->body = {};
  request->frame.reset();
  pending->outstanding = static_cast<int>(syncs.size());
  for (const SyncTarget& s : syncs) {
    const size_t ti = s.topic_index, pi = s.partition_index;
    broker.committer().request_sync(
        s.partition->log.get(), s.end_offset, [pending, ti, pi](Status st) {
          if (!st) {
            auto& pr = pending->response.responses[ti].partition_responses[pi];
            pr.error_code = kKafkaStorageError;
            pr.error_message = "fsync failed: " + std::string(st.message());
            pr.base_offset = -1;
          }
          if (--pending->outstanding == 0) pending->request->reply(pending->response);
        });
  }
}

}  // namespace sluice::broker
