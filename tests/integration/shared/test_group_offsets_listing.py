"""Listing every committed offset of a consumer group (OffsetFetch with null topics) through
several clients:
  - librdkafka 2.0.2's rd_kafka_ListConsumerGroupOffsets with no partitions (confluent-kafka 1.7.0
    has no Python binding for it, so the C API is called through ctypes). librdkafka 2.0.x sends
    OffsetFetch v7 whose Topics field is an unfinished 4-byte array-count placeholder: read as a
    compact array it is null, followed by three bytes the schema does not explain, which Kafka
    ignores.
  - kafka-python's KafkaAdminClient.list_consumer_group_offsets (OffsetFetch v3, null topics),
  - KafkaJS 2.2.4 admin.fetchOffsets without topics,
  - the Java AdminClient (kafka-clients 4.x, OffsetFetch v8+ with the groups array).
Each must see every committed partition of the group, nothing of other groups, and nothing at all
for a group that never committed."""

import ctypes
import ctypes.util
import json
import os

import pytest
from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
from kafka import KafkaAdminClient

from sluice_it.brokers import KAFKA_JARS
from sluice_it.clients import NODE_DIR, run, wait_until

TIMEOUT = 20


def create_topic(b, topic, partitions):
    a = AdminClient({"bootstrap.servers": b.bootstrap})
    fs = a.create_topics([NewTopic(topic, partitions, 1)], operation_timeout=TIMEOUT,
                         request_timeout=TIMEOUT)
    fs[topic].result(timeout=TIMEOUT)

    def ready():
        t = a.list_topics(topic=topic, timeout=10).topics.get(topic)
        return t is not None and t.error is None and len(t.partitions) == partitions and all(
            p.leader >= 0 for p in t.partitions.values())

    wait_until(ready, TIMEOUT, what=f"{topic} to have {partitions} led partitions")


def commit(b, group, offsets):
    """Commits {(topic, partition): offset} for `group` as a simple (generation -1) commit."""
    c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": group,
                  "enable.auto.commit": False, "socket.timeout.ms": 10000})
    try:
        c.commit(offsets=[TopicPartition(t, p, o) for (t, p), o in offsets.items()],
                 asynchronous=False)
    finally:
        c.close()


@pytest.fixture
def committed_groups(shared_broker, unique):
    """Two topics; group A committed on three of their partitions, group B on one; group C never
    committed. Returns (broker, {group: {(topic, partition): offset}})."""
    b = shared_broker
    t1, t2 = unique("gol-a"), unique("gol-b")
    create_topic(b, t1, 3)
    create_topic(b, t2, 2)
    a, bg, never = unique("gol-grp-a"), unique("gol-grp-b"), unique("gol-grp-none")
    expected = {a: {(t1, 0): 5, (t1, 2): 17, (t2, 1): 3}, bg: {(t2, 0): 9}, never: {}}
    commit(b, a, expected[a])
    commit(b, bg, expected[bg])
    return b, expected


# --- librdkafka through ctypes ---------------------------------------------------------------

class _TopicPartition(ctypes.Structure):
    _fields_ = [("topic", ctypes.c_char_p), ("partition", ctypes.c_int32),
                ("offset", ctypes.c_int64), ("metadata", ctypes.c_void_p),
                ("metadata_size", ctypes.c_size_t), ("opaque", ctypes.c_void_p),
                ("err", ctypes.c_int), ("_private", ctypes.c_void_p)]


class _TopicPartitionList(ctypes.Structure):
    _fields_ = [("cnt", ctypes.c_int), ("size", ctypes.c_int),
                ("elems", ctypes.POINTER(_TopicPartition))]


