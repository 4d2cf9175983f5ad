"""Fixture of the distributed-mode suite: make_cluster(workers=3, delay_ms=..., **kwargs) starts a
broker and `workers` `sluice distributed` processes (sluice_it/cluster.py) in the test's tmp_path.
Every cluster made is reaped at teardown (workers SIGTERM then SIGKILL, then the broker), also
when the test fails; a failing test prints every worker's log tail and the broker's.

SLUICE_IT_REBALANCE_DELAY_MS sets the clusters' default scheduled.rebalance.max.delay.ms (5000
unless set): CI runs the suite once on broker-lite with the default and once on Apache Kafka with
0 (tests that need a particular delay pass it explicitly)."""

import os

import pytest

from sluice_it.cluster import Cluster


def _test_failed(node):
    return any(getattr(getattr(node, "report_" + when, None), "failed", False)
               for when in ("setup", "call"))


@pytest.fixture
def make_cluster(request, tmp_path):
    made = []

    default_delay_ms = int(os.environ.get("SLUICE_IT_REBALANCE_DELAY_MS", "5000"))

    def make(workers=3, delay_ms=None, **kwargs):
        if delay_ms is None:
            delay_ms = default_delay_ms
        c = Cluster(tmp_path / f"cluster{len(made)}", delay_ms=delay_ms, **kwargs)
        made.append(c)
        c.start(workers)
        return c

    yield make
    failed = _test_failed(request.node)
    for c in made:
        c.close()
        if failed:
            print(c.log_tails(80))
