#!/usr/bin/env python3
"""The rebalance benchmark of issue 4 (see docs/benchmarks.md, "Distributed mode: rebalance"),
driven by bench/distributed/run_rebalance_bench.sh, which finds the binaries and the Kafka Connect
jars.

One broker-lite process on a free loopback port serves every cluster. Per contender (Sluice's
`sluice distributed`, Apache Kafka Connect 4.1.1's ConnectDistributed) and cluster size N, a fresh
group of N workers runs one source connector with 50 tasks at a low rate (Sluice's
VerifiableSource; for Connect bench/distributed/SeqSource.java, its equivalent, compiled here),
then each run does:
  (a) failover: SIGKILL of one worker that runs tasks (not the group's leader); timed from just
      before the kill until every task it ran is RUNNING on another worker, polling
      GET /connectors/NAME/status on a survivor every 50 ms. The survivors' logs give the moment
      the group's rebalance started, which splits the time into detection (session timeout) and
      rebalance + start. Any task the survivors stopped is a task stopped that did not move.
  (b) scale-out: a new worker process; timed from just before its spawn until the first task it
      is assigned is RUNNING (and, for context, until its REST API answers and until all 50 tasks
      are RUNNING spread evenly again). Tasks that the old workers stopped (their logs) but still
      own afterwards are tasks stopped that did not move.
so the cluster is back at N workers for the next run. Figures are medians over the runs.

Writes OUT/results.json (every run and the medians) and OUT/summary.md (printed too).

Usage: rebalance_bench.py --broker-lite BIN --sluice BIN --plugin-path DIR [--connect-jars DIR]
         --data DIR --out DIR [--runs 3] [--workers 3,10] [--connect-workers 3,10]
         [--skip sluice|connect]... [--command TEXT]
"""
import argparse
import calendar
import collections
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from bench_procs import Processes, free_port, http, log  # noqa: E402

TASKS = 50
THROUGHPUT = 10          # records per second per task
POLL_S = 0.05            # status polling during a measurement
SESSION_TIMEOUT_MS = 6000  # broker-lite's (and Kafka's) group.min.session.timeout.ms
HEARTBEAT_MS = 1000
DELAY_MS = 0             # scheduled.rebalance.max.delay.ms: move a dead worker's work at once
OFFSET_FLUSH_MS = 1000
MEASURE_TIMEOUT_S = 90.0
SETTLE_S = 2.0           # quiet time after the cluster is balanced, before the next measurement
CONNECT_JVM = ["-Xms256M", "-Xmx2G", "-server", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
               "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
               "-XX:MaxInlineLevel=15", "-Djava.awt.headless=true", "-Duser.timezone=UTC",
               "-Dorg.slf4j.simpleLogger.showDateTime=true",
               "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"]
STRING_CONVERTER = "org.apache.kafka.connect.storage.StringConverter"
NAMES = {"sluice": "Sluice", "connect": "Kafka Connect"}

# Log lines, per contender: a line's UTC time stamp at its start; the group's rebalance starting;
# a task of connector `gen` stopping (capture: the task number); a worker's assignment naming the
# leader (capture: the leader's REST port).
TIME_RE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{3})Z")
LINES = {
    "sluice": {"rebalance": "[herder] rebalance started",
               "stopped": re.compile(r"source task gen-(\d+) stopped"),
               "leader": re.compile(r"\[herder\] generation (\d+) \(leader\)")},
    "connect": {"rebalance": "Rebalance started",
                "stopped": re.compile(r"Stopping task gen-(\d+)\b"),
                "leader": re.compile(r"leaderUrl='http://127\.0\.0\.1:(\d+)/'")},
}


# Steps of a new Sluice worker, from its log (join_steps).
STEP_LINES = {"log_rest_s": re.compile(r"\[rest\] REST API listening"),
              "log_config_read_s": re.compile(r"\[herder\] config topic .* read to offset"),
              "log_first_assignment_s": re.compile(r"\[herder\] generation \d+"),
              "log_tasks_assigned_s": re.compile(r"\[herder\] generation \d+.*: "
                                                 r"\+\d+ connectors \+[1-9]\d* tasks")}


