// broker_bench: produce or consume throughput of one librdkafka client against a Kafka-protocol
// broker (broker-lite, Apache Kafka) or librdkafka's in-process mock cluster. Prints exactly one
// JSON line on stdout (figures and verdict); diagnostics go to stderr. Exit status 0 only when
// every message was delivered (produce) or read back intact (consume).
//
//   broker_bench produce|consume (--bootstrap HOST:PORT | --mock) [options]   (see usage())
//
// Produce waits for the delivery report of every message and counts failures. Consume reads the
// topic from its first offset with manual assignment (no consumer group), checks the count and
// that offsets have no gaps, and with --verify also checks every payload and that no message is
// read twice. Payloads carry their sequence number in the first 8 bytes; the rest is a fixed
// pattern, so a consumer can check a payload without knowing the producer's run.
//
// In --mock mode the mock broker runs inside this process: consume first fills it (untimed) and
// then reads it back, and the mock thread's CPU is reported apart from the client's.
// librdkafka 2.0.2's mock keeps only ~5 MiB or 100k batches per partition and has no public knob
// to change that. --mock-retention full raises the two limits in place (see
// raise_mock_retention) and checks afterwards that nothing was dropped; it is the default for
// consume, which must read everything back. Produce defaults to the stock mock: keeping every
// batch would charge the mock with first-touch page faults for all the data (about 5x its CPU
// per 1 KiB message). When raising fails, the run says "mock_retention":"stock" and consume
// reads what the mock still holds.

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <unistd.h>

