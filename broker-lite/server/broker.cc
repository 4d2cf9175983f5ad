// Broker: start-up, the network thread, dispatch and clean shutdown (see broker.h).
#include "broker-lite/server/broker.h"

#include <chrono>
#include <random>

#include "broker-lite/coordinator/group_coordinator.h"
#include "broker-lite/coordinator/producer_id_allocator.h"
#include "broker-lite/log/group_committer.h"
#include "broker-lite/protocol/crc32c.h"
#include "broker-lite/server/api_table.h"
#include "broker-lite/server/fetch_waiters.h"
#include "broker-lite/server/offsets_topic.h"
#include "broker-lite/server/topic_manager.h"
#include "broker-lite/util/logging.h"

namespace sluice::broker {
namespace {

constexpr auto kGroupTickInterval = std::chrono::milliseconds(100);
constexpr char kClusterIdFile[] = "cluster.id";

}  // namespace

Broker::Broker(BrokerConfig config) : Broker(std::move(config), nullptr) {
  owned_fs_ = std::make_unique<log::PosixFileSystem>();
  fs_ = owned_fs_.get();
}

Broker::Broker(BrokerConfig config, log::FileSystem* fs) : config_(std::move(config)), fs_(fs) {
  limits_.max_frame_bytes = config_.socket_request_max_bytes;
  limits_.idle_timeout_ms = config_.connections_max_idle_ms;
  dispatcher_ = [this](const RequestPtr& request, std::string& reason) {
    return dispatch(request, reason);
  };
}

Broker::~Broker() {
  if (committer_) committer_->stop();
}

int64_t Broker::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status Broker::load_or_create_cluster_id() {
  const std::string path = config_.log_dir + "/" + kClusterIdFile;
  if (fs_->exists(path)) {
    auto bytes = log::read_whole_file(*fs_, path);
    if (!bytes) return bytes.status().with_context("reading " + path);
    cluster_id_.assign(bytes->begin(), bytes->end());
    while (!cluster_id_.empty() && (cluster_id_.back() == '\n' || cluster_id_.back() == ' '))
      cluster_id_.pop_back();
    if (!cluster_id_.empty()) return Status::ok();
  }
  // 22 URL-safe base64 characters of 16 random bytes, like Kafka's cluster ids.
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::random_device rd;
  std::mt19937_64 rng(rd());
  cluster_id_.clear();
  for (int i = 0; i < 22; ++i) cluster_id_ += alphabet[rng() % 64];
  const std::string text = cluster_id_ + "\n";
  return log::write_file_atomically(
      *fs_, config_.log_dir, kClusterIdFile,
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

Status Broker::start() {
  const auto t0 = std::chrono::steady_clock::now();
  topics_ = std::make_unique<TopicManager>(*fs_, config_);
  SLUICE_RETURN_IF_ERROR(topics_->open_all(now_ms()));
  SLUICE_RETURN_IF_ERROR(load_or_create_cluster_id());
  committer_ = std::make_unique<log::GroupCommitter>(
      [this](std::function<void()> fn) { asio::post(io_, std::move(fn)); });
  topics_->set_partition_closing_hook([this](log::PartitionLog* log) { committer_->cancel(log); });
  fetch_waiters_ = std::make_unique<FetchWaiters>();
  offsets_topic_ =
      std::make_unique<OffsetsTopic>(*topics_, *committer_, config_.offsets_topic_num_partitions);
  SLUICE_RETURN_IF_ERROR(offsets_topic_->ensure_exists(now_ms()));
  coord::GroupCoordinatorConfig gc;
  gc.min_session_timeout_ms = config_.group_min_session_timeout_ms;
  gc.max_session_timeout_ms = config_.group_max_session_timeout_ms;
  gc.initial_rebalance_delay_ms = config_.group_initial_rebalance_delay_ms;
  gc.max_offset_metadata_bytes = config_.offset_metadata_max_bytes;
  groups_ = std::make_unique<coord::GroupCoordinator>(gc, offsets_topic_.get());
  SLUICE_RETURN_IF_ERROR(offsets_topic_->replay_into(*groups_, now_ms()));
  int64_t max_seen_producer = -1;
  for (Topic* t : topics_->all()) {
    for (auto& p : t->partitions)
      max_seen_producer = std::max(max_seen_producer, p->producers.max_producer_id());
  }
  auto ids = coord::ProducerIdAllocator::open(*fs_, config_.log_dir, max_seen_producer);
  if (!ids) return ids.status();
  producer_ids_ = std::move(ids).value();
  SLUICE_RETURN_IF_ERROR(bind_listeners());
  schedule_group_ticks();
  schedule_maintenance();
  started_ = true;
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  SLUICE_LOG(kInfo, "broker",
             "broker-lite node " + std::to_string(config_.node_id) + " started in " +
                 std::to_string(elapsed.count()) + " ms: " + std::to_string(topics_->all().size()) +
                 " topics, listening on " + advertised_host_ + ":" +
                 std::to_string(advertised_port_) +
                 (kafka::crc32c_hardware_accelerated() ? ", CRC-32C in hardware" : ""));
  return Status::ok();
}

Status Broker::bind_listeners() {
  for (const Listener& l : config_.listeners) {
    asio::error_code ec;
    auto address = asio::ip::make_address(l.host == "localhost" ? "127.0.0.1" : l.host, ec);
    if (ec) return Status::invalid_argument("listener host '" + l.host + "' is not an IP address");
    auto acceptor = std::make_unique<asio::ip::tcp::acceptor>(io_);
    asio::ip::tcp::endpoint endpoint(address, l.port);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::io_error("cannot listen on " + l.host + ":" + std::to_string(l.port) + ": " +
                              ec.message());
    }
    if (acceptors_.empty()) {
      bound_port_ = acceptor->local_endpoint().port();
      advertised_host_ = l.host == "0.0.0.0" ? "127.0.0.1" : l.host;
      advertised_port_ = bound_port_;
    }
    acceptors_.push_back(std::move(acceptor));
  }
  if (!config_.advertised_listeners.empty()) {
    advertised_host_ = config_.advertised_listeners[0].host;
    advertised_port_ = config_.advertised_listeners[0].port;
  }
  for (size_t i = 0; i < acceptors_.size(); ++i) accept_next(i);
  return Status::ok();
}

void Broker::accept_next(size_t listener_index) {
  acceptors_[listener_index]->async_accept(
      [this, listener_index](asio::error_code ec, asio::ip::tcp::socket socket) {
        if (ec) {
          if (ec != asio::error::operation_aborted && !stop_requested_) {
            SLUICE_LOG(kWarn, "broker", "accept failed: " + ec.message());
            accept_next(listener_index);
          }
          return;
        }
        if (static_cast<int32_t>(connections_.size()) >= config_.max_connections) {
          SLUICE_LOG(kWarn, "broker",
                     "refusing a connection: max.connections=" +
                         std::to_string(config_.max_connections) + " reached");
          asio::error_code ignored;
          socket.close(ignored);
        } else {
          const uint64_t id = next_connection_id_++;
          auto conn = std::make_shared<Connection>(
              std::move(socket), id, limits_, &dispatcher_,
              [this](uint64_t closed_id) { connections_.erase(closed_id); });
          connections_[id] = conn;
          conn->start();
        }
        accept_next(listener_index);
      });
}

bool Broker::dispatch(const RequestPtr& request, std::string& reason) {
  const int16_t key = request->header.request_api_key;
  const int16_t version = request->header.request_api_version;
  const ApiEntry* entry = find_api_entry(key);
  if (!entry) {
    reason = "unknown or unsupported API key " + std::to_string(key);
    return false;
  }
  if (version < entry->min_version || version > entry->max_version) {
    if (key != kafka::ApiVersionsRequest::kApiKey) {
      reason = "API key " + std::to_string(key) + " version " + std::to_string(version) +
               " is outside the advertised range " + std::to_string(entry->min_version) + ".." +
               std::to_string(entry->max_version);
      return false;
    }
    request->response_header_version = 0;
  } else {
    request->response_header_version = kafka::response_header_version(key, version);
  }
  entry->handler(*this, request);
  return true;
}

void Broker::schedule_group_ticks() {
  if (!group_timer_) group_timer_ = std::make_unique<asio::steady_timer>(io_);
  group_timer_->expires_after(kGroupTickInterval);
  group_timer_->async_wait([this](const asio::error_code& ec) {
    if (ec || stop_requested_) return;
    groups_->tick(now_ms());
    schedule_group_ticks();
  });
}

void Broker::schedule_maintenance() {
  if (!maintenance_timer_) maintenance_timer_ = std::make_unique<asio::steady_timer>(io_);
  maintenance_timer_->expires_after(
      std::chrono::milliseconds(config_.log_retention_check_interval_ms));
  maintenance_timer_->async_wait([this](const asio::error_code& ec) {
    if (ec || stop_requested_) return;
    topics_->run_maintenance(now_ms());
    schedule_maintenance();
  });
}

void Broker::run() {
  if (!started_) return;
  io_.run();
  shutdown();
}

void Broker::request_stop() {
  if (stop_requested_.exchange(true)) return;
  stop_network();
}

void Broker::request_crash_for_testing() {
  crash_requested_ = true;
  if (stop_requested_.exchange(true)) return;
  stop_network();
}

void Broker::stop_network() {
  asio::post(io_, [this]() {
    asio::error_code ec;
    for (auto& a : acceptors_) a->close(ec);
    if (group_timer_) group_timer_->cancel();
    if (maintenance_timer_) maintenance_timer_->cancel();
    auto conns = connections_;
    for (auto& [id, c] : conns) c->close("broker shutting down");
    io_.stop();
  });
}

void Broker::shutdown() {
  if (crash_requested_) {
    // Simulated crash: nothing more reaches the files (no final sync, no marker).
    if (committer_) committer_->stop();
    connections_.clear();
    SLUICE_LOG(kInfo, "broker", "broker-lite stopped without closing its logs (simulated crash)");
    return;
  }
  // Network thread stopped: no more appends. Drain the fsync thread, then close every log
  // (sync + recovery point) and write the clean-shutdown marker.
  if (committer_) committer_->stop();
  if (topics_) topics_->close_all();
  connections_.clear();
  SLUICE_LOG(kInfo, "broker", "broker-lite stopped cleanly");
}

}  // namespace sluice::broker
