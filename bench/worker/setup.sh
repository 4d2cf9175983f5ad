#!/usr/bin/env bash
# Fetches Apache Kafka Connect (connect-runtime, connect-file and an slf4j binding, the versions
# of bench/worker/pom.xml) from Maven Central into build/deps/connect-bench/, for the worker
# benchmark. Idempotent: does nothing while the jars there match the pom. Prints the directory.
# Usage: bench/worker/setup.sh [DEST_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dest="${1:-$repo/build/deps/connect-bench}"

pom_hash="$(sha256sum "$here/pom.xml" | cut -d' ' -f1)"
if [ "$(cat "$dest/.pom-sha256" 2>/dev/null || true)" != "$pom_hash" ]; then
  command -v mvn >/dev/null || { echo "bench/worker/setup.sh: mvn not found (scripts/setup.sh installs it)" >&2; exit 1; }
  echo "bench/worker/setup.sh: fetching Kafka Connect jars with Maven into $dest" >&2
  rm -rf "$dest.tmp"
  mkdir -p "$(dirname "$dest")"
  if ! mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$dest.tmp" >"$dest.maven.log" 2>&1; then
    echo "bench/worker/setup.sh: Maven failed; see $dest.maven.log" >&2
    exit 1
  fi
  echo "$pom_hash" >"$dest.tmp/.pom-sha256"
  rm -rf "$dest"
  mv "$dest.tmp" "$dest"
  rm -f "$dest.maven.log"
fi
echo "$dest"