#include <dirent.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::bench {
namespace {

constexpr size_t kSeqBytes = 8;  // payload prefix holding the message's sequence number

struct Options {
  std::string mode;  // "produce" or "consume"
  std::string bootstrap;
  bool mock = false;
  std::string mock_retention = "auto";  // full | stock | auto (produce: stock, consume: full)
  std::string topic = "broker-bench";
  int64_t size = 1024;
  int64_t count = 200000;
  int64_t partitions = 1;
  std::string acks = "1";
  std::string compression = "none";
  int64_t linger_ms = 5;
  int64_t batch_size = -1;  // -1: librdkafka's default
  bool verify = false;
  bool no_create_topic = false;
  int64_t timeout_s = 120;      // produce: flush deadline; consume: overall deadline
  int64_t idle_timeout_s = 15;  // consume: give up after this long without a message
  std::string label;
  std::vector<std::pair<std::string, std::string>> extra;         // --set key=value
  std::vector<std::pair<std::string, std::string>> topic_config;  // --topic-config key=value
};

void usage() {
  std::fprintf(stderr,
               "usage: broker_bench produce|consume (--bootstrap HOST:PORT | --mock) [options]\n"
               "  --topic NAME          topic (default broker-bench)\n"
               "  --size BYTES          payload size (default 1024)\n"
               "  --count N             messages (default 200000)\n"
               "  --partitions N        partitions, produce round-robins per message (default 1)\n"
               "  --acks 0|1|all        producer acks (default 1)\n"
               "  --compression C       none|gzip|snappy|lz4|zstd (default none)\n"
               "  --linger-ms MS        producer linger.ms (default 5)\n"
               "  --batch-size BYTES    producer batch.size (default: librdkafka's)\n"
               "  --verify              consume: check every payload and duplicates\n"
               "  --no-create-topic     do not create the topic with the admin API first\n"
               "  --mock-retention full|stock|auto  mock partition retention; auto (the\n"
               "                        default) is stock for produce, full for consume\n"
               "  --timeout-s S         overall deadline (default 120)\n"
               "  --idle-timeout-s S    consume: deadline without any message (default 15)\n"
               "  --label TEXT          copied into the JSON line\n"
               "  --set KEY=VALUE       extra librdkafka property (repeatable)\n"
               "  --topic-config KEY=VALUE  topic config when the harness creates the topic\n"
               "                        (repeatable), e.g. flush.messages=1\n");
}

bool parse_int(std::string_view text, int64_t* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  std::string s(text);
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (*end != '\0') return false;
  *out = v;
  return true;
}

std::optional<Options> parse_args(int argc, char** argv) {
  if (argc < 2) return std::nullopt;
  Options o;
  o.mode = argv[1];
  if (o.mode != "produce" && o.mode != "consume") return std::nullopt;
  const std::pair<std::string_view, std::string*> strings[] = {
      {"--bootstrap", &o.bootstrap},
      {"--topic", &o.topic},
      {"--acks", &o.acks},
      {"--compression", &o.compression},
      {"--mock-retention", &o.mock_retention},
      {"--label", &o.label},
  };
  struct IntOption {
    std::string_view name;
    int64_t min;
    int64_t* out;
  };
  const IntOption ints[] = {
      {"--size", 1, &o.size},
      {"--count", 1, &o.count},
      {"--partitions", 1, &o.partitions},
      {"--linger-ms", 0, &o.linger_ms},
      {"--batch-size", 1, &o.batch_size},
      {"--timeout-s", 1, &o.timeout_s},
      {"--idle-timeout-s", 1, &o.idle_timeout_s},
  };
  const std::pair<std::string_view, bool*> flags[] = {
      {"--mock", &o.mock}, {"--verify", &o.verify}, {"--no-create-topic", &o.no_create_topic}};
  for (int i = 2; i < argc; ++i) {
    std::string_view a = argv[i];
    bool known = false;
    for (const auto& [name, out] : flags) {
      if (a == name) *out = known = true;
    }
    if (known) continue;
    if (i + 1 >= argc) {
      std::fprintf(stderr, "broker_bench: unknown option or missing value: %s\n", argv[i]);
      return std::nullopt;
    }
    const char* v = argv[++i];
    for (const auto& [name, out] : strings) {
      if (a == name) {
        *out = v;
        known = true;
      }
    }
    for (const IntOption& opt : ints) {
      if (a != opt.name) continue;
      if (!parse_int(v, opt.out) || *opt.out < opt.min) {
        std::fprintf(stderr, "broker_bench: bad value for %s: %s\n", argv[i - 1], v);
        return std::nullopt;
      }
      known = true;
    }
    if (a == "--set" || a == "--topic-config") {
      std::string_view kv = v;
      size_t eq = kv.find('=');
      if (eq == std::string_view::npos || eq == 0) {
        std::fprintf(stderr, "broker_bench: %s wants KEY=VALUE, got %s\n", argv[i - 1], v);
        return std::nullopt;
      }
      (a == "--set" ? o.extra : o.topic_config).emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
      known = true;
    }
    if (!known) {
      std::fprintf(stderr, "broker_bench: unknown option %s\n", argv[i - 1]);
      return std::nullopt;
    }
  }
  if (o.acks == "-1") o.acks = "all";
  if (o.acks != "0" && o.acks != "1" && o.acks != "all") {
    std::fprintf(stderr, "broker_bench: --acks must be 0, 1 or all\n");
    return std::nullopt;
  }
  if (o.mock_retention != "full" && o.mock_retention != "stock" && o.mock_retention != "auto") {
    std::fprintf(stderr, "broker_bench: --mock-retention must be full, stock or auto\n");
    return std::nullopt;
  }
  if (o.mock == !o.bootstrap.empty()) {
    std::fprintf(stderr, "broker_bench: give exactly one of --bootstrap and --mock\n");
    return std::nullopt;
  }
  if (o.verify && o.size < static_cast<int64_t>(kSeqBytes)) {
    std::fprintf(stderr, "broker_bench: --verify needs --size >= %zu\n", kSeqBytes);
    return std::nullopt;
  }
  return o;
}

// ---- small utilities ------------------------------------------------------------------------

double now_s() {
  using std::chrono::steady_clock;
  return std::chrono::duration<double>(steady_clock::now().time_since_epoch()).count();
}

// CPU seconds (user + system) used so far by the whole process.
double process_cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// CPU seconds used so far by this process's threads whose name contains `needle` (librdkafka's
// mock cluster thread is named "rdk:mock"). Threads that already ended are not counted.
double threads_cpu_s(std::string_view needle) {
  double total = 0;
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return 0;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    std::string base = std::string("/proc/self/task/") + e->d_name;
    std::ifstream comm_file(base + "/comm");
    std::string comm;
    std::getline(comm_file, comm);
    if (comm.find(needle) == std::string::npos) continue;
    std::ifstream stat_file(base + "/stat");
    std::string stat;
    std::getline(stat_file, stat);
    // Fields after the parenthesised name: state is field 3, utime 14, stime 15.
    size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int idx = 3; rest >> field; ++idx) {
      if (idx == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
      if (idx == 15) {
        stime = std::strtoull(field.c_str(), nullptr, 10);
        break;
      }
    }
    total += static_cast<double>(utime + stime) / ticks;
  }
  closedir(dir);
  return total;
}

