// The worker key table (see worker_keys.h). Names, types and defaults follow Kafka Connect's
// worker configuration unless the doc says Sluice differs; the texts are Sluice's own.
#include "runtime/config/worker_keys.h"

#include "broker-lite/util/nearest_name.h"

namespace sluice::config {
namespace {

using T = ConfigType;
using M = WorkerMode;

constexpr const char* kJsonConverter = "org.apache.kafka.connect.json.JsonConverter";

constexpr WorkerKey kKeys[] = {
    // --- every mode ---
    {"bootstrap.servers", T::kList, nullptr, nullptr, M::kAll, true,
     "Kafka brokers (host:port, comma-separated) the worker's producers, consumers and admin "
     "client use. Unset or `embedded`: the worker runs broker-lite in its own process, "
     "configured by the `broker` map. (Kafka Connect defaults to localhost:9092.)"},
    {"listeners", T::kList, "http://127.0.0.1:8083", nullptr, M::kAll, true,
     "Where the REST API listens, as http://host:port. Loopback unless you say otherwise. (Kafka "
     "Connect's default binds every interface.)"},
    {"plugin.path", T::kList, nullptr, nullptr, M::kAll, true,
     "Comma-separated plugin shared libraries (.so) or directories searched for them (the "
     "directory and its immediate subdirectories)."},
    {"key.converter", T::kClass, kJsonConverter, nullptr, M::kAll, true,
     "Converter between record keys and bytes, for connectors that do not set their own. Settings "
     "for it go under `key.converter.`. (Kafka Connect requires this key; Sluice defaults to "
     "JsonConverter.)"},
    {"value.converter", T::kClass, kJsonConverter, nullptr, M::kAll, true,
     "Converter between record values and bytes, for connectors that do not set their own. "
     "Settings for it go under `value.converter.`."},
    {"header.converter", T::kClass, "org.apache.kafka.connect.storage.SimpleHeaderConverter",
     nullptr, M::kAll, false,
     "Converter between header values and bytes, for connectors that do not set their own. "
     "Accepted; this release does not apply a header converter yet."},
    {"offset.flush.interval.ms", T::kLong, "60000", nullptr, M::kAll, true,
     "How often each source task stores the offsets of the records the log has acknowledged."},
    {"offset.flush.timeout.ms", T::kLong, "5000", nullptr, M::kAll, true,
     "How long a flush (and the final flush at stop) waits for outstanding records to be "
     "acknowledged before it stores what it has."},
    {"task.shutdown.graceful.timeout.ms", T::kLong, "5000", nullptr, M::kAll, true,
     "How long stopping a task may take before the worker gives up on it."},
    {"topic.creation.enable", T::kBoolean, "true", nullptr, M::kAll, true,
     "Whether source connectors may create the topics they write to (with their "
     "`topic.creation.*` settings)."},
    {"topic.tracking.enable", T::kBoolean, "true", nullptr, M::kAll, true,
     "Whether the worker records which topics each connector uses (GET "
     "/connectors/{name}/topics)."},
    {"topic.tracking.allow.reset", T::kBoolean, "true", nullptr, M::kAll, true,
     "Whether PUT /connectors/{name}/topics/reset may clear that record."},
    {"client.id", T::kString, "", nullptr, M::kAll, false,
     "Client id the worker's Kafka clients send (prefix of per-task ids)."},
    {"client.dns.lookup", T::kString, "use_all_dns_ips",
     "use_all_dns_ips,resolve_canonical_bootstrap_servers_only", M::kAll, false,
     "How clients resolve broker host names."},
    {"security.protocol", T::kString, "PLAINTEXT", "PLAINTEXT,SSL,SASL_PLAINTEXT,SASL_SSL", M::kAll,
     false, "Protocol of the worker's own connections to the brokers."},
    {"config.providers", T::kList, "", nullptr, M::kAll, false,
     "Names of extra config providers. Sluice always offers `env` and `file`; other providers "
     "are not supported yet."},
    {"connector.client.config.override.policy", T::kString, "All", nullptr, M::kAll, false,
     "Which `producer.override.*`/`consumer.override.*`/`admin.override.*` settings connectors "
     "may use (None, Principal or All)."},
    {"plugin.discovery", T::kString, "hybrid_warn",
     "only_scan,hybrid_warn,hybrid_fail,service_load", M::kAll, false,
     "How Kafka Connect finds Java plugins. Sluice always scans plugin.path."},
    {"admin.listeners", T::kList, nullptr, nullptr, M::kAll, false,
     "Separate listeners for the /admin endpoints."},
    {"rest.advertised.host.name", T::kString, nullptr, nullptr, M::kAll, false,
     "Host name other workers use to reach this one."},
    {"rest.advertised.port", T::kInt, nullptr, nullptr, M::kAll, false,
     "Port other workers use to reach this one."},
    {"rest.advertised.listener", T::kString, nullptr, nullptr, M::kAll, false,
     "Protocol (http or https) other workers use to reach this one."},
    {"rest.extension.classes", T::kList, "", nullptr, M::kAll, false, "REST extensions to load."},
    {"access.control.allow.origin", T::kString, "", nullptr, M::kAll, false,
     "Value of the CORS Access-Control-Allow-Origin header; empty disables CORS."},
    {"access.control.allow.methods", T::kString, "", nullptr, M::kAll, false,
     "Methods allowed for CORS requests."},
    {"response.http.headers.config", T::kString, "", nullptr, M::kAll, false,
     "Extra headers added to every REST response."},
    {"metric.reporters", T::kList, "", nullptr, M::kAll, false, "Metrics reporter classes."},
    {"metrics.sample.window.ms", T::kLong, "30000", nullptr, M::kAll, false,
     "Window of one metrics sample."},
    {"metrics.num.samples", T::kInt, "2", nullptr, M::kAll, false,
     "Number of samples metrics are computed over."},
    {"metrics.recording.level", T::kString, "INFO", "INFO,DEBUG,TRACE", M::kAll, false,
     "Highest level of metrics recorded."},
    // --- standalone ---
    {"offset.storage.file.filename", T::kString, nullptr, nullptr, M::kStandalone, true,
     "File holding the source connectors' offsets; required in standalone mode. Rewritten "
     "atomically on every flush."},
    {"config.storage.file.filename", T::kString, nullptr, nullptr, M::kStandalone, true,
     "File holding the connectors created over REST so they come back after a restart. Default: "
     "the offset file's path followed by `.connectors.json`. (Sluice only.)"},
    // --- distributed (read by a later release; accepted now) ---
    {"group.id", T::kString, "connect-cluster", nullptr, M::kDistributed, false,
     "Name of the cluster of workers this worker joins."},
    {"session.timeout.ms", T::kInt, "10000", nullptr, M::kDistributed, false,
     "A worker that is silent this long leaves the group."},
    {"heartbeat.interval.ms", T::kInt, "3000", nullptr, M::kDistributed, false,
     "How often a worker tells the group it is alive."},
    {"rebalance.timeout.ms", T::kInt, "60000", nullptr, M::kDistributed, false,
     "How long a worker may take to rejoin during a rebalance."},
    {"worker.sync.timeout.ms", T::kInt, "3000", nullptr, M::kDistributed, false,
     "How long a worker waits to catch up with the config topic before leaving the group."},
    {"worker.unsync.backoff.ms", T::kInt, "300000", nullptr, M::kDistributed, false,
     "How long a worker that could not catch up waits before rejoining."},
    {"config.storage.topic", T::kString, "connect-configs", nullptr, M::kDistributed, false,
     "Topic holding connector configurations."},
    {"config.storage.replication.factor", T::kInt, "3", nullptr, M::kDistributed, false,
     "Replication factor of the config topic when the worker creates it (-1: broker default)."},
    {"offset.storage.topic", T::kString, "connect-offsets", nullptr, M::kDistributed, false,
     "Topic holding source offsets."},
    {"offset.storage.partitions", T::kInt, "25", nullptr, M::kDistributed, false,
     "Partitions of the offsets topic when the worker creates it (-1: broker default)."},
    {"offset.storage.replication.factor", T::kInt, "3", nullptr, M::kDistributed, false,
     "Replication factor of the offsets topic when the worker creates it."},
    {"status.storage.topic", T::kString, "connect-status", nullptr, M::kDistributed, false,
     "Topic holding connector and task states."},
    {"status.storage.partitions", T::kInt, "5", nullptr, M::kDistributed, false,
     "Partitions of the status topic when the worker creates it."},
    {"status.storage.replication.factor", T::kInt, "3", nullptr, M::kDistributed, false,
     "Replication factor of the status topic when the worker creates it."},
    {"connect.protocol", T::kString, "sessioned", "eager,compatible,sessioned", M::kDistributed,
     false, "Rebalance protocol between workers."},
    {"scheduled.rebalance.max.delay.ms", T::kInt, "300000", nullptr, M::kDistributed, false,
     "How long the tasks of a departed worker wait for it before they are reassigned."},
    {"exactly.once.source.support", T::kString, "disabled", "disabled,enabled,preparing",
     M::kDistributed, false, "Exactly-once delivery for source connectors."},
    {"inter.worker.key.generation.algorithm", T::kString, "HmacSHA256", nullptr, M::kDistributed,
     false, "Algorithm of the key that signs requests between workers."},
    {"inter.worker.key.size", T::kInt, nullptr, nullptr, M::kDistributed, false,
     "Size in bits of that key (unset: the algorithm's default)."},
    {"inter.worker.key.ttl.ms", T::kInt, "3600000", nullptr, M::kDistributed, false,
     "How long that key is used before a new one is made."},
    {"inter.worker.signature.algorithm", T::kString, "HmacSHA256", nullptr, M::kDistributed, false,
     "Algorithm that signs requests between workers."},
    {"inter.worker.verification.algorithms", T::kList, "HmacSHA256", nullptr, M::kDistributed,
     false, "Algorithms accepted when checking those signatures."},
};

constexpr WorkerKeyPrefix kPrefixes[] = {
    {"producer.",
     "Settings of the source tasks' producers (librdkafka names; Kafka's names where "
     "they agree), applied after the worker's own."},
    {"consumer.", "Settings of the sink tasks' consumers, applied after the worker's own."},
    {"admin.", "Settings of the admin client that creates topics."},
    {"key.converter.",
     "Settings of the worker's key converter, e.g. `key.converter.schemas.enable`."},
    {"value.converter.", "Settings of the worker's value converter."},
    {"header.converter.", "Settings of the worker's header converter."},
    {"config.providers.", "Classes and parameters of extra config providers (accepted, not used)."},
    {"listeners.https.", "TLS settings of an https REST listener (accepted, not used yet)."},
    {"admin.listeners.https.", "TLS settings of an https admin listener (accepted, not used yet)."},
    {"ssl.", "TLS settings (accepted for compatibility, not used yet)."},
    {"sasl.", "SASL settings (accepted for compatibility, not used yet)."},
    {"metrics.context.", "Labels added to metrics (accepted, not used)."},
};

// Not in the table: a map rather than a value (see WorkerConfig::broker).
constexpr const char* kEmbeddedBrokerKey = "broker";

}  // namespace

std::span<const WorkerKey> worker_keys() {
  return kKeys;
}
std::span<const WorkerKeyPrefix> worker_key_prefixes() {
  return kPrefixes;
}

const WorkerKey* find_worker_key(std::string_view name) {
  for (const auto& k : kKeys) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

const WorkerKeyPrefix* find_worker_prefix(std::string_view name) {
  const WorkerKeyPrefix* best = nullptr;
  for (const auto& p : kPrefixes) {
    std::string_view prefix = p.prefix;
    if (name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix &&
        (best == nullptr || prefix.size() > std::string_view(best->prefix).size())) {
      best = &p;
    }
  }
  return best;
}

std::string nearest_worker_key(std::string_view unknown) {
  std::vector<std::string> candidates;
  for (const auto& k : kKeys) candidates.emplace_back(k.name);
  candidates.emplace_back(kEmbeddedBrokerKey);
  // For every way of cutting the key after a '.', try each family with the rest.
  for (size_t dot = unknown.find('.'); dot != std::string_view::npos;
       dot = unknown.find('.', dot + 1)) {
    std::string_view rest = unknown.substr(dot + 1);
    if (rest.empty()) break;
    for (const auto& p : kPrefixes) candidates.push_back(std::string(p.prefix) + std::string(rest));
    candidates.push_back(std::string(kEmbeddedBrokerKey) + "." + std::string(rest));
  }
  return nearest_name(unknown, candidates);
}

std::string worker_keys_markdown() {
  auto mode_name = [](WorkerMode m) {
    switch (m) {
      case WorkerMode::kAll:
        return "all";
      case WorkerMode::kStandalone:
        return "standalone";
      case WorkerMode::kDistributed:
        return "distributed";
    }
    return "all";
  };
  std::string md = "| key | type | default | mode | used | meaning |\n";
  md += "| --- | --- | --- | --- | --- | --- |\n";
  for (const auto& k : kKeys) {
    md += "| `" + std::string(k.name) + "` | " + std::string(config_type_name(k.type)) + " | ";
    if (k.default_value == nullptr) {
      md += "—";
    } else if (*k.default_value == '\0') {
      md += "\"\"";
    } else {
      md += "`" + std::string(k.default_value) + "`";
    }
    md += std::string(" | ") + mode_name(k.mode) + " | " + (k.used ? "yes" : "accepted") + " | " +
          k.doc;
    if (k.valid_values != nullptr) md += " One of: `" + std::string(k.valid_values) + "`.";
    md += " |\n";
  }
  md += "\n| prefix | meaning |\n| --- | --- |\n";
  for (const auto& p : kPrefixes) {
    md += "| `" + std::string(p.prefix) + "*` | " + p.doc + " |\n";
  }
  return md;
}

}  // namespace sluice::config
