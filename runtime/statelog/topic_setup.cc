// ensure_state_topic (topic_setup.h): metadata for existence and partition count, CreateTopics
// through kafka_client::Admin, DescribeConfigs (librdkafka's admin API, which Admin does not
// wrap) for the cleanup policy.
#include "runtime/statelog/topic_setup.h"

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <thread>

#include "broker-lite/util/logging.h"

namespace sluice::statelog {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kTopicSetupLog = "statelog";

// Milliseconds left until `deadline` (at least 1, so librdkafka calls still make one attempt).
int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 1 ? 1 : static_cast<int>(left.count());
}

Status unreachable(const StateTopicSpec& spec, const std::string& bootstrap, std::string_view what,
                   std::string_view reason) {
  return Status::unavailable("state topic " + describe(spec) + ": " + std::string(what) +
                             ": no usable answer from the Kafka cluster at " + bootstrap + " (" +
                             std::string(reason) + ")");
}

// The topic's partition count, nullopt when the cluster does not know the topic.
Result<std::optional<int32_t>> partition_count(rd_kafka_t* rk, const StateTopicSpec& spec,
                                               const std::string& bootstrap, int timeout_ms) {
  const rd_kafka_metadata_t* md = nullptr;
  // All topics: a request naming the topic could make the broker auto-create it.
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, nullptr, &md, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return unreachable(spec, bootstrap, "reading the cluster's metadata", rd_kafka_err2str(err));
  }
  std::optional<int32_t> out;
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    if (spec.topic != t.topic || t.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) continue;
    if (t.partition_cnt > 0) out = t.partition_cnt;
  }
  rd_kafka_metadata_destroy(md);
  return out;
}

struct EventDeleter {
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};

// The result queue and options of one DescribeConfigs request, destroyed together.
struct DescribeConfigsCall {
  DescribeConfigsCall(rd_kafka_t* rk, int timeout_ms)
      : queue(rd_kafka_queue_new(rk)),
        options(rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS)) {
    char errstr[256];
    (void)rd_kafka_AdminOptions_set_request_timeout(options, timeout_ms, errstr, sizeof errstr);
  }
  ~DescribeConfigsCall() {
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_queue_destroy(queue);
  }
  DescribeConfigsCall(const DescribeConfigsCall&) = delete;
  DescribeConfigsCall& operator=(const DescribeConfigsCall&) = delete;

  rd_kafka_queue_t* const queue;
  rd_kafka_AdminOptions_t* const options;
};

// The topic's cleanup.policy as DescribeConfigs reports it; nullopt when the cluster will not
// tell (no authorization, no support) — the caller then skips the check with a warning.
Result<std::optional<std::string>> cleanup_policy(rd_kafka_t* rk, const StateTopicSpec& spec,
                                                  const std::string& bootstrap, int timeout_ms) {
  DescribeConfigsCall call(rk, timeout_ms);
  rd_kafka_ConfigResource_t* resource =
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, spec.topic.c_str());
  rd_kafka_DescribeConfigs(rk, &resource, 1, call.options, call.queue);
  rd_kafka_ConfigResource_destroy(resource);
  // Declared after `call`, so the event is destroyed before its queue.
  std::unique_ptr<rd_kafka_event_t, EventDeleter> event(
      rd_kafka_queue_poll(call.queue, timeout_ms + 2000));
  if (!event) return unreachable(spec, bootstrap, "describing its configs", "no answer in time");

  rd_kafka_resp_err_t err = rd_kafka_event_error(event.get());
  std::string reason =
      err == RD_KAFKA_RESP_ERR_NO_ERROR ? "" : rd_kafka_event_error_string(event.get());
  size_t count = 0;
  const rd_kafka_ConfigResource_t** resources = nullptr;
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    resources = rd_kafka_DescribeConfigs_result_resources(
        rd_kafka_event_DescribeConfigs_result(event.get()), &count);
    if (count != 1)
      return Status::internal("state topic " + describe(spec) + ": DescribeConfigs gave " +
                              std::to_string(count) + " results");
    err = rd_kafka_ConfigResource_error(resources[0]);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* text = rd_kafka_ConfigResource_error_string(resources[0]);
      reason = text != nullptr && *text != '\0' ? text : rd_kafka_err2str(err);
    }
  }
  switch (err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
      break;
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION:
    case RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE:
      return std::optional<std::string>();
    default:
      return unreachable(spec, bootstrap, "describing its configs", reason);
  }
  size_t entry_count = 0;
  const rd_kafka_ConfigEntry_t** entries =
      rd_kafka_ConfigResource_configs(resources[0], &entry_count);
  for (size_t i = 0; i < entry_count; ++i) {
    if (std::string_view(rd_kafka_ConfigEntry_name(entries[i])) != "cleanup.policy") continue;
    const char* value = rd_kafka_ConfigEntry_value(entries[i]);
    return std::optional<std::string>(value != nullptr ? value : "");
  }
  return std::optional<std::string>();
}

