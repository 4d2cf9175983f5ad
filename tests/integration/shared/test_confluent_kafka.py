"""confluent-kafka-python 1.7.0 (librdkafka 2.0.2) against the broker: keyed produce, acks levels,
the idempotent producer, the admin API, a consumer group splitting partitions and committed
offsets surviving a broker restart."""

import time
from collections import Counter, defaultdict

import pytest
from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import (AdminClient, ConfigResource, NewPartitions, NewTopic)

from sluice_it.clients import wait_until

TIMEOUT = 20


def admin(b):
    return AdminClient({"bootstrap.servers": b.bootstrap, "socket.timeout.ms": 10000})


def create_topic(b, topic, partitions, config=None):
    a = admin(b)  # must outlive the future: a destroyed client fails its futures
    futures = a.create_topics([NewTopic(topic, partitions, 1, config=config or {})],
                              operation_timeout=TIMEOUT, request_timeout=TIMEOUT)
    futures[topic].result(timeout=TIMEOUT)
    wait_until(lambda: _partition_count(b, topic) == partitions, TIMEOUT,
               what=f"{topic} to show {partitions} partitions")


def _partition_count(b, topic):
    md = admin(b).list_topics(topic=topic, timeout=10)
    t = md.topics.get(topic)
    if t is None or t.error is not None:
        return None
    if any(p.leader < 0 for p in t.partitions.values()):
        return None
    return len(t.partitions)


def produce(b, topic, messages, **conf):
    """Produces (key, value) pairs; returns the delivery reports [(key, value, partition, offset)]
    in produce order. Fails on any delivery error."""
    settings = {"bootstrap.servers": b.bootstrap, "linger.ms": 5, "message.timeout.ms": 20000}
    settings.update(conf)
    p = Producer(settings)
    # Fetch the topic's metadata first: librdkafka partitions messages produced before it knows
    # the topic later, out of produce order with the ones after.
    md = p.list_topics(topic=topic, timeout=10)
    assert md.topics[topic].error is None, md.topics[topic].error
    reports = [None] * len(messages)
    errors = []

    def on_delivery(i):
        def cb(err, msg):
            if err is not None:
                errors.append((i, err))
            else:
                reports[i] = (msg.key(), msg.value(), msg.partition(), msg.offset())
        return cb

    for i, (k, v) in enumerate(messages):
        while True:
            try:
                p.produce(topic, key=k, value=v, on_delivery=on_delivery(i))
                break
            except BufferError:
                p.poll(0.1)
        p.poll(0)
    remaining = p.flush(TIMEOUT)
    assert remaining == 0, f"{remaining} messages not delivered within {TIMEOUT}s"
    assert not errors, f"delivery errors: {errors[:5]}"
    return reports


def consume_all(b, topic, partitions, expected, group=None, timeout=TIMEOUT):
    """Reads `expected` messages from the beginning of every partition by assignment (or by
    subscription when group is given). Returns [(partition, offset, key, value)]."""
    c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": group or "assign-reader",
                  "auto.offset.reset": "earliest", "enable.auto.commit": False,
                  "session.timeout.ms": 6000})
    try:
        if group:
            c.subscribe([topic])
        else:
            c.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
        out = []
        deadline = time.monotonic() + timeout
        while len(out) < expected and time.monotonic() < deadline:
            m = c.poll(0.5)
            if m is None:
                continue
            if m.error():
                assert m.error().code() == KafkaError._PARTITION_EOF, m.error()
                continue
            out.append((m.partition(), m.offset(), m.key(), m.value()))
        # A short extra poll shows up any message beyond the expected ones (duplicates).
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            m = c.poll(0.2)
            if m is not None and not m.error():
                out.append((m.partition(), m.offset(), m.key(), m.value()))
        return out
    finally:
        c.close()


def test_keyed_produce_same_key_same_partition_in_order(shared_broker, unique):
    b = shared_broker
    topic = unique("ck-keyed")
    create_topic(b, topic, 6)
    msgs = [(f"user-{i % 13}".encode(), f"event-{i}".encode()) for i in range(600)]
    reports = produce(b, topic, msgs, acks="all")

    partition_of = defaultdict(set)
    for k, _, p, _ in reports:
        partition_of[k].add(p)
    assert all(len(ps) == 1 for ps in partition_of.values()), partition_of
    assert len({p for ps in partition_of.values() for p in ps}) > 1, "all keys in one partition"

    got = consume_all(b, topic, 6, len(msgs))
    assert len(got) == len(msgs)
    by_partition = defaultdict(list)
    for p, o, k, v in got:
        by_partition[p].append((o, k, v))
    for p, recs in by_partition.items():
        # Offsets dense from 0, and the order within the partition is the produce order.
        assert [o for o, _, _ in recs] == list(range(len(recs)))
        expected = [(o, k, v) for k, v, rp, o in sorted(
            (r for r in reports if r[2] == p), key=lambda r: r[3])]
        assert recs == expected
        produced_order = [(k, v) for k, v, rp, _ in reports if rp == p]
        assert [(k, v) for _, k, v in recs] == produced_order


