// Log compaction (PartitionLog::compact, declared in partition_log.h): keeps the latest record
// of every key in the sealed segments, drops tombstones older than delete.retention.ms, keeps
// offsets, and swaps cleaned segments in crash-safely. Procedure and on-disk steps:
// docs/formats/log-segment.md, "Compaction output".
#include <string>
#include <unordered_map>

#include "broker-lite/log/batch_writer.h"
#include "broker-lite/log/checkpoint.h"
#include "broker-lite/log/partition_log.h"
#include "broker-lite/protocol/record_batch.h"

namespace sluice::log {
namespace {

std::string_view as_key(std::span<const uint8_t> k) {
  return {reinterpret_cast<const char*>(k.data()), k.size()};
}

// Latest offset of every key in the log; looked up by string_view without copying the key.
struct KeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using KeyMap = std::unordered_map<std::string, int64_t, KeyHash, std::equal_to<>>;

// Calls fn(bytes, header) for each batch of `seg`; stops at the first error.
template <typename Fn>
Status for_each_batch(Segment& seg, std::vector<uint8_t>& buffer, Fn&& fn) {
  BatchCursor cursor(*seg.log_file(), 0, seg.size(), buffer);
  kafka::BatchCheck check;
  std::span<const uint8_t> bytes;
  for (;;) {
    Result<BatchCursor::Step> step = cursor.next_checked(&check, &bytes);
    if (!step.is_ok()) return step.status();
    if (*step == BatchCursor::Step::kEnd) return Status::ok();
    if (*step == BatchCursor::Step::kBad) {
      return Status::corruption("compaction of " + seg.log_path() + ": batch at position " +
                                std::to_string(cursor.batch_position()) + " fails its check (" +
                                kafka::batch_error_name(check.error) + ")");
    }
    SLUICE_RETURN_IF_ERROR(fn(bytes, check.header));
  }
}

// What cleaning does to one batch.
enum class BatchFate { kDrop, kCopy, kRewrite };

// Decides which records of `batch` (header `h`) survive; the survivors of a partly kept batch
// are encoded into *records (cleared first), their number in *kept.
Result<BatchFate> clean_batch(std::span<const uint8_t> batch, const kafka::BatchHeader& h,
                              const KeyMap& latest, int64_t tombstone_horizon, size_t cap,
                              std::vector<uint8_t>& scratch, std::vector<uint8_t>* records,
                              int32_t* kept) {
  records->clear();
  *kept = 0;
  if (h.is_control()) return BatchFate::kCopy;
  Status st = kafka::for_each_record(batch, cap, scratch, [&](const kafka::RecordView& r) {
    const int64_t offset = h.base_offset + r.offset_delta;
    bool keep = true;
    if (r.key) {
      auto it = latest.find(as_key(*r.key));
      keep = it != latest.end() && it->second == offset;
    }
    if (keep && !r.value && kafka::record_timestamp(h, r) < tombstone_horizon) keep = false;
    if (!keep) return;
    ++*kept;
    encode_record(records, r.attributes, r.timestamp_delta, r.offset_delta, r.key, r.value,
                  r.header_count, r.headers_bytes);
  });
  if (!st.is_ok()) return st;
  if (*kept == 0) return BatchFate::kDrop;
  return *kept == h.record_count ? BatchFate::kCopy : BatchFate::kRewrite;
}

}  // namespace

Result<int64_t> PartitionLog::compact(int64_t now_ms) {
  if (failed()) return failure();
  if (!config_.cleanup_compact || segments_.size() < 2) return int64_t{0};
  const size_t cap = config_.max_decompressed_bytes;
  std::vector<uint8_t> buffer;
  std::vector<uint8_t> scratch;

  // Pass 1: the latest offset of every key, over the whole log (the active segment included:
  // a newer record there supersedes older ones in sealed segments).
  KeyMap latest;
  for (const std::shared_ptr<Segment>& seg : segments_) {
    Status st = for_each_batch(
        *seg, buffer, [&](std::span<const uint8_t> batch, const kafka::BatchHeader& h) -> Status {
          if (h.is_control()) return Status::ok();
          return kafka::for_each_record(batch, cap, scratch, [&](const kafka::RecordView& r) {
            if (!r.key) return;
            const int64_t offset = h.base_offset + r.offset_delta;
            auto it = latest.find(as_key(*r.key));
            if (it != latest.end()) {
              it->second = offset;
            } else {
              latest.emplace(std::string(as_key(*r.key)), offset);
            }
          });
        });
    if (!st.is_ok()) return st;
  }

  // Pass 2: the size of every sealed segment once cleaned, to group them.
  const int64_t tombstone_horizon = now_ms - config_.delete_retention_ms;
  const size_t sealed = segments_.size() - 1;
  std::vector<uint64_t> cleaned_size(sealed, 0);
  std::vector<uint8_t> records;
  for (size_t k = 0; k < sealed; ++k) {
    Status st =
        for_each_batch(*segments_[k], buffer,
                       [&](std::span<const uint8_t> batch, const kafka::BatchHeader& h) -> Status {
                         int32_t kept = 0;
                         Result<BatchFate> fate = clean_batch(batch, h, latest, tombstone_horizon,
                                                              cap, scratch, &records, &kept);
                         if (!fate.is_ok()) return fate.status();
                         if (*fate == BatchFate::kCopy) cleaned_size[k] += batch.size();
                         if (*fate == BatchFate::kRewrite)
                           cleaned_size[k] += kafka::batch_layout::kHeaderSize + records.size();
                         return Status::ok();
                       });
    if (!st.is_ok()) return st;
  }

  // Pass 3: rewrite groups of consecutive sealed segments whose cleaned sizes fit one segment.
  int64_t removed_total = 0;
  std::vector<std::shared_ptr<Segment>> result;
  size_t i = 0;
  while (i < sealed) {
    size_t j = i + 1;
    uint64_t bytes = segments_[i]->size();
    uint64_t out_bytes = cleaned_size[i];
    while (j < sealed &&
           out_bytes + cleaned_size[j] <= static_cast<uint64_t>(config_.segment_bytes) &&
           segments_[j]->next_offset() - segments_[i]->base_offset() < INT32_MAX) {
      bytes += segments_[j]->size();
      out_bytes += cleaned_size[j];
      ++j;
    }
    const int64_t base = segments_[i]->base_offset();
    const int64_t end = segments_[j]->base_offset();  // first offset after the group

    Result<std::unique_ptr<Segment>> made = Segment::create_cleaned(fs_, dir_, base, config_);
    if (!made.is_ok()) return fail(made.status());
    std::unique_ptr<Segment> cleaned = std::move(made).value();
    int64_t removed = 0;
    for (size_t k = i; k < j; ++k) {
      Status st = for_each_batch(
          *segments_[k], buffer,
          [&](std::span<const uint8_t> batch, const kafka::BatchHeader& h) -> Status {
            int32_t kept = 0;
            Result<BatchFate> fate =
                clean_batch(batch, h, latest, tombstone_horizon, cap, scratch, &records, &kept);
            if (!fate.is_ok()) return fate.status();
            if (!h.is_control()) removed += h.record_count - kept;
            if (*fate == BatchFate::kDrop) return Status::ok();
            Segment::AppendedBatch info{h.base_offset, h.last_offset(), h.max_timestamp, 0};
            if (*fate == BatchFate::kCopy) {
              info.size = static_cast<uint32_t>(batch.size());
              return cleaned->append(batch, {&info, 1}, now_ms);
            }
            kafka::BatchHeader out = h;
            out.record_count = kept;
            std::vector<uint8_t> rewritten = finish_batch(out, records);
            info.size = static_cast<uint32_t>(rewritten.size());
            return cleaned->append(rewritten, {&info, 1}, now_ms);
          });
      if (!st.is_ok()) {
        if (st.code() == StatusCode::kCorruption) {
          (void)cleaned->remove_files();
          note(std::string(st.message()) + "; compaction skipped");
          return st;
        }
        return fail(st);
      }
    }
    if (removed == 0 && j == i + 1) {
      // Nothing to gain: keep the segment as it is.
      Status st = cleaned->remove_files();
      if (!st.is_ok()) return fail(st);
      result.push_back(segments_[i]);
      i = j;
      continue;
    }
    // The swap (docs/formats/log-segment.md): durable output, intent, replace, forget intent.
    const std::string intent = segment_file_name(base, ".compaction");
    Status st = cleaned->seal();
    if (st.is_ok()) st = cleaned->sync_all();
    if (st.is_ok()) {
      st = write_checkpoint(fs_, dir_, intent, {CheckpointKind::kCompactionIntent, base, end});
    }
    for (size_t k = i + 1; k < j && st.is_ok(); ++k) st = segments_[k]->remove_files();
    if (st.is_ok()) st = cleaned->promote_cleaned();
    if (st.is_ok()) st = fs_.sync_dir(dir_);
    if (st.is_ok()) st = fs_.remove(join_path(dir_, intent));
    if (st.is_ok()) st = fs_.sync_dir(dir_);
    if (!st.is_ok()) return fail(st);
    note("compacted segments [" + std::to_string(base) + ", " + std::to_string(end) + ") into " +
         segment_file_name(base, ".log") + ": " + std::to_string(bytes) + " -> " +
         std::to_string(cleaned->size()) + " bytes, " + std::to_string(removed) +
         " records removed");
    result.push_back(std::shared_ptr<Segment>(std::move(cleaned)));
    removed_total += removed;
    i = j;
  }
  result.push_back(segments_.back());
  segments_ = std::move(result);
  return removed_total;
}

}  // namespace sluice::log
