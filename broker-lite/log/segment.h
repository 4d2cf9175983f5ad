// One segment of a partition log: the .log file of record batches with its sparse offset index
// and its time index (docs/formats/log-segment.md), plus the batch-walking cursor used by
// lookups, reads and recovery. A Segment knows nothing about the other segments.
//
// Threading: owned by one PartitionLog and used from its (network) thread, except sync_*()
// and log_file(), which the sync thread may call concurrently (they only fdatasync files).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "broker-lite/log/file_system.h"
#include "broker-lite/log/log_config.h"
#include "broker-lite/protocol/batch_header.h"

namespace sluice::log {

struct OffsetIndexEntry {
  uint32_t relative_offset;
  uint32_t position;
};
struct TimeIndexEntry {
  int64_t timestamp;
  uint32_t relative_offset;
};
inline constexpr size_t kOffsetIndexEntrySize = 8;
inline constexpr size_t kTimeIndexEntrySize = 12;

inline constexpr char kCleanedSuffix[] = ".cleaned";

// Largest .log a segment may have: positions are stored as u32 and bounded by int32.
inline constexpr uint64_t kMaxSegmentFileBytes = 0x7fffffff;

// "%020lld" of the base offset plus `ext` (".log", ".index", ".timeindex", ...).
std::string segment_file_name(int64_t base_offset, std::string_view ext);
// Parses "<20 digits><ext>"; nullopt when `name` is not of that form.
std::optional<int64_t> parse_segment_file_name(std::string_view name, std::string_view ext);

// check_batch() for batches already in the log: also accepts compacted batches, whose
// recordCount may be below lastOffsetDelta + 1.
kafka::BatchCheck check_stored_batch(std::span<const uint8_t> bytes);

// Walks the batches of a file region [pos, end) in order, reading through `buffer` (borrowed;
// reused between calls, grown as needed).
class BatchCursor {
 public:
  enum class Step { kBatch, kEnd, kBad };
  BatchCursor(File& file, uint64_t pos, uint64_t end, std::vector<uint8_t>& buffer)
      : file_(file), pos_(pos), end_(end), buffer_(buffer) {}

  // Reads only the header of the next batch. kBatch: *header is set, batch_position() is where
  // it starts and the cursor moved past it. kBad: the header is incomplete or its length runs
  // past `end` (the cursor stays at batch_position()). kEnd: at `end`.
  Result<Step> next_header(kafka::BatchHeader* header);
  // Reads and checks (CRC included) the whole next batch. kBatch and kBad fill *check; on kBad
  // the cursor does not move. *bytes views the buffer until the next call.
  Result<Step> next_checked(kafka::BatchCheck* check, std::span<const uint8_t>* bytes);
  // Moves to `pos` (used to skip a damaged batch).
  void seek(uint64_t pos) { pos_ = pos; }
  uint64_t batch_position() const { return batch_pos_; }
  uint64_t position() const { return pos_; }

 private:
  // Makes [pos, pos+need) available in the buffer, reading at least `chunk` bytes when it
  // must read; false when the region ends first.
  Result<bool> ensure(uint64_t pos, size_t need, size_t chunk);

  File& file_;
  uint64_t pos_;
  uint64_t end_;
  uint64_t batch_pos_ = 0;
  std::vector<uint8_t>& buffer_;
  uint64_t buf_start_ = 0;
  size_t buf_len_ = 0;
};

// What a full scan of a segment found (Segment::scan).
struct ScanOutcome {
  uint64_t valid_end = 0;  // end of the last valid batch before a torn tail (or the file end)
  bool torn = false;       // bytes from valid_end to the file end are not whole valid batches
  std::string torn_reason;
  struct Damage {
    uint64_t position;
    uint64_t length;
    std::string reason;
  };
  std::vector<Damage> damaged;  // invalid batches followed by valid data (not cut)
};

// A batch located by a lookup.
struct BatchLocation {
  uint64_t position = 0;
  kafka::BatchHeader header;
};

class Segment {
 public:
  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;

  // Creates the three files of a new, empty segment (truncating leftovers of the same name).
  // `fs` must outlive the Segment; `dir` is copied.
  static Result<std::unique_ptr<Segment>> create(FileSystem& fs, const std::string& dir,
                                                 int64_t base_offset, const LogConfig& config);
  // Creates the files of a compaction output segment, named with the ".cleaned" suffix.
  static Result<std::unique_ptr<Segment>> create_cleaned(FileSystem& fs, const std::string& dir,
                                                         int64_t base_offset,
                                                         const LogConfig& config);
  // Renames the ".cleaned" files over the segment's real names (the handles stay valid). The
  // caller fsyncs the directory.
  Status promote_cleaned();
  // Opens an existing segment and loads its indexes without scanning the .log. Returns
  // kCorruption when an index fails the checks of docs/formats/log-segment.md (the caller then
  // scans the segment with scan()). Missing index files count as damaged.
  static Result<std::unique_ptr<Segment>> open_trusted(FileSystem& fs, const std::string& dir,
                                                       int64_t base_offset,
                                                       const LogConfig& config);
  // Opens an existing .log without trusting its indexes: the caller must call scan() next.
  static Result<std::unique_ptr<Segment>> open_untrusted(FileSystem& fs, const std::string& dir,
                                                         int64_t base_offset,
                                                         const LogConfig& config);

