"""Sluice workers (`sluice standalone WORKER.yaml [CONNECTOR.yaml ...]`) as real processes.

A Worker writes its worker YAML into its own directory (free ports for the REST listener and the
embedded broker, plugin.path, offset file, connector store, a short offset flush interval), runs
the binary in its own process group (brokers.spawn) and waits until GET /health answers 200. It
keeps the REST port, the broker port and every file across kill9()/stop()/restart(), so a restart
sees what the previous run left. With `bootstrap` set the worker uses that external broker and
starts none of its own.

Also here: a small REST client (http.client, no extra dependencies), a topic reader
(confluent-kafka) and helpers for the line files of the pipeline tests.
"""

import hashlib
import http.client
import json
import os
import random
import signal
import subprocess
import time

import pytest

from . import brokers
from .brokers import _yaml_scalar, free_port, reap, spawn

SLUICE_BINARY = os.path.join(brokers.BUILD_DIR, "bin", "sluice")
PLUGINS_DIR = os.path.join(brokers.BUILD_DIR, "plugins")
TEST_PLUGINS_DIR = os.path.join(brokers.BUILD_DIR, "test-plugins")

START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 20.0

STRING_CONVERTER = "org.apache.kafka.connect.storage.StringConverter"
JSON_CONVERTER = "org.apache.kafka.connect.json.JsonConverter"


def extend_phase_limit(seconds):
    """Re-arms the suite's SIGALRM bound of the running test phase (conftest.py) to `seconds`
    from now, for the few tests that restart workers several times. Still bounded."""
    signal.alarm(int(seconds))


def require_binary():
    if not os.access(SLUICE_BINARY, os.X_OK):
        pytest.fail(f"sluice binary not found at {SLUICE_BINARY} (build the `sluice` target, or "
                    "set SLUICE_BUILD_DIR)")


def _write_yaml_map(f, mapping, indent=""):
    for key, value in mapping.items():
        if isinstance(value, dict):
            f.write(f"{indent}{key}:\n")
            _write_yaml_map(f, value, indent + "  ")
        else:
            f.write(f"{indent}{key}: {_yaml_scalar(value)}\n")


def write_yaml(path, mapping, comment="Written by the worker integration tests."):
    """Writes a (nested) mapping as block YAML; scalars quoted when needed."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"# {comment}\n")
        _write_yaml_map(f, mapping)
    return path


def write_connector_yaml(path, name, config):
    """A connector file in the REST body's shape: name + config, every value as a string."""
    return write_yaml(path, {"name": name, "config": {k: str(v) for k, v in config.items()}})


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-cased names
        self.body = body        # bytes

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise AssertionError(f"HTTP {self.status}: body is not JSON ({e}): {self.body[:500]!r}")

    def __repr__(self):
        return f"<HTTP {self.status} {self.body[:300]!r}>"


