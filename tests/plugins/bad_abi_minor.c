/* libbad_abi_minor.so: the entry returns a library built for ABI 1.9, newer than any host of
 * ABI 1.0 implements. Expected refusal (plugin-abi.md §11 step 4, rule 2 of §1):
 * "built for ABI 1.9, this worker implements up to 1.0". */
#include "test_plugin_common.h"

static const sluice_plugin_descriptor kSource =
    SLUICE_TEST_DESCRIPTOR(SLUICE_KIND_SOURCE, "io.sluice.test.AbiMinorNineSourceConnector", NULL,
                           &sluice_test_source_hooks);
static const sluice_plugin_descriptor* const kPlugins[] = {&kSource};
static const sluice_library kLibrary =
    SLUICE_TEST_LIBRARY(SLUICE_ABI_MAJOR, 9, kPlugins, "bad-abi-minor");

SLUICE_TEST_ENTRY(kLibrary)
