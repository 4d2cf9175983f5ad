"""Runners for the external client programs (kcat, the Java programs, the KafkaJS scripts) and
small polling helpers. Every call is bounded by a timeout."""

import json
import os
import subprocess
import time

import pytest

from .brokers import JAVA_CLASSES, KAFKA_JARS, REPO

NODE_DIR = os.path.join(REPO, "tests", "integration", "node")


def wait_until(predicate, timeout, interval=0.1, what="condition"):
    """Polls predicate() until it returns a truthy value and returns it; fails after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def run(args, timeout=30, input=None, check=True):
    """Runs a client program; fails the test with its output on a non-zero exit or a timeout."""
    try:
        out = subprocess.run(args, input=input, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"{args[0]} timed out after {timeout}s: {' '.join(map(str, args))}\n"
                    f"stdout: {(e.stdout or b'')[-2000:]!r}\nstderr: {(e.stderr or b'')[-4000:]!r}")
    if check and out.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} exited with {out.returncode}\n"
                    f"stdout: {out.stdout[-2000:]!r}\nstderr: {out.stderr[-4000:].decode('utf-8', 'replace')}")
    return out


def run_json(args, timeout=30, input=None):
    """Runs a program that prints one JSON document as its last stdout line and returns it."""
    out = run(args, timeout=timeout, input=input)
    lines = [l for l in out.stdout.decode("utf-8", "replace").splitlines() if l.strip()]
    if not lines:
        pytest.fail(f"{args[0]} printed nothing; stderr: {out.stderr[-2000:]!r}")
    return json.loads(lines[-1])


def kcat(bootstrap, *args, timeout=30, input=None, check=True):
    return run(["kcat", "-b", bootstrap, *args], timeout=timeout, input=input, check=check)


def java_tool(*args, timeout=45):
    if not os.path.isdir(JAVA_CLASSES):
        pytest.fail(f"Java test programs not compiled in {JAVA_CLASSES}: "
                    "run tests/integration/setup-clients.sh")
    cmd = ["java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
           "-cp", JAVA_CLASSES + os.pathsep + os.path.join(KAFKA_JARS, "*"),
           "sluice.it.ClientTool", *map(str, args)]
    return run_json(cmd, timeout=timeout)


def kafkajs(script, *args, timeout=45):
    if not os.path.isfile(os.path.join(NODE_DIR, "node_modules", "kafkajs", "package.json")):
        pytest.fail("KafkaJS not installed: run tests/integration/setup-clients.sh")
    return run_json(["node", os.path.join(NODE_DIR, script), *map(str, args)], timeout=timeout)


def kcat_consume(bootstrap, topic, *extra, timeout=30):
    """Consumes a whole topic with kcat (-e: exit at the end of every partition) and returns
    [(partition, offset, key bytes or None, value bytes or None)] in output order. Keys and values
    are recovered exactly, whatever bytes they hold, from their printed lengths."""
    out = kcat(bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q",
               "-f", r"%p %o %K %S\n%k%s", *extra, timeout=timeout).stdout
    records = []
    pos = 0
    while pos < len(out):
        nl = out.index(b"\n", pos)
        p, o, klen, vlen = (int(x) for x in out[pos:nl].split())
        pos = nl + 1
        key = None if klen < 0 else out[pos:pos + klen]
        pos += max(klen, 0)
        value = None if vlen < 0 else out[pos:pos + vlen]
        pos += max(vlen, 0)
        records.append((p, o, key, value))
    return records
