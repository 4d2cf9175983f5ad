#!/usr/bin/env bash
# The broker benchmark of broker-lite (see docs/benchmarks.md): in one run, on loopback only,
#   (a) the machine's limits: loopback TCP (iperf3, else a Python socket pump) and sequential
#       write + fdatasync bandwidth of the data directory's filesystem (dd);
#   (b) librdkafka's in-process mock cluster: produce acks=1 / acks=all and consume of
#       1 KiB x 200k and 100 B x 1M messages with bench/broker_bench.cc;
#   (c) broker-lite (build/bin/broker-lite), the same figures plus broker CPU per message, peak
#       RSS and start-up time; skipped with a message when the binary is missing;
#   (d) Apache Kafka 4.x, one KRaft node from the Maven Central jars, the same figures, and
#       Kafka's own ProducerPerformance against Kafka and broker-lite.
# Writes results.jsonl, summary.md (the table with PASS/FAIL per target, ready to paste into
# docs/benchmarks.md) and logs under the output directory, and prints summary.md. Every process
# it starts is stopped at exit; its data directory is removed.
#
# Usage: bench/broker/run_broker_bench.sh [--runs N] [--pp-runs N] [--skip PART]... [--out DIR]
#          [--build-dir DIR] [--budget-s S]
#   PART: machine, mock, broker-lite, kafka, pp (ProducerPerformance)
# Environment: BROKER_BENCH (harness binary), BROKER_LITE (broker binary), SLUICE_BENCH_DATA
#   (parent of the data directory, default build/bench-data), SLUICE_BENCH_NO_INSTALL=1 (never
#   apt-get install iperf3).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

orig_args="$*"
runs=3
pp_runs=1
budget_s=900
build_dir="$repo/build"
out_dir=""
skip=" "
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --pp-runs) pp_runs="$2"; shift 2 ;;
    --skip)
      case "$2" in machine|mock|broker-lite|kafka|pp) ;; *) echo "run_broker_bench: cannot skip $2" >&2; exit 2 ;; esac
      skip+="$2 "; shift 2 ;;
    --out) out_dir="$2"; shift 2 ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    --budget-s) budget_s="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "run_broker_bench: unknown argument $1" >&2; exit 2 ;;
  esac
done
skipped() { [[ "$skip" == *" $1 "* ]]; }

# Workloads: name, message size, count.
workloads=("1k 1024 200000" "100b 100 1000000")

start_s=$(date +%s)
deadline=$((start_s + budget_s))
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out_dir="${out_dir:-$repo/build/bench-results/broker-$stamp}"
mkdir -p "$out_dir/logs"
results="$out_dir/results.jsonl"
: >"$results"
data_parent="${SLUICE_BENCH_DATA:-$repo/build/bench-data}"
mkdir -p "$data_parent"
data_root="$(mktemp -d "$data_parent/run.XXXXXX")"

started_pids=()  # servers, stopped at exit
step_pid=""      # the bounded step running now (see bounded)
cleanup() {
  local pid
  [ -n "$step_pid" ] && kill -TERM "$step_pid" 2>/dev/null
  for pid in "${started_pids[@]}"; do stop_process "$pid" 20; done
  rm -rf "$data_root"
  rm -f "${step_out:-}"
}
trap cleanup EXIT
trap 'echo "run_broker_bench: interrupted" >&2; exit 130' INT TERM

# Runs a command for at most $1 seconds, its stdout into file $2, its stderr appended to file $3.
# It runs in the background and the script waits for it, so that an interrupt is handled at once
# instead of after the command.
bounded() {  # seconds stdout-file stderr-file command...
  local secs="$1" out="$2" err="$3"
  shift 3
  timeout "$secs" "$@" >"$out" 2>>"$err" &
  step_pid=$!
  wait "$step_pid"
  local rc=$?
  step_pid=""
  return "$rc"
}
step_out="$out_dir/logs/.step-output"

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
record() { printf '%s\n' "$1" >>"$results"; }
time_left() { echo $((deadline - $(date +%s))); }
# True (and says so) when less than $1 seconds of the budget remain.
out_of_time() {
  if [ "$(time_left)" -lt "$1" ]; then
    log "budget: skipping $2 (less than $1 s left of ${budget_s} s)"
    record "{\"kind\":\"skip\",\"target\":\"$2\",\"reason\":\"out of the time budget\"}"
    return 0
  fi
  return 1
}

