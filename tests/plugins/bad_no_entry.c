/* libbad_no_entry.so: a valid shared library that exports a function, but not
 * sluice_plugin_entry (for example an ordinary dependency library dropped into plugin.path).
 * Expected refusal (plugin-abi.md §11 step 2):
 * "no sluice_plugin_entry symbol (not a Sluice plugin)". */
#include <sluice/plugin_abi.h>

SLUICE_EXPORT int sluice_plugin_entry_misspelled(void) {
  return 42;
}
