// Offset administration of one connector: see offset_admin.h.
#include "runtime/worker/offset_admin.h"

#include <tuple>

#include "runtime/data/fields.h"
#include "runtime/kafka/admin.h"
#include "runtime/storage/source_offsets.h"
#include "runtime/worker/source_task_runner.h"

namespace sluice::worker {
namespace {

constexpr int kAdminTimeoutMs = 10000;

std::string sink_group(const std::string& connector) {
  return "connect-" + connector;
}

Result<storage::OffsetEntry> source_entry(const std::string& connector,
                                          const rest::OffsetInfo& entry) {
  auto partition = data::OwnedFields::from_json(entry.partition.dump());
  if (!partition.is_ok()) {
    return Status::invalid_argument("invalid source partition " + entry.partition.dump() + ": " +
                                    std::string(partition.status().message()));
  }
  storage::OffsetEntry stored;
  stored.key_json =
      source_offset_key(connector, partition.value().data(), partition.value().size());
  if (!entry.offset.is_null()) {
    auto offset = data::OwnedFields::from_json(entry.offset.dump());
    if (!offset.is_ok()) {
      return Status::invalid_argument("invalid source offset " + entry.offset.dump() + ": " +
                                      std::string(offset.status().message()));
    }
    stored.value_json = offset.value().to_json();
  }
  return stored;
}

Result<std::tuple<std::string, int32_t, int64_t>> sink_entry(const std::string& connector,
                                                             const rest::OffsetInfo& entry) {
  const auto& p = entry.partition;
  if (!p.contains("kafka_topic") || !p["kafka_topic"].is_string() ||
      !p.contains("kafka_partition") || !p["kafka_partition"].is_number_integer()) {
    return Status::invalid_argument(
        "sink connector partitions need 'kafka_topic' (string) and 'kafka_partition' "
        "(integer): " +
        p.dump());
  }
  if (entry.offset.is_null() || !entry.offset.contains("kafka_offset") ||
      !entry.offset["kafka_offset"].is_number_integer() ||
      entry.offset["kafka_offset"].get<int64_t>() < 0) {
    return Status::invalid_argument(
        "sink connector offsets need a non-negative integer 'kafka_offset' (resetting one "
        "partition is done with DELETE /connectors/" +
        connector + "/offsets): " + entry.offset.dump());
  }
  return std::make_tuple(p["kafka_topic"].get<std::string>(), p["kafka_partition"].get<int32_t>(),
                         entry.offset["kafka_offset"].get<int64_t>());
}

}  // namespace

Status offsets_need_stopped(const std::string& connector) {
  return Status::failed_precondition(
      "Connectors must be in the STOPPED state before their offsets can be modified. This "
      "can be done for the specified connector by issuing a 'PUT' request to the "
      "'/connectors/" +
      connector + "/stop' endpoint");
}

Result<std::vector<rest::OffsetInfo>> list_connector_offsets(const WorkerServices& services,
                                                             const std::string& connector,
                                                             bool is_source) {
  std::vector<rest::OffsetInfo> result;
  if (is_source) {
    for (const auto& entry : services.offsets->entries_for_connector(connector)) {
      if (!entry.value_json) continue;
      auto key = nlohmann::json::parse(entry.key_json, nullptr, false);
      auto value = nlohmann::json::parse(*entry.value_json, nullptr, false);
      if (key.is_discarded() || !key.is_array() || key.size() != 2 || value.is_discarded()) {
        continue;
      }
      result.push_back({key[1], value});
    }
    return result;
  }
  if (services.admin == nullptr) return Status::unavailable("no admin client");
  auto offsets = services.admin->list_group_offsets(sink_group(connector), kAdminTimeoutMs);
  if (!offsets.is_ok()) return offsets.status();
  for (const auto& [topic, partition, offset] : offsets.value()) {
    result.push_back(
        {{{"kafka_topic", topic}, {"kafka_partition", partition}}, {{"kafka_offset", offset}}});
  }
  return result;
}

Result<std::string> alter_connector_offsets(const WorkerServices& services,
                                            const std::string& connector, bool is_source,
                                            const std::vector<rest::OffsetInfo>& offsets) {
  if (is_source) {
    std::vector<storage::OffsetEntry> entries;
    for (const auto& entry : offsets) {
      auto stored = source_entry(connector, entry);
      if (!stored.is_ok()) return stored.status();
      entries.push_back(std::move(stored).value());
    }
    SLUICE_RETURN_IF_ERROR(services.offsets->put_and_flush(entries));
    return std::string(
        "The Connect framework-managed offsets for this connector have been altered "
        "successfully. However, if this connector manages offsets externally, they will need "
        "to be manually altered in the system that the connector uses.");
  }
  std::vector<std::tuple<std::string, int32_t, int64_t>> sink_offsets;
  for (const auto& entry : offsets) {
    auto parsed = sink_entry(connector, entry);
    if (!parsed.is_ok()) return parsed.status();
    sink_offsets.push_back(std::move(parsed).value());
  }
  if (services.admin == nullptr) return Status::unavailable("no admin client");
  SLUICE_RETURN_IF_ERROR(
      services.admin->alter_group_offsets(sink_group(connector), sink_offsets, kAdminTimeoutMs));
  return std::string("The offsets for this connector have been altered successfully");
}

Result<std::string> reset_connector_offsets(const WorkerServices& services,
                                            const std::string& connector, bool is_source) {
  if (is_source) {
    SLUICE_RETURN_IF_ERROR(services.offsets->remove_connector(connector));
    return std::string(
        "The Connect framework-managed offsets for this connector have been reset "
        "successfully. However, if this connector manages offsets externally, they will need "
        "to be manually reset in the system that the connector uses.");
  }
  if (services.admin == nullptr) return Status::unavailable("no admin client");
  SLUICE_RETURN_IF_ERROR(services.admin->delete_group(sink_group(connector), kAdminTimeoutMs));
  return std::string("The offsets for this connector have been reset successfully");
}

}  // namespace sluice::worker
