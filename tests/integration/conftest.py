"""Fixtures of the integration suite: brokers as real processes, driven by real Kafka clients.

Target: env SLUICE_TEST_TARGET = broker-lite (default; <SLUICE_BUILD_DIR>/bin/broker-lite) or
kafka (single-node KRaft Apache Kafka from build/deps/kafka, the reference the tests were checked
against). Layout: shared/ holds tests that must pass on both targets, broker_lite_only/ tests of
broker-lite's own files and recovery.

Fixtures:
  broker         a fresh broker for one test; .restart(), .kill9(), .start(), .stop() keep the
                 port and the data directory. Settings: @pytest.mark.broker_settings({...}).
  shared_broker  one broker for the whole session, for tests that only need unique topic names.
  unique         a factory of unique topic/group names.
Every phase of every test is bounded by SIGALRM (TEST_PHASE_LIMIT_S: 60 s, 120 s on Apache Kafka),
so no test can hang.
"""

import itertools
import os
import signal
import sys
import warnings

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sluice_it import brokers  # noqa: E402

# Apache Kafka (a JVM that takes seconds to start and to stop) gets more room than broker-lite.
TEST_PHASE_LIMIT_S = int(os.environ.get(
    "SLUICE_TEST_PHASE_LIMIT_S", "120" if brokers.target_name() == "kafka" else "60"))

# Settings every broker of the suite gets, keyed by Kafka broker property names. Both targets
# must accept all of them.
DEFAULT_SETTINGS = {
    "num.partitions": 3,
    "auto.create.topics.enable": True,
    "log.segment.bytes": 8 * 1024 * 1024,
    "group.initial.rebalance.delay.ms": 0,
}


def pytest_configure(config):
    try:
        with warnings.catch_warnings():
            # kafka-python 2.0.2 vendors an old `six` that Python 3.11 warns about on import.
            warnings.simplefilter("ignore", ImportWarning)
            import confluent_kafka  # noqa: F401
            import kafka  # noqa: F401
    except ImportError as e:
        raise pytest.UsageError(
            f"{e}: run the integration suite with Debian's /usr/bin/python3, which has "
            "python3-confluent-kafka and python3-kafka (scripts/setup.sh installs them)")
    config.addinivalue_line("markers", "broker_settings(dict): extra settings for `broker`")
    config.addinivalue_line("markers", "broker_lite_only: skipped when SLUICE_TEST_TARGET=kafka")


def pytest_report_header(config):
    target = brokers.target_name()
    where = (os.path.join(brokers.BUILD_DIR, "bin", "broker-lite") if target == "broker-lite"
             else brokers.KAFKA_JARS)
    return f"sluice integration target: {target} ({where})"


def pytest_collection_modifyitems(config, items):
    if brokers.target_name() != "kafka":
        return
    skip = pytest.mark.skip(reason="broker-lite only: inspects or damages broker-lite's own data "
                                   "files, which Apache Kafka (SLUICE_TEST_TARGET=kafka) lays out "
                                   "and recovers its own way")
    for item in items:
        if "broker_lite_only" in item.keywords:
            item.add_marker(skip)


class PhaseTimeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise PhaseTimeout(f"test phase exceeded {TEST_PHASE_LIMIT_S}s")


def _bounded(limit):
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(limit)
    return previous


def _unbound(previous):
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    previous = _bounded(TEST_PHASE_LIMIT_S)
    try:
        yield
    finally:
        _unbound(previous)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    previous = _bounded(TEST_PHASE_LIMIT_S)
    try:
        yield
    finally:
        _unbound(previous)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item):
    previous = _bounded(TEST_PHASE_LIMIT_S)
    try:
        yield
    finally:
        _unbound(previous)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "report_" + report.when, report)


def _failed(request):
    node = request.node
    return any(getattr(getattr(node, "report_" + w, None), "failed", False)
               for w in ("setup", "call"))


@pytest.fixture(scope="session")
def target():
    return brokers.target_name()


_names = itertools.count()


@pytest.fixture
def unique(request):
    """unique("topic") -> "topic-<test name>-<n>": names that no other test uses."""
    base = "".join(c if c.isalnum() else "-" for c in request.node.name)[:60].strip("-")

    def make(prefix):
        return f"{prefix}-{base}-{next(_names)}"

    return make


def _start(workdir, settings):
    b = brokers.make_broker(str(workdir), settings)
    try:
        b.start()
    except BaseException:
        b.kill9()
        raise
    return b


@pytest.fixture
def broker(request, tmp_path):
    settings = dict(DEFAULT_SETTINGS)
    marker = request.node.get_closest_marker("broker_settings")
    if marker:
        settings.update(marker.args[0])
    b = _start(tmp_path, settings)
    yield b
    code = b.stop()
    if _failed(request):
        print(f"---- {b.target} log tail ({b.log_path}) ----\n{b.log_tail(60)}")
    b.kill9()
    if b.target == "broker-lite" and not _failed(request):
        assert code == 0, f"broker-lite exited with {code} on SIGTERM; log:\n{b.log_tail()}"


@pytest.fixture(scope="session")
def _shared_broker_process(tmp_path_factory):
    b = _start(tmp_path_factory.mktemp("shared-broker"), DEFAULT_SETTINGS)
    yield b
    b.stop()
    b.kill9()


@pytest.fixture
def shared_broker(request, _shared_broker_process):
    b = _shared_broker_process
    if not b.running():
        # An earlier test took it down (a bug under test): start it again so that one failure
        # does not cascade through the rest of the suite.
        print(f"shared broker had exited with {b.proc.returncode}; restarting it")
        b.start()
    yield b
    if _failed(request):
        print(f"---- {b.target} log tail ({b.log_path}) ----\n{b.log_tail(60)}")


# ---- Sluice workers (tests/integration/worker/) ----

@pytest.fixture
def make_worker(request, tmp_path):
    """make_worker(name="w", start=True, **Worker kwargs) -> a sluice_it.workers.Worker in
    tmp_path/<name>. Every worker made is stopped (SIGTERM, then SIGKILL) at teardown; a failing
    test prints each worker's log tail."""
    from sluice_it import workers

    made = []

    def make(name="w", start=True, **kwargs):
        w = workers.Worker(tmp_path / name, **kwargs)
        made.append(w)
        if start:
            w.start()
        return w

    yield make
    failed = _failed(request)
    for w in made:
        w.stop(timeout=10)
        if failed:
            print(f"---- sluice log tail ({w.log_path}) ----\n{w.log_tail(80)}")
