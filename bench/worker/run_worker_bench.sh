#!/usr/bin/env bash
# The worker benchmark of issue 3 (docs/benchmarks.md, "Worker"): in one run against one
# broker-lite on a free loopback port, 1,000,000 lines of 100 bytes moved file → topic
# (FileStreamSource) and topic → file (FileStreamSink) by Sluice, by kcat and by Apache Kafka
# Connect 4.x in standalone mode; each worker's start-up time and idle/loaded RSS. Medians of
# --runs runs. The measuring is done by bench/worker/worker_bench.py; this script finds the
# binaries, fetches the Kafka Connect jars (bench/worker/setup.sh) and sets up the directories.
# Prints a markdown summary; leaves results.json, summary.md and logs/ in the output directory
# (default BUILD_DIR/bench-results/worker-<UTC time>/). Every process it starts is stopped at exit
# and its data directory (about 1.5 GB at the default size) is removed.
#
# Usage: bench/worker/run_worker_bench.sh [--runs N] [--lines N] [--skip kcat|sluice|connect]...
#          [--build-dir DIR] [--out DIR] [--profile]
#   --build-dir: where bin/sluice, bin/broker-lite and plugins/ are (default build)
#   --profile:   one extra, unmeasured Sluice run under `perf record -g` (profile-*.txt)
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
while [ $# -gt 0 ]; do
  case "$1" in
    --runs|--lines|--skip) py_args+=("$1" "$2"); shift 2 ;;
    --profile) py_args+=("$1"); shift ;;
    --build-dir) build_dir="$(cd "$2" && pwd)"; shift 2 ;;
    --out) out_dir="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "run_worker_bench: unknown argument $1" >&2; exit 2 ;;
  esac
done

for bin in sluice broker-lite; do
  if [ ! -x "$build_dir/bin/$bin" ]; then
    echo "run_worker_bench: $build_dir/bin/$bin not found; build it first:" >&2
    echo "  cmake --build ${build_dir#"$repo"/} --target sluice sluice-file broker-lite" >&2
    exit 1
  fi
done
if [ ! -d "$build_dir/plugins/sluice-file" ]; then
  echo "run_worker_bench: $build_dir/plugins/sluice-file not found (build the sluice-file target)" >&2
  exit 1
fi
for tool in kcat java python3; do
  command -v "$tool" >/dev/null || { echo "run_worker_bench: $tool not found (scripts/setup.sh)" >&2; exit 1; }
done

connect_jars="${CONNECT_JARS:-}"
if [ -z "$connect_jars" ]; then
  connect_jars="$("$here/setup.sh" "$build_dir/deps/connect-bench")" || { echo "run_worker_bench: Kafka Connect will be skipped" >&2; connect_jars=""; }
fi

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out_dir="${out_dir:-$build_dir/bench-results/worker-$stamp}"
mkdir -p "$out_dir"
data_parent="${SLUICE_BENCH_DATA:-$build_dir/bench-data}"
mkdir -p "$data_parent"
data_root="$(mktemp -d "$data_parent/worker.XXXXXX")"
bench_pid=""
cleanup() {
  [ -n "$bench_pid" ] && kill -TERM "$bench_pid" 2>/dev/null && wait "$bench_pid" 2>/dev/null
  rm -rf "$data_root"
}
trap cleanup EXIT
trap 'echo "run_worker_bench: interrupted" >&2; exit 130' INT TERM

# In the background, so that an interrupt reaches this script (and its cleanup) at once.
python3 "$here/worker_bench.py" --broker-lite "$build_dir/bin/broker-lite" \
  --sluice "$build_dir/bin/sluice" --plugin-path "$build_dir/plugins" \
  --connect-jars "$connect_jars" --data "$data_root" --out "$out_dir" \
  --command "bench/worker/run_worker_bench.sh${orig_args:+ $orig_args}" "${py_args[@]}" &
bench_pid=$!
wait "$bench_pid"
rc=$?
bench_pid=""
echo "run_worker_bench: results in $out_dir" >&2
exit "$rc"
