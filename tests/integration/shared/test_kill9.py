"""Failure test: kill -9 of the broker during acks=all production (RELIABILITY.md B2.1 in small).
A confluent-kafka producer process (acks=all, idempotent) records every acknowledged message;
the broker is killed with SIGKILL mid-stream and restarted on the same data directory while the
producer keeps going. Afterwards every acknowledged message must be at its acknowledged offset,
offsets must be dense and no message may be stored twice."""

import json
import os
import signal
import sys
import time
from collections import Counter

from confluent_kafka import Consumer, KafkaError, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from sluice_it import brokers
from sluice_it.clients import wait_until

PARTITIONS = 4


def _lines(path):
    try:
        with open(path, "rb") as f:
            return f.read().count(b"\n")
    except OSError:
        return 0


def _read_partitions(b, topic):
    c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "kill9-reader",
                  "enable.auto.commit": False, "enable.partition.eof": True,
                  "fetch.max.bytes": 8 << 20})
    try:
        ends = {p: c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
                for p in range(PARTITIONS)}
        c.assign([TopicPartition(topic, p, 0) for p in range(PARTITIONS) if ends[p] > 0])
        stored = {}
        done = {p for p, end in ends.items() if end == 0}
        deadline = time.monotonic() + 30
        while len(done) < PARTITIONS and time.monotonic() < deadline:
            m = c.poll(0.5)
            if m is None:
                continue
            if m.error():
                assert m.error().code() == KafkaError._PARTITION_EOF, m.error()
                done.add(m.partition())
                continue
            stored[(m.partition(), m.offset())] = m.value().decode()
        assert len(done) == PARTITIONS, f"could not read every partition to its end: {ends}"
        return stored, ends
    finally:
        c.close()


def test_kill9_during_acks_all_production_loses_nothing(broker, unique, tmp_path):
    b = broker
    topic = unique("kill9")
    a = AdminClient({"bootstrap.servers": b.bootstrap})
    a.create_topics([NewTopic(topic, PARTITIONS, 1)], request_timeout=20)[topic].result(timeout=20)

    ack_file, summary_file = tmp_path / "acked.txt", tmp_path / "summary.json"
    producer = brokers.spawn(
        [sys.executable, os.path.join(os.path.dirname(brokers.__file__), "acked_producer.py"),
         b.bootstrap, topic, str(ack_file), str(summary_file)],
        str(tmp_path / "producer.log"))
    try:
        wait_until(lambda: _lines(ack_file) >= 3000, 20, what="3000 acks before the kill")
        acked_before = _lines(ack_file)
        b.kill9()
        time.sleep(0.3)
        t_restart = time.monotonic()
        b.start()
        wait_until(lambda: _lines(ack_file) > acked_before + 100, 30,
                   what="acks after the restart", interval=0.05)
        recovery_s = time.monotonic() - t_restart
        wait_until(lambda: _lines(ack_file) >= acked_before + 3000, 20,
                   what="3000 more acks after the restart")
    finally:
        brokers.reap(producer, signal.SIGTERM, timeout=50)
    summary = json.loads(summary_file.read_text())
    assert producer.returncode == 0, summary

    acked = []
    for line in ack_file.read_text().splitlines():
        p, o, v = line.split()
        acked.append((int(p), int(o), v))
    assert len(acked) == summary["acked"]
    stored, ends = _read_partitions(b, topic)

    lost = [(p, o, v) for p, o, v in acked if stored.get((p, o)) != v]
    duplicates = {v: n for v, n in Counter(stored.values()).items() if n > 1}
    report = (f"produced {summary['produced']}, acked {len(acked)} ({acked_before} before the "
              f"kill), delivery failures {summary['failed']} {summary['errors']}, stored "
              f"{len(stored)}, lost {len(lost)}, duplicated {len(duplicates)}, "
              f"restart to first new ack {recovery_s:.2f}s")
    print(report)
    assert not lost, f"{report}; first lost: {lost[:5]} (stored there: " \
                     f"{[stored.get((p, o)) for p, o, _ in lost[:5]]})"
    for p, end in ends.items():
        assert sorted(o for (sp, o) in stored if sp == p) == list(range(end)), \
            f"offsets of partition {p} are not dense"
    assert not duplicates, f"{report}; e.g. {list(duplicates.items())[:5]}"
    assert summary["failed"] == 0, report