@pytest.mark.parametrize("acks", ["0", "1", "all"])
def test_acks_levels(shared_broker, unique, acks):
    b = shared_broker
    topic = unique(f"ck-acks{acks}")
    create_topic(b, topic, 2)
    msgs = [(f"k{i % 4}".encode(), f"acks{acks}-{i}".encode()) for i in range(300)]
    reports = produce(b, topic, msgs, acks=acks)
    if acks == "0":
        # With acks=0 the broker sends no response, so the client cannot know offsets.
        # (librdkafka's OFFSET_INVALID, which the Python binding shows as None).
        assert {o for *_, o in reports} <= {None, -1001}
    else:
        per_partition = defaultdict(list)
        for _, _, p, o in reports:
            per_partition[p].append(o)
        for offsets in per_partition.values():
            assert offsets == list(range(len(offsets)))
    got = consume_all(b, topic, 2, len(msgs))
    assert sorted((k, v) for _, _, k, v in got) == sorted(msgs)


def test_idempotent_producer_no_duplicates(shared_broker, unique):
    b = shared_broker
    topic = unique("ck-idem")
    create_topic(b, topic, 3)
    n = 3000
    msgs = [(f"k{i % 9}".encode(), f"idem-{i}".encode()) for i in range(n)]
    reports = produce(b, topic, msgs, **{"enable.idempotence": True, "linger.ms": 2,
                                         "batch.num.messages": 100})
    per_partition = defaultdict(list)
    for _, _, p, o in reports:
        per_partition[p].append(o)
    for offsets in per_partition.values():
        assert sorted(offsets) == list(range(len(offsets)))

    got = consume_all(b, topic, 3, n)
    counts = Counter(v for _, _, _, v in got)
    duplicates = {v: c for v, c in counts.items() if c > 1}
    assert not duplicates, f"{len(duplicates)} duplicated values, e.g. {list(duplicates)[:5]}"
    assert set(counts) == {v for _, v in msgs}
    # The batches carry a producer id: the broker accepted them as idempotent.
    from sluice_it import segments
    pids = {batch.producer_id for p in range(3)
            for batch in segments.partition_batches(b.data_dir, topic, p)}
    assert len(pids) == 1 and min(pids) >= 0, pids


def test_admin_create_list_partitions_delete(shared_broker, unique):
    b = shared_broker
    a = admin(b)
    t1, t2 = unique("ck-admin-a"), unique("ck-admin-b")
    futures = a.create_topics([NewTopic(t1, 2, 1), NewTopic(t2, 1, 1)],
                              operation_timeout=TIMEOUT, request_timeout=TIMEOUT)
    for f in futures.values():
        f.result(timeout=TIMEOUT)

    md = wait_until(lambda: (lambda m: m if {t1, t2} <= set(m.topics) else None)(
        a.list_topics(timeout=10)), TIMEOUT, what="both topics listed")
    assert sorted(md.topics[t1].partitions) == [0, 1]
    assert sorted(md.topics[t2].partitions) == [0]
    assert len(md.brokers) == 1
    (broker_id,) = md.brokers
    assert md.controller_id == broker_id
    assert md.brokers[broker_id].host == "127.0.0.1" and md.brokers[broker_id].port == b.port
    assert all(p.leader == broker_id for p in md.topics[t1].partitions.values())

    # Creating an existing topic is refused with TOPIC_ALREADY_EXISTS.
    again = a.create_topics([NewTopic(t1, 2, 1)], request_timeout=TIMEOUT)[t1]
    with pytest.raises(Exception) as err:
        again.result(timeout=TIMEOUT)
    assert err.value.args[0].code() == KafkaError.TOPIC_ALREADY_EXISTS

    a.create_partitions([NewPartitions(t1, 5)], request_timeout=TIMEOUT)[t1].result(timeout=TIMEOUT)
    wait_until(lambda: _partition_count(b, t1) == 5, TIMEOUT, what=f"{t1} to have 5 partitions")
    # The new partitions take data.
    reports = produce(b, t1, [(None, f"p{p}".encode()) for p in range(5)], partitioner="random")
    assert all(r[3] >= 0 for r in reports)

    a.delete_topics([t2], operation_timeout=TIMEOUT, request_timeout=TIMEOUT)[t2].result(
        timeout=TIMEOUT)
    wait_until(lambda: t2 not in a.list_topics(timeout=10).topics, TIMEOUT,
               what=f"{t2} to disappear from the topic list")
    assert t1 in a.list_topics(timeout=10).topics