std::string json_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

// Fills `buf` with the fixed payload pattern (the sequence prefix is written per message).
void fill_pattern(std::vector<char>* buf) {
  for (size_t j = 0; j < buf->size(); ++j) (*buf)[j] = static_cast<char>((j * 131 + 7) & 0xff);
}

// Creates a librdkafka configuration from `props`; on failure prints the offending property.
rd_kafka_conf_t* make_conf(const std::vector<std::pair<std::string, std::string>>& props) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "broker_bench: config %s=%s: %s\n", k.c_str(), v.c_str(), err);
      rd_kafka_conf_destroy(conf);
      return nullptr;
    }
  }
  return conf;
}

// ---- mock cluster ---------------------------------------------------------------------------

// librdkafka 2.0.2 keeps a mock partition's log within max_size (5 MiB) and max_cnt (100000
// batches), dropping the oldest batches, and offers no setting for either. The partition struct
// holds, in this order: the batch list head {first = NULL, last = &first}, size, cnt, max_size
// and max_cnt, all 8 bytes wide; a freshly created partition therefore shows the unmistakable
// run {0, &self, 0, 0, 5242880, 100000}. This finds those runs in the process's writable
// anonymous memory (read through process_vm_readv, which tolerates pages that vanish) and raises
// both limits. Returns how many partitions it changed. Call it right after the topic is created,
// while the mock is idle; the caller checks the effect with the watermarks after producing.
int raise_mock_retention() {
  constexpr uint64_t kStockMaxSize = 5 * 1024 * 1024;
  constexpr uint64_t kStockMaxCnt = 100000;
  constexpr uint64_t kUnlimited = uint64_t{1} << 62;
  std::ifstream maps("/proc/self/maps");
  std::string line;
  std::vector<std::pair<uintptr_t, uintptr_t>> regions;
  while (std::getline(maps, line)) {
    unsigned long long lo = 0, hi = 0;
    char perms[8] = {};
    if (std::sscanf(line.c_str(), "%llx-%llx %7s", &lo, &hi, perms) != 3) continue;
    if (perms[0] != 'r' || perms[1] != 'w') continue;
    // Anonymous mappings and the brk heap only: the path column is empty or "[heap]".
    size_t path_at = line.find('/');
    if (path_at != std::string::npos) continue;
    if (line.find('[') != std::string::npos && line.find("[heap]") == std::string::npos) continue;
    regions.emplace_back(lo, hi);
  }
  int changed = 0;
  std::vector<uint64_t> chunk(1 << 17);  // 1 MiB
  const pid_t self = getpid();
  for (auto [lo, hi] : regions) {
    for (uintptr_t at = lo; at < hi; at += chunk.size() * 8) {
      size_t bytes = std::min<uintptr_t>(chunk.size() * 8, hi - at);
      iovec local{chunk.data(), bytes};
      iovec remote{reinterpret_cast<void*>(at), bytes};
      ssize_t got = process_vm_readv(self, &local, 1, &remote, 1, 0);
      if (got <= 0) continue;
      size_t words = static_cast<size_t>(got) / 8;
      for (size_t w = 0; w + 6 <= words; ++w) {
        if (chunk[w + 4] != kStockMaxSize || chunk[w + 5] != kStockMaxCnt) continue;
        uintptr_t head = at + w * 8;
        if (chunk[w] != 0 || chunk[w + 1] != head || chunk[w + 2] != 0 || chunk[w + 3] != 0) {
          continue;
        }
        auto* fields = reinterpret_cast<volatile uint64_t*>(head);
        fields[4] = kUnlimited;
        fields[5] = kUnlimited;
        ++changed;
      }
    }
  }
  return changed;
}

