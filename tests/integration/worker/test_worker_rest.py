"""The worker's REST API against docs/design/worker.md §8: every endpoint (rows 1–26 and S1) with
its status code and JSON shape, and each bad input answered with the right 4xx and an
{"error_code", "message"} body while the worker keeps serving."""

import json
import os
import socket
import time

import pytest

from sluice_it.workers import (append_lines, count_lines, file_sink, file_source, make_lines,
                               read_topic, wait_file_size)

pytestmark = pytest.mark.broker_lite_only

FILE_SOURCE_CLASS = "org.apache.kafka.connect.file.FileStreamSourceConnector"
FILE_SINK_CLASS = "org.apache.kafka.connect.file.FileStreamSinkConnector"


def assert_error(r, status, *fragments):
    """r is an error answer with `status` and Kafka Connect's error body naming the fragments."""
    assert r.status == status, f"wanted {status}, got {r}"
    body = r.json()
    assert set(body) == {"error_code", "message"}, body
    assert body["error_code"] == status, body
    assert isinstance(body["message"], str) and body["message"], body
    for f in fragments:
        assert f in body["message"], f"{f!r} not in error message {body['message']!r}"
    return body


def assert_connector_info(info, name, type_, task_count):
    assert set(info) == {"name", "config", "tasks", "type"}, info
    assert info["name"] == name and info["type"] == type_, info
    assert info["config"]["name"] == name, info
    assert info["tasks"] == [{"connector": name, "task": i} for i in range(task_count)], info


def test_root_health_plugins_definitions_validate(make_worker):
    w = make_worker()
    root = w.ok("GET", "/").json()
    assert set(root) >= {"version", "commit", "kafka_cluster_id"}, root
    assert root["version"] and root["kafka_cluster_id"], root
    health = w.ok("GET", "/health").json()
    assert health["status"] == "healthy" and isinstance(health["message"], str), health

    plugins = w.ok("GET", "/connector-plugins").json()
    for p in plugins:
        assert set(p) == {"class", "type", "version"}, p
        assert p["type"] in ("source", "sink"), p
    by_class = {p["class"]: p for p in plugins}
    assert by_class[FILE_SOURCE_CLASS]["type"] == "source", plugins
    assert by_class[FILE_SINK_CLASS]["type"] == "sink", plugins
    assert any(c.endswith("VerifiableSourceConnector") for c in by_class), plugins
    assert any(c.endswith("VerifiableSinkConnector") for c in by_class), plugins

    everything = w.ok("GET", "/connector-plugins?connectorsOnly=false").json()
    converters = {p["class"] for p in everything if p["type"] == "converter"}
    for c in ("org.apache.kafka.connect.json.JsonConverter",
              "org.apache.kafka.connect.storage.StringConverter",
              "org.apache.kafka.connect.converters.ByteArrayConverter"):
        assert c in converters, everything
    assert len(everything) > len(plugins)

    defs_alias = w.ok("GET", "/connector-plugins/FileStreamSource/config").json()
    defs_class = w.ok("GET", f"/connector-plugins/{FILE_SOURCE_CLASS}/config").json()
    assert defs_alias == defs_class
    names = {d["name"] for d in defs_alias}
    assert {"file", "topic"} <= names, names
    for d in defs_alias:
        assert {"name", "type", "required", "default_value", "importance", "documentation",
                "group", "order_in_group", "width", "display_name", "dependents"} <= set(d), d
    assert_error(w.rest("GET", "/connector-plugins/NoSuchConnector/config"), 404)

    # validate: errors are in the body, with 200
    bad = w.ok("PUT", "/connector-plugins/FileStreamSource/config/validate",
               {"connector.class": "FileStreamSource", "tasks.max": "1", "file": "x.txt"}).json()
    assert set(bad) >= {"name", "error_count", "groups", "configs"}, bad
    assert bad["error_count"] >= 1, bad
    topic_value = [c["value"] for c in bad["configs"] if c["value"]["name"] == "topic"]
    assert topic_value and topic_value[0]["errors"], bad["configs"]
    for c in bad["configs"]:
        assert set(c["value"]) >= {"name", "value", "recommended_values", "errors", "visible"}, c
    good = w.ok("PUT", "/connector-plugins/FileStreamSource/config/validate",
                {"connector.class": FILE_SOURCE_CLASS, "name": "v", "tasks.max": "1",
                 "file": "x.txt", "topic": "t"}).json()
    assert good["error_count"] == 0, [c for c in good["configs"] if c["value"]["errors"]]
    bad_int = w.ok("PUT", "/connector-plugins/FileStreamSource/config/validate",
                   {"connector.class": "FileStreamSource", "tasks.max": "many", "topic": "t"}).json()
    assert bad_int["error_count"] >= 1
    assert [c for c in bad_int["configs"]
            if c["value"]["name"] == "tasks.max" and c["value"]["errors"]], bad_int["configs"]
    assert_error(w.rest("PUT", "/connector-plugins/FileStreamSource/config/validate",
                        {"connector.class": "FileStreamSink", "topics": "t"}), 400)
    assert_error(w.rest("PUT", "/connector-plugins/NoSuchConnector/config/validate",
                        {"connector.class": "NoSuchConnector"}), 404)
    assert_error(w.rest("PUT", "/connector-plugins/FileStreamSource/config/validate",
                        raw=b"{nope"), 400)

    assert w.ok("GET", "/sluice/v1/plugins/refused").json() == []


