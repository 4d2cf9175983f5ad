// Admin (admin.h): each call builds its request, submits it on a private queue and waits for
// the one result event.
#include "runtime/kafka/admin.h"

#include <algorithm>

namespace sluice::kafka_client {
namespace {

// Maps a Kafka error onto a Status with `context` prepended to librdkafka's text.
Status status_from(rd_kafka_resp_err_t err, std::string_view context, const char* text) {
  std::string m(context);
  m += ": ";
  m += (text != nullptr && *text != '\0') ? text : rd_kafka_err2str(err);
  switch (err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
      return Status::ok();
    case RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
      return Status::not_found(std::move(m));
    case RD_KAFKA_RESP_ERR_NON_EMPTY_GROUP:
    case RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID:
    case RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS:
      return Status::failed_precondition(std::move(m));
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR_INVALID_PARTITIONS:
    case RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR:
    case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
    case RD_KAFKA_RESP_ERR_INVALID_REQUEST:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR_INVALID_GROUP_ID:
      return Status::invalid_argument(std::move(m));
    default:
      return Status::unavailable(std::move(m));
  }
}

Status status_from(const rd_kafka_error_t* error, std::string_view context) {
  if (error == nullptr) return Status::ok();
  return status_from(rd_kafka_error_code(error), context, rd_kafka_error_string(error));
}

struct EventDeleter {
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
using EventPtr = std::unique_ptr<rd_kafka_event_t, EventDeleter>;

// One admin request in flight: its result queue and options, destroyed together.
class AdminCall {
 public:
  AdminCall(rd_kafka_t* rk, rd_kafka_admin_op_t op, int timeout_ms)
      : queue_(rd_kafka_queue_new(rk)),
        options_(rd_kafka_AdminOptions_new(rk, op)),
        timeout_ms_(timeout_ms) {
    char errstr[256];
    (void)rd_kafka_AdminOptions_set_request_timeout(options_, timeout_ms, errstr, sizeof errstr);
  }
  ~AdminCall() {
    rd_kafka_AdminOptions_destroy(options_);
    rd_kafka_queue_destroy(queue_);
  }
  AdminCall(const AdminCall&) = delete;
  AdminCall& operator=(const AdminCall&) = delete;

  rd_kafka_queue_t* queue() { return queue_; }
  rd_kafka_AdminOptions_t* options() { return options_; }

  // Waits for the result; a request-level error becomes the Status.
  Result<EventPtr> wait(std::string_view context) {
    // The request times out inside librdkafka after timeout_ms; the margin lets that answer in.
    EventPtr event(rd_kafka_queue_poll(queue_, timeout_ms_ + 2000));
    if (!event) return Status::unavailable(std::string(context) + ": no answer in time");
    rd_kafka_resp_err_t err = rd_kafka_event_error(event.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return status_from(err, context, rd_kafka_event_error_string(event.get()));
    }
    return event;
  }

