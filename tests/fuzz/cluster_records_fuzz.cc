// libFuzzer target for the records of the config and status topics of distributed mode
// (runtime/clusterstate, docs/formats/cluster-state-records.md): any client of the broker can
// write to those topics, so every key and value is outside bytes.
//
// The input is a sequence of records, each framed as
//   selector  u8: bit 0 topic (0 config, 1 status); bit 1 tombstone; bits 2-4 a key prefix from
//                 the tables below, prepended to the key bytes (0: none); bit 7 instead makes this
//                 a control entry: the next 4 bytes (big-endian) are a group generation for
//                 StatusState::set_group_generation, and no record follows;
//   key       u8 length, then that many bytes;
//   value     unless a tombstone: u16 length (big-endian), then that many bytes.
// A truncated field takes what is left. Each record goes to ConfigState::apply (offsets 0, 1, ...)
// or StatusState::apply; after each the harness takes a snapshot and checks it against what the
// record's change said and against a small model of the documented rules (commit completeness,
// staleness). Every value the decoders accept must also survive encode → decode unchanged.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "broker-lite/util/logging.h"
#include "runtime/clusterstate/config_records.h"
#include "runtime/clusterstate/config_state.h"
#include "runtime/clusterstate/status_records.h"
#include "runtime/clusterstate/status_state.h"

