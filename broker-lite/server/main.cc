// broker-lite: the Kafka-protocol broker bundled with Sluice, as a stand-alone process.
//   broker-lite --config FILE          run with a YAML config of Kafka broker property names
//   broker-lite --config-reference     print the configuration reference (markdown)
// SIGTERM and SIGINT stop it cleanly (every log synced, clean-shutdown marker written).
#include <asio/signal_set.hpp>

#include <cstdio>
#include <cstring>
#include <string>

#include "broker-lite/server/broker.h"
#include "broker-lite/util/logging.h"

namespace {

void usage(FILE* out) {
  std::fprintf(
      out,
      "usage: broker-lite --config FILE\n"
      "       broker-lite --config-reference\n"
      "Runs a single-node Kafka-protocol broker. FILE is YAML whose keys are Kafka broker\n"
      "property names (listeners, log.dirs, num.partitions, ...); see docs/broker-lite.md.\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--config" || arg == "-c") && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      config_path = arg.substr(9);
    } else if (arg == "--config-reference") {
      std::fputs(sluice::broker::broker_config_reference_markdown().c_str(), stdout);
      return 0;
    } else if (arg == "--help" || arg == "-h") {
      usage(stdout);
      return 0;
    } else {
      std::fprintf(stderr, "broker-lite: unknown argument '%s'\n", arg.c_str());
      usage(stderr);
      return 2;
    }
  }
  if (config_path.empty()) {
    usage(stderr);
    return 2;
  }
  auto config = sluice::broker::load_broker_config_file(config_path);
  if (!config) {
    std::fprintf(stderr, "broker-lite: %s\n", std::string(config.status().message()).c_str());
    return 2;
  }
  sluice::set_log_level(sluice::parse_log_level(config->log_level));
  sluice::broker::Broker broker(std::move(config).value());
  sluice::Status started = broker.start();
  if (!started) {
    std::fprintf(stderr, "broker-lite: cannot start: %s\n", started.to_string().c_str());
    return 1;
  }
  asio::signal_set signals(broker.io(), SIGTERM, SIGINT);
  signals.async_wait([&broker](const asio::error_code& ec, int sig) {
    if (ec) return;
    SLUICE_LOG(
        kInfo, "broker",
        std::string("received ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") + ", shutting down");
    broker.request_stop();
  });
  const std::string address =
      broker.advertised_host() + ":" + std::to_string(broker.advertised_port());
  std::printf(
      "broker-lite is running on %s (node %d, log.dirs %s)\n"
      "  list brokers and topics:  kcat -L -b %s\n"
      "  produce lines:            kcat -P -b %s -t demo\n"
      "  consume from the start:   kcat -C -b %s -t demo -o beginning\n"
      "Stop with Ctrl-C or SIGTERM.\n",
      address.c_str(), broker.node_id(), broker.config().log_dir.c_str(), address.c_str(),
      address.c_str(), address.c_str());
  std::fflush(stdout);
  broker.run();
  return 0;
}
