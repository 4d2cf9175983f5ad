"""Task failures are visible, never a silent RUNNING: a sink that cannot open its file is FAILED with
a trace over REST while the worker keeps serving (and a config fix brings it back); a converter
error fails the task with errors.tolerance=none and skips the record with errors.tolerance=all."""

import json
import os
import time

import pytest

from sluice_it.workers import JSON_CONVERTER, count_lines, file_sink

pytestmark = pytest.mark.broker_lite_only


def _wait_task_failed(w, name, timeout=20):
    deadline = time.monotonic() + timeout
    st = None
    while time.monotonic() < deadline:
        st = w.status(name)
        if st and st["tasks"] and st["tasks"][0]["state"] == "FAILED":
            return st
        time.sleep(0.1)
    pytest.fail(f"task of {name} not FAILED after {timeout}s: {json.dumps(st)}\n"
                f"{w.log_tail(30)}")


def test_sink_that_cannot_open_its_file_fails_with_trace(make_worker, tmp_path):
    w = make_worker()
    a_dir = str(tmp_path / "a-directory")
    os.makedirs(a_dir)
    w.create("vsink", {"connector.class": "VerifiableSink", "tasks.max": "1", "topics": "nothing",
                       "file": a_dir})
    st = _wait_task_failed(w, "vsink")
    task = st["tasks"][0]
    assert task["worker_id"] == w.worker_id, task
    trace = task.get("trace", "")
    assert "VerifiableSink" in trace and "vsink" in trace, trace
    assert a_dir in trace or "directory" in trace.lower(), trace
    ts = w.ok("GET", "/connectors/vsink/tasks/0/status").json()
    assert ts["state"] == "FAILED" and ts["trace"] == trace, ts
    assert st["connector"]["state"] == "RUNNING", st
    assert "FAILED" in w.log_text() or "failed" in w.log_text()
    assert w.ok("GET", "/health").json()["status"] == "healthy"

    # FAILED stays FAILED (no automatic restart) ...
    time.sleep(1.5)
    assert w.status("vsink")["tasks"][0]["state"] == "FAILED"
    # ... a restart of only the failed tasks is 202 and fails again the same way ...
    r = w.ok("POST", "/connectors/vsink/restart?includeTasks=true&onlyFailed=true", expect=202)
    assert [t["state"] for t in r.json()["tasks"]] == ["RESTARTING"], r.json()
    _wait_task_failed(w, "vsink")
    # ... and fixing the config brings the task back.
    w.ok("PATCH", "/connectors/vsink/config", {"file": str(tmp_path / "ok.jsonl")})
    w.wait_state("vsink", "RUNNING", tasks=1)


def _produce(bootstrap, topic, values):
    from confluent_kafka import Producer

    p = Producer({"bootstrap.servers": bootstrap, "acks": "all"})
    for v in values:
        p.produce(topic, value=v)
    assert p.flush(15) == 0, "produce did not complete"


def test_converter_error_fails_task_or_is_skipped_with_tolerance_all(make_worker, tmp_path):
    w = make_worker()
    values = [b'"good-1"', b"not json", b'"good-2"', b"{broken", b'"good-3"']
    _produce(w.bootstrap, "mixed", values)
    json_values = {"value.converter": JSON_CONVERTER, "value.converter.schemas.enable": "false"}
    strict_out = str(tmp_path / "strict.txt")
    tolerant_out = str(tmp_path / "tolerant.txt")
    w.create("strict", file_sink(strict_out, "mixed", **json_values, **{
        "errors.tolerance": "none"}))
    w.create("tolerant", file_sink(tolerant_out, "mixed", **json_values, **{
        "errors.tolerance": "all", "errors.log.enable": "true"}))

    st = _wait_task_failed(w, "strict")
    trace = st["tasks"][0].get("trace", "")
    assert trace and ("onvert" in trace or "JSON" in trace or "json" in trace), trace

    deadline = time.monotonic() + 20
    while count_lines(tolerant_out) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(0.5)
    with open(tolerant_out, "rb") as f:
        assert f.read() == b"good-1\ngood-2\ngood-3\n"
    w.wait_state("tolerant", "RUNNING", tasks=1)
    # The strict sink wrote at most what preceded the bad record, never anything after it.
    if os.path.exists(strict_out):
        with open(strict_out, "rb") as f:
            assert f.read() in (b"", b"good-1\n")
    assert w.rest("GET", "/health").status == 200
