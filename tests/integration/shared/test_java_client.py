"""Apache Kafka's own Java client (kafka-clients 4.x, which negotiates the newest protocol
versions the broker advertises, flexible ones included) against the broker, through
java/src/sluice/it/ClientTool.java: AdminClient, the (default idempotent) KafkaProducer and a
KafkaConsumer group whose commitSync offsets survive a broker restart."""

from sluice_it import segments
from sluice_it.clients import java_tool, kcat_consume


def test_admin_create_describe_list(shared_broker, unique):
    b = shared_broker
    topic = unique("java-admin")
    result = java_tool("admin", b.bootstrap, topic, 5)
    assert result["created"] == topic
    assert result["internal"] is False
    parts = result["partitions"]
    assert [p["partition"] for p in parts] == [0, 1, 2, 3, 4]
    leaders = {p["leader"] for p in parts}
    assert len(leaders) == 1 and None not in leaders
    assert all(p["replicas"] == [p["leader"]] for p in parts)
    assert topic in result["listed"]
    assert not any(t.startswith("__") for t in result["listed"]), "internal topics listed"


def test_keyed_produce_idempotent_by_default(shared_broker, unique):
    b = shared_broker
    topic = unique("java-produce")
    java_tool("admin", b.bootstrap, topic, 4)
    records = java_tool("produce", b.bootstrap, topic, 500, 9)["records"]
    assert len(records) == 500
    partition_of = {}
    for r in records:
        assert partition_of.setdefault(r["key"], r["partition"]) == r["partition"]
    stored = kcat_consume(b.bootstrap, topic)
    assert sorted((p, o, k.decode(), v.decode()) for p, o, k, v in stored) == sorted(
        (r["partition"], r["offset"], r["key"], r["value"]) for r in records)
    for p in set(partition_of.values()):
        # Per partition, the send order is the offset order.
        assert [r["offset"] for r in records if r["partition"] == p] == list(
            range(sum(1 for r in records if r["partition"] == p)))
    # kafka-clients 4.x is idempotent by default: batches carry a producer id and sequences.
    batches = [batch for p in range(4) for batch in segments.partition_batches(b.data_dir, topic, p)]
    assert len({batch.producer_id for batch in batches}) == 1
    assert all(batch.producer_id >= 0 and batch.base_sequence >= 0 for batch in batches)


def test_group_consume_commit_sync_survives_restart(broker, unique):
    b = broker
    topic, group = unique("java-commit"), unique("java-commit")
    java_tool("admin", b.bootstrap, topic, 1)
    produced = java_tool("produce", b.bootstrap, topic, 12, 3)["records"]
    values = [r["value"] for r in sorted(produced, key=lambda r: r["offset"])]

    first = java_tool("consume", b.bootstrap, topic, group, 5, 30000)
    assert [r["value"] for r in first["records"]] == values[:5]
    assert first["committed"] == {"0": 5}

    b.restart()

    second = java_tool("consume", b.bootstrap, topic, group, 7, 30000)
    assert [(r["offset"], r["value"]) for r in second["records"]] == list(
        enumerate(values))[5:]
    assert second["committed"] == {"0": 12}


def test_consumer_close_is_prompt(shared_broker, unique):
    """KafkaConsumer.close() leaves the group and ends its fetch session with a last Fetch
    (SessionEpoch -1, no partitions). The broker must answer it like any Fetch, so close()
    returns at once (Apache Kafka: well under a second) instead of after request.timeout.ms
    (15 s in ClientTool)."""
    b = shared_broker
    topic, group = unique("java-close"), unique("java-close")
    java_tool("admin", b.bootstrap, topic, 1)
    java_tool("produce", b.bootstrap, topic, 3, 1)
    result = java_tool("consume", b.bootstrap, topic, group, 3, 30000)
    assert [r["value"] for r in result["records"]] == ["value-0", "value-1", "value-2"]
    assert result["close_ms"] < 5000, f"KafkaConsumer.close() took {result['close_ms']} ms"
