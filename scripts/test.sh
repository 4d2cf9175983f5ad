#!/usr/bin/env bash
# Builds Sluice and runs every test: unit tests (also under ASan+UBSan), bounded fuzzing of the
# parsers of outside bytes, and the integration suite with real processes and real clients.
# Ends with one summary line "summary: N passed, N failed".
# Environment: SLUICE_SKIP_SETUP=1 skips scripts/setup.sh; SLUICE_FUZZ_SECONDS (default 20) per
# fuzz target; SLUICE_TEST_STAGES (default "unit asan fuzz integration") picks stages.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
stages="${SLUICE_TEST_STAGES:-unit asan fuzz integration}"
fuzz_seconds="${SLUICE_FUZZ_SECONDS:-20}"
passed=0
failed=0
failures=()
log_dir="$repo/build/test-logs"

note_result() {  # name passed failed
  passed=$((passed + $2))
  failed=$((failed + $3))
  [ "$3" -eq 0 ] || failures+=("$1 ($3 failed)")
}

# Runs ctest in a build dir and adds its counts.
run_ctest() {  # name build_dir
  local out="$log_dir/$1.log" began=$SECONDS
  ctest --test-dir "$2" -L unit --output-on-failure --timeout 300 -j2 >"$out" 2>&1
  local total fails
  total=$(grep -Eo 'tests passed, [0-9]+ tests failed out of [0-9]+' "$out" | grep -Eo '[0-9]+$' || echo 0)
  fails=$(grep -Eo '[0-9]+ tests failed out of' "$out" | grep -Eo '^[0-9]+' || echo 0)
  if [ -z "$total" ] || [ "$total" -eq 0 ]; then
    echo "$1: no tests ran (see $out)"; tail -20 "$out"; note_result "$1" 0 1; return
  fi
  echo "$1: $((total - fails)) passed, $fails failed ($((SECONDS - began)) s)"
  [ "$fails" -eq 0 ] || grep -E '\(Failed\)|\(SEGFAULT\)|\(Timeout\)|Exception' "$out" | head -30
  note_result "$1" $((total - fails)) "$fails"
}

build_targets() {  # build_dir
  if [ "${BUILD_ONLY_UNIT_TESTS:-0}" = 1 ]; then
    local targets
    targets=$(ninja -C "$1" -t targets all | grep -Eo '^unit_[a-z_]+_tests' | sort -u)
    cmake --build "$1" -j2 --target $targets
  else
    cmake --build "$1" -j2
  fi
}

# Prints "<passed> <failed>" from a pytest JUnit XML file; a missing file or a run where every
# test was skipped counts as one failure (a stage that tested nothing must not pass).
junit_counts() {  # file
  /usr/bin/python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception:
    print(0, 1); sys.exit()
suites = [root] if root.tag == "testsuite" else list(root)
t = sum(int(s.get("tests", 0)) for s in suites)
f = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
sk = sum(int(s.get("skipped", 0)) for s in suites)
print(t - f - sk, f if t - sk > 0 else 1)
PY
}

# Configures and builds; with BUILD_ONLY_UNIT_TESTS=1 only the unit test executables (and what
# they depend on) are built, which is all the sanitizer stage runs.
build() {  # name build_dir cmake-args... ; returns non-zero on failure
  local name="$1" dir="$2"; shift 2
  local out="$log_dir/build-$name.log"
  echo "== building $name in ${dir#"$repo"/}"
  local began=$SECONDS
  if ! { cmake -S "$repo" -B "$dir" -G Ninja "$@" && build_targets "$dir"; } >"$out" 2>&1; then
    echo "build $name FAILED (see $out)"; grep -E 'error|Error' "$out" | head -40
    note_result "build-$name" 0 1
    return 1
  fi
  echo "   built $name in $((SECONDS - began)) s"
}

if [ "${SLUICE_SKIP_SETUP:-0}" != 1 ]; then
  "$repo/scripts/setup.sh" || { echo "setup failed"; echo "summary: 0 passed, 1 failed"; exit 1; }