def _librdkafka():
    lib = ctypes.CDLL(ctypes.util.find_library("rdkafka") or "librdkafka.so.1")
    vp, cp = ctypes.c_void_p, ctypes.c_char_p
    sigs = {
        "rd_kafka_version_str": ([], cp),
        "rd_kafka_conf_new": ([], vp),
        "rd_kafka_conf_set": ([vp, cp, cp, cp, ctypes.c_size_t], ctypes.c_int),
        "rd_kafka_new": ([ctypes.c_int, vp, cp, ctypes.c_size_t], vp),
        "rd_kafka_destroy": ([vp], None),
        "rd_kafka_queue_new": ([vp], vp),
        "rd_kafka_queue_destroy": ([vp], None),
        "rd_kafka_queue_poll": ([vp, ctypes.c_int], vp),
        "rd_kafka_event_destroy": ([vp], None),
        "rd_kafka_event_error": ([vp], ctypes.c_int),
        "rd_kafka_event_error_string": ([vp], cp),
        "rd_kafka_topic_partition_list_new": ([ctypes.c_int], vp),
        "rd_kafka_topic_partition_list_add": ([vp, cp, ctypes.c_int32], vp),
        "rd_kafka_topic_partition_list_destroy": ([vp], None),
        "rd_kafka_ListConsumerGroupOffsets_new": ([cp, vp], vp),
        "rd_kafka_ListConsumerGroupOffsets_destroy": ([vp], None),
        "rd_kafka_ListConsumerGroupOffsets": ([vp, ctypes.POINTER(vp), ctypes.c_size_t, vp, vp],
                                              None),
        "rd_kafka_event_ListConsumerGroupOffsets_result": ([vp], vp),
        "rd_kafka_ListConsumerGroupOffsets_result_groups": (
            [vp, ctypes.POINTER(ctypes.c_size_t)], ctypes.POINTER(vp)),
        "rd_kafka_group_result_name": ([vp], cp),
        "rd_kafka_group_result_error": ([vp], vp),
        "rd_kafka_error_string": ([vp], cp),
        "rd_kafka_group_result_partitions": ([vp], ctypes.POINTER(_TopicPartitionList)),
    }
    for name, (args, res) in sigs.items():
        f = getattr(lib, name)
        f.argtypes, f.restype = args, res
    return lib


def rdkafka_list_group_offsets(bootstrap, group, partitions=None):
    """rd_kafka_ListConsumerGroupOffsets for one group; partitions None lists them all. Returns
    {(topic, partition): offset}, librdkafka's -1001 (no committed offset) mapped to -1."""
    lib = _librdkafka()
    err = ctypes.create_string_buffer(512)
    conf = lib.rd_kafka_conf_new()
    for k, v in (("bootstrap.servers", bootstrap), ("socket.timeout.ms", "10000")):
        assert lib.rd_kafka_conf_set(conf, k.encode(), v.encode(), err, 512) == 0, err.value
    rk = lib.rd_kafka_new(0, conf, err, 512)  # producer handle; owns conf from here
    assert rk, err.value
    q = lib.rd_kafka_queue_new(rk)
    parts = None
    if partitions is not None:
        parts = lib.rd_kafka_topic_partition_list_new(len(partitions))
        for t, p in partitions:
            lib.rd_kafka_topic_partition_list_add(parts, t.encode(), p)
    request = lib.rd_kafka_ListConsumerGroupOffsets_new(group.encode(), parts)  # copies parts
    if parts:
        lib.rd_kafka_topic_partition_list_destroy(parts)
    try:
        arr = (ctypes.c_void_p * 1)(request)
        lib.rd_kafka_ListConsumerGroupOffsets(rk, arr, 1, None, q)
        ev = lib.rd_kafka_queue_poll(q, TIMEOUT * 1000)
        assert ev, "no ListConsumerGroupOffsets result within the timeout"
        try:
            assert lib.rd_kafka_event_error(ev) == 0, lib.rd_kafka_event_error_string(ev)
            res = lib.rd_kafka_event_ListConsumerGroupOffsets_result(ev)
            n = ctypes.c_size_t()
            groups = lib.rd_kafka_ListConsumerGroupOffsets_result_groups(res, ctypes.byref(n))
            assert n.value == 1
            g = groups[0]
            assert lib.rd_kafka_group_result_name(g).decode() == group
            gerr = lib.rd_kafka_group_result_error(g)
            assert not gerr, lib.rd_kafka_error_string(gerr)
            out = {}
            plist = lib.rd_kafka_group_result_partitions(g)
            if plist:
                for i in range(plist.contents.cnt):
                    e = plist.contents.elems[i]
                    assert e.err == 0, f"{e.topic}[{e.partition}] error {e.err}"
                    out[(e.topic.decode(), e.partition)] = -1 if e.offset == -1001 else e.offset
            return out
        finally:
            lib.rd_kafka_event_destroy(ev)
    finally:
        lib.rd_kafka_ListConsumerGroupOffsets_destroy(request)
        lib.rd_kafka_queue_destroy(q)
        lib.rd_kafka_destroy(rk)


def test_librdkafka_lists_all_committed_offsets(committed_groups):
    b, expected = committed_groups
    assert _librdkafka().rd_kafka_version_str().startswith(b"2.")
    for group, offsets in expected.items():
        assert rdkafka_list_group_offsets(b.bootstrap, group) == offsets, group


