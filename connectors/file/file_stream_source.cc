// FileStreamSource connector and task: see file_stream_source.h.
#include "connectors/file/file_stream_source.h"

#include <chrono>

namespace sluice::connectors {
namespace {

constexpr char kSourceFileKey[] = "file";
constexpr char kTopicKey[] = "topic";
constexpr char kBatchSizeKey[] = "batch.size";
constexpr char kFilenameField[] = "filename";
constexpr char kPositionField[] = "position";

// The problem with a `topic` value, or empty. Kafka Connect's file source also takes exactly one
// topic; a comma means the user gave a list.
std::string topic_problem(const std::string& topic) {
  if (topic.find(',') == std::string::npos) return {};
  return invalid_value_message(kTopicKey, topic,
                               "the file source writes to a single topic, so the name must not "
                               "contain a comma");
}

}  // namespace

const char kFileSourceDescription[] =
    "Reads a text file (or stdin) line by line into a topic, like Kafka Connect's "
    "FileStreamSource. Lines end at \\n, \\r\\n or a lone \\r; each becomes one record with a "
    "null key and the line (without its terminator) as a STRING value. One task. Offsets: "
    "source partition {\"filename\": <file>}, offset {\"position\": <byte offset just after the "
    "line>}; on start the task resumes at the committed position, or at 0 when the file is now "
    "shorter than it. The task follows the file as it grows, waiting (inotify, never spinning) "
    "when no complete line is there; an unterminated last line is held until its terminator "
    "arrives. A file truncated below the read position is read again from 0, and a file replaced "
    "under the same name (log rotation) is read to its end - its unterminated last line, if any, "
    "is delivered as a line - before the new file is read from 0; both are logged as warnings. A "
    "file that does not exist yet is waited for. Reading stdin (file empty or unset) records no "
    "offsets, and a last line without terminator is delivered when stdin closes. Positions count "
    "bytes (Kafka Connect counts characters; the two agree for ASCII "
    "text). Delivery is at least once: lines after the last committed offset are read again "
    "after a crash.";

ConfigDef FileStreamSourceConnector::config_def() {
  return ConfigDef()
      .define(kSourceFileKey, ConfigType::kString, Importance::kHigh,
              "Path of the file to read (relative paths are relative to the worker's working "
              "directory). Empty or unset: read stdin.",
              {.default_value = ""})
      .define(kTopicKey, ConfigType::kString, Importance::kHigh,
              "The topic to write the lines to (one topic: a comma is refused).",
              {.required = true, .non_empty = true})
      .define(kBatchSizeKey, ConfigType::kInt, Importance::kLow,
              "The largest number of lines one poll hands to the worker.",
              {.default_value = 2000, .min = 1});
}

void FileStreamSourceConnector::validate(const Config& config, ValidationReporter& reporter) {
  std::string problem = topic_problem(config.get_string(kTopicKey));
  if (!problem.empty()) reporter.error(kTopicKey, problem);
}

void FileStreamSourceConnector::start(const Config& config) {
  std::string problem = topic_problem(config.get_string(kTopicKey));
  if (!problem.empty()) throw ConfigError(kTopicKey, problem);
  task_config_ = {{kSourceFileKey, config.get_string(kSourceFileKey)},
                  {kTopicKey, config.get_string(kTopicKey)},
                  {kBatchSizeKey, std::to_string(config.get_int(kBatchSizeKey))}};
}

std::vector<TaskConfig> FileStreamSourceConnector::task_configs(uint32_t max_tasks) {
  (void)max_tasks;  // one file, one reader
  return {task_config_};
}

void FileStreamSourceConnector::alter_offsets(const Config& config,
                                              std::span<const OffsetChange> changes) {
  (void)config;
  for (const OffsetChange& change : changes) {
    if (!change.offset) continue;  // a reset is always fine
    if (!change.partition.get_string(kFilenameField)) {
      throw FailedError("a source partition of this connector must be {\"filename\": <text>}");
    }
    auto position = change.offset->get_int64(kPositionField);
    if (!position || *position < 0 || change.offset->size() != 1) {
      throw FailedError(
          "an offset of this connector must be {\"position\": <integer >= 0>} (bytes)");
    }
  }
}

void FileStreamSourceTask::start(const Config& config) {
  file_ = config.get_string(kSourceFileKey);
  topic_ = config.get_string(kTopicKey);
  lines_.resize(static_cast<size_t>(config.get_int(kBatchSizeKey)));
  partition_ = Fields{{kFilenameField, file_}};
  uint64_t start = 0;
  if (!file_.empty()) {
    if (auto offset = context().offset(partition_)) {
      const FieldValue* position = offset->get(kPositionField);
      if (position == nullptr || !position->as_int64() || *position->as_int64() < 0) {
        throw FailedError("the committed offset of file " + file_ +
                          " has no integer \"position\" >= 0");
      }
      start = static_cast<uint64_t>(*position->as_int64());
      log_info("resuming file ", file_, " at position ", start);
    }
  }
  FileTailer::Options options;
  options.path = file_;
  options.start_position = start;
  options.logger = [](FileTailer::LogLevel level, std::string_view text) {
    if (level == FileTailer::LogLevel::kWarn) {
      log_warn(text);
    } else {
      log_info(text);
    }
  };
  tailer_ = std::make_unique<FileTailer>(std::move(options));
}

// Zero copy: the records lend the topic and source partition (topic_ and partition_, fixed since
// start) and the line texts, which
// point into the tailer's read buffer. The buffer keeps them until the tailer's next poll, which
// only happens in this task's next poll(), after the host is done with this batch (plugin-abi.md
// §8.2); within one poll the tailer never moves or grows the buffer while lines are out
// (LineBuffer::make_room refuses), and a truncation or rotation is only handled when no line has
// been handed out yet.
void FileStreamSourceTask::poll(uint32_t max_wait_ms, SourceRecordBatch& batch) {
  size_t n = tailer_->poll(lines_, std::chrono::milliseconds(max_wait_ms));
  for (size_t i = 0; i < n; ++i) {
    SourceRecord& record = batch.add().topic_lent(topic_).value_string_lent(lines_[i].text);
    if (!file_.empty()) {
      record.source_partition_lent(partition_);
      record.source_offset().set(kPositionField, static_cast<int64_t>(lines_[i].position));
    }
  }
}

void FileStreamSourceTask::wake() {
  if (tailer_) tailer_->wake();
}

}  // namespace sluice::connectors
