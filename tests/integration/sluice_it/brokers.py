"""Broker processes for the integration suite.

Two targets implement the same interface (start, stop, kill9, restart, bootstrap):
  * BrokerLite: build/bin/broker-lite --config <yaml>, the broker under test;
  * ApacheKafka: a single-node KRaft Apache Kafka 4.x started from the jars that
    setup-clients.sh fetched; the reference the suite is validated against.
Both take the same settings, keyed by Kafka broker property names. Every process runs in its own
session so that teardown can kill it (and anything it spawned) with its process group.
"""

import atexit
import base64
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid

from . import wire

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BUILD_DIR = os.environ.get("SLUICE_BUILD_DIR", os.path.join(REPO, "build"))
DEPS_DIR = os.environ.get("SLUICE_DEPS_DIR", os.path.join(REPO, "build", "deps"))
KAFKA_JARS = os.path.join(DEPS_DIR, "kafka")
JAVA_CLASSES = os.path.join(DEPS_DIR, "java-classes")

START_TIMEOUT_S = 45.0
STOP_TIMEOUT_S = 20.0

_live = set()


def _kill_all_live():
    for proc in list(_live):
        _kill_group(proc)


atexit.register(_kill_all_live)


def _kill_group(proc, sig=signal.SIGKILL):
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
    if sig == signal.SIGKILL:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        _live.discard(proc)


def spawn(args, log_path, env=None, cwd=None):
    """Starts a long-running helper process in its own session, output appended to log_path.
    The process is killed at interpreter exit if the test forgot it."""
    log = open(log_path, "ab")
    try:
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, env=env, cwd=cwd)
    finally:
        log.close()
    _live.add(proc)
    return proc


def reap(proc, sig=signal.SIGTERM, timeout=STOP_TIMEOUT_S):
    """Stops a process started by spawn(): sig first, SIGKILL after timeout. Returns its exit code."""
    if proc.poll() is None:
        _kill_group(proc, sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc, signal.SIGKILL)
    # Anything left in the process group goes too.
    _kill_group(proc, signal.SIGKILL)
    return proc.returncode


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _yaml_scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    plain_ok = text and not text[0] in "!&*-?[]{}|>'\"%@`#, " and ": " not in text and " #" not in text
    return text if plain_ok else '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _props_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class BrokerProcess:
    """Common part of both targets. settings: Kafka broker property names -> values, without
    listeners/log.dirs (the fixture chooses those)."""

    target = "?"

    def __init__(self, workdir, settings, port=None):
        self.workdir = workdir
        self.data_dir = os.path.join(workdir, "data")
        os.makedirs(self.data_dir, exist_ok=True)
        self.settings = dict(settings)
        self.port = port or free_port()
        self.host = "127.0.0.1"
        self.log_path = os.path.join(workdir, "broker.log")
        self.proc = None
        self.starts = 0

    @property
    def bootstrap(self):
        return f"{self.host}:{self.port}"

    def config(self):
        cfg = {"listeners": f"PLAINTEXT://{self.host}:{self.port}", "log.dirs": self.data_dir}
        cfg.update(self.settings)
        return cfg

    def _command(self):
        raise NotImplementedError

    def _prepare(self):
        """Called before every start (e.g. to write the config file)."""

    def start(self, timeout=START_TIMEOUT_S):
        assert self.proc is None or self.proc.poll() is not None, "broker already running"
        self._prepare()
        with open(self.log_path, "ab") as log:
            log.write(f"==== start #{self.starts + 1} at {time.strftime('%H:%M:%S')}\n".encode())
        self.proc = spawn(self._command(), self.log_path, env=self._env(), cwd=self.workdir)
        self.starts += 1
        self.wait_ready(timeout)
        return self

    def _env(self):
        return None

    def wait_ready(self, timeout=START_TIMEOUT_S):
        deadline = time.monotonic() + timeout
        last_error = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.target} exited with code {self.proc.returncode} during "
                                   f"start-up; log tail:\n{self.log_tail()}")
            try:
                info = wire.probe(self.host, self.port, timeout=2.0)
                if info["brokers"]:
                    self.node_id = info["brokers"][0][0]
                    self.controller_id = info["controller"]
                    self.api_versions = info["api_versions"]
                    return info
                last_error = "Metadata lists no broker"
            except (OSError, wire.WireError, Exception) as e:  # noqa: BLE001 - keep polling
                last_error = repr(e)
            time.sleep(0.1)
        raise TimeoutError(f"{self.target} on {self.bootstrap} not ready after {timeout}s "
                           f"(last error: {last_error}); log tail:\n{self.log_tail()}")

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=STOP_TIMEOUT_S):
        """Clean stop with SIGTERM; returns the exit code (None if it had to be killed)."""
        if self.proc is None:
            return None
        t0 = time.monotonic()
        code = reap(self.proc, signal.SIGTERM, timeout)
        self.last_stop_seconds = time.monotonic() - t0
        return code

    def kill9(self):
        if self.proc is not None and self.proc.poll() is None:
            _kill_group(self.proc, signal.SIGKILL)

    def restart(self, timeout=START_TIMEOUT_S):
        """Stops (SIGTERM) if running, then starts again on the same port and data directory."""
        if self.running():
            self.stop()
        return self.start(timeout)

    def log_tail(self, lines=40):
        try:
            with open(self.log_path, "rb") as f:
                return b"".join(f.read().splitlines(keepends=True)[-lines:]).decode("utf-8",
                                                                                    "replace")
        except OSError:
            return "(no log)"


