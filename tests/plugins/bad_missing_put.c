/* libbad_missing_put.so: a library with a valid source and a sink whose required 'put' hook is
 * NULL. Expected refusal (plugin-abi.md §11 step 5): "plugin 'io.sluice.test.NoPutSinkConnector'
 * (sink): required hook 'put' is NULL". Because a refusal covers the whole library (step 6), the
 * valid io.sluice.test.HalfGoodSourceConnector must not be registered either. */
#include "test_plugin_common.h"

static const sluice_sink_hooks kNoPutHooks = {
    .struct_size = sizeof(sluice_sink_hooks),
    .connector = SLUICE_TEST_CONNECTOR_HOOKS,
    .task_create = sluice_test_task_create,
    .task_destroy = sluice_test_task_destroy,
    .task_start = sluice_test_task_start,
    .put = NULL, /* the defect */
    .task_stop = sluice_test_task_stop,
};

static const sluice_plugin_descriptor kSource = SLUICE_TEST_DESCRIPTOR(
    SLUICE_KIND_SOURCE, "io.sluice.test.HalfGoodSourceConnector", NULL, &sluice_test_source_hooks);
static const sluice_plugin_descriptor kSink = SLUICE_TEST_DESCRIPTOR(
    SLUICE_KIND_SINK, "io.sluice.test.NoPutSinkConnector", NULL, &kNoPutHooks);
static const sluice_plugin_descriptor* const kPlugins[] = {&kSource, &kSink};
static const sluice_library kLibrary =
    SLUICE_TEST_LIBRARY(SLUICE_ABI_MAJOR, SLUICE_ABI_MINOR, kPlugins, "bad-missing-put");

SLUICE_TEST_ENTRY(kLibrary)
