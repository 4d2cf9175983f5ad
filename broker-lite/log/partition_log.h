// PartitionLog: one topic-partition's log — a directory of segments (docs/formats/log-segment.md)
// with offset assignment on append, reads by offset for Fetch (as file ranges for zero-copy
// sending), lookups by timestamp, segment rolls, retention, DeleteRecords, compaction, recovery
// at open, and the flush the group committer uses for acks=all.
//
// Threading (the contract the broker relies on):
//  * One "owner" thread (the broker's network thread) calls everything except flush() and
//    the atomic getters. These calls never run concurrently with each other.
//  * flush() runs on the GroupCommitter's thread, concurrently with the owner's calls. It only
//    fdatasyncs files and writes the recovery-point checkpoint. What it shares with append()
//    (the active segment pointer, the list of rolled-but-unsynced segments, the "directory
//    needs fsync" flag, the failure status) is guarded by mu_, which append() takes only when it
//    rolls a segment; the plain append path takes no lock.
//  * log_start_offset(), log_end_offset(), flushed_offset(), failed() are atomics: any thread.
//  * Segments removed by retention or compaction stay alive while flush() or a ReadResult
//    still holds them (shared ownership of their files).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "broker-lite/log/file_system.h"
#include "broker-lite/log/log_config.h"
#include "broker-lite/log/segment.h"
#include "broker-lite/util/status.h"

namespace sluice::log {

struct AppendInfo {
  int64_t base_offset = -1;    // offset assigned to the first record
  int64_t last_offset = -1;    // offset of the last record
  int64_t max_timestamp = -1;  // largest maxTimestamp of the appended batches
  int64_t log_start_offset = 0;
};

// The bytes a read returns: whole batches, [position, position + length) of `file`.
struct ReadResult {
  // fetch_offset was below the log start offset or above the log end offset
  // (Kafka OFFSET_OUT_OF_RANGE). Nothing else is set then except the two offsets below.
  bool out_of_range = false;
  std::shared_ptr<File> file;  // null when there are no bytes; keeps the segment file open
  uint64_t position = 0;
  uint64_t length = 0;
  int64_t first_offset = -1;  // base offset of the first batch returned
  int64_t log_start_offset = 0;
  int64_t log_end_offset = 0;

  // Copies the bytes (pread) into *out (replacing its contents). For tests and non-zero-copy
  // senders.
  Status copy_to(std::vector<uint8_t>* out) const;
};

struct TimestampLookup {
  int64_t offset = -1;  // -1: no batch with a timestamp >= the one asked for
  int64_t timestamp = -1;
};

// What open() found and did; every line was also sent to the LogSink.
struct RecoveryReport {
  bool clean = false;           // opened after a clean shutdown
  int segments_scanned = 0;     // CRC-scanned segments
  int indexes_rebuilt = 0;      // segments whose index files were rebuilt
  int64_t bytes_truncated = 0;  // torn tail bytes cut
  int segments_deleted = 0;     // segments deleted after a torn one, or below the log start
  int damaged_ranges = 0;       // invalid batches left in place (refused on read)
  std::vector<std::string> messages;
};

class PartitionLog {
 public:
  // Opens (creating when missing) the partition directory `dir` (whose last path component
  // names the partition in messages) and runs recovery (docs/formats/log-segment.md, start-up
  // rules). `clean_shutdown`: the log dir's marker was present. `fs` must outlive the log.
  static Result<std::unique_ptr<PartitionLog>> open(FileSystem& fs, std::string dir,
                                                    LogConfig config, bool clean_shutdown,
                                                    LogSink sink = {});
  ~PartitionLog();
  PartitionLog(const PartitionLog&) = delete;
  PartitionLog& operator=(const PartitionLog&) = delete;

  // Appends one or more whole, validated (check_batch) v2 batches lying back to back in
  // `batches` (mutable, borrowed for the call: baseOffset and partitionLeaderEpoch are
  // overwritten in place). The data reaches the OS before this returns (acks=1). Rolls segments
  // as needed. After an I/O error the log is failed: this and every later append return
  // kIoError.
  Result<AppendInfo> append(std::span<uint8_t> batches, int64_t now_ms, int32_t leader_epoch = 0);