def test_connector_lifecycle_endpoints(make_worker, tmp_path):
    w = make_worker()
    inp = str(tmp_path / "in.txt")
    out = str(tmp_path / "out.txt")
    lines = make_lines(100, seed=11, long_every=0)
    append_lines(inp, lines)
    n = len(lines)

    # 4: POST create
    r = w.create("src", file_source(inp, "rest-lines", **{"batch.size": 50}))
    assert r.headers.get("location", "").endswith("/connectors/src"), r.headers
    assert_connector_info(r.json(), "src", "source", 1)
    assert r.json()["config"]["batch.size"] == "50"
    assert_error(w.rest("POST", "/connectors", {"name": "src", "config": file_source(inp, "x")}),
                 409, "src")
    # 7: PUT creates (201 + Location), then updates (200)
    r = w.ok("PUT", "/connectors/sink/config", file_sink(out, "rest-lines"), expect=201)
    assert r.headers.get("location", "").endswith("/connectors/sink"), r.headers
    assert_connector_info(r.json(), "sink", "sink", 1)
    r = w.ok("PUT", "/connectors/sink/config", {**file_sink(out, "rest-lines"), "name": "sink"})
    assert_connector_info(r.json(), "sink", "sink", 1)
    assert_error(w.rest("PUT", "/connectors/sink/config",
                        {**file_sink(out, "rest-lines"), "name": "other"}), 400)
    w.wait_state("src", "RUNNING", tasks=1)
    w.wait_state("sink", "RUNNING", tasks=1)
    wait_file_size(out, os.path.getsize(inp), 20, "sink output", w)

    # 3: list and expand
    assert sorted(w.ok("GET", "/connectors").json()) == ["sink", "src"]
    st = w.ok("GET", "/connectors?expand=status").json()
    assert set(st) == {"sink", "src"} and set(st["src"]) == {"status"}, st
    assert st["src"]["status"]["connector"]["state"] == "RUNNING"
    both = w.ok("GET", "/connectors?expand=status&expand=info").json()
    assert set(both["sink"]) == {"status", "info"}, both
    assert_connector_info(both["sink"]["info"], "sink", "sink", 1)
    w.ok("GET", "/connectors?expand=nonsense")

    # 5, 6: info and config
    assert_connector_info(w.ok("GET", "/connectors/src").json(), "src", "source", 1)
    cfg = w.ok("GET", "/connectors/src/config").json()
    assert cfg == {**file_source(inp, "rest-lines", **{"batch.size": 50}), "name": "src"}, cfg

    # 9, 10, 11, 12: status, tasks, tasks-config, task status
    st = w.ok("GET", "/connectors/src/status").json()
    assert set(st) >= {"name", "connector", "tasks", "type"} and st["type"] == "source", st
    assert st["connector"] == {"state": "RUNNING", "worker_id": w.worker_id}, st
    assert st["tasks"] == [{"id": 0, "state": "RUNNING", "worker_id": w.worker_id}], st
    tasks = w.ok("GET", "/connectors/src/tasks").json()
    assert len(tasks) == 1 and tasks[0]["id"] == {"connector": "src", "task": 0}, tasks
    assert isinstance(tasks[0]["config"], dict) and tasks[0]["config"], tasks
    tc = w.ok("GET", "/connectors/src/tasks-config").json()
    assert list(tc) == ["src-0"] and tc["src-0"] == tasks[0]["config"], tc
    ts = w.ok("GET", "/connectors/src/tasks/0/status").json()
    assert ts == {"id": 0, "state": "RUNNING", "worker_id": w.worker_id}, ts
    for bad in ("1", "-1", "abc", "01x"):
        assert_error(w.rest("GET", f"/connectors/src/tasks/{bad}/status"), 404)

    # 8: PATCH merges; null removes a key; an invalid result is refused and changes nothing
    r = w.ok("PATCH", "/connectors/src/config", {"batch.size": None, "tasks.max": "1"})
    assert "batch.size" not in r.json()["config"], r.json()
    assert "batch.size" not in w.ok("GET", "/connectors/src/config").json()
    assert_error(w.rest("PATCH", "/connectors/src/config", {"tasks.max": "lots"}), 400)
    assert w.ok("GET", "/connectors/src/config").json()["tasks.max"] == "1"
    assert_error(w.rest("PATCH", "/connectors/nope/config", {"tasks.max": "1"}), 404, "nope")
    w.wait_state("src", "RUNNING", tasks=1)

    # 15, 16: pause and resume; lines appended while paused arrive only after resume
    assert w.ok("PUT", "/connectors/src/pause", expect=202).body in (b"", b"null")
    w.wait_state("src", "PAUSED", tasks=1)
    w.ok("PUT", "/connectors/src/pause", expect=202)  # idempotent
    more = make_lines(20, seed=12, prefix="P", long_every=0)
    append_lines(inp, more)
    n += len(more)
    time.sleep(2.0)
    assert count_lines(out) == len(lines), "a paused source delivered lines"
    w.ok("PUT", "/connectors/src/resume", expect=202)
    w.wait_state("src", "RUNNING", tasks=1)
    wait_file_size(out, os.path.getsize(inp), 20, "lines appended during the pause", w)

    # 14, 13: restarts
    assert w.ok("POST", "/connectors/src/restart", expect=204).body == b""
    r = w.ok("POST", "/connectors/src/restart?includeTasks=true", expect=202).json()
    assert r["name"] == "src" and r["connector"]["state"] == "RESTARTING", r
    assert [t["state"] for t in r["tasks"]] == ["RESTARTING"], r
    w.wait_state("src", "RUNNING", tasks=1)
    r = w.ok("POST", "/connectors/src/restart?includeTasks=true&onlyFailed=true", expect=202).json()
    assert r["connector"]["state"] != "RESTARTING", r  # nothing failed: nothing restarts
    assert all(t["state"] != "RESTARTING" for t in r["tasks"]), r
    assert w.ok("POST", "/connectors/src/tasks/0/restart", expect=204).body == b""
    assert_error(w.rest("POST", "/connectors/src/tasks/7/restart"), 404)
    w.wait_state("src", "RUNNING", tasks=1)

    # 19, 20: topics and reset
    assert w.ok("GET", "/connectors/src/topics").json() == {"src": {"topics": ["rest-lines"]}}
    assert w.ok("GET", "/connectors/sink/topics").json() == {"sink": {"topics": ["rest-lines"]}}
    w.ok("PUT", "/connectors/src/topics/reset", expect=202)
    assert w.ok("GET", "/connectors/src/topics").json() == {"src": {"topics": []}}

    # 21: offsets of a running source and sink
    size = os.path.getsize(inp)
    wait_file_size(out, size, 20, "sink output", w)

    def offsets(name):
        return w.ok("GET", f"/connectors/{name}/offsets").json()

    def wait_offsets(name, want, timeout=15):
        deadline = time.monotonic() + timeout
        while True:
            got = offsets(name)
            if got == want:
                return got
            if time.monotonic() > deadline:
                pytest.fail(f"offsets of {name}: {got}, wanted {want}")
            time.sleep(0.2)

    src_part = {"filename": inp}
    sink_part = {"kafka_topic": "rest-lines", "kafka_partition": 0}
    wait_offsets("src", {"offsets": [{"partition": src_part, "offset": {"position": size}}]})
    wait_offsets("sink", {"offsets": [{"partition": sink_part, "offset": {"kafka_offset": n}}]})

    # 22, 23: offsets may change only when STOPPED
    for name in ("src", "sink"):
        assert_error(w.rest("DELETE", f"/connectors/{name}/offsets"), 400, "STOPPED")
    assert_error(w.rest("PATCH", "/connectors/src/offsets", {"offsets": [
        {"partition": src_part, "offset": {"position": 0}}]}), 400, "STOPPED")

    # 17: stop: STOPPED, tasks gone
    assert w.ok("PUT", "/connectors/src/stop", expect=204).body == b""
    st = w.wait_state("src", "STOPPED")
    assert st["tasks"] == [], st
    assert w.ok("GET", "/connectors/src/tasks").json() == []
    w.ok("PUT", "/connectors/src/stop", expect=204)  # idempotent
    assert_error(w.rest("PATCH", "/connectors/src/offsets", {"offsets": []}), 400)
    assert_error(w.rest("PATCH", "/connectors/src/offsets", {"offsets": [{"offset": {}}]}), 400)
    assert_error(w.rest("PATCH", "/connectors/src/offsets", raw=b"[1,"), 400)
    # The source re-reads the file from position 0 once resumed: the output doubles.
    msg = w.ok("PATCH", "/connectors/src/offsets", {"offsets": [
        {"partition": src_part, "offset": {"position": 0}}]}).json()
    assert set(msg) == {"message"} and msg["message"], msg
    assert offsets("src") == {"offsets": [{"partition": src_part, "offset": {"position": 0}}]}
    w.ok("PUT", "/connectors/src/resume", expect=202)
    w.wait_state("src", "RUNNING", tasks=1)
    wait_file_size(out, 2 * size, 20, "re-read after the offset reset", w)
    assert count_lines(out) == 2 * n

    # Sink: PATCH to 5 before the end re-delivers 5 lines; DELETE re-delivers everything.
    w.ok("PUT", "/connectors/sink/stop", expect=204)
    w.wait_state("sink", "STOPPED")
    w.ok("PATCH", "/connectors/sink/offsets", {"offsets": [
        {"partition": sink_part, "offset": {"kafka_offset": 2 * n - 5}}]})
    assert offsets("sink") == {"offsets": [
        {"partition": sink_part, "offset": {"kafka_offset": 2 * n - 5}}]}
    w.ok("PUT", "/connectors/sink/resume", expect=202)
    w.wait_state("sink", "RUNNING", tasks=1)
    deadline = time.monotonic() + 20
    while count_lines(out) < 2 * n + 5 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)
    assert count_lines(out) == 2 * n + 5, count_lines(out)
    w.ok("PUT", "/connectors/sink/stop", expect=204)
    w.wait_state("sink", "STOPPED")
    msg = w.ok("DELETE", "/connectors/sink/offsets").json()
    assert "reset" in msg["message"], msg
    assert offsets("sink")["offsets"] in ([], [{"partition": sink_part, "offset": None}]), \
        offsets("sink")
    w.ok("PUT", "/connectors/sink/resume", expect=202)
    deadline = time.monotonic() + 20
    while count_lines(out) < 4 * n + 5 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert count_lines(out) == 4 * n + 5, count_lines(out)

    # 18: delete
    assert w.ok("DELETE", "/connectors/src", expect=204).body == b""
    assert_error(w.rest("GET", "/connectors/src"), 404, "Connector src not found")
    assert_error(w.rest("DELETE", "/connectors/src"), 404)
    assert w.ok("GET", "/connectors").json() == ["sink"]
    assert w.ok("GET", "/health").json()["status"] == "healthy"


