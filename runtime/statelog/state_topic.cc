// StateTopic (state_topic.h): the phases around the admin client, LogReader and LogWriter.
#include "runtime/statelog/state_topic.h"

#include "runtime/kafka/admin.h"

namespace sluice::statelog {

StateTopic::StateTopic(StateTopicSpec spec, kafka_client::Props client_props,
                       RecordCallback on_record)
    : spec_(std::move(spec)),
      client_props_(std::move(client_props)),
      on_record_(std::move(on_record)) {}

StateTopic::~StateTopic() {
  stop();
}

Result<int32_t> StateTopic::ensure(int timeout_ms) {
  kafka_client::Props props = client_props_;
  props.erase("group.id");
  Result<std::unique_ptr<kafka_client::Admin>> admin = kafka_client::Admin::create(props);
  if (!admin.is_ok()) return admin.status().with_context("state topic " + describe(spec_));
  auto bootstrap = client_props_.find("bootstrap.servers");
  return ensure_state_topic(
      **admin, spec_,
      bootstrap == client_props_.end() ? "(no bootstrap.servers)" : bootstrap->second, timeout_ms);
}

Status StateTopic::start(int timeout_ms) {
  if (phase_.load() != Phase::kNew) {
    return Status::failed_precondition("state topic " + describe(spec_) + ": already started");
  }
  Result<int32_t> partitions = ensure(timeout_ms);
  if (!partitions.is_ok()) {
    phase_.store(Phase::kStopped);
    return partitions.status();
  }
  partitions_ = *partitions;
  RecordCallback on_record = on_record_ ? std::move(on_record_) : [](const StateRecord&) {};
  Result<std::unique_ptr<LogReader>> reader =
      LogReader::start(spec_, client_props_, partitions_, std::move(on_record));
  Result<std::unique_ptr<LogWriter>> writer =
      reader.is_ok() ? LogWriter::start(spec_, client_props_, timeout_ms) : reader.status();
  if (!writer.is_ok()) {
    phase_.store(Phase::kStopped);
    return writer.status();
  }
  reader_ = std::move(*reader);
  writer_ = std::move(*writer);
  phase_.store(Phase::kRunning);
  Status caught_up = reader_->read_to_end(timeout_ms);
  if (!caught_up.is_ok()) stop(0);
  return caught_up;
}

Status StateTopic::not_running() const {
  return Status::failed_precondition(
      "state topic " + describe(spec_) +
      (phase_.load() == Phase::kNew ? ": not started" : ": stopped"));
}

Status StateTopic::read_to_end(int timeout_ms) {
  if (phase_.load() != Phase::kRunning) return not_running();
  return reader_->read_to_end(timeout_ms);
}

Status StateTopic::send(std::string_view key, std::optional<std::string_view> value,
                        AckCallback on_ack) {
  if (phase_.load() != Phase::kRunning) return not_running();
  return writer_->send(key, value, std::move(on_ack));
}

Status StateTopic::flush(int timeout_ms) {
  if (phase_.load() != Phase::kRunning) return not_running();
  return writer_->flush(timeout_ms);
}

void StateTopic::stop(int flush_timeout_ms) {
  phase_.store(Phase::kStopped);
  if (writer_) writer_->stop(flush_timeout_ms);
  if (reader_) reader_->stop();
}

}  // namespace sluice::statelog
