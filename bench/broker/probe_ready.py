#!/usr/bin/env python3
"""Waits until a Kafka-protocol broker answers on HOST:PORT and prints when, for start-up times.

"Answers" means: a TCP connection is accepted, ApiVersions v0 comes back with error code 0, and
Metadata v1 (all topics) lists at least one broker. Probes every --interval seconds until
--timeout. Prints one line, the wall-clock time of readiness in nanoseconds since the epoch
(time.time_ns()), and exits 0; exits 1 on timeout.

Usage: probe_ready.py HOST PORT [--timeout S] [--interval S]
"""
import argparse
import socket
import struct
import sys
import time

CLIENT_ID = b"sluice-bench-probe"


def request(api_key: int, version: int, correlation: int, body: bytes) -> bytes:
    """A size-prefixed request with header v1 (api key, version, correlation id, client id)."""
    header = struct.pack(">hhih", api_key, version, correlation, len(CLIENT_ID)) + CLIENT_ID
    payload = header + body
    return struct.pack(">i", len(payload)) + payload


def read_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("connection closed by the broker")
        data += chunk
    return data


def read_response(sock: socket.socket, correlation: int) -> bytes:
    """Returns the body of the next response after checking its correlation id (header v0)."""
    (size,) = struct.unpack(">i", read_exact(sock, 4))
    frame = read_exact(sock, size)
    (got,) = struct.unpack(">i", frame[:4])
    if got != correlation:
        raise ValueError(f"correlation id {got}, expected {correlation}")
    return frame[4:]


def probe_once(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            sock.sendall(request(18, 0, 1, b""))  # ApiVersions v0: empty body
            body = read_response(sock, 1)
            (error_code,) = struct.unpack(">h", body[:2])
            if error_code != 0:
                return False
            sock.sendall(request(3, 1, 2, struct.pack(">i", -1)))  # Metadata v1, all topics
            body = read_response(sock, 2)
            (brokers,) = struct.unpack(">i", body[:4])
            return brokers >= 1
    except (OSError, ValueError, struct.error):
        return False


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--interval", type=float, default=0.005)
    args = ap.parse_args()
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        if probe_once(args.host, args.port):
            print(time.time_ns())
            return 0
        time.sleep(args.interval)
    print(f"probe_ready: {args.host}:{args.port} did not answer within {args.timeout} s",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
