// Status-topic keys and values (see status_records.h and cluster-state-records.md §2).
#include "runtime/clusterstate/status_records.h"

#include "runtime/clusterstate/record_json.h"
#include "runtime/data/json_reader.h"
#include "runtime/data/json_writer.h"

namespace sluice::clusterstate {
namespace {

constexpr std::string_view kStatusConnectorPrefix = "status-connector-";
constexpr std::string_view kStatusTaskPrefix = "status-task-";
constexpr std::string_view kTopicPrefix = "status-topic-";
constexpr std::string_view kTopicSeparator = ":connector-";

constexpr RunState kAllStates[] = {RunState::kUnassigned, RunState::kRunning,    RunState::kPaused,
                                   RunState::kFailed,     RunState::kRestarting, RunState::kStopped,
                                   RunState::kDestroyed};

Status bad_key(std::string_view key, std::string_view why) {
  return Status::invalid_argument("status record key '" + std::string(key) + "' " +
                                  std::string(why));
}

}  // namespace

std::string_view run_state_name(RunState state) {
  switch (state) {
    case RunState::kUnassigned:
      return "UNASSIGNED";
    case RunState::kRunning:
      return "RUNNING";
    case RunState::kPaused:
      return "PAUSED";
    case RunState::kFailed:
      return "FAILED";
    case RunState::kRestarting:
      return "RESTARTING";
    case RunState::kStopped:
      return "STOPPED";
    case RunState::kDestroyed:
      return "DESTROYED";
  }
  return "UNASSIGNED";
}

std::optional<RunState> parse_run_state(std::string_view name) {
  for (RunState s : kAllStates) {
    if (run_state_name(s) == name) return s;
  }
  return std::nullopt;
}

std::string connector_status_key(std::string_view connector) {
  std::string s(kStatusConnectorPrefix);
  s += connector;
  return s;
}

std::string task_status_key(std::string_view connector, int32_t task) {
  std::string s(kStatusTaskPrefix);
  s += connector;
  s += '-';
  s += std::to_string(task);
  return s;
}

std::string topic_status_key(std::string_view topic, std::string_view connector) {
  std::string s(kTopicPrefix);
  s += topic;
  s += kTopicSeparator;
  s += connector;
  return s;
}

Result<StatusKey> parse_status_key(std::string_view key) {
  StatusKey k;
  if (key.starts_with(kStatusConnectorPrefix)) {
    k.kind = StatusRecordKind::kConnector;
    k.connector = std::string(key.substr(kStatusConnectorPrefix.size()));
    if (k.connector.empty()) return bad_key(key, "has an empty connector name");
    return k;
  }
  if (key.starts_with(kStatusTaskPrefix)) {
    k.kind = StatusRecordKind::kTask;
    if (!detail::split_task_id(key.substr(kStatusTaskPrefix.size()), &k.connector, &k.task)) {
      return bad_key(key, "is not status-task-<connector>-<index>");
    }
    return k;
  }
  if (key.starts_with(kTopicPrefix)) {
    k.kind = StatusRecordKind::kTopic;
    const std::string_view rest = key.substr(kTopicPrefix.size());
    const size_t colon = rest.find(':');
    if (colon == std::string_view::npos || colon == 0 ||
        !rest.substr(colon).starts_with(kTopicSeparator) ||
        colon + kTopicSeparator.size() == rest.size()) {
      return bad_key(key, "is not status-topic-<topic>:connector-<connector>");
    }
    k.topic = std::string(rest.substr(0, colon));
    k.connector = std::string(rest.substr(colon + kTopicSeparator.size()));
    return k;
  }
  return Status::not_found("status record key '" + std::string(key) + "' has no known prefix");
}

std::string encode_run_status(const RunStatus& status) {
  std::string out;
  data::JsonWriter w(&out);
  w.begin_object();
  w.key("state");
  w.string(run_state_name(status.state));
  w.key("trace");
  if (status.trace) {
    w.string(*status.trace);
  } else {
    w.null();
  }
  w.key("worker_id");
  w.string(status.worker_id);
  w.key("generation");
  w.int64(status.generation);
  w.end_object();
  return out;
}

std::string encode_topic_status(const TopicStatus& status) {
  std::string out;
  data::JsonWriter w(&out);
  w.begin_object();
  w.key("topic");
  w.begin_object();
  w.key("name");
  w.string(status.topic);
  w.key("connector");
  w.string(status.connector);
  w.key("task");
  w.int64(status.task);
  w.key("discoverTimestamp");
  w.int64(status.discover_timestamp_ms);
  w.end_object();
  w.end_object();
  return out;
}

Result<RunStatus> decode_run_status(std::string_view value) {
  data::JsonDoc doc;
  SLUICE_RETURN_IF_ERROR(detail::parse_object(value, &doc));
  Result<std::string> state = detail::string_member(doc, 0, "state");
  if (!state.is_ok()) return state.status();
  std::optional<RunState> parsed = parse_run_state(*state);
  if (!parsed) return Status::invalid_argument("unknown state '" + *state + "'");
  RunStatus s;
  s.state = *parsed;
  const uint32_t trace = doc.find_member(0, "trace");
  if (trace != data::JsonDoc::kNone && doc.node(trace).kind != data::JsonKind::kNull) {
    Result<std::string> text = detail::string_member(doc, 0, "trace");
    if (!text.is_ok()) return text.status();
    s.trace = std::move(*text);
  }
  Result<std::string> worker = detail::string_member(doc, 0, "worker_id");
  if (!worker.is_ok()) return worker.status();
  s.worker_id = std::move(*worker);
  Result<int64_t> generation = detail::integer_member(doc, 0, "generation", INT32_MIN, INT32_MAX);
  if (!generation.is_ok()) return generation.status();
  s.generation = static_cast<int32_t>(*generation);
  return s;
}

Result<TopicStatus> decode_topic_status(std::string_view value) {
  data::JsonDoc doc;
  SLUICE_RETURN_IF_ERROR(detail::parse_object(value, &doc));
  Result<uint32_t> inner = detail::object_member(doc, 0, "topic");
  if (!inner.is_ok()) return inner.status();
  TopicStatus t;
  Result<std::string> name = detail::string_member(doc, *inner, "name");
  if (!name.is_ok()) return name.status();
  t.topic = std::move(*name);
  Result<std::string> connector = detail::string_member(doc, *inner, "connector");
  if (!connector.is_ok()) return connector.status();
  t.connector = std::move(*connector);
  Result<int64_t> task = detail::integer_member(doc, *inner, "task", 0, INT32_MAX);
  if (!task.is_ok()) return task.status();
  t.task = static_cast<int32_t>(*task);
  Result<int64_t> ts =
      detail::integer_member(doc, *inner, "discoverTimestamp", INT64_MIN, INT64_MAX);
  if (!ts.is_ok()) return ts.status();
  t.discover_timestamp_ms = *ts;
  return t;
}

}  // namespace sluice::clusterstate
