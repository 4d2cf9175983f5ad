"""VerifiableSource with tasks.max=3 and a throughput: each task's seqnos in the topic start at 0
without gaps, and after SIGTERM and a restart every task continues after its last committed seqno
(duplicates counted, gaps none). VerifiableSink records what it consumes."""

import collections
import json
import time

import pytest

from sluice_it.workers import extend_phase_limit, read_topic

pytestmark = pytest.mark.broker_lite_only

TOPIC = "seq"


def _seqnos_by_task(msgs):
    """task -> seqnos in log order, checking that key and value agree."""
    by_task = collections.defaultdict(list)
    for _, _, key, value in msgs:
        v = json.loads(value)
        if isinstance(v, str):
            v = json.loads(v)
        assert set(v) == {"task", "seqno", "time_ms"}, v
        assert key == str(v["task"]).encode(), (key, v)
        by_task[v["task"]].append(v["seqno"])
    return by_task


def _assert_no_gaps(by_task, tasks):
    assert sorted(by_task) == list(range(tasks)), sorted(by_task)
    for t, seqnos in by_task.items():
        distinct = set(seqnos)
        assert distinct == set(range(max(distinct) + 1)), \
            f"task {t}: gaps {sorted(set(range(max(distinct) + 1)) - distinct)[:10]}"


def test_verifiable_source_three_tasks_seqnos_continue_after_restart(make_worker, tmp_path):
    extend_phase_limit(90)
    w = make_worker()
    sink_file = str(tmp_path / "verifiable-sink.jsonl")
    w.create("gen", {"connector.class": "VerifiableSource", "tasks.max": "3", "topic": TOPIC,
                     "throughput": "200", "topic.creation.default.partitions": "1",
                     "topic.creation.default.replication.factor": "1"})
    w.create("rec", {"connector.class": "VerifiableSink", "tasks.max": "1", "topics": TOPIC,
                     "file": sink_file})
    w.wait_state("gen", "RUNNING", tasks=3)
    time.sleep(2.5)

    before = read_topic(w.bootstrap, TOPIC, timeout=20, expect_at_least=3)
    by_task = _seqnos_by_task(before)
    _assert_no_gaps(by_task, 3)
    for t, seqnos in by_task.items():
        assert seqnos[0] == 0 and seqnos == list(range(len(seqnos))), \
            f"task {t} before any restart: {seqnos[:20]}..."
    rate = len(before) / 2.5
    assert rate < 3 * 200 * 2, f"throughput 200/s per task not respected: {rate:.0f}/s"

    offsets = w.ok("GET", "/connectors/gen/offsets").json()["offsets"]
    assert sorted(o["partition"]["id"] for o in offsets) == [0, 1, 2], offsets

    code = w.stop()
    assert code == 0, f"exit {code} on SIGTERM; log tail:\n{w.log_tail(30)}"
    w.start()
    w.wait_state("gen", "RUNNING", tasks=3)
    time.sleep(2.0)
    after = read_topic(w.bootstrap, TOPIC, timeout=20, expect_at_least=len(before) + 3)
    by_task = _seqnos_by_task(after)
    _assert_no_gaps(by_task, 3)
    before_max = {t: max(s) for t, s in _seqnos_by_task(before).items()}
    duplicates = 0
    for t, seqnos in by_task.items():
        counts = collections.Counter(seqnos)
        dup = sum(c - 1 for c in counts.values())
        duplicates += dup
        # After the restart the task went on from its committed seqno, not from 0.
        restarts_at = [i for i in range(1, len(seqnos)) if seqnos[i] <= seqnos[i - 1]]
        assert len(restarts_at) <= 1, f"task {t}: seqnos went back {len(restarts_at)} times"
        if restarts_at:
            i = restarts_at[0]
            assert seqnos[i] > 0, f"task {t} started again at seqno 0 after the restart"
            print(f"task {t}: resumed at {seqnos[i]} after {seqnos[i - 1]}")
        assert counts[0] == 1, f"task {t}: seqno 0 appears {counts[0]} times"
        assert max(seqnos) > before_max[t], f"task {t} produced nothing after the restart"
    print(f"verifiable: {len(after)} records for 3 tasks, {duplicates} duplicates after SIGTERM")

    # VerifiableSink recorded what it consumed (lines are whole JSON documents).
    deadline = time.monotonic() + 15
    recorded = []
    while time.monotonic() < deadline:
        with open(sink_file, "rb") as f:
            recorded = [json.loads(l) for l in f.read().splitlines()]
        if len(recorded) >= len(after):
            break
        time.sleep(0.3)
    assert len(recorded) >= len(after), (len(recorded), len(after))
    seen = {(r["topic"], r["partition"], r["offset"]) for r in recorded}
    assert all((TOPIC, p, o) in seen for p, o, _, _ in after), "VerifiableSink missed records"
    first = next(r for r in recorded if r["offset"] == 0)
    assert json.loads(first["value"])["seqno"] == 0 and first["key"] in ("0", "1", "2"), first
