/* Minimal working hooks shared by the test plugins (see test_plugin_common.h). They keep no
 * state beyond the host context and never call the host except set_error on allocation failure. */
#define _POSIX_C_SOURCE 200809L
#include "test_plugin_common.h"

#include <stdlib.h>
#include <time.h>

const sluice_host_api* sluice_test_host = NULL;

/* The instance behind both sluice_connector* and sluice_task* of these plugins. */
typedef struct test_instance {
  sluice_host_ctx* ctx;
} test_instance;

static int32_t new_instance(sluice_host_ctx* ctx, void** out) {
  test_instance* instance = calloc(1, sizeof *instance);
  if (instance == NULL) {
    static const char kText[] = "out of memory";
    sluice_test_host->set_error(ctx, (sluice_str){kText, sizeof kText - 1});
    return SLUICE_ERR_FAILED;
  }
  instance->ctx = ctx;
  *out = instance;
  return SLUICE_OK;
}

int32_t sluice_test_connector_create(sluice_host_ctx* ctx, sluice_connector** out) {
  return new_instance(ctx, (void**)out);
}

void sluice_test_connector_destroy(sluice_connector* c) {
  free(c);
}

int32_t sluice_test_connector_start(sluice_connector* c, const sluice_config* config) {
  (void)c;
  (void)config;
  return SLUICE_OK;
}

int32_t sluice_test_connector_task_configs(sluice_connector* c, uint32_t max_tasks,
                                           const sluice_config** out_tasks, uint32_t* out_count) {
  static const sluice_config kEmpty = {NULL, 0};
  (void)c;
  (void)max_tasks;
  *out_tasks = &kEmpty;
  *out_count = 1;
  return SLUICE_OK;
}

int32_t sluice_test_connector_stop(sluice_connector* c) {
  (void)c;
  return SLUICE_OK;
}

int32_t sluice_test_task_create(sluice_host_ctx* ctx, sluice_task** out) {
  return new_instance(ctx, (void**)out);
}

void sluice_test_task_destroy(sluice_task* t) {
  free(t);
}

int32_t sluice_test_task_start(sluice_task* t, const sluice_config* task_config) {
  (void)t;
  (void)task_config;
  return SLUICE_OK;
}

int32_t sluice_test_task_poll(sluice_task* t, uint32_t max_wait_ms, sluice_record_batch* out) {
  (void)t;
  uint32_t wait_ms = max_wait_ms < 100 ? max_wait_ms : 100;
  struct timespec pause = {wait_ms / 1000, (long)(wait_ms % 1000) * 1000000L};
  nanosleep(&pause, NULL);
  out->records = NULL;
  out->count = 0;
  out->record_size = sizeof(sluice_record);
  return SLUICE_OK;
}

int32_t sluice_test_task_put(sluice_task* t, const sluice_record_batch* batch) {
  (void)t;
  (void)batch;
  return SLUICE_OK;
}

int32_t sluice_test_task_stop(sluice_task* t) {
  (void)t;
  return SLUICE_OK;
}

const sluice_source_hooks sluice_test_source_hooks = {
    .struct_size = sizeof(sluice_source_hooks),
    .connector = SLUICE_TEST_CONNECTOR_HOOKS,
    .task_create = sluice_test_task_create,
    .task_destroy = sluice_test_task_destroy,
    .task_start = sluice_test_task_start,
    .poll = sluice_test_task_poll,
    .task_stop = sluice_test_task_stop,
};

const sluice_sink_hooks sluice_test_sink_hooks = {
    .struct_size = sizeof(sluice_sink_hooks),
    .connector = SLUICE_TEST_CONNECTOR_HOOKS,
    .task_create = sluice_test_task_create,
    .task_destroy = sluice_test_task_destroy,
    .task_start = sluice_test_task_start,
    .put = sluice_test_task_put,
    .task_stop = sluice_test_task_stop,
};
