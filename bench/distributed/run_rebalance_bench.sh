#!/usr/bin/env bash
# The rebalance benchmark of issue 4 (docs/benchmarks.md, "Distributed mode: rebalance"): on one
# broker-lite on a free loopback port, clusters of 3 and of 10 `sluice distributed` workers, and
# Apache Kafka Connect 4.1.1 in distributed mode as the reference, each running one source
# connector with 50 tasks; per run, the time from a worker's `kill -9` until all its tasks are
# RUNNING elsewhere, and from a new worker's spawn until its first task is RUNNING, plus the
# tasks that were stopped although they did not move. Medians of --runs runs. The measuring is
# done by bench/distributed/rebalance_bench.py; this script finds the binaries and the Kafka
# Connect jars (bench/worker/setup.sh) and sets up the directories. Prints a markdown summary;
# leaves results.json, summary.md and logs/ in the output directory (default
# BUILD_DIR/bench-results/rebalance-<UTC time>/). Every process it starts is stopped at exit and
# its data directory is removed. About 10 minutes with the defaults.
#
# Usage: bench/distributed/run_rebalance_bench.sh [--runs N] [--skip sluice|connect]...
#          [--workers 3,10] [--connect-workers 3,10] [--build-dir DIR] [--out DIR]
#   --build-dir: where bin/sluice, bin/broker-lite and plugins/ are (default build)
#   --workers / --connect-workers: cluster sizes for Sluice / for Kafka Connect
# Environment: SLUICE_BENCH_DATA (parent of the data directory, default BUILD_DIR/bench-data),
#   CONNECT_JARS (a directory with the Kafka Connect jars; default BUILD_DIR/deps/connect-bench,
#   filled by bench/worker/setup.sh when missing or out of date).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

orig_args="$*"
build_dir="$repo/build"
out_dir=""
py_args=()
skip_connect=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs|--workers|--connect-workers) py_args+=("$1" "$2"); shift 2 ;;
    --skip) py_args+=("$1" "$2"); [ "$2" = connect ] && skip_connect=1; shift 2 ;;
    --build-dir) build_dir="$(cd "$2" && pwd)"; shift 2 ;;
    --out) out_dir="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "run_rebalance_bench: unknown argument $1" >&2; exit 2 ;;
  esac
done

for bin in sluice broker-lite; do
  if [ ! -x "$build_dir/bin/$bin" ]; then
    echo "run_rebalance_bench: $build_dir/bin/$bin not found; build it first:" >&2
    echo "  cmake --build ${build_dir#"$repo"/} --target sluice sluice-verifiable broker-lite" >&2
    exit 1
  fi
done
if [ ! -d "$build_dir/plugins/sluice-verifiable" ]; then
  echo "run_rebalance_bench: $build_dir/plugins/sluice-verifiable not found (build the sluice-verifiable target)" >&2
  exit 1
fi
command -v python3 >/dev/null || { echo "run_rebalance_bench: python3 not found (scripts/setup.sh)" >&2; exit 1; }

connect_jars=""
if [ "$skip_connect" = 0 ]; then
  for tool in java javac jar; do
    command -v "$tool" >/dev/null || { echo "run_rebalance_bench: $tool not found (scripts/setup.sh)" >&2; exit 1; }
  done
  connect_jars="${CONNECT_JARS:-}"
  if [ -z "$connect_jars" ]; then
    connect_jars="$("$repo/bench/worker/setup.sh" "$build_dir/deps/connect-bench")" || { echo "run_rebalance_bench: Kafka Connect will be skipped" >&2; connect_jars=""; }
  fi
fi

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out_dir="${out_dir:-$build_dir/bench-results/rebalance-$stamp}"
mkdir -p "$out_dir"
data_parent="${SLUICE_BENCH_DATA:-$build_dir/bench-data}"
mkdir -p "$data_parent"
data_root="$(mktemp -d "$data_parent/rebalance.XXXXXX")"
bench_pid=""
cleanup() {
  [ -n "$bench_pid" ] && kill -TERM "$bench_pid" 2>/dev/null && wait "$bench_pid" 2>/dev/null
  rm -rf "$data_root"
}
trap cleanup EXIT
trap 'echo "run_rebalance_bench: interrupted" >&2; exit 130' INT TERM

# In the background, so that an interrupt reaches this script (and its cleanup) at once.
python3 "$here/rebalance_bench.py" --broker-lite "$build_dir/bin/broker-lite" \
  --sluice "$build_dir/bin/sluice" --plugin-path "$build_dir/plugins" \
  --connect-jars "$connect_jars" --data "$data_root" --out "$out_dir" \
  --command "bench/distributed/run_rebalance_bench.sh${orig_args:+ $orig_args}" "${py_args[@]}" &
bench_pid=$!
wait "$bench_pid"
rc=$?
bench_pid=""
echo "run_rebalance_bench: results in $out_dir" >&2
exit "$rc"
