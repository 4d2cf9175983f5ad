#!/usr/bin/env bash
# Installs the Kafka clients of the integration suite that Debian does not package: KafkaJS (npm,
# into tests/integration/node/node_modules), Apache Kafka's jars (Maven, into build/deps/kafka: the
# reference broker, kafka-clients and kafka-tools) and the suite's Java programs (javac, into
# build/deps/java-classes). Called by scripts/setup.sh. Idempotent and silent when nothing is to do.
# Environment: SLUICE_DEPS_DIR overrides the output directory (default <repo>/build/deps).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
deps="${SLUICE_DEPS_DIR:-$repo/build/deps}"
mkdir -p "$deps"

# KafkaJS, pinned by package-lock.json.
if [ ! -f "$here/node/node_modules/kafkajs/package.json" ]; then
  echo "setup-clients: installing KafkaJS (npm ci in tests/integration/node)"
  (cd "$here/node" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# Apache Kafka jars. The stamp holds the hash of the pom that produced the directory, so changing
# the Kafka version refetches.
jars="$deps/kafka"
pom_hash="$(sha256sum "$here/java/pom.xml" | cut -d' ' -f1)"
if [ "$(cat "$jars/.pom-sha256" 2>/dev/null || true)" != "$pom_hash" ]; then
  echo "setup-clients: fetching Apache Kafka jars with Maven into ${jars#"$repo"/}"
  rm -rf "$jars.tmp"
  if ! log="$(mvn -q -B -f "$here/java/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$jars.tmp" 2>&1)"; then
    echo "$log"
    echo "setup-clients: Maven failed" >&2
    exit 1
  fi
  echo "$pom_hash" >"$jars.tmp/.pom-sha256"
  rm -rf "$jars"
  mv "$jars.tmp" "$jars"
fi

# The suite's Java programs: recompiled when a source or the jar set is newer than the last build.
classes="$deps/java-classes"
stamp="$classes/.built"
mapfile -t sources < <(find "$here/java/src" -name '*.java' | sort)
if [ ${#sources[@]} -gt 0 ]; then
  stale=0
  if [ ! -f "$stamp" ] || [ "$jars/.pom-sha256" -nt "$stamp" ]; then
    stale=1
  else
    for s in "${sources[@]}"; do
      if [ "$s" -nt "$stamp" ]; then stale=1; break; fi
    done
    # A deleted source also makes the build stale.
    [ "$(cat "$stamp")" = "$(printf '%s\n' "${sources[@]}" | sha256sum | cut -d' ' -f1)" ] || stale=1
  fi
  if [ "$stale" = 1 ]; then
    echo "setup-clients: compiling the Java test programs into ${classes#"$repo"/}"
    rm -rf "$classes.tmp"
    mkdir -p "$classes.tmp"
    javac -nowarn -encoding UTF-8 --release 17 -cp "$jars/*" -d "$classes.tmp" "${sources[@]}"
    printf '%s\n' "${sources[@]}" | sha256sum | cut -d' ' -f1 >"$classes.tmp/.built"
    rm -rf "$classes"
    mv "$classes.tmp" "$classes"
  fi
fi
