// WorkerServices: the worker-wide objects a herder and its task runners share (configuration,
// plugin registry, stores, status, admin client, active-topic tracking). Every pointer is borrowed:
// main owns the objects and keeps them alive until every task thread has been joined or abandoned.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "runtime/config/worker_config.h"

namespace sluice::plugin {
class PluginRegistry;
}
namespace sluice::storage {
class SourceOffsets;
class FileConnectorStore;
}  // namespace sluice::storage
namespace sluice::kafka_client {
class Admin;
}

namespace sluice::worker {

class StatusStore;

// Topics each connector produced to or consumed from since its last reset (KIP-558). Thread-safe.
class ActiveTopics {
 public:
  // Told the first time a topic is recorded for a connector (distributed mode publishes it to
  // the status topic). Called without the lock held; set once before any task thread starts.
  using Observer = std::function<void(const std::string& connector, const std::string& topic)>;
  void set_observer(Observer observer) { observer_ = std::move(observer); }
  // Returns true the first time `topic` is recorded for `connector`.
  bool record(const std::string& connector, const std::string& topic);
  std::vector<std::string> topics(const std::string& connector) const;
  void reset(const std::string& connector);
  // Forgets one topic of a connector (another worker reset the connector's active topics): the
  // next record() of it counts as the first again.
  void forget(const std::string& connector, const std::string& topic);

 private:
  Observer observer_;
  mutable std::mutex mutex_;
  std::map<std::string, std::set<std::string>> topics_;
};

struct WorkerServices {
  const config::WorkerConfig* config = nullptr;
  plugin::PluginRegistry* plugins = nullptr;
  storage::SourceOffsets* offsets = nullptr;          // the offset file (standalone) or topic
  storage::FileConnectorStore* connectors = nullptr;  // may be null: connectors not persisted
  StatusStore* status = nullptr;
  kafka_client::Admin* admin = nullptr;
  ActiveTopics* active_topics = nullptr;
  std::string bootstrap_servers;  // what the clients connect to
  std::string worker_id;          // "host:port" of the REST listener
};

}  // namespace sluice::worker
