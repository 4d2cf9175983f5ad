"""Helpers every Python benchmark driver shares: a time-stamped log line, a free loopback port, a
small JSON-over-HTTP call for REST APIs, and the set of processes a driver starts (every one is
stopped at exit, also when the driver fails). Imported by bench/worker/worker_bench.py and
bench/distributed/rebalance_bench.py (each puts this directory on sys.path)."""

import atexit
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method: str, url: str, body=None, timeout_s: float = 10.0):
    """Returns (status, text); status 0 when nothing answered."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as resp:
            return resp.status, resp.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")
    except (OSError, urllib.error.URLError):
        return 0, ""


class Processes:
    """Every long-running process a driver starts; all are stopped at exit."""

    def __init__(self):
        self._procs = []
        atexit.register(self.stop_all)

    def start(self, argv, log_path, **kwargs) -> subprocess.Popen:
        with open(log_path, "ab") as out:
            proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, **kwargs)
        self._procs.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen, grace_s: float = 30.0) -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(grace_s)
            except subprocess.TimeoutExpired:
                log(f"process {proc.pid} ignored SIGTERM for {grace_s:.0f} s: SIGKILL")
                proc.kill()
                proc.wait()
        if proc in self._procs:
            self._procs.remove(proc)

    def stop_all(self) -> None:
        # SIGTERM to every process first (workers leave their groups in parallel), then wait.
        for proc in self._procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in list(self._procs):
            self.stop(proc, 10.0)
