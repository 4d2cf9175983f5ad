// LineSinkTask: what the line-writing sink tasks (FileStreamSink, VerifiableSink) share. A
// subclass opens the file in start() with open_writer(), renders each record into line_ and
// hands it to writer_->append_line(); this base makes the file durable in flush (fdatasync,
// before the worker commits the consumer offsets, so every committed record is on disk) and
// once more in stop().
#ifndef SLUICE_CONNECTORS_COMMON_LINE_SINK_TASK_H_
#define SLUICE_CONNECTORS_COMMON_LINE_SINK_TASK_H_

#include <sluice/sdk.h>

#include <memory>
#include <span>
#include <string>

#include "connectors/common/append_writer.h"

namespace sluice::connectors {

class LineSinkTask : public SinkTask {
 public:
  // Everything put so far is made durable, whatever `current` lists.
  void flush(std::span<const TopicPartitionOffset> current) override {
    (void)current;
    writer_->sync();
  }
  void stop() override {
    if (writer_) writer_->sync();
  }

 protected:
  // `path`: the file to append to (created when missing); empty = stdout.
  void open_writer(const std::string& path) { writer_ = std::make_unique<AppendWriter>(path); }

  std::unique_ptr<AppendWriter> writer_;
  std::string line_;  // the line being rendered, reused for every record
};

}  // namespace sluice::connectors

#endif  // SLUICE_CONNECTORS_COMMON_LINE_SINK_TASK_H_