// An in-process mock cluster with one broker; owns the rd_kafka_t it hangs off.
class MockCluster {
 public:
  MockCluster() = default;
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;
  ~MockCluster() {
    if (cluster_ != nullptr) rd_kafka_mock_cluster_destroy(cluster_);
    if (owner_ != nullptr) rd_kafka_destroy(owner_);
  }

  bool start() {
    rd_kafka_conf_t* conf = make_conf({{"log_level", "3"}});
    char err[512];
    owner_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (owner_ == nullptr) {
      std::fprintf(stderr, "broker_bench: mock owner handle: %s\n", err);
      return false;
    }
    cluster_ = rd_kafka_mock_cluster_new(owner_, 1);
    if (cluster_ == nullptr) {
      std::fprintf(stderr, "broker_bench: rd_kafka_mock_cluster_new failed\n");
      return false;
    }
    return true;
  }

  // Creates `topic`; with `full_retention`, also lifts the retention limits. Returns false on
  // error; `*retention_raised` tells whether every partition's limits were lifted.
  bool create_topic(const std::string& topic, int partitions, bool full_retention,
                    bool* retention_raised) {
    rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, 1);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "broker_bench: mock topic %s: %s\n", topic.c_str(), rd_kafka_err2str(e));
      return false;
    }
    *retention_raised = false;
    if (full_retention) {
      int changed = raise_mock_retention();
      *retention_raised = changed == partitions;
      if (!*retention_raised) {
        std::fprintf(stderr,
                     "broker_bench: could not lift the mock's retention of topic %s (found %d of "
                     "%d partitions); it keeps ~5 MiB per partition\n",
                     topic.c_str(), changed, partitions);
      }
    }
    return true;
  }

  const char* bootstraps() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }

 private:
  rd_kafka_t* owner_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

// ---- admin ----------------------------------------------------------------------------------

// Creates `topic` with `partitions` partitions (replication factor 1) and the topic configs
// `config` through CreateTopics; an existing topic is accepted as it is. Returns false on any
// other error.
bool ensure_topic(const std::string& bootstrap, const std::string& topic, int partitions,
                  const std::vector<std::pair<std::string, std::string>>& config) {
  rd_kafka_conf_t* conf = make_conf({{"bootstrap.servers", bootstrap}, {"log_level", "3"}});
  if (conf == nullptr) return false;
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == nullptr) {
    std::fprintf(stderr, "broker_bench: admin handle: %s\n", err);
    return false;
  }
  rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, err, sizeof err);
  for (const auto& [k, v] : config) rd_kafka_NewTopic_set_config(nt, k.c_str(), v.c_str());
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t* ao = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(ao, 30000, err, sizeof err);
  rd_kafka_AdminOptions_set_request_timeout(ao, 30000, err, sizeof err);
  rd_kafka_CreateTopics(rk, &nt, 1, ao, q);
  bool ok = false;
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 35000);
  if (ev == nullptr) {
    std::fprintf(stderr, "broker_bench: CreateTopics %s timed out\n", topic.c_str());
  } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::fprintf(stderr, "broker_bench: CreateTopics %s: %s\n", topic.c_str(),
                 rd_kafka_event_error_string(ev));
  } else {
    size_t n = 0;
    const rd_kafka_topic_result_t** res =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    ok = true;
    for (size_t i = 0; i < n; ++i) {
      rd_kafka_resp_err_t e = rd_kafka_topic_result_error(res[i]);
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        std::fprintf(stderr, "broker_bench: CreateTopics %s: %s\n", topic.c_str(),
                     rd_kafka_topic_result_error_string(res[i]));
        ok = false;
      }
    }
  }
  if (ev != nullptr) rd_kafka_event_destroy(ev);
  rd_kafka_AdminOptions_destroy(ao);
  rd_kafka_NewTopic_destroy(nt);
  rd_kafka_queue_destroy(q);
  rd_kafka_destroy(rk);
  return ok;
}

