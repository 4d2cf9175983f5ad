// TopicManager: topic catalogue (docs/formats/topics-meta.md) and partition logs.
#include "broker-lite/server/topic_manager.h"

#include <algorithm>
#include <cstdio>
#include <random>
#include <sstream>

#include "broker-lite/protocol/crc32c.h"
#include "broker-lite/util/logging.h"

namespace sluice::broker {
namespace {

constexpr char kCatalogue[] = "topics.meta";
constexpr char kCleanMarker[] = ".sluice-clean-shutdown";
// How much of a partition's tail is replayed into the idempotent-producer table at start.
// Older batches cannot be retried (the window is the last 5 batches per producer) and a
// producer without state may continue at any sequence, so the tail is enough.
constexpr uint64_t kProducerReplayBytes = 64ull << 20;

std::string hex(std::span<const uint8_t> bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

bool parse_hex_uuid(const std::string& text, kafka::Uuid& out) {
  if (text.size() != 32) return false;
  for (size_t i = 0; i < 16; ++i) {
    unsigned v = 0;
    if (std::sscanf(text.c_str() + 2 * i, "%2x", &v) != 1) return false;
    out[i] = static_cast<uint8_t>(v);
  }
  return true;
}

kafka::Uuid random_uuid() {
  static std::mt19937_64 rng{std::random_device{}()};
  kafka::Uuid id;
  for (size_t i = 0; i < 16; i += 8) {
    uint64_t r = rng();
    std::memcpy(id.data() + i, &r, 8);
  }
  id[6] = static_cast<uint8_t>((id[6] & 0x0F) | 0x40);  // version 4
  id[8] = static_cast<uint8_t>((id[8] & 0x3F) | 0x80);  // variant
  return id;
}

// `text` as bytes (borrowed: valid while `text` is).
std::span<const uint8_t> as_bytes(const std::string& text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

}  // namespace

TopicManager::TopicManager(log::FileSystem& fs, const BrokerConfig& config)
    : fs_(fs), config_(config) {}

TopicManager::~TopicManager() = default;

Status TopicManager::validate_name(std::string_view name) {
  if (name.empty()) return Status::invalid_argument("topic name is empty");
  if (name.size() > 249)
    return Status::invalid_argument("topic name is longer than 249 characters");
  if (name == "." || name == "..")
    return Status::invalid_argument("topic name cannot be '.' or '..'");
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) {
      return Status::invalid_argument("topic name '" + std::string(name) +
                                      "' has a character outside [a-zA-Z0-9._-]");
    }
  }
  return Status::ok();
}

std::string TopicManager::partition_dir(std::string_view topic, int32_t index) const {
  return config_.log_dir + "/" + std::string(topic) + "-" + std::to_string(index);
}

Topic* TopicManager::find(std::string_view name) {
  auto it = topics_.find(name);
  return it == topics_.end() ? nullptr : it->second.get();
}

Partition* TopicManager::find_partition(std::string_view topic, int32_t partition) {
  Topic* t = find(topic);
  if (!t || partition < 0 || partition >= static_cast<int32_t>(t->partitions.size()))
    return nullptr;
  return t->partitions[partition].get();
}

std::vector<Topic*> TopicManager::all() {
  std::vector<Topic*> out;
  for (auto& [name, t] : topics_) out.push_back(t.get());
  return out;
}

Status TopicManager::persist() {
  std::string text = "sluice-topics 1\n";
  for (const auto& [name, t] : topics_) {
    text += "topic " + name + " " + std::to_string(t->partitions.size()) + " " + hex(t->id) +
            (t->internal ? " internal" : "") + "\n";
    for (const auto& [k, v] : t->overrides) text += "config " + name + " " + k + " " + v + "\n";
  }
  char crc[16];
  std::snprintf(crc, sizeof crc, "%08x", kafka::crc32c(as_bytes(text)));
  text += "crc " + std::string(crc) + "\n";
  Status s = log::write_file_atomically(fs_, config_.log_dir, kCatalogue, as_bytes(text));
  return s.with_context("writing " + config_.log_dir + "/" + kCatalogue);
}

void TopicManager::rebuild_producer_state(Partition& p) {
  // Replays the batch headers of the partition's tail (see kProducerReplayBytes).
  const auto& segments = p.log->segments();
  uint64_t budget = kProducerReplayBytes;
  size_t first = segments.size();
  while (first > 0 && budget > 0) {
    --first;
    budget = segments[first]->size() >= budget ? 0 : budget - segments[first]->size();
  }
  std::vector<uint8_t> buffer;
  for (size_t i = first; i < segments.size(); ++i) {
    const auto& seg = segments[i];
    log::BatchCursor cursor(*seg->log_file(), 0, seg->size(), buffer);
    kafka::BatchHeader header;
    for (;;) {
      auto step = cursor.next_header(&header);
      if (!step || *step != log::BatchCursor::Step::kBatch) break;
      p.producers.replay(header);
    }
  }
}

Result<std::unique_ptr<Partition>> TopicManager::open_partition(Topic& topic, int32_t index,
                                                                bool clean, int64_t /*now_ms*/) {
  auto p = std::make_unique<Partition>();
  p->topic = topic.name;
  p->index = index;
  p->settings = topic.settings;
  const std::string dir = partition_dir(topic.name, index);
  auto opened =
      log::PartitionLog::open(fs_, dir, topic.settings.log, clean,
                              [](std::string_view line) { SLUICE_LOG(kInfo, "log", line); });
  if (!opened)
    return opened.status().with_context("opening partition " + topic.name + "-" +
                                        std::to_string(index));
  p->log = std::move(opened).value();
  rebuild_producer_state(*p);
  return p;
}

Status TopicManager::open_all(int64_t now_ms) {
  // mkdir -p of log.dirs.
  for (size_t pos = 0; pos != std::string::npos;) {
    pos = config_.log_dir.find('/', pos + 1);
    const std::string prefix = config_.log_dir.substr(0, pos);
    if (prefix.empty() || fs_.is_dir(prefix)) continue;
    Status s = fs_.mkdir(prefix);
    if (!s && s.code() != StatusCode::kAlreadyExists)
      return s.with_context("creating log.dirs " + config_.log_dir);
    // A new directory's own entry is durable only once its parent is synced.
    const size_t slash = prefix.rfind('/');
    const std::string parent =
        slash == std::string::npos ? "." : (slash == 0 ? "/" : prefix.substr(0, slash));
    if (s) SLUICE_RETURN_IF_ERROR(fs_.sync_dir(parent));
  }
  const std::string marker = config_.log_dir + "/" + kCleanMarker;
  const bool clean = fs_.exists(marker);
  if (clean) {
    // Removed before anything is written, so a later crash is never taken for a clean stop.
    SLUICE_RETURN_IF_ERROR(fs_.remove(marker));
    SLUICE_RETURN_IF_ERROR(fs_.sync_dir(config_.log_dir));
  }
  const std::string catalogue = config_.log_dir + "/" + kCatalogue;
  if (!clean && fs_.exists(catalogue)) {
    SLUICE_LOG(
        kInfo, "broker",
        "no clean-shutdown marker in " + config_.log_dir + ": recovering the tails of the logs");
  }
  if (fs_.exists(catalogue + ".tmp")) (void)fs_.remove(catalogue + ".tmp");
  if (fs_.exists(catalogue)) {
    auto bytes = log::read_whole_file(fs_, catalogue);
    if (!bytes) return bytes.status().with_context("reading " + catalogue);
    const std::string content(bytes->begin(), bytes->end());
    auto crc_pos = content.rfind("crc ");
    if (crc_pos == std::string::npos || content.compare(0, 16, "sluice-topics 1\n") != 0) {
      return Status::corruption(
          catalogue + " is not a broker-lite topic catalogue (bad header or no crc line)");
    }
    char expected[16];
    std::snprintf(expected, sizeof expected, "%08x",
                  kafka::crc32c(std::span<const uint8_t>(bytes->data(), crc_pos)));
    if (content.compare(crc_pos + 4, 8, expected) != 0) {
      return Status::corruption(catalogue +
                                " fails its CRC-32C check; refusing to guess which topics exist");
    }
    std::istringstream in(content.substr(0, crc_pos));
    std::string line;
    std::getline(in, line);  // header
    std::map<std::string, int32_t> partition_counts;
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string kind, name;
      fields >> kind >> name;
      if (kind == "topic") {
        int32_t count = 0;
        std::string id, flag;
        fields >> count >> id >> flag;
        auto t = std::make_unique<Topic>();
        t->name = name;
        t->internal = flag == "internal";
        if (!parse_hex_uuid(id, t->id) || count < 1) {
          return Status::corruption(catalogue + ": bad topic line '" + line + "'");
        }
        partition_counts[name] = count;
        topics_[name] = std::move(t);
      } else if (kind == "config") {
        std::string key;
        fields >> key;
        std::string value;
        std::getline(fields, value);
        if (!value.empty() && value[0] == ' ') value.erase(0, 1);
        Topic* t = find(name);
        if (!t)
          return Status::corruption(catalogue + ": config line for unknown topic '" + name + "'");
        t->overrides[key] = value;
      } else {
        return Status::corruption(catalogue + ": unknown line '" + line + "'");
      }
    }
    for (auto& [name, t] : topics_) {
      t->settings = topic_settings(config_, t->overrides);
      for (int32_t i = 0; i < partition_counts[name]; ++i) {
        auto p = open_partition(*t, i, clean, now_ms);
        if (!p) return p.status();
        t->partitions.push_back(std::move(p).value());
      }
    }
  }
  // Report partition directories the catalogue does not know.
  auto entries = fs_.list_dir(config_.log_dir);
  if (entries) {
    for (const auto& e : *entries) {
      auto dash = e.rfind('-');
      if (dash == std::string::npos || !fs_.is_dir(config_.log_dir + "/" + e)) continue;
      if (e.find(".") != std::string::npos && e.size() > 7 &&
          e.compare(e.size() - 7, 7, "-delete") == 0) {
        SLUICE_LOG(kInfo, "broker", "removing leftover deleted partition directory " + e);
        if (Status s = log::remove_dir_recursive(fs_, config_.log_dir + "/" + e); !s) {
          SLUICE_LOG(kWarn, "broker", "removing " + e + ": " + s.to_string());
        }
        continue;
      }
      std::string topic = e.substr(0, dash);
      if (!find(topic)) {
        SLUICE_LOG(kWarn, "broker",
                   "directory " + config_.log_dir + "/" + e +
                       " belongs to no known topic (not in topics.meta); left alone");
      }
    }
  }
  return Status::ok();
}

