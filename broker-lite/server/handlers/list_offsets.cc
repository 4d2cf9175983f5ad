// ListOffsets (key 2): earliest (-2), latest (-1: the high watermark, which is also the last
// stable offset without transactions) and by timestamp (first batch with a timestamp >= the one
// asked for). v0 answers with an array of offsets (old style).
#include "broker-lite/server/api_table.h"
#include "broker-lite/server/broker.h"
#include "broker-lite/server/handlers/handler_util.h"
#include "broker-lite/server/kafka_errors.h"
#include "broker-lite/server/topic_manager.h"

namespace sluice::broker {
namespace {
constexpr int64_t kLatest = -1;
constexpr int64_t kEarliest = -2;
}  // namespace

void handle_list_offsets(Broker& broker, const RequestPtr& request) {
  kafka::ListOffsetsRequest req;
  if (!decode_or_close(request, req)) return;
  kafka::ListOffsetsResponse resp;
  for (const auto& t : req.topics) {
    kafka::ListOffsetsResponse::ListOffsetsTopicResponse tr;
    tr.name = t.name;
    for (const auto& lp : t.partitions) {
      kafka::ListOffsetsResponse::ListOffsetsPartitionResponse pr;
      pr.partition_index = lp.partition_index;
      Partition* p = broker.topics().find_partition(t.name, lp.partition_index);
      if (!p) {
        pr.error_code = kUnknownTopicOrPartition;
      } else if (lp.timestamp == kLatest) {
        pr.offset = p->log->log_end_offset();
      } else if (lp.timestamp == kEarliest) {
        pr.offset = p->log->log_start_offset();
      } else if (lp.timestamp < 0) {
        pr.error_code = kInvalidRequest;  // -3 (max timestamp) and others are not advertised
      } else {
        auto found = p->log->offset_for_timestamp(lp.timestamp);
        if (!found) {
          pr.error_code = kKafkaStorageError;
          SLUICE_LOG(kError, "list-offsets", p->log->name() + ": " + found.status().to_string());
        } else {
          pr.offset = found->offset;
          pr.timestamp = found->timestamp;
        }
      }
      if (request->version() == 0 && pr.error_code == 0) {
        // Old style: up to max_num_offsets offsets; the one found is all broker-lite reports.
        if (pr.offset >= 0 && lp.max_num_offsets > 0) pr.old_style_offsets.push_back(pr.offset);
      }
      tr.partitions.push_back(std::move(pr));
    }
    resp.topics.push_back(std::move(tr));
  }
  request->reply(resp);
}

void handle_delete_records(Broker& broker, const RequestPtr& request) {
  kafka::DeleteRecordsRequest req;
  if (!decode_or_close(request, req)) return;
  kafka::DeleteRecordsResponse resp;
  for (const auto& t : req.topics) {
    kafka::DeleteRecordsResponse::DeleteRecordsTopicResult tr;
    tr.name = t.name;
    for (const auto& dp : t.partitions) {
      kafka::DeleteRecordsResponse::DeleteRecordsPartitionResult pr;
      pr.partition_index = dp.partition_index;
      pr.low_watermark = -1;
      Partition* p = broker.topics().find_partition(t.name, dp.partition_index);
      if (!p) {
        pr.error_code = kUnknownTopicOrPartition;
      } else {
        const int64_t target = dp.offset == -1 ? p->log->log_end_offset() : dp.offset;
        if (target < 0 || target > p->log->log_end_offset()) {
          pr.error_code = kOffsetOutOfRange;
        } else {
          auto moved = p->log->delete_records_before(std::max(target, p->log->log_start_offset()));
          if (!moved) {
            pr.error_code = kKafkaStorageError;
          } else {
            pr.low_watermark = *moved;
          }
        }
      }
      tr.partitions.push_back(std::move(pr));
    }
    resp.topics.push_back(std::move(tr));
  }
  request->reply(resp);
}

}  // namespace sluice::broker
