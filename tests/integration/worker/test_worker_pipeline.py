"""File → topic → file through a Sluice worker: a 200,000-line UTF-8 file through the embedded
broker arrives byte-identical, and lines appended later arrive too; the same pipeline (smaller)
through an external broker named by bootstrap.servers — broker-lite as a separate process by
default, real Apache Kafka (KRaft) with SLUICE_TEST_TARGET=kafka."""

import os
import time

import pytest

from sluice_it.workers import (append_lines, file_sink, file_source, make_lines, sha256_file,
                               wait_file_size, write_connector_yaml)


def _run_pipeline(worker, tmp, lines, extra_lines, topic, timeout):
    inp = os.path.join(tmp, "input.txt")
    out = os.path.join(tmp, "output.txt")
    append_lines(inp, lines)
    t0 = time.monotonic()
    worker.create("src", file_source(inp, topic))
    worker.create("sink", file_sink(out, topic))
    size = os.path.getsize(inp)
    wait_file_size(out, size, timeout, "pipeline output", worker)
    first = time.monotonic() - t0
    assert os.path.getsize(out) == size, "output longer than input"
    assert sha256_file(out) == sha256_file(inp), "output differs from input"

    append_lines(inp, extra_lines)
    size = os.path.getsize(inp)
    wait_file_size(out, size, 30, "appended lines", worker)
    assert os.path.getsize(out) == size, "output longer than input after the append"
    assert sha256_file(out) == sha256_file(inp), "output differs from input after the append"
    print(f"{len(lines)} lines ({size} bytes) through the pipeline in {first:.1f}s")
    st = worker.status("src")
    assert st["connector"]["state"] == "RUNNING" and st["tasks"][0]["state"] == "RUNNING", st


@pytest.mark.broker_lite_only
def test_200k_line_file_arrives_byte_identical_then_appended_lines(make_worker, tmp_path):
    # Connectors come from connector files on the command line here (REST elsewhere).
    inp = tmp_path / "input.txt"
    out = tmp_path / "output.txt"
    lines = make_lines(200_000, seed=1)
    append_lines(inp, lines)
    size = os.path.getsize(inp)
    files = [write_connector_yaml(tmp_path / "source.yaml", "src", file_source(inp, "lines")),
             write_connector_yaml(tmp_path / "sink.yaml", "sink", file_sink(out, "lines"))]
    t0 = time.monotonic()
    w = make_worker(connector_files=files)
    print(f"worker healthy after {w.startup_seconds:.2f}s")
    wait_file_size(out, size, 50, "pipeline output", w)
    print(f"200,000 lines ({size} bytes) through the embedded broker in "
          f"{time.monotonic() - t0:.1f}s")
    assert os.path.getsize(out) == size, "output longer than input"
    assert sha256_file(out) == sha256_file(inp), "output differs from input"

    more = make_lines(1_000, seed=2, prefix="M")
    append_lines(inp, more)
    size = os.path.getsize(inp)
    wait_file_size(out, size, 20, "appended lines", w)
    assert os.path.getsize(out) == size, "output longer than input after the append"
    assert sha256_file(out) == sha256_file(inp), "output differs from input after the append"

    assert sorted(w.ok("GET", "/connectors").json()) == ["sink", "src"]
    for name in ("src", "sink"):
        st = w.status(name)
        assert st["connector"]["state"] == "RUNNING", st
        assert [t["state"] for t in st["tasks"]] == ["RUNNING"], st


def test_file_pipeline_through_external_broker(make_worker, broker, tmp_path):
    """bootstrap.servers names the `broker` fixture: broker-lite as its own process, or Apache
    Kafka with SLUICE_TEST_TARGET=kafka. The worker starts no broker of its own."""
    t0 = time.monotonic()
    w = make_worker(bootstrap=broker.bootstrap)
    assert w.broker_port is None
    info = w.ok("GET", "/").json()
    assert info.get("kafka_cluster_id"), info
    _run_pipeline(w, str(tmp_path), make_lines(20_000, seed=3), make_lines(500, seed=4, prefix="M"),
                  "lines-ext", timeout=60)
    # The worker created the topic with the connector's topic.creation.* settings (1 partition)
    # although the broker's default is 3.
    from confluent_kafka.admin import AdminClient
    meta = AdminClient({"bootstrap.servers": broker.bootstrap}).list_topics("lines-ext", timeout=10)
    assert len(meta.topics["lines-ext"].partitions) == 1, meta.topics["lines-ext"].partitions
    print(f"external {broker.target}: whole test {time.monotonic() - t0:.1f}s")
