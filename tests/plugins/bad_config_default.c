/* libbad_config_default.so: a source whose key table declares 'batch.size' as INT with the default
 * 'ten', which does not parse as an INT. Expected refusal (plugin-abi.md §6, §11 step 5):
 * "plugin 'io.sluice.test.BadDefaultSourceConnector': config key 'batch.size': default 'ten' is
 * not an INT". */
#include "test_plugin_common.h"

static const sluice_config_key kKeys[] = {{.name = "topic",
                                           .type = SLUICE_CONFIG_STRING,
                                           .importance = SLUICE_IMPORTANCE_HIGH,
                                           .flags = SLUICE_KEY_REQUIRED,
                                           .doc = "A valid key before the broken one.",
                                           .order_in_group = -1},
                                          {.name = "batch.size",
                                           .type = SLUICE_CONFIG_INT,
                                           .importance = SLUICE_IMPORTANCE_LOW,
                                           .default_value = "ten", /* the defect */
                                           .doc = "An INT key whose default is not a number.",
                                           .order_in_group = -1},
                                          {.name = NULL}};

static const sluice_plugin_descriptor kSource =
    SLUICE_TEST_DESCRIPTOR(SLUICE_KIND_SOURCE, "io.sluice.test.BadDefaultSourceConnector", kKeys,
                           &sluice_test_source_hooks);
static const sluice_plugin_descriptor* const kPlugins[] = {&kSource};
static const sluice_library kLibrary =
    SLUICE_TEST_LIBRARY(SLUICE_ABI_MAJOR, SLUICE_ABI_MINOR, kPlugins, "bad-config-default");

SLUICE_TEST_ENTRY(kLibrary)
