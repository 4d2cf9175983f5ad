"""kcat 1.7.1 (librdkafka 2.0.2) against the broker: metadata listing, and produce/consume round
trips with every compression codec, checking the exact bytes and what the broker stored."""

import json
import re

import pytest

from sluice_it import segments
from sluice_it.clients import kcat, kcat_consume, wait_until


def _create_by_produce(bootstrap, topic):
    # Auto-creation (auto.create.topics.enable) with num.partitions=3.
    kcat(bootstrap, "-P", "-t", topic, input=b"first\n")


def test_metadata_lists_broker_controller_topic_and_partitions(shared_broker, unique):
    b = shared_broker
    topic = unique("kcat-meta")
    _create_by_produce(b.bootstrap, topic)

    def listing():
        meta = json.loads(kcat(b.bootstrap, "-L", "-J").stdout)
        return meta if any(t["topic"] == topic for t in meta["topics"]) else None

    meta = wait_until(listing, 15, what=f"{topic} in kcat -L")
    assert [br["name"] for br in meta["brokers"]] == [b.bootstrap]
    broker_id = meta["brokers"][0]["id"]
    (entry,) = [t for t in meta["topics"] if t["topic"] == topic]
    assert "error" not in entry or not entry["error"]
    parts = sorted(entry["partitions"], key=lambda p: p["partition"])
    assert [p["partition"] for p in parts] == [0, 1, 2]
    for p in parts:
        assert p["leader"] == broker_id
        assert [r["id"] for r in p["replicas"]] == [broker_id]
        assert [r["id"] for r in p["isrs"]] == [broker_id]

    text = kcat(b.bootstrap, "-L").stdout.decode()
    assert re.search(rf"^\s*1 brokers:\s*$", text, re.M), text
    assert re.search(rf"broker {broker_id} at {re.escape(b.bootstrap)} \(controller\)", text), text
    assert re.search(rf'topic "{re.escape(topic)}" with 3 partitions:', text), text
    for p in range(3):
        assert re.search(rf"partition {p}, leader {broker_id}, replicas: {broker_id}, "
                         rf"isrs: {broker_id}", text), text


def _messages(codec):
    """Keys and values that exercise the byte range (except the two delimiters used on stdin),
    non-ASCII text and a large compressible payload."""
    binary = bytes(b for b in range(256) if b not in (0x1E, 0x1F))
    msgs = []
    for i in range(60):
        key = f"key-{i % 7}".encode()
        if i % 5 == 0:
            value = (f"{codec} compressible {i} " * 400).encode()
        elif i % 5 == 1:
            value = binary[i:] + binary[:i]
        elif i % 5 == 2:
            value = f"grüße {i} ✓ 数据".encode()
            key = f"clé-{i}".encode()
        else:
            value = f"value-{i}-{codec}".encode()
        msgs.append((key, value))
    return msgs


@pytest.mark.parametrize("codec", ["none", "gzip", "snappy", "lz4", "zstd"])
def test_roundtrip_with_compression(shared_broker, unique, codec):
    b = shared_broker
    topic = unique(f"kcat-{codec}")
    msgs = _messages(codec)
    payload = b"".join(k + b"\x1f" + v + b"\x1e" for k, v in msgs)
    kcat(b.bootstrap, "-P", "-t", topic, "-K", r"\x1f", "-D", r"\x1e",
         "-X", f"compression.codec={codec}", "-X", "linger.ms=50", input=payload)

    records = kcat_consume(b.bootstrap, topic)
    assert sorted((k, v) for _, _, k, v in records) == sorted(msgs)
    # Per key (hence per partition) the produce order is kept, offsets dense from 0.
    by_partition = {}
    for p, o, k, v in records:
        by_partition.setdefault(p, []).append((o, k, v))
    for p, recs in by_partition.items():
        assert [o for o, _, _ in recs] == list(range(len(recs)))
        keys_here = {k for _, k, _ in recs}
        assert [(k, v) for _, k, v in recs] == [m for m in msgs if m[0] in keys_here]
        # Every key lives in exactly one partition.
    partitions_of_key = {}
    for p, _, k, _ in records:
        partitions_of_key.setdefault(k, set()).add(p)
    assert all(len(ps) == 1 for ps in partitions_of_key.values())

    # The broker stores batches as produced: every stored batch carries the codec, valid CRC.
    stored = [batch for p in by_partition for batch in segments.partition_batches(b.data_dir, topic, p)]
    assert stored, f"no batches found under {b.data_dir}"
    assert {batch.codec for batch in stored} == {codec}
    assert all(batch.crc_ok and batch.magic == 2 for batch in stored)
    assert sum(batch.record_count for batch in stored) == len(msgs)
