"""The SDK's example plugin (plugins/examples/ticker), built against the INSTALLED SDK alone
(cmake --install ... --component sdk, then find_package(SluiceSDK) from a separate build), loaded
by a worker from its own plugin.path entry and run: ticks arrive in the topic, and after a clean
restart the ticker continues after its last committed tick instead of starting again."""

import os
import re
import subprocess
import time

import pytest

from sluice_it import brokers
from sluice_it.workers import extend_phase_limit, read_topic

pytestmark = pytest.mark.broker_lite_only

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def _run(args, cwd):
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"


def _ticks(bootstrap, expect_at_least):
    values = [v.decode() for _, _, _, v in read_topic(bootstrap, "ticks", timeout=30,
                                                      expect_at_least=expect_at_least)]
    numbers = []
    for v in values:
        match = re.fullmatch(r"tick (\d+)", v)
        assert match, f"unexpected value {v!r}"
        numbers.append(int(match.group(1)))
    return numbers


def test_example_plugin_built_against_installed_sdk_runs_and_resumes(make_worker, tmp_path):
    extend_phase_limit(240)
    prefix = tmp_path / "sdk"
    build = tmp_path / "ticker-build"
    _run(["cmake", "--install", brokers.BUILD_DIR, "--component", "sdk", "--prefix", str(prefix)],
         REPO)
    assert (prefix / "include" / "sluice" / "plugin_abi.h").exists()
    _run(["cmake", "-S", os.path.join(REPO, "plugins", "examples", "ticker"), "-B", str(build),
          "-G", "Ninja", f"-DCMAKE_PREFIX_PATH={prefix}"], REPO)
    _run(["cmake", "--build", str(build)], REPO)
    libraries = [f for f in os.listdir(build) if f.endswith(".so")]
    assert libraries == ["ticker-source.so"], libraries

    w = make_worker("w", settings={"plugin.path": str(build)})
    plugins = w.ok("GET", "/connector-plugins").json()
    assert any(p["class"] == "com.example.sluice.TickerSourceConnector" for p in plugins), plugins
    w.create("ticks", {"connector.class": "Ticker", "topic": "ticks", "interval.ms": "20"})
    w.wait_state("ticks", "RUNNING", tasks=1)
    first = _ticks(w.bootstrap, expect_at_least=20)
    assert first[:20] == list(range(1, 21)), first[:20]

    w.stop()  # commits the offset of every delivered tick
    w.start()
    w.wait_state("ticks", "RUNNING", tasks=1)
    time.sleep(0.5)
    every = _ticks(w.bootstrap, expect_at_least=len(first) + 10)
    assert every[:len(first)] == first
    after = every[len(first):]
    assert after and after[0] == first[-1] + 1, (first[-1], after[:5])
    assert every == list(range(1, len(every) + 1)), "a tick is missing or repeated"
