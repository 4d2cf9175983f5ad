/* libbad_duplicate_class.so: a valid source that claims the class name of Sluice's file source.
 * When the worker has already registered connectors/file's libsluice-file.so (plugin.path lists
 * build/plugins before build/test-plugins; libraries load in sorted path order), the expected
 * refusal (plugin-abi.md §11 step 5) is:
 * "plugin 'org.apache.kafka.connect.file.FileStreamSourceConnector' is already provided by
 * <path of libsluice-file.so>". Loaded alone, it registers normally. */
#include "test_plugin_common.h"

static const sluice_plugin_descriptor kSource = SLUICE_TEST_DESCRIPTOR(
    SLUICE_KIND_SOURCE, "org.apache.kafka.connect.file.FileStreamSourceConnector", NULL,
    &sluice_test_source_hooks);
static const sluice_plugin_descriptor* const kPlugins[] = {&kSource};
static const sluice_library kLibrary =
    SLUICE_TEST_LIBRARY(SLUICE_ABI_MAJOR, SLUICE_ABI_MINOR, kPlugins, "bad-duplicate-class");

SLUICE_TEST_ENTRY(kLibrary)
