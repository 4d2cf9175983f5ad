// sluice: the worker executable.
//   sluice standalone WORKER.yaml [CONNECTOR.yaml ...]   run a standalone worker
//   sluice distributed WORKER.yaml                       run a worker of a cluster
//   sluice plugin-docs PLUGIN_PATH OUT_DIR               write one Markdown page per connector
//   sluice --version
// Start-up and shutdown order: docs/design/worker.md §6 and §7.
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "broker-lite/log/file_system.h"
#include "broker-lite/server/broker.h"
#include "broker-lite/server/broker_config.h"
#include "broker-lite/util/logging.h"
#include "runtime/config/connector_config.h"
#include "runtime/config/worker_config.h"
#include "runtime/distributed/distributed_herder.h"
#include "runtime/kafka/admin.h"
#include "runtime/kafka/conf.h"
#include "runtime/plugin/host.h"
#include "runtime/plugin/plugin_docs.h"
#include "runtime/plugin/plugin_registry.h"
#include "runtime/rest/rest_server.h"
#include "runtime/rest/worker_client.h"
#include "runtime/statelog/topic_offset_store.h"
#include "runtime/storage/connector_store.h"
#include "runtime/storage/offset_store.h"
#include "runtime/worker/herder.h"
#include "runtime/worker/status_store.h"

