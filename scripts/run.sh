#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs a standalone Sluice worker with its
# embedded broker-lite and a file → topic → file pipeline from configs/ (data/input.txt → topic
# "lines" → data/output.txt). The REST API listens on http://127.0.0.1:8083. Stop it with Ctrl-C
# (offsets of everything delivered are committed first).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
[ "${SLUICE_SKIP_SETUP:-0}" = 1 ] || "$repo/scripts/setup.sh"
cmake -S "$repo" -B "$repo/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$repo/build" --target sluice sluice-file sluice-verifiable -j2
mkdir -p data/worker
if [ ! -e data/input.txt ]; then
  for i in $(seq 1 1000); do echo "line $i of the sample input"; done >data/input.txt
fi
cat <<'USAGE'
Sluice is starting: data/input.txt → topic "lines" → data/output.txt
  echo "one more line" >> data/input.txt         # appended lines follow
  curl -s 127.0.0.1:8083/connectors?expand=status # connectors and their state
  kcat -C -b 127.0.0.1:9092 -t lines -o beginning -e
USAGE
exec "$repo/build/bin/sluice" standalone configs/worker.yaml configs/file-source.yaml \
  configs/file-sink.yaml
