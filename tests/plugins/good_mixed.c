/* libgood_mixed.so: a valid plugin that sits in test-plugins/ among the broken ones, so a loader
 * test can prove that refusing its neighbours does not stop it from loading. Expected: no
 * refusal; registered as io.sluice.test.GoodMixedSourceConnector (aliases
 * GoodMixedSourceConnector, GoodMixedSource) and io.sluice.test.GoodMixedSinkConnector
 * (GoodMixedSinkConnector, GoodMixedSink). The source emits nothing, the sink drops what it gets.
 */
#include "test_plugin_common.h"

static const sluice_config_key kKeys[] = {
    {.name = "greeting",
     .type = SLUICE_CONFIG_STRING,
     .importance = SLUICE_IMPORTANCE_LOW,
     .default_value = "hello",
     .doc = "An unused string key, present so the key table is not empty.",
     .order_in_group = -1},
    {.name = "batch.size",
     .type = SLUICE_CONFIG_INT,
     .importance = SLUICE_IMPORTANCE_LOW,
     .default_value = "10",
     .doc = "An unused INT key with bounds.",
     .order_in_group = -1,
     .min_value = "1",
     .max_value = "1000"},
    {.name = NULL}};

static const sluice_plugin_descriptor kSource =
    SLUICE_TEST_DESCRIPTOR(SLUICE_KIND_SOURCE, "io.sluice.test.GoodMixedSourceConnector", kKeys,
                           &sluice_test_source_hooks);
static const sluice_plugin_descriptor kSink = SLUICE_TEST_DESCRIPTOR(
    SLUICE_KIND_SINK, "io.sluice.test.GoodMixedSinkConnector", NULL, &sluice_test_sink_hooks);
static const sluice_plugin_descriptor* const kPlugins[] = {&kSource, &kSink};
static const sluice_library kLibrary =
    SLUICE_TEST_LIBRARY(SLUICE_ABI_MAJOR, SLUICE_ABI_MINOR, kPlugins, "good-mixed");

SLUICE_TEST_ENTRY(kLibrary)
