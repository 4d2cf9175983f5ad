// StatusState: applying status-topic records (see status_state.h and cluster-state-records.md
// §2.1).
#include "runtime/clusterstate/status_state.h"

#include "broker-lite/util/logging.h"

namespace sluice::clusterstate {
namespace {

constexpr std::string_view kStatusStateLog = "clusterstate";

StatusChange problem(StatusChangeKind kind, std::string_view key, std::string_view reason) {
  StatusChange c;
  c.kind = kind;
  c.error = "status record '" + std::string(key) + "': " + std::string(reason);
  return c;
}

// Erases outer[name][inner], and outer[name] once it is empty.
template <typename Outer, typename Inner>
void erase_nested(Outer* outer, const std::string& name, const Inner& inner) {
  auto it = outer->find(name);
  if (it == outer->end()) return;
  it->second.erase(inner);
  if (it->second.empty()) outer->erase(it);
}

}  // namespace

StatusChange StatusState::apply(std::string_view key, std::optional<std::string_view> value) {
  std::lock_guard<std::mutex> lock(mu_);
  StatusChange change = apply_locked(key, value);
  switch (change.kind) {
    case StatusChangeKind::kSkipped:
      SLUICE_LOG(kWarn, kStatusStateLog, "skipped " + change.error);
      break;
    case StatusChangeKind::kStale:
      ++stats_.stale;
      SLUICE_LOG(kInfo, kStatusStateLog, "ignored " + change.error);
      break;
    default:
      ++stats_.applied;
      break;
  }
  return change;
}

bool StatusState::supersedes(const RunStatus& stored, const RunStatus& incoming) const {
  if (stored.worker_id == incoming.worker_id) return true;
  if (incoming.generation >= stored.generation) return true;
  // The stored generation cannot exist in the group as it is now: left from an earlier life.
  return group_generation_ && stored.generation > *group_generation_;
}

StatusChange StatusState::apply_locked(std::string_view key,
                                       std::optional<std::string_view> value) {
  Result<StatusKey> parsed = parse_status_key(key);
  if (!parsed.is_ok()) {
    if (parsed.status().code() == StatusCode::kNotFound) {
      ++stats_.unknown_key;
    } else {
      ++stats_.malformed;
    }
    StatusChange c;
    c.error = std::string(parsed.status().message());
    return c;
  }
  StatusChange c;
  c.connector = parsed->connector;
  c.task = parsed->task;
  c.topic = parsed->topic;

  if (parsed->kind == StatusRecordKind::kTopic) {
    if (!value) {
      erase_nested(&state_.topics, parsed->connector, parsed->topic);
      c.kind = StatusChangeKind::kTopicRemoved;
      return c;
    }
    Result<TopicStatus> topic = decode_topic_status(*value);
    if (!topic.is_ok()) {
      ++stats_.malformed;
      return problem(StatusChangeKind::kSkipped, key, topic.status().message());
    }
    state_.topics[parsed->connector].insert_or_assign(parsed->topic, std::move(*topic));
    c.kind = StatusChangeKind::kTopicActive;
    return c;
  }

  const bool is_task = parsed->kind == StatusRecordKind::kTask;
  if (!value) {
    if (is_task) {
      erase_nested(&state_.tasks, parsed->connector, parsed->task);
      c.kind = StatusChangeKind::kTaskRemoved;
    } else {
      state_.connectors.erase(parsed->connector);
      state_.tasks.erase(parsed->connector);
      c.kind = StatusChangeKind::kConnectorRemoved;
    }
    return c;
  }
  Result<RunStatus> status = decode_run_status(*value);
  if (!status.is_ok()) {
    ++stats_.malformed;
    return problem(StatusChangeKind::kSkipped, key, status.status().message());
  }
  const RunStatus* stored = stored_locked(*parsed);
  if (stored && !supersedes(*stored, *status)) {
    return problem(StatusChangeKind::kStale, key,
                   "generation " + std::to_string(status->generation) + " from worker '" +
                       status->worker_id + "' is older than generation " +
                       std::to_string(stored->generation) + " from worker '" + stored->worker_id +
                       "'");
  }
  if (is_task) {
    state_.tasks[parsed->connector].insert_or_assign(parsed->task, std::move(*status));
    c.kind = StatusChangeKind::kTaskStatus;
  } else {
    state_.connectors.insert_or_assign(parsed->connector, std::move(*status));
    c.kind = StatusChangeKind::kConnectorStatus;
  }
  return c;
}

const RunStatus* StatusState::stored_locked(const StatusKey& key) const {
  if (key.kind == StatusRecordKind::kTask) {
    auto it = state_.tasks.find(key.connector);
    if (it == state_.tasks.end()) return nullptr;
    auto task = it->second.find(key.task);
    return task == it->second.end() ? nullptr : &task->second;
  }
  if (key.kind == StatusRecordKind::kConnector) {
    auto it = state_.connectors.find(key.connector);
    return it == state_.connectors.end() ? nullptr : &it->second;
  }
  return nullptr;
}

bool StatusState::would_accept(std::string_view key, const RunStatus& incoming) const {
  Result<StatusKey> parsed = parse_status_key(key);
  if (!parsed.is_ok() || parsed->kind == StatusRecordKind::kTopic) return false;
  std::lock_guard<std::mutex> lock(mu_);
  const RunStatus* stored = stored_locked(*parsed);
  return stored == nullptr || supersedes(*stored, incoming);
}

void StatusState::set_group_generation(int32_t generation) {
  std::lock_guard<std::mutex> lock(mu_);
  group_generation_ = generation;
}

std::optional<RunStatus> StatusState::connector_status(std::string_view connector) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = state_.connectors.find(std::string(connector));
  if (it == state_.connectors.end()) return std::nullopt;
  return it->second;
}

std::optional<RunStatus> StatusState::task_status(std::string_view connector, int32_t task) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = state_.tasks.find(std::string(connector));
  if (it == state_.tasks.end()) return std::nullopt;
  auto t = it->second.find(task);
  if (t == it->second.end()) return std::nullopt;
  return t->second;
}

std::map<int32_t, RunStatus> StatusState::task_statuses(std::string_view connector) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = state_.tasks.find(std::string(connector));
  if (it == state_.tasks.end()) return {};
  return it->second;
}

std::vector<TopicStatus> StatusState::active_topics(std::string_view connector) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<TopicStatus> out;
  auto it = state_.topics.find(std::string(connector));
  if (it == state_.topics.end()) return out;
  for (const auto& [name, status] : it->second) out.push_back(status);
  return out;
}

StatusSnapshot StatusState::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

StatusStats StatusState::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace sluice::clusterstate
