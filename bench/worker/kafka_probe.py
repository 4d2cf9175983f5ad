#!/usr/bin/env python3
"""The few Kafka-protocol requests the worker benchmark needs, over one plain TCP connection:
creating a topic (CreateTopics v0) and reading a partition's high watermark (ListOffsets v1,
latest). Written against the wire format directly so that the benchmark needs no Kafka client
library besides kcat. Request framing is shared with bench/broker/probe_ready.py.

As a command (for trying it by hand):
  kafka_probe.py HOST:PORT create TOPIC [PARTITIONS]
  kafka_probe.py HOST:PORT watermark TOPIC
"""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "broker"))
from probe_ready import read_response, request  # noqa: E402  (shared framing)

API_LIST_OFFSETS = 2
API_CREATE_TOPICS = 19
ERROR_TOPIC_ALREADY_EXISTS = 36
LATEST = -1


def _string(text: str) -> bytes:
    data = text.encode()
    return struct.pack(">h", len(data)) + data


class KafkaProbe:
    """One connection to one broker; not thread-safe. Close it with close() or `with`."""

    def __init__(self, bootstrap: str, timeout_s: float = 10.0):
        host, port = bootstrap.rsplit(":", 1)
        self._sock = socket.create_connection((host, int(port)), timeout=timeout_s)
        self._correlation = 0

    def close(self) -> None:
        self._sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _call(self, api_key: int, version: int, body: bytes) -> bytes:
        self._correlation += 1
        self._sock.sendall(request(api_key, version, self._correlation, body))
        return read_response(self._sock, self._correlation)

    def create_topic(self, topic: str, partitions: int = 1) -> None:
        """Creates TOPIC with replication factor 1; an existing topic is an error (the benchmark
        wants a fresh one every time)."""
        body = (struct.pack(">i", 1) + _string(topic) + struct.pack(">ihii", partitions, 1, 0, 0)
                + struct.pack(">i", 10000))
        resp = self._call(API_CREATE_TOPICS, 0, body)
        (count,) = struct.unpack_from(">i", resp, 0)
        pos = 4
        for _ in range(count):
            (name_len,) = struct.unpack_from(">h", resp, pos)
            name = resp[pos + 2:pos + 2 + name_len].decode()
            pos += 2 + name_len
            (error,) = struct.unpack_from(">h", resp, pos)
            pos += 2
            if name == topic and error != 0:
                raise RuntimeError(f"CreateTopics {topic}: error code {error}")

    def high_watermark(self, topic: str, partition: int = 0) -> int:
        """The partition's next offset (ListOffsets, latest); -1 while the topic is unknown."""
        body = (struct.pack(">i", -1) + struct.pack(">i", 1) + _string(topic)
                + struct.pack(">iiq", 1, partition, LATEST))
        resp = self._call(API_LIST_OFFSETS, 1, body)
        (topics,) = struct.unpack_from(">i", resp, 0)
        pos = 4
        for _ in range(topics):
            (name_len,) = struct.unpack_from(">h", resp, pos)
            pos += 2 + name_len
            (parts,) = struct.unpack_from(">i", resp, pos)
            pos += 4
            for _ in range(parts):
                part, error, _timestamp, offset = struct.unpack_from(">ihqq", resp, pos)
                pos += 22
                if part == partition:
                    return offset if error == 0 else -1
        return -1


def main() -> int:
    if len(sys.argv) < 4 or sys.argv[2] not in ("create", "watermark"):
        print(__doc__, file=sys.stderr)
        return 2
    with KafkaProbe(sys.argv[1]) as probe:
        if sys.argv[2] == "create":
            probe.create_topic(sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 1)
        else:
            print(probe.high_watermark(sys.argv[3]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