Result<Topic*> TopicManager::create(const std::string& name, int32_t partitions,
                                    const std::map<std::string, std::string>& overrides,
                                    bool validate_only, int64_t now_ms, bool internal) {
  SLUICE_RETURN_IF_ERROR(validate_name(name));
  if (find(name)) return Status::already_exists("topic '" + name + "' already exists");
  if (partitions == -1) partitions = config_.num_partitions;
  if (partitions < 1 || partitions > 100000) {
    return Status::invalid_argument("partition count must be between 1 and 100000, got " +
                                    std::to_string(partitions));
  }
  SLUICE_RETURN_IF_ERROR(validate_topic_configs(overrides));
  // Kafka refuses names that collide once '.' and '_' are treated alike (metric names).
  for (const auto& [existing, t] : topics_) {
    auto norm = [](std::string s) {
      std::replace(s.begin(), s.end(), '.', '_');
      return s;
    };
    if (norm(existing) == norm(name)) {
      return Status::invalid_argument("topic '" + name + "' collides with existing topic '" +
                                      existing + "' ('.' and '_' are treated alike)");
    }
  }
  if (validate_only) return static_cast<Topic*>(nullptr);
  auto t = std::make_unique<Topic>();
  t->name = name;
  t->id = random_uuid();
  t->internal = internal;
  t->overrides = overrides;
  t->settings = topic_settings(config_, overrides);
  Topic* raw = t.get();
  topics_[name] = std::move(t);
  // Grow the partitions list before persisting so the catalogue records the count.
  for (int32_t i = 0; i < partitions; ++i) raw->partitions.push_back(nullptr);
  if (Status s = persist(); !s) {
    topics_.erase(name);
    return s;
  }
  for (int32_t i = 0; i < partitions; ++i) {
    auto p = open_partition(*raw, i, true, now_ms);
    if (!p) {
      SLUICE_LOG(kError, "broker", "creating topic '" + name + "': " + p.status().to_string());
      raw->partitions.resize(i);
      (void)remove(name);
      return p.status();
    }
    raw->partitions[i] = std::move(p).value();
  }
  return raw;
}

