// sluice: the worker executable.
//   sluice standalone WORKER.yaml [CONNECTOR.yaml ...]   run a standalone worker
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
#include "runtime/kafka/admin.h"
#include "runtime/kafka/conf.h"
#include "runtime/plugin/host.h"
#include "runtime/plugin/plugin_docs.h"
#include "runtime/plugin/plugin_registry.h"
#include "runtime/rest/rest_server.h"
#include "runtime/storage/connector_store.h"
#include "runtime/storage/offset_store.h"
#include "runtime/worker/herder.h"
#include "runtime/worker/status_store.h"

namespace {

constexpr const char* kVersion = SLUICE_VERSION;

int usage() {
  std::fprintf(stderr,
               "usage: sluice standalone WORKER.yaml [CONNECTOR.yaml ...]\n"
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

int run_standalone(int argc, char** argv) {
  if (argc < 3) return usage();
  // Signals are taken by sigwait on the main thread only: block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto loaded = sluice::config::load_worker_config(argv[2]);
  if (!loaded.is_ok()) return fail(std::string(loaded.status().message()));
  const sluice::config::WorkerConfig worker = std::move(loaded).value();
  if (sluice::Status ok = worker.check_standalone(); !ok.is_ok()) {
    return fail(std::string(ok.message()));
  }
  if (auto level = worker.props.find("log.level"); level != worker.props.end()) {
    sluice::set_log_level(sluice::parse_log_level(level->second));
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

  auto plugins = sluice::plugin::PluginRegistry::scan(split_list(worker.get_string("plugin.path")),
                                                      sluice::plugin::host_api());
  SLUICE_LOG(kInfo, "sluice",
             std::to_string(plugins->plugins().size()) + " plugins loaded, " +
                 std::to_string(plugins->refused().size()) + " refused");

  sluice::log::PosixFileSystem fs;
  auto offsets = sluice::storage::FileOffsetStore::open(
      worker.get_string("offset.storage.file.filename"), &fs);
  if (!offsets.is_ok()) return fail(std::string(offsets.status().message()));
  auto connector_store =
      sluice::storage::FileConnectorStore::open(worker.connector_store_file(), &fs);
  if (!connector_store.is_ok()) return fail(std::string(connector_store.status().message()));

  sluice::config::Props admin_props = worker.with_prefix("admin.");
  admin_props["bootstrap.servers"] = bootstrap;
  admin_props.try_emplace("client.id", "sluice-admin");
  auto admin = sluice::kafka_client::Admin::create(admin_props);
  if (!admin.is_ok()) return fail("admin client: " + std::string(admin.status().message()));

  sluice::worker::StatusStore status;
  sluice::worker::ActiveTopics active_topics;
  sluice::worker::WorkerServices services;
  services.config = &worker;
  services.plugins = plugins.get();
  services.offsets = offsets.value().get();
  services.connectors = connector_store.value().get();
  services.status = &status;
  services.admin = admin.value().get();
  services.active_topics = &active_topics;
  services.bootstrap_servers = bootstrap;

  sluice::worker::Herder herder(services);
  sluice::rest::RestServerOptions rest_options;
  rest_options.listeners = worker.get_string("listeners");
  rest_options.version = SLUICE_VERSION;
  rest_options.commit = SLUICE_COMMIT;
  sluice::rest::RestServer rest(&herder, rest_options);
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

  int received = 0;
  sigwait(&signals, &received);
  SLUICE_LOG(kInfo, "sluice", std::string("received ") + strsignal(received) + ", shutting down");
  // A second signal during shutdown exits at once.
  std::thread([signals]() mutable {
    int again = 0;
    sigwait(&signals, &again);
    std::_Exit(1);
  }).detach();
  rest.stop();
  herder.shutdown();
  admin.value().reset();
  broker.stop();
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
  if (command == "plugin-docs") return run_plugin_docs(argc, argv);
  return usage();
}
