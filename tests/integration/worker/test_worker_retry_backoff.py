"""Retriable errors: a source task whose poll fails with a retriable error is polled again after a
back-off (100 ms, doubling) rather than at once, stays RUNNING, and its records arrive once the
failures end. Uses the FlakySource test plugin (tests/plugins/flaky_source.cc)."""
import os
import time

import pytest

from sluice_it import brokers
from sluice_it.workers import read_topic

FLAKY_PLUGIN_DIR = os.path.join(brokers.BUILD_DIR, "test-plugins-sdk")


def test_retriable_poll_errors_back_off_and_then_records_flow(make_worker):
    if not os.path.isdir(FLAKY_PLUGIN_DIR):
        pytest.fail(f"{FLAKY_PLUGIN_DIR} missing: build the sluice_test_plugins target")
    w = make_worker("w", settings={"plugin.path": FLAKY_PLUGIN_DIR})
    started = time.monotonic()
    w.create("flaky", {"connector.class": "FlakySource", "topic": "flaky", "fail.polls": "4",
                       "records": "25"})
    values = [v.decode() for _, _, _, v in read_topic(w.bootstrap, "flaky", timeout=30,
                                                      expect_at_least=25)]
    elapsed = time.monotonic() - started
    assert values == [f"flaky {n}" for n in range(1, 26)]
    status = w.wait_state("flaky", "RUNNING", tasks=1)
    assert status["tasks"][0]["state"] == "RUNNING"
    retries = w.log_text().count("poll failure")
    # Four failed polls, each logged once with its back-off: 100 + 200 + 400 + 800 ms.
    assert retries == 4, f"expected 4 logged poll failures, saw {retries}"
    assert elapsed >= 1.4, f"records arrived after {elapsed:.2f} s: the back-off was not waited"
