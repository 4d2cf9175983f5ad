"""Reads Kafka log segments (`<log.dirs>/<topic>-<partition>/<20-digit base offset>.log`) as
sequences of record batches (magic 2) so that tests can check what the broker stored and cut
segments at known batch boundaries. Layout of a batch header, big-endian:
baseOffset i64, batchLength i32 (bytes after this field), partitionLeaderEpoch i32, magic i8,
crc u32 (CRC-32C of everything after it), attributes i16 (bits 0-2: compression codec),
lastOffsetDelta i32, baseTimestamp i64, maxTimestamp i64, producerId i64, producerEpoch i16,
baseSequence i32, recordCount i32, then the records."""

import glob
import os
import struct
from dataclasses import dataclass

HEADER_SIZE = 61
CODECS = {0: "none", 1: "gzip", 2: "snappy", 3: "lz4", 4: "zstd"}


def _crc32c_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


@dataclass
class Batch:
    position: int  # byte position of the batch in the segment file
    size: int  # 12 + batchLength
    base_offset: int
    last_offset: int
    magic: int
    crc: int
    crc_ok: bool
    attributes: int
    record_count: int
    producer_id: int
    base_sequence: int

    @property
    def end(self):
        return self.position + self.size

    @property
    def codec(self):
        return CODECS.get(self.attributes & 7, f"unknown({self.attributes & 7})")

    @property
    def is_control(self):
        return bool(self.attributes & 0x20)


def parse_segment(path, check_crc=True):
    """Returns the whole batches of a segment file in order, and the number of trailing bytes
    that do not form a whole batch."""
    with open(path, "rb") as f:
        data = f.read()
    batches = []
    pos = 0
    while pos + HEADER_SIZE <= len(data):
        base_offset, length = struct.unpack_from(">qi", data, pos)
        size = 12 + length
        if length < HEADER_SIZE - 12 or pos + size > len(data):
            break
        (magic,) = struct.unpack_from(">b", data, pos + 16)
        (crc,) = struct.unpack_from(">I", data, pos + 17)
        attributes, last_delta = struct.unpack_from(">hi", data, pos + 21)
        producer_id, = struct.unpack_from(">q", data, pos + 43)
        base_sequence, record_count = struct.unpack_from(">ii", data, pos + 53)
        crc_ok = crc32c(data[pos + 21:pos + size]) == crc if check_crc else True
        batches.append(Batch(pos, size, base_offset, base_offset + last_delta, magic, crc, crc_ok,
                             attributes, record_count, producer_id, base_sequence))
        pos += size
    return batches, len(data) - pos


def partition_dir(data_dir, topic, partition):
    return os.path.join(data_dir, f"{topic}-{partition}")


def segment_files(data_dir, topic, partition):
    """The .log files of a partition, sorted by base offset (their names are 20-digit offsets)."""
    files = glob.glob(os.path.join(partition_dir(data_dir, topic, partition), "*.log"))
    named = [f for f in files if os.path.basename(f)[:-4].isdigit()
             and len(os.path.basename(f)) == 24]
    return sorted(named, key=lambda f: int(os.path.basename(f)[:-4]))


def partition_batches(data_dir, topic, partition):
    """All whole batches of a partition, across its segments."""
    out = []
    for path in segment_files(data_dir, topic, partition):
        batches, _ = parse_segment(path)
        out.extend(batches)
    return out
