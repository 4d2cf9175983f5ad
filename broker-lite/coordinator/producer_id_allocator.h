// Hands out producer ids for InitProducerId (idempotent producers): ids increase and never
// repeat, also across restarts and crashes. Ids are reserved in blocks whose end is persisted in
// the file `producer-ids` (written atomically) before any id of the block is handed out.
// Format and reasoning: docs/formats/producer-state.md. Single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "broker-lite/log/file_system.h"
#include "broker-lite/util/status.h"

namespace sluice::coord {

class ProducerIdAllocator {
 public:
  static constexpr int64_t kDefaultBlockSize = 1000;
  static constexpr const char* kFileName = "producer-ids";

  // Reads `<dir>/producer-ids` (a missing file means no id was ever handed out). Ids handed out
  // later are above both the file's mark and `max_seen_producer_id` (the largest producer id found
  // in the logs, -1 if none). `fs` is borrowed and must outlive the allocator. A damaged file is
  // kCorruption naming it.
  static Result<std::unique_ptr<ProducerIdAllocator>> open(log::FileSystem& fs, std::string dir,
                                                           int64_t max_seen_producer_id,
                                                           int64_t block_size = kDefaultBlockSize);

  // The next id. Reserves (and durably records) a new block first when needed; if that write
  // fails no id is returned and the error names the file.
  Result<int64_t> allocate();

  // Every id below this may have been handed out (what the file holds, once written).
  int64_t reserved_end() const { return reserved_end_; }

 private:
  ProducerIdAllocator(log::FileSystem& fs, std::string dir, int64_t next, int64_t reserved_end,
                      int64_t block_size);
  Status write_mark(int64_t reserved_end);

  log::FileSystem& fs_;
  std::string dir_;
  int64_t next_;          // next id to hand out
  int64_t reserved_end_;  // first id not covered by the file
  int64_t block_size_;
};

}  // namespace sluice::coord