// True when the comma-separated `policy` names compaction and nothing else.
bool compact_only(std::string_view policy) {
  std::set<std::string> items;
  while (!policy.empty()) {
    size_t comma = policy.find(',');
    std::string_view item = policy.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) items.emplace(item);
    policy = comma == std::string_view::npos ? std::string_view() : policy.substr(comma + 1);
  }
  return items == std::set<std::string>{"compact"};
}

Status check_partitions(const StateTopicSpec& spec, int32_t partitions) {
  if (!spec.single_partition || partitions == 1) return Status::ok();
  return Status::failed_precondition(
      "state topic " + describe(spec) + " has " + std::to_string(partitions) +
      " partitions, but it must have exactly 1 so that all of its records keep one order; "
      "create a new topic with one partition (or remove this one) and set " +
      spec.config_key + " to it");
}

Status check_policy(const StateTopicSpec& spec, const std::string& policy) {
  if (compact_only(policy)) return Status::ok();
  return Status::failed_precondition(
      "state topic " + describe(spec) + " has cleanup.policy=" + policy +
      ", but it must be cleanup.policy=compact or the broker will eventually delete state; "
      "change the topic's config (kafka-configs --alter --entity-type topics --entity-name " +
      spec.topic + " --add-config cleanup.policy=compact) or set " + spec.config_key +
      " to another topic");
}

}  // namespace

StateTopicSpec config_topic_spec(std::string topic, int16_t replication_factor) {
  return StateTopicSpec{std::move(topic), "config.storage.topic", 1, replication_factor, true};
}

StateTopicSpec offset_topic_spec(std::string topic, int32_t partitions,
                                 int16_t replication_factor) {
  return StateTopicSpec{std::move(topic), "offset.storage.topic", partitions, replication_factor,
                        false};
}

StateTopicSpec status_topic_spec(std::string topic, int32_t partitions,
                                 int16_t replication_factor) {
  return StateTopicSpec{std::move(topic), "status.storage.topic", partitions, replication_factor,
                        false};
}

std::string describe(const StateTopicSpec& spec) {
  return "\"" + spec.topic + "\" (" + spec.config_key + ")";
}

Result<int32_t> ensure_state_topic(kafka_client::Admin& admin, const StateTopicSpec& spec,
                                   const std::string& bootstrap, int timeout_ms) {
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  rd_kafka_t* rk = admin.handle();
  Result<std::optional<int32_t>> partitions =
      partition_count(rk, spec, bootstrap, remaining_ms(deadline));
  if (!partitions.is_ok()) return partitions.status();
  if (!partitions->has_value()) {
    const int32_t create_partitions = spec.single_partition ? 1 : spec.partitions;
    SLUICE_LOG(kInfo, kTopicSetupLog,
               "creating state topic " + describe(spec) + " with " +
                   std::to_string(create_partitions) + " partition(s), replication factor " +
                   std::to_string(spec.replication_factor) + ", cleanup.policy=compact");
    Status created = admin.create_topic(spec.topic, create_partitions, spec.replication_factor,
                                        {{"cleanup.policy", "compact"}}, remaining_ms(deadline));
    if (!created.is_ok()) {
      if (created.code() == StatusCode::kUnavailable) {
        return unreachable(spec, bootstrap, "creating it", created.message());
      }
      return created.with_context("state topic " + describe(spec));
    }
    // The new topic may take a moment to appear in the metadata (always at once on broker-lite).
    while (true) {
      partitions = partition_count(rk, spec, bootstrap, remaining_ms(deadline));
      if (!partitions.is_ok()) return partitions.status();
      if (partitions->has_value()) break;
      if (Clock::now() >= deadline) {
        return unreachable(spec, bootstrap, "waiting for the created topic", "not in the metadata");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  const int32_t count = **partitions;
  SLUICE_RETURN_IF_ERROR(check_partitions(spec, count));
  Result<std::optional<std::string>> policy =
      cleanup_policy(rk, spec, bootstrap, remaining_ms(deadline));
  if (!policy.is_ok()) return policy.status();
  if (!policy->has_value()) {
    SLUICE_LOG(kWarn, kTopicSetupLog,
               "state topic " + describe(spec) +
                   ": the cluster does not report its cleanup.policy; make sure it is compact");
  } else {
    SLUICE_RETURN_IF_ERROR(check_policy(spec, **policy));
  }
  return count;
}

}  // namespace sluice::statelog
