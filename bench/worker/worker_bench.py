#!/usr/bin/env python3
"""The worker benchmark of issue 3 (see docs/benchmarks.md, "Worker"), driven by
bench/worker/run_worker_bench.sh, which finds the binaries and the Kafka Connect jars.

In one run against one broker-lite process that this script starts on a free loopback port:
  - generates LINES lines of 100 bytes (99 characters and a newline), once;
  - source job, per run: `kcat -P -l` of the file into a fresh topic; Sluice's FileStreamSource;
    Apache Kafka Connect's FileStreamSource. A worker's job is timed from the POST that creates
    the connector until the topic's high watermark reaches LINES (worker start-up excluded);
  - sink job, per run: every record of kcat's topic of the same run into a file, with
    `kcat -C -e`, Sluice's FileStreamSink and Kafka Connect's FileStreamSink; a worker's job is
    timed from the POST until the file holds all the input's bytes;
  - every output is checked: each sink's file and each source's topic (read back with kcat,
    untimed) must have the input's SHA-256, and each source topic exactly LINES records;
  - per worker and run: start-up (process spawn until GET / answers 200), idle RSS two seconds
    later, loaded RSS (VmHWM after the source job), CPU seconds of each job.
Each worker runs as a fresh process per run. Figures are medians over the runs.

Writes OUT/results.json (every run and the medians) and OUT/summary.md (printed too). With
--profile, extra unmeasured Sluice runs under `perf record` (one worker per job, each perf's child
from exec) leave OUT/profile-source.txt and OUT/profile-sink.txt.

Usage: worker_bench.py --broker-lite BIN --sluice BIN --plugin-path DIR [--connect-jars DIR]
         --data DIR --out DIR [--runs 3] [--lines 1000000] [--skip kcat|sluice|connect]...
         [--profile] [--command TEXT]
"""
import argparse
import hashlib
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time

from kafka_probe import KafkaProbe

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from bench_procs import Processes, free_port, http, log  # noqa: E402

LINE_BYTES = 100
MIB = 1024 * 1024
POLL_S = 0.01          # watermark and file-size polling
READY_POLL_S = 0.005   # REST readiness polling
IDLE_SETTLE_S = 2.0    # wait after start-up before reading the idle RSS
JOB_TIMEOUT_S = 600.0
START_TIMEOUT_S = 120.0
NOISE = 0.15  # on the shared machines, differences below this are noise (docs/benchmarks.md)

# kcat's librdkafka settings for the source job: those the Sluice worker gives its producers
# (acks=all, idempotence, linger.ms 5; librdkafka's default 1 MB batches). The consumer side
# keeps librdkafka's defaults on both, as the Sluice worker does.
KCAT_PRODUCER_SETTINGS = ["acks=all", "enable.idempotence=true", "linger.ms=5"]
# The JVM settings of Kafka's connect-standalone.sh (heap) and kafka-run-class.sh (the rest).
CONNECT_JVM = ["-Xms256M", "-Xmx2G", "-server", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
               "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
               "-XX:MaxInlineLevel=15", "-Djava.awt.headless=true"]
OFFSET_FLUSH_MS = 5000  # both workers

CONTENDERS = [("kcat", "kcat"), ("sluice", "Sluice"), ("connect", "Kafka Connect")]


def proc_status_kib(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"/proc/{pid}/status has no {field}")


def proc_cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(4 * MIB):
            digest.update(chunk)
    return digest.hexdigest()