namespace {

using namespace sluice::clusterstate;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

constexpr std::string_view kConfigPrefixes[8] = {"",
                                                 "connector-",
                                                 "task-",
                                                 "commit-",
                                                 "target-state-",
                                                 "restart-connector-",
                                                 "tasks-fencing-",
                                                 "session-key"};
constexpr std::string_view kStatusPrefixes[8] = {
    "", "status-connector-", "status-task-", "status-topic-", "", "status-task-", "", ""};

// One framed entry of the input.
struct Entry {
  bool control = false;
  int32_t generation = 0;  // control entries
  bool status_topic = false;
  std::string key;
  std::optional<std::string_view> value;  // borrows the input
};

// Splits the input into entries; borrows the input bytes.
class Framing {
 public:
  Framing(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  bool next(Entry* e) {
    if (pos_ >= size_) return false;
    const uint8_t selector = data_[pos_++];
    *e = Entry{};
    if (selector & 0x80) {
      e->control = true;
      uint32_t g = 0;
      for (int i = 0; i < 4; ++i) g = (g << 8) | byte();
      e->generation = static_cast<int32_t>(g);
      return true;
    }
    e->status_topic = (selector & 1) != 0;
    const bool tombstone = (selector & 2) != 0;
    const size_t prefix = (selector >> 2) & 7;
    e->key = std::string(e->status_topic ? kStatusPrefixes[prefix] : kConfigPrefixes[prefix]);
    e->key += take(byte());
    if (!tombstone) {
      size_t len = static_cast<size_t>(byte()) << 8;
      len |= byte();
      e->value = take(len);
    }
    return true;
  }

 private:
  uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::string_view take(size_t n) {
    n = std::min(n, size_ - pos_);
    std::string_view s(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return s;
  }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// --- value round trips: what a decoder accepts, its encoder writes back to the same value ---

// Decodes `value`; when that works, checks `valid` on the result and that encoding and decoding
// again gives the same value.
template <typename Decode, typename Encode, typename Valid>
void round_trip(std::string_view value, Decode decode, Encode encode, Valid valid) {
  auto decoded = decode(value);
  if (!decoded.is_ok()) return;
  check(valid(*decoded));
  auto again = decode(encode(*decoded));
  check(again.is_ok() && *again == *decoded);
}

constexpr auto kAny = [](const auto&) { return true; };
constexpr auto kNonNegative = [](int32_t n) { return n >= 0; };

void round_trip_config_value(const ConfigKey& key, std::string_view value) {
  switch (key.kind) {
    case ConfigRecordKind::kConnectorConfig:
    case ConfigRecordKind::kTaskConfig:
      round_trip(value, decode_properties, encode_properties, kAny);
      break;
    case ConfigRecordKind::kTasksCommit:
      round_trip(value, decode_tasks_commit, encode_tasks_commit, kNonNegative);
      break;
    case ConfigRecordKind::kTargetState:
      round_trip(value, decode_target_state, encode_target_state, kAny);
      break;
    case ConfigRecordKind::kSessionKey:
      round_trip(value, decode_session_key, encode_session_key,
                 [](const SessionKey& k) { return !k.key.empty(); });
      break;
    case ConfigRecordKind::kRestartRequest:
      round_trip(
          value, [&](std::string_view v) { return decode_restart_request(key.connector, v); },
          [](const RestartRequest& r) {
            return encode_restart_request(r.include_tasks, r.only_failed);
          },
          [&](const RestartRequest& r) { return r.connector == key.connector; });
      break;
    case ConfigRecordKind::kTaskCount:
      round_trip(value, decode_task_count, encode_task_count, kNonNegative);
      break;
  }
}

void round_trip_status_value(const StatusKey& key, std::string_view value) {
  if (key.kind == StatusRecordKind::kTopic) {
    round_trip(value, decode_topic_status, encode_topic_status,
               [](const TopicStatus& t) { return t.task >= 0; });
  } else {
    round_trip(value, decode_run_status, encode_run_status, kAny);
  }
}

// --- config topic ---

// The harness's own account of commits, from the rules of cluster-state-records.md §1.2.
struct CommitModel {
  std::map<int32_t, Properties> staged;  // since the last commit
  std::optional<int32_t> count;          // latest commit
  bool inconsistent = false;
  std::map<int32_t, Properties> committed;  // tasks 0..count-1 after a complete commit
};

bool same_state(const ConfigSnapshot& a, const ConfigSnapshot& b) {
  return a.connectors == b.connectors && a.inconsistent == b.inconsistent &&
         a.session_key == b.session_key && a.task_count_records == b.task_count_records;
}

class ConfigChecker {
 public:
  void apply(const Entry& e) {
    const int64_t offset = next_offset_++;
    const ConfigSnapshot before = state_.snapshot();
    const ConfigChange change = state_.apply(offset, e.key, e.value);
    const ConfigSnapshot after = state_.snapshot();
    ++records_;

    check(after.offset == offset && state_.offset() == offset);
    const ConfigStats stats = state_.stats();
    check(stats.applied + stats.malformed + stats.unknown_key == records_);

    auto key = parse_config_key(e.key);
    if (e.value && key.is_ok()) round_trip_config_value(*key, *e.value);
    if (change.kind == ConfigChangeKind::kSkipped) {
      check(!change.error.empty());
      check(same_state(before, after));  // malformed records never change state
    } else {
      check(key.is_ok());
      check(change.connector == key->connector);
      check_change(change, *key, e.value, after);
    }
    check_snapshot(after);
  }

 private:
  void check_change(const ConfigChange& change, const ConfigKey& key,
                    std::optional<std::string_view> value, const ConfigSnapshot& after) {
    const std::string& name = key.connector;
    switch (change.kind) {
      case ConfigChangeKind::kConnectorConfig:
        check(key.kind == ConfigRecordKind::kConnectorConfig && value);
        check(after.contains(name) && after.find(name)->config == *decode_properties(*value));
        break;
      case ConfigChangeKind::kConnectorRemoved:
        check(key.kind == ConfigRecordKind::kConnectorConfig && !value);
        check(!after.contains(name) && after.inconsistent.count(name) == 0);
        model_.erase(name);
        break;
      case ConfigChangeKind::kTaskConfigStaged:
        check(key.kind == ConfigRecordKind::kTaskConfig && value);
        check(change.tasks.size() == 1 && change.tasks[0] == key.task);
        model_[name].staged.insert_or_assign(key.task, *decode_properties(*value));
        break;
      case ConfigChangeKind::kTasksCommitted:
      case ConfigChangeKind::kTasksInconsistent: {
        check(key.kind == ConfigRecordKind::kTasksCommit && value);
        const int32_t n = *decode_tasks_commit(*value);
        CommitModel& m = model_[name];
        bool complete = true;
        for (int32_t i = 0; i < n && complete; ++i) complete = m.staged.count(i) > 0;
        check(complete == (change.kind == ConfigChangeKind::kTasksCommitted));
        if (complete) {
          m.committed.clear();
          for (auto& [task, props] : m.staged) {
            if (task < n) m.committed.emplace(task, std::move(props));
          }
        }
        m.inconsistent = !complete;
        m.count = n;
        m.staged.clear();
        break;
      }
      case ConfigChangeKind::kTargetState:
        check(key.kind == ConfigRecordKind::kTargetState);
        if (const ConnectorView* view = after.find(name)) {
          check(view->target_state ==
                (value ? *decode_target_state(*value) : TargetState::kStarted));
        }
        break;
      case ConfigChangeKind::kSessionKey:
        check(key.kind == ConfigRecordKind::kSessionKey && value);
        check(after.session_key && *after.session_key == *decode_session_key(*value));
        break;
      case ConfigChangeKind::kRestartRequest:
        check(key.kind == ConfigRecordKind::kRestartRequest && value);
        check(change.restart && change.restart->connector == name);
        break;
      case ConfigChangeKind::kTaskCountRecord:
        check(key.kind == ConfigRecordKind::kTaskCount && value);
        check(after.task_count_records.count(name) > 0 &&
              after.task_count_records.at(name) == *decode_task_count(*value));
        break;
      case ConfigChangeKind::kSkipped:
        break;
    }
  }

  // The snapshot agrees with the commit model: task counts, inconsistency and committed configs.
  void check_snapshot(const ConfigSnapshot& s) const {
    check(s.next_offset() == s.offset + 1);
    std::set<std::string> inconsistent;
    for (const auto& [name, m] : model_) {
      if (m.inconsistent) inconsistent.insert(name);
    }
    check(s.inconsistent == inconsistent);
    for (const auto& [name, view] : s.connectors) {
      check(!name.empty());
      auto m = model_.find(name);
      const bool has_model = m != model_.end();
      check(view.task_count == (has_model ? m->second.count : std::nullopt));
      check(view.inconsistent == (has_model && m->second.inconsistent));
      if (view.inconsistent || !view.task_count) {
        check(view.tasks.empty());
        continue;
      }
      check(view.tasks.size() == static_cast<size_t>(*view.task_count));
      for (size_t i = 0; i < view.tasks.size(); ++i) {
        check(view.tasks[i] == m->second.committed.at(static_cast<int32_t>(i)));
      }
    }
  }

  ConfigState state_;
  std::map<std::string, CommitModel> model_;
  int64_t next_offset_ = 0;
  uint64_t records_ = 0;
};

// --- status topic ---

// The snapshot without the entries `key` names (a connector tombstone also names its tasks).
StatusSnapshot without(StatusSnapshot s, const StatusKey& key, bool connector_tombstone) {
  switch (key.kind) {
    case StatusRecordKind::kConnector:
      s.connectors.erase(key.connector);
      if (connector_tombstone) s.tasks.erase(key.connector);
      break;
    case StatusRecordKind::kTask:
      if (auto it = s.tasks.find(key.connector); it != s.tasks.end()) {
        it->second.erase(key.task);
        if (it->second.empty()) s.tasks.erase(it);
      }
      break;
    case StatusRecordKind::kTopic:
      if (auto it = s.topics.find(key.connector); it != s.topics.end()) {
        it->second.erase(key.topic);
        if (it->second.empty()) s.topics.erase(it);
      }
      break;
  }
  return s;
}

bool same_state(const StatusSnapshot& a, const StatusSnapshot& b) {
  return a.connectors == b.connectors && a.tasks == b.tasks && a.topics == b.topics;
}

const RunStatus* stored_status(const StatusSnapshot& s, const StatusKey& key) {
  if (key.kind == StatusRecordKind::kConnector) {
    auto it = s.connectors.find(key.connector);
    return it == s.connectors.end() ? nullptr : &it->second;
  }
  auto it = s.tasks.find(key.connector);
  if (it == s.tasks.end()) return nullptr;
  auto t = it->second.find(key.task);
  return t == it->second.end() ? nullptr : &t->second;
}

class StatusChecker {
 public:
  void set_group_generation(int32_t generation) {
    state_.set_group_generation(generation);
    group_generation_ = generation;
  }

  void apply(const Entry& e) {
    const StatusSnapshot before = state_.snapshot();
    const StatusChange change = state_.apply(e.key, e.value);
    const StatusSnapshot after = state_.snapshot();
    ++records_;

    const StatusStats stats = state_.stats();
    check(stats.applied + stats.stale + stats.malformed + stats.unknown_key == records_);
    for (const auto& [name, tasks] : after.tasks) check(!name.empty() && !tasks.empty());
    for (const auto& [name, topics] : after.topics) check(!name.empty() && !topics.empty());

    auto key = parse_status_key(e.key);
    if (e.value && key.is_ok()) round_trip_status_value(*key, *e.value);
    if (change.kind == StatusChangeKind::kSkipped || change.kind == StatusChangeKind::kStale) {
      check(!change.error.empty());
      check(same_state(before, after));
    } else {
      check(key.is_ok());
      check(change.connector == key->connector && change.task == key->task &&
            change.topic == key->topic);
      // A record touches only what its key names.
      const bool connector_tombstone = change.kind == StatusChangeKind::kConnectorRemoved;
      check(same_state(without(before, *key, connector_tombstone),
                       without(after, *key, connector_tombstone)));
    }
    if (!key.is_ok()) {
      check(change.kind == StatusChangeKind::kSkipped);
      return;
    }
    check_change(change, *key, e, before, after);
  }

 private:
  // Whether the documented staleness rule says `incoming` is ignored given `stored`.
  bool stale(const RunStatus* stored, const RunStatus& incoming) const {
    if (!stored || stored->worker_id == incoming.worker_id) return false;
    if (incoming.generation >= stored->generation) return false;
    return !(group_generation_ && stored->generation > *group_generation_);
  }

  void check_change(const StatusChange& change, const StatusKey& key, const Entry& e,
                    const StatusSnapshot& before, const StatusSnapshot& after) const {
    if (key.kind == StatusRecordKind::kTopic) {
      if (!e.value) {
        check(change.kind == StatusChangeKind::kTopicRemoved);
        check(after.topics.count(key.connector) == 0 ||
              after.topics.at(key.connector).count(key.topic) == 0);
      } else if (auto decoded = decode_topic_status(*e.value); decoded.is_ok()) {
        check(change.kind == StatusChangeKind::kTopicActive);
        check(after.topics.at(key.connector).at(key.topic) == *decoded);
      } else {
        check(change.kind == StatusChangeKind::kSkipped);
      }
      return;
    }
    if (!e.value) {
      if (key.kind == StatusRecordKind::kConnector) {
        check(change.kind == StatusChangeKind::kConnectorRemoved);
        check(after.tasks.count(key.connector) == 0);
      } else {
        check(change.kind == StatusChangeKind::kTaskRemoved);
      }
      check(stored_status(after, key) == nullptr);
      return;
    }
    auto decoded = decode_run_status(*e.value);
    if (!decoded.is_ok()) {
      check(change.kind == StatusChangeKind::kSkipped);
      return;
    }
    const bool is_stale = stale(stored_status(before, key), *decoded);
    check(is_stale == (change.kind == StatusChangeKind::kStale));
    check(state_.would_accept(e.key, *decoded) != is_stale);
    if (!is_stale) {
      check(change.kind == (key.kind == StatusRecordKind::kTask
                                ? StatusChangeKind::kTaskStatus
                                : StatusChangeKind::kConnectorStatus));
      const RunStatus* stored = stored_status(after, key);
      check(stored && *stored == *decoded);
      check(key.kind == StatusRecordKind::kTask
                ? state_.task_status(key.connector, key.task) == *decoded
                : state_.connector_status(key.connector) == *decoded);
    }
  }

  StatusState state_;
  std::optional<int32_t> group_generation_;
  uint64_t records_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  sluice::set_log_level(sluice::LogLevel::kError);  // every skipped record would log a warning
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ConfigChecker config;
  StatusChecker status;
  Framing framing(data, size);
  Entry e;
  while (framing.next(&e)) {
    if (e.control) {
      status.set_group_generation(e.generation);
    } else if (e.status_topic) {
      status.apply(e);
    } else {
      config.apply(e);
    }
  }
  return 0;
}
