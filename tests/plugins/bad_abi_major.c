/* libbad_abi_major.so: the entry returns a library claiming ABI major 2. Expected refusal
 * (plugin-abi.md §11 step 4): "ABI major 2 is not supported (this worker implements 1.0)". */
#include "test_plugin_common.h"

static const sluice_plugin_descriptor kSource =
    SLUICE_TEST_DESCRIPTOR(SLUICE_KIND_SOURCE, "io.sluice.test.AbiMajorTwoSourceConnector", NULL,
                           &sluice_test_source_hooks);
static const sluice_plugin_descriptor* const kPlugins[] = {&kSource};
static const sluice_library kLibrary = SLUICE_TEST_LIBRARY(2, 0, kPlugins, "bad-abi-major");

SLUICE_TEST_ENTRY(kLibrary)