namespace {

constexpr const char* kVersion = SLUICE_VERSION;

int usage() {
  std::fprintf(stderr,
               "usage: sluice standalone WORKER.yaml [CONNECTOR.yaml ...]\n"
               "       sluice distributed WORKER.yaml\n"
               "       sluice plugin-docs PLUGIN_PATH OUT_DIR\n"
               "       sluice --version\n");
  return 2;
}

int fail(const std::string& message) {
  SLUICE_LOG(kError, "sluice", message);
  return 1;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t b = item.find_first_not_of(" \t");
    size_t e = item.find_last_not_of(" \t");
    if (b != std::string::npos) items.push_back(item.substr(b, e - b + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return items;
}

// The in-process broker of a worker without bootstrap.servers, and its network thread.
class EmbeddedBroker {
 public:
  sluice::Status start(const sluice::config::WorkerConfig& worker) {
    std::map<std::string, std::string> values(worker.broker.begin(), worker.broker.end());
    values.try_emplace("listeners", "PLAINTEXT://127.0.0.1:9092");
    values.try_emplace("log.dirs", "./data/broker");
    auto config = sluice::broker::broker_config_from_map(values, worker.source_file + ": broker");
    if (!config.is_ok()) return config.status();
    std::string host =
        config.value().listeners.empty() ? "127.0.0.1" : config.value().listeners[0].host;
    broker_ = std::make_unique<sluice::broker::Broker>(std::move(config).value());
    SLUICE_RETURN_IF_ERROR(broker_->start());
    if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
    bootstrap_ = host + ":" + std::to_string(broker_->bound_port());
    thread_ = std::thread([this] { broker_->run(); });
    return sluice::Status::ok();
  }
  const std::string& bootstrap() const { return bootstrap_; }
  void stop() {
    if (!broker_) return;
    broker_->request_stop();
    if (thread_.joinable()) thread_.join();
    broker_.reset();
  }
  ~EmbeddedBroker() { stop(); }

 private:
  std::unique_ptr<sluice::broker::Broker> broker_;
  std::thread thread_;
  std::string bootstrap_;
};

int run_plugin_docs(int argc, char** argv) {
  if (argc != 4) return usage();
  auto registry =
      sluice::plugin::PluginRegistry::scan(split_list(argv[2]), sluice::plugin::host_api());
  for (const auto* info : registry->plugins()) {
    if (info->kind != sluice::plugin::PluginKind::kSource &&
        info->kind != sluice::plugin::PluginKind::kSink) {
      continue;
    }
    std::string file_name = info->class_name.substr(info->class_name.rfind('.') + 1);
    std::string path = std::string(argv[3]) + "/" + file_name + ".md";
    std::ofstream out(path);
    out << sluice::plugin::render_connector_markdown(*info);
    if (!out) return fail("cannot write " + path);
    std::printf("wrote %s\n", path.c_str());
  }
  return registry->refused().empty() ? 0 : 1;
}

// Signals are taken by sigwait on the main thread only: block them before any thread starts.
sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return signals;
}

// Waits for SIGTERM/SIGINT; a second one during the shutdown that follows exits at once.
void wait_for_stop_signal(sigset_t signals) {
  int received = 0;
  sigwait(&signals, &received);
  SLUICE_LOG(kInfo, "sluice", std::string("received ") + strsignal(received) + ", shutting down");
  std::thread([signals]() mutable {
    int again = 0;
    sigwait(&signals, &again);
    std::_Exit(1);
  }).detach();
}

sluice::Result<sluice::config::WorkerConfig> load_worker(const char* path) {
  auto loaded = sluice::config::load_worker_config(path);
  if (!loaded.is_ok()) return loaded.status();
  if (auto level = loaded.value().props.find("log.level"); level != loaded.value().props.end()) {
    sluice::set_log_level(sluice::parse_log_level(level->second));
  }
  return loaded;
}

std::unique_ptr<sluice::plugin::PluginRegistry> scan_plugins(
    const sluice::config::WorkerConfig& worker) {
  auto plugins = sluice::plugin::PluginRegistry::scan(split_list(worker.get_string("plugin.path")),
                                                      sluice::plugin::host_api());
  SLUICE_LOG(kInfo, "sluice",
             std::to_string(plugins->plugins().size()) + " plugins loaded, " +
                 std::to_string(plugins->refused().size()) + " refused");
  return plugins;
}

sluice::Result<std::unique_ptr<sluice::kafka_client::Admin>> make_admin(
    const sluice::config::WorkerConfig& worker, const std::string& bootstrap) {
  sluice::config::Props admin_props = worker.with_prefix("admin.");
  admin_props["bootstrap.servers"] = bootstrap;
  admin_props.try_emplace("client.id", "sluice-admin");
  return sluice::kafka_client::Admin::create(admin_props);
}

// The worker-wide objects both modes hand to their herder; `services` points into this object
// and at the borrowed arguments, which must outlive it.
struct ServiceSet {
  ServiceSet(const sluice::config::WorkerConfig& worker, sluice::plugin::PluginRegistry* plugins,
             sluice::storage::SourceOffsets* offsets, sluice::kafka_client::Admin* admin,
             const std::string& bootstrap) {
    services.config = &worker;
    services.plugins = plugins;
    services.offsets = offsets;
    services.status = &status;
    services.admin = admin;
    services.active_topics = &active_topics;
    services.bootstrap_servers = bootstrap;
  }
  ServiceSet(const ServiceSet&) = delete;
  ServiceSet& operator=(const ServiceSet&) = delete;

  sluice::worker::StatusStore status;
  sluice::worker::ActiveTopics active_topics;
  sluice::worker::WorkerServices services;
};

// The "host:port" other workers reach this one at (its worker_id): the bound listener, with
// rest.advertised.host.name / rest.advertised.port replacing its parts when set.
std::string advertised_worker_id(const sluice::config::WorkerConfig& worker,
                                 const std::string& bound) {
  const size_t colon = bound.rfind(':');
  std::string host = bound.substr(0, colon);
  std::string port = colon == std::string::npos ? "" : bound.substr(colon + 1);
  if (std::string advertised = worker.get_string("rest.advertised.host.name");
      !advertised.empty()) {
    host = advertised;
  }
  if (auto advertised = worker.props.find("rest.advertised.port");
      advertised != worker.props.end() && !advertised->second.empty()) {
    port = advertised->second;
  }
  return host + ":" + port;
}

sluice::rest::RestServerOptions rest_options_of(const sluice::config::WorkerConfig& worker) {
  sluice::rest::RestServerOptions rest_options;
  rest_options.listeners = worker.get_string("listeners");
  rest_options.version = SLUICE_VERSION;
  rest_options.commit = SLUICE_COMMIT;
  return rest_options;
}

int run_standalone(int argc, char** argv) {
  if (argc < 3) return usage();
  sigset_t signals = block_stop_signals();
  auto loaded = load_worker(argv[2]);
  if (!loaded.is_ok()) return fail(std::string(loaded.status().message()));
  const sluice::config::WorkerConfig worker = std::move(loaded).value();
  if (sluice::Status ok = worker.check_standalone(); !ok.is_ok()) {
    return fail(std::string(ok.message()));
  }
  std::vector<sluice::config::ConnectorConfigFile> connector_files;
  for (int i = 3; i < argc; ++i) {
    auto file = sluice::config::load_connector_config(argv[i]);
    if (!file.is_ok()) return fail(std::string(file.status().message()));
    connector_files.push_back(std::move(file).value());
  }

  EmbeddedBroker broker;
  std::string bootstrap;
  if (worker.embedded_broker()) {
    sluice::Status started = broker.start(worker);
    if (!started.is_ok()) return fail("embedded broker: " + std::string(started.message()));
    bootstrap = broker.bootstrap();
    SLUICE_LOG(kInfo, "sluice", "embedded broker-lite serves " + bootstrap);
  } else {
    bootstrap = worker.get_string("bootstrap.servers");
  }

  auto plugins = scan_plugins(worker);

  sluice::log::PosixFileSystem fs;
  auto offsets = sluice::storage::FileOffsetStore::open(
      worker.get_string("offset.storage.file.filename"), &fs);
  if (!offsets.is_ok()) return fail(std::string(offsets.status().message()));
  auto connector_store =
      sluice::storage::FileConnectorStore::open(worker.connector_store_file(), &fs);
  if (!connector_store.is_ok()) return fail(std::string(connector_store.status().message()));

  auto admin = make_admin(worker, bootstrap);
  if (!admin.is_ok()) return fail("admin client: " + std::string(admin.status().message()));

  ServiceSet shared(worker, plugins.get(), offsets.value().get(), admin.value().get(), bootstrap);
  shared.services.connectors = connector_store.value().get();
  sluice::worker::Herder herder(shared.services);
  sluice::rest::RestServer rest(&herder, rest_options_of(worker));
  sluice::Status listening = rest.start();
  if (!listening.is_ok()) return fail(std::string(listening.message()));
  herder.set_worker_id(rest.worker_id());
  herder.start();
  SLUICE_LOG(kInfo, "sluice", "REST API on http://" + rest.worker_id());

  sluice::Status restored = herder.restore_stored_connectors();
  if (!restored.is_ok()) SLUICE_LOG(kError, "sluice", restored.to_string());
  // Like Kafka Connect's standalone mode, a connector given on the command line that cannot be
  // created stops the worker (after a clean shutdown of what did start).
  int exit_code = 0;
  for (size_t i = 0; i < connector_files.size(); ++i) {
    sluice::Status applied = herder.apply_connector_file(connector_files[i]);
    if (!applied.is_ok()) {
      SLUICE_LOG(kError, "sluice",
                 std::string(argv[3 + i]) + ": connector " + connector_files[i].name +
                     " cannot be created: " + std::string(applied.message()));
      exit_code = 1;
      break;
    }
  }
  if (exit_code != 0) {
    rest.stop();
    herder.shutdown();
    admin.value().reset();
    broker.stop();
    return exit_code;
  }
  herder.set_ready();
  SLUICE_LOG(kInfo, "sluice", "worker ready");

  wait_for_stop_signal(signals);
  rest.stop();
  herder.shutdown();
  admin.value().reset();
  broker.stop();
  SLUICE_LOG(kInfo, "sluice", "stopped");
  return 0;
}

// Distributed mode: docs/distributed.md. The state lives in the cluster's topics; the worker
// joins group.id and runs what the leader assigns to it.
int run_distributed(int argc, char** argv) {
  if (argc != 3) return usage();
  sigset_t signals = block_stop_signals();
  auto loaded = load_worker(argv[2]);
  if (!loaded.is_ok()) return fail(std::string(loaded.status().message()));
  const sluice::config::WorkerConfig worker = std::move(loaded).value();
  if (sluice::Status ok = worker.check_distributed(); !ok.is_ok()) {
    return fail(std::string(ok.message()));
  }
  const std::string bootstrap = worker.get_string("bootstrap.servers");
  auto plugins = scan_plugins(worker);

  // Clients of the state topics and the group: bootstrap.servers and the security settings.
  sluice::kafka_client::Props client_props;
  for (const auto& [key, value] : worker.props) {
    if (key == "bootstrap.servers" || key.starts_with("security.") || key.starts_with("ssl.") ||
        key.starts_with("sasl.")) {
      client_props[key] = value;
    }
  }
  sluice::statelog::TopicOffsetStoreOptions offset_options;
  offset_options.spec = sluice::statelog::offset_topic_spec(
      worker.get_string("offset.storage.topic"),
      static_cast<int32_t>(worker.get_long("offset.storage.partitions")),
      static_cast<int16_t>(worker.get_long("offset.storage.replication.factor")));
  offset_options.spec.config_key = "offset.storage.topic";
  offset_options.client_props = client_props;
  offset_options.write_timeout_ms = static_cast<int>(worker.get_long("offset.flush.timeout.ms"));
  auto offsets = sluice::statelog::TopicOffsetStore::open(offset_options);
  if (!offsets.is_ok()) return fail(std::string(offsets.status().message()));

  auto admin = make_admin(worker, bootstrap);
  if (!admin.is_ok()) return fail("admin client: " + std::string(admin.status().message()));

  ServiceSet shared(worker, plugins.get(), offsets.value().get(), admin.value().get(), bootstrap);

  sluice::distributed::DistributedHerder* herder_ptr = nullptr;
  sluice::distributed::DistributedHerder herder(
      shared.services, client_props,
      [&herder_ptr](const std::string& leader_url, const std::string& connector,
                    const std::vector<sluice::config::Props>& configs) -> sluice::Status {
        // Runs on the herder's control thread, after start(): herder_ptr is set. The timeout
        // stays below the group's fencing margin (the control thread also keeps the membership
        // alive); a configs send that times out is retried a second later and is a no-op when
        // the leader had stored it.
        auto key = herder_ptr->session_key();
        if (!key) return sluice::Status::unavailable("no session key published yet");
        return sluice::rest::WorkerClient().post_task_configs(
            leader_url, connector, configs, key->key, herder_ptr->signature_algorithm(),
            std::chrono::seconds(2));
      });
  herder_ptr = &herder;
  sluice::rest::RestServer rest(&herder, rest_options_of(worker), &herder);
  sluice::Status listening = rest.start();
  if (!listening.is_ok()) return fail(std::string(listening.message()));
  herder.set_worker_id(advertised_worker_id(worker, rest.worker_id()));
  sluice::Status started = herder.start();
  if (!started.is_ok()) {
    rest.stop();
    return fail(std::string(started.message()));
  }
  SLUICE_LOG(kInfo, "sluice",
             "REST API on " + herder.url() + ", group " + worker.get_string("group.id"));

  wait_for_stop_signal(signals);
  rest.stop();
  herder.shutdown();
  offsets.value()->stop();
  admin.value().reset();
  SLUICE_LOG(kInfo, "sluice", "stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  std::string command = argv[1];
  if (command == "--version" || command == "version") {
    std::printf("sluice %s\n", kVersion);
    return 0;
  }
  if (command == "standalone") return run_standalone(argc, argv);
  if (command == "distributed") return run_distributed(argc, argv);
  if (command == "plugin-docs") return run_plugin_docs(argc, argv);
  return usage();
}