 private:
  rd_kafka_queue_t* queue_;
  rd_kafka_AdminOptions_t* options_;
  int timeout_ms_;
};

// The single group result of a group-level admin event (`groups`, `count` from the
// *_result_groups accessor), with its group error.
Status single_group_result(const rd_kafka_group_result_t** groups, size_t count,
                           std::string_view context) {
  if (count != 1) return Status::internal(std::string(context) + ": unexpected result count");
  return status_from(rd_kafka_group_result_error(groups[0]), context);
}

// Calls `fn` with the cluster's metadata (all topics), freed afterwards.
template <typename Fn>
Status with_metadata(rd_kafka_t* rk, int timeout_ms, Fn&& fn) {
  const rd_kafka_metadata_t* metadata = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, nullptr, &metadata, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return status_from(err, "cluster metadata", nullptr);
  fn(*metadata);
  rd_kafka_metadata_destroy(metadata);
  return Status::ok();
}

}  // namespace

Result<std::unique_ptr<Admin>> Admin::create(const Props& props) {
  Result<rd_kafka_conf_t*> made = make_conf(props);
  if (!made.is_ok()) return made.status();
  ConfGuard conf(*made);
  Result<rd_kafka_t*> rk = new_client(RD_KAFKA_PRODUCER, conf, "admin client");
  if (!rk.is_ok()) return rk.status();
  return std::unique_ptr<Admin>(new Admin(*rk));
}

Admin::~Admin() {
  rd_kafka_destroy(rk_);
}

Status Admin::create_topic(std::string_view topic, int32_t partitions, int16_t replication,
                           const Props& topic_configs, int timeout_ms) {
  const std::string name(topic);
  const std::string context = "create topic " + name;
  char errstr[512] = {0};
  rd_kafka_NewTopic_t* new_topic =
      rd_kafka_NewTopic_new(name.c_str(), partitions, replication, errstr, sizeof errstr);
  if (new_topic == nullptr) return Status::invalid_argument(context + ": " + errstr);
  for (const auto& [key, value] : topic_configs) {
    if (rd_kafka_NewTopic_set_config(new_topic, key.c_str(), value.c_str()) !=
        RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_NewTopic_destroy(new_topic);
      return Status::invalid_argument(context + ": bad topic config \"" + key + "\"");
    }
  }
  AdminCall call(rk_, RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout_ms);
  (void)rd_kafka_AdminOptions_set_operation_timeout(call.options(), timeout_ms, errstr,
                                                    sizeof errstr);
  rd_kafka_CreateTopics(rk_, &new_topic, 1, call.options(), call.queue());
  rd_kafka_NewTopic_destroy(new_topic);
  Result<EventPtr> event = call.wait(context);
  if (!event.is_ok()) return event.status();
  size_t count = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event->get()), &count);
  for (size_t i = 0; i < count; ++i) {
    rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) continue;
    SLUICE_RETURN_IF_ERROR(
        status_from(err, context, rd_kafka_topic_result_error_string(results[i])));
  }
  return Status::ok();
}

Result<std::string> Admin::cluster_id(int timeout_ms) {
  char* id = rd_kafka_clusterid(rk_, timeout_ms);
  if (id == nullptr) return Status::unavailable("Kafka cluster id: no answer in time");
  std::string out(id);
  rd_kafka_mem_free(rk_, id);
  return out;
}

