// PartitionLog (partition_log.h): open/recovery, append with segment rolls, reads, timestamp
// lookups, retention, DeleteRecords, flush and close. Compaction lives in compactor.cc.
#include "broker-lite/log/partition_log.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "broker-lite/log/checkpoint.h"
#include "broker-lite/protocol/record_batch.h"

namespace sluice::log {

namespace layout = kafka::batch_layout;

namespace {

std::string base_name(const std::string& dir) {
  std::string d = dir;
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  size_t slash = d.find_last_of('/');
  return slash == std::string::npos ? d : d.substr(slash + 1);
}

std::string parent_dir(const std::string& dir) {
  std::string d = dir;
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  size_t slash = d.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : d.substr(0, slash);
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

Status ReadResult::copy_to(std::vector<uint8_t>* out) const {
  out->resize(length);
  if (length == 0) return Status::ok();
  return read_exact(*file, position, *out);
}

PartitionLog::PartitionLog(FileSystem& fs, std::string dir, LogConfig config, LogSink sink)
    : fs_(fs),
      dir_(std::move(dir)),
      name_(base_name(dir_)),
      config_(config),
      sink_(std::move(sink)) {}

PartitionLog::~PartitionLog() = default;

void PartitionLog::note(std::string line) {
  std::string full = "partition " + name_ + ": " + line;
  if (sink_) {
    sink_(full);
  } else {
    std::fprintf(stderr, "%s\n", full.c_str());
  }
  report_.messages.push_back(std::move(full));
}

Status PartitionLog::failure() const {
  std::lock_guard lock(mu_);
  return failure_;
}

Status PartitionLog::fail(Status st) {
  std::lock_guard lock(mu_);
  if (!failed_.load()) {
    failure_ =
        Status(StatusCode::kIoError,
               "partition " + name_ + " is offline until restart: " + std::string(st.message()));
    failed_.store(true, std::memory_order_release);
    std::string line = "partition " + name_ + ": " + failure_.to_string();
    if (sink_) {
      sink_(line);
    } else {
      std::fprintf(stderr, "%s\n", line.c_str());
    }
  }
  return failure_;
}

Result<std::unique_ptr<PartitionLog>> PartitionLog::open(FileSystem& fs, std::string dir,
                                                         LogConfig config, bool clean_shutdown,
                                                         LogSink sink) {
  std::unique_ptr<PartitionLog> log(new PartitionLog(fs, std::move(dir), config, std::move(sink)));
  if (!fs.is_dir(log->dir_)) {
    SLUICE_RETURN_IF_ERROR(fs.mkdir(log->dir_));
    SLUICE_RETURN_IF_ERROR(fs.sync_dir(parent_dir(log->dir_)));
  }
  Status st = log->load(clean_shutdown);
  if (!st.is_ok()) return st.with_context("opening partition " + log->name_);
  return log;
}

// ---- start-up ----

Status PartitionLog::finish_compaction_leftovers(const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    std::optional<int64_t> base = parse_segment_file_name(name, ".compaction");
    if (!base) continue;
    Result<std::optional<Checkpoint>> intent =
        read_checkpoint(fs_, dir_, name, CheckpointKind::kCompactionIntent);
    if (!intent.is_ok() || !intent->has_value() || (*intent)->value != *base) {
      note("ignoring unreadable compaction intent " + name);
      SLUICE_RETURN_IF_ERROR(fs_.remove(join_path(dir_, name)));
      continue;
    }
    const int64_t end = (*intent)->value2;
    for (const std::string& other : names) {
      std::optional<int64_t> b = parse_segment_file_name(other, ".log");
      if (!b) b = parse_segment_file_name(other, ".index");
      if (!b) b = parse_segment_file_name(other, ".timeindex");
      if (b && *b > *base && *b < end) SLUICE_RETURN_IF_ERROR(fs_.remove(join_path(dir_, other)));
    }
    for (std::string_view ext : {".index", ".timeindex", ".log"}) {
      std::string cleaned = join_path(dir_, segment_file_name(*base, ext)) + ".cleaned";
      if (fs_.exists(cleaned)) {
        SLUICE_RETURN_IF_ERROR(fs_.rename(cleaned, join_path(dir_, segment_file_name(*base, ext))));
      }
    }
    SLUICE_RETURN_IF_ERROR(fs_.sync_dir(dir_));
    SLUICE_RETURN_IF_ERROR(fs_.remove(join_path(dir_, name)));
    SLUICE_RETURN_IF_ERROR(fs_.sync_dir(dir_));
    note("finished the compaction swap of segment " + segment_file_name(*base, ".log") +
         " interrupted by a crash");
  }
  return Status::ok();
}

Status PartitionLog::load(bool clean_shutdown) {
  report_.clean = clean_shutdown;
  Result<std::vector<std::string>> listed = fs_.list_dir(dir_);
  if (!listed.is_ok()) return listed.status();
  for (const std::string& name : *listed) {
    if (ends_with(name, ".tmp")) SLUICE_RETURN_IF_ERROR(fs_.remove(join_path(dir_, name)));
  }
  SLUICE_RETURN_IF_ERROR(finish_compaction_leftovers(*listed));
  listed = fs_.list_dir(dir_);
  if (!listed.is_ok()) return listed.status();

  std::set<int64_t> bases;
  for (const std::string& name : *listed) {
    if (std::optional<int64_t> b = parse_segment_file_name(name, ".log")) bases.insert(*b);
  }
  for (const std::string& name : *listed) {
    if (ends_with(name, ".cleaned")) {
      note("removing " + name + " of an unfinished compaction");
      SLUICE_RETURN_IF_ERROR(fs_.remove(join_path(dir_, name)));
      continue;
    }
    std::optional<int64_t> b = parse_segment_file_name(name, ".index");
    if (!b) b = parse_segment_file_name(name, ".timeindex");
    if (b && !bases.count(*b)) SLUICE_RETURN_IF_ERROR(fs_.remove(join_path(dir_, name)));
  }

  std::optional<int64_t> start_cp;
  Result<std::optional<Checkpoint>> cp =
      read_checkpoint(fs_, dir_, kLogStartCheckpointName, CheckpointKind::kLogStartOffset);
  if (!cp.is_ok()) {
    note(std::string(cp.status().message()) + "; using the first segment's base offset");
  } else if (cp->has_value()) {
    start_cp = (*cp)->value;
  }
  int64_t recovery_point = 0;
  cp = read_checkpoint(fs_, dir_, kRecoveryPointCheckpointName, CheckpointKind::kRecoveryPoint);
  if (!cp.is_ok()) {
    note(std::string(cp.status().message()) + "; recovering every segment");
  } else if (cp->has_value()) {
    recovery_point = (*cp)->value;
  }

  std::vector<int64_t> order(bases.begin(), bases.end());
  // Segments entirely below the log start offset are garbage (deleted before a crash).
  if (start_cp) {
    size_t drop = 0;
    while (drop + 1 < order.size() && order[drop + 1] <= *start_cp) ++drop;
    for (size_t i = 0; i < drop; ++i) {
      for (std::string_view ext : {".index", ".timeindex", ".log"}) {
        Status st = fs_.remove(join_path(dir_, segment_file_name(order[i], ext)));
        if (!st.is_ok() && st.code() != StatusCode::kNotFound) return st;
      }
      ++report_.segments_deleted;
    }
    order.erase(order.begin(), order.begin() + static_cast<ptrdiff_t>(drop));
  }

  std::vector<uint8_t> buffer;
  bool synced_needed = false;
  for (size_t i = 0; i < order.size(); ++i) {
    const bool is_last = i + 1 == order.size();
    const bool needs_scan = !clean_shutdown && (is_last || order[i + 1] > recovery_point);
    std::shared_ptr<Segment> seg;
    bool scan = needs_scan;
    if (!needs_scan) {
      Result<std::unique_ptr<Segment>> s = Segment::open_trusted(fs_, dir_, order[i], config_);
      if (s.is_ok()) {
        seg = std::move(s).value();
      } else if (s.status().code() == StatusCode::kCorruption) {
        note(std::string(s.status().message()) + "; rebuilding from the log");
        scan = true;
        ++report_.indexes_rebuilt;
      } else {
        return s.status();
      }
    }
    if (scan) {
      Result<std::unique_ptr<Segment>> s = Segment::open_untrusted(fs_, dir_, order[i], config_);
      if (!s.is_ok()) return s.status();
      seg = std::move(s).value();
      const uint64_t size_before = seg->size();
      // A torn tail of the last segment is cut even after a clean stop (its index failed the
      // checks, so the segment changed after the marker was written): those bytes can never be
      // served, and appends must continue after the last whole batch.
      const bool may_cut = needs_scan || is_last;
      Result<ScanOutcome> out = seg->scan(is_last, /*allow_truncate=*/may_cut, buffer);
      if (!out.is_ok()) return out.status();
      ++report_.segments_scanned;
      synced_needed = true;
      for (const ScanOutcome::Damage& d : out->damaged) {
        ++report_.damaged_ranges;
        note("segment " + seg->log_path() + ": batch at position " + std::to_string(d.position) +
             " (" + std::to_string(d.length) + " bytes) is damaged (" + d.reason +
             "); kept in place, reads of it will fail");
      }
      if (out->torn && may_cut) {
        const uint64_t cut = size_before - out->valid_end;
        report_.bytes_truncated += static_cast<int64_t>(cut);
        note("segment " + seg->log_path() + ": truncated at position " +
             std::to_string(out->valid_end) + ", dropping " + std::to_string(cut) + " bytes (" +
             out->torn_reason + ")");
        // Anything after a torn segment follows a hole: drop it.
        for (size_t j = i + 1; j < order.size(); ++j) {
          for (std::string_view ext : {".index", ".timeindex", ".log"}) {
            const std::string path = join_path(dir_, segment_file_name(order[j], ext));
            Result<std::unique_ptr<File>> f = fs_.open(path, OpenMode::kExisting);
            if (ext == ".log" && f.is_ok()) {
              Result<uint64_t> sz = (*f)->size();
              note("deleting segment " + path + " (" + std::to_string(sz.is_ok() ? *sz : 0) +
                   " bytes) after the torn segment");
            }
            Status st = fs_.remove(path);
            if (!st.is_ok() && st.code() != StatusCode::kNotFound) return st;
          }
          ++report_.segments_deleted;
        }
        order.resize(i + 1);
        segments_.push_back(std::move(seg));
        break;
      } else if (out->torn) {
        ++report_.damaged_ranges;
        note("segment " + seg->log_path() + ": bytes from position " +
             std::to_string(out->valid_end) + " on are damaged (" + out->torn_reason +
             "); kept in place, reads of them will fail");
      }
    }
    segments_.push_back(std::move(seg));
  }

  int64_t start = start_cp.value_or(segments_.empty() ? 0 : segments_.front()->base_offset());
  int64_t leo = segments_.empty() ? start : segments_.back()->next_offset();
  if (!segments_.empty()) start = std::max(start, segments_.front()->base_offset());
  if (start > leo) {
    // The log start outran the data that survived (records deleted up to unsynced offsets).
    note("log start offset " + std::to_string(start) + " is beyond the recovered end " +
         std::to_string(leo) + "; starting an empty log at " + std::to_string(start));
    for (const std::shared_ptr<Segment>& s : segments_) SLUICE_RETURN_IF_ERROR(s->remove_files());
    segments_.clear();
    leo = start;
  }
  if (segments_.empty()) {
    Result<std::unique_ptr<Segment>> s = Segment::create(fs_, dir_, start, config_);
    if (!s.is_ok()) return s.status();
    segments_.push_back(std::move(s).value());
    synced_needed = true;
  }
  log_start_offset_.store(start);
  log_end_offset_.store(leo);
  active_ = segments_.back();
  if (synced_needed) {
    // Make what recovery left (cuts, rebuilt indexes, new files) durable before anything new.
    for (const std::shared_ptr<Segment>& s : segments_) SLUICE_RETURN_IF_ERROR(s->sync_all());
    SLUICE_RETURN_IF_ERROR(fs_.sync_dir(dir_));
    SLUICE_RETURN_IF_ERROR(
        write_checkpoint(fs_, dir_, kRecoveryPointCheckpointName,
                         {CheckpointKind::kRecoveryPoint, active_->base_offset(), 0}));
  }
  flushed_offset_.store(leo);
  return Status::ok();
}

// ---- append ----

Status PartitionLog::roll_locked_free(int64_t now_ms) {
  std::shared_ptr<Segment> old = segments_.back();
  if (old->empty()) return Status::ok();
  SLUICE_RETURN_IF_ERROR(old->seal());
  Result<std::unique_ptr<Segment>> s = Segment::create(fs_, dir_, old->next_offset(), config_);
  if (!s.is_ok()) return s.status();
  std::shared_ptr<Segment> seg = std::move(s).value();
  (void)now_ms;
  {
    std::lock_guard lock(mu_);
    unsynced_sealed_.push_back(old);
    active_ = seg;
    dir_dirty_ = true;
  }
  segments_.push_back(std::move(seg));
  return Status::ok();
}

Status PartitionLog::roll(int64_t now_ms) {
  if (failed()) return failure();
  Status st = roll_locked_free(now_ms);
  if (!st.is_ok()) return fail(st);
  return st;
}

Result<AppendInfo> PartitionLog::append(std::span<uint8_t> batches, int64_t now_ms,
                                        int32_t leader_epoch) {
  if (failed()) return failure();
  if (batches.empty()) return Status::invalid_argument("append to " + name_ + ": no batches");
  // Frame check first, so that a malformed request changes nothing.
  for (size_t pos = 0; pos < batches.size();) {
    if (batches.size() - pos < layout::kHeaderSize) {
      return Status::invalid_argument("append to " + name_ + ": truncated batch header");
    }
    kafka::BatchHeader h = kafka::read_batch_header(batches.subspan(pos));
    if (h.batch_length < static_cast<int32_t>(layout::kHeaderSize - layout::kLogOverhead) ||
        h.total_size() > batches.size() - pos || h.last_offset_delta < 0) {
      return Status::invalid_argument("append to " + name_ + ": bad batch length or offset delta");
    }
    pos += h.total_size();
  }

  AppendInfo info;
  int64_t next = log_end_offset();
  size_t run_start = 0;
  size_t run_bytes = 0;
  append_scratch_.clear();
  auto write_run = [&]() -> Status {
    if (run_bytes == 0) return Status::ok();
    Status st =
        segments_.back()->append(batches.subspan(run_start, run_bytes), append_scratch_, now_ms);
    if (!st.is_ok()) return st;
    log_end_offset_.store(append_scratch_.back().last_offset + 1, std::memory_order_release);
    run_start += run_bytes;
    run_bytes = 0;
    append_scratch_.clear();
    return Status::ok();
  };
  for (size_t pos = 0; pos < batches.size();) {
    std::span<uint8_t> batch = batches.subspan(pos);
    kafka::BatchHeader h = kafka::read_batch_header(batch);
    const size_t total = h.total_size();
    const int64_t last = next + h.last_offset_delta;
    if (segments_.back()->needs_roll_for(run_bytes, total, last, now_ms)) {
      Status st = write_run();
      if (st.is_ok()) st = roll_locked_free(now_ms);
      if (!st.is_ok()) return fail(st);
    }
    kafka::assign_batch_offset(batch.first(total), next, leader_epoch);
    if (info.base_offset < 0) info.base_offset = next;
    info.last_offset = last;
    info.max_timestamp = std::max(info.max_timestamp, h.max_timestamp);
    append_scratch_.push_back({next, last, h.max_timestamp, static_cast<uint32_t>(total)});
    run_bytes += total;
    next = last + 1;
    pos += total;
  }
  Status st = write_run();
  if (!st.is_ok()) return fail(st);
  info.log_start_offset = log_start_offset();
  return info;
}

// ---- reads ----

size_t PartitionLog::segment_for(int64_t offset) const {
  auto it = std::upper_bound(
      segments_.begin(), segments_.end(), offset,
      [](int64_t o, const std::shared_ptr<Segment>& s) { return o < s->base_offset(); });
  return it == segments_.begin() ? 0 : static_cast<size_t>(std::prev(it) - segments_.begin());
}

Result<ReadResult> PartitionLog::read(int64_t fetch_offset, size_t max_bytes, bool min_one_batch,
                                      int64_t max_offset_exclusive) {
  if (failed()) return failure();
  ReadResult r;
  r.log_start_offset = log_start_offset();
  r.log_end_offset = log_end_offset();
  if (fetch_offset < r.log_start_offset || fetch_offset > r.log_end_offset) {
    r.out_of_range = true;
    return r;
  }
  if (fetch_offset == r.log_end_offset || fetch_offset >= max_offset_exclusive) return r;
  for (size_t i = segment_for(fetch_offset); i < segments_.size(); ++i) {
    Segment& seg = *segments_[i];
    Result<std::optional<BatchLocation>> loc = seg.find_offset(fetch_offset, read_buffer_);
    if (!loc.is_ok()) return loc.status();
    if (!loc->has_value()) continue;
    const BatchLocation& at = **loc;
    if (at.header.base_offset >= max_offset_exclusive) return r;
    const uint64_t start = at.position;
    uint64_t end = start;
    if (max_offset_exclusive >= seg.next_offset() && seg.size() - start <= max_bytes) {
      end = seg.size();
    } else {
      BatchCursor cursor(*seg.log_file(), start, seg.size(), read_buffer_);
      kafka::BatchHeader h;
      for (bool first = true;; first = false) {
        Result<BatchCursor::Step> step = cursor.next_header(&h);
        if (!step.is_ok()) return step.status();
        if (*step == BatchCursor::Step::kEnd) break;
        if (*step == BatchCursor::Step::kBad) {
          return Status::corruption("segment " + seg.log_path() +
                                    ": unreadable batch header at position " +
                                    std::to_string(cursor.batch_position()));
        }
        if (h.base_offset >= max_offset_exclusive) break;
        if (end - start + h.total_size() > max_bytes) {
          if (first && min_one_batch) end += h.total_size();
          break;
        }
        end += h.total_size();
      }
    }
    if (end == start) return r;
    Status st = seg.verify_range(start, end, read_buffer_);
    if (!st.is_ok()) {
      note(std::string(st.message()));
      // Serve the whole batches before the damage; fail only when the first batch is damaged.
      uint64_t good_end = start;
      BatchCursor cursor(*seg.log_file(), start, end, read_buffer_);
      kafka::BatchHeader h;
      for (;;) {
        Result<BatchCursor::Step> step = cursor.next_header(&h);
        if (!step.is_ok() || *step != BatchCursor::Step::kBatch) break;
        if (!seg.verify_range(good_end, good_end + h.total_size(), read_buffer_).is_ok()) break;
        good_end += h.total_size();
      }
      if (good_end == start) return st;
      end = good_end;
    }
    r.file = seg.log_file();
    r.position = start;
    r.length = end - start;
    r.first_offset = at.header.base_offset;
    return r;
  }
  return r;
}

Result<TimestampLookup> PartitionLog::offset_for_timestamp(int64_t ts) {
  if (failed()) return failure();
  TimestampLookup out;
  const int64_t start = log_start_offset();
  for (const std::shared_ptr<Segment>& seg : segments_) {
    if (seg->empty() || seg->max_timestamp() < ts || seg->next_offset() <= start) continue;
    Result<std::optional<BatchLocation>> loc = seg->find_timestamp(ts, start, read_buffer_);
    if (!loc.is_ok()) return loc.status();
    if (!loc->has_value()) continue;
    const kafka::BatchHeader& h = (*loc)->header;
    out.offset = std::max(h.base_offset, start);
    out.timestamp = h.max_timestamp;
    // Refine to the first record of the batch at or after ts.
    std::vector<uint8_t> batch(h.total_size());
    Status st = read_exact(*seg->log_file(), (*loc)->position, batch);
    if (st.is_ok())
      st = seg->verify_range((*loc)->position, (*loc)->position + batch.size(), read_buffer_);
    if (!st.is_ok()) return st;
    std::vector<uint8_t> scratch;
    bool found = false;
    st = kafka::for_each_record(batch, config_.max_decompressed_bytes, scratch,
                                [&](const kafka::RecordView& r) {
                                  const int64_t offset = h.base_offset + r.offset_delta;
                                  const int64_t rts = kafka::record_timestamp(h, r);
                                  if (found || offset < start || rts < ts) return;
                                  found = true;
                                  out.offset = offset;
                                  out.timestamp = rts;
                                });
    if (!st.is_ok()) return st.with_context("timestamp lookup in " + seg->log_path());
    return out;
  }
  return out;
}

int64_t PartitionLog::size_bytes() const {
  int64_t total = 0;
  for (const std::shared_ptr<Segment>& s : segments_) total += static_cast<int64_t>(s->size());
  return total;
}

std::vector<int64_t> PartitionLog::segment_base_offsets() const {
  std::vector<int64_t> out;
  for (const std::shared_ptr<Segment>& s : segments_) out.push_back(s->base_offset());
  return out;
}

// ---- retention and DeleteRecords ----

Status PartitionLog::persist_log_start(int64_t offset) {
  return write_checkpoint(fs_, dir_, kLogStartCheckpointName,
                          {CheckpointKind::kLogStartOffset, offset, 0});
}

Status PartitionLog::delete_segments_below(int64_t offset, int* deleted) {
  while (segments_.size() > 1 && segments_[1]->base_offset() <= offset) {
    std::shared_ptr<Segment> victim = segments_.front();
    segments_.erase(segments_.begin());
    SLUICE_RETURN_IF_ERROR(victim->remove_files());
    ++*deleted;
  }
  return Status::ok();
}

Result<int64_t> PartitionLog::delete_records_before(int64_t offset) {
  if (failed()) return failure();
  if (offset > log_end_offset() || offset < 0) {
    return Status::invalid_argument("delete records of " + name_ + " before " +
                                    std::to_string(offset) + ": beyond the log end offset " +
                                    std::to_string(log_end_offset()));
  }
  if (offset <= log_start_offset()) return log_start_offset();
  Status st = persist_log_start(offset);
  if (!st.is_ok()) return fail(st);
  log_start_offset_.store(offset, std::memory_order_release);
  int deleted = 0;
  st = delete_segments_below(offset, &deleted);
  if (!st.is_ok()) return fail(st);
  return offset;
}

Result<int> PartitionLog::apply_retention(int64_t now_ms) {
  if (failed()) return failure();
  if (!config_.cleanup_delete) return 0;
  int64_t new_start = log_start_offset();
  size_t drop = 0;  // the first `drop` segments go
  if (config_.retention_ms >= 0) {
    while (drop < segments_.size()) {
      const bool last = drop + 1 == segments_.size();
      if (segments_[drop]->empty()) {
        if (last) break;
        ++drop;  // a sealed segment compaction emptied
        continue;
      }
      if (segments_[drop]->max_timestamp() >= now_ms - config_.retention_ms) break;
      if (last) {
        // The active segment expired as a whole: roll so that it can go too.
        Status st = roll_locked_free(now_ms);
        if (!st.is_ok()) return fail(st);
      }
      ++drop;
    }
  }
  if (config_.retention_bytes >= 0) {
    int64_t total = size_bytes();
    for (size_t i = 0; i < drop; ++i) total -= static_cast<int64_t>(segments_[i]->size());
    while (drop + 1 < segments_.size() &&
           total - static_cast<int64_t>(segments_[drop]->size()) >= config_.retention_bytes) {
      total -= static_cast<int64_t>(segments_[drop]->size());
      ++drop;
    }
  }
  if (drop == 0) return 0;
  new_start = std::max(new_start, segments_[drop]->base_offset());
  Status st = persist_log_start(new_start);
  if (!st.is_ok()) return fail(st);
  log_start_offset_.store(new_start, std::memory_order_release);
  int deleted = 0;
  st = delete_segments_below(new_start, &deleted);
  if (!st.is_ok()) return fail(st);
  return deleted;
}

// ---- durability ----

Result<int64_t> PartitionLog::flush() {
  std::lock_guard flush_lock(flush_mu_);
  int64_t end;
  std::vector<std::shared_ptr<Segment>> sealed;
  std::shared_ptr<Segment> active;
  bool dir_dirty;
  {
    std::lock_guard lock(mu_);
    if (failed_.load()) return failure_;
    end = log_end_offset_.load(std::memory_order_acquire);
    sealed.swap(unsynced_sealed_);
    active = active_;
    dir_dirty = dir_dirty_;
    dir_dirty_ = false;
  }
  if (sealed.empty() && !dir_dirty && end == flushed_offset()) return end;
  Status st;
  for (const std::shared_ptr<Segment>& s : sealed) {
    if (st.is_ok()) st = s->sync_all();
  }
  if (st.is_ok() && dir_dirty) st = fs_.sync_dir(dir_);
  if (st.is_ok()) st = active->sync_log();
  if (st.is_ok() && !sealed.empty()) {
    st = write_checkpoint(fs_, dir_, kRecoveryPointCheckpointName,
                          {CheckpointKind::kRecoveryPoint, active->base_offset(), 0});
  }
  if (!st.is_ok()) return fail(st);
  flushed_offset_.store(end, std::memory_order_release);
  return end;
}

Status PartitionLog::close() {
  if (failed()) return failure();
  Status st = segments_.back()->seal();
  if (st.is_ok()) {
    Result<int64_t> flushed = flush();
    if (!flushed.is_ok()) return flushed.status();
    st = segments_.back()->sync_all();
  }
  if (st.is_ok()) {
    st = write_checkpoint(fs_, dir_, kRecoveryPointCheckpointName,
                          {CheckpointKind::kRecoveryPoint, log_end_offset(), 0});
  }
  if (!st.is_ok()) return fail(st);
  return st;
}

}  // namespace sluice::log
