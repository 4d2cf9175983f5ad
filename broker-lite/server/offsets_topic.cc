// OffsetsTopic: __consumer_offsets as the coordinator's journal (see offsets_topic.h).
#include "broker-lite/server/offsets_topic.h"

#include <chrono>

#include "broker-lite/coordinator/group_coordinator.h"
#include "broker-lite/log/group_committer.h"
#include "broker-lite/protocol/endian.h"
#include "broker-lite/protocol/record_batch.h"
#include "broker-lite/server/topic_manager.h"
#include "broker-lite/util/logging.h"

namespace sluice::broker {
namespace {

int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Largest batch replay expands; offsets records are tiny, so this bounds damage, not data.
constexpr size_t kReplayDecompressCap = 64u << 20;

}  // namespace

OffsetsTopic::OffsetsTopic(TopicManager& topics, log::GroupCommitter& committer, int32_t partitions)
    : topics_(topics), committer_(committer), partitions_(partitions) {}

Status OffsetsTopic::ensure_exists(int64_t now_ms) {
  if (topics_.find(kOffsetsTopicName)) return Status::ok();
  auto created =
      topics_.create(std::string(kOffsetsTopicName), partitions_,
                     {{"cleanup.policy", "compact"}, {"segment.bytes", "104857600"}}, false, now_ms,
                     /*internal=*/true);
  return created ? Status::ok() : created.status();
}

int32_t OffsetsTopic::partition_for(std::span<const uint8_t> key) const {
  // Key layout (docs/formats/consumer-offsets.md): int16 version, then the group id as an
  // int16-length string. Java's String.hashCode of the group picks the partition, as in Kafka.
  Topic* t = topics_.find(kOffsetsTopicName);
  const int32_t n = t ? static_cast<int32_t>(t->partitions.size()) : 1;
  if (n <= 1 || key.size() < 4) return 0;
  const size_t len = kafka::load_be16(key.data() + 2);
  int32_t h = 0;
  for (size_t i = 0; i < len && 4 + i < key.size(); ++i)
    h = 31 * h + static_cast<int8_t>(key[4 + i]);
  return static_cast<int32_t>((static_cast<uint32_t>(h) & 0x7fffffff) % static_cast<uint32_t>(n));
}

void OffsetsTopic::append(std::span<const uint8_t> key,
                          std::optional<std::span<const uint8_t>> value,
                          std::function<void(Status)> on_durable) {
  auto pending = std::make_shared<Pending>();
  pending->on_durable = std::move(on_durable);
  pending_.push_back(pending);
  auto finish = [this, pending](Status s) {
    pending->done = true;
    pending->status = std::move(s);
    deliver_ready();
  };
  Partition* p = topics_.find_partition(kOffsetsTopicName, partition_for(key));
  if (!p) {
    finish(Status::unavailable("the __consumer_offsets topic is missing"));
    return;
  }
  kafka::RecordBatchBuilder builder;
  builder.append(wall_clock_ms(), key, value);
  auto batch = builder.build();
  if (!batch) {
    finish(batch.status());
    return;
  }
  auto appended = p->log->append(std::span<uint8_t>(batch->data(), batch->size()), wall_clock_ms());
  if (!appended) {
    finish(appended.status());
    return;
  }
  committer_.request_sync(p->log.get(), appended->last_offset + 1, finish);
}

void OffsetsTopic::deliver_ready() {
  while (!pending_.empty() && pending_.front()->done) {
    auto p = pending_.front();
    pending_.pop_front();
    p->on_durable(std::move(p->status));
  }
}

Status OffsetsTopic::replay_into(coord::GroupCoordinator& coordinator, int64_t now_ms) {
  Topic* t = topics_.find(kOffsetsTopicName);
  size_t records = 0;
  if (t) {
    std::vector<uint8_t> chunk;
    std::vector<uint8_t> scratch;
    for (auto& p : t->partitions) {
      int64_t offset = p->log->log_start_offset();
      const int64_t end = p->log->log_end_offset();
      while (offset < end) {
        auto read = p->log->read(offset, 1 << 20, true, end);
        if (!read) return read.status().with_context("replaying " + p->log->name());
        if (read->out_of_range || read->length == 0) break;
        SLUICE_RETURN_IF_ERROR(read->copy_to(&chunk));
        size_t pos = 0;
        while (pos + kafka::batch_layout::kHeaderSize <= chunk.size()) {
          std::span<const uint8_t> rest(chunk.data() + pos, chunk.size() - pos);
          kafka::BatchHeader h = kafka::read_batch_header(rest);
          if (h.total_size() > rest.size() || h.batch_length <= 0) break;
          std::span<const uint8_t> batch = rest.first(h.total_size());
          if (!h.is_control()) {
            Status s = kafka::for_each_record(
                batch, kReplayDecompressCap, scratch, [&](const kafka::RecordView& r) -> Status {
                  if (!r.key) return Status::ok();
                  ++records;
                  Status loaded = coordinator.load_record(*r.key, r.value);
                  if (!loaded)
                    SLUICE_LOG(kWarn, "offsets",
                               p->log->name() + ": skipping a record: " + loaded.to_string());
                  return Status::ok();
                });
            if (!s)
              SLUICE_LOG(kWarn, "offsets", p->log->name() + ": skipping a batch: " + s.to_string());
          }
          offset = h.last_offset() + 1;
          pos += h.total_size();
        }
      }
    }
  }
  coordinator.finish_loading(now_ms);
  SLUICE_LOG(kInfo, "offsets",
             "restored " + std::to_string(records) + " records of " +
                 std::string(kOffsetsTopicName) + " (" + std::to_string(coordinator.group_count()) +
                 " groups)");
  return Status::ok();
}

}  // namespace sluice::broker