def test_librdkafka_lists_named_partitions(committed_groups):
    b, expected = committed_groups
    group = next(iter(expected))
    (t1, _), (t2, _) = sorted(expected[group])[0], sorted(expected[group])[-1]
    asked = [(t1, 0), (t1, 1), (t2, 1)]
    # A partition the group never committed on is listed with no offset.
    assert rdkafka_list_group_offsets(b.bootstrap, group, asked) == {
        (t1, 0): 5, (t1, 1): -1, (t2, 1): 3}


def test_librdkafka_connection_survives_listing(committed_groups):
    # The same client handle lists twice in a row: the broker must not drop the connection.
    b, expected = committed_groups
    group = next(iter(expected))
    for _ in range(2):
        assert rdkafka_list_group_offsets(b.bootstrap, group) == expected[group]


# --- kafka-python ------------------------------------------------------------------------------

def test_kafka_python_admin_lists_all_committed_offsets(committed_groups):
    b, expected = committed_groups
    a = KafkaAdminClient(bootstrap_servers=b.bootstrap, request_timeout_ms=TIMEOUT * 1000)
    try:
        for group, offsets in expected.items():
            got = a.list_consumer_group_offsets(group)
            assert {(tp.topic, tp.partition): m.offset for tp, m in got.items()} == offsets, group
    finally:
        a.close()


# --- KafkaJS -----------------------------------------------------------------------------------

_KAFKAJS_FETCH_OFFSETS = r"""
const [kafkajsDir, bootstrap, groupsJson] = process.argv.slice(1);
const { Kafka, logLevel } = require(kafkajsDir);
(async () => {
  const admin = new Kafka({ brokers: [bootstrap], logLevel: logLevel.ERROR,
                            connectionTimeout: 5000, requestTimeout: 15000 }).admin();
  await admin.connect();
  const out = {};
  try {
    for (const groupId of JSON.parse(groupsJson)) {
      out[groupId] = (await admin.fetchOffsets({ groupId })).flatMap((t) =>
          t.partitions.map((p) => [t.topic, p.partition, Number(p.offset)]));
    }
  } finally {
    await admin.disconnect();
  }
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def test_kafkajs_fetch_offsets_without_topics(committed_groups):
    if not os.path.isfile(os.path.join(NODE_DIR, "node_modules", "kafkajs", "package.json")):
        pytest.fail("KafkaJS not installed: run tests/integration/setup-clients.sh")
    b, expected = committed_groups
    out = run(["node", "-e", _KAFKAJS_FETCH_OFFSETS, os.path.join(NODE_DIR, "node_modules", "kafkajs"),
               b.bootstrap, json.dumps(list(expected))], timeout=45)
    got = json.loads(out.stdout.decode().strip().splitlines()[-1])
    for group, offsets in expected.items():
        assert {(t, p): o for t, p, o in got[group]} == offsets, group


# --- Java AdminClient --------------------------------------------------------------------------

_JAVA_LIST_OFFSETS = r"""
import java.util.*;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

public class ListGroupOffsets {
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", args[0]);
    props.put("default.api.timeout.ms", "20000");
    props.put("request.timeout.ms", "15000");
    StringBuilder out = new StringBuilder("{");
    try (Admin admin = Admin.create(props)) {
      for (int g = 1; g < args.length; g++) {
        Map<TopicPartition, OffsetAndMetadata> offsets =
            admin.listConsumerGroupOffsets(args[g]).partitionsToOffsetAndMetadata().get();
        out.append(g > 1 ? "," : "").append('"').append(args[g]).append("\":[");
        int i = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
          out.append(i++ > 0 ? "," : "").append("[\"").append(e.getKey().topic()).append("\",")
             .append(e.getKey().partition()).append(',')
             .append(e.getValue() == null ? -1 : e.getValue().offset()).append(']');
        }
        out.append(']');
      }
    }
    System.out.println(out.append('}'));
  }
}
"""


def test_java_admin_lists_all_committed_offsets(committed_groups, tmp_path):
    if not os.path.isdir(KAFKA_JARS):
        pytest.fail(f"kafka-clients jars not found in {KAFKA_JARS}: run "
                    "tests/integration/setup-clients.sh")
    b, expected = committed_groups
    src = tmp_path / "ListGroupOffsets.java"
    src.write_text(_JAVA_LIST_OFFSETS)
    out = run(["java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
               "-cp", os.path.join(KAFKA_JARS, "*"), str(src), b.bootstrap, *expected],
              timeout=60)
    got = json.loads(out.stdout.decode().strip().splitlines()[-1])
    for group, offsets in expected.items():
        assert {(t, p): o for t, p, o in got[group]} == offsets, group