  // Scans every batch with the CRC check, rebuilds both indexes in memory and on disk and
  // classifies damage (docs/formats/log-segment.md, start-up rule 4). `is_last` marks the last
  // segment of the log. A torn tail is cut from the .log when `allow_truncate`, else it is
  // remembered as a damaged range.
  Result<ScanOutcome> scan(bool is_last, bool allow_truncate, std::vector<uint8_t>& buffer);

  // Appends `bytes` (whole batches with offsets assigned, borrowed for the call) at the end of
  // the .log and indexes them. `batches` describes each batch in order. On error the segment's
  // in-memory state is unchanged (the file may hold a partial write beyond size()).
  struct AppendedBatch {
    int64_t base_offset;
    int64_t last_offset;
    int64_t max_timestamp;
    uint32_t size;
  };
  Status append(std::span<const uint8_t> bytes, std::span<const AppendedBatch> batches,
                int64_t now_ms);
  // True when one more batch of `bytes` ending at `last_offset` must go to a new segment,
  // given `pending` bytes the caller is about to append before it.
  bool needs_roll_for(uint64_t pending, uint64_t bytes, int64_t last_offset, int64_t now_ms) const;
  // Adds the final time-index entry (when the segment is rolled or closed cleanly).
  Status seal();

  // The first batch whose last offset is >= `offset`, or nullopt when every batch ends before.
  Result<std::optional<BatchLocation>> find_offset(int64_t offset, std::vector<uint8_t>& buffer);
  // The first batch whose maxTimestamp is >= `ts` and whose last offset is >= `min_offset`,
  // or nullopt.
  Result<std::optional<BatchLocation>> find_timestamp(int64_t ts, int64_t min_offset,
                                                      std::vector<uint8_t>& buffer);

  // CRC-checks [from, to) if not done yet (see LogConfig::verify_window_bytes). kCorruption
  // naming the file and position when a batch fails; the range is then remembered as damaged.
  Status verify_range(uint64_t from, uint64_t to, std::vector<uint8_t>& buffer);
  // kCorruption when [from, to) overlaps a damaged range.
  Status check_not_damaged(uint64_t from, uint64_t to) const;
  void add_damage(uint64_t position, uint64_t length) { damaged_.push_back({position, length}); }

  // fdatasync of the .log only / of all three files. Thread: any.
  Status sync_log();
  Status sync_all();
  // Removes the three files (handles stay valid for readers holding log_file()).
  Status remove_files();
  const std::string& dir() const { return dir_; }

  int64_t base_offset() const { return base_offset_; }
  uint64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Offset after the last batch (base_offset() when empty).
  int64_t next_offset() const { return next_offset_; }
  // Largest batch maxTimestamp (-1 when empty).
  int64_t max_timestamp() const { return max_timestamp_; }
  // When the segment started to fill: wall time of its first append in this process, or the
  // first batch's maxTimestamp after a restart. -1 when empty.
  int64_t roll_base_ms() const { return roll_base_ms_; }
  const std::vector<OffsetIndexEntry>& offset_index() const { return offset_index_; }
  const std::vector<TimeIndexEntry>& time_index() const { return time_index_; }
  const std::shared_ptr<File>& log_file() const { return log_; }
  std::string log_path() const;

 private:
  Segment(FileSystem& fs, std::string dir, int64_t base_offset, const LogConfig& config)
      : fs_(fs), dir_(std::move(dir)), base_offset_(base_offset), config_(config) {}
  Status open_files(OpenMode mode);
  std::string file_path(std::string_view ext) const;
  Status load_and_validate_indexes(std::vector<uint8_t>& buffer);
  // Scan helper: whether the length fields from the invalid batch at `p` lead to a valid batch
  // (or, in a segment that is not the last, exactly to `end`).
  Result<bool> frames_reach_valid_data(uint64_t p, uint64_t end, bool is_last, size_t buffer_hint);
  // Indexes one batch at `position` in memory (and the batch facts: next offset, timestamps),
  // queueing new entries encoded in pending_*_bytes_ for write_pending_index_bytes().
  void index_batch(uint64_t position, int64_t base, int64_t last, int64_t max_ts, uint32_t size);
  // Appends the queued entries to the index files.
  Status write_pending_index_bytes();
  uint64_t index_position_for(int64_t offset) const;
  uint32_t relative(int64_t offset) const { return static_cast<uint32_t>(offset - base_offset_); }

  FileSystem& fs_;
  std::string dir_;
  int64_t base_offset_;
  std::string suffix_;  // "" or kCleanedSuffix
  LogConfig config_;
  std::shared_ptr<File> log_;
  std::shared_ptr<File> index_;
  std::shared_ptr<File> time_index_file_;
  uint64_t size_ = 0;
  int64_t next_offset_ = 0;
  int64_t max_timestamp_ = -1;
  int64_t roll_base_ms_ = -1;
  int64_t last_batch_base_ = -1;          // base offset of the last batch, -1 when empty
  uint64_t bytes_since_index_entry_ = 0;  // since the batch of the last offset-index entry
  std::vector<OffsetIndexEntry> offset_index_;
  std::vector<TimeIndexEntry> time_index_;
  std::vector<uint8_t> pending_offset_bytes_;  // encoded entries not yet written (append scratch)
  std::vector<uint8_t> pending_time_bytes_;
  uint64_t verified_to_ = 0;  // [0, verified_to_) CRC-checked in this process
  struct Range {
    uint64_t position;
    uint64_t length;
  };
  std::vector<Range> damaged_;
};

}  // namespace sluice::log