def line_time(line: str):
    """Epoch seconds of a log line's UTC time stamp, or None."""
    m = TIME_RE.match(line)
    if not m:
        return None
    return calendar.timegm(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")) + int(m.group(2)) / 1e3


class Worker:
    def __init__(self, proc, port, log_path, started_at):
        self.proc = proc
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.id = f"127.0.0.1:{port}"
        self.log_path = log_path
        self.started_at = started_at

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_size(self) -> int:
        try:
            return os.path.getsize(self.log_path)
        except OSError:
            return 0

    def log_since(self, offset: int) -> str:
        with open(self.log_path, "rb") as f:
            f.seek(offset)
            return f.read().decode(errors="replace")


class Cluster:
    """N workers of one contender in their own group, state topics and connector topic."""

    def __init__(self, bench, kind, n):
        self.bench = bench
        self.kind = kind
        self.n = n
        self.tag = f"{kind}{n}-{int(time.time())}"
        self.workers = []
        self.count = 0

    def settings(self, port):
        return {"bootstrap.servers": self.bench.bootstrap, "group.id": f"rb-{self.tag}",
                "config.storage.topic": f"rb-{self.tag}-configs",
                "offset.storage.topic": f"rb-{self.tag}-offsets",
                "status.storage.topic": f"rb-{self.tag}-status",
                "config.storage.replication.factor": 1, "offset.storage.replication.factor": 1,
                "status.storage.replication.factor": 1,
                "scheduled.rebalance.max.delay.ms": DELAY_MS,
                "session.timeout.ms": SESSION_TIMEOUT_MS, "heartbeat.interval.ms": HEARTBEAT_MS,
                "offset.flush.interval.ms": OFFSET_FLUSH_MS,
                "listeners": f"http://127.0.0.1:{port}",
                "key.converter": STRING_CONVERTER, "value.converter": STRING_CONVERTER}

    def spawn(self) -> Worker:
        """Starts one more worker (does not wait for it)."""
        port = free_port()
        i = self.count
        self.count += 1
        wdir = os.path.join(self.bench.args.data, self.tag, f"w{i}")
        os.makedirs(wdir)
        s = self.settings(port)
        if self.kind == "sluice":
            s["plugin.path"] = self.bench.args.plugin_path
            config = os.path.join(wdir, "worker.yaml")
            argv = [self.bench.args.sluice, "distributed", config]
            sep = ": "
        else:
            s["plugin.discovery"] = "service_load"
            config = os.path.join(wdir, "worker.properties")
            argv = ["java", *CONNECT_JVM, "-cp",
                    os.path.join(self.bench.args.connect_jars, "*") + ":" + self.bench.seq_jar,
                    "org.apache.kafka.connect.cli.ConnectDistributed", config]
            sep = "="
        with open(config, "w") as f:
            f.writelines(f"{k}{sep}{v}\n" for k, v in s.items())
        log_path = os.path.join(self.bench.logs, f"{self.tag}-w{i}.log")
        t0 = time.time()
        proc = self.bench.procs.start(argv, log_path, cwd=wdir)
        w = Worker(proc, port, log_path, t0)
        self.workers.append(w)
        return w

    def live(self):
        return [w for w in self.workers if w.alive()]

    def wait_ready(self, workers, timeout_s):
        deadline = time.monotonic() + timeout_s
        for w in workers:
            while http("GET", w.url + "/", timeout_s=2)[0] != 200:
                if not w.alive():
                    raise RuntimeError(f"{self.kind} worker {w.id} exited at start-up "
                                       f"(see logs/{os.path.basename(w.log_path)})")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.kind} worker {w.id} not serving after "
                                       f"{timeout_s:.0f} s")
                time.sleep(0.1)

    def status(self, via: Worker):
        code, text = http("GET", f"{via.url}/connectors/gen/status", timeout_s=2)
        if code != 200:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return None

    def create_connector(self):
        if self.kind == "sluice":
            config = {"connector.class": "VerifiableSource"}
        else:
            config = {"connector.class": "sluice.bench.SeqSource"}
        config.update({"tasks.max": str(TASKS), "topic": f"rb-{self.tag}-seq",
                       "throughput": str(THROUGHPUT),
                       "topic.creation.default.partitions": "1",
                       "topic.creation.default.replication.factor": "1"})
        deadline = time.monotonic() + 60
        while True:  # 409 while the group is (re)balancing
            code, text = http("POST", self.workers[0].url + "/connectors",
                              {"name": "gen", "config": config}, timeout_s=10)
            if code == 201:
                return
            if time.monotonic() > deadline or code not in (0, 409, 500):
                raise RuntimeError(f"POST /connectors on {self.kind}: HTTP {code} {text[:300]}")
            time.sleep(0.25)

    def balanced(self, st) -> bool:
        """All tasks RUNNING on live workers, spread evenly."""
        if not st or len(st.get("tasks", [])) != TASKS:
            return False
        ids = {w.id for w in self.live()}
        if not all(t["state"] == "RUNNING" and t.get("worker_id") in ids for t in st["tasks"]):
            return False
        counts = collections.Counter(t["worker_id"] for t in st["tasks"])
        per = [counts.get(i, 0) for i in ids]
        return max(per) - min(per) <= 1

    def wait_balanced(self, via, timeout_s=120.0):
        deadline = time.monotonic() + timeout_s
        st = None
        while time.monotonic() < deadline:
            st = self.status(via)
            if self.balanced(st):
                return st
            time.sleep(0.2)
        summary = collections.Counter((t["state"], t.get("worker_id"))
                                      for t in (st or {}).get("tasks", []))
        raise RuntimeError(f"{self.kind} x{self.n}: tasks not RUNNING and even after "
                           f"{timeout_s:.0f} s: {dict(summary)}")

    def leader_port(self):
        """REST port of the group's leader, from the workers' logs (None if not seen)."""
        best = None
        for w in self.live():
            text = w.log_since(0)
            if self.kind == "sluice":
                gens = [int(m.group(1)) for m in LINES["sluice"]["leader"].finditer(text)]
                if gens and (best is None or max(gens) > best[0]):
                    best = (max(gens), w.port)
            else:
                ports = LINES["connect"]["leader"].findall(text)
                if ports:
                    best = (0, int(ports[-1]))
        return best[1] if best else None