fi
mkdir -p "$log_dir"
start=$(date +%s)

if build main "$repo/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo; then
  [[ " $stages " == *" unit "* ]] && run_ctest unit "$repo/build"
  main_built=1
else
  main_built=0
fi

if [[ " $stages " == *" asan "* ]]; then
  if BUILD_ONLY_UNIT_TESTS=1 build asan "$repo/build-asan" -DCMAKE_BUILD_TYPE=Debug \
      -DSLUICE_SANITIZE=ON; then
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
      run_ctest unit-asan "$repo/build-asan"
  fi
fi

if [[ " $stages " == *" fuzz "* ]]; then
  if build fuzz "$repo/build-fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLUICE_FUZZ=ON \
      -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14; then
    for fuzzer in "$repo"/build-fuzz/bin/*_fuzz; do
      [ -x "$fuzzer" ] || continue
      name=$(basename "$fuzzer")
      corpus="$repo/build-fuzz/corpus/$name"; mkdir -p "$corpus"
      seeds="$repo/tests/fuzz/seeds/${name%_fuzz}"
      args=("$corpus"); [ -d "$seeds" ] && args+=("$seeds")
      if "$fuzzer" -max_total_time="$fuzz_seconds" -rss_limit_mb=2048 -print_final_stats=1 \
          "${args[@]}" >"$log_dir/$name.log" 2>&1; then
        echo "fuzz $name: ok ($(grep -Eo 'stat::number_of_executed_units: [0-9]+' "$log_dir/$name.log" | grep -Eo '[0-9]+$') runs)"
        note_result "$name" 1 0
      else
        echo "fuzz $name: FAILED (see $log_dir/$name.log)"; tail -30 "$log_dir/$name.log"
        note_result "$name" 0 1
      fi
    done
  fi
fi

if [[ " $stages " == *" integration "* ]] && [ "$main_built" = 1 ]; then
  out="$log_dir/integration.log"
  echo "== integration tests (tests/integration)"
  began=$SECONDS
  SLUICE_BUILD_DIR="$repo/build" /usr/bin/python3 -m pytest "$repo/tests/integration" -q -rfE \
    -p no:cacheprovider --junitxml="$log_dir/integration.xml" 2>&1 | tee "$out" | tail -40
  read -r ip if_ < <(junit_counts "$log_dir/integration.xml")
  note_result integration "$ip" "$if_"
  echo "   integration tests took $((SECONDS - began)) s"

  # The worker's file pipeline and the distributed-mode suite once more on a real Apache Kafka
  # broker (KRaft, 4.x jars); the distributed suite there with scheduled.rebalance.max.delay.ms=0.
  out="$log_dir/integration-kafka.log"
  echo "== worker pipeline and distributed mode on Apache Kafka (SLUICE_TEST_TARGET=kafka)"
  began=$SECONDS
  SLUICE_TEST_TARGET=kafka SLUICE_IT_REBALANCE_DELAY_MS=0 SLUICE_BUILD_DIR="$repo/build" \
    /usr/bin/python3 -m pytest "$repo/tests/integration/worker/test_worker_pipeline.py" \
    "$repo/tests/integration/distributed" -k "external_broker or distributed" -q -rfE \
    -p no:cacheprovider --junitxml="$log_dir/integration-kafka.xml" 2>&1 | tee "$out" | tail -5
  read -r kp kf < <(junit_counts "$log_dir/integration-kafka.xml")
  note_result integration-kafka "$kp" "$kf"
  echo "   integration tests on Apache Kafka took $((SECONDS - began)) s"
fi

echo "== done in $(( $(date +%s) - start ))s"
for f in "${failures[@]}"; do echo "FAILED: $f"; done
# Which integration tests failed and why, repeated here because the stage output above is long.
for stage in integration integration-kafka; do
  [[ " ${failures[*]} " == *" $stage ("* ]] || continue
  grep -E '^(FAILED|ERROR) ' "$log_dir/$stage.log" | cut -c1-400 | head -10 | sed "s/^/  $stage: /"
done
echo "summary: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
