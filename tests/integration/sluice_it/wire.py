"""A tiny Kafka wire-protocol client used only to tell whether a broker answers: ApiVersions v0
and Metadata v1, both classic (non-flexible) encodings that every broker under test serves."""

import socket
import struct

API_VERSIONS = 18
METADATA = 3


class WireError(Exception):
    pass


def _request(api_key, api_version, correlation_id, body=b"", client_id=b"sluice-probe"):
    header = struct.pack(">hhih", api_key, api_version, correlation_id, len(client_id)) + client_id
    payload = header + body
    return struct.pack(">i", len(payload)) + payload


def _read_exact(sock, n):
    chunks = []
    while n > 0:
        chunk = sock.recv(n)
        if not chunk:
            raise WireError("connection closed by the broker")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _roundtrip(sock, api_key, api_version, correlation_id, body=b""):
    sock.sendall(_request(api_key, api_version, correlation_id, body))
    (size,) = struct.unpack(">i", _read_exact(sock, 4))
    if size < 4 or size > 64 << 20:
        raise WireError(f"implausible response size {size}")
    data = _read_exact(sock, size)
    (got,) = struct.unpack_from(">i", data, 0)
    if got != correlation_id:
        raise WireError(f"correlation id {got}, expected {correlation_id}")
    return data[4:]


class _Reader:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def take(self, fmt):
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return values[0] if len(values) == 1 else values

    def string(self):
        n = self.take(">h")
        if n < 0:
            return None
        s = self.data[self.pos:self.pos + n].decode("utf-8", "replace")
        self.pos += n
        return s


def probe(host, port, timeout=2.0):
    """Returns {"api_versions": {key: (min, max)}, "brokers": [(id, host, port)], "controller": id}.
    Raises OSError or WireError when the broker does not answer properly."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        r = _Reader(_roundtrip(sock, API_VERSIONS, 0, 1))
        error = r.take(">h")
        if error != 0:
            raise WireError(f"ApiVersions v0 answered error {error}")
        versions = {}
        for _ in range(r.take(">i")):
            key, lo, hi = r.take(">hhh")
            versions[key] = (lo, hi)
        # Metadata v1 with an empty topic array: brokers and controller only.
        r = _Reader(_roundtrip(sock, METADATA, 1, 2, struct.pack(">i", 0)))
        brokers = []
        for _ in range(r.take(">i")):
            node_id = r.take(">i")
            host_name = r.string()
            node_port = r.take(">i")
            r.string()  # rack
            brokers.append((node_id, host_name, node_port))
        controller = r.take(">i")
        return {"api_versions": versions, "brokers": brokers, "controller": controller}
