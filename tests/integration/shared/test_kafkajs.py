"""KafkaJS 2.2.4 (node, its own protocol engine) against the broker, through
node/kafkajs-tool.js: admin createTopics, keyed and idempotent produce, and a consumer group of
two members."""

from collections import Counter

import pytest

from sluice_it.clients import kafkajs, kcat_consume


def _create(b, topic, partitions):
    result = kafkajs("kafkajs-tool.js", "admin", b.bootstrap, topic, partitions)
    assert result["created"] is True
    return result


def test_admin_create_topics(shared_broker, unique):
    b = shared_broker
    topic = unique("js-admin")
    result = _create(b, topic, 4)
    assert result["createdAgain"] is False
    assert result["listed"] is True
    (broker,) = result["brokers"]
    assert (broker["host"], broker["port"]) == ("127.0.0.1", b.port)
    assert result["controller"] == broker["id"]
    assert [p["partition"] for p in result["partitions"]] == [0, 1, 2, 3]
    assert all(p["leader"] == broker["id"] and p["replicas"] == [broker["id"]]
               for p in result["partitions"])


@pytest.mark.parametrize("idempotent", [False, True], ids=["plain", "idempotent"])
def test_keyed_produce(shared_broker, unique, idempotent):
    b = shared_broker
    topic = unique("js-produce")
    _create(b, topic, 3)
    result = kafkajs("kafkajs-tool.js", "produce", b.bootstrap, topic, 400, 7,
                     1 if idempotent else 0)
    records = result["records"]
    assert len(records) == 400
    partition_of = {}
    for r in records:
        assert partition_of.setdefault(r["key"], r["partition"]) == r["partition"]
    # What the broker serves is exactly what KafkaJS was told: (partition, offset) -> message.
    stored = kcat_consume(b.bootstrap, topic)
    assert sorted((p, o, k.decode(), v.decode()) for p, o, k, v in stored) == sorted(
        (r["partition"], r["offset"], r["key"], r["value"]) for r in records)
    for p in set(partition_of.values()):
        offsets = [r["offset"] for r in records if r["partition"] == p]
        assert offsets == list(range(len(offsets)))
    if idempotent:
        from sluice_it import segments
        pids = {batch.producer_id for p in range(3)
                for batch in segments.partition_batches(b.data_dir, topic, p)}
        assert len(pids) == 1 and min(pids) >= 0, pids


def test_consumer_group_of_two_members(shared_broker, unique):
    b = shared_broker
    topic, group = unique("js-group"), unique("js-group")
    _create(b, topic, 4)
    result = kafkajs("kafkajs-tool.js", "group", b.bootstrap, topic, group, 200, 2, timeout=55)
    m1, m2 = result["members"]
    assert m1["assignment"] and m2["assignment"]
    assert sorted(m1["assignment"] + m2["assignment"]) == [0, 1, 2, 3]
    values = Counter(r["value"] for m in (m1, m2) for r in m["records"])
    assert set(values) == {f"grp-{i}" for i in range(200)}
    assert max(values.values()) == 1, "a message was consumed twice"
    for m in (m1, m2):
        assert {r["partition"] for r in m["records"]} <= set(m["assignment"])
    # Each member committed what it consumed: committed offsets are the log ends (a partition
    # that received nothing has no commit, shown as -1).
    ends = {e["partition"]: e["offset"] for e in result["ends"]}
    committed = {c["partition"]: c["offset"] for c in result["committed"]}
    assert committed == {p: (end if end > 0 else committed[p]) for p, end in ends.items()}
    assert all(committed[p] in (0, -1) for p, end in ends.items() if end == 0)
    assert sum(e["offset"] for e in result["ends"]) == 200