Status TopicManager::remove(const std::string& name) {
  auto it = topics_.find(name);
  if (it == topics_.end()) return Status::not_found("topic '" + name + "' does not exist");
  std::unique_ptr<Topic> topic = std::move(it->second);
  topics_.erase(it);
  SLUICE_RETURN_IF_ERROR(persist());
  static uint64_t counter = 0;
  for (auto& p : topic->partitions) {
    if (!p) continue;
    const std::string dir = partition_dir(topic->name, p->index);
    if (closing_hook_) closing_hook_(p->log.get());
    p->log.reset();
    const std::string doomed = dir + "." + std::to_string(++counter) + "-delete";
    if (Status s = fs_.rename(dir, doomed); !s) {
      SLUICE_LOG(kWarn, "broker", "deleting " + dir + ": " + s.to_string());
      continue;
    }
    if (Status s = log::remove_dir_recursive(fs_, doomed); !s) {
      SLUICE_LOG(kWarn, "broker",
                 "deleting " + doomed + ": " + s.to_string() + " (removed at the next start)");
    }
  }
  (void)fs_.sync_dir(config_.log_dir);
  SLUICE_LOG(kInfo, "broker", "deleted topic '" + name + "'");
  return Status::ok();
}

Status TopicManager::add_partitions(const std::string& name, int32_t total, bool validate_only,
                                    int64_t now_ms) {
  Topic* t = find(name);
  if (!t) return Status::not_found("topic '" + name + "' does not exist");
  const int32_t current = static_cast<int32_t>(t->partitions.size());
  if (total <= current) {
    return Status::invalid_argument("topic '" + name + "' has " + std::to_string(current) +
                                    " partitions; the new count must be larger");
  }
  if (total > 100000) return Status::invalid_argument("at most 100000 partitions");
  if (validate_only) return Status::ok();
  for (int32_t i = current; i < total; ++i) t->partitions.push_back(nullptr);
  if (Status s = persist(); !s) {
    t->partitions.resize(current);
    return s;
  }
  for (int32_t i = current; i < total; ++i) {
    auto p = open_partition(*t, i, true, now_ms);
    if (!p) return p.status();
    t->partitions[i] = std::move(p).value();
  }
  return Status::ok();
}