// Number of partitions of `topic` as the cluster reports it, or -1.
int topic_partitions(rd_kafka_t* rk, const std::string& topic) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  int result = -1;
  for (int attempt = 0; attempt < 20 && result < 0; ++attempt) {
    if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
          md->topics[0].partition_cnt > 0) {
        result = md->topics[0].partition_cnt;
      }
      rd_kafka_metadata_destroy(md);
    }
    if (result < 0) usleep(250 * 1000);
  }
  rd_kafka_topic_destroy(rkt);
  return result;
}

// Messages held by `topic`: the sum over its `parts` partitions of high minus low watermark, or
// -1 when a query fails.
int64_t sum_watermarks(rd_kafka_t* rk, const std::string& topic, int parts) {
  int64_t total = 0;
  for (int p = 0; p < parts; ++p) {
    int64_t lo = 0, hi = 0;
    if (rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &lo, &hi, 10000) !=
        RD_KAFKA_RESP_ERR_NO_ERROR) {
      return -1;
    }
    total += hi - lo;
  }
  return total;
}

// sum_watermarks() through a short-lived client of `bootstrap`.
int64_t log_messages(const std::string& bootstrap, const std::string& topic) {
  rd_kafka_conf_t* conf = make_conf({{"bootstrap.servers", bootstrap}, {"log_level", "3"}});
  if (conf == nullptr) return -1;
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == nullptr) return -1;
  int parts = topic_partitions(rk, topic);
  int64_t total = parts < 0 ? -1 : sum_watermarks(rk, topic, parts);
  rd_kafka_destroy(rk);
  return total;
}

// ---- produce --------------------------------------------------------------------------------

struct DeliveryCounts {
  std::atomic<int64_t> ok{0};
  std::atomic<int64_t> failed{0};
  std::string first_error;  // written only by the delivery callback (poll thread)
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* counts = static_cast<DeliveryCounts*>(opaque);
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    counts->ok.fetch_add(1, std::memory_order_relaxed);
  } else {
    if (counts->failed.fetch_add(1, std::memory_order_relaxed) == 0) {
      counts->first_error = rd_kafka_err2str(msg->err);
    }
  }
}

struct ProduceResult {
  int64_t delivered = 0;
  int64_t failed = 0;
  std::string error;
  double elapsed_s = 0;
};

