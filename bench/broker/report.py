#!/usr/bin/env python3
"""Turns the JSON lines of one run_broker_bench.sh run into a markdown summary with the targets
of the broker-lite issue, each with its ratio and PASS/FAIL.

Input lines (results.jsonl, one JSON object per line):
  broker_bench output, with "label": "<target>/<workload>/<op>/<run>";
  {"kind": "machine", "metric": "loopback_mb_s" | "disk_fdatasync_mb_s", "value": x, "tool": t};
  {"kind": "server", "target": t, "metric": "startup_ms" | "rss_peak_mib", "value": x};
  {"kind": "cpu", "target": t, "workload": w, "op": o, "run": r, "cpu_s": x, "messages": n};
  {"kind": "perf", "target": t, "workload": w, "op": o, "run": r, "msgs_per_s": x,
   "mb_per_s": y, "ok": b}                      (Kafka's ProducerPerformance);
  {"kind": "skip", "target": t, "reason": text};
  {"kind": "meta", ...}                          (date, host facts, the command).
Every figure is the median over the runs. MB = 10^6 bytes of payload.

Usage: report.py RESULTS.jsonl > summary.md
"""
import json
import statistics
import sys
from collections import defaultdict

WORKLOADS = [("1k", "1 KiB × 200k"), ("100b", "100 B × 1M")]
OPS = [("produce_acks1", "produce acks=1"), ("produce_acksall", "produce acks=all"),
       ("consume", "consume")]
# Kafka only, for context: acks=all on a topic with flush.messages=1 (an fsync per append).
FSYNC_OP = ("produce_acksall_fsync", "produce acks=all, flush.messages=1 (Kafka only)")
VERIFY_OPS = ("verify_acks1", "verify_acksall")
TARGETS = [("mock", "librdkafka mock"), ("broker-lite", "broker-lite"),
           ("kafka", "Apache Kafka")]


def median(values):
    return statistics.median(values) if values else None


def fmt(value, digits=0):
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


class Results:
    def __init__(self, lines):
        self.tput = defaultdict(list)   # (target, workload, op) -> [(msgs/s, MB/s, ok)]
        self.perf = defaultdict(list)   # same for ProducerPerformance
        self.cpu = defaultdict(list)    # (target, workload, op) -> [µs per message]
        self.machine = defaultdict(list)
        self.machine_tool = {}
        self.server = defaultdict(list)  # (target, metric) -> [values]
        self.skips = {}
        self.meta = {}
        for line in lines:
            line = line.strip()
            if not line.startswith("{"):
                continue
            rec = json.loads(line)
            kind = rec.get("kind")
            if kind is None and "label" in rec:
                target, workload, op, _ = rec["label"].split("/")
                ok = rec.get("ok") is True
                self.tput[(target, workload, op)].append(
                    (float(rec["msgs_per_s"]), float(rec["mb_per_s"]), ok))
                if target == "mock" and ok:
                    self.cpu[(target, workload, op)].append(float(rec["mock_cpu_us_per_msg"]))
            elif kind == "machine":
                self.machine[rec["metric"]].append(float(rec["value"]))
                self.machine_tool[rec["metric"]] = rec.get("tool", "")
            elif kind == "server":
                self.server[(rec["target"], rec["metric"])].append(float(rec["value"]))
            elif kind == "cpu":
                if rec["messages"] > 0:
                    self.cpu[(rec["target"], rec["workload"], rec["op"])].append(
                        rec["cpu_s"] * 1e6 / rec["messages"])
            elif kind == "perf":
                self.perf[(rec["target"], rec["workload"], rec["op"])].append(
                    (float(rec["msgs_per_s"]), float(rec["mb_per_s"]), rec.get("ok") is True))
            elif kind == "skip":
                self.skips[rec["target"]] = rec["reason"]
            elif kind == "meta":
                self.meta.update({k: v for k, v in rec.items() if k != "kind"})

    def figure(self, table, key):
        """(median msgs/s, median MB/s, every run ok) or None."""
        runs = table.get(key)
        if not runs:
            return None
        return (median([r[0] for r in runs]), median([r[1] for r in runs]),
                all(r[2] for r in runs))

    def mb(self, target, workload, op):
        f = self.figure(self.tput, (target, workload, op))
        return f[1] if f and f[2] else None

    def one(self, metric):
        return median(self.machine.get(metric, []))

    def srv(self, target, metric):
        return median(self.server.get((target, metric), []))