# Sends SIGTERM to a process this script started, waits up to $2 seconds, then SIGKILL.
stop_process() {
  local pid="$1" grace="$2" i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
    sleep 0.1
  done
  log "process $pid ignored SIGTERM for ${grace} s: SIGKILL"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# utime + stime of a process, in seconds.
proc_cpu_s() {
  local ticks
  ticks=$(sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}')
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.3f", t / hz }'
}
proc_hwm_mib() { awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

# ---- the harness ----------------------------------------------------------------------------

find_harness() {
  if [ -n "${BROKER_BENCH:-}" ]; then echo "$BROKER_BENCH"; return; fi
  local bin="$build_dir/bin/broker_bench"
  if [ ! -x "$bin" ] || [ "$repo/bench/broker_bench.cc" -nt "$bin" ]; then
    log "building broker_bench in ${build_dir#"$repo"/}"
    # An existing build directory keeps its configuration (build type and all).
    local configure=(cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release)
    [ -f "$build_dir/CMakeCache.txt" ] && configure=(cmake "$build_dir")
    if ! { "${configure[@]}" >/dev/null &&
      cmake --build "$build_dir" --target broker_bench -j1 >/dev/null; } 2>"$out_dir/logs/build.log"; then
      # The rest of the tree may not configure; the harness needs only librdkafka.
      bin="$build_dir/bench-bin/broker_bench"
      mkdir -p "$(dirname "$bin")"
      log "cmake failed (see logs/build.log); compiling broker_bench directly"
      # shellcheck disable=SC2046
      g++ -std=c++20 -O2 -I"$repo" "$repo/bench/broker_bench.cc" -o "$bin" \
        $(pkg-config --cflags --libs rdkafka) -lpthread || return 1
    fi
  fi
  echo "$bin"
}

# Runs the harness with a label target/workload/op/run, appends its JSON line to the results
# and, when $pid is given, the broker's CPU seconds over the run.
harness() {  # target workload op run pid args...
  local target="$1" workload="$2" op="$3" run="$4" pid="$5"
  shift 5
  local cpu0 cpu1 line
  [ -n "$pid" ] && cpu0=$(proc_cpu_s "$pid")
  bounded 300 "$step_out" "$out_dir/logs/harness-$target.log" \
    "$bench" "$@" --label "$target/$workload/$op/$run"
  line=$(tail -1 "$step_out")
  [ -n "$pid" ] && cpu1=$(proc_cpu_s "$pid")
  if [ -z "$line" ]; then
    line="{\"label\":\"$target/$workload/$op/$run\",\"msgs_per_s\":0,\"mb_per_s\":0,\"ok\":false}"
  fi
  record "$line"
  local messages
  messages=$(sed -n 's/.*"\(delivered\|consumed\)":\([0-9]*\).*/\2/p' <<<"$line")
  if [ -n "$pid" ] && [ -n "$messages" ]; then
    record "{\"kind\":\"cpu\",\"target\":\"$target\",\"workload\":\"$workload\",\"op\":\"$op\",\"run\":$run,\"cpu_s\":$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN{printf "%.3f", b-a}'),\"messages\":$messages}"
  fi
  log "  $target $workload $op #$run: $(sed -n 's/.*"mb_per_s":\([0-9.]*\).*"ok":\([a-z]*\).*/\1 MB\/s ok=\2/p' <<<"$line")"
}

# The librdkafka figures against one target: --mock, or a bootstrap address and the broker pid.
run_workloads() {  # target pid harness-target-args...
  local target="$1" pid="$2"
  shift 2
  local run w name size count
  for ((run = 1; run <= runs; run++)); do
    for w in "${workloads[@]}"; do
      read -r name size count <<<"$w"
      out_of_time 30 "$target (rest of the runs)" && return
      local common=(--size "$size" --count "$count" --partitions 1)
      harness "$target" "$name" produce_acks1 "$run" "$pid" produce "$@" "${common[@]}" \
        --acks 1 --topic "bench-$name-acks1-$run"
      harness "$target" "$name" produce_acksall "$run" "$pid" produce "$@" "${common[@]}" \
        --acks all --topic "bench-$name-acksall-$run"
      # Against a broker this reads back what the acks=1 run wrote; the mock fills itself.
      harness "$target" "$name" consume "$run" "$pid" consume "$@" "${common[@]}" \
        --topic "bench-$name-acks1-$run"
    done
  done
}

# Untimed: reads back the first run's topics with --verify (every payload, no duplicates), so
# that a broker returning wrong data cannot pass on speed alone.
verify_readback() {  # target bootstrap
  local w name size count acks
  for w in "${workloads[@]}"; do
    read -r name size count <<<"$w"
    for acks in acks1 acksall; do
      [ "$(time_left)" -lt 30 ] && return
      harness "$1" "$name" "verify_$acks" 1 "" consume --bootstrap "$2" --size "$size" \
        --count "$count" --partitions 1 --topic "bench-$name-$acks-1" --verify
    done
  done
}

# Kafka only: acks=all on topics with flush.messages=1, so that Kafka fsyncs every append as
# broker-lite does for acks=all. For context; no target uses it.
run_fsync_reference() {  # target pid bootstrap
  local run w name size count
  for ((run = 1; run <= runs; run++)); do
    for w in "${workloads[@]}"; do
      read -r name size count <<<"$w"
      out_of_time 60 "$1 flush.messages=1" && return
      harness "$1" "$name" produce_acksall_fsync "$run" "$2" produce --bootstrap "$3" \
        --size "$size" --count "$count" --partitions 1 --acks all \
        --topic "bench-$name-fsync-$run" --topic-config flush.messages=1
    done
  done
}

# ---- Kafka's ProducerPerformance ------------------------------------------------------------

kafka_jars=""
find_kafka_jars() {
  local shared="$repo/build/deps/kafka" own="$repo/build/deps/kafka-bench"
  if ls "$shared"/kafka_2.13-4.*.jar "$shared"/kafka-tools-4.*.jar >/dev/null 2>&1; then
    kafka_jars="$shared"
    return 0
  fi
  local pom_hash
  pom_hash="$(sha256sum "$here/pom.xml" | cut -d' ' -f1)"
  if [ "$(cat "$own/.pom-sha256" 2>/dev/null || true)" != "$pom_hash" ]; then
    log "fetching the Apache Kafka jars with Maven into ${own#"$repo"/}"
    rm -rf "$own.tmp"
    if ! mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$own.tmp" >"$out_dir/logs/maven.log" 2>&1; then
      log "Maven failed (see logs/maven.log)"
      return 1
    fi
    echo "$pom_hash" >"$own.tmp/.pom-sha256"
    rm -rf "$own"
    mv "$own.tmp" "$own"
  fi
  kafka_jars="$own"
}

# Kafka's ProducerPerformance with the Java producer's defaults (batch.size 16 KiB, linger.ms 5)
# and the given acks; records its final line.
producer_performance() {  # target bootstrap workload size count acks run
  local target="$1" bootstrap="$2" workload="$3" size="$4" count="$5" acks="$6" run="$7"
  local op="produce_acks$acks" last
  bounded 180 "$step_out" "$out_dir/logs/pp-$target.log" java -Xmx512M -cp "$kafka_jars/*" \
    org.apache.kafka.tools.ProducerPerformance --topic "pp-$workload-acks$acks-$run" \
    --num-records "$count" --record-size "$size" --throughput -1 \
    --producer-props "bootstrap.servers=$bootstrap" "acks=$acks"
  cat "$step_out" >>"$out_dir/logs/pp-$target.log"
  last=$(tail -1 "$step_out")
  # "N records sent, X records/sec (Y MB/sec), ..." (MB there is MiB; recomputed here).
  local sent rate
  sent=$(sed -n 's/^\([0-9]*\) records sent, \([0-9.]*\) records\/sec.*/\1/p' <<<"$last")
  rate=$(sed -n 's/^\([0-9]*\) records sent, \([0-9.]*\) records\/sec.*/\2/p' <<<"$last")
  local ok=false
  [ "$sent" = "$count" ] && ok=true
  [ -n "$rate" ] || rate=0
  record "{\"kind\":\"perf\",\"target\":\"$target\",\"workload\":\"$workload\",\"op\":\"$op\",\"run\":$run,\"msgs_per_s\":$rate,\"mb_per_s\":$(awk -v r="$rate" -v s="$size" 'BEGIN{printf "%.1f", r*s/1e6}'),\"ok\":$ok}"
  log "  $target ProducerPerformance $workload acks=$acks #$run: $rate msgs/s"
}

run_producer_performance() {  # target bootstrap
  skipped pp && return
  [ -n "$kafka_jars" ] || find_kafka_jars || return
  local run w name size count acks
  for ((run = 1; run <= pp_runs; run++)); do
    for w in "${workloads[@]}"; do
      read -r name size count <<<"$w"
      for acks in 1 all; do
        out_of_time 60 "$1 ProducerPerformance" && return
        producer_performance "$1" "$2" "$name" "$size" "$count" "$acks" "$run"
      done
    done
  done
}

# ---- servers --------------------------------------------------------------------------------

# Waits for a started server to answer; records start-up time. Returns non-zero on failure.
await_ready() {  # target pid port t0_ns timeout_s
  local ready
  if ! bounded $(($5 + 5)) "$step_out" "$out_dir/logs/probe.log" \
    python3 "$here/probe_ready.py" 127.0.0.1 "$3" --timeout "$5"; then
    log "$1 did not answer on 127.0.0.1:$3 within $5 s"
    return 1
  fi
  if ! kill -0 "$2" 2>/dev/null; then
    log "$1 exited during start-up"
    return 1
  fi
  ready=$(cat "$step_out")
  local ms=$(((ready - $4) / 1000000))
  record "{\"kind\":\"server\",\"target\":\"$1\",\"metric\":\"startup_ms\",\"value\":$ms}"
  log "$1 answers ApiVersions + Metadata after $ms ms"
}

# An untimed pass of every workload (produce acks=1, then consume) so that the figures do not
# include a cold start: Kafka's JIT needs far more than a few thousand messages per code path.
warm_up() {  # bootstrap
  local w name size count
  for w in "${workloads[@]}"; do
    read -r name size count <<<"$w"
    bounded 120 /dev/null "$out_dir/logs/warmup.log" "$bench" produce --bootstrap "$1" \
      --topic "bench-warmup-$name" --size "$size" --count "$count" --acks 1
    bounded 120 /dev/null "$out_dir/logs/warmup.log" "$bench" consume --bootstrap "$1" \
      --topic "bench-warmup-$name" --size "$size" --count "$count"
  done
}

bench_broker_lite() {
  local bin="${BROKER_LITE:-$build_dir/bin/broker-lite}"
  if [ ! -x "$bin" ]; then
    local why="binary ${bin#"$repo"/} not found (build broker-lite first)"
    log "broker-lite skipped: $why"
    record "{\"kind\":\"skip\",\"target\":\"broker-lite\",\"reason\":\"$why\"}"
    return
  fi
  local port dir
  port=$(free_port)
  dir="$data_root/broker-lite"
  mkdir -p "$dir/log"
  cat >"$dir/broker.yaml" <<EOF
listeners: PLAINTEXT://127.0.0.1:$port
log.dirs: $dir/log
num.partitions: 1
auto.create.topics.enable: true
EOF
  log "starting broker-lite on 127.0.0.1:$port"
  local t0 pid
  t0=$(date +%s%N)
  "$bin" --config "$dir/broker.yaml" >"$out_dir/logs/broker-lite.log" 2>&1 &
  pid=$!
  started_pids+=("$pid")
  if ! await_ready broker-lite "$pid" "$port" "$t0" 60; then
    record "{\"kind\":\"skip\",\"target\":\"broker-lite\",\"reason\":\"did not start; see logs/broker-lite.log\"}"
    tail -20 "$out_dir/logs/broker-lite.log" >&2
    stop_process "$pid" 5
    return
  fi
  warm_up "127.0.0.1:$port"
  run_workloads broker-lite "$pid" --bootstrap "127.0.0.1:$port"
  verify_readback broker-lite "127.0.0.1:$port"
  run_producer_performance broker-lite "127.0.0.1:$port"
  if kill -0 "$pid" 2>/dev/null; then
    record "{\"kind\":\"server\",\"target\":\"broker-lite\",\"metric\":\"rss_peak_mib\",\"value\":$(proc_hwm_mib "$pid")}"
  else
    log "broker-lite died during the benchmark; see logs/broker-lite.log"
    record "{\"kind\":\"skip\",\"target\":\"broker-lite\",\"reason\":\"died during the benchmark\"}"
  fi
  stop_process "$pid" 20
  rm -rf "$dir"
}

bench_kafka() {
  if ! find_kafka_jars; then
    record "{\"kind\":\"skip\",\"target\":\"kafka\",\"reason\":\"no Apache Kafka jars (Maven failed)\"}"
    return
  fi
  local port cport dir cluster_id
  port=$(free_port)
  cport=$(free_port)
  dir="$data_root/kafka"
  mkdir -p "$dir/log"
  # One node that is broker and controller; settings a lone node needs (replication 1).
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/log
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  # An id that starts with '-' would be read as an option by the storage tool: draw again.
  cluster_id=$(python3 -c 'import base64, uuid
while True:
    c = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
    if not c.startswith("-"):
        print(c)
        break')
  if ! java -cp "$kafka_jars/*" kafka.tools.StorageTool format --cluster-id="$cluster_id" \
    -c "$dir/server.properties" >"$out_dir/logs/kafka-format.log" 2>&1; then
    log "formatting Kafka's log directory failed (see logs/kafka-format.log)"
    record "{\"kind\":\"skip\",\"target\":\"kafka\",\"reason\":\"storage format failed\"}"
    return
  fi
  # The JVM settings of Kafka's own start script (kafka-server-start.sh / kafka-run-class.sh).
  log "starting Apache Kafka ($(basename "$kafka_jars"/kafka_2.13-*.jar .jar)) on 127.0.0.1:$port"
  local t0 pid
  t0=$(date +%s%N)
  java -Xmx1G -Xms1G -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent \
    -Djava.awt.headless=true -cp "$kafka_jars/*" kafka.Kafka "$dir/server.properties" \
    >"$out_dir/logs/kafka.log" 2>&1 &
  pid=$!
  started_pids+=("$pid")
  if ! await_ready kafka "$pid" "$port" "$t0" 120; then
    record "{\"kind\":\"skip\",\"target\":\"kafka\",\"reason\":\"did not start; see logs/kafka.log\"}"
    stop_process "$pid" 5
    return
  fi
  warm_up "127.0.0.1:$port"
  run_workloads kafka "$pid" --bootstrap "127.0.0.1:$port"
  run_fsync_reference kafka "$pid" "127.0.0.1:$port"
  verify_readback kafka "127.0.0.1:$port"
  run_producer_performance kafka "127.0.0.1:$port"
  record "{\"kind\":\"server\",\"target\":\"kafka\",\"metric\":\"rss_peak_mib\",\"value\":$(proc_hwm_mib "$pid")}"
  stop_process "$pid" 30
  rm -rf "$dir"
}

# ---- machine limits -------------------------------------------------------------------------

bench_loopback() {
  if ! command -v iperf3 >/dev/null && [ "${SLUICE_BENCH_NO_INSTALL:-0}" != 1 ] &&
    [ "$(id -u)" -eq 0 ]; then
    log "installing iperf3 (Debian)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iperf3 >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iperf3 >/dev/null 2>&1; }
  fi
  local mbs="" tool
  if command -v iperf3 >/dev/null; then
    tool="iperf3 -t 5"
    local port spid
    port=$(free_port)
    iperf3 -s -1 -B 127.0.0.1 -p "$port" >"$out_dir/logs/iperf3-server.log" 2>&1 &
    spid=$!
    started_pids+=("$spid")
    sleep 0.5
    mbs=$(timeout 30 iperf3 -c 127.0.0.1 -p "$port" -t 5 -J 2>/dev/null |
      python3 -c 'import json,sys; print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/8e6, 1))' 2>/dev/null)
    stop_process "$spid" 5
  fi
  if [ -z "$mbs" ]; then
    tool="python socket pump, 5 s"
    mbs=$(python3 "$here/loopback_pump.py" --seconds 5 |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["loopback_mb_s"])')
  fi
  record "{\"kind\":\"machine\",\"metric\":\"loopback_mb_s\",\"value\":$mbs,\"tool\":\"$tool\"}"
  log "loopback TCP: $mbs MB/s ($tool)"
}

bench_disk() {
  local i line bytes secs
  for ((i = 1; i <= 3; i++)); do
    line=$(dd if=/dev/zero of="$data_root/dd.tmp" bs=1M count=1024 conv=fdatasync 2>&1 | tail -1)
    rm -f "$data_root/dd.tmp"
    bytes=$(awk '{print $1}' <<<"$line")
    secs=$(sed -n 's/.*copied, \([0-9.]*\) s.*/\1/p' <<<"$line")
    if [ -z "$secs" ]; then
      log "dd failed: $line"
      continue
    fi
    local mbs
    mbs=$(awk -v b="$bytes" -v s="$secs" 'BEGIN{printf "%.1f", b/s/1e6}')
    record "{\"kind\":\"machine\",\"metric\":\"disk_fdatasync_mb_s\",\"value\":$mbs,\"tool\":\"dd bs=1M count=1024 conv=fdatasync\"}"
    log "disk write + fdatasync #$i: $mbs MB/s"
  done
}

# ---- main -----------------------------------------------------------------------------------

log "broker benchmark: $runs run(s) per figure, output in ${out_dir#"$repo"/}"
record "{\"kind\":\"meta\",\"date\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"runs\":$runs,\"command\":\"bench/broker/run_broker_bench.sh${orig_args:+ $orig_args}\",\"machine\":\"$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)\"}"
bench="$(find_harness)" || { log "no broker_bench harness"; exit 1; }

if ! skipped machine; then
  bench_loopback
  bench_disk
fi
if ! skipped mock && ! out_of_time 60 mock; then
  log "librdkafka mock cluster"
  run_workloads mock "" --mock
fi
if ! skipped broker-lite && ! out_of_time 120 broker-lite; then bench_broker_lite; fi
if ! skipped kafka && ! out_of_time 120 kafka; then bench_kafka; fi

python3 "$here/report.py" "$results" >"$out_dir/summary.md"
cat "$out_dir/summary.md"
log "done in $(($(date +%s) - start_s)) s; results in ${out_dir#"$repo"/}"
