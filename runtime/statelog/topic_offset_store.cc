// TopicOffsetStore (topic_offset_store.h). Every key remembers the position (partition,
// offset) of the record its value came from, so that a value applied when its write was
// acknowledged and the same record read back later — or an older record read back after a newer
// acknowledgement — never move a key backwards.
#include "runtime/statelog/topic_offset_store.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>

#include "broker-lite/util/logging.h"

namespace sluice::statelog {
namespace {

constexpr std::string_view kOffsetStoreLog = "statelog";

// The connector named by an offsets key `["<connector>",{...}]`.
Result<std::string> key_connector(std::string_view key_json) {
  nlohmann::json key = nlohmann::json::parse(key_json, nullptr, /*allow_exceptions=*/false);
  if (key.is_discarded()) return Status::invalid_argument("the key is not JSON");
  if (!key.is_array() || key.size() != 2 || !key[0].is_string() || !key[1].is_object()) {
    return Status::invalid_argument("the key is not a [connector name, partition object] array");
  }
  return key[0].get<std::string>();
}

Status offset_value_ok(std::string_view value_json) {
  nlohmann::json value = nlohmann::json::parse(value_json, nullptr, false);
  if (value.is_discarded() || !value.is_object()) {
    return Status::invalid_argument("the value is not a JSON object");
  }
  return Status::ok();
}

// The outcome of one batch of sends, shared with the send callbacks (which may outlive the
// waiting call after a timeout).
struct PendingBatch {
  std::mutex mu;
  std::condition_variable done;
  size_t remaining = 0;
  Status first_error;

  void finish(const Status& status, size_t count) {
    std::lock_guard lock(mu);
    if (!status.is_ok() && first_error.is_ok()) first_error = status;
    remaining -= count;
    done.notify_all();
  }
};

}  // namespace

TopicOffsetStore::TopicOffsetStore(TopicOffsetStoreOptions options)
    : options_(std::move(options)) {}

Result<std::unique_ptr<TopicOffsetStore>> TopicOffsetStore::open(TopicOffsetStoreOptions options) {
  std::unique_ptr<TopicOffsetStore> store(new TopicOffsetStore(std::move(options)));
  store->topic_ = std::make_unique<StateTopic>(
      store->options_.spec, store->options_.client_props,
      [s = store.get()](const StateRecord& record) { s->on_record(record); });
  SLUICE_RETURN_IF_ERROR(store->topic_->start(store->options_.start_timeout_ms));
  return store;
}

TopicOffsetStore::~TopicOffsetStore() {
  stop();
}

void TopicOffsetStore::stop() {
  if (topic_) topic_->stop(options_.write_timeout_ms);
}

void TopicOffsetStore::apply(const std::string& key, const std::optional<std::string>& value,
                             std::string connector, int32_t partition, int64_t offset) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    entries_.emplace(key, Slot{value, std::move(connector), partition, offset});
    return;
  }
  Slot& slot = it->second;
  if (slot.partition == partition && slot.offset >= offset) return;  // already newer
  slot = Slot{value, std::move(connector), partition, offset};
}

void TopicOffsetStore::on_record(const StateRecord& record) {
  const std::string where = "offsets topic " + describe(options_.spec) + " partition " +
                            std::to_string(record.partition) + " offset " +
                            std::to_string(record.offset);
  if (!record.key) {
    SLUICE_LOG(kWarn, kOffsetStoreLog, where + ": record without a key skipped");
    return;
  }
  Result<std::string> connector = key_connector(*record.key);
  Status ok = connector.status();
  if (ok.is_ok() && record.value) ok = offset_value_ok(*record.value);
  if (!ok.is_ok()) {
    SLUICE_LOG(
        kWarn, kOffsetStoreLog,
        where + ": record with key " + *record.key + " skipped: " + std::string(ok.message()));
    return;
  }
  apply(*record.key, record.value, std::move(*connector), record.partition, record.offset);
}

Status TopicOffsetStore::put_and_flush(std::span<const storage::OffsetEntry> entries) {
  std::vector<std::string> connectors;
  connectors.reserve(entries.size());
  for (const storage::OffsetEntry& e : entries) {
    Result<std::string> connector = key_connector(e.key_json);
    Status ok = connector.status();
    if (ok.is_ok() && e.value_json) ok = offset_value_ok(*e.value_json);
    if (!ok.is_ok()) {
      return ok.with_context("offsets topic " + describe(options_.spec) + ": entry " + e.key_json);
    }
    connectors.push_back(std::move(*connector));
  }
  return write(std::vector<storage::OffsetEntry>(entries.begin(), entries.end()),
               std::move(connectors));
}

Status TopicOffsetStore::write(std::vector<storage::OffsetEntry> entries,
                               std::vector<std::string> connectors) {
  if (entries.empty()) return Status::ok();
  auto batch = std::make_shared<PendingBatch>();
  batch->remaining = entries.size();
  for (size_t i = 0; i < entries.size(); ++i) {
    const storage::OffsetEntry& e = entries[i];
    std::optional<std::string_view> value;
    if (e.value_json) value = *e.value_json;
    Status sent = topic_->send(
        e.key_json, value,
        [this, batch, key = e.key_json, value_json = e.value_json, connector = connectors[i]](
            const Status& status, int32_t partition, int64_t offset) {
          if (status.is_ok()) apply(key, value_json, connector, partition, offset);
          batch->finish(status, 1);
        });
    if (!sent.is_ok()) {
      batch->finish(sent, entries.size() - i);  // this one and the rest were never sent
      break;
    }
  }
  std::unique_lock lock(batch->mu);
  const bool all_answered =
      batch->done.wait_for(lock, std::chrono::milliseconds(options_.write_timeout_ms),
                           [&]() { return batch->remaining == 0; });
  if (!all_answered) {
    return Status::unavailable(
        "offsets topic " + describe(options_.spec) + ": " + std::to_string(batch->remaining) +
        " of " + std::to_string(entries.size()) + " offset record(s) not acknowledged within " +
        std::to_string(options_.write_timeout_ms) + " ms");
  }
  return batch->first_error;
}

std::optional<std::string> TopicOffsetStore::get(std::string_view key_json) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key_json);
  if (it == entries_.end()) return std::nullopt;
  return it->second.value_json;
}

std::vector<storage::OffsetEntry> TopicOffsetStore::entries_for_connector(
    std::string_view connector) const {
  std::lock_guard lock(mu_);
  std::vector<storage::OffsetEntry> out;
  for (const auto& [key, slot] : entries_) {
    if (slot.value_json && slot.connector == connector) {
      out.push_back(storage::OffsetEntry{key, slot.value_json});
    }
  }
  return out;
}

Status TopicOffsetStore::remove_connector(std::string_view connector) {
  std::vector<storage::OffsetEntry> tombstones;
  std::vector<std::string> connectors;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, slot] : entries_) {
      if (!slot.value_json || slot.connector != connector) continue;
      tombstones.push_back(storage::OffsetEntry{key, std::nullopt});
      connectors.emplace_back(connector);
    }
  }
  return write(std::move(tombstones), std::move(connectors));
}

Status TopicOffsetStore::refresh(int timeout_ms) {
  return topic_->read_to_end(timeout_ms);
}

size_t TopicOffsetStore::size() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [key, slot] : entries_) n += slot.value_json ? 1 : 0;
  return n;
}

}  // namespace sluice::statelog