class Worker:
    """One `sluice standalone` process and its files.

    settings: extra worker keys (override the defaults written here); broker_settings: extra keys
    of the nested `broker:` map (embedded broker only); bootstrap: an external broker's
    host:port (no embedded broker then); test_plugins: add <build>/test-plugins to plugin.path.
    """

    def __init__(self, workdir, settings=None, broker_settings=None, bootstrap=None,
                 test_plugins=False, connector_files=(), env=None):
        require_binary()
        self.workdir = str(workdir)
        os.makedirs(self.workdir, exist_ok=True)
        self.rest_port = free_port()
        self.external_bootstrap = bootstrap
        self.broker_port = None if bootstrap else free_port()
        self.config_path = os.path.join(self.workdir, "worker.yaml")
        self.log_path = os.path.join(self.workdir, "worker.log")
        self.offset_file = os.path.join(self.workdir, "state", "offsets.txt")
        self.connector_store = os.path.join(self.workdir, "state", "connectors.json")
        self.broker_data = os.path.join(self.workdir, "broker-data")
        plugin_path = [PLUGINS_DIR] + ([TEST_PLUGINS_DIR] if test_plugins else [])
        self.settings = {
            "listeners": f"http://127.0.0.1:{self.rest_port}",
            "plugin.path": ",".join(plugin_path),
            "offset.storage.file.filename": self.offset_file,
            "config.storage.file.filename": self.connector_store,
            "offset.flush.interval.ms": 1000,
            "key.converter": STRING_CONVERTER,
            "value.converter": STRING_CONVERTER,
        }
        if bootstrap:
            self.settings["bootstrap.servers"] = bootstrap
        self.settings.update(settings or {})
        self.broker_settings = {
            "listeners": f"PLAINTEXT://127.0.0.1:{self.broker_port}",
            "log.dirs": self.broker_data,
            "num.partitions": 1,
            "group.initial.rebalance.delay.ms": 0,
        }
        self.broker_settings.update(broker_settings or {})
        self.connector_files = list(connector_files)
        self.env = None if env is None else {**os.environ, **env}
        self.proc = None
        self.starts = 0

    # ---- process ----

    @property
    def bootstrap(self):
        return self.external_bootstrap or f"127.0.0.1:{self.broker_port}"

    @property
    def worker_id(self):
        return f"127.0.0.1:{self.rest_port}"

    def write_config(self):
        config = dict(self.settings)
        if not self.external_bootstrap:
            config["broker"] = dict(self.broker_settings)
        write_yaml(self.config_path, config)

    def command(self):
        return [SLUICE_BINARY, "standalone", self.config_path, *self.connector_files]

    def start(self, timeout=START_TIMEOUT_S, wait=True):
        assert not self.running(), "worker already running"
        self.write_config()
        with open(self.log_path, "ab") as log:
            log.write(f"==== start #{self.starts + 1} at {time.strftime('%H:%M:%S')}\n".encode())
        self.started_at = time.monotonic()
        self.proc = spawn(self.command(), self.log_path, env=self.env, cwd=self.workdir)
        self.starts += 1
        if wait:
            self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout=START_TIMEOUT_S):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"sluice exited with code {self.proc.returncode} during start-up; "
                            f"log tail:\n{self.log_tail()}")
            try:
                r = self.rest("GET", "/health", timeout=2)
                if r.status == 200:
                    self.startup_seconds = time.monotonic() - self.started_at
                    return r
                last = r
            except (OSError, http.client.HTTPException) as e:
                last = repr(e)
            time.sleep(0.05)
        pytest.fail(f"sluice on {self.worker_id} not healthy after {timeout}s (last answer: "
                    f"{last}); log tail:\n{self.log_tail()}")

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        if self.proc is not None and self.proc.poll() is None:
            brokers._kill_group(self.proc, signal.SIGKILL)

    def stop(self, timeout=STOP_TIMEOUT_S):
        """SIGTERM, then waits; returns the exit code (SIGKILL after timeout) and records how long
        the stop took in last_stop_seconds."""
        if self.proc is None:
            return None
        t0 = time.monotonic()
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        code = reap(self.proc, signal.SIGKILL, 5)
        self.last_stop_seconds = time.monotonic() - t0
        return code

    def restart(self, timeout=START_TIMEOUT_S):
        if self.running():
            self.stop()
        return self.start(timeout)

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def log_tail(self, lines=60):
        text = self.log_text()
        return "".join(text.splitlines(keepends=True)[-lines:]) if text else "(no log)"

    # ---- REST ----

    def rest(self, method, path, body=None, raw=None, headers=None, timeout=30):
        """One HTTP request; body is sent as JSON, raw as bytes. Returns a Response."""
        conn = http.client.HTTPConnection("127.0.0.1", self.rest_port, timeout=timeout)
        try:
            hdrs = dict(headers or {})
            data = raw
            if body is not None:
                data = json.dumps(body).encode("utf-8")
                hdrs.setdefault("Content-Type", "application/json")
            conn.request(method, path, body=data, headers=hdrs)
            resp = conn.getresponse()
            payload = resp.read()
            return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, payload)
        finally:
            conn.close()

    def ok(self, method, path, body=None, expect=200):
        """A request that must answer `expect` (an int or a tuple); returns the Response."""
        r = self.rest(method, path, body)
        wanted = expect if isinstance(expect, tuple) else (expect,)
        assert r.status in wanted, (f"{method} {path} -> {r.status}, wanted {expect}: "
                                    f"{r.body[:1000]!r}\nworker log tail:\n{self.log_tail(30)}")
        return r

    def create(self, name, config, expect=201):
        return self.ok("POST", "/connectors", {"name": name, "config": {
            k: str(v) for k, v in config.items()}}, expect=expect)

    def status(self, name):
        r = self.rest("GET", f"/connectors/{name}/status")
        return r.json() if r.status == 200 else None

    def wait_state(self, name, state="RUNNING", tasks=None, timeout=20):
        """Waits until the connector is in `state` and (when tasks is an int) has that many tasks
        all in `state`; returns the status."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = self.status(name)
            if last and last["connector"]["state"] == state:
                ts = last.get("tasks", [])
                if tasks is None or (len(ts) == tasks and all(t["state"] == state for t in ts)):
                    return last
            time.sleep(0.1)
        pytest.fail(f"connector {name} not {state} (tasks={tasks}) after {timeout}s; last status "
                    f"{json.dumps(last)}\nworker log tail:\n{self.log_tail(40)}")


def run_sluice(args, cwd, timeout=20):
    """Runs `sluice <args>` to completion (for start-up errors); returns CompletedProcess."""
    require_binary()
    try:
        return subprocess.run([SLUICE_BINARY, *args], cwd=cwd, capture_output=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"sluice {' '.join(args)} did not exit within {timeout}s "
                    f"(stderr: {(e.stderr or b'')[-2000:]!r})")


# ---- connector configs ----

def file_source(path, topic, **extra):
    config = {"connector.class": "FileStreamSource", "tasks.max": "1", "file": str(path),
              "topic": topic, "topic.creation.default.partitions": "1",
              "topic.creation.default.replication.factor": "1"}
    config.update({k: str(v) for k, v in extra.items()})
    return config


def file_sink(path, topic, **extra):
    config = {"connector.class": "FileStreamSink", "tasks.max": "1", "file": str(path),
              "topics": topic}
    config.update({k: str(v) for k, v in extra.items()})
    return config


# ---- line files ----

_WORDS = ["alpha", "Größe", "naïve", "日本語", "emoji 🚀", "tab\there", "quote\"s", "back\\slash",
          "ÆØÅ", "Ελληνικά", "x", "{\"json\": 1}", "  leading", "trailing  ", "кириллица"]


def make_lines(count, seed, prefix="L", long_every=5000, empty_every=97):
    """`count` UTF-8 lines (no CR/LF inside) of varied length (0 to ~20,000 bytes), unique by
    their number; every `empty_every`-th line is empty (those repeat). Returns a list of str."""
    rng = random.Random(seed)

    def filler(n):
        words = []
        size = 0
        while size < n:
            w = rng.choice(_WORDS)
            words.append(w)
            size += len(w) + 1
        return " ".join(words)

    short = [filler(rng.choice([0, 1, 5, 20, 60, 120, 300])) for _ in range(512)]
    out = []
    for i in range(count):
        if empty_every and i % empty_every == 13:
            out.append("")
        elif long_every and i % long_every == 7:
            out.append(f"{prefix}{i:07d} " + filler(rng.randint(2000, 20000)))
        else:
            out.append(f"{prefix}{i:07d} " + short[rng.randrange(512)])
    return out


def append_lines(path, lines):
    with open(path, "ab") as f:
        f.write("".join(l + "\n" for l in lines).encode("utf-8"))


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def count_lines(path):
    try:
        with open(path, "rb") as f:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
    except OSError:
        return 0


def wait_file_size(path, size, timeout, what, worker=None, interval=0.2):
    """Waits until the file has at least `size` bytes; returns its size."""
    deadline = time.monotonic() + timeout
    while True:
        got = file_size(path)
        if got >= size:
            return got
        if time.monotonic() > deadline:
            tail = f"\nworker log tail:\n{worker.log_tail(40)}" if worker else ""
            pytest.fail(f"{what}: {path} has {got} of {size} bytes after {timeout}s{tail}")
        if worker is not None and worker.proc is not None and worker.proc.poll() is not None:
            pytest.fail(f"{what}: worker exited with {worker.proc.returncode}; log tail:\n"
                        f"{worker.log_tail(40)}")
        time.sleep(interval)


# ---- topics ----

def read_topic(bootstrap, topic, timeout=30, expect_at_least=0):
    """Every message of `topic` from the beginning up to the end each partition had when the read
    began (so a topic still being written is read to a fixed point), as a list of
    (partition, offset, key bytes, value bytes), partition order then offset order. With
    expect_at_least, waits (within timeout) until the partitions hold that many messages."""
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({
        "bootstrap.servers": bootstrap, "group.id": f"it-reader-{os.getpid()}-{time.time()}",
        "enable.auto.commit": False, "auto.offset.reset": "earliest",
        "fetch.message.max.bytes": 1 << 20,
    })
    try:
        deadline = time.monotonic() + timeout
        while True:
            meta = consumer.list_topics(topic, timeout=5)
            t = meta.topics.get(topic)
            if t is not None and t.error is None and t.partitions:
                parts = sorted(t.partitions)
                ends = {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=5)
                        for p in parts}
                if sum(high - low for low, high in ends.values()) >= expect_at_least:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"topic {topic} on {bootstrap}: fewer than {expect_at_least} "
                            f"messages (or no metadata) after {timeout}s")
            time.sleep(0.2)
        pending = {p: high for p, (low, high) in ends.items() if high > low}
        consumer.assign([TopicPartition(topic, p, 0) for p in parts])
        out = []
        while pending and time.monotonic() < deadline:
            for m in consumer.consume(10000, timeout=1.0):
                if m.error():
                    pytest.fail(f"reading {topic}: {m.error()}")
                p = m.partition()
                if p in pending and m.offset() < pending[p]:
                    out.append((p, m.offset(), m.key(), m.value()))
                    if m.offset() + 1 >= pending[p]:
                        del pending[p]
        if pending:
            pytest.fail(f"reading {topic}: partitions {sorted(pending)} not read to their end "
                        f"after {timeout}s ({len(out)} messages)")
        out.sort(key=lambda m: (m[0], m[1]))
        return out
    finally:
        consumer.close()