Status TopicManager::set_configs(const std::string& name,
                                 const std::map<std::string, std::string>& set,
                                 const std::vector<std::string>& remove_keys, bool replace_all,
                                 bool validate_only) {
  Topic* t = find(name);
  if (!t) return Status::not_found("topic '" + name + "' does not exist");
  std::map<std::string, std::string> next =
      replace_all ? std::map<std::string, std::string>{} : t->overrides;
  for (const auto& k : remove_keys) {
    if (!std::any_of(topic_config_keys().begin(), topic_config_keys().end(),
                     [&](const TopicConfigKey& d) { return k == d.name; })) {
      return Status::invalid_argument("unknown topic config '" + k + "'");
    }
    next.erase(k);
  }
  for (const auto& [k, v] : set) next[k] = v;
  SLUICE_RETURN_IF_ERROR(validate_topic_configs(next));
  if (validate_only) return Status::ok();
  auto previous = t->overrides;
  t->overrides = next;
  if (Status s = persist(); !s) {
    t->overrides = previous;
    return s;
  }
  t->settings = topic_settings(config_, t->overrides);
  for (auto& p : t->partitions) {
    p->settings = t->settings;
    p->log->set_config(t->settings.log);
  }
  return Status::ok();
}

void TopicManager::run_maintenance(int64_t now_ms) {
  for (auto& [name, t] : topics_) {
    for (auto& p : t->partitions) {
      if (!p || p->log->failed()) continue;
      if (p->settings.log.cleanup_delete) {
        auto r = p->log->apply_retention(now_ms);
        if (!r) SLUICE_LOG(kWarn, "retention", p->log->name() + ": " + r.status().to_string());
      }
      if (p->settings.log.cleanup_compact) {
        auto r = p->log->compact(now_ms);
        if (!r) SLUICE_LOG(kWarn, "compaction", p->log->name() + ": " + r.status().to_string());
      }
    }
  }
}

void TopicManager::close_all() {
  bool all_clean = true;
  for (auto& [name, t] : topics_) {
    for (auto& p : t->partitions) {
      if (!p) continue;
      if (Status s = p->log->close(); !s) {
        all_clean = false;
        SLUICE_LOG(kError, "broker", "closing " + p->log->name() + ": " + s.to_string());
      }
    }
  }
  if (all_clean) {
    Status s = log::write_file_atomically(fs_, config_.log_dir, kCleanMarker, {});
    if (!s) SLUICE_LOG(kError, "broker", "writing the clean-shutdown marker: " + s.to_string());
  }
}

}  // namespace sluice::broker
