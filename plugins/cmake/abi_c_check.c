/* Build-time check that plugin_abi.h is valid strict C11 (the ABI must serve plugins written in
 * plain C): compiled by the sluice_abi_c_check target with -std=c11 -pedantic-errors. */
#include <sluice/plugin_abi.h>

static const sluice_config_key kKeys[] = {
    {.name = "topic", .type = SLUICE_CONFIG_STRING, .importance = SLUICE_IMPORTANCE_HIGH,
     .flags = SLUICE_KEY_REQUIRED, .doc = "Topic.", .order_in_group = -1},
    {.name = 0}};

const sluice_config_key* sluice_abi_c_check_keys(void);
const sluice_config_key* sluice_abi_c_check_keys(void) { return kKeys; }
