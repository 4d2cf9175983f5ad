// The request dispatch table: for each API key broker-lite serves, the version range it
// advertises in ApiVersions (always from MinVersion 0, see CLIENTS.md P3) and its handler. The
// ApiVersions answer is built from this table and nothing else.
#pragma once

#include <cstdint>
#include <span>

#include "broker-lite/server/request.h"

namespace sluice::broker {

class Broker;

using ApiHandler = void (*)(Broker& broker, const RequestPtr& request);

struct ApiEntry {
  int16_t key;
  int16_t min_version;
  int16_t max_version;
  ApiHandler handler;
};

// The advertised APIs, sorted by key.
std::span<const ApiEntry> api_table();
const ApiEntry* find_api_entry(int16_t key);

// Handlers, one per API (server/handlers/<api>.cc).
void handle_api_versions(Broker&, const RequestPtr&);
void handle_metadata(Broker&, const RequestPtr&);
void handle_produce(Broker&, const RequestPtr&);
void handle_fetch(Broker&, const RequestPtr&);
void handle_list_offsets(Broker&, const RequestPtr&);
void handle_create_topics(Broker&, const RequestPtr&);
void handle_delete_topics(Broker&, const RequestPtr&);
void handle_create_partitions(Broker&, const RequestPtr&);
void handle_delete_records(Broker&, const RequestPtr&);
void handle_describe_configs(Broker&, const RequestPtr&);
void handle_alter_configs(Broker&, const RequestPtr&);
void handle_incremental_alter_configs(Broker&, const RequestPtr&);
void handle_init_producer_id(Broker&, const RequestPtr&);
void handle_find_coordinator(Broker&, const RequestPtr&);
void handle_join_group(Broker&, const RequestPtr&);
void handle_sync_group(Broker&, const RequestPtr&);
void handle_heartbeat(Broker&, const RequestPtr&);
void handle_leave_group(Broker&, const RequestPtr&);
void handle_offset_commit(Broker&, const RequestPtr&);
void handle_offset_fetch(Broker&, const RequestPtr&);
void handle_list_groups(Broker&, const RequestPtr&);
void handle_describe_groups(Broker&, const RequestPtr&);
void handle_delete_groups(Broker&, const RequestPtr&);
void handle_describe_cluster(Broker&, const RequestPtr&);

}  // namespace sluice::broker
