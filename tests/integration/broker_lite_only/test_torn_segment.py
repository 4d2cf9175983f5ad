"""Failure test, broker-lite only: a torn active segment (RELIABILITY.md B2.3, sampled).

Batches of known boundaries are produced (one flush per batch), the broker is killed, and for ~30
cut positions inside the last batch of `<log.dirs>/<topic>-0/<20-digit base offset>.log` a copy
of the data directory is truncated there and broker-lite is started on it. It must start, serve
every whole batch before the cut unchanged, drop the torn bytes, and give the next produced
message the offset right after the last whole batch."""

import os
import random
import shutil
import time

import pytest
from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from sluice_it import brokers, segments

pytestmark = pytest.mark.broker_lite_only

TOPIC = "torn"
CUTS = 30
CHUNKS = 3
SETTINGS = {"num.partitions": 1, "auto.create.topics.enable": True,
            "group.initial.rebalance.delay.ms": 0}


def _read_all(bootstrap, expected_end, timeout=20):
    """All records of TOPIC-0 as {offset: (key, value, timestamp, headers)}, and the high
    watermark."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "torn-reader",
                  "enable.auto.commit": False, "enable.partition.eof": True})
    try:
        tp = TopicPartition(TOPIC, 0)
        low, high = c.get_watermark_offsets(tp, timeout=10)
        records = {}
        if high > 0:
            c.assign([TopicPartition(TOPIC, 0, 0)])
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                m = c.poll(0.5)
                if m is None:
                    continue
                if m.error():
                    assert m.error().code() == KafkaError._PARTITION_EOF, m.error()
                    break
                records[m.offset()] = (m.key(), m.value(), m.timestamp()[1],
                                       tuple(m.headers() or ()))
        return records, low, high
    finally:
        c.close()


def _produce_batches(bootstrap):
    p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 100,
                  "compression.codec": "none", "enable.idempotence": False})
    assert p.list_topics(TOPIC, timeout=10).topics[TOPIC].error is None
    n = 0
    for i in range(24):
        # 1-3 records per flush, growing sizes; the last batch is the largest (~6 KiB) so that
        # cuts land in its header, its record headers, keys and values.
        for j in range(1 + i % 3 if i < 23 else 3):
            size = 40 + 29 * i if i < 23 else 2000
            p.produce(TOPIC, key=f"key-{n}".encode(), value=bytes((n + k) % 251 for k in range(size)),
                      headers=[("seq", str(n).encode())], timestamp=1_700_000_000_000 + n)
            n += 1
        assert p.flush(15) == 0
    return n


@pytest.fixture(scope="module")
def torn_source(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("torn-source")
    b = brokers.make_broker(str(workdir), SETTINGS)
    b.start()
    try:
        a = AdminClient({"bootstrap.servers": b.bootstrap})
        a.create_topics([NewTopic(TOPIC, 1, 1)], request_timeout=20)[TOPIC].result(timeout=20)
        count = _produce_batches(b.bootstrap)
        records, _, high = _read_all(b.bootstrap, count)
        assert high == count and sorted(records) == list(range(count))
    finally:
        # A torn tail is what a crash leaves, so the source stops the way a crash does: no
        # clean-shutdown state is written. (acks=all data is on disk by then.)
        b.kill9()

    files = segments.segment_files(b.data_dir, TOPIC, 0)
    assert files, f"no <20-digit offset>.log segment under {segments.partition_dir(b.data_dir, TOPIC, 0)}"
    active = files[-1]
    batches, trailing = segments.parse_segment(active)
    assert trailing == 0 and all(x.crc_ok and x.magic == 2 for x in batches), \
        f"{active} is not a clean sequence of v2 batches"
    assert len(batches) >= 20, f"expected one batch per flush, found {len(batches)}"
    last = batches[-1]
    assert last.last_offset == count - 1 and last.record_count == 3

    rng = random.Random(20240611)
    inside = range(last.position + 1, last.end)
    fixed = {last.position, last.position + 1, last.position + 8, last.position + 12,
             last.position + 20, last.position + segments.HEADER_SIZE, last.end - 1}
    cuts = sorted(fixed | set(rng.sample(inside, CUTS - len(fixed))))[:CUTS]
    return {"broker": b, "segment": active, "batches": batches, "records": records, "cuts": cuts}


def _check_cut(source, cut, workdir):
    src = source["broker"]
    last = source["batches"][-1]
    os.makedirs(workdir)
    brokers.copy_data_dir(src, workdir)
    segment = os.path.join(workdir, "data", os.path.relpath(source["segment"], src.data_dir))
    os.truncate(segment, cut)

    b = brokers.make_broker(workdir, SETTINGS)
    where = f"cut at byte {cut} (last batch spans {last.position}..{last.end})"
    try:
        _check_running_broker(b, source, last, where)
    except BaseException:
        print(f"---- broker log, {where} ----\n{b.log_tail(40)}")
        b.kill9()
        raise
    code = b.stop()
    b.kill9()
    assert code == 0, f"{where}: exit code {code} on SIGTERM; log:\n{b.log_tail()}"

    # On disk: the original whole batches, then the new one; the torn bytes are gone.
    after = segments.partition_batches(b.data_dir, TOPIC, 0)
    original = [(x.base_offset, x.crc) for x in source["batches"][:-1]]
    assert [(x.base_offset, x.crc) for x in after[:len(original)]] == original, where
    assert [x.base_offset for x in after[len(original):]] == [last.base_offset], where
    for path in segments.segment_files(b.data_dir, TOPIC, 0):
        assert segments.parse_segment(path)[1] == 0, f"{where}: torn bytes left in {path}"
    shutil.rmtree(workdir)


def _check_running_broker(b, source, last, where):
    b.start(timeout=20)
    records, low, high = _read_all(b.bootstrap, last.base_offset)
    kept = {o: r for o, r in source["records"].items() if o < last.base_offset}
    assert (low, high) == (0, last.base_offset), where
    assert records == kept, f"{where}: whole batches before the cut not served unchanged"

    p = Producer({"bootstrap.servers": b.bootstrap, "acks": "all"})
    offsets = []
    p.produce(TOPIC, value=b"after-recovery",
              on_delivery=lambda err, m: offsets.append((err, m.offset())))
    assert p.flush(15) == 0 and offsets, where
    assert offsets == [(None, last.base_offset)], where
    records, _, high = _read_all(b.bootstrap, last.base_offset + 1)
    assert high == last.base_offset + 1 and records[last.base_offset][1] == b"after-recovery"


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_torn_last_batch_is_dropped_and_log_continues(torn_source, tmp_path, chunk):
    cuts = torn_source["cuts"][chunk::CHUNKS]
    assert cuts
    for cut in cuts:
        _check_cut(torn_source, cut, str(tmp_path / f"cut-{cut}"))
