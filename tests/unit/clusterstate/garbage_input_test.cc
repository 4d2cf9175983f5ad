// Robustness of ConfigState and StatusState against damaged records: valid records of every kind
// with bytes flipped, cut or inserted, in keys and values, must never crash, every record must be
// accounted for in the counters, and a clean copy of the records applied afterwards must give the
// same state as on a fresh reader (damage never leaves partial state behind that valid records
// cannot repair).
#include <gtest/gtest.h>

#include <random>

#include "runtime/clusterstate/config_state.h"
#include "runtime/clusterstate/status_state.h"

namespace sluice::clusterstate {
namespace {

std::vector<KeyValue> config_records() {
  std::vector<KeyValue> r;
  r.push_back({connector_config_key("conn-1"),
               encode_properties({{"connector.class", "FileStreamSource"}, {"name", "conn-1"}})});
  r.push_back({target_state_key("conn-1"), encode_target_state(TargetState::kStopped)});
  for (const KeyValue& kv : task_config_records("conn-1", {{{"a", "1"}}, {{"b", "2"}}})) {
    r.push_back(kv);
  }
  r.push_back({tasks_commit_key("conn-1"), encode_tasks_commit(2)});
  r.push_back({std::string(kSessionKeyRecordKey),
               encode_session_key({"0123456789abcdef", "HmacSHA256", 42})});
  r.push_back({restart_request_key("conn-1"), encode_restart_request(true, false)});
  r.push_back({task_count_key("conn-1"), encode_task_count(2)});
  return r;
}

std::vector<KeyValue> status_records() {
  return {{connector_status_key("conn-1"),
           encode_run_status({RunState::kRunning, std::nullopt, "127.0.0.1:8083", 3})},
          {task_status_key("conn-1", 0),
           encode_run_status({RunState::kFailed, "trace\nline", "127.0.0.1:8084", 3})},
          {topic_status_key("orders", "conn-1"), encode_topic_status({"orders", "conn-1", 0, 7})}};
}

std::string damage(std::string s, std::mt19937* rng) {
  std::uniform_int_distribution<int> op(0, 3);
  std::uniform_int_distribution<int> byte(0, 255);
  const int edits = 1 + static_cast<int>((*rng)() % 3);
  for (int e = 0; e < edits; ++e) {
    const size_t at = s.empty() ? 0 : (*rng)() % s.size();
    switch (op(*rng)) {
      case 0:
        if (!s.empty()) s[at] = static_cast<char>(byte(*rng));
        break;
      case 1:
        s.resize(at);
        break;
      case 2:
        s.insert(at, 1, static_cast<char>(byte(*rng)));
        break;
      default:
        if (!s.empty()) s.erase(at, 1);
        break;
    }
  }
  return s;
}

// One of `good`, with its key damaged (a quarter of the time) or else its value damaged or, one
// time in ten, replaced by a tombstone.
KeyValue damaged_record(const std::vector<KeyValue>& good, std::mt19937* rng) {
  const KeyValue& kv = good[(*rng)() % good.size()];
  const bool hit_key = (*rng)() % 4 == 0;
  KeyValue out{hit_key ? damage(kv.key, rng) : kv.key, std::nullopt};
  if ((*rng)() % 10 != 0) out.value = hit_key ? *kv.value : damage(*kv.value, rng);
  return out;
}

std::optional<std::string_view> view(const std::optional<std::string>& v) {
  return v ? std::optional<std::string_view>(*v) : std::nullopt;
}

TEST(GarbageInputTest, ConfigStateSurvivesAndRecovers) {
  std::mt19937 rng(1234);
  const std::vector<KeyValue> good = config_records();
  ConfigState reference;
  int64_t offset = 0;
  for (const KeyValue& kv : good) reference.apply(offset++, kv.key, *kv.value);

  for (int round = 0; round < 300; ++round) {
    ConfigState state;
    int64_t off = 0;
    for (int i = 0; i < 20; ++i) {
      const KeyValue bad = damaged_record(good, &rng);
      state.apply(off++, bad.key, view(bad.value));
    }
    ConfigStats stats = state.stats();
    EXPECT_EQ(stats.applied + stats.malformed + stats.unknown_key, 20u);
    // A damaged key may have named another connector; the clean records repair "conn-1".
    for (const KeyValue& kv : good) state.apply(off++, kv.key, *kv.value);
    ConfigSnapshot s = state.snapshot();
    ConfigSnapshot r = reference.snapshot();
    ASSERT_TRUE(s.contains("conn-1")) << round;
    EXPECT_EQ(*s.find("conn-1"), *r.find("conn-1")) << round;
    EXPECT_EQ(s.session_key, r.session_key) << round;
  }
}

TEST(GarbageInputTest, StatusStateSurvivesAndRecovers) {
  std::mt19937 rng(99);
  const std::vector<KeyValue> good = status_records();
  for (int round = 0; round < 300; ++round) {
    StatusState state;
    for (int i = 0; i < 12; ++i) {
      const KeyValue bad = damaged_record(good, &rng);
      state.apply(bad.key, view(bad.value));
    }
    StatusStats stats = state.stats();
    EXPECT_EQ(stats.applied + stats.stale + stats.malformed + stats.unknown_key, 12u);
    // Damage that still parsed may have stored a higher generation from another worker; clear
    // the keys with tombstones as a deletion would, then the clean records must apply.
    state.apply(connector_status_key("conn-1"), std::nullopt);
    state.apply(topic_status_key("orders", "conn-1"), std::nullopt);
    for (const KeyValue& kv : good) {
      EXPECT_NE(state.apply(kv.key, *kv.value).kind, StatusChangeKind::kStale) << round;
    }
    EXPECT_EQ(state.connector_status("conn-1")->worker_id, "127.0.0.1:8083");
    EXPECT_EQ(state.task_status("conn-1", 0)->trace, "trace\nline");
    // (A damaged key may have named another topic of conn-1: that one is a valid record.)
    bool found = false;
    for (const TopicStatus& t : state.active_topics("conn-1")) found |= t.topic == "orders";
    EXPECT_TRUE(found) << round;
  }
}

}  // namespace
}  // namespace sluice::clusterstate
