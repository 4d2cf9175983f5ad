// Segment (segment.h): append with sparse indexing, lookups by offset and timestamp, the CRC
// scan of recovery, index validation, and on-read verification of old bytes.
#include "broker-lite/log/segment.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <limits>

#include "broker-lite/protocol/endian.h"

namespace sluice::log {

using kafka::BatchCheck;
using kafka::BatchError;
using kafka::BatchHeader;
namespace layout = kafka::batch_layout;

namespace {
// Read sizes: walking headers touches little of each batch, checking reads all of it.
constexpr size_t kHeaderChunk = 8 * 1024;
constexpr size_t kBatchChunk = 64 * 1024;
constexpr int64_t kMaxStoredBatch = std::numeric_limits<int32_t>::max();
}  // namespace

std::string segment_file_name(int64_t base_offset, std::string_view ext) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%020" PRId64, base_offset);
  std::string name(buf);
  name += ext;
  return name;
}

std::optional<int64_t> parse_segment_file_name(std::string_view name, std::string_view ext) {
  if (name.size() != 20 + ext.size() || name.substr(20) != ext) return std::nullopt;
  int64_t v = 0;
  for (size_t i = 0; i < 20; ++i) {
    char c = name[i];
    if (c < '0' || c > '9') return std::nullopt;
    if (v > (std::numeric_limits<int64_t>::max() - (c - '0')) / 10) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

BatchCheck check_stored_batch(std::span<const uint8_t> bytes) {
  BatchCheck c = kafka::check_batch(bytes, static_cast<size_t>(kMaxStoredBatch));
  if (c.error == BatchError::kBadCounts && c.header.last_offset_delta >= 0 &&
      c.header.record_count >= 1 && c.header.record_count <= c.header.last_offset_delta + 1) {
    c.error = BatchError::kNone;  // compacted: records removed, offsets kept
  }
  return c;
}

// ---- BatchCursor ----

Result<bool> BatchCursor::ensure(uint64_t pos, size_t need, size_t chunk) {
  if (pos >= buf_start_ && pos + need <= buf_start_ + buf_len_) return true;
  if (pos + need > end_) return false;
  size_t want = static_cast<size_t>(std::min<uint64_t>(std::max(need, chunk), end_ - pos));
  if (buffer_.size() < want) buffer_.resize(want);
  Result<size_t> n = file_.read_at(pos, {buffer_.data(), want});
  if (!n.is_ok()) {
    buf_len_ = 0;
    return n.status();
  }
  buf_start_ = pos;
  buf_len_ = *n;
  return *n >= need;
}

Result<BatchCursor::Step> BatchCursor::next_header(BatchHeader* header) {
  batch_pos_ = pos_;
  if (pos_ >= end_) return Step::kEnd;
  Result<bool> have = ensure(pos_, layout::kHeaderSize, kHeaderChunk);
  if (!have.is_ok()) return have.status();
  if (!*have) return Step::kBad;
  *header = kafka::read_batch_header({buffer_.data() + (pos_ - buf_start_), layout::kHeaderSize});
  if (header->batch_length < static_cast<int32_t>(layout::kHeaderSize - layout::kLogOverhead) ||
      pos_ + header->total_size() > end_) {
    return Step::kBad;
  }
  pos_ += header->total_size();
  return Step::kBatch;
}

Result<BatchCursor::Step> BatchCursor::next_checked(BatchCheck* check,
                                                    std::span<const uint8_t>* bytes) {
  batch_pos_ = pos_;
  if (pos_ >= end_) return Step::kEnd;
  *check = BatchCheck{};
  Result<bool> have = ensure(pos_, layout::kLogOverhead, kBatchChunk);
  if (!have.is_ok()) return have.status();
  if (!*have) {
    check->error = BatchError::kTruncated;
    return Step::kBad;
  }
  const uint8_t* p = buffer_.data() + (pos_ - buf_start_);
  int64_t length = static_cast<int32_t>(kafka::load_be32(p + layout::kBatchLength));
  size_t total = layout::kLogOverhead;
  if (length > 0 && static_cast<uint64_t>(length) + layout::kLogOverhead <= end_ - pos_) {
    total += static_cast<size_t>(length);
  } else {
    total = static_cast<size_t>(std::min<uint64_t>(end_ - pos_, layout::kHeaderSize));
  }
  have = ensure(pos_, total, kBatchChunk);
  if (!have.is_ok()) return have.status();
  if (!*have) {
    check->error = BatchError::kTruncated;
    return Step::kBad;
  }
  *bytes = {buffer_.data() + (pos_ - buf_start_), total};
  *check = check_stored_batch(*bytes);
  if (!check->ok()) return Step::kBad;
  pos_ += check->header.total_size();
  return Step::kBatch;
}

// ---- Segment: files ----

std::string Segment::log_path() const {
  return file_path(".log");
}

std::string Segment::file_path(std::string_view ext) const {
  return join_path(dir_, segment_file_name(base_offset_, ext)) + suffix_;
}

Result<std::unique_ptr<Segment>> Segment::create_cleaned(FileSystem& fs, const std::string& dir,
                                                         int64_t base_offset,
                                                         const LogConfig& config) {
  std::unique_ptr<Segment> s(new Segment(fs, dir, base_offset, config));
  s->suffix_ = kCleanedSuffix;
  SLUICE_RETURN_IF_ERROR(s->open_files(OpenMode::kCreateTruncate));
  return s;
}

Status Segment::promote_cleaned() {
  const std::string suffix = suffix_;
  for (std::string_view ext : {".index", ".timeindex", ".log"}) {
    suffix_ = suffix;
    const std::string from = file_path(ext);
    suffix_.clear();
    SLUICE_RETURN_IF_ERROR(fs_.rename(from, file_path(ext)));
  }
  return Status::ok();
}

Status Segment::open_files(OpenMode log_mode) {
  auto open_one = [&](std::string_view ext, OpenMode mode, std::shared_ptr<File>* out) -> Status {
    Result<std::unique_ptr<File>> f = fs_.open(file_path(ext), mode);
    if (!f.is_ok()) return f.status();
    *out = std::move(f).value();
    return Status::ok();
  };
  SLUICE_RETURN_IF_ERROR(open_one(".log", log_mode, &log_));
  OpenMode index_mode = log_mode == OpenMode::kExisting ? OpenMode::kCreate : log_mode;
  SLUICE_RETURN_IF_ERROR(open_one(".index", index_mode, &index_));
  SLUICE_RETURN_IF_ERROR(open_one(".timeindex", index_mode, &time_index_file_));
  Result<uint64_t> size = log_->size();
  if (!size.is_ok()) return size.status();
  size_ = *size;
  next_offset_ = base_offset_;
  return Status::ok();
}

Result<std::unique_ptr<Segment>> Segment::create(FileSystem& fs, const std::string& dir,
                                                 int64_t base_offset, const LogConfig& config) {
  std::unique_ptr<Segment> s(new Segment(fs, dir, base_offset, config));
  SLUICE_RETURN_IF_ERROR(s->open_files(OpenMode::kCreateTruncate));
  return s;
}

Result<std::unique_ptr<Segment>> Segment::open_untrusted(FileSystem& fs, const std::string& dir,
                                                         int64_t base_offset,
                                                         const LogConfig& config) {
  std::unique_ptr<Segment> s(new Segment(fs, dir, base_offset, config));
  SLUICE_RETURN_IF_ERROR(s->open_files(OpenMode::kExisting));
  return s;
}

Result<std::unique_ptr<Segment>> Segment::open_trusted(FileSystem& fs, const std::string& dir,
                                                       int64_t base_offset,
                                                       const LogConfig& config) {
  std::unique_ptr<Segment> s(new Segment(fs, dir, base_offset, config));
  SLUICE_RETURN_IF_ERROR(s->open_files(OpenMode::kExisting));
  std::vector<uint8_t> buffer;
  SLUICE_RETURN_IF_ERROR(s->load_and_validate_indexes(buffer));
  return s;
}

// ---- indexing ----

void Segment::index_batch(uint64_t position, int64_t base, int64_t last, int64_t max_ts,
                          uint32_t size) {
  if (offset_index_.empty() ||
      bytes_since_index_entry_ >= static_cast<uint64_t>(config_.index_interval_bytes)) {
    OffsetIndexEntry e{relative(base), static_cast<uint32_t>(position)};
    offset_index_.push_back(e);
    uint8_t b[kOffsetIndexEntrySize];
    kafka::store_be32(b, e.relative_offset);
    kafka::store_be32(b + 4, e.position);
    pending_offset_bytes_.insert(pending_offset_bytes_.end(), b, b + sizeof b);
    bytes_since_index_entry_ = 0;
    int64_t ts = std::max(max_timestamp_, max_ts);
    if (time_index_.empty() || ts > time_index_.back().timestamp) {
      TimeIndexEntry t{ts, relative(base)};
      time_index_.push_back(t);
      uint8_t tb[kTimeIndexEntrySize];
      kafka::store_be64(tb, static_cast<uint64_t>(t.timestamp));
      kafka::store_be32(tb + 8, t.relative_offset);
      pending_time_bytes_.insert(pending_time_bytes_.end(), tb, tb + sizeof tb);
    }
  }
  bytes_since_index_entry_ += size;
  max_timestamp_ = std::max(max_timestamp_, max_ts);
  next_offset_ = last + 1;
  last_batch_base_ = base;
}

Status Segment::write_pending_index_bytes() {
  if (!pending_offset_bytes_.empty()) {
    uint64_t pos = (offset_index_.size() * kOffsetIndexEntrySize) - pending_offset_bytes_.size();
    Status st = index_->write_at(pos, pending_offset_bytes_);
    pending_offset_bytes_.clear();
    SLUICE_RETURN_IF_ERROR(st);
  }
  if (!pending_time_bytes_.empty()) {
    uint64_t pos = (time_index_.size() * kTimeIndexEntrySize) - pending_time_bytes_.size();
    Status st = time_index_file_->write_at(pos, pending_time_bytes_);
    pending_time_bytes_.clear();
    SLUICE_RETURN_IF_ERROR(st);
  }
  return Status::ok();
}

bool Segment::needs_roll_for(uint64_t pending, uint64_t bytes, int64_t last_offset,
                             int64_t now_ms) const {
  if (size_ + pending == 0) return false;
  uint64_t limit = std::min<uint64_t>(
      static_cast<uint64_t>(std::max<int64_t>(config_.segment_bytes, 1)), kMaxSegmentFileBytes);
  if (size_ + pending + bytes > limit) return true;
  if (roll_base_ms_ >= 0 && now_ms - roll_base_ms_ >= config_.segment_ms) return true;
  if (static_cast<int64_t>((offset_index_.size() + 1) * kOffsetIndexEntrySize) >
      config_.segment_index_bytes) {
    return true;
  }
  return last_offset - base_offset_ > std::numeric_limits<int32_t>::max();
}

Status Segment::append(std::span<const uint8_t> bytes, std::span<const AppendedBatch> batches,
                       int64_t now_ms) {
  SLUICE_RETURN_IF_ERROR(log_->write_at(size_, bytes));
  if (empty()) roll_base_ms_ = now_ms;
  uint64_t pos = size_;
  for (const AppendedBatch& b : batches) {
    index_batch(pos, b.base_offset, b.last_offset, b.max_timestamp, b.size);
    pos += b.size;
  }
  if (verified_to_ == size_) verified_to_ += bytes.size();
  size_ += bytes.size();
  return write_pending_index_bytes();
}

Status Segment::seal() {
  if (last_batch_base_ < 0) return Status::ok();
  if (!time_index_.empty() && time_index_.back().relative_offset == relative(last_batch_base_)) {
    return Status::ok();
  }
  int64_t ts = max_timestamp_;
  if (!time_index_.empty()) ts = std::max(ts, time_index_.back().timestamp);
  time_index_.push_back({ts, relative(last_batch_base_)});
  uint8_t tb[kTimeIndexEntrySize];
  kafka::store_be64(tb, static_cast<uint64_t>(ts));
  kafka::store_be32(tb + 8, relative(last_batch_base_));
  return time_index_file_->write_at((time_index_.size() - 1) * kTimeIndexEntrySize,
                                    {tb, sizeof tb});
}

// ---- validation of index files (trusted open) ----

Status Segment::load_and_validate_indexes(std::vector<uint8_t>& buffer) {
  const std::string name = log_path();
  auto bad = [&](const std::string& why) {
    return Status::corruption("index of segment " + name + ": " + why);
  };
  Result<uint64_t> isz = index_->size();
  Result<uint64_t> tsz = time_index_file_->size();
  if (!isz.is_ok()) return isz.status();
  if (!tsz.is_ok()) return tsz.status();
  if (*isz % kOffsetIndexEntrySize != 0) return bad("offset index size not a multiple of 8");
  if (*tsz % kTimeIndexEntrySize != 0) return bad("time index size not a multiple of 12");
  if (*isz / kOffsetIndexEntrySize > size_ / layout::kHeaderSize + 1 ||
      *tsz / kTimeIndexEntrySize > size_ / layout::kHeaderSize + 1) {
    return bad("more entries than batches could exist");
  }
  std::vector<uint8_t> raw(static_cast<size_t>(std::max(*isz, *tsz)));
  SLUICE_RETURN_IF_ERROR(read_exact(*index_, 0, {raw.data(), static_cast<size_t>(*isz)}));
  offset_index_.clear();
  for (size_t i = 0; i < *isz; i += kOffsetIndexEntrySize) {
    OffsetIndexEntry e{kafka::load_be32(&raw[i]), kafka::load_be32(&raw[i + 4])};
    if (!offset_index_.empty() && (e.relative_offset <= offset_index_.back().relative_offset ||
                                   e.position <= offset_index_.back().position)) {
      return bad("offset index entries do not increase");
    }
    if (e.position >= size_) return bad("offset index points beyond the log");
    offset_index_.push_back(e);
  }
  SLUICE_RETURN_IF_ERROR(read_exact(*time_index_file_, 0, {raw.data(), static_cast<size_t>(*tsz)}));
  time_index_.clear();
  for (size_t i = 0; i < *tsz; i += kTimeIndexEntrySize) {
    TimeIndexEntry e{static_cast<int64_t>(kafka::load_be64(&raw[i])),
                     kafka::load_be32(&raw[i + 8])};
    if (!time_index_.empty() && (e.timestamp < time_index_.back().timestamp ||
                                 e.relative_offset <= time_index_.back().relative_offset)) {
      return bad("time index entries out of order");
    }
    time_index_.push_back(e);
  }
  if (size_ == 0) {
    if (!offset_index_.empty() || !time_index_.empty()) return bad("entries for an empty log");
    return Status::ok();
  }
  if (offset_index_.empty() || offset_index_.front().position != 0) {
    return bad("no entry for the first batch");
  }
  if (time_index_.empty()) return bad("time index empty");
  // Walk from the last offset entry to the end of the log: the headers must chain to exactly
  // the end, and no batch after the entry may have deserved an entry of its own.
  BatchCursor cursor(*log_, offset_index_.back().position, size_, buffer);
  BatchHeader h;
  uint64_t since = 0;
  int64_t expect_base = base_offset_ + offset_index_.back().relative_offset;
  int64_t tail_max_ts = -1;
  bool first = true;
  for (;;) {
    Result<BatchCursor::Step> step = cursor.next_header(&h);
    if (!step.is_ok()) return step.status();
    if (*step == BatchCursor::Step::kEnd) break;
    if (*step == BatchCursor::Step::kBad) return bad("log tail does not chain from the last entry");
    if (h.magic != kafka::kMagicV2 || h.last_offset_delta < 0) {
      return bad("implausible batch header in the log tail");
    }
    if (first ? h.base_offset != expect_base : h.base_offset < expect_base) {
      return bad("offsets in the log do not match the index");
    }
    if (!first && since >= static_cast<uint64_t>(config_.index_interval_bytes)) {
      return bad("index ends before the log does");
    }
    if (h.last_offset() - base_offset_ > std::numeric_limits<int32_t>::max()) {
      return bad("relative offset overflow");
    }
    first = false;
    since += h.total_size();
    expect_base = h.last_offset() + 1;
    tail_max_ts = std::max(tail_max_ts, h.max_timestamp);
    last_batch_base_ = h.base_offset;
    next_offset_ = h.last_offset() + 1;
  }
  if (time_index_.back().relative_offset != relative(last_batch_base_) ||
      time_index_.back().timestamp < tail_max_ts) {
    return bad("time index does not end at the last batch");
  }
  bytes_since_index_entry_ = since;
  max_timestamp_ = time_index_.back().timestamp;
  uint8_t head[layout::kHeaderSize];
  SLUICE_RETURN_IF_ERROR(read_exact(*log_, 0, head));
  roll_base_ms_ = kafka::read_batch_header(head).max_timestamp;
  return Status::ok();
}

// ---- recovery scan ----

Result<bool> Segment::frames_reach_valid_data(uint64_t p, uint64_t end, bool is_last,
                                              size_t buffer_hint) {
  std::vector<uint8_t> peek_buffer;
  peek_buffer.reserve(buffer_hint);
  uint64_t q = p;
  for (;;) {
    uint8_t frame[layout::kLogOverhead];
    if (end - q < layout::kHeaderSize) return false;
    SLUICE_RETURN_IF_ERROR(read_exact(*log_, q, frame));
    const int32_t len = static_cast<int32_t>(kafka::load_be32(frame + layout::kBatchLength));
    if (len < static_cast<int32_t>(layout::kHeaderSize - layout::kLogOverhead) ||
        static_cast<uint64_t>(len) + layout::kLogOverhead > end - q) {
      return false;
    }
    if (q != p) {
      BatchCursor peek(*log_, q, end, peek_buffer);
      BatchCheck c;
      std::span<const uint8_t> bytes;
      Result<BatchCursor::Step> step = peek.next_checked(&c, &bytes);
      if (!step.is_ok()) return step.status();
      if (*step == BatchCursor::Step::kBatch) return true;
    }
    q += layout::kLogOverhead + static_cast<uint64_t>(len);
    if (q == end) return !is_last;
  }
}

Result<ScanOutcome> Segment::scan(bool is_last, bool allow_truncate, std::vector<uint8_t>& buffer) {
  Result<uint64_t> file_size = log_->size();
  if (!file_size.is_ok()) return file_size.status();
  const uint64_t end = *file_size;
  offset_index_.clear();
  time_index_.clear();
  pending_offset_bytes_.clear();
  pending_time_bytes_.clear();
  damaged_.clear();
  bytes_since_index_entry_ = 0;
  max_timestamp_ = -1;
  roll_base_ms_ = -1;
  last_batch_base_ = -1;
  next_offset_ = base_offset_;

  ScanOutcome out;
  BatchCursor cursor(*log_, 0, end, buffer);
  BatchCheck check;
  std::span<const uint8_t> bytes;
  int64_t min_base = base_offset_;
  for (;;) {
    Result<BatchCursor::Step> step = cursor.next_checked(&check, &bytes);
    if (!step.is_ok()) return step.status();
    if (*step == BatchCursor::Step::kEnd) break;
    const uint64_t p = cursor.batch_position();
    const BatchHeader& h = check.header;
    std::string reason;
    if (*step == BatchCursor::Step::kBatch) {
      if (h.base_offset < min_base ||
          h.last_offset() - base_offset_ > std::numeric_limits<int32_t>::max()) {
        reason = "batch offset " + std::to_string(h.base_offset) + " out of order";
      } else {
        if (roll_base_ms_ < 0) roll_base_ms_ = h.max_timestamp;
        index_batch(p, h.base_offset, h.last_offset(), h.max_timestamp,
                    static_cast<uint32_t>(h.total_size()));
        min_base = h.last_offset() + 1;
        continue;
      }
    } else {
      reason = kafka::batch_error_name(check.error);
    }
    // An invalid batch at p: damage in the middle, or a torn tail? Follow the length fields
    // from p: reaching a valid batch means the bad bytes are damage in the middle (kept, not
    // cut); so does chaining exactly to the end of a segment that is not the last.
    Result<bool> damage = frames_reach_valid_data(p, end, is_last, buffer.size());
    if (!damage.is_ok()) return damage.status();
    if (*damage) {
      uint64_t len = h.total_size();
      out.damaged.push_back({p, len, reason});
      damaged_.push_back({p, len});
      cursor.seek(p + len);
      continue;
    }
    out.torn = true;
    out.torn_reason = reason;
    out.valid_end = p;
    break;
  }
  if (!out.torn) out.valid_end = end;
  size_ = end;
  if (out.torn) {
    if (allow_truncate) {
      SLUICE_RETURN_IF_ERROR(log_->truncate(out.valid_end));
      size_ = out.valid_end;
    } else {
      damaged_.push_back({out.valid_end, end - out.valid_end});
    }
  }
  verified_to_ = size_;
  // Rewrite both index files from the rebuilt entries.
  SLUICE_RETURN_IF_ERROR(index_->truncate(0));
  SLUICE_RETURN_IF_ERROR(time_index_file_->truncate(0));
  std::vector<uint8_t> offset_bytes = std::move(pending_offset_bytes_);
  std::vector<uint8_t> time_bytes = std::move(pending_time_bytes_);
  pending_offset_bytes_.clear();
  pending_time_bytes_.clear();
  if (!offset_bytes.empty()) SLUICE_RETURN_IF_ERROR(index_->write_at(0, offset_bytes));
  if (!time_bytes.empty()) SLUICE_RETURN_IF_ERROR(time_index_file_->write_at(0, time_bytes));
  return out;
}

// ---- lookups ----

uint64_t Segment::index_position_for(int64_t offset) const {
  if (offset <= base_offset_ || offset_index_.empty()) return 0;
  uint64_t rel = static_cast<uint64_t>(offset - base_offset_);
  auto it =
      std::upper_bound(offset_index_.begin(), offset_index_.end(), rel,
                       [](uint64_t r, const OffsetIndexEntry& e) { return r < e.relative_offset; });
  if (it == offset_index_.begin()) return 0;
  return std::prev(it)->position;
}

Result<std::optional<BatchLocation>> Segment::find_offset(int64_t offset,
                                                          std::vector<uint8_t>& buffer) {
  if (empty() || offset >= next_offset_) return std::optional<BatchLocation>();
  BatchCursor cursor(*log_, index_position_for(offset), size_, buffer);
  BatchLocation loc;
  for (;;) {
    Result<BatchCursor::Step> step = cursor.next_header(&loc.header);
    if (!step.is_ok()) return step.status();
    if (*step == BatchCursor::Step::kEnd) return std::optional<BatchLocation>();
    if (*step == BatchCursor::Step::kBad) {
      return Status::corruption("segment " + log_path() + ": unreadable batch header at position " +
                                std::to_string(cursor.batch_position()));
    }
    if (loc.header.last_offset() >= offset) {
      loc.position = cursor.batch_position();
      return std::optional<BatchLocation>(loc);
    }
  }
}

Result<std::optional<BatchLocation>> Segment::find_timestamp(int64_t ts, int64_t min_offset,
                                                             std::vector<uint8_t>& buffer) {
  if (empty() || max_timestamp_ < ts) return std::optional<BatchLocation>();
  // Every batch up to the last entry older than ts is older than ts.
  auto it = std::lower_bound(time_index_.begin(), time_index_.end(), ts,
                             [](const TimeIndexEntry& e, int64_t t) { return e.timestamp < t; });
  uint64_t start = 0;
  if (it != time_index_.begin())
    start = index_position_for(base_offset_ + std::prev(it)->relative_offset);
  BatchCursor cursor(*log_, start, size_, buffer);
  BatchLocation loc;
  for (;;) {
    Result<BatchCursor::Step> step = cursor.next_header(&loc.header);
    if (!step.is_ok()) return step.status();
    if (*step == BatchCursor::Step::kEnd) return std::optional<BatchLocation>();
    if (*step == BatchCursor::Step::kBad) {
      return Status::corruption("segment " + log_path() + ": unreadable batch header at position " +
                                std::to_string(cursor.batch_position()));
    }
    if (loc.header.max_timestamp >= ts && loc.header.last_offset() >= min_offset) {
      loc.position = cursor.batch_position();
      return std::optional<BatchLocation>(loc);
    }
  }
}

// ---- verification and damage ----

Status Segment::check_not_damaged(uint64_t from, uint64_t to) const {
  for (const Range& r : damaged_) {
    if (from < r.position + r.length && r.position < to) {
      return Status::corruption("segment " + log_path() + ": damaged bytes at position " +
                                std::to_string(r.position) + " (" + std::to_string(r.length) +
                                " bytes) fail their CRC check; refusing to serve them");
    }
  }
  return Status::ok();
}

Status Segment::verify_range(uint64_t from, uint64_t to, std::vector<uint8_t>& buffer) {
  if (to <= verified_to_) return check_not_damaged(from, to);
  const bool extend = from <= verified_to_ + config_.verify_window_bytes;
  uint64_t start = extend ? std::min(from, verified_to_) : from;
  BatchCursor cursor(*log_, start, size_, buffer);
  BatchCheck check;
  std::span<const uint8_t> bytes;
  while (cursor.position() < to) {
    Result<BatchCursor::Step> step = cursor.next_checked(&check, &bytes);
    if (!step.is_ok()) return step.status();
    if (*step == BatchCursor::Step::kEnd) break;
    if (*step == BatchCursor::Step::kBad) {
      uint64_t p = cursor.batch_position();
      uint64_t len = check.header.total_size();
      const bool to_end =
          check.error == BatchError::kTruncated || p + len > size_ || len < layout::kHeaderSize;
      if (to_end) len = size_ - p;
      const bool known = std::any_of(damaged_.begin(), damaged_.end(),
                                     [&](const Range& r) { return r.position == p; });
      if (!known) damaged_.push_back({p, len});
      if (to_end) {
        if (extend) verified_to_ = size_;
        break;
      }
      cursor.seek(p + len);
    }
    if (extend) verified_to_ = cursor.position();
  }
  return check_not_damaged(from, to);
}

// ---- sync and removal ----

Status Segment::sync_log() {
  return log_->sync();
}

Status Segment::sync_all() {
  SLUICE_RETURN_IF_ERROR(log_->sync());
  SLUICE_RETURN_IF_ERROR(index_->sync());
  return time_index_file_->sync();
}

Status Segment::remove_files() {
  for (std::string_view ext : {".index", ".timeindex", ".log"}) {
    Status st = fs_.remove(file_path(ext));
    if (!st.is_ok() && st.code() != StatusCode::kNotFound) return st;
  }
  return Status::ok();
}

}  // namespace sluice::log