Result<std::vector<GroupOffset>> Admin::list_group_offsets(std::string_view group, int timeout_ms) {
  const std::string name(group);
  const std::string context = "list offsets of group " + name;
  // The partitions are listed explicitly: librdkafka 2.0 encodes "all partitions" (a null topic
  // array) in flexible OffsetFetch versions as bytes brokers reject.
  Result<PartitionListPtr> partitions = all_partitions(timeout_ms);
  if (!partitions.is_ok()) return partitions.status().with_context(context);
  if ((*partitions)->cnt == 0) return std::vector<GroupOffset>();
  AdminCall call(rk_, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, timeout_ms);
  rd_kafka_ListConsumerGroupOffsets_t* request =
      rd_kafka_ListConsumerGroupOffsets_new(name.c_str(), partitions->get());
  rd_kafka_ListConsumerGroupOffsets(rk_, &request, 1, call.options(), call.queue());
  rd_kafka_ListConsumerGroupOffsets_destroy(request);
  Result<EventPtr> event = call.wait(context);
  if (!event.is_ok()) return event.status();
  size_t count = 0;
  const rd_kafka_group_result_t** groups = rd_kafka_ListConsumerGroupOffsets_result_groups(
      rd_kafka_event_ListConsumerGroupOffsets_result(event->get()), &count);
  Status group_status = single_group_result(groups, count, context);
  if (group_status.code() == StatusCode::kNotFound) return std::vector<GroupOffset>();
  SLUICE_RETURN_IF_ERROR(group_status);
  std::vector<GroupOffset> out;
  const rd_kafka_topic_partition_list_t* parts = rd_kafka_group_result_partitions(groups[0]);
  for (int i = 0; parts != nullptr && i < parts->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = parts->elems[i];
    if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return status_from(p.err, context + " " + p.topic + "-" + std::to_string(p.partition),
                         nullptr);
    }
    if (p.offset >= 0) out.emplace_back(p.topic, p.partition, p.offset);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Status Admin::alter_group_offsets(std::string_view group, const std::vector<GroupOffset>& offsets,
                                  int timeout_ms) {
  const std::string name(group);
  const std::string context = "alter offsets of group " + name;
  if (offsets.empty()) return Status::ok();
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
  for (const auto& [topic, partition, offset] : offsets) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition)->offset = offset;
  }
  AdminCall call(rk_, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, timeout_ms);
  rd_kafka_AlterConsumerGroupOffsets_t* request =
      rd_kafka_AlterConsumerGroupOffsets_new(name.c_str(), list.get());
  rd_kafka_AlterConsumerGroupOffsets(rk_, &request, 1, call.options(), call.queue());
  rd_kafka_AlterConsumerGroupOffsets_destroy(request);
  Result<EventPtr> event = call.wait(context);
  if (!event.is_ok()) return event.status();
  size_t count = 0;
  const rd_kafka_group_result_t** groups = rd_kafka_AlterConsumerGroupOffsets_result_groups(
      rd_kafka_event_AlterConsumerGroupOffsets_result(event->get()), &count);
  SLUICE_RETURN_IF_ERROR(single_group_result(groups, count, context));
  const rd_kafka_topic_partition_list_t* parts = rd_kafka_group_result_partitions(groups[0]);
  for (int i = 0; parts != nullptr && i < parts->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = parts->elems[i];
    SLUICE_RETURN_IF_ERROR(
        status_from(p.err, context + " " + p.topic + "-" + std::to_string(p.partition), nullptr));
  }
  return Status::ok();
}

Status Admin::delete_group(std::string_view group, int timeout_ms) {
  const std::string name(group);
  const std::string context = "delete group " + name;
  AdminCall call(rk_, RD_KAFKA_ADMIN_OP_DELETEGROUPS, timeout_ms);
  rd_kafka_DeleteGroup_t* request = rd_kafka_DeleteGroup_new(name.c_str());
  rd_kafka_DeleteGroups(rk_, &request, 1, call.options(), call.queue());
  rd_kafka_DeleteGroup_destroy(request);
  Result<EventPtr> event = call.wait(context);
  if (!event.is_ok()) return event.status();
  size_t count = 0;
  const rd_kafka_group_result_t** groups =
      rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(event->get()), &count);
  return single_group_result(groups, count, context);
}

Result<std::vector<std::string>> Admin::list_topics(int timeout_ms) {
  std::vector<std::string> out;
  SLUICE_RETURN_IF_ERROR(with_metadata(rk_, timeout_ms, [&](const rd_kafka_metadata_t& md) {
    for (int i = 0; i < md.topic_cnt; ++i) {
      if (md.topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) out.emplace_back(md.topics[i].topic);
    }
  }));
  std::sort(out.begin(), out.end());
  return out;
}

Result<PartitionListPtr> Admin::all_partitions(int timeout_ms) {
  PartitionListPtr list(rd_kafka_topic_partition_list_new(16));
  SLUICE_RETURN_IF_ERROR(with_metadata(rk_, timeout_ms, [&](const rd_kafka_metadata_t& md) {
    for (int i = 0; i < md.topic_cnt; ++i) {
      const rd_kafka_metadata_topic_t& t = md.topics[i];
      if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
      for (int p = 0; p < t.partition_cnt; ++p) {
        rd_kafka_topic_partition_list_add(list.get(), t.topic, t.partitions[p].id);
      }
    }
  }));
  return list;
}

}  // namespace sluice::kafka_client