// Produces `o.count` messages of `o.size` bytes to `bootstrap` and waits for every delivery
// report. The clock runs from the first produce call to the last delivery report; the
// connection and topic metadata are set up before it starts.
ProduceResult run_produce(const Options& o, const std::string& bootstrap, const std::string& acks) {
  ProduceResult r;
  DeliveryCounts counts;
  std::vector<std::pair<std::string, std::string>> props = {
      {"bootstrap.servers", bootstrap},
      {"acks", acks},
      {"compression.codec", o.compression},
      {"linger.ms", std::to_string(o.linger_ms)},
      {"queue.buffering.max.messages", "1000000"},
      {"log_level", "3"},
  };
  if (o.batch_size > 0) props.emplace_back("batch.size", std::to_string(o.batch_size));
  for (const auto& kv : o.extra) props.push_back(kv);
  rd_kafka_conf_t* conf = make_conf(props);
  if (conf == nullptr) {
    r.error = "bad producer configuration";
    return r;
  }
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_conf_set_opaque(conf, &counts);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == nullptr) {
    r.error = err;
    return r;
  }
  int parts = topic_partitions(rk, o.topic);
  if (parts < 0) {
    r.error = "no metadata for topic " + o.topic;
    rd_kafka_destroy(rk);
    return r;
  }
  if (parts != o.partitions) {
    std::fprintf(stderr, "broker_bench: topic %s has %d partitions, not %" PRId64 "; using %d\n",
                 o.topic.c_str(), parts, o.partitions, parts);
  }
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, o.topic.c_str(), nullptr);
  std::vector<char> payload(static_cast<size_t>(o.size));
  fill_pattern(&payload);

  const double start = now_s();
  for (int64_t i = 0; i < o.count; ++i) {
    if (payload.size() >= kSeqBytes) std::memcpy(payload.data(), &i, kSeqBytes);
    const int32_t partition = static_cast<int32_t>(i % parts);
    while (rd_kafka_produce(rkt, partition, RD_KAFKA_MSG_F_COPY, payload.data(), payload.size(),
                            nullptr, 0, nullptr) != 0) {
      rd_kafka_resp_err_t e = rd_kafka_last_error();
      if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        r.error = std::string("produce: ") + rd_kafka_err2str(e);
        break;
      }
      rd_kafka_poll(rk, 1);
    }
    if (!r.error.empty()) break;
    if ((i & 1023) == 0) rd_kafka_poll(rk, 0);
  }
  rd_kafka_resp_err_t fe = rd_kafka_flush(rk, o.timeout_s * 1000);
  r.elapsed_s = now_s() - start;
  if (fe != RD_KAFKA_RESP_ERR_NO_ERROR && r.error.empty()) {
    r.error = std::string("flush: ") + rd_kafka_err2str(fe) + " (" +
              std::to_string(rd_kafka_outq_len(rk)) + " messages left)";
  }
  r.delivered = counts.ok.load();
  r.failed = counts.failed.load();
  if (r.failed > 0 && r.error.empty()) r.error = "delivery failed: " + counts.first_error;
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  return r;
}

// ---- consume --------------------------------------------------------------------------------

struct ConsumeResult {
  int64_t expected = 0;  // messages the run waited for
  int64_t consumed = 0;
  int64_t offset_gaps = 0;
  int64_t bad_payloads = 0;
  int64_t duplicates = 0;
  int64_t log_messages = -1;  // sum over partitions of high - low watermark before reading
  std::string error;
  double elapsed_s = 0;
};