  // Whole batches starting with the one holding `fetch_offset`, from one segment, at most
  // `max_bytes` (but at least one batch when `min_one_batch`), stopping before the first batch
  // whose base offset is >= `max_offset_exclusive`. kCorruption when the bytes fail their
  // CRC check (detected now or at recovery); kIoError when the log failed.
  Result<ReadResult> read(int64_t fetch_offset, size_t max_bytes, bool min_one_batch,
                          int64_t max_offset_exclusive);

  // The first record at or after the log start offset whose timestamp is >= ts, with that
  // timestamp (offset -1 when there is none). For ListOffsets.
  Result<TimestampLookup> offset_for_timestamp(int64_t ts);

  // Retention by time and size (deletes whole old segments; rolls an expired active segment
  // first). Returns the number of segments deleted.
  Result<int> apply_retention(int64_t now_ms);
  // DeleteRecords: moves the log start offset to `offset` (<= log end offset, else
  // kInvalidArgument), persists it and deletes segments entirely below it. Returns the new log
  // start offset.
  Result<int64_t> delete_records_before(int64_t offset);
  // Rolls the active segment now if it is not empty (tests, admin).
  Status roll(int64_t now_ms);
  // Log compaction of sealed segments (compactor.cc; docs/formats/log-segment.md, "Compaction
  // output"). Returns the number of records removed. No-op unless cleanup_compact.
  Result<int64_t> compact(int64_t now_ms);

  // Sync thread: fdatasyncs every byte appended so far (sealed segments rolled since the last
  // flush, their indexes, the active .log, and the directory when segments were created).
  // Returns the offset below which everything is durable. After a failure the log is failed
  // for good (never retried): returns the failure.
  Result<int64_t> flush();

  // Clean close: flush, seal the active segment's time index, write the recovery point.
  Status close();

  int64_t log_start_offset() const { return log_start_offset_.load(std::memory_order_acquire); }
  int64_t log_end_offset() const { return log_end_offset_.load(std::memory_order_acquire); }
  int64_t flushed_offset() const { return flushed_offset_.load(std::memory_order_acquire); }
  bool failed() const { return failed_.load(std::memory_order_acquire); }
  // The failure (OK when not failed). Any thread.
  Status failure() const;

  const std::string& dir() const { return dir_; }
  const std::string& name() const { return name_; }
  const RecoveryReport& recovery_report() const { return report_; }
  const LogConfig& config() const { return config_; }
  void set_config(const LogConfig& config) { config_ = config; }
  // Owner thread. For tests and metrics.
  size_t segment_count() const { return segments_.size(); }
  int64_t size_bytes() const;
  std::vector<int64_t> segment_base_offsets() const;
  // The segment objects (owner thread only; tests inspect indexes through them).
  const std::vector<std::shared_ptr<Segment>>& segments() const { return segments_; }

 private:
  friend class Compactor;
  PartitionLog(FileSystem& fs, std::string dir, LogConfig config, LogSink sink);

  Status load(bool clean_shutdown);
  Status finish_compaction_leftovers(const std::vector<std::string>& names);
  Status roll_locked_free(int64_t now_ms);  // owner thread; takes mu_ briefly
  Status delete_segments_below(int64_t offset, int* deleted);
  Status persist_log_start(int64_t offset);
  Status fail(Status st);
  void note(std::string line);
  size_t segment_for(int64_t offset) const;  // index of the last segment with base <= offset

  FileSystem& fs_;
  std::string dir_;
  std::string name_;
  LogConfig config_;
  LogSink sink_;
  RecoveryReport report_;

  // Owner thread.
  std::vector<std::shared_ptr<Segment>> segments_;  // by base offset; back() is active
  std::vector<Segment::AppendedBatch> append_scratch_;
  std::vector<uint8_t> read_buffer_;

  std::atomic<int64_t> log_start_offset_{0};
  std::atomic<int64_t> log_end_offset_{0};
  std::atomic<int64_t> flushed_offset_{0};
  std::atomic<bool> failed_{false};

  // Shared with flush(), under mu_.
  mutable std::mutex mu_;
  std::shared_ptr<Segment> active_;  // same as segments_.back()
  std::vector<std::shared_ptr<Segment>> unsynced_sealed_;
  bool dir_dirty_ = false;
  Status failure_;
  std::mutex flush_mu_;  // one flush at a time (flush() vs close())
};

}  // namespace sluice::log
