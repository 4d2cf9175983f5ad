// DistributedHerder: see distributed_herder.h and docs/design/distributed.md.
#include "runtime/distributed/distributed_herder.h"

#include <random>

#include "broker-lite/util/logging.h"
#include "runtime/clusterstate/config_records.h"
#include "runtime/clusterstate/status_records.h"
#include "runtime/config/providers.h"
#include "runtime/kafka/admin.h"
#include "runtime/plugin/plugin_registry.h"
#include "runtime/statelog/topic_offset_store.h"
#include "runtime/worker/offset_admin.h"
#include "runtime/worker/status_store.h"

namespace sluice::distributed {
namespace {

using std::chrono::milliseconds;
namespace cs = clusterstate;

constexpr milliseconds kPollWait{50};
constexpr int kTopicTimeoutMs = 30000;
constexpr int kWriteTimeoutMs = 10000;
constexpr auto kTimerInterval = std::chrono::seconds(1);

Status not_found(const std::string& name) {
  return Status::not_found("Connector " + name + " not found");
}

Status task_not_found(const std::string& name, int task) {
  return Status::not_found("Task " + name + "-" + std::to_string(task) + " not found");
}

cs::RunState run_state_of(worker::RuntimeState state) {
  switch (state) {
    case worker::RuntimeState::kUnassigned:
      return cs::RunState::kUnassigned;
    case worker::RuntimeState::kRunning:
      return cs::RunState::kRunning;
    case worker::RuntimeState::kPaused:
      return cs::RunState::kPaused;
    case worker::RuntimeState::kStopped:
      return cs::RunState::kStopped;
    case worker::RuntimeState::kFailed:
      return cs::RunState::kFailed;
    case worker::RuntimeState::kRestarting:
      return cs::RunState::kRestarting;
  }
  return cs::RunState::kUnassigned;
}

worker::TargetState worker_target(cs::TargetState state) {
  switch (state) {
    case cs::TargetState::kPaused:
      return worker::TargetState::kPaused;
    case cs::TargetState::kStopped:
      return worker::TargetState::kStopped;
    case cs::TargetState::kStarted:
      break;
  }
  return worker::TargetState::kRunning;
}

rest::StateInfo state_info(const cs::RunStatus& status) {
  rest::StateInfo info;
  info.state = std::string(cs::run_state_name(status.state));
  info.worker_id = status.worker_id;
  if (status.state == cs::RunState::kFailed) info.trace = status.trace.value_or("");
  return info;
}

int64_t wall_clock_ms() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

DistributedHerder::DistributedHerder(worker::WorkerServices services,
                                     kafka_client::Props client_props,
                                     TaskConfigSender send_task_configs)
    : services_(std::move(services)),
      client_props_(std::move(client_props)),
      send_task_configs_(std::move(send_task_configs)),
      assignor_(assignment::AssignorOptions{
          milliseconds(services_.config->get_long("scheduled.rebalance.max.delay.ms"))}) {
  key_ttl_ = milliseconds(services_.config->get_long("inter.worker.key.ttl.ms"));
}

DistributedHerder::~DistributedHerder() {
  shutdown();
}

// ---------------------------------------------------------------------------------------------
// start and stop

Status DistributedHerder::start() {
  const auto& cfg = *services_.config;
  auto config_spec = statelog::config_topic_spec(
      cfg.get_string("config.storage.topic"),
      static_cast<int16_t>(cfg.get_long("config.storage.replication.factor")));
  config_spec.config_key = "config.storage.topic";
  auto status_spec = statelog::status_topic_spec(
      cfg.get_string("status.storage.topic"),
      static_cast<int32_t>(cfg.get_long("status.storage.partitions")),
      static_cast<int16_t>(cfg.get_long("status.storage.replication.factor")));
  status_spec.config_key = "status.storage.topic";

  config_topic_ = std::make_unique<statelog::StateTopic>(
      config_spec, client_props_, [this](const statelog::StateRecord& r) { on_config_record(r); });
  SLUICE_RETURN_IF_ERROR(config_topic_->start(kTopicTimeoutMs));
  caught_up_.store(true);
  status_topic_ = std::make_unique<statelog::StateTopic>(
      status_spec, client_props_, [this](const statelog::StateRecord& r) { on_status_record(r); });
  SLUICE_RETURN_IF_ERROR(status_topic_->start(kTopicTimeoutMs));
  SLUICE_LOG(kInfo, "herder",
             "config topic " + config_spec.topic + " read to offset " +
                 std::to_string(config_.offset()) + " (" +
                 std::to_string(config_.snapshot().connectors.size()) + " connectors)");

  services_.status->set_observer(
      [this](const std::string& connector, int task, const worker::InstanceStatus& status) {
        publish_status(connector, task, status);
      });
  services_.active_topics->set_observer(
      [this](const std::string& connector, const std::string& topic) {
        publish_topic(connector, topic);
      });

  auto member = make_member();
  if (!member.is_ok()) return member.status();
  member_ = std::move(member).value();
  // Stopping tasks holds the control thread for up to task.shutdown.graceful.timeout.ms; the
  // membership's heartbeats go on meanwhile (the hook runs on the control thread only).
  worker_.set_stop_wait_hook([this] {
    if (!member_) return;
    Status alive = member_->keep_alive();
    if (!alive.is_ok())
      SLUICE_LOG(kDebug, "herder", "heartbeat while stopping: " + alive.to_string());
  });
  thread_ = std::thread([this] { thread_main(); });
  return Status::ok();
}

void DistributedHerder::shutdown() {
  if (!thread_.joinable()) return;
  readiness_.store(rest::Readiness::kShuttingDown);
  Status stopped = jobs_.call_status([this] {
    // Tasks first (they commit their offsets), then leave: the group rebalances only once the
    // work here has stopped.
    worker_.stop_all();
    owned_tasks_.clear();
    owned_connectors_.clear();
    if (member_) {
      Status left = member_->leave("worker stopping");
      if (!left.is_ok()) SLUICE_LOG(kWarn, "herder", "leave group: " + left.to_string());
      member_.reset();
    }
    worker_.set_stop_wait_hook({});
    return Status::ok();
  });
  if (!stopped.is_ok()) SLUICE_LOG(kError, "herder", "shutdown: " + stopped.to_string());
  jobs_.close();
  thread_.join();
  if (status_topic_) status_topic_->stop();
  if (config_topic_) config_topic_->stop();
}

std::string DistributedHerder::kafka_cluster_id() {
  {
    std::lock_guard lock(cluster_id_mutex_);
    if (!cluster_id_.empty()) return cluster_id_;
  }
  if (services_.admin == nullptr) return "";
  auto id = services_.admin->cluster_id(5000);
  if (!id.is_ok()) return "";
  std::lock_guard lock(cluster_id_mutex_);
  cluster_id_ = id.value();
  return cluster_id_;
}

// ---------------------------------------------------------------------------------------------
// queue and loop

void DistributedHerder::post(std::function<void()> job) {
  (void)jobs_.post(std::move(job));
}

void DistributedHerder::thread_main() {
  Clock::time_point last_error_log{};
  while (true) {
    // Without a member (never in practice after start) the loop only waits for jobs.
    auto jobs = jobs_.take(member_ ? milliseconds(0) : kPollWait);
    worker::JobQueue::run(jobs);
    if (jobs.empty() && jobs_.closed()) return;
    if (!member_) continue;
    auto event = member_->poll(kPollWait);
    if (!event.is_ok()) {
      if (Clock::now() - last_error_log > std::chrono::seconds(5)) {
        SLUICE_LOG(kWarn, "herder", "group membership: " + event.status().to_string());
        last_error_log = Clock::now();
      }
    } else {
      handle_event(std::move(event).value());
    }
    run_timers();
  }
}

// ---------------------------------------------------------------------------------------------
// state topics

void DistributedHerder::on_config_record(const statelog::StateRecord& record) {
  if (!record.key) return;
  std::optional<std::string_view> value;
  if (record.value) value = *record.value;
  cs::ConfigChange change = config_.apply(record.offset, *record.key, value);
  if (change.kind == cs::ConfigChangeKind::kSkipped) {
    SLUICE_LOG(kWarn, "herder", "config topic record skipped: " + change.error);
    return;
  }
  if (!caught_up_.load()) return;  // history replayed at start changes nothing by itself
  post([this, change = std::move(change)] { on_config_change(change); });
}

void DistributedHerder::on_status_record(const statelog::StateRecord& record) {
  if (!record.key) return;
  std::optional<std::string_view> value;
  if (record.value) value = *record.value;
  (void)statuses_.apply(*record.key, value);
  if (!value) {
    // A reset of a connector's active topics (by whichever worker received it) tombstones its
    // topic records: forget them here too, so that a task of this worker that still uses the
    // topic records it again.
    auto key = cs::parse_status_key(*record.key);
    if (key.is_ok() && key->kind == cs::StatusRecordKind::kTopic) {
      services_.active_topics->forget(key->connector, key->topic);
    }
  }
}

void DistributedHerder::publish_status(const std::string& connector, int task,
                                       const worker::InstanceStatus& status) {
  cs::RunStatus run;
  run.state = run_state_of(status.state);
  if (!status.trace.empty()) run.trace = status.trace;
  run.worker_id = status.worker_id;
  run.generation = generation_.load();
  std::string key =
      task < 0 ? cs::connector_status_key(connector) : cs::task_status_key(connector, task);
  // A worker that fell behind must not hide the status the current owner wrote.
  if (!statuses_.would_accept(key, run)) return;
  Status sent = status_topic_->send(
      key, cs::encode_run_status(run), [key](const Status& s, int32_t, int64_t) {
        if (!s.is_ok()) {
          SLUICE_LOG(kWarn, "herder", "status " + key + " not stored: " + s.to_string());
        }
      });
  if (!sent.is_ok()) SLUICE_LOG(kWarn, "herder", "status " + key + ": " + sent.to_string());
}

void DistributedHerder::publish_topic(const std::string& connector, const std::string& topic) {
  cs::TopicStatus status{topic, connector, 0, wall_clock_ms()};
  Status sent = status_topic_->send(cs::topic_status_key(topic, connector),
                                    cs::encode_topic_status(status), nullptr);
  if (!sent.is_ok()) {
    SLUICE_LOG(kWarn, "herder",
               "active topic " + topic + " of " + connector + ": " + sent.to_string());
  }
}

// ---------------------------------------------------------------------------------------------
// membership

std::vector<membership::GroupProtocol> DistributedHerder::protocols() {
  assignment::MemberMetadata metadata;
  metadata.url = url();
  metadata.config_offset = config_.offset();
  metadata.connectors.assign(owned_connectors_.begin(), owned_connectors_.end());
  metadata.tasks.assign(owned_tasks_.begin(), owned_tasks_.end());
  auto bytes = assignment::encode(metadata);
  if (!bytes.is_ok()) {
    SLUICE_LOG(kError, "herder", "member metadata: " + bytes.status().to_string());
    return {};
  }
  return {{std::string(assignment::kProtocolName), std::move(bytes).value()}};
}

void DistributedHerder::offer_fresh_metadata() {
  if (!member_) return;
  Status set = member_->set_protocols(protocols());
  if (!set.is_ok()) SLUICE_LOG(kError, "herder", "member metadata: " + set.to_string());
}

Result<std::unique_ptr<membership::GroupMember>> DistributedHerder::make_member() {
  const auto& cfg = *services_.config;
  membership::GroupMemberOptions options;
  auto bootstrap = client_props_.find("bootstrap.servers");
  options.bootstrap_servers = bootstrap == client_props_.end() ? "" : bootstrap->second;
  options.group_id = cfg.get_string("group.id");
  options.client_id = "sluice-worker";
  options.session_timeout = milliseconds(cfg.get_long("session.timeout.ms"));
  options.heartbeat_interval = milliseconds(cfg.get_long("heartbeat.interval.ms"));
  options.rebalance_timeout = milliseconds(cfg.get_long("rebalance.timeout.ms"));
  // Task stops keep heartbeating (keep_alive), but starting a connector or reading a state topic
  // can still hold the loop for a while: the margin leaves a third of the session for that, and
  // at least two heartbeats.
  options.fencing_margin = std::max(
      milliseconds(1000), std::min(options.session_timeout / 3,
                                   options.session_timeout - 2 * options.heartbeat_interval));
  return membership::GroupMember::create(
      std::move(options), protocols(),
      [this](const std::string& protocol, const std::vector<membership::MemberMetadata>& members) {
        return assign(protocol, members);
      });
}

std::map<std::string, int32_t> DistributedHerder::desired_work(
    const cs::ConfigSnapshot& snapshot) const {
  std::map<std::string, int32_t> work;
  for (const auto& [name, view] : snapshot.connectors) {
    int32_t tasks = 0;
    if (view.target_state != cs::TargetState::kStopped && !view.inconsistent) {
      tasks = static_cast<int32_t>(view.tasks.size());
    }
    work[name] = tasks;
  }
  return work;
}

Result<std::map<std::string, std::vector<uint8_t>>> DistributedHerder::assign(
    const std::string& protocol, const std::vector<membership::MemberMetadata>& members) {
  if (protocol != assignment::kProtocolName) {
    return Status::unsupported("group protocol " + protocol + " is not " +
                               std::string(assignment::kProtocolName));
  }
  std::vector<assignment::GroupMember> input_members;
  int64_t max_offset = -1;
  for (const auto& m : members) {
    auto metadata = assignment::decode_member_metadata(m.metadata);
    if (!metadata.is_ok()) {
      return metadata.status().with_context("metadata of member " + m.member_id);
    }
    max_offset = std::max(max_offset, metadata.value().config_offset);
    input_members.push_back({m.member_id, std::move(metadata).value()});
  }
  if (max_offset > config_.offset()) {
    Status read = config_topic_->read_to_end(kWriteTimeoutMs);
    if (!read.is_ok())
      SLUICE_LOG(kWarn, "herder", "catching up the config topic: " + read.to_string());
  }
  cs::ConfigSnapshot snapshot = config_.snapshot();
  std::map<std::string, assignment::Assignment> assignments;
  if (max_offset > snapshot.offset) {
    // A member has read further than the leader could: nobody's work changes this round.
    for (const auto& m : input_members) {
      assignment::Assignment a;
      a.error = assignment::kErrorConfigMismatch;
      a.leader_id = member_->member_id();
      a.leader_url = url();
      a.config_offset = snapshot.offset;
      assignments[m.member_id] = a;
    }
  } else {
    assignment::RoundInput input;
    input.generation = member_->generation();
    input.leader_id = member_->member_id();
    input.members = std::move(input_members);
    input.config.offset = snapshot.offset;
    input.config.task_counts = desired_work(snapshot);
    input.now = Clock::now();
    // Memory of an earlier round counts only when this worker led it.
    const assignment::LeaderMemory empty;
    auto round = assignor_.assign(input, is_leader_ ? leader_memory_ : empty);
    if (!round.is_ok()) return round.status();
    leader_memory_ = std::move(round.value().memory);
    assignments = std::move(round.value().assignments);
    assigned_work_ = input.config.task_counts;
    for (auto& [id, a] : assignments) {
      a.leader_url = url();
      a.config_offset = snapshot.offset;
    }
  }
  std::map<std::string, std::vector<uint8_t>> out;
  for (const auto& [id, a] : assignments) {
    auto bytes = assignment::encode(a);
    if (!bytes.is_ok()) return bytes.status().with_context("assignment of member " + id);
    out[id] = std::move(bytes).value();
  }
  return out;
}

void DistributedHerder::set_routing(Routing routing) {
  std::lock_guard lock(routing_mutex_);
  routing_ = std::move(routing);
}

void DistributedHerder::handle_event(membership::Event event) {
  if (auto* assigned = std::get_if<membership::Assigned>(&event)) {
    on_assigned(*assigned);
  } else if (auto* started = std::get_if<membership::RebalanceStarted>(&event)) {
    SLUICE_LOG(kInfo, "herder", "rebalance started: " + started->reason);
    rebalancing_ = true;
    set_routing({false, is_leader_, leader_url_});
    offer_fresh_metadata();
  } else if (auto* lost = std::get_if<membership::Lost>(&event)) {
    on_lost(lost->reason);
  }
}

void DistributedHerder::on_lost(const std::string& reason) {
  SLUICE_LOG(kWarn, "herder",
             "group membership lost (" + reason + "): stopping every connector and task here");
  rebalancing_ = true;
  is_leader_ = false;
  set_routing({false, false, ""});
  worker_.stop_all();
  owned_tasks_.clear();
  owned_connectors_.clear();
  started_connector_configs_.clear();
  started_task_configs_.clear();
  offer_fresh_metadata();
}

void DistributedHerder::on_assigned(const membership::Assigned& assigned) {
  auto decoded = assignment::decode_assignment(assigned.assignment);
  if (!decoded.is_ok()) {
    SLUICE_LOG(kError, "herder",
               "assignment of generation " + std::to_string(assigned.generation) + ": " +
                   decoded.status().to_string() + "; rejoining");
    member_->request_rejoin("unreadable assignment");
    return;
  }
  const assignment::Assignment& a = decoded.value();
  generation_.store(assigned.generation);
  statuses_.set_group_generation(assigned.generation);
  is_leader_ = assigned.is_leader;
  leader_url_ = a.leader_url;
  if (a.error == assignment::kErrorConfigMismatch) {
    SLUICE_LOG(kInfo, "herder", "leader is behind on the config topic; rejoining");
    (void)config_topic_->read_to_end(kWriteTimeoutMs);
    member_->request_rejoin("config offsets differ");
    return;
  }
  // Revocations first: what moves stops here before anyone can start it elsewhere.
  stop_owned_tasks(a.revoked_tasks);
  for (const auto& name : a.revoked_connectors) stop_owned_connector(name);
  if (config_.offset() < a.config_offset) {
    Status read = config_topic_->read_to_end(kWriteTimeoutMs);
    if (!read.is_ok()) SLUICE_LOG(kWarn, "herder", "config topic: " + read.to_string());
  }
  rebalancing_ = false;
  set_routing({true, is_leader_, leader_url_});
  SLUICE_LOG(kInfo, "herder",
             "generation " + std::to_string(assigned.generation) + (is_leader_ ? " (leader)" : "") +
                 ": +" + std::to_string(a.connectors.size()) + " connectors +" +
                 std::to_string(a.tasks.size()) + " tasks, -" +
                 std::to_string(a.revoked_connectors.size()) + " connectors -" +
                 std::to_string(a.revoked_tasks.size()) + " tasks" +
                 (a.delay_ms > 0 ? ", next round in " + std::to_string(a.delay_ms) + " ms" : ""));
  for (const auto& name : a.connectors) {
    if (owned_connectors_.insert(name).second) start_owned_connector(name);
  }
  if (!a.tasks.empty()) {
    if (auto* topic_offsets = dynamic_cast<statelog::TopicOffsetStore*>(services_.offsets)) {
      // Offsets a previous owner committed must be visible before a moved source task starts.
      Status refreshed = topic_offsets->refresh(kWriteTimeoutMs);
      if (!refreshed.is_ok())
        SLUICE_LOG(kWarn, "herder", "offsets topic: " + refreshed.to_string());
    }
    cs::ConfigSnapshot snapshot = config_.snapshot();
    for (const auto& id : a.tasks) {
      if (owned_tasks_.insert(id).second) start_owned_task(id, snapshot);
    }
  }
  if (!a.revoked_tasks.empty() || !a.revoked_connectors.empty()) {
    member_->request_rejoin("revoked work released");
  }
  scheduled_rejoin_.reset();
  if (a.delay_ms > 0) scheduled_rejoin_ = Clock::now() + milliseconds(a.delay_ms);
  readiness_.store(rest::Readiness::kReady);
  if (is_leader_) {
    maybe_rotate_session_key();
    leader_check_work();
  }
}

void DistributedHerder::run_timers() {
  const auto now = Clock::now();
  if (scheduled_rejoin_ && now >= *scheduled_rejoin_ && member_) {
    scheduled_rejoin_.reset();
    member_->request_rejoin("scheduled rebalance for work held back");
  }
  if (now < next_timer_check_) return;
  next_timer_check_ = now + kTimerInterval;
  if (rebalancing_) return;
  if (is_leader_) maybe_rotate_session_key();
  std::set<std::string> unsent;
  unsent.swap(unsent_task_configs_);
  for (const auto& name : unsent) reconfigure_tasks(name);
}

void DistributedHerder::maybe_rotate_session_key() {
  if (!is_leader_ || rebalancing_) return;
  auto current = config_.snapshot().session_key;
  const int64_t now_ms = wall_clock_ms();
  if (current && now_ms - current->creation_timestamp_ms < key_ttl_.count()) return;
  cs::SessionKey key;
  std::random_device random;
  key.key.resize(32);
  for (auto& byte : key.key) byte = static_cast<char>(random() & 0xff);
  key.algorithm = services_.config->get_string("inter.worker.key.generation.algorithm");
  key.creation_timestamp_ms = now_ms;
  Status written =
      write_config({{std::string(cs::kSessionKeyRecordKey), cs::encode_session_key(key)}});
  if (!written.is_ok()) SLUICE_LOG(kWarn, "herder", "session key: " + written.to_string());
}

// ---------------------------------------------------------------------------------------------
// config changes

void DistributedHerder::on_config_change(const cs::ConfigChange& change) {
  const std::string& name = change.connector;
  switch (change.kind) {
    case cs::ConfigChangeKind::kConnectorConfig: {
      auto view = config_.snapshot();
      const cs::ConnectorView* v = view.find(name);
      auto started = started_connector_configs_.find(name);
      if (v != nullptr && owned_connectors_.count(name) != 0 &&
          (started == started_connector_configs_.end() || started->second != v->config)) {
        SLUICE_LOG(kInfo, "herder", "connector " + name + ": config changed, restarting it");
        start_owned_connector(name);
      }
      break;
    }
    case cs::ConfigChangeKind::kConnectorRemoved: {
      std::vector<TaskId> tasks;
      for (const auto& id : owned_tasks_) {
        if (id.connector == name) tasks.push_back(id);
      }
      stop_owned_tasks(tasks);
      std::vector<int> ids;
      for (const auto& id : tasks) ids.push_back(id.task);
      if (owned_connectors_.count(name) != 0) stop_owned_connector(name);
      publish_tombstones(name, ids);
      break;
    }
    case cs::ConfigChangeKind::kTasksCommitted:
    case cs::ConfigChangeKind::kTasksInconsistent: {
      cs::ConfigSnapshot snapshot = config_.snapshot();
      const cs::ConnectorView* v = snapshot.find(name);
      std::vector<TaskId> stale;
      std::vector<TaskId> restart;
      for (const auto& id : owned_tasks_) {
        if (id.connector != name) continue;
        if (v == nullptr || static_cast<size_t>(id.task) >= v->tasks.size()) {
          stale.push_back(id);
        } else if (started_task_configs_[id] != v->tasks[static_cast<size_t>(id.task)]) {
          restart.push_back(id);
        }
      }
      stop_owned_tasks(stale);
      for (const auto& id : stale) owned_tasks_.erase(id);
      if (!restart.empty()) {
        worker_.stop_tasks([&] {
          std::vector<std::pair<std::string, int>> list;
          for (const auto& id : restart) list.emplace_back(id.connector, id.task);
          return list;
        }());
        for (const auto& id : restart) start_owned_task(id, snapshot);
      }
      break;
    }
    case cs::ConfigChangeKind::kTargetState: {
      cs::ConfigSnapshot snapshot = config_.snapshot();
      const cs::ConnectorView* v = snapshot.find(name);
      if (v == nullptr) break;
      if (v->target_state == cs::TargetState::kStopped) {
        if (owned_connectors_.count(name) != 0) start_owned_connector(name);
      } else if (owned_connectors_.count(name) != 0 && !worker_.has_instance(name)) {
        start_owned_connector(name);
      } else {
        worker_.set_paused(name, v->target_state == cs::TargetState::kPaused);
      }
      break;
    }
    case cs::ConfigChangeKind::kRestartRequest: {
      if (!change.restart) break;
      const cs::RestartRequest& req = *change.restart;
      auto connector_status = statuses_.connector_status(name);
      const bool connector_failed =
          connector_status && connector_status->state == cs::RunState::kFailed;
      if (owned_connectors_.count(name) != 0 && (!req.only_failed || connector_failed)) {
        SLUICE_LOG(kInfo, "herder", "connector " + name + ": restart requested");
        start_owned_connector(name);
      }
      if (req.include_tasks) {
        cs::ConfigSnapshot snapshot = config_.snapshot();
        std::vector<TaskId> restart;
        for (const auto& id : owned_tasks_) {
          if (id.connector != name) continue;
          auto task_status = statuses_.task_status(name, id.task);
          if (req.only_failed && !(task_status && task_status->state == cs::RunState::kFailed)) {
            continue;
          }
          restart.push_back(id);
        }
        for (const auto& id : restart) {
          services_.status->put_task(name, id.task,
                                     {worker::RuntimeState::kRestarting, services_.worker_id, ""});
          start_owned_task(id, snapshot);  // Worker::start_task stops the old runner first
        }
      }
      break;
    }
    default:
      break;
  }
  leader_check_work();
}

void DistributedHerder::leader_check_work() {
  if (!is_leader_ || rebalancing_ || !member_) return;
  auto desired = desired_work(config_.snapshot());
  if (desired != assigned_work_) {
    assigned_work_ = desired;  // one rebalance for every change seen so far
    member_->request_rejoin("connectors or tasks changed");
  }
}

void DistributedHerder::task_reconfiguration_requested(const std::string& name) {
  reconfigure_tasks(name);
}

// ---------------------------------------------------------------------------------------------
// running work here

Result<const plugin::PluginInfo*> DistributedHerder::plugin_of(const config::Props& config) const {
  return validator_.connector_plugin(config);
}

void DistributedHerder::start_owned_connector(const std::string& name) {
  cs::ConfigSnapshot snapshot = config_.snapshot();
  const cs::ConnectorView* view = snapshot.find(name);
  if (view == nullptr) return;
  started_connector_configs_[name] = view->config;
  auto plugin = plugin_of(view->config);
  if (!plugin.is_ok()) {
    worker_.stop_connector(name);
    services_.status->put_connector(name, {worker::RuntimeState::kFailed, services_.worker_id,
                                           "connector " + name + " cannot start on this worker: " +
                                               std::string(plugin.status().message())});
    return;
  }
  config::Props resolved = view->config;
  Status resolving = config::resolve_providers(&resolved, "connector " + name, nullptr);
  if (!resolving.is_ok()) {
    worker_.stop_connector(name);
    services_.status->put_connector(
        name, {worker::RuntimeState::kFailed, services_.worker_id, resolving.to_string()});
    return;
  }
  const worker::TargetState target = worker_target(view->target_state);
  Status started = worker_.start_connector(name, *plugin.value(), std::move(resolved), target);
  if (!started.is_ok() || target == worker::TargetState::kStopped) return;
  reconfigure_tasks(name);
}

void DistributedHerder::reconfigure_tasks(const std::string& name) {
  if (owned_connectors_.count(name) == 0 || !worker_.has_instance(name)) return;
  cs::ConfigSnapshot snapshot = config_.snapshot();
  const cs::ConnectorView* view = snapshot.find(name);
  if (view == nullptr || view->target_state == cs::TargetState::kStopped) return;
  auto configs = worker_.connector_task_configs(name);
  if (!configs.is_ok()) return;  // the Worker made the connector FAILED
  if (view->task_count && !view->inconsistent && view->tasks == configs.value()) return;
  Status sent = Status::failed_precondition("no leader known (rebalance in progress)");
  if (is_leader_ && !rebalancing_) {
    sent = write_task_configs(name, configs.value());
  } else if (!leader_url_.empty() && send_task_configs_) {
    sent = send_task_configs_(leader_url_, name, configs.value());
  }
  if (!sent.is_ok()) {
    SLUICE_LOG(
        kWarn, "herder",
        "connector " + name + ": task configs not stored yet (" + sent.to_string() + "); retrying");
    unsent_task_configs_.insert(name);
    return;
  }
  SLUICE_LOG(
      kInfo, "herder",
      "connector " + name + ": " + std::to_string(configs.value().size()) + " task configs stored");
}

void DistributedHerder::start_owned_task(const TaskId& id, const cs::ConfigSnapshot& snapshot) {
  const cs::ConnectorView* view = snapshot.find(id.connector);
  if (view == nullptr || static_cast<size_t>(id.task) >= view->tasks.size()) {
    SLUICE_LOG(
        kWarn, "herder",
        "task " + assignment::to_string(id) + " assigned without a committed config; not started");
    return;
  }
  auto plugin = plugin_of(view->config);
  config::Props resolved = view->config;
  Status resolving = config::resolve_providers(&resolved, "connector " + id.connector, nullptr);
  if (!plugin.is_ok() || !resolving.is_ok()) {
    services_.status->put_task(id.connector, id.task,
                               {worker::RuntimeState::kFailed, services_.worker_id,
                                (!plugin.is_ok() ? plugin.status() : resolving).to_string()});
    return;
  }
  worker::TaskSpec spec;
  spec.connector = id.connector;
  spec.task = id.task;
  spec.plugin = plugin.value();
  spec.connector_config = std::move(resolved);
  spec.task_config = view->tasks[static_cast<size_t>(id.task)];
  spec.paused = view->target_state == cs::TargetState::kPaused;
  started_task_configs_[id] = spec.task_config;
  worker_.start_task(std::move(spec));
}

void DistributedHerder::stop_owned_tasks(const std::vector<TaskId>& ids) {
  std::vector<std::pair<std::string, int>> list;
  for (const auto& id : ids) {
    if (owned_tasks_.erase(id) == 0) continue;
    started_task_configs_.erase(id);
    list.emplace_back(id.connector, id.task);
  }
  if (list.empty()) return;
  worker_.stop_tasks(list);
  // Connect's convention: a task that stopped here and runs nowhere yet is UNASSIGNED (written
  // only while no newer owner has written).
  for (const auto& [connector, task] : list) {
    services_.status->put_task(connector, task,
                               {worker::RuntimeState::kUnassigned, services_.worker_id, ""});
  }
}

void DistributedHerder::stop_owned_connector(const std::string& name) {
  owned_connectors_.erase(name);
  started_connector_configs_.erase(name);
  unsent_task_configs_.erase(name);
  worker_.stop_connector(name);
  services_.status->put_connector(name,
                                  {worker::RuntimeState::kUnassigned, services_.worker_id, ""});
}

void DistributedHerder::publish_tombstones(const std::string& connector,
                                           const std::vector<int>& tasks) {
  std::vector<std::string> keys;
  for (int task : tasks) keys.push_back(cs::task_status_key(connector, task));
  keys.push_back(cs::connector_status_key(connector));
  for (const auto& key : keys) {
    Status sent = status_topic_->send(key, std::nullopt, nullptr);
    if (!sent.is_ok()) SLUICE_LOG(kWarn, "herder", "status " + key + ": " + sent.to_string());
  }
  services_.status->remove_connector(connector);
}

// ---------------------------------------------------------------------------------------------
// leader writes

Status DistributedHerder::require_leader() const {
  if (rebalancing_) {
    return Status::failed_precondition(
        "Cannot complete the request: a rebalance of the worker group is in progress; retry");
  }
  if (!is_leader_) {
    return Status::failed_precondition(
        "Cannot complete the request: this worker is not the "
        "leader (the leader is " +
        (leader_url_.empty() ? std::string("unknown") : leader_url_) + ")");
  }
  return Status::ok();
}

Status DistributedHerder::write_config(const std::vector<cs::KeyValue>& records) {
  struct Acks {
    std::mutex mu;
    size_t acked = 0;
    Status first_error = Status::ok();
  };
  auto acks = std::make_shared<Acks>();
  for (const auto& record : records) {
    std::optional<std::string_view> value;
    if (record.value) value = *record.value;
    SLUICE_RETURN_IF_ERROR(
        config_topic_->send(record.key, value, [acks](const Status& s, int32_t, int64_t) {
          std::lock_guard lock(acks->mu);
          ++acks->acked;
          if (!s.is_ok() && acks->first_error.is_ok()) acks->first_error = s;
        }));
  }
  SLUICE_RETURN_IF_ERROR(config_topic_->flush(kWriteTimeoutMs));
  {
    std::lock_guard lock(acks->mu);
    if (!acks->first_error.is_ok()) return acks->first_error.with_context("config topic");
    if (acks->acked < records.size()) {
      return Status::unavailable("config topic: records not acknowledged in time");
    }
  }
  return config_topic_->read_to_end(kWriteTimeoutMs);
}

Status DistributedHerder::write_task_configs(const std::string& connector,
                                             const std::vector<config::Props>& configs) {
  auto snapshot = config_.snapshot();
  if (!snapshot.contains(connector)) return not_found(connector);
  auto records = cs::task_config_records(connector, configs);
  records.push_back({cs::tasks_commit_key(connector),
                     cs::encode_tasks_commit(static_cast<int32_t>(configs.size()))});
  return write_config(records);
}

Status DistributedHerder::put_task_configs(
    const std::string& connector, std::vector<std::map<std::string, std::string>> configs) {
  return jobs_.call_status([this, connector, configs = std::move(configs)] {
    SLUICE_RETURN_IF_ERROR(require_leader());
    return write_task_configs(connector, configs);
  });
}

config::Props DistributedHerder::masked(const cs::ConnectorView& view, const config::Props& props) {
  auto plugin = plugin_of(view.config);
  config::Props placeholders;
  for (const auto& [key, value] : view.config) {
    if (config::has_placeholder(value)) placeholders[key] = value;
  }
  if (!plugin.is_ok()) {
    config::Props hidden;
    for (const auto& [key, value] : props) hidden[key] = "[hidden]";
    return hidden;
  }
  return validator_.masked(*plugin.value(), props, placeholders);
}

Result<rest::ConnectorInfo> DistributedHerder::info_of(const std::string& name,
                                                       const cs::ConnectorView& view) {
  rest::ConnectorInfo info;
  info.name = name;
  info.config = masked(view, view.config);
  for (size_t i = 0; i < view.tasks.size(); ++i) {
    info.tasks.push_back({name, static_cast<int>(i)});
  }
  auto plugin = plugin_of(view.config);
  info.type = plugin.is_ok() ? worker::ConnectorValidator::type_of(*plugin.value()) : "unknown";
  return info;
}

rest::ConnectorStateInfo DistributedHerder::status_of(const std::string& name,
                                                      const cs::ConnectorView& view) const {
  rest::ConnectorStateInfo info;
  info.name = name;
  auto plugin = plugin_of(view.config);
  info.type = plugin.is_ok() ? worker::ConnectorValidator::type_of(*plugin.value()) : "unknown";
  auto connector = statuses_.connector_status(name);
  info.connector = connector ? state_info(*connector) : rest::StateInfo{"UNASSIGNED", "", {}};
  for (const auto& [id, status] : statuses_.task_statuses(name)) {
    if (static_cast<size_t>(id) >= view.tasks.size()) continue;  // a task of an older config
    rest::TaskStateInfo t;
    t.id = id;
    t.state = state_info(status);
    info.tasks.push_back(std::move(t));
  }
  return info;
}

Result<DistributedHerder::PutResult> DistributedHerder::put_locked(
    const std::string& name, config::Props config, std::optional<cs::TargetState> initial,
    bool create_only) {
  SLUICE_RETURN_IF_ERROR(require_leader());
  cs::ConfigSnapshot snapshot = config_.snapshot();
  const cs::ConnectorView* existing = snapshot.find(name);
  if (create_only && existing != nullptr) {
    return Status::already_exists("Connector " + name + " already exists");
  }
  config["name"] = name;
  auto plugin = validator_.connector_plugin(config);
  if (!plugin.is_ok()) return plugin.status();
  auto validation = validator_.for_create(*plugin.value(), config);
  if (!validation.is_ok()) return validation.status();
  if (existing != nullptr && existing->config == config) {
    auto info = info_of(name, *existing);
    if (!info.is_ok()) return info.status();
    return PutResult{std::move(info).value(), false};
  }
  std::vector<cs::KeyValue> records;
  if (existing == nullptr) {
    records =
        cs::connector_creation_records(name, config, initial.value_or(cs::TargetState::kStarted));
  } else {
    records.push_back({cs::connector_config_key(name), cs::encode_properties(config)});
  }
  SLUICE_RETURN_IF_ERROR(write_config(records));
  validator_.warn_unknown_keys(name, *plugin.value(), config);
  SLUICE_LOG(kInfo, "herder",
             std::string(existing == nullptr ? "created" : "reconfigured") + " connector " + name);
  snapshot = config_.snapshot();
  const cs::ConnectorView* view = snapshot.find(name);
  if (view == nullptr) return Status::internal("connector " + name + " not found after writing it");
  auto info = info_of(name, *view);
  if (!info.is_ok()) return info.status();
  return PutResult{std::move(info).value(), existing == nullptr};
}

// ---------------------------------------------------------------------------------------------
// rest::ClusterRouting

rest::RouteDecision DistributedHerder::route_to_leader() {
  std::lock_guard lock(routing_mutex_);
  if (!routing_.assigned) {
    return {rest::RouteDecision::Kind::kConflict, "",
            "Cannot complete the request: a rebalance of the worker group is in progress; "
            "retry"};
  }
  if (routing_.is_leader) return {};
  return {rest::RouteDecision::Kind::kForward, routing_.leader_url, ""};
}

rest::RouteDecision DistributedHerder::route_to_task_owner(const std::string& connector, int task) {
  auto status = statuses_.task_status(connector, task);
  if (!status || status->worker_id.empty() || status->worker_id == services_.worker_id ||
      status->state == cs::RunState::kUnassigned) {
    return {};
  }
  return {rest::RouteDecision::Kind::kForward, "http://" + status->worker_id, ""};
}

std::optional<rest::SessionKeyInfo> DistributedHerder::session_key() {
  auto key = config_.snapshot().session_key;
  if (!key) return std::nullopt;
  return rest::SessionKeyInfo{key->key, key->algorithm};
}

std::string DistributedHerder::signature_algorithm() {
  return services_.config->get_string("inter.worker.signature.algorithm");
}

std::vector<std::string> DistributedHerder::verification_algorithms() {
  return services_.config->get_list("inter.worker.verification.algorithms");
}

// ---------------------------------------------------------------------------------------------
// rest::HerderApi

std::vector<std::string> DistributedHerder::connector_names() {
  std::vector<std::string> names;
  for (const auto& [name, view] : config_.snapshot().connectors) names.push_back(name);
  return names;
}

Result<rest::ConnectorInfo> DistributedHerder::create_connector(
    const std::string& name, std::map<std::string, std::string> config,
    std::optional<std::string> initial_state) {
  std::optional<cs::TargetState> initial;
  if (initial_state) {
    if (*initial_state == "RUNNING") {
      initial = cs::TargetState::kStarted;
    } else if (*initial_state == "PAUSED") {
      initial = cs::TargetState::kPaused;
    } else if (*initial_state == "STOPPED") {
      initial = cs::TargetState::kStopped;
    } else {
      return Status::invalid_argument("Invalid initial state: " + *initial_state);
    }
  }
  auto put = jobs_.call<PutResult>([this, name, config = std::move(config), initial]() mutable {
    return put_locked(name, std::move(config), initial, true);
  });
  if (!put.is_ok()) return put.status();
  return std::move(put).value().info;
}

Result<rest::ConnectorInfo> DistributedHerder::connector_info(const std::string& name) {
  return jobs_.call<rest::ConnectorInfo>([this, name]() -> Result<rest::ConnectorInfo> {
    auto snapshot = config_.snapshot();
    const cs::ConnectorView* view = snapshot.find(name);
    if (view == nullptr) return not_found(name);
    return info_of(name, *view);
  });
}

Result<std::map<std::string, std::string>> DistributedHerder::connector_config(
    const std::string& name) {
  return jobs_.call<config::Props>([this, name]() -> Result<config::Props> {
    auto snapshot = config_.snapshot();
    const cs::ConnectorView* view = snapshot.find(name);
    if (view == nullptr) return not_found(name);
    return masked(*view, view->config);
  });
}

Result<DistributedHerder::PutResult> DistributedHerder::put_connector_config(
    const std::string& name, std::map<std::string, std::string> config) {
  return jobs_.call<PutResult>([this, name, config = std::move(config)]() mutable {
    return put_locked(name, std::move(config), std::nullopt, false);
  });
}

Result<rest::ConnectorInfo> DistributedHerder::patch_connector_config(
    const std::string& name, std::map<std::string, std::optional<std::string>> patch) {
  auto put = jobs_.call<PutResult>([this, name, patch = std::move(patch)]() -> Result<PutResult> {
    auto snapshot = config_.snapshot();
    const cs::ConnectorView* view = snapshot.find(name);
    if (view == nullptr) return not_found(name);
    config::Props merged = view->config;
    for (const auto& [key, value] : patch) {
      if (value) {
        merged[key] = *value;
      } else {
        merged.erase(key);
      }
    }
    return put_locked(name, std::move(merged), std::nullopt, false);
  });
  if (!put.is_ok()) return put.status();
  return std::move(put).value().info;
}

Result<rest::ConnectorStateInfo> DistributedHerder::connector_status(const std::string& name) {
  return jobs_.call<rest::ConnectorStateInfo>([this, name]() -> Result<rest::ConnectorStateInfo> {
    auto snapshot = config_.snapshot();
    const cs::ConnectorView* view = snapshot.find(name);
    if (view == nullptr) return not_found(name);
    return status_of(name, *view);
  });
}

Result<std::vector<rest::TaskConfigInfo>> DistributedHerder::task_configs(const std::string& name) {
  return jobs_.call<std::vector<rest::TaskConfigInfo>>(
      [this, name]() -> Result<std::vector<rest::TaskConfigInfo>> {
        auto snapshot = config_.snapshot();
        const cs::ConnectorView* view = snapshot.find(name);
        if (view == nullptr) return not_found(name);
        std::vector<rest::TaskConfigInfo> result;
        for (size_t i = 0; i < view->tasks.size(); ++i) {
          result.push_back({{name, static_cast<int>(i)}, masked(*view, view->tasks[i])});
        }
        return result;
      });
}

Result<rest::TaskStateInfo> DistributedHerder::task_status(const std::string& name, int task) {
  auto snapshot = config_.snapshot();
  const cs::ConnectorView* view = snapshot.find(name);
  if (view == nullptr) return not_found(name);
  auto status = statuses_.task_status(name, task);
  if (!status || task < 0 || static_cast<size_t>(task) >= view->tasks.size()) {
    return task_not_found(name, task);
  }
  rest::TaskStateInfo info;
  info.id = task;
  info.state = state_info(*status);
  return info;
}

Status DistributedHerder::restart_task(const std::string& name, int task) {
  return jobs_.call_status([this, name, task]() -> Status {
    auto snapshot = config_.snapshot();
    const cs::ConnectorView* view = snapshot.find(name);
    if (view == nullptr) return not_found(name);
    if (task < 0 || static_cast<size_t>(task) >= view->tasks.size()) {
      return task_not_found(name, task);
    }
    TaskId id{name, task};
    if (owned_tasks_.count(id) == 0) {
      return Status::failed_precondition("Task " + assignment::to_string(id) +
                                         " does not run on this worker (" + url() +
                                         "); a rebalance may be in progress, retry");
    }
    start_owned_task(id, snapshot);  // Worker::start_task stops the old runner first
    return Status::ok();
  });
}

Result<std::optional<rest::ConnectorStateInfo>> DistributedHerder::restart_connector(
    const std::string& name, rest::RestartRequest req) {
  using Answer = std::optional<rest::ConnectorStateInfo>;
  return jobs_.call<Answer>([this, name, req]() -> Result<Answer> {
    SLUICE_RETURN_IF_ERROR(require_leader());
    auto snapshot = config_.snapshot();
    const cs::ConnectorView* view = snapshot.find(name);
    if (view == nullptr) return not_found(name);
    SLUICE_RETURN_IF_ERROR(
        write_config({{cs::restart_request_key(name),
                       cs::encode_restart_request(req.include_tasks, req.only_failed)}}));
    if (!req.include_tasks && !req.only_failed) return Answer{};
    rest::ConnectorStateInfo answer = status_of(name, *view);
    if (!req.only_failed || answer.connector.state == "FAILED") {
      answer.connector.state = "RESTARTING";
      answer.connector.trace.reset();
    }
    for (auto& task : answer.tasks) {
      if (req.include_tasks && (!req.only_failed || task.state.state == "FAILED")) {
        task.state.state = "RESTARTING";
        task.state.trace.reset();
      }
    }
    return Answer{std::move(answer)};
  });
}

Status DistributedHerder::pause_connector(const std::string& name) {
  return jobs_.call_status([this, name]() -> Status {
    SLUICE_RETURN_IF_ERROR(require_leader());
    auto snapshot = config_.snapshot();
    const cs::ConnectorView* view = snapshot.find(name);
    if (view == nullptr) return not_found(name);
    if (view->target_state == cs::TargetState::kStopped) return Status::ok();
    return write_config(
        {{cs::target_state_key(name), cs::encode_target_state(cs::TargetState::kPaused)}});
  });
}

Status DistributedHerder::resume_connector(const std::string& name) {
  return jobs_.call_status([this, name]() -> Status {
    SLUICE_RETURN_IF_ERROR(require_leader());
    auto snapshot = config_.snapshot();
    if (!snapshot.contains(name)) return not_found(name);
    return write_config(
        {{cs::target_state_key(name), cs::encode_target_state(cs::TargetState::kStarted)}});
  });
}

Status DistributedHerder::stop_connector(const std::string& name) {
  return jobs_.call_status([this, name]() -> Status {
    SLUICE_RETURN_IF_ERROR(require_leader());
    auto snapshot = config_.snapshot();
    if (!snapshot.contains(name)) return not_found(name);
    // The target state first, then an empty task set: the tasks are revoked everywhere.
    return write_config(
        {{cs::target_state_key(name), cs::encode_target_state(cs::TargetState::kStopped)},
         {cs::tasks_commit_key(name), cs::encode_tasks_commit(0)}});
  });
}

Status DistributedHerder::delete_connector(const std::string& name) {
  return jobs_.call_status([this, name]() -> Status {
    SLUICE_RETURN_IF_ERROR(require_leader());
    auto snapshot = config_.snapshot();
    if (!snapshot.contains(name)) return not_found(name);
    SLUICE_RETURN_IF_ERROR(write_config(cs::connector_deletion_records(name)));
    SLUICE_LOG(kInfo, "herder", "deleted connector " + name);
    return Status::ok();
  });
}

Result<std::vector<std::string>> DistributedHerder::active_topics(const std::string& name) {
  if (!services_.config->get_bool("topic.tracking.enable")) {
    return Status::unsupported("Topic tracking is disabled.");
  }
  if (!config_.snapshot().contains(name)) return not_found(name);
  std::vector<std::string> topics;
  for (const auto& topic : statuses_.active_topics(name)) topics.push_back(topic.topic);
  return topics;
}

Status DistributedHerder::reset_active_topics(const std::string& name) {
  if (!services_.config->get_bool("topic.tracking.enable")) {
    return Status::unsupported("Topic tracking is disabled.");
  }
  if (!services_.config->get_bool("topic.tracking.allow.reset")) {
    return Status::unsupported("Topic tracking reset is disabled.");
  }
  if (!config_.snapshot().contains(name)) return not_found(name);
  for (const auto& topic : statuses_.active_topics(name)) {
    SLUICE_RETURN_IF_ERROR(
        status_topic_->send(cs::topic_status_key(topic.topic, name), std::nullopt, nullptr));
  }
  SLUICE_RETURN_IF_ERROR(status_topic_->flush(kWriteTimeoutMs));
  services_.active_topics->reset(name);
  return status_topic_->read_to_end(kWriteTimeoutMs);
}

Result<std::vector<rest::OffsetInfo>> DistributedHerder::connector_offsets(
    const std::string& name) {
  auto snapshot = config_.snapshot();
  const cs::ConnectorView* view = snapshot.find(name);
  if (view == nullptr) return not_found(name);
  auto plugin = jobs_.call<const plugin::PluginInfo*>(
      [this, config = view->config] { return plugin_of(config); });
  if (!plugin.is_ok()) return plugin.status();
  return worker::list_connector_offsets(services_, name,
                                        plugin.value()->kind == plugin::PluginKind::kSource);
}

Result<bool> DistributedHerder::stopped_connector_is_source(const std::string& name) {
  SLUICE_RETURN_IF_ERROR(require_leader());
  auto snapshot = config_.snapshot();
  const cs::ConnectorView* view = snapshot.find(name);
  if (view == nullptr) return not_found(name);
  if (view->target_state != cs::TargetState::kStopped) return worker::offsets_need_stopped(name);
  auto plugin = plugin_of(view->config);
  if (!plugin.is_ok()) return plugin.status();
  return plugin.value()->kind == plugin::PluginKind::kSource;
}

Result<std::string> DistributedHerder::alter_connector_offsets(
    const std::string& name, std::vector<rest::OffsetInfo> offsets) {
  return jobs_.call<std::string>(
      [this, name, offsets = std::move(offsets)]() -> Result<std::string> {
        auto is_source = stopped_connector_is_source(name);
        if (!is_source.is_ok()) return is_source.status();
        return worker::alter_connector_offsets(services_, name, is_source.value(), offsets);
      });
}

Result<std::string> DistributedHerder::reset_connector_offsets(const std::string& name) {
  return jobs_.call<std::string>([this, name]() -> Result<std::string> {
    auto is_source = stopped_connector_is_source(name);
    if (!is_source.is_ok()) return is_source.status();
    return worker::reset_connector_offsets(services_, name, is_source.value());
  });
}

std::vector<rest::PluginListing> DistributedHerder::connector_plugins(bool connectors_only) {
  return validator_.plugin_listing(connectors_only);
}

Result<nlohmann::json> DistributedHerder::plugin_config_definitions(const std::string& plugin) {
  return jobs_.call<nlohmann::json>(
      [this, plugin] { return validator_.config_definitions(plugin); });
}

Result<nlohmann::json> DistributedHerder::validate_connector_config(
    const std::string& plugin, std::map<std::string, std::string> config) {
  return jobs_.call<nlohmann::json>([this, plugin, config = std::move(config)] {
    return validator_.validate_to_json(plugin, config);
  });
}

std::vector<rest::RefusedPluginInfo> DistributedHerder::refused_plugins() {
  return validator_.refused_plugins();
}

}  // namespace sluice::distributed