class BrokerLite(BrokerProcess):
    target = "broker-lite"

    def __init__(self, workdir, settings, port=None):
        super().__init__(workdir, settings, port)
        self.binary = os.path.join(BUILD_DIR, "bin", "broker-lite")
        self.config_path = os.path.join(workdir, "broker.yaml")
        if not os.access(self.binary, os.X_OK):
            raise FileNotFoundError(f"broker-lite binary not found at {self.binary} "
                                    "(build it, or set SLUICE_BUILD_DIR)")

    def _prepare(self):
        with open(self.config_path, "w") as f:
            f.write("# Written by the integration-test fixture.\n")
            for key, value in self.config().items():
                f.write(f"{key}: {_yaml_scalar(value)}\n")

    def _command(self):
        return [self.binary, "--config", self.config_path]


class ApacheKafka(BrokerProcess):
    """Single-node KRaft (broker and controller in one JVM)."""

    target = "kafka"
    main_class = "kafka.Kafka"
    storage_tool = "kafka.tools.StorageTool"

    def __init__(self, workdir, settings, port=None):
        super().__init__(workdir, settings, port)
        self.controller_port = free_port()
        self.props_path = os.path.join(workdir, "server.properties")
        self.cluster_id = _kraft_cluster_id()
        self.formatted = False
        if not os.path.isdir(KAFKA_JARS) or not any(n.startswith("kafka_2.13-")
                                                     for n in os.listdir(KAFKA_JARS)):
            raise FileNotFoundError(f"Apache Kafka jars not found in {KAFKA_JARS} "
                                    "(run tests/integration/setup-clients.sh)")

    def config(self):
        cfg = {
            "process.roles": "broker,controller",
            "node.id": 1,
            "controller.quorum.voters": f"1@{self.host}:{self.controller_port}",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "inter.broker.listener.name": "PLAINTEXT",
            "advertised.listeners": f"PLAINTEXT://{self.host}:{self.port}",
            "offsets.topic.replication.factor": 1,
            "offsets.topic.num.partitions": 1,
            "transaction.state.log.replication.factor": 1,
            "transaction.state.log.min.isr": 1,
            "transaction.state.log.num.partitions": 1,
            "share.coordinator.state.topic.replication.factor": 1,
            "share.coordinator.state.topic.min.isr": 1,
            "group.initial.rebalance.delay.ms": 0,
        }
        cfg.update(super().config())
        cfg["listeners"] = (f"PLAINTEXT://{self.host}:{self.port},"
                            f"CONTROLLER://{self.host}:{self.controller_port}")
        return cfg

    def _java(self, main, *args):
        return ["java", "-Xms128m", "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.awt.headless=true", "-cp", os.path.join(KAFKA_JARS, "*"), main, *args]

    def _prepare(self):
        with open(self.props_path, "w") as f:
            for key, value in self.config().items():
                f.write(f"{key}={_props_value(value)}\n")
        # A data directory copied from another broker is formatted already (with its cluster id).
        if not self.formatted and not os.path.exists(os.path.join(self.data_dir,
                                                                  "meta.properties")):
            out = subprocess.run(self._java(self.storage_tool, "format",
                                            f"--cluster-id={self.cluster_id}",
                                            "-c", self.props_path, "--ignore-formatted"),
                                 capture_output=True, timeout=60)
            if out.returncode != 0:
                raise RuntimeError("kafka storage format failed: "
                                   + (out.stdout + out.stderr).decode("utf-8", "replace"))
            self.formatted = True

    def _command(self):
        return self._java(self.main_class, self.props_path)


def _kraft_cluster_id():
    """A random KRaft cluster id (22 characters of URL-safe base64). One that starts with '-' is
    drawn again: Kafka's storage tool would read it as an option and fail (1 run in 64)."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes)[:22].decode()
        if not cluster_id.startswith("-"):
            return cluster_id


def target_name():
    name = os.environ.get("SLUICE_TEST_TARGET", "broker-lite")
    if name not in ("broker-lite", "kafka"):
        raise ValueError(f"SLUICE_TEST_TARGET must be broker-lite or kafka, not {name!r}")
    return name


def make_broker(workdir, settings, port=None):
    cls = ApacheKafka if target_name() == "kafka" else BrokerLite
    return cls(workdir, settings, port)


def copy_data_dir(src_broker, dest_workdir):
    """Copies a stopped broker's data directory into dest_workdir/data (for crash-state tests)."""
    dest = os.path.join(dest_workdir, "data")
    shutil.copytree(src_broker.data_dir, dest, symlinks=True)
    return dest