def test_initial_state_and_placeholders(make_worker, tmp_path):
    inp = str(tmp_path / "secret-in.txt")
    append_lines(inp, ["one", "two", "three"])
    w = make_worker(env={"SLUICE_IT_INPUT": inp})
    # initial_state STOPPED / PAUSED (KIP-980)
    body = {"name": "stopped", "config": file_source(inp, "t-stopped"), "initial_state": "STOPPED"}
    w.ok("POST", "/connectors", body, expect=201)
    st = w.wait_state("stopped", "STOPPED")
    assert st["tasks"] == []
    body = {"name": "paused", "config": file_source(inp, "t-paused"), "initial_state": "PAUSED"}
    w.ok("POST", "/connectors", body, expect=201)
    w.wait_state("paused", "PAUSED", tasks=1)
    assert_error(w.rest("POST", "/connectors", {"name": "x", "config": file_source(inp, "t"),
                                                 "initial_state": "SLEEPING"}), 400)
    assert w.rest("GET", "/connectors/x").status == 404

    # ${env:...} is resolved for the task but shown unresolved by every endpoint.
    cfg = file_source("${env:SLUICE_IT_INPUT}", "t-env")
    info = w.create("env", cfg).json()
    assert info["config"]["file"] == "${env:SLUICE_IT_INPUT}", info
    assert w.ok("GET", "/connectors/env/config").json()["file"] == "${env:SLUICE_IT_INPUT}"
    w.wait_state("env", "RUNNING", tasks=1)
    tasks = w.ok("GET", "/connectors/env/tasks").json()
    assert inp not in json.dumps(tasks), tasks
    assert inp not in json.dumps(w.ok("GET", "/connectors/env/tasks-config").json())
    assert inp not in json.dumps(w.ok("GET", "/connectors?expand=info").json()["env"])
    msgs = read_topic(w.bootstrap, "t-env", timeout=20, expect_at_least=3)
    assert [m[3] for m in msgs] == [b"one", b"two", b"three"], msgs
    with open(w.connector_store, "rb") as f:
        assert b"${env:SLUICE_IT_INPUT}" in f.read()


