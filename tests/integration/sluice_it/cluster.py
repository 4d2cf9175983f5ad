"""A Sluice cluster as real processes: one broker and N `sluice distributed WORKER.yaml` workers
that share one group.id and the three state topics (docs/distributed.md).

Cluster starts the broker (broker-lite, or Apache Kafka with SLUICE_TEST_TARGET=kafka) and the
workers, each in its own directory with its own REST port and a worker YAML generated from the
same settings. Workers keep their port (and so their worker id "127.0.0.1:<port>") across
kill9()/stop()/start(), as a restarted machine would. Every process runs in its own process
group (brokers.spawn) and close() reaps them all; brokers.py's atexit hook kills anything left.

Also here: REST writes that retry a 409 "rebalance in progress" for a bounded time, the leader
found from the workers' membership log lines, waits on connector status (tasks RUNNING on
given workers, spread evenly) and the sequence-number analysis of VerifiableSource topics.
"""

import collections
import http.client
import json
import os
import re
import signal
import subprocess
import time
import uuid

import pytest

from . import brokers, workers
from .brokers import reap
from .workers import PLUGINS_DIR, SLUICE_BINARY, STRING_CONVERTER, read_topic

# Broker settings of a cluster test (Kafka broker property names, both targets accept them).
BROKER_SETTINGS = {
    "num.partitions": 1,
    "auto.create.topics.enable": True,
    "group.initial.rebalance.delay.ms": 0,
}

# broker-lite's (and Kafka's) group.min.session.timeout.ms is 6000.
SESSION_TIMEOUT_MS = 6000
HEARTBEAT_INTERVAL_MS = 1000

WORKER_START_TIMEOUT_S = 40.0
REBALANCE_RETRY_S = 30.0

VERIFIABLE_SOURCE = "VerifiableSource"

# The membership client's line for every assignment it receives (runtime/membership):
#   group 'G' generation N: member M (leader) assigned K bytes
_ASSIGNED_RE = re.compile(
    r"group '(?P<group>[^']*)' generation (?P<gen>\d+): member (?P<member>\S+)"
    r"(?P<leader> \(leader\))? assigned")


class ClusterWorker(workers.Worker):
    """One `sluice distributed` process. Reuses workers.Worker for the process, its log and the
    REST client; only the YAML, the command line and the readiness check differ."""

    def __init__(self, workdir, index, settings):
        super().__init__(workdir, bootstrap=settings["bootstrap.servers"])
        self.index = index
        self.settings = dict(settings)
        self.settings["listeners"] = f"http://127.0.0.1:{self.rest_port}"

    def command(self):
        return [SLUICE_BINARY, "distributed", self.config_path]

    def wait_healthy(self, timeout=WORKER_START_TIMEOUT_S):
        """Ready when GET / answers 200; fails at once if the process exits."""

        def ready():
            if self.proc.poll() is not None:
                pytest.fail(f"worker {self.index} ({self.worker_id}) exited with code "
                            f"{self.proc.returncode} during start-up; log tail:\n"
                            f"{self.log_tail()}")
            try:
                r = self.rest("GET", "/", timeout=2)
            except (OSError, http.client.HTTPException) as e:
                return False, repr(e)
            return r.status == 200, r

        answer, _ = poll_until(ready, timeout, 0.1, lambda last: (
            f"worker {self.index} ({self.worker_id}) not ready after {timeout}s (last answer: "
            f"{last}); log tail:\n{self.log_tail()}"))
        self.startup_seconds = time.monotonic() - self.started_at
        return answer

    def current_log(self):
        """The log since the latest start (workers.Worker marks each start with '==== start')."""
        text = self.log_text()
        cut = text.rfind("==== start #")
        return text[cut:] if cut >= 0 else text

    def last_assignment(self):
        """(generation, member id, is_leader) of the latest assignment this process received, or
        None."""
        last = None
        for m in _ASSIGNED_RE.finditer(self.current_log()):
            last = (int(m.group("gen")), m.group("member"), bool(m.group("leader")))
        return last