class Bench:
    def __init__(self, args):
        self.args = args
        self.procs = Processes()
        self.records = []     # every measurement, one dict each
        self.failures = []    # human-readable reasons a figure is not a result
        self.meta = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                     "command": args.command}
        os.makedirs(os.path.join(args.out, "logs"), exist_ok=True)
        self.logs = os.path.join(args.out, "logs")
        self.input = os.path.join(args.data, "input.txt")
        self.input_bytes = args.lines * LINE_BYTES

    # ---- set-up ------------------------------------------------------------------------------

    def generate_input(self) -> None:
        """LINES distinct lines of 99 characters: the line number, then a fixed filler."""
        filler = "abcdefghijklmnopqrstuvwxyz0123456789" * 3
        with open(self.input, "w") as f:
            block = []
            for i in range(self.args.lines):
                block.append(f"{i:010d} {filler}"[:LINE_BYTES - 1] + "\n")
                if len(block) == 10000:
                    f.write("".join(block))
                    block = []
            f.write("".join(block))
        self.input_sha = sha256_of(self.input)
        assert os.path.getsize(self.input) == self.input_bytes

    def start_broker(self) -> None:
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
                with KafkaProbe(self.bootstrap, 2) as probe:
                    probe.high_watermark("__probe")
                break
            except OSError:
                if time.monotonic() > deadline or self.broker.poll() is not None:
                    raise RuntimeError("broker-lite did not start; see logs/broker-lite.log")
                time.sleep(0.05)
        log(f"broker-lite on {self.bootstrap}")

    def create_topic(self, topic: str) -> None:
        with KafkaProbe(self.bootstrap) as probe:
            probe.create_topic(topic)

    def high_watermark(self, topic: str) -> int:
        with KafkaProbe(self.bootstrap) as probe:
            return probe.high_watermark(topic)

    def record(self, **fields) -> dict:
        self.records.append(fields)
        return fields

    def fail(self, what: str) -> None:
        log("NOT A RESULT: " + what)
        self.failures.append(what)

    # ---- checks ------------------------------------------------------------------------------

    def check_file(self, who: str, run: int, path: str) -> bool:
        size = os.path.getsize(path) if os.path.exists(path) else -1
        if size != self.input_bytes or sha256_of(path) != self.input_sha:
            self.fail(f"{who} sink run {run}: output ({size} bytes) differs from the input")
            return False
        return True

    def check_topic(self, who: str, run: int, topic: str) -> bool:
        """Reads TOPIC back with kcat (untimed) and compares it with the input."""
        hw = self.high_watermark(topic)
        if hw != self.args.lines:
            self.fail(f"{who} source run {run}: topic {topic} holds {hw} records, "
                      f"expected {self.args.lines}")
            return False
        path = os.path.join(self.args.data, f"readback-{topic}.txt")
        with open(path, "wb") as out:
            rc = subprocess.run(["kcat", "-C", "-q", "-b", self.bootstrap, "-t", topic,
                                 "-o", "beginning", "-e", "-f", "%s\n"],
                                stdout=out, stderr=subprocess.DEVNULL, timeout=300).returncode
        ok = rc == 0 and self.check_file(f"{who} (read-back of {topic})", run, path)
        os.remove(path)
        return ok

    # ---- kcat --------------------------------------------------------------------------------

    def timed_child(self, argv, stdout) -> tuple:
        """Runs argv to completion; returns (exit code, wall seconds, CPU seconds)."""
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode(errors="replace")
        if err.strip():
            with open(os.path.join(self.logs, "kcat.log"), "a") as f:
                f.write(err)
        return proc.returncode, elapsed, usage.ru_utime + usage.ru_stime

    def kcat_source(self, run: int, topic: str) -> None:
        settings = [a for s in KCAT_PRODUCER_SETTINGS for a in ("-X", s)]
        broker_cpu0 = proc_cpu_s(self.broker.pid)
        rc, elapsed, cpu = self.timed_child(
            ["kcat", "-P", "-l", "-b", self.bootstrap, "-t", topic, *settings, self.input],
            subprocess.DEVNULL)
        ok = rc == 0 and self.check_topic("kcat", run, topic)
        if rc != 0:
            self.fail(f"kcat source run {run}: exit code {rc}")
        self.job_record("kcat", "source", run, elapsed, cpu, proc_cpu_s(self.broker.pid) - broker_cpu0, ok)

    def kcat_sink(self, run: int, topic: str) -> None:
        path = os.path.join(self.args.data, f"out-kcat-{run}.txt")
        broker_cpu0 = proc_cpu_s(self.broker.pid)
        with open(path, "wb") as out:
            rc, elapsed, cpu = self.timed_child(
                ["kcat", "-C", "-q", "-b", self.bootstrap, "-t", topic, "-o", "beginning", "-e",
                 "-f", "%s\n"], out)
        ok = rc == 0 and self.check_file("kcat", run, path)
        if rc != 0:
            self.fail(f"kcat sink run {run}: exit code {rc}")
        os.remove(path)
        self.job_record("kcat", "sink", run, elapsed, cpu, proc_cpu_s(self.broker.pid) - broker_cpu0, ok)

    def job_record(self, who, job, run, elapsed, cpu, broker_cpu, ok, **extra) -> None:
        rec = self.record(kind="job", contender=who, job=job, run=run, seconds=round(elapsed, 4),
                          lines_per_s=round(self.args.lines / elapsed),
                          mb_per_s=round(self.input_bytes / elapsed / 1e6, 2),
                          cpu_s=round(cpu, 3), broker_cpu_s=round(broker_cpu, 3), ok=ok, **extra)
        log(f"  {who} {job} #{run}: {rec['seconds']:.3f} s, {rec['lines_per_s']:,} lines/s, "
            f"{rec['mb_per_s']} MB/s, CPU {rec['cpu_s']} s{'' if ok else ' (NOT OK)'}")

    # ---- workers -----------------------------------------------------------------------------

    def worker_argv(self, who: str, run: int, rest_port: int) -> list:
        """Writes the worker's configuration (the same keys for both workers, each in its own
        file format) and returns its command line."""
        wdir = os.path.join(self.args.data, f"{who}-{run}")
        os.makedirs(wdir)
        settings = {"listeners": f"http://127.0.0.1:{rest_port}",
                    "bootstrap.servers": self.bootstrap,
                    "offset.storage.file.filename": f"{wdir}/offsets.txt",
                    "offset.flush.interval.ms": str(OFFSET_FLUSH_MS),
                    "key.converter": "org.apache.kafka.connect.storage.StringConverter",
                    "value.converter": "org.apache.kafka.connect.storage.StringConverter"}
        if who == "sluice":
            settings["plugin.path"] = self.args.plugin_path
            settings["config.storage.file.filename"] = f"{wdir}/connectors.json"
            config = os.path.join(wdir, "worker.yaml")
            argv = [self.args.sluice, "standalone", config]
            separator = ": "
        else:
            # What Connect itself advises when every plugin has a ServiceLoader manifest
            # (connect-file has); its default scans every class on the class path at start-up.
            settings["plugin.discovery"] = "service_load"
            config = os.path.join(wdir, "worker.properties")
            argv = ["java", *CONNECT_JVM, "-cp", os.path.join(self.args.connect_jars, "*"),
                    "org.apache.kafka.connect.cli.ConnectStandalone", config]
            separator = "="
        with open(config, "w") as f:
            f.writelines(f"{key}{separator}{value}\n" for key, value in settings.items())
        return argv

    def start_worker(self, who: str, run: int, measure: bool = True, prefix=()):
        """Starts a worker (under the command `prefix` when given); returns (process, REST base
        URL). Records start-up and idle RSS when `measure`."""
        port = free_port()
        argv = [*prefix, *self.worker_argv(who, run, port)]
        url = f"http://127.0.0.1:{port}"
        t0 = time.perf_counter()
        proc = self.procs.start(argv, os.path.join(self.logs, f"{who}-{run}.log"),
                                cwd=self.args.data)
        deadline = t0 + START_TIMEOUT_S
        while http("GET", url + "/", timeout_s=1)[0] != 200:
            if proc.poll() is not None or time.perf_counter() > deadline:
                raise RuntimeError(f"{who} did not serve GET / (see logs/{who}-{run}.log)")
            time.sleep(READY_POLL_S)
        startup = time.perf_counter() - t0
        if measure:
            time.sleep(IDLE_SETTLE_S)
            rec = self.record(kind="worker", contender=who, run=run,
                              startup_s=round(startup, 4),
                              idle_rss_mib=round(proc_status_kib(proc.pid, "VmRSS") / 1024, 1),
                              idle_hwm_mib=round(proc_status_kib(proc.pid, "VmHWM") / 1024, 1),
                              threads_idle=proc_status_kib(proc.pid, "Threads"))
            log(f"  {who} #{run}: REST up after {startup * 1000:.0f} ms, idle RSS "
                f"{rec['idle_rss_mib']} MiB (HWM {rec['idle_hwm_mib']} MiB)")
        return proc, url

    def create_connector(self, url: str, name: str, config: dict) -> None:
        status, text = http("POST", url + "/connectors", {"name": name, "config": config})
        if status != 201:
            raise RuntimeError(f"POST /connectors {name}: HTTP {status} {text[:300]}")

    def wait_until(self, proc, progress, what: str, t0: float) -> tuple:
        """Polls progress() (units done, 0..LINES or 0..bytes) until it reaches `total`.
        Returns (ok, seconds until 99 % was done): the second figure shows how much of a job's
        time the last 1 % took (a tail left in a buffer until the next offset flush)."""
        fn, total = progress
        deadline = time.perf_counter() + JOB_TIMEOUT_S
        t99 = None
        while True:
            done = fn()
            if t99 is None and done >= 0.99 * total:
                t99 = time.perf_counter() - t0
            if done >= total:
                return True, t99
            if proc.poll() is not None:
                self.fail(f"{what}: the worker exited (code {proc.returncode})")
                return False, t99
            if time.perf_counter() > deadline:
                self.fail(f"{what}: not done after {JOB_TIMEOUT_S:.0f} s")
                return False, t99
            time.sleep(POLL_S)

    def worker_source(self, who, run, proc, url, topic, measure=True) -> bool:
        probe = KafkaProbe(self.bootstrap)
        config = {"connector.class": "FileStreamSource", "tasks.max": "1", "file": self.input,
                  "topic": topic}
        cpu0, broker_cpu0 = proc_cpu_s(proc.pid), proc_cpu_s(self.broker.pid)
        t0 = time.perf_counter()
        self.create_connector(url, f"{who}-source-{run}", config)
        ok, t99 = self.wait_until(proc, (lambda: probe.high_watermark(topic), self.args.lines),
                                  f"{who} source run {run}", t0)
        elapsed = time.perf_counter() - t0
        probe.close()
        if measure:
            self.job_record(who, "source", run, elapsed, proc_cpu_s(proc.pid) - cpu0,
                            proc_cpu_s(self.broker.pid) - broker_cpu0, ok,
                            seconds_99pct=round(t99, 4) if t99 else None, loaded_hwm_mib=round(proc_status_kib(proc.pid, "VmHWM") / 1024, 1))
        return ok

    def worker_sink(self, who, run, proc, url, topic, out_path, measure=True) -> bool:
        config = {"connector.class": "FileStreamSink", "tasks.max": "1", "file": out_path,
                  "topics": topic}
        cpu0, broker_cpu0 = proc_cpu_s(proc.pid), proc_cpu_s(self.broker.pid)
        t0 = time.perf_counter()
        self.create_connector(url, f"{who}-sink-{run}", config)

        def written():
            return os.path.getsize(out_path) if os.path.exists(out_path) else 0

        ok, t99 = self.wait_until(proc, (written, self.input_bytes), f"{who} sink run {run}", t0)
        elapsed = time.perf_counter() - t0
        if measure:
            self.job_record(who, "sink", run, elapsed, proc_cpu_s(proc.pid) - cpu0,
                            proc_cpu_s(self.broker.pid) - broker_cpu0, ok,
                            seconds_99pct=round(t99, 4) if t99 else None, peak_hwm_mib=round(proc_status_kib(proc.pid, "VmHWM") / 1024, 1))
        return ok

    def worker_run(self, who: str, run: int, sink_topic: str) -> None:
        topic = f"src-{who}-{run}"
        self.create_topic(topic)
        out_path = os.path.join(self.args.data, f"out-{who}-{run}.txt")
        proc, url = self.start_worker(who, run)
        source_ok = self.worker_source(who, run, proc, url, topic)
        sink_ok = source_ok and self.worker_sink(who, run, proc, url, sink_topic, out_path)
        self.procs.stop(proc)  # a graceful stop: whatever was written late shows up below
        if proc.returncode not in (0, 130, 143, -15):
            log(f"  {who} #{run} exited with {proc.returncode} on SIGTERM")
        if source_ok and not self.check_topic(who, run, topic):
            self.mark_not_ok(who, "source", run)
        if sink_ok and not self.check_file(who, run, out_path):
            self.mark_not_ok(who, "sink", run)
        if os.path.exists(out_path):
            os.remove(out_path)

    def mark_not_ok(self, who, job, run) -> None:
        for rec in self.records:
            if rec.get("kind") == "job" and (rec["contender"], rec["job"], rec["run"]) == (who, job, run):
                rec["ok"] = False

    # ---- profiling ---------------------------------------------------------------------------

    def write_profile_report(self, profile: str) -> None:
        """Self time per function, inclusive time, and the call chains of the hottest ones."""
        reports = [("self time", ["--no-children", "-g", "none", "--percent-limit", "0.7"]),
                   ("inclusive time", ["--children", "-g", "none", "--percent-limit", "3"]),
                   ("callers of the hottest functions",
                    ["--no-children", "-g", "caller,2,callee,function,percent",
                     "--percent-limit", "2"])]
        with open(profile + ".txt", "w") as out:
            for title, options in reports:
                out.write(f"==== {title}: perf report {' '.join(options)} ====\n")
                out.flush()
                subprocess.run(["perf", "report", "-i", profile + ".data", "--stdio", *options,
                                "--sort", "symbol"], stdout=out, stderr=subprocess.DEVNULL,
                               timeout=600)

    def profile_sluice(self, sink_topic: str) -> None:
        """Extra, unmeasured Sluice runs under perf, one worker per job. The worker runs as perf's
        child from its exec on, so every thread it creates later (the task's, librdkafka's) is
        sampled; stopping perf stops the worker with SIGTERM."""
        log("profiling Sluice (perf record --call-graph dwarf, 499 Hz)")
        for job, run in (("source", 98), ("sink", 99)):
            profile = os.path.join(self.args.out, f"profile-{job}")
            # DWARF unwinding: the build keeps no frame pointers, so -g alone loses callers.
            perf = ["perf", "record", "--call-graph", "dwarf,16384", "-F", "499", "-o",
                    profile + ".data", "--"]
            proc, url = self.start_worker("sluice", run, measure=False, prefix=perf)
            if job == "source":
                topic = f"src-sluice-{run}"
                self.create_topic(topic)
                self.worker_source("sluice", run, proc, url, topic, measure=False)
            else:
                out_path = os.path.join(self.args.data, "out-sluice-profile.txt")
                self.worker_sink("sluice", run, proc, url, sink_topic, out_path, measure=False)
                os.remove(out_path)
            self.procs.stop(proc, 120.0)  # perf writes its data file before it exits
            self.write_profile_report(profile)

    # ---- the run -----------------------------------------------------------------------------

    def run(self) -> None:
        skip = set(self.args.skip)
        if "connect" not in skip and not self.args.connect_jars:
            log("Kafka Connect skipped: no jars")
            skip.add("connect")
        self.meta.update({"runs": self.args.runs,
                     "lines": self.args.lines, "line_bytes": LINE_BYTES,
                     "machine": f"{os.cpu_count()} cores, "
                                f"{os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30:.0f} GiB",
                     "load_before": open("/proc/loadavg").read().split()[:3],
                     "kcat": self.kcat_version(), "skipped": sorted(skip),
                     "kcat_producer_settings": KCAT_PRODUCER_SETTINGS,
                     "connect_jvm": CONNECT_JVM, "offset_flush_interval_ms": OFFSET_FLUSH_MS})
        log(f"generating {self.args.lines:,} lines of {LINE_BYTES} bytes")
        self.generate_input()
        self.start_broker()
        for run in range(1, self.args.runs + 1):
            log(f"run {run} of {self.args.runs}")
            sink_topic = f"src-kcat-{run}"
            self.create_topic(sink_topic)
            # kcat writes the topic every sink of this run reads, so it always runs.
            self.kcat_source(run, sink_topic)
            if "kcat" not in skip:
                self.kcat_sink(run, sink_topic)
            for who in ("sluice", "connect"):
                if who not in skip:
                    self.worker_run(who, run, sink_topic)
        if self.args.profile and "sluice" not in skip and self.args.runs > 0:
            self.profile_sluice(f"src-kcat-1")
        self.meta["broker_lite_peak_rss_mib"] = round(
            proc_status_kib(self.broker.pid, "VmHWM") / 1024, 1)
        self.procs.stop(self.broker)

    def kcat_version(self) -> str:
        out = subprocess.run(["kcat", "-V"], capture_output=True, text=True).stdout
        m = re.search(r"Version (\S+).*librdkafka (\S+)", out)
        return f"kcat {m.group(1)}, librdkafka {m.group(2)}" if m else "kcat"

    # ---- report ------------------------------------------------------------------------------

    def medians(self) -> dict:
        med = {}
        for who, _ in CONTENDERS:
            for job in ("source", "sink"):
                runs = [r for r in self.records if r.get("kind") == "job"
                        and r["contender"] == who and r["job"] == job]
                good = [r for r in runs if r["ok"]]
                if not runs:
                    continue
                entry = {"runs": len(runs), "ok_runs": len(good), "all_ok": len(good) == len(runs)}
                for key in ("seconds", "lines_per_s", "mb_per_s", "cpu_s", "broker_cpu_s",
                            "seconds_99pct"):
                    values = [r[key] for r in good if r.get(key) is not None]
                    entry[key] = statistics.median(values) if values else None
                med[f"{who}/{job}"] = entry
            workers = [r for r in self.records if r.get("kind") == "worker" and r["contender"] == who]
            if workers:
                loaded = [r["loaded_hwm_mib"] for r in self.records if r.get("kind") == "job"
                          and r["contender"] == who and r["job"] == "source"]
                med[f"{who}/worker"] = {
                    "startup_s": statistics.median(r["startup_s"] for r in workers),
                    "idle_rss_mib": statistics.median(r["idle_rss_mib"] for r in workers),
                    "idle_hwm_mib": statistics.median(r["idle_hwm_mib"] for r in workers),
                    "loaded_hwm_mib": statistics.median(loaded) if loaded else None,
                    "threads_idle": statistics.median(r["threads_idle"] for r in workers)}
        return med

    def targets(self, med: dict) -> list:
        rows = []

        def rate(key):
            entry = med.get(key)
            return entry["lines_per_s"] if entry and entry["all_ok"] else None

        for job in ("source", "sink"):
            s = rate(f"sluice/{job}")
            for ref, factor, label in (("kcat", 1.0, "≥ kcat"), ("connect", 2.0, "≥ 2 × Kafka Connect")):
                r = rate(f"{ref}/{job}")
                rows.append((f"{job}: lines/s {label}", s, r * factor if r else None, "higher"))
        w = med.get("sluice/worker", {})
        rows.append(("start-up ≤ 0.5 s", w.get("startup_s"), 0.5, "lower"))
        rows.append(("idle RSS ≤ 30 MiB", w.get("idle_rss_mib"), 30.0, "lower"))
        out = []
        for name, measured, required, better in rows:
            if measured is None or required is None:
                verdict = "n/a"
            elif better == "higher":
                verdict = "PASS" if measured >= required else "FAIL"
                if verdict == "FAIL" and measured >= (1 - NOISE) * required:
                    verdict = "FAIL (within noise)"
            else:
                verdict = "PASS" if measured <= required else "FAIL"
            out.append({"target": name, "measured": measured, "required": required,
                        "verdict": verdict})
        return out

    def summary(self, med: dict, targets: list) -> str:
        def job_cell(key):
            e = med.get(key)
            if e is None:
                return "—"
            if not e["all_ok"]:
                return f"NOT A RESULT ({e['ok_runs']}/{e['runs']} runs correct)"
            t99 = f" (99 % at {e['seconds_99pct']:.2f} s)" if e["seconds_99pct"] else ""
            return (f"{e['seconds']:.2f} s{t99}, {e['lines_per_s'] / 1000:,.0f} k lines/s, "
                    f"{e['mb_per_s']:.0f} MB/s, CPU {e['cpu_s']:.2f} s")

        def ratio(a, b):
            ea, eb = med.get(a), med.get(b)
            if not ea or not eb or not ea["all_ok"] or not eb["all_ok"]:
                return "—"
            return f"{ea['lines_per_s'] / eb['lines_per_s']:.2f}×"

        m = self.meta
        lines = [f"#### Run of {m['date']}", "",
                 f"Command: `{m['command']}` — {m.get('runs')} run(s), medians; "
                 f"{m.get('lines', 0):,} lines × {LINE_BYTES} B; MB = 10^6 bytes.",
                 f"Machine: {m.get('machine')}, load average {' '.join(m.get('load_before', []))} "
                 f"before, {' '.join(m['load_after'])} after. {m.get('kcat')}.", "",
                 "| job | kcat | Sluice | Kafka Connect | Sluice / kcat | Sluice / Kafka Connect |",
                 "|---|---|---|---|---|---|"]
        for job, title in (("source", "source: file → topic"), ("sink", "sink: topic → file")):
            lines.append(f"| {title} | {job_cell(f'kcat/{job}')} | {job_cell(f'sluice/{job}')} | "
                         f"{job_cell(f'connect/{job}')} | {ratio(f'sluice/{job}', f'kcat/{job}')} | "
                         f"{ratio(f'sluice/{job}', f'connect/{job}')} |")
        lines += ["", "| worker | start-up (spawn → GET / 200) | idle RSS (VmRSS / VmHWM) | "
                      "loaded RSS (VmHWM after the source job) | threads idle |",
                  "|---|---|---|---|---|"]
        for who, name in CONTENDERS[1:]:
            w = med.get(f"{who}/worker")
            if w:
                loaded = f"{w['loaded_hwm_mib']:.1f} MiB" if w["loaded_hwm_mib"] is not None else "—"
                lines.append(f"| {name} | {w['startup_s'] * 1000:,.0f} ms | "
                             f"{w['idle_rss_mib']:.1f} / {w['idle_hwm_mib']:.1f} MiB | {loaded} | "
                             f"{w['threads_idle']:.0f} |")
        lines += ["", "| target (Sluice) | measured | required | verdict |", "|---|---|---|---|"]
        for t in targets:
            fmt = (lambda v: "—" if v is None else (f"{v:,.0f}" if v >= 100 else f"{v:.2f}"))
            lines.append(f"| {t['target']} | {fmt(t['measured'])} | {fmt(t['required'])} | "
                         f"{t['verdict']} |")
        counts = {v: sum(1 for t in targets if t["verdict"].split()[0] == v)
                  for v in ("PASS", "FAIL", "n/a")}
        lines += ["", f"Targets: {counts['PASS']} PASS, {counts['FAIL']} FAIL, {counts['n/a']} n/a "
                      f"(\"within noise\": less than {NOISE:.0%} short of the bar). "
                      f"broker-lite peak RSS {m['broker_lite_peak_rss_mib']} MiB."]
        lines += ["", "Settings: kcat producer `" + " ".join(KCAT_PRODUCER_SETTINGS) + "` (the "
                  "Sluice worker's producer settings; librdkafka's default batches), consumer "
                  "defaults; both workers StringConverter for keys and values, "
                  f"offset.flush.interval.ms {OFFSET_FLUSH_MS}, connector defaults "
                  "(batch.size 2000), a fresh worker process per run; Kafka Connect with the "
                  "JVM options of its start scripts (" + " ".join(CONNECT_JVM[:2]) + ", G1)."]
        if self.failures:
            lines += ["", "Not results (data lost, duplicated or late):"]
            lines += [f"- {f}" for f in self.failures]
        return "\n".join(lines) + "\n"

    def report(self) -> None:
        self.meta["load_after"] = open("/proc/loadavg").read().split()[:3]
        self.meta.setdefault("broker_lite_peak_rss_mib", None)
        med = self.medians()
        targets = self.targets(med)
        with open(os.path.join(self.args.out, "results.json"), "w") as f:
            json.dump({"meta": self.meta, "records": self.records, "medians": med,
                       "targets": targets, "failures": self.failures}, f, indent=1)
        text = self.summary(med, targets)
        with open(os.path.join(self.args.out, "summary.md"), "w") as f:
            f.write(text)
        print(text)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--broker-lite", required=True)
    ap.add_argument("--sluice", required=True)
    ap.add_argument("--plugin-path", required=True)
    ap.add_argument("--connect-jars", default="")
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--skip", action="append", default=[], choices=["kcat", "sluice", "connect"])
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--command", default="bench/worker/run_worker_bench.sh")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    bench = Bench(args)
    try:
        bench.run()
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        bench.fail(f"the benchmark stopped early: {e}")  # report what was measured so far
    bench.report()
    return 1 if bench.failures else 0


if __name__ == "__main__":
    sys.exit(main())
