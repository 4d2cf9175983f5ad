#!/usr/bin/env python3
"""Loopback TCP bandwidth without iperf3: one sender, one receiver, one connection on 127.0.0.1.

Sends 1 MiB buffers for --seconds and prints one JSON line {"loopback_mb_s": ...} counting the
bytes the receiver got (MB = 10^6 bytes). Python's per-call overhead is small at 1 MiB per call,
but expect a little less than iperf3.

Usage: loopback_pump.py [--seconds S]
"""
import argparse
import json
import socket
import threading
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    received = [0]

    def receive() -> None:
        conn, _ = listener.accept()
        buf = bytearray(1 << 20)
        view = memoryview(buf)
        while True:
            n = conn.recv_into(view)
            if n == 0:
                break
            received[0] += n
        conn.close()

    receiver = threading.Thread(target=receive)
    receiver.start()
    sender = socket.create_connection(listener.getsockname())
    chunk = b"\x5a" * (1 << 20)
    start = time.monotonic()
    while time.monotonic() - start < args.seconds:
        sender.sendall(chunk)
    sender.shutdown(socket.SHUT_WR)
    receiver.join()
    elapsed = time.monotonic() - start
    sender.close()
    listener.close()
    print(json.dumps({"loopback_mb_s": round(received[0] / elapsed / 1e6, 1),
                      "seconds": round(elapsed, 2)}))


if __name__ == "__main__":
    main()
