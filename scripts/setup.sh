#!/usr/bin/env bash
# Installs everything Sluice's build, tests and benchmarks need on a fresh Debian 12 machine:
# Debian packages (apt-get), KafkaJS (npm), and the Apache Kafka jars (Maven). Idempotent: a
# second run installs nothing and takes a few seconds.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

apt_packages=(
  build-essential cmake ninja-build pkg-config git
  libgtest-dev libgmock-dev googletest
  librdkafka-dev kcat libasio-dev libpoco-dev libyaml-cpp-dev nlohmann-json3-dev libsoci-dev
  libcurl4-openssl-dev zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev
  clang-14 libclang-rt-14-dev clang-format-14
  python3 python3-pytest python3-confluent-kafka python3-kafka
  nodejs npm default-jdk-headless maven
  curl procps iproute2
)

missing=()
for p in "${apt_packages[@]}"; do
  # A package counts as present when dpkg says it is installed, or (for the toolchains that the
  # machine image ships outside apt: node, npm, java, maven) when its command exists.
  case "$p" in
    nodejs) command -v node >/dev/null && continue ;;
    npm) command -v npm >/dev/null && continue ;;
    default-jdk-headless) command -v javac >/dev/null && continue ;;
    maven) command -v mvn >/dev/null && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Test clients and jars outside Debian (KafkaJS, Apache Kafka 4.x) are installed by
# tests/integration/setup-clients.sh when it exists.
if [ -x "$repo/tests/integration/setup-clients.sh" ]; then
  "$repo/tests/integration/setup-clients.sh"
fi
echo "setup: done"
