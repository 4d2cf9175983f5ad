// The base classes a plugin derives from, in Kafka Connect's model: SourceConnector/SourceTask
// and SinkConnector/SinkTask. Throw from any method to fail it (RetriableError, ConfigError,
// FailedError or any std::exception; see errors.h); the SDK turns that into a status and text.
//
// Static members the SDK reads from the derived class (hide the base's to change them):
//   static sluice::ConfigDef config_def();   // the keys of the connector (or of the task)
//   static std::string version();             // plugin version; empty: the library's version
//
// Optional hooks: a method that the derived class does not override is left out of the ABI hook
// table (NULL), so the host applies its documented default. This is decided from the type of
// &Derived::method at compile time, so do not overload these method names.
#ifndef SLUICE_SDK_CONNECTOR_H_
#define SLUICE_SDK_CONNECTOR_H_

#include <sluice/sdk/config.h>
#include <sluice/sdk/context.h>
#include <sluice/sdk/fields.h>
#include <sluice/sdk/records.h>

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace sluice {

namespace sdk_detail {
template <class C>
struct ConnectorHooks;
template <class T, class Holder, class Base>
struct TaskLifecycleHooks;
}  // namespace sdk_detail

using TaskConfig = std::map<std::string, std::string>;

// One change requested through the REST offsets API (alter_offsets). For a source connector
// `partition` is the source partition; for a sink connector {kafka_topic, kafka_partition} and
// the offset {kafka_offset}. No offset = reset.
struct OffsetChange {
  Fields partition;
  std::optional<Fields> offset;
};

// What source and sink connectors share. One instance per connector; all methods are called on
// the worker's control thread for that connector, one at a time.
class Connector {
 public:
  virtual ~Connector() = default;

  static ConfigDef config_def() { return {}; }
  static std::string version() { return {}; }

  // Extra cross-key checks for REST config/validate, on a fresh instance that is never started.
  // Report per-key problems on `reporter`; throw for a top-level error. Optional.
  virtual void validate(const Config& config, ValidationReporter& reporter) {
    (void)config;
    (void)reporter;
  }
  // Start with the connector's configuration (defaults filled in).
  virtual void start(const Config& config) = 0;
  // 1..max_tasks task configurations (usually derived from the connector config).
  virtual std::vector<TaskConfig> task_configs(uint32_t max_tasks) = 0;
  virtual void stop() {}
  // Asked before the REST API changes offsets of the stopped connector; throw to refuse (400).
  // Optional: when not overridden, changes are allowed (with Kafka Connect's caveat).
  virtual void alter_offsets(const Config& config, std::span<const OffsetChange> changes) {
    (void)config;
    (void)changes;
  }

  // Valid from start() (not in the constructor) until the instance is destroyed.
  [[nodiscard]] ConnectorContext& context() const { return *context_; }

 private:
  template <class C>
  friend struct sdk_detail::ConnectorHooks;
  ConnectorContext* context_ = nullptr;
};

class SourceConnector : public Connector {};
class SinkConnector : public Connector {};

// A source task: every method runs on the task's own thread, one at a time, except wake().
class SourceTask {
 public:
  virtual ~SourceTask() = default;

  // Keys of the task configuration (what the connector's task_configs produces). Optional: with
  // no definition every value is still readable through Config's getters.
  static ConfigDef config_def() { return {}; }

  // Typically reads the resume point with context().offset(partition).
  virtual void start(const Config& config) = 0;
  // Add 0..n records to `batch` (already cleared) and return within about max_wait_ms; return
  // with no records when nothing arrived.
  virtual void poll(uint32_t max_wait_ms, SourceRecordBatch& batch) = 0;
  // Optional: called once per record (identified by the cookie you set) after it was written
  // (metadata) or dropped by a transform (nullopt), in order per Kafka partition.
  virtual void commit_record(uint64_t cookie, const std::optional<RecordMetadata>& metadata) {
    (void)cookie;
    (void)metadata;
  }
  // Optional: the worker has durably stored the offsets of the records acknowledged so far.
  virtual void commit() {}
  virtual void stop() {}
  // Optional: called from another thread while poll may be blocked; make poll return promptly.
  // Must be thread-safe and must not block.
  virtual void wake() {}

  // Valid from start() until the instance is destroyed.
  [[nodiscard]] SourceTaskContext& context() const { return *context_; }

 private:
  template <class T, class Holder, class Base>
  friend struct sdk_detail::TaskLifecycleHooks;
  SourceTaskContext* context_ = nullptr;
};

// A sink task: every method runs on the task's own thread, one at a time, except wake().
class SinkTask {
 public:
  virtual ~SinkTask() = default;

  static ConfigDef config_def() { return {}; }

  virtual void start(const Config& config) = 0;
  // Optional: partitions assigned to / revoked from this task.
  virtual void open(std::span<const TopicPartition> partitions) { (void)partitions; }
  virtual void close(std::span<const TopicPartition> partitions) { (void)partitions; }
  // The records are views valid only during the call: copy or write what you keep. May be empty.
  // Throw RetriableError to get the same batch again after a back-off.
  virtual void put(std::span<const SinkRecord> records) = 0;
  // Optional: make everything up to `current` (next offsets) durable in the target.
  virtual void flush(std::span<const TopicPartitionOffset> current) { (void)current; }
  // Optional: the offsets safe to commit (a subset of `current`, each <= its current offset).
  // When not overridden the worker calls flush(current) and commits `current` if it succeeded.
  virtual std::vector<TopicPartitionOffset> pre_commit(
      std::span<const TopicPartitionOffset> current) {
    flush(current);
    return {current.begin(), current.end()};
  }
  virtual void stop() {}
  // Optional: called from another thread to make a blocked put/flush give up (RetriableError).
  virtual void wake() {}

  [[nodiscard]] SinkTaskContext& context() const { return *context_; }

 private:
  template <class T, class Holder, class Base>
  friend struct sdk_detail::TaskLifecycleHooks;
  SinkTaskContext* context_ = nullptr;
};

}  // namespace sluice

#endif  // SLUICE_SDK_CONNECTOR_H_
