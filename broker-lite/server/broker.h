// The broker: owns the network thread (one Asio io_context), the listeners and connections, the
// topic manager with every partition log, the group coordinator, the group-commit fsync thread
// and the maintenance timers. All broker state is touched only on the network thread; the fsync
// thread posts its completions back to it. Usable as a process (main.cc) or embedded in the
// worker (start(), run() on a thread of the embedder's, request_stop()).
#pragma once

#include <asio.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>

#include "broker-lite/server/broker_config.h"
#include "broker-lite/server/connection.h"
#include "broker-lite/util/status.h"

namespace sluice::coord {
class GroupCoordinator;
class ProducerIdAllocator;
}  // namespace sluice::coord

namespace sluice::log {
class FileSystem;
class GroupCommitter;
}  // namespace sluice::log

namespace sluice::broker {

class TopicManager;
class FetchWaiters;
class OffsetsTopic;

class Broker {
 public:
  // Runs on the operating system's file system.
  explicit Broker(BrokerConfig config);
  // Runs on `fs` (borrowed: must outlive the broker), e.g. a SimulatedPowerLossFileSystem in
  // tests.
  Broker(BrokerConfig config, log::FileSystem* fs);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Opens (and recovers) the logs, restores committed offsets and binds the listeners. After an
  // error nothing is left running.
  Status start();
  // Runs the network thread on the calling thread until request_stop(); then shuts down cleanly
  // (stops accepting, closes connections, syncs every log, writes the clean-shutdown marker).
  void run();
  // Thread-safe and async-signal-safe enough to call from a signal-watching thread.
  void request_stop();
  // For tests: like request_stop(), but run() then returns WITHOUT closing the logs or writing
  // the clean-shutdown marker: it only stops the sync thread (queued acks=all requests are never
  // answered). The files are left as a crash finds them; with a SimulatedPowerLossFileSystem,
  // call its crash() after run() returned to get what a power loss leaves.
  void request_crash_for_testing();

  // The port the first listener actually bound (useful with port 0).
  uint16_t bound_port() const { return bound_port_; }

  // --- for handlers (network thread only) ---
  asio::io_context& io() { return io_; }
  const BrokerConfig& config() const { return config_; }
  TopicManager& topics() { return *topics_; }
  coord::GroupCoordinator& groups() { return *groups_; }
  coord::ProducerIdAllocator& producer_ids() { return *producer_ids_; }
  FetchWaiters& fetch_waiters() { return *fetch_waiters_; }
  log::GroupCommitter& committer() { return *committer_; }
  OffsetsTopic& offsets_topic() { return *offsets_topic_; }
  int32_t node_id() const { return config_.node_id; }
  // The host and port clients are told to use (advertised.listeners or the bound listener).
  const std::string& advertised_host() const { return advertised_host_; }
  int32_t advertised_port() const { return advertised_port_; }
  const std::string& cluster_id() const { return cluster_id_; }
  int64_t now_ms() const;

 private:
  Status bind_listeners();
  void accept_next(size_t listener_index);
  bool dispatch(const RequestPtr& request, std::string& reason);
  void schedule_maintenance();
  void schedule_group_ticks();
  void stop_network();
  void shutdown();
  Status load_or_create_cluster_id();

  BrokerConfig config_;
  asio::io_context io_{1};
  std::vector<std::unique_ptr<asio::ip::tcp::acceptor>> acceptors_;
  std::unordered_map<uint64_t, std::shared_ptr<Connection>> connections_;
  uint64_t next_connection_id_ = 1;
  RequestDispatcher dispatcher_;
  ConnectionLimits limits_;
  std::unique_ptr<log::FileSystem> owned_fs_;  // null when the file system was injected
  log::FileSystem* fs_ = nullptr;
  std::unique_ptr<log::GroupCommitter> committer_;
  std::unique_ptr<TopicManager> topics_;
  std::unique_ptr<coord::GroupCoordinator> groups_;
  std::unique_ptr<coord::ProducerIdAllocator> producer_ids_;
  std::unique_ptr<FetchWaiters> fetch_waiters_;
  std::unique_ptr<OffsetsTopic> offsets_topic_;
  std::unique_ptr<asio::steady_timer> maintenance_timer_;
  std::unique_ptr<asio::steady_timer> group_timer_;
  std::string advertised_host_;
  int32_t advertised_port_ = 0;
  uint16_t bound_port_ = 0;
  std::string cluster_id_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> crash_requested_{false};
  bool started_ = false;
};

}  // namespace sluice::broker
