// The advertised API/version table (see api_table.h). Version choices follow
// ../shared/reference/kafka-protocol/CLIENTS.md: MinVersion is always 0 (librdkafka's feature
// probe); flexible versions are listed only where a handler serves them.
#include "broker-lite/server/api_table.h"

#include <algorithm>

namespace sluice::broker {
namespace {

constexpr ApiEntry kApis[] = {
    {0, 0, 9, handle_produce},
    {1, 0, 12, handle_fetch},
    {2, 0, 6, handle_list_offsets},
    {3, 0, 12, handle_metadata},
    {8, 0, 8, handle_offset_commit},
    {9, 0, 8, handle_offset_fetch},
    {10, 0, 4, handle_find_coordinator},
    {11, 0, 9, handle_join_group},
    {12, 0, 4, handle_heartbeat},
    {13, 0, 5, handle_leave_group},
    {14, 0, 5, handle_sync_group},
    {15, 0, 5, handle_describe_groups},
    {16, 0, 4, handle_list_groups},
    {18, 0, 3, handle_api_versions},
    {19, 0, 7, handle_create_topics},
    {20, 0, 6, handle_delete_topics},
    {21, 0, 2, handle_delete_records},
    {22, 0, 4, handle_init_producer_id},
    {32, 0, 4, handle_describe_configs},
    {33, 0, 2, handle_alter_configs},
    {37, 0, 3, handle_create_partitions},
    {42, 0, 2, handle_delete_groups},
    {44, 0, 1, handle_incremental_alter_configs},
    {60, 0, 1, handle_describe_cluster},
};

}  // namespace

std::span<const ApiEntry> api_table() {
  return kApis;
}

const ApiEntry* find_api_entry(int16_t key) {
  auto it = std::lower_bound(std::begin(kApis), std::end(kApis), key,
                             [](const ApiEntry& e, int16_t k) { return e.key < k; });
  return it != std::end(kApis) && it->key == key ? it : nullptr;
}

}  // namespace sluice::broker
