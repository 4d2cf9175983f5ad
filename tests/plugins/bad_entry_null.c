/* libbad_entry_null.so: exports sluice_plugin_entry, which returns NULL (a plugin signalling that
 * it cannot initialise). Expected refusal (plugin-abi.md §11 step 3):
 * "sluice_plugin_entry returned NULL". */
#include <stddef.h>

#include <sluice/plugin_abi.h>

SLUICE_EXPORT const sluice_library* sluice_plugin_entry(const sluice_host_api* host) {
  (void)host;
  return NULL;
}