def _raw_exchange(port, head, body):
    """Sends head then as much of body as the server takes; returns (status, body text) of the
    answer (the server may stop reading and close once it has refused the request)."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        s.sendall(head)
        try:
            s.sendall(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        data = b""
        try:
            while b"\r\n\r\n" not in data or len(data) < data.index(b"\r\n\r\n") + 4 + 20:
                got = s.recv(65536)
                if not got:
                    break
                data += got
        except (ConnectionResetError, socket.timeout):
            pass
    if not data.startswith(b"HTTP/1.1 "):
        return None, data[:300]
    return int(data[9:12]), data.split(b"\r\n\r\n", 1)[-1][:300]


def _assert_serving(w):
    assert w.rest("GET", "/health").status == 200, w.log_tail(20)


def test_bad_inputs_get_4xx_and_the_worker_keeps_serving(make_worker, tmp_path):
    w = make_worker()
    inp = str(tmp_path / "in.txt")
    good = file_source(inp, "bad-inputs")
    checks = [
        (("POST", "/connectors"), {"raw": b"{\"name\": \"a\", \"config\": {"}, 400, ()),
        (("POST", "/connectors"), {"raw": b"not json at all"}, 400, ()),
        (("POST", "/connectors"), {"raw": b""}, 400, ()),
        (("POST", "/connectors"), {"body": {"config": good}}, 400, ()),
        (("POST", "/connectors"), {"body": {"name": "", "config": good}}, 400, ()),
        (("POST", "/connectors"), {"body": {"name": "   ", "config": good}}, 400, ()),
        (("POST", "/connectors"), {"body": {"name": "bad\u0001name", "config": good}}, 400, ()),
        (("POST", "/connectors"), {"body": {"name": "noconfig"}}, 400, ()),
        (("POST", "/connectors"), {"body": {"name": "c", "config": "text"}}, 400, ()),
        (("POST", "/connectors"), {"body": [1, 2]}, 400, ()),
        (("POST", "/connectors"),
         {"body": {"name": "u", "config": {**good, "connector.class": "com.example.Missing"}}},
         400, ("com.example.Missing",)),
        (("POST", "/connectors"), {"body": {"name": "v", "config": {**good, "tasks.max": "x"}}},
         400, ("tasks.max",)),
        (("POST", "/connectors"), {"body": {"name": "v", "config": {
            "connector.class": "FileStreamSource", "file": inp}}}, 400, ("topic",)),
        (("PUT", "/connectors/v/config"), {"body": {**good, "tasks.max": "-3"}}, 400, ()),
        (("GET", "/connectors/nope"), {}, 404, ("nope",)),
        (("GET", "/connectors/nope/config"), {}, 404, ()),
        (("GET", "/connectors/nope/status"), {}, 404, ()),
        (("GET", "/connectors/nope/tasks"), {}, 404, ()),
        (("GET", "/connectors/nope/tasks-config"), {}, 404, ()),
        (("GET", "/connectors/nope/tasks/0/status"), {}, 404, ()),
        (("POST", "/connectors/nope/tasks/0/restart"), {}, 404, ()),
        (("POST", "/connectors/nope/restart"), {}, 404, ()),
        (("PUT", "/connectors/nope/pause"), {}, 404, ()),
        (("PUT", "/connectors/nope/resume"), {}, 404, ()),
        (("PUT", "/connectors/nope/stop"), {}, 404, ()),
        (("DELETE", "/connectors/nope"), {}, 404, ()),
        (("GET", "/connectors/nope/topics"), {}, 404, ()),
        (("PUT", "/connectors/nope/topics/reset"), {}, 404, ()),
        (("GET", "/connectors/nope/offsets"), {}, 404, ()),
        (("DELETE", "/connectors/nope/offsets"), {}, 404, ()),
        (("PATCH", "/connectors/nope/offsets"), {"body": {"offsets": [
            {"partition": {"filename": "x"}, "offset": {"position": 1}}]}}, 404, ()),
        (("GET", "/no/such/path"), {}, 404, ()),
        (("DELETE", "/connector-plugins"), {}, 405, ()),
        (("POST", "/health"), {}, 405, ()),
        (("PATCH", "/"), {}, 405, ()),
        (("GET", "/connectors/nope/pause"), {}, 405, ()),
        (("PUT", "/connectors"), {"body": {"name": "x", "config": good}}, 405, ()),
    ]
    for (method, path), kwargs, status, fragments in checks:
        r = w.rest(method, path, **kwargs)
        try:
            assert_error(r, status, *fragments)
        except AssertionError as e:
            raise AssertionError(f"{method} {path} {kwargs}: {e}") from None
        _assert_serving(w)
    assert w.ok("GET", "/connectors").json() == [], "a refused create left a connector behind"

    w.create("dup", good)
    assert_error(w.rest("POST", "/connectors", {"name": "dup", "config": good}), 409,
                 "Connector dup already exists")
    # Names are trimmed.
    assert_error(w.rest("POST", "/connectors", {"name": "  dup ", "config": good}), 409)
    assert_error(w.rest("GET", "/connectors/dup/tasks/99/status"), 404)
    assert_error(w.rest("POST", "/connectors/dup/status"), 405)

    # Oversized bodies: announced by Content-Length (refused before the body is read), and
    # chunked without one (refused once more than 1 MiB arrived).
    head = (f"POST /connectors HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/json\r\nContent-Length: {2 << 20}\r\n\r\n").encode()
    status, body = _raw_exchange(w.rest_port, head, b"{" * 1024)
    assert status == 413, (status, body)
    _assert_serving(w)
    head = (b"POST /connectors HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"10000\r\n" + b"a" * 0x10000 + b"\r\n"
    status, body = _raw_exchange(w.rest_port, head, chunk * 18)  # 1.125 MiB, unterminated
    assert status == 413, (status, body)
    _assert_serving(w)
    assert w.ok("GET", "/connectors").json() == ["dup"]
