/* Shared pieces of the deliberately broken test plugins in tests/plugins/: minimal, working
 * connector and task hooks (they do nothing useful), the hook tables built from them, and macros
 * that fill a descriptor and a library the way a correct plugin would. Each test plugin then
 * breaks exactly one thing, so the host's refusal names that one thing. Plain C11 against
 * <sluice/plugin_abi.h> only: these files also prove that the ABI is usable from C.
 *
 * Every function here is compiled into each test module separately (hidden visibility), so no
 * state is shared between two modules. */
#ifndef SLUICE_TESTS_PLUGINS_TEST_PLUGIN_COMMON_H_
#define SLUICE_TESTS_PLUGINS_TEST_PLUGIN_COMMON_H_

#include <stddef.h>

#include <sluice/plugin_abi.h>

/* The host API handed to this module's entry; NULL until the entry ran. */
extern const sluice_host_api* sluice_test_host;

/* Connector hooks: create allocates a small instance, start/stop do nothing, task_configs lends
 * one empty task config (static storage). */
int32_t sluice_test_connector_create(sluice_host_ctx* ctx, sluice_connector** out);
void sluice_test_connector_destroy(sluice_connector* c);
int32_t sluice_test_connector_start(sluice_connector* c, const sluice_config* config);
int32_t sluice_test_connector_task_configs(sluice_connector* c, uint32_t max_tasks,
                                           const sluice_config** out_tasks, uint32_t* out_count);
int32_t sluice_test_connector_stop(sluice_connector* c);

/* Task hooks shared by sources and sinks. poll waits up to min(max_wait_ms, 100) ms and returns no
 * records; put accepts (and drops) every record. */
int32_t sluice_test_task_create(sluice_host_ctx* ctx, sluice_task** out);
void sluice_test_task_destroy(sluice_task* t);
int32_t sluice_test_task_start(sluice_task* t, const sluice_config* task_config);
int32_t sluice_test_task_poll(sluice_task* t, uint32_t max_wait_ms, sluice_record_batch* out);
int32_t sluice_test_task_put(sluice_task* t, const sluice_record_batch* batch);
int32_t sluice_test_task_stop(sluice_task* t);

/* Complete, valid hook tables built from the functions above. */
extern const sluice_source_hooks sluice_test_source_hooks;
extern const sluice_sink_hooks sluice_test_sink_hooks;

/* The connector part of a hook table, as a designated initializer. */
#define SLUICE_TEST_CONNECTOR_HOOKS                                                           \
  {                                                                                           \
    .create = sluice_test_connector_create, .destroy = sluice_test_connector_destroy,         \
    .start = sluice_test_connector_start, .task_configs = sluice_test_connector_task_configs, \
    .stop = sluice_test_connector_stop                                                        \
  }

/* A descriptor initializer at this header's ABI version. */
#define SLUICE_TEST_DESCRIPTOR(kind_, class_name_, keys_, hooks_)                               \
  {                                                                                             \
    .abi_major = SLUICE_ABI_MAJOR, .abi_minor = SLUICE_ABI_MINOR,                               \
    .struct_size = sizeof(sluice_plugin_descriptor), .kind = (kind_),                           \
    .config_key_size = sizeof(sluice_config_key), .class_name = (class_name_), .aliases = NULL, \
    .version = "0.0.1", .description = "Sluice loader test plugin.", .config_keys = (keys_),    \
    .hooks = (hooks_)                                                                           \
  }

/* A library initializer; major_/minor_ let a test plugin claim another ABI version. */
#define SLUICE_TEST_LIBRARY(major_, minor_, plugins_, name_)                                     \
  {                                                                                              \
    .abi_major = (major_), .abi_minor = (minor_), .struct_size = sizeof(sluice_library),         \
    .plugin_count = (uint32_t)(sizeof(plugins_) / sizeof((plugins_)[0])), .plugins = (plugins_), \
    .library_name = (name_), .library_version = "0.0.1"                                          \
  }

/* Defines the exported entry returning &library_ (and keeping the host API). */
#define SLUICE_TEST_ENTRY(library_)                                                      \
  SLUICE_EXPORT const sluice_library* sluice_plugin_entry(const sluice_host_api* host) { \
    sluice_test_host = host;                                                             \
    return &(library_);                                                                  \
  }

#endif /* SLUICE_TESTS_PLUGINS_TEST_PLUGIN_COMMON_H_ */
