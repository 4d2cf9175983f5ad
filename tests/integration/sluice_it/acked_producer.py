"""Producer process for the kill -9 test: produces numbered messages with acks=all and the
idempotent producer (confluent-kafka / librdkafka) until SIGTERM, appending every acknowledged
message to ACK_FILE as "partition offset value" and, at the end, a JSON summary to SUMMARY_FILE.
Usage: acked_producer.py BOOTSTRAP TOPIC ACK_FILE SUMMARY_FILE"""

import json
import signal
import sys
import time
from collections import Counter

from confluent_kafka import Producer


def main():
    bootstrap, topic, ack_path, summary_path = sys.argv[1:5]
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    p = Producer({
        "bootstrap.servers": bootstrap,
        "acks": "all",
        "enable.idempotence": True,
        "linger.ms": 5,
        "message.timeout.ms": 60000,
        "queue.buffering.max.messages": 20000,
        "reconnect.backoff.ms": 50,
        "reconnect.backoff.max.ms": 500,
        "socket.timeout.ms": 10000,
    })
    acks = open(ack_path, "w", buffering=1 << 16)
    counts = Counter()
    errors = Counter()

    def on_delivery(err, msg):
        if err is not None:
            counts["failed"] += 1
            errors[str(err)] += 1
        else:
            counts["acked"] += 1
            acks.write(f"{msg.partition()} {msg.offset()} {msg.value().decode()}\n")

    seq = 0
    last_flush = time.monotonic()
    while not stop:
        try:
            p.produce(topic, key=str(seq % 64).encode(), value=f"m-{seq:09d}".encode(),
                      on_delivery=on_delivery)
            seq += 1
        except BufferError:
            p.poll(0.05)
        p.poll(0)
        if time.monotonic() - last_flush > 0.1:
            acks.flush()
            last_flush = time.monotonic()
    remaining = p.flush(45)
    acks.close()
    summary = {"produced": seq, "acked": counts["acked"], "failed": counts["failed"],
               "unfinished": remaining, "errors": dict(errors.most_common(5))}
    with open(summary_path, "w") as f:
        json.dump(summary, f)


if __name__ == "__main__":
    main()
