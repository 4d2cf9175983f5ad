"""kafka-python 2.0.2 (its own pure-Python protocol engine, which infers the broker version from
ApiVersions v0 and probes with Metadata v0) against the broker: admin create_topics, a producer
and subscribe consumer group round trip, and offset look-ups by time and at both ends."""

import time
from collections import defaultdict

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from sluice_it.clients import wait_until

TIMEOUT_MS = 20000


def _admin(b):
    return KafkaAdminClient(bootstrap_servers=b.bootstrap, request_timeout_ms=TIMEOUT_MS,
                            client_id="kp-admin")


def _create(b, topic, partitions):
    a = _admin(b)
    try:
        response = a.create_topics([NewTopic(topic, partitions, 1)], timeout_ms=TIMEOUT_MS)
        assert [(t, e) for t, e, *_ in response.topic_errors] == [(topic, 0)]
    finally:
        a.close()


def test_admin_create_topics(shared_broker, unique):
    b = shared_broker
    t1, t2 = unique("kp-admin-a"), unique("kp-admin-b")
    a = _admin(b)
    try:
        response = a.create_topics([NewTopic(t1, 4, 1), NewTopic(t2, 1, 1)], timeout_ms=TIMEOUT_MS)
        assert sorted((t, e) for t, e, *_ in response.topic_errors) == sorted([(t1, 0), (t2, 0)])
        wait_until(lambda: {t1, t2} <= set(a.list_topics()), 15, what="new topics listed")
        try:
            a.create_topics([NewTopic(t1, 4, 1)], timeout_ms=TIMEOUT_MS)
            raise AssertionError("creating an existing topic succeeded")
        except TopicAlreadyExistsError:
            pass
    finally:
        a.close()
    c = KafkaConsumer(bootstrap_servers=b.bootstrap, request_timeout_ms=TIMEOUT_MS + 1000)
    try:
        assert wait_until(lambda: c.partitions_for_topic(t1), 15) == {0, 1, 2, 3}
        assert c.partitions_for_topic(t2) == {0}
    finally:
        c.close()


def test_producer_and_group_consumer_roundtrip(shared_broker, unique):
    b = shared_broker
    topic, group = unique("kp-group"), unique("kp-group")
    _create(b, topic, 3)
    p = KafkaProducer(bootstrap_servers=b.bootstrap, acks="all", linger_ms=5,
                      request_timeout_ms=TIMEOUT_MS)
    msgs = [(f"key-{i % 5}".encode(), f"kp-{i}".encode()) for i in range(150)]
    metas = [p.send(topic, key=k, value=v) for k, v in msgs]
    p.flush(timeout=20)
    produced = [(k, v, m.get(timeout=20)) for (k, v), m in zip(msgs, metas)]
    p.close(timeout=10)
    partition_of = defaultdict(set)
    for k, _, md in produced:
        partition_of[k].add(md.partition)
    assert all(len(s) == 1 for s in partition_of.values())

    c = KafkaConsumer(topic, bootstrap_servers=b.bootstrap, group_id=group,
                      auto_offset_reset="earliest", enable_auto_commit=False,
                      consumer_timeout_ms=1000, request_timeout_ms=TIMEOUT_MS + 1000,
                      session_timeout_ms=10000, heartbeat_interval_ms=1000)
    try:
        got = []
        deadline = time.monotonic() + 30
        while len(got) < len(msgs) and time.monotonic() < deadline:
            got.extend(c)  # iterates until consumer_timeout_ms of silence
        assert len(got) == len(msgs)
        # Exactly the produced records, at the offsets the producer was told.
        assert sorted((r.partition, r.offset, r.key, r.value) for r in got) == sorted(
            (md.partition, md.offset, k, v) for k, v, md in produced)
        c.commit()
        ends = c.end_offsets([TopicPartition(topic, p) for p in range(3)])
        for tp, end in ends.items():
            assert c.committed(tp) == end
        assert c.assignment() == {TopicPartition(topic, p) for p in range(3)}
    finally:
        c.close()


def test_offsets_for_times_and_both_ends(shared_broker, unique):
    b = shared_broker
    topic = unique("kp-times")
    _create(b, topic, 1)
    t0 = int(time.time() * 1000) - 100_000
    p = KafkaProducer(bootstrap_servers=b.bootstrap, acks=1, request_timeout_ms=TIMEOUT_MS)
    for i in range(20):
        # One request per record: each batch has its own timestamp range.
        p.send(topic, value=f"t-{i}".encode(), timestamp_ms=t0 + i * 1000).get(timeout=20)
    p.close(timeout=10)

    c = KafkaConsumer(bootstrap_servers=b.bootstrap, request_timeout_ms=TIMEOUT_MS + 1000)
    try:
        tp = TopicPartition(topic, 0)
        assert c.beginning_offsets([tp]) == {tp: 0}
        assert c.end_offsets([tp]) == {tp: 20}
        found = c.offsets_for_times({tp: t0 + 5500})[tp]
        assert (found.offset, found.timestamp) == (6, t0 + 6000)
        found = c.offsets_for_times({tp: t0})[tp]
        assert (found.offset, found.timestamp) == (0, t0)
        assert c.offsets_for_times({tp: t0 + 60_000})[tp] is None
        c.assign([tp])
        c.seek(tp, found.offset + 10)
        records = c.poll(timeout_ms=5000, max_records=1)[tp]
        assert (records[0].offset, records[0].value, records[0].timestamp) == (
            10, b"t-10", t0 + 10_000)
    finally:
        c.close()