def owners(st):
    return {t["id"]: t.get("worker_id") for t in st["tasks"]}


class Bench:
    def __init__(self, args):
        self.args = args
        self.procs = Processes()
        self.records = []
        self.notes = []       # what could not run, or looked wrong
        self.meta = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                     "command": args.command,
                     "load_before": open("/proc/loadavg").read().split()[:3]}
        self.logs = os.path.join(args.out, "logs")
        os.makedirs(self.logs, exist_ok=True)

    def start_broker(self):
        port = free_port()
        self.bootstrap = f"127.0.0.1:{port}"
        log_dir = os.path.join(self.args.data, "broker")
        os.makedirs(log_dir)
        config = os.path.join(self.args.data, "broker.yaml")
        with open(config, "w") as f:
            f.write(f"listeners: PLAINTEXT://{self.bootstrap}\nlog.dirs: {log_dir}\n"
                    "num.partitions: 1\nauto.create.topics.enable: true\n"
                    "group.initial.rebalance.delay.ms: 0\n")
        self.broker = self.procs.start([self.args.broker_lite, "--config", config],
                                       os.path.join(self.logs, "broker-lite.log"))
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.broker.poll() is not None:
                    raise RuntimeError("broker-lite did not start; see logs/broker-lite.log")
                time.sleep(0.05)
        log(f"broker-lite on {self.bootstrap}")

    def build_seq_source(self):
        """Compiles SeqSource.java into a jar with its ServiceLoader manifest."""
        here = os.path.dirname(os.path.abspath(__file__))
        classes = os.path.join(self.args.data, "seqsource")
        services = os.path.join(classes, "META-INF", "services")
        os.makedirs(services)
        cp = os.path.join(self.args.connect_jars, "*")
        subprocess.run(["javac", "-d", classes, "-cp", cp, os.path.join(here, "SeqSource.java")],
                       check=True)
        with open(os.path.join(services, "org.apache.kafka.connect.source.SourceConnector"),
                  "w") as f:
            f.write("sluice.bench.SeqSource\n")
        self.seq_jar = os.path.join(self.args.data, "seqsource.jar")
        subprocess.run(["jar", "cf", self.seq_jar, "-C", classes, "."], check=True)

    def record(self, **fields):
        self.records.append(fields)
        return fields

    # ---- one cluster ---------------------------------------------------------------------------

    def run_cluster(self, kind, n):
        log(f"{NAMES[kind]}: {n} workers")
        c = Cluster(self, kind, n)
        start_timeout = 60 + (30 * n if kind == "connect" else 5 * n)
        try:
            t0 = time.monotonic()
            ws = [c.spawn() for _ in range(n)]
            c.wait_ready(ws, start_timeout)
            log(f"  {n} workers serving after {time.monotonic() - t0:.1f} s")
            c.create_connector()
            c.wait_balanced(ws[0], timeout_s=start_timeout)
            log(f"  {TASKS} tasks RUNNING after {time.monotonic() - t0:.1f} s")
            time.sleep(SETTLE_S)
            for run in range(1, self.args.runs + 1):
                self.failover(c, run)
                self.scale_out(c, run)
        except RuntimeError as e:
            self.notes.append(f"{NAMES[kind]} with {n} workers: stopped early: {e}")
            log(f"  stopped early: {e}")
        finally:
            for w in c.workers:
                self.procs.stop(w.proc, grace_s=30)

    def failover(self, c, run):
        live = c.live()
        leader = c.leader_port()
        st = c.wait_balanced(live[0])
        before = owners(st)
        # The victim: a worker that runs tasks and is not the leader; the latest started first.
        candidates = [w for w in reversed(live)
                      if w.port != leader and w.id in before.values()]
        victim = candidates[0] if candidates else live[-1]
        survivors = [w for w in live if w is not victim]
        via = next((w for w in survivors if w.port == leader), survivors[0])
        moved = sorted(t for t, o in before.items() if o == victim.id)
        offsets = {w.id: w.log_size() for w in survivors}
        t0 = time.time()
        os.kill(victim.proc.pid, signal.SIGKILL)
        victim.proc.wait()
        done = None
        while time.time() - t0 < MEASURE_TIMEOUT_S:
            st = c.status(via)
            if st:
                o = {t["id"]: t for t in st["tasks"]}
                if all(i in o and o[i]["state"] == "RUNNING" and o[i].get("worker_id") not in
                       (None, victim.id) for i in moved):
                    done = time.time()
                    break
            time.sleep(POLL_S)
        if done is None:
            raise RuntimeError(f"failover run {run}: tasks {moved} of {victim.id} not RUNNING "
                               f"elsewhere within {MEASURE_TIMEOUT_S:.0f} s")
        after = c.wait_balanced(via)
        time.sleep(SETTLE_S)
        rebalance_at, stopped = None, set()
        lines = LINES[c.kind]
        for w in survivors:
            for line in w.log_since(offsets[w.id]).splitlines():
                if lines["rebalance"] in line:
                    t = line_time(line)
                    if t is not None and (rebalance_at is None or t < rebalance_at):
                        rebalance_at = t
                m = lines["stopped"].search(line)
                if m:
                    stopped.add(int(m.group(1)))
        # Tasks the survivors stopped: none of them moved (only the victim's did).
        rec = self.record(
            kind="failover", contender=c.kind, workers=c.n, run=run, victim=victim.id,
            victim_was_leader=victim.port == leader, tasks_moved=len(moved),
            seconds=round(done - t0, 3),
            detection_s=round(rebalance_at - t0, 3) if rebalance_at else None,
            rebalance_to_running_s=round(done - rebalance_at, 3) if rebalance_at else None,
            stopped_not_moved=sorted(stopped),
            moved_to=sorted({owners(after)[i] for i in moved}))
        log(f"  failover #{run}: {len(moved)} tasks of {victim.id} RUNNING elsewhere after "
            f"{rec['seconds']:.2f} s (rebalance started at {rec['detection_s']} s); survivors "
            f"stopped {len(stopped)} task(s)")

    def scale_out(self, c, run):
        live = c.live()
        via = live[0]
        before = owners(c.wait_balanced(via))
        offsets = {w.id: w.log_size() for w in live}
        w = c.spawn()
        t0 = w.started_at
        rest_up = first = None
        while time.time() - t0 < MEASURE_TIMEOUT_S + 60:
            if not w.alive():
                raise RuntimeError(f"scale-out run {run}: new worker {w.id} exited")
            if rest_up is None and http("GET", w.url + "/", timeout_s=0.5)[0] == 200:
                rest_up = time.time()
            st = c.status(via)
            if st and any(t.get("worker_id") == w.id and t["state"] == "RUNNING"
                          for t in st["tasks"]):
                first = time.time()
                break
            time.sleep(POLL_S)
        if first is None:
            raise RuntimeError(f"scale-out run {run}: no task RUNNING on {w.id}")
        while rest_up is None and time.time() - t0 < MEASURE_TIMEOUT_S:
            # Kafka Connect serves GET / only once its herder has started.
            if http("GET", w.url + "/", timeout_s=0.5)[0] == 200:
                rest_up = time.time()
            else:
                time.sleep(POLL_S)
        while True:
            st = c.status(via)
            if c.balanced(st):
                balanced = time.time()
                break
            if time.time() - t0 > MEASURE_TIMEOUT_S * 2:
                raise RuntimeError(f"scale-out run {run}: not balanced again")
            time.sleep(POLL_S)
        after = owners(st)
        time.sleep(SETTLE_S)
        after = owners(c.wait_balanced(via))
        moved = {t for t in before if before[t] != after[t]}
        stopped = set()
        lines = LINES[c.kind]
        for old in live:
            for line in old.log_since(offsets[old.id]).splitlines():
                m = lines["stopped"].search(line)
                if m:
                    stopped.add(int(m.group(1)))
        rec = self.record(
            kind="scale_out", contender=c.kind, workers=c.n, run=run, new_worker=w.id,
            **self.join_steps(c, w),
            seconds=round(first - t0, 3),
            rest_up_s=round(rest_up - t0, 3) if rest_up else None,
            balanced_s=round(balanced - t0, 3), tasks_moved=len(moved),
            tasks_stopped=len(stopped), stopped_not_moved=sorted(stopped - moved),
            moved_not_to_new=sorted(t for t in moved if after[t] != w.id))
        log(f"  scale-out #{run}: first task on {w.id} RUNNING after {rec['seconds']:.2f} s "
            f"(REST {rec['rest_up_s']} s, balanced {rec['balanced_s']:.2f} s); {len(moved)} "
            f"moved, {len(stopped)} stopped, {len(rec['stopped_not_moved'])} stopped that did "
            f"not move")

    def join_steps(self, c, w):
        """For a new Sluice worker: when (seconds after spawn, from its log) its REST API
        listened, it had read the config topic to the end, it got its first assignment, and it
        got the assignment that gave it tasks."""
        if c.kind != "sluice":
            return {}
        steps = {}
        for line in w.log_since(0).splitlines():
            t = line_time(line)
            if t is None:
                continue
            for key, pattern in STEP_LINES.items():
                if key not in steps and pattern.search(line):
                    steps[key] = round(t - w.started_at, 3)
        return steps

    # ---- report --------------------------------------------------------------------------------

    def run(self):
        self.start_broker()
        sizes = {"sluice": self.args.workers, "connect": self.args.connect_workers}
        if "connect" not in self.args.skip:
            if not self.args.connect_jars:
                self.notes.append("Kafka Connect skipped: no jars")
                self.args.skip.append("connect")
            else:
                self.build_seq_source()
        for kind in ("sluice", "connect"):
            if kind in self.args.skip:
                continue
            for n in sizes[kind]:
                self.run_cluster(kind, n)

    def medians(self):
        med = {}
        for kind in ("failover", "scale_out"):
            for contender in ("sluice", "connect"):
                for n in sorted({r["workers"] for r in self.records}):
                    rs = [r for r in self.records if r["kind"] == kind and
                          r["contender"] == contender and r["workers"] == n]
                    if not rs:
                        continue
                    m = {"runs": len(rs)}
                    for key in ("seconds", "detection_s", "rebalance_to_running_s", "rest_up_s",
                                "balanced_s", "tasks_moved", *STEP_LINES):
                        vals = [r[key] for r in rs if r.get(key) is not None]
                        if vals:
                            m[key] = round(statistics.median(vals), 3)
                            m[key + "_range"] = [min(vals), max(vals)]
                    m["stopped_not_moved"] = sum(len(r["stopped_not_moved"]) for r in rs)
                    med[f"{kind}/{contender}/{n}"] = m
        return med

    def summary(self, med):
        def cell(key, field="seconds"):
            m = med.get(key)
            if not m or field not in m:
                return "—"
            lo, hi = m[field + "_range"]
            return f"{m[field]:.2f} s ({lo:.2f}..{hi:.2f}, {m['runs']} runs)"

        def count(key):
            m = med.get(key)
            return "—" if not m else str(m["stopped_not_moved"])

        sizes = sorted({r["workers"] for r in self.records})
        out = [f"#### Run of {self.meta['date']}", "",
               f"Command: `{self.meta['command']}` — {self.args.runs} run(s) per figure, medians "
               f"(range in brackets). One broker-lite; one source connector with {TASKS} tasks at "
               f"{THROUGHPUT} records/s each; session.timeout.ms {SESSION_TIMEOUT_MS}, "
               f"heartbeat.interval.ms {HEARTBEAT_MS}, scheduled.rebalance.max.delay.ms "
               f"{DELAY_MS}, status polled every {int(POLL_S * 1000)} ms.",
               f"Machine: {os.cpu_count()} cores, {mem_gib()} GiB, load average "
               f"{' '.join(self.meta['load_before'])} before, "
               f"{' '.join(self.meta['load_after'])} after.", "",
               "| figure | workers | Sluice | Kafka Connect |", "|---|---|---|---|"]
        rows = [("failover: kill -9 → its tasks RUNNING elsewhere", "failover", "seconds"),
                ("  of which detection (kill → rebalance started, from the logs)", "failover",
                 "detection_s"),
                ("  of which rebalance started → tasks RUNNING", "failover",
                 "rebalance_to_running_s"),
                ("scale-out: spawn → its first task RUNNING", "scale_out", "seconds"),
                ("  spawn → its REST API answers", "scale_out", "rest_up_s"),
                ("  spawn → all tasks RUNNING, spread evenly", "scale_out", "balanced_s"),
                ("  new Sluice worker's log: REST listening", "scale_out", "log_rest_s"),
                ("  … config topic read to its end", "scale_out", "log_config_read_s"),
                ("  … first assignment (joined)", "scale_out", "log_first_assignment_s"),
                ("  … assignment with tasks", "scale_out", "log_tasks_assigned_s")]
        for label, kind, field in rows:
            for n in sizes:
                out.append(f"| {label} | {n} | {cell(f'{kind}/sluice/{n}', field)} | "
                           f"{cell(f'{kind}/connect/{n}', field)} |")
        for label, kind in (("failover: tasks stopped that did not move (all runs)", "failover"),
                            ("scale-out: tasks stopped that did not move (all runs)",
                             "scale_out")):
            for n in sizes:
                out.append(f"| {label} | {n} | {count(f'{kind}/sluice/{n}')} | "
                           f"{count(f'{kind}/connect/{n}')} |")
        for n in sizes:
            m = med.get(f"scale_out/sluice/{n}")
            k = med.get(f"scale_out/connect/{n}")
            out.append(f"| scale-out: tasks moved to the new worker (median) | {n} | "
                       f"{m['tasks_moved'] if m else '—'} | {k['tasks_moved'] if k else '—'} |")
        out += ["", "Kafka Connect runs `sluice.bench.SeqSource` (bench/distributed/SeqSource.java: "
                "one seqno stream per task, like VerifiableSource) with the JVM options of its "
                "start scripts (" + " ".join(CONNECT_JVM[:2]) + ", G1), "
                "`plugin.discovery=service_load`; both contenders StringConverter, "
                f"offset.flush.interval.ms {OFFSET_FLUSH_MS}. The killed worker is never the "
                "group's leader."]
        if self.notes:
            out += ["", "Notes:"] + [f"- {n}" for n in self.notes]
        return "\n".join(out) + "\n"

    def report(self):
        self.meta["load_after"] = open("/proc/loadavg").read().split()[:3]
        med = self.medians()
        for r in self.records:
            if r.get("stopped_not_moved"):
                self.notes.append(f"{NAMES[r['contender']]} x{r['workers']} {r['kind']} run "
                                  f"{r['run']}: tasks stopped that did not move: "
                                  f"{r['stopped_not_moved']}")
            if r.get("moved_not_to_new"):
                self.notes.append(f"{NAMES[r['contender']]} x{r['workers']} scale-out run "
                                  f"{r['run']}: tasks moved between old workers: "
                                  f"{r['moved_not_to_new']}")
        with open(os.path.join(self.args.out, "results.json"), "w") as f:
            json.dump({"meta": self.meta, "records": self.records, "medians": med,
                       "notes": self.notes}, f, indent=1)
        text = self.summary(med)
        with open(os.path.join(self.args.out, "summary.md"), "w") as f:
            f.write(text)
        print(text)


def mem_gib() -> int:
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024)
    return 0


def sizes(text):
    return [int(x) for x in text.split(",") if x.strip()]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--broker-lite", required=True)
    ap.add_argument("--sluice", required=True)
    ap.add_argument("--plugin-path", required=True)
    ap.add_argument("--connect-jars", default="")
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=sizes, default=[3, 10])
    ap.add_argument("--connect-workers", type=sizes, default=[3, 10])
    ap.add_argument("--skip", action="append", default=[], choices=["sluice", "connect"])
    ap.add_argument("--command", default="bench/distributed/run_rebalance_bench.sh")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    bench = Bench(args)
    try:
        bench.run()
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        bench.notes.append(f"the benchmark stopped early: {e}")
    bench.report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