class Cluster:
    """A broker plus workers 0..n-1. settings: extra worker keys (override the defaults below)."""

    def __init__(self, workdir, delay_ms=5000, settings=None, broker_settings=None):
        self.workdir = str(workdir)
        os.makedirs(self.workdir, exist_ok=True)
        self.delay_ms = delay_ms
        tag = uuid.uuid4().hex[:8]
        self.group = f"sluice-it-{tag}"
        self.extra_settings = dict(settings or {})
        self.broker = brokers.make_broker(os.path.join(self.workdir, "broker"),
                                          {**BROKER_SETTINGS, **(broker_settings or {})})
        self.topics = {"config.storage.topic": f"it-configs-{tag}",
                       "offset.storage.topic": f"it-offsets-{tag}",
                       "status.storage.topic": f"it-status-{tag}"}
        self.workers = []

    # ---- processes ----

    def worker_settings(self):
        s = {
            "bootstrap.servers": self.broker.bootstrap,
            "group.id": self.group,
            **self.topics,
            "config.storage.replication.factor": 1,
            "offset.storage.replication.factor": 1,
            "status.storage.replication.factor": 1,
            "scheduled.rebalance.max.delay.ms": self.delay_ms,
            "session.timeout.ms": SESSION_TIMEOUT_MS,
            "heartbeat.interval.ms": HEARTBEAT_INTERVAL_MS,
            "rebalance.timeout.ms": 20000,
            "plugin.path": PLUGINS_DIR,
            "offset.flush.interval.ms": 500,
            "task.shutdown.graceful.timeout.ms": 3000,
            "key.converter": STRING_CONVERTER,
            "value.converter": STRING_CONVERTER,
        }
        s.update(self.extra_settings)
        return s

    def start(self, n):
        """Starts the broker and n workers (in parallel); returns self."""
        os.makedirs(self.broker.workdir, exist_ok=True)
        self.broker.start()
        for _ in range(n):
            self.add_worker(wait=False)
        for w in self.workers:
            w.wait_healthy()
        return self

    def add_worker(self, wait=True):
        """Starts one more worker with the cluster's settings; returns its index."""
        i = len(self.workers)
        w = ClusterWorker(os.path.join(self.workdir, f"worker{i}"), i, self.worker_settings())
        self.workers.append(w)
        w.start(wait=wait)
        return i

    def __getitem__(self, i):
        return self.workers[i]

    def running(self):
        """Indices of the workers whose process runs."""
        return [w.index for w in self.workers if w.running()]

    def ids(self, indices=None):
        return {self.workers[i].worker_id for i in (self.running() if indices is None
                                                    else indices)}

    def index_of(self, worker_id):
        for w in self.workers:
            if w.worker_id == worker_id:
                return w.index
        raise KeyError(worker_id)

    def kill9(self, i):
        self.workers[i].kill9()

    def stop(self, i, timeout=20):
        """SIGTERM; returns the exit code."""
        return self.workers[i].stop(timeout=timeout)

    def start_worker(self, i, wait=True):
        self.workers[i].start(timeout=WORKER_START_TIMEOUT_S, wait=wait)

    def _sigterm_all(self):
        live = self.running()
        for i in live:
            try:
                os.killpg(self.workers[i].proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        return live

    def _wait_exit(self, i, timeout):
        """Waits for worker i, already sent SIGTERM, to exit (a second SIGTERM would make sluice
        exit at once, so none is sent); SIGKILL after timeout. Returns the exit code."""
        proc = self.workers[i].proc
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            print(f"worker {i} still running {timeout}s after SIGTERM; killing it")
        return reap(proc, signal.SIGKILL, 5)

    def restart_all(self, timeout=20):
        """SIGTERM to every running worker at once, waits for all, then starts them all again
        with the same YAML. Returns {index: exit code}."""
        live = self._sigterm_all()
        codes = {i: self._wait_exit(i, timeout) for i in live}
        for w in self.workers:
            w.start(wait=False)
        for w in self.workers:
            w.wait_healthy()
        return codes

    def close(self):
        """SIGTERM to every worker at once (a SIGKILL for whoever is left after 10 s), then the
        broker."""
        for i in self._sigterm_all():
            self._wait_exit(i, timeout=10)
        self.broker.stop()
        self.broker.kill9()

    def log_tails(self, lines=60):
        parts = []
        for w in self.workers:
            parts.append(f"---- worker {w.index} ({w.worker_id}) log tail ({w.log_path}) ----\n"
                         f"{w.log_tail(lines)}")
        parts.append(f"---- {self.broker.target} log tail ({self.broker.log_path}) ----\n"
                     f"{self.broker.log_tail(30)}")
        return "\n".join(parts)

    # ---- leader ----

    def leader(self, timeout=30):
        """Index of the leader: waits until every running worker's latest assignment is of the
        same generation and exactly one of them was the leader of it. Returns (index,
        generation)."""
        deadline = time.monotonic() + timeout
        seen = {}
        while time.monotonic() < deadline:
            seen = {i: self.workers[i].last_assignment() for i in self.running()}
            gens = {a[0] for a in seen.values() if a}
            if seen and all(seen.values()) and len(gens) == 1:
                leaders = [i for i, a in seen.items() if a[2]]
                if len(leaders) == 1:
                    return leaders[0], gens.pop()
            time.sleep(0.2)
        pytest.fail(f"no stable leader after {timeout}s (latest assignment per running worker "
                    f"from the 'generation N: member M (leader) assigned' log lines: {seen})\n"
                    f"{self.log_tails(30)}")

    # ---- REST ----

    def write(self, method, path, body=None, via=0, expect=200, retry_s=REBALANCE_RETRY_S):
        """A write through worker `via` that must answer `expect`; a 409 other than "already
        exists" (a rebalance in progress, no leader known yet) is retried for retry_s seconds."""
        w = self.workers[via]
        wanted = expect if isinstance(expect, tuple) else (expect,)
        deadline = time.monotonic() + retry_s
        retries = 0
        while True:
            r = w.rest(method, path, body)
            if r.status in wanted:
                if retries:
                    print(f"{method} {path} via worker {via}: {retries} retries after 409")
                return r
            retriable = r.status == 409 and b"already exists" not in r.body
            if not retriable or time.monotonic() > deadline:
                pytest.fail(f"{method} {path} via worker {via} ({w.worker_id}) -> {r.status}, "
                            f"wanted {expect} (after {retries} retries of 409): "
                            f"{r.body[:1000]!r}\n{self.log_tails(30)}")
            retries += 1
            time.sleep(0.25)

    def create(self, name, config, via=0, initial_state=None):
        body = {"name": name, "config": {k: str(v) for k, v in config.items()}}
        if initial_state:
            body["initial_state"] = initial_state
        return self.write("POST", "/connectors", body, via=via, expect=201)

    def status(self, name, via):
        try:
            r = self.workers[via].rest("GET", f"/connectors/{name}/status", timeout=10)
        except (OSError, http.client.HTTPException):
            return None
        return r.json() if r.status == 200 else None

    def wait_status(self, name, accept, via, timeout, what):
        """Polls GET /connectors/{name}/status on worker `via` until accept(status) holds;
        returns (status, seconds waited)."""

        def check():
            st = self.status(name, via)
            return st is not None and accept(st), st

        return poll_until(check, timeout, 0.2, lambda last: (
            f"{what}: not reached within {timeout}s on worker {via}; last status of {name}: "
            f"{json.dumps(last)}\n{self.log_tails(40)}"))

    def wait_running(self, name, tasks, via, timeout=30, on=None, what=None):
        """Waits until the connector and its `tasks` tasks are RUNNING, each on a worker of
        `on` (indices; default: the running workers). Returns (status, seconds)."""
        on_ids = self.ids(on)
        return self.wait_status(name, lambda st: _all_running_on(st, tasks, on_ids), via, timeout,
                                what or f"{name}: {tasks} tasks RUNNING on {sorted(on_ids)}")

    def wait_spread(self, name, tasks, via, timeout=30, on=None):
        """wait_running, and the tasks spread evenly: task counts of the workers of `on` differ
        by at most one (so with at least as many tasks as workers every worker runs one)."""
        on_idx = self.running() if on is None else list(on)
        on_ids = self.ids(on_idx)

        def even(st):
            counts = collections.Counter(t.get("worker_id") for t in st.get("tasks", []))
            per = [counts.get(w, 0) for w in on_ids]
            return max(per) - min(per) <= 1

        return self.wait_status(name, lambda st: _all_running_on(st, tasks, on_ids) and even(st),
                                via, timeout, f"{name}: {tasks} tasks RUNNING and spread evenly "
                                              f"over workers {sorted(on_idx)}")


def poll_until(check, timeout, interval, failure):
    """Calls check() -> (done, value) every `interval` s until done; returns (value, seconds
    taken). After `timeout` s fails the test with failure(last value)."""
    t0 = time.monotonic()
    while True:
        done, value = check()
        if done:
            return value, time.monotonic() - t0
        if time.monotonic() - t0 > timeout:
            pytest.fail(failure(value))
        time.sleep(interval)


def _all_running_on(status, tasks, on_ids):
    """The connector and tasks 0..tasks-1 are RUNNING, each on a worker id of on_ids."""
    ts = status.get("tasks", [])
    return (status["connector"]["state"] == "RUNNING"
            and status["connector"].get("worker_id") in on_ids
            and sorted(t["id"] for t in ts) == list(range(tasks))
            and all(t["state"] == "RUNNING" and t.get("worker_id") in on_ids for t in ts))


def task_owners(status):
    """task id -> worker_id of a status answer."""
    return {t["id"]: t.get("worker_id") for t in status.get("tasks", [])}


def verifiable_source(topic, tasks, throughput=100, **extra):
    config = {"connector.class": VERIFIABLE_SOURCE, "tasks.max": tasks, "topic": topic,
              "throughput": throughput, "topic.creation.default.partitions": 1,
              "topic.creation.default.replication.factor": 1}
    config.update(extra)
    return {k: str(v) for k, v in config.items()}


# ---- VerifiableSource sequence numbers ----

class TaskSeqnos:
    """The seqnos one VerifiableSource task wrote, in log order, and what is wrong with them."""

    def __init__(self, task, seqnos):
        self.task = task
        self.seqnos = seqnos
        distinct = set(seqnos)
        top = max(distinct) if distinct else -1
        self.max = top
        self.gaps = sorted(set(range(top + 1)) - distinct)
        counts = collections.Counter(seqnos)
        self.duplicates = sum(c - 1 for c in counts.values())
        self.zero_count = counts.get(0, 0)
        # Positions where the task went back (a restart at its last committed offset).
        self.backsteps = [i for i in range(1, len(seqnos)) if seqnos[i] <= seqnos[i - 1]]

    def never_restarted(self):
        """From 0, one by one, never back: the task ran without a stop."""
        return self.seqnos == list(range(len(self.seqnos)))

    def __repr__(self):
        return (f"task {self.task}: {len(self.seqnos)} records, max {self.max}, gaps "
                f"{self.gaps[:10]}{'...' if len(self.gaps) > 10 else ''}, {self.duplicates} "
                f"duplicates, went back at {[(self.seqnos[i - 1], self.seqnos[i]) for i in self.backsteps[:5]]}")


def read_seqnos(bootstrap, topic, expect_at_least=1, timeout=30):
    """task -> TaskSeqnos of everything in the topic now, checking that every record is a
    VerifiableSource record whose key is its task number."""
    by_task = collections.defaultdict(list)
    for _, _, key, value in read_topic(bootstrap, topic, timeout=timeout,
                                       expect_at_least=expect_at_least):
        record = json.loads(value)
        if isinstance(record, str):  # a converter that quotes strings
            record = json.loads(record)
        assert set(record) == {"task", "seqno", "time_ms"}, record
        assert key == str(record["task"]).encode(), (key, record)
        by_task[record["task"]].append(record["seqno"])
    return {t: TaskSeqnos(t, s) for t, s in by_task.items()}


def assert_no_gaps(report, tasks):
    """Every task 0..tasks-1 wrote something and no seqno below a task's highest is missing.
    Prints the duplicates; returns their total."""
    assert sorted(report) == list(range(tasks)), f"tasks in the topic: {sorted(report)}"
    for r in report.values():
        assert not r.gaps, f"seqno gaps: {r}"
    total = sum(r.duplicates for r in report.values())
    print("seqnos: " + "; ".join(repr(report[t]) for t in sorted(report)))
    return total


def log_count(cluster, text):
    """How often `text` occurs in all the workers' logs (every start)."""
    return sum(w.log_text().count(text) for w in cluster.workers)
