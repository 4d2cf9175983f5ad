#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs broker-lite on configs/broker.yaml
# (data under ./data/broker). Prints how to use it with kcat. Stop it with Ctrl-C.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
[ "${SLUICE_SKIP_SETUP:-0}" = 1 ] || "$repo/scripts/setup.sh"
cmake -S "$repo" -B "$repo/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$repo/build" --target broker-lite -j2
exec "$repo/build/bin/broker-lite" --config "${1:-$repo/configs/broker.yaml}"