// Reads `o.count` messages (or, when `expect` is set, that many) from the start of every
// partition of `o.topic`. The clock runs from the assignment to the last message needed.
ConsumeResult run_consume(const Options& o, const std::string& bootstrap,
                          std::optional<int64_t> expect) {
  ConsumeResult r;
  std::vector<std::pair<std::string, std::string>> props = {
      {"bootstrap.servers", bootstrap},   {"group.id", "broker-bench"},
      {"enable.auto.commit", "false"},    {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},  {"enable.partition.eof", "false"},
      {"queued.min.messages", "1000000"}, {"log_level", "3"},
  };
  for (const auto& kv : o.extra) props.push_back(kv);
  rd_kafka_conf_t* conf = make_conf(props);
  if (conf == nullptr) {
    r.error = "bad consumer configuration";
    return r;
  }
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (rk == nullptr) {
    r.error = err;
    return r;
  }
  rd_kafka_poll_set_consumer(rk);
  int parts = topic_partitions(rk, o.topic);
  if (parts < 0) {
    r.error = "no metadata for topic " + o.topic;
    rd_kafka_destroy(rk);
    return r;
  }
  r.log_messages = sum_watermarks(rk, o.topic, parts);
  r.expected = expect.value_or(o.count);

  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(parts);
  for (int p = 0; p < parts; ++p) {
    rd_kafka_topic_partition_list_add(assignment, o.topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  std::vector<int64_t> next_offset(parts, -1);
  std::vector<char> reference(static_cast<size_t>(o.size));
  fill_pattern(&reference);
  std::vector<uint8_t> seen(o.verify ? static_cast<size_t>(o.count) : 0);
  rd_kafka_queue_t* queue = rd_kafka_queue_get_consumer(rk);
  std::vector<rd_kafka_message_t*> batch(10000);

  const double start = now_s();
  double last_message = start;
  rd_kafka_assign(rk, assignment);
  rd_kafka_topic_partition_list_destroy(assignment);
  while (r.consumed < r.expected) {
    const double t = now_s();
    if (t - last_message > o.idle_timeout_s || t - start > o.timeout_s) {
      r.error = "timed out after " + std::to_string(r.consumed) + " of " +
                std::to_string(r.expected) + " messages";
      break;
    }
    ssize_t n = rd_kafka_consume_batch_queue(queue, 100, batch.data(), batch.size());
    if (n < 0) {
      r.error = std::string("consume: ") + rd_kafka_err2str(rd_kafka_last_error());
      break;
    }
    for (ssize_t k = 0; k < n; ++k) {
      rd_kafka_message_t* m = batch[k];
      if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::fprintf(stderr, "broker_bench: consumer error: %s\n", rd_kafka_message_errstr(m));
        if (r.error.empty()) r.error = std::string("consumer error: ") + rd_kafka_message_errstr(m);
        rd_kafka_message_destroy(m);
        continue;
      }
      if (r.consumed < r.expected) {
        ++r.consumed;
        int32_t p = m->partition;
        if (p >= 0 && p < parts) {
          if (next_offset[p] >= 0 && m->offset != next_offset[p]) ++r.offset_gaps;
          next_offset[p] = m->offset + 1;
        }
        if (o.verify) {
          int64_t seq = -1;
          if (m->len == reference.size()) std::memcpy(&seq, m->payload, kSeqBytes);
          if (seq < 0 || seq >= o.count ||
              std::memcmp(static_cast<const char*>(m->payload) + kSeqBytes,
                          reference.data() + kSeqBytes, reference.size() - kSeqBytes) != 0) {
            ++r.bad_payloads;
          } else if (seen[seq]++ != 0) {
            ++r.duplicates;
          }
        } else if (m->len != reference.size()) {
          ++r.bad_payloads;
        }
      }
      rd_kafka_message_destroy(m);
    }
    if (n > 0) last_message = now_s();
  }
  r.elapsed_s = last_message - start;
  rd_kafka_queue_destroy(queue);
  rd_kafka_assign(rk, nullptr);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return r;
}

// ---- main -----------------------------------------------------------------------------------

struct Report {
  std::ostringstream json;
  bool first = true;
  template <typename T>
  void add(std::string_view key, const T& value) {
    json << (first ? "{" : ",") << '"' << key << "\":" << value;
    first = false;
  }
  void add_str(std::string_view key, std::string_view value) {
    json << (first ? "{" : ",") << '"' << key << "\":\"" << json_escape(value) << '"';
    first = false;
  }
  std::string finish() { return json.str() + "}"; }
};

int run(const Options& o) {
  MockCluster mock;
  std::string bootstrap = o.bootstrap;
  bool retention_full = false;
  if (o.mock) {
    if (!mock.start()) return 2;
    bootstrap = mock.bootstraps();
    const bool want_full =
        o.mock_retention == "full" || (o.mock_retention == "auto" && o.mode == "consume");
    if (!mock.create_topic(o.topic, static_cast<int>(o.partitions), want_full, &retention_full)) {
      return 2;
    }
  } else if (!o.no_create_topic &&
             !ensure_topic(bootstrap, o.topic, static_cast<int>(o.partitions), o.topic_config)) {
    return 2;
  }

  Report rep;
  rep.add_str("mode", o.mode);
  rep.add_str("target", o.mock ? "mock" : "bootstrap");
  if (!o.label.empty()) rep.add_str("label", o.label);
  rep.add_str("topic", o.topic);
  rep.add("size", o.size);
  rep.add("partitions", o.partitions);
  if (o.mock) rep.add_str("mock_retention", retention_full ? "full" : "stock");

  bool ok = true;
  std::string error;
  int64_t messages = 0;
  double elapsed = 0;
  double cpu0 = 0, mock_cpu0 = 0;
  if (o.mode == "produce") {
    rep.add_str("acks", o.acks);
    rep.add_str("compression", o.compression);
    rep.add("linger_ms", o.linger_ms);
    rep.add("batch_size", o.batch_size);
    cpu0 = process_cpu_s();
    mock_cpu0 = o.mock ? threads_cpu_s("mock") : 0;
    ProduceResult pr = run_produce(o, bootstrap, o.acks);
    rep.add("count", o.count);
    rep.add("delivered", pr.delivered);
    rep.add("errors", pr.failed);
    messages = pr.delivered;
    elapsed = pr.elapsed_s;
    error = pr.error;
    ok = error.empty() && pr.failed == 0 && pr.delivered == o.count;
    if (ok == false && error.empty()) error = "not every message was delivered";
  } else {
    std::optional<int64_t> expect;
    if (o.mock) {
      // Fill the in-process mock first (untimed), then read it back.
      ProduceResult fill = run_produce(o, bootstrap, "1");
      if (!fill.error.empty() || fill.delivered != o.count) {
        std::fprintf(stderr, "broker_bench: filling the mock failed: %s\n", fill.error.c_str());
        return 2;
      }
    }
    cpu0 = process_cpu_s();
    mock_cpu0 = o.mock ? threads_cpu_s("mock") : 0;
    if (o.mock && !retention_full) {
      // The stock mock dropped old batches: read back what it still holds.
      expect = log_messages(bootstrap, o.topic);
      std::fprintf(stderr,
                   "broker_bench: the stock mock holds %" PRId64 " of %" PRId64
                   " messages; reading those\n",
                   *expect, o.count);
    }
    ConsumeResult cr = run_consume(o, bootstrap, expect);
    rep.add("count", cr.expected);
    rep.add("consumed", cr.consumed);
    rep.add("log_messages", cr.log_messages);
    rep.add("offset_gaps", cr.offset_gaps);
    rep.add("bad_payloads", cr.bad_payloads);
    rep.add("duplicates", cr.duplicates);
    rep.add_str("verify", o.verify ? "payload" : "count");
    messages = cr.consumed;
    elapsed = cr.elapsed_s;
    error = cr.error;
    if (o.mock && retention_full && cr.log_messages != o.count) {
      error = "the mock dropped messages despite the raised retention";
    }
    ok = error.empty() && cr.consumed == cr.expected && cr.offset_gaps == 0 &&
         cr.bad_payloads == 0 && cr.duplicates == 0;
    if (!ok && error.empty()) error = "read-back check failed";
  }
  const double cpu = process_cpu_s() - cpu0;
  const double mock_cpu = o.mock ? threads_cpu_s("mock") - mock_cpu0 : 0;
  const double client_cpu = cpu - mock_cpu;
  const double secs = elapsed > 0 ? elapsed : 1e-9;
  char num[64];
  auto fmt = [&](double v, const char* f) {
    std::snprintf(num, sizeof num, f, v);
    return std::string(num);
  };
  rep.add("elapsed_s", fmt(elapsed, "%.4f"));
  rep.add("msgs_per_s", fmt(static_cast<double>(messages) / secs, "%.0f"));
  rep.add("mb_per_s", fmt(static_cast<double>(messages) * o.size / secs / 1e6, "%.1f"));
  rep.add("client_cpu_s", fmt(client_cpu, "%.3f"));
  rep.add("client_cpu_cores", fmt(client_cpu / secs, "%.2f"));
  if (o.mock) {
    rep.add("mock_cpu_s", fmt(mock_cpu, "%.3f"));
    rep.add("mock_cpu_us_per_msg",
            fmt(messages > 0 ? mock_cpu * 1e6 / static_cast<double>(messages) : 0, "%.3f"));
  }
  rep.add("ok", ok ? "true" : "false");
  if (!error.empty()) rep.add_str("error", error);
  std::printf("%s\n", rep.finish().c_str());
  std::fflush(stdout);
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace sluice::bench

int main(int argc, char** argv) {
  std::optional<sluice::bench::Options> o = sluice::bench::parse_args(argc, argv);
  if (!o) {
    sluice::bench::usage();
    return 2;
  }
  return sluice::bench::run(*o);
}