def _describe(a, topic):
    res = ConfigResource(ConfigResource.Type.TOPIC, topic)
    return a.describe_configs([res], request_timeout=TIMEOUT)[res].result(timeout=TIMEOUT)


def test_describe_and_alter_topic_configs(shared_broker, unique):
    b = shared_broker
    a = admin(b)
    topic = unique("ck-configs")
    create_topic(b, topic, 1, config={"cleanup.policy": "compact"})
    configs = _describe(a, topic)
    for name in ("cleanup.policy", "retention.ms", "segment.bytes"):
        assert name in configs, f"{name} missing from {sorted(configs)}"
    assert configs["cleanup.policy"].value == "compact"

    res = ConfigResource(ConfigResource.Type.TOPIC, topic,
                         set_config={"retention.ms": "123456789", "cleanup.policy": "delete"})
    a.alter_configs([res], request_timeout=TIMEOUT)[res].result(timeout=TIMEOUT)
    configs = wait_until(lambda: (lambda c: c if c["retention.ms"].value == "123456789" else None)(
        _describe(a, topic)), TIMEOUT, what="altered retention.ms")
    assert configs["cleanup.policy"].value == "delete"


def test_consumer_group_of_three_splits_six_partitions(shared_broker, unique):
    b = shared_broker
    topic, group = unique("ck-group"), unique("ck-group")
    create_topic(b, topic, 6)
    consumers = [Consumer({"bootstrap.servers": b.bootstrap, "group.id": group,
                           "auto.offset.reset": "earliest", "session.timeout.ms": 6000,
                           "heartbeat.interval.ms": 500, "client.id": f"member-{i}"})
                 for i in range(3)]
    try:
        for c in consumers:
            c.subscribe([topic])
        seen = [[] for _ in consumers]

        def poll_all():
            for i, c in enumerate(consumers):
                m = c.poll(0.05)
                if m is not None and not m.error():
                    seen[i].append((m.partition(), m.offset(), m.key(), m.value()))

        def stable():
            poll_all()
            sets = [{tp.partition for tp in c.assignment()} for c in consumers]
            if all(sets) and sum(len(s) for s in sets) == 6 and set().union(*sets) == set(range(6)):
                return sets
            return None

        assignment = wait_until(stable, 40, interval=0, what="3 members sharing 6 partitions")
        # Hold it for a moment: no further rebalance is under way.
        t_end = time.monotonic() + 1.0
        while time.monotonic() < t_end:
            poll_all()
        assert [{tp.partition for tp in c.assignment()} for c in consumers] == assignment
        assert all(len(s) == 2 for s in assignment), assignment

        msgs = [(f"k{i % 17}".encode(), f"g-{i}".encode()) for i in range(600)]
        produce(b, topic, msgs)
        wait_until(lambda: (poll_all(), sum(map(len, seen)) >= len(msgs))[1], 30, interval=0,
                   what="600 messages consumed by the group")
        t_end = time.monotonic() + 1.0
        while time.monotonic() < t_end:
            poll_all()

        values = Counter(v for s in seen for *_, v in s)
        assert set(values) == {v for _, v in msgs}
        assert max(values.values()) == 1, "some message consumed twice"
        for i, s in enumerate(seen):
            assert {p for p, *_ in s} <= assignment[i]
    finally:
        for c in consumers:
            c.close()


def _poll_messages(c, n):
    """Polls until n messages arrived or TIMEOUT passed; returns them."""
    got = []
    deadline = time.monotonic() + TIMEOUT
    while len(got) < n and time.monotonic() < deadline:
        m = c.poll(0.5)
        if m is not None and not m.error():
            got.append(m)
    return got


def test_committed_offsets_survive_restart(broker, unique):
    b = broker
    topic, group = unique("ck-commit"), unique("ck-commit")
    create_topic(b, topic, 1)
    msgs = [(b"k", f"c-{i}".encode()) for i in range(10)]
    produce(b, topic, msgs, acks="all")

    c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": group,
                  "auto.offset.reset": "earliest", "enable.auto.commit": False})
    c.subscribe([topic])
    got = _poll_messages(c, 4)
    assert [m.value() for m in got] == [v for _, v in msgs[:4]]
    c.commit(message=got[-1], asynchronous=False)
    committed = c.committed([TopicPartition(topic, 0)], timeout=10)
    assert committed[0].offset == 4
    c.close()

    b.restart()

    c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": group,
                  "auto.offset.reset": "earliest", "enable.auto.commit": False})
    try:
        assert c.committed([TopicPartition(topic, 0)], timeout=15)[0].offset == 4
        c.subscribe([topic])
        rest = [(m.offset(), m.value()) for m in _poll_messages(c, 6)]
        assert rest == [(i, v) for i, (_, v) in enumerate(msgs) if i >= 4]
    finally:
        c.close()