def cell(fig):
    if fig is None:
        return "—"
    msgs, mbs, ok = fig
    text = f"{mbs:,.0f} MB/s ({msgs / 1000:,.0f} k/s)"
    return text if ok else text + " FAILED"


def verdict(value, required, higher_is_better=True):
    if value is None or required is None:
        return None, "n/a"
    if higher_is_better:
        ratio = value / required if required else None
        return ratio, "PASS" if value >= required else "FAIL"
    ratio = value / required if required else None
    return ratio, "PASS" if value <= required else "FAIL"


def render(res):
    out = []
    meta = res.meta
    out.append(f"### Run of {meta.get('date', '?')}")
    out.append("")
    if meta.get("command"):
        out.append(f"Command: `{meta['command']}` — {meta.get('runs', '?')} run(s) per figure, "
                   "medians; MB = 10^6 bytes of payload.")
    if meta.get("machine"):
        out.append(f"Machine: {meta['machine']}.")
    out.append("")
    for target, reason in sorted(res.skips.items()):
        out.append(f"- **{target} skipped**: {reason}")
    if res.skips:
        out.append("")

    out.append("| machine limit | median | runs |")
    out.append("|---|---|---|")
    for metric, name in [("loopback_mb_s", "loopback TCP, 1 stream"),
                         ("disk_fdatasync_mb_s", "disk write + fdatasync, bs=1M")]:
        vals = res.machine.get(metric, [])
        if not vals:
            out.append(f"| {name} | not measured | |")
            continue
        tool = res.machine_tool.get(metric, "")
        rng = f"{min(vals):,.0f}..{max(vals):,.0f}" if len(vals) > 1 else ""
        out.append(f"| {name} ({tool}) | {fmt(median(vals))} MB/s | {len(vals)} {rng} |")
    out.append("")

    header = "| workload | " + " | ".join(name for _, name in TARGETS)
    header += " | Kafka, ProducerPerformance | broker-lite, ProducerPerformance |"
    out.append(header)
    out.append("|---" * (len(TARGETS) + 3) + "|")
    for w, wname in WORKLOADS:
        for op, opname in OPS + [FSYNC_OP]:
            row = [f"{wname}, {opname}"]
            row += [cell(res.figure(res.tput, (t, w, op))) for t, _ in TARGETS]
            row += [cell(res.figure(res.perf, (t, w, op))) for t in ("kafka", "broker-lite")]
            out.append("| " + " | ".join(row) + " |")
    out.append("")

    checks = []
    for t, name in TARGETS[1:]:
        runs = [r for (tt, _, op), rs in res.tput.items() if tt == t and op in VERIFY_OPS
                for r in rs]
        if runs:
            bad = sum(1 for r in runs if not r[2])
            checks.append(f"{name} {'ok' if bad == 0 else f'FAILED ({bad} of {len(runs)})'}")
    if checks:
        out.append("Read-back check (untimed `consume --verify` of the first run's topics: every "
                   "payload, no duplicates, no gaps): " + ", ".join(checks) + ".")
        out.append("")

    out.append("| broker CPU per message (µs) | " + " | ".join(n for _, n in TARGETS) + " |")
    out.append("|---" * (len(TARGETS) + 1) + "|")
    for w, wname in WORKLOADS:
        for op, opname in OPS + [FSYNC_OP]:
            vals = [fmt(median(res.cpu.get((t, w, op), [])), 2) for t, _ in TARGETS]
            out.append(f"| {wname}, {opname} | " + " | ".join(vals) + " |")
    out.append("")

    out.append("| server | start-up (process start → ApiVersions + Metadata answered) | "
               "peak RSS (VmHWM) after the load |")
    out.append("|---|---|---|")
    for t, name in TARGETS[1:]:
        out.append(f"| {name} | {fmt(res.srv(t, 'startup_ms'))} ms | "
                   f"{fmt(res.srv(t, 'rss_peak_mib'), 1)} MiB |")
    out.append("")

    # Targets of the issue, for broker-lite; Kafka's ratio against the same bar for context.
    disk = res.one("disk_fdatasync_mb_s")
    rows = []

    def throughput_target(name, w, op, bar):
        bl = res.mb("broker-lite", w, op)
        ratio, v = verdict(bl, bar)
        kafka = res.mb("kafka", w, op)
        kratio = kafka / bar if kafka is not None and bar else None
        rows.append((name, fmt(bl), fmt(bar), ratio, v, kratio))

    for w, wname in WORKLOADS:
        mock_p = res.mb("mock", w, "produce_acks1")
        mock_c = res.mb("mock", w, "consume")
        throughput_target(f"{wname}: produce acks=1 ≥ 0.8 × mock", w, "produce_acks1",
                          0.8 * mock_p if mock_p else None)
        bound = min(x for x in (disk, mock_p) if x) if (disk or mock_p) else None
        throughput_target(f"{wname}: produce acks=all ≥ 0.8 × min(disk fdatasync, mock)", w,
                          "produce_acksall", 0.8 * bound if bound else None)
        throughput_target(f"{wname}: consume ≥ 1.0 × mock", w, "consume", mock_c)
        for op, opname in OPS:
            bl = res.mb("broker-lite", w, op)
            kafka = res.mb("kafka", w, op)
            ratio, v = verdict(bl, kafka)
            rows.append((f"{wname}: {opname} ≥ Kafka", fmt(bl), fmt(kafka), ratio, v, None))
        for op, opname in OPS[:2]:
            bl = res.figure(res.perf, ("broker-lite", w, op))
            kafka = res.figure(res.perf, ("kafka", w, op))
            bl_mb = bl[1] if bl and bl[2] else None
            kafka_mb = kafka[1] if kafka and kafka[2] else None
            ratio, v = verdict(bl_mb, kafka_mb)
            rows.append((f"{wname}: ProducerPerformance {opname} ≥ Kafka", fmt(bl_mb),
                         fmt(kafka_mb), ratio, v, None))
    bl_rss = res.srv("broker-lite", "rss_peak_mib")
    k_rss = res.srv("kafka", "rss_peak_mib")
    ratio, v = verdict(bl_rss, 64.0, higher_is_better=False)
    rows.append(("peak RSS ≤ 64 MiB", fmt(bl_rss, 1), "64", ratio, v, None))
    ratio, v = verdict(bl_rss, k_rss / 10 if k_rss else None, higher_is_better=False)
    rows.append(("peak RSS ≤ Kafka's / 10", fmt(bl_rss, 1), fmt(k_rss / 10 if k_rss else None, 1),
                 ratio, v, None))
    bl_up = res.srv("broker-lite", "startup_ms")
    k_up = res.srv("kafka", "startup_ms")
    ratio, v = verdict(bl_up, k_up / 10 if k_up else None, higher_is_better=False)
    rows.append(("start-up ≤ Kafka's / 10", fmt(bl_up), fmt(k_up / 10 if k_up else None),
                 ratio, v, None))

    out.append("| target (broker-lite) | measured | required | measured / required | verdict | "
               "Kafka's measured / required |")
    out.append("|---|---|---|---|---|---|")
    passed = failed = 0
    for name, measured, required, ratio, v, kratio in rows:
        passed += v == "PASS"
        failed += v == "FAIL"
        out.append(f"| {name} | {measured} | {required} | "
                   f"{'—' if ratio is None else f'{ratio:.2f}'} | {v} | "
                   f"{'' if kratio is None else f'{kratio:.2f}'} |")
    out.append("")
    out.append(f"Targets: {passed} PASS, {failed} FAIL, {len(rows) - passed - failed} n/a. "
               "Throughput targets use MB/s of payload; 'required' is the bar in the same unit "
               "(MB/s, MiB, ms).")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        res = Results(f)
    sys.stdout.write(render(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
