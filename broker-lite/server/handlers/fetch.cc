// Fetch (key 1): reads whole batches from each requested partition up to the partition and
// response byte limits (at least one batch for the first partition with data, KIP-74) and answers
// at once when min_bytes are there; otherwise the request is held (long poll) until an append
// brings enough data or max_wait_ms passes (CLIENTS.md P12). No transactions yet, so the last
// stable offset equals the high watermark (the log end offset on this single node).
#include <asio/steady_timer.hpp>

#include <memory>

#include "broker-lite/server/api_table.h"
#include "broker-lite/server/broker.h"
#include "broker-lite/server/fetch_waiters.h"
#include "broker-lite/server/handlers/handler_util.h"
#include "broker-lite/server/kafka_errors.h"
#include "broker-lite/server/topic_manager.h"

namespace sluice::broker {
namespace {

constexpr int32_t kMaxWaitCapMs = 30000;
// Smaller record sets are copied into the response (one pread beats an extra syscall).
constexpr uint64_t kSendfileMinBytes = 16 * 1024;

class PendingFetch : public FetchWaiter, public std::enable_shared_from_this<PendingFetch> {
 public:
  PendingFetch(Broker& broker, RequestPtr request, kafka::FetchRequest req)
      : broker_(broker), request_(std::move(request)), req_(std::move(req)), timer_(broker.io()) {
    for (const auto& t : req_.topics) {
      for (const auto& p : t.partitions) watched_.emplace_back(t.topic, p.partition);
    }
  }

  // Builds the response from the logs; returns the number of record bytes in it and whether any
  // partition has an error (errors are answered at once).
  size_t build(kafka::FetchResponse& resp, bool& has_error) {
    has_error = false;
    size_t total = 0;
    const size_t response_limit = req_.max_bytes > 0 ? static_cast<size_t>(req_.max_bytes) : 0;
    for (const auto& t : req_.topics) {
      kafka::FetchResponse::FetchableTopicResponse tr;
      tr.topic = t.topic;
      for (const auto& fp : t.partitions) {
        kafka::FetchResponse::PartitionData pd;
        pd.partition_index = fp.partition;
        Partition* p = broker_.topics().find_partition(t.topic, fp.partition);
        if (!p) {
          pd.error_code = kUnknownTopicOrPartition;
          pd.high_watermark = -1;
          has_error = true;
          tr.partitions.push_back(std::move(pd));
          continue;
        }
        log::PartitionLog& log = *p->log;
        const int64_t hwm = log.log_end_offset();
        pd.high_watermark = hwm;
        pd.last_stable_offset = hwm;
        pd.log_start_offset = log.log_start_offset();
        const size_t remaining = response_limit > total ? response_limit - total : 0;
        const size_t limit =
            std::min<size_t>(remaining, fp.partition_max_bytes > 0 ? fp.partition_max_bytes : 0);
        if (fp.fetch_offset < hwm && (limit > 0 || total == 0)) {
          auto read = log.read(fp.fetch_offset, limit, /*min_one_batch=*/total == 0, hwm);
          if (!read) {
            pd.error_code = kKafkaStorageError;
            has_error = true;
            SLUICE_LOG(kError, "fetch", log.name() + ": " + read.status().to_string());
          } else if (read->out_of_range) {
            pd.error_code = kOffsetOutOfRange;
            has_error = true;
          } else if (read->length >= kSendfileMinBytes && read->file->native_fd() >= 0) {
            // Sent from the segment file with sendfile(2); the File keeps the descriptor open.
            pd.records.file_fd = read->file->native_fd();
            pd.records.file_offset = read->position;
            pd.records.size = read->length;
            pd.records.is_null = false;
            pd.records.keep_alive = read->file;
            total += read->length;
          } else if (read->length > 0) {
            auto buffer = std::make_shared<std::vector<uint8_t>>();
            Status copied = read->copy_to(buffer.get());
            if (!copied) {
              pd.error_code = kKafkaStorageError;
              has_error = true;
              SLUICE_LOG(kError, "fetch", log.name() + ": " + copied.to_string());
            } else {
              pd.records.data = buffer->data();
              pd.records.size = buffer->size();
              pd.records.is_null = false;
              pd.records.keep_alive = buffer;
              total += buffer->size();
            }
          }
        } else if (fp.fetch_offset > hwm || fp.fetch_offset < pd.log_start_offset) {
          pd.error_code = kOffsetOutOfRange;
          has_error = true;
        }
        if (pd.records.is_null) {
          pd.records.is_null = false;  // an empty record set, not null
          pd.records.data = nullptr;
          pd.records.size = 0;
        }
        tr.partitions.push_back(std::move(pd));
      }
      resp.responses.push_back(std::move(tr));
    }
    return total;
  }

  // Answers now if min_bytes are available (or `force`); returns true when answered.
  bool try_answer(bool force) {
    kafka::FetchResponse resp;
    bool has_error = false;
    size_t bytes = build(resp, has_error);
    if (!force && !has_error && static_cast<int64_t>(bytes) < std::max<int32_t>(req_.min_bytes, 1))
      return false;
    request_->reply(resp);
    timer_.cancel();
    return true;
  }

  void hold() {
    broker_.fetch_waiters().add(shared_from_this());
    timer_.expires_after(std::chrono::milliseconds(std::min(req_.max_wait_ms, kMaxWaitCapMs)));
    // The timer's handler owns the waiter: a fetch that watches no partition (Java's consumer
    // sends one when it closes) is held by nothing else and must still be answered.
    timer_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
      if (ec || self->done) return;
      self->done = true;
      self->broker_.fetch_waiters().remove(self);
      self->try_answer(true);
    });
  }

  bool on_data() override { return try_answer(false); }
  const std::vector<std::pair<std::string, int32_t>>& watched() const override { return watched_; }

  int32_t max_wait_ms() const { return req_.max_wait_ms; }

 private:
  Broker& broker_;
  RequestPtr request_;
  kafka::FetchRequest req_;
  asio::steady_timer timer_;
  std::vector<std::pair<std::string, int32_t>> watched_;
};

}  // namespace

void handle_fetch(Broker& broker, const RequestPtr& request) {
  kafka::FetchRequest req;
  if (!decode_or_close(request, req)) return;
  if (request->version() < 4) {
    // Legacy message sets (magic 0/1) would need down-conversion; no supported client sends these.
    SLUICE_LOG(kWarn, "fetch",
               "Fetch v" + std::to_string(request->version()) + " from client '" +
                   request->client_id() + "' needs message format v0/v1; closing");
    request->close_connection();
    return;
  }
  auto pending = std::make_shared<PendingFetch>(broker, request, std::move(req));
  if (pending->try_answer(pending->max_wait_ms() <= 0)) return;
  pending->hold();
}

}  // namespace sluice::broker
