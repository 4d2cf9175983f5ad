"""Distributed mode end to end (issue 4): `sluice distributed` workers on one broker, driven over
REST, checked through the status every worker reports and the VerifiableSource sequence numbers
in the topic (every task writes seqno 0, 1, 2, ... with its task number as key; a task that
moves or restarts continues after its last committed offset, so gaps mean lost records and
going back to 0 means lost offsets).

  * three workers: a connector created through a follower spreads its three tasks, one a worker,
    and every worker reports the same owners;
  * kill -9 of a worker (the leader with scheduled.rebalance.max.delay.ms=0, a follower with
    4000): its work runs elsewhere within the delay + the session timeout + a few seconds, not
    before the delay, the tasks that stayed were never stopped, and no seqno is missing;
  * a fourth worker joins and gets a task; the tasks that stay where they were are not stopped;
  * two connectors of three tasks each stay spread, each connector's tasks over the workers, when a
    worker stops and another joins;
  * SIGTERM of the leader: another worker leads, writes through the others still work, no seqno
    is missing;
  * ten connectors created at once cause a handful of rebalances, not one per change;
  * the whole cluster stopped and started again: every connector with its config and target
    state (RUNNING, PAUSED, STOPPED) and its source offsets comes back.
"""

import concurrent.futures
import time

import pytest

from sluice_it.cluster import (HEARTBEAT_INTERVAL_MS, SESSION_TIMEOUT_MS, assert_no_gaps,
                               log_count, poll_until, read_seqnos, task_owners,
                               verifiable_source)
from sluice_it.workers import extend_phase_limit


def _start_gen(cluster, tasks=3, via=None, topic="seq", throughput=100):
    """Creates VerifiableSource `gen` through a follower (or `via`), waits until its tasks run
    spread over the workers; returns (status, leader index)."""
    leader, _ = cluster.leader()
    if via is None:
        via = next(i for i in cluster.running() if i != leader)
    cluster.create("gen", verifiable_source(topic, tasks, throughput), via=via)
    status, _ = cluster.wait_spread("gen", tasks, via=via, timeout=30)
    return status, leader


def test_connector_created_through_a_follower_spreads_over_three_workers(make_cluster):
    extend_phase_limit(90)
    c = make_cluster(3)
    leader, _ = c.leader()
    follower = next(i for i in c.running() if i != leader)
    status, _ = _start_gen(c, tasks=3, via=follower)

    owners = task_owners(status)
    assert sorted(owners.values()) == sorted(c.ids()), \
        f"3 tasks on 3 workers should be one a worker (the assignor is even): {status}"

    # Every worker serves the same connector, config and owners.
    config = c[follower].ok("GET", "/connectors/gen/config").json()
    for i in c.running():
        assert c[i].ok("GET", "/connectors").json() == ["gen"], i
        assert c[i].ok("GET", "/connectors/gen/config").json() == config, i
        c.wait_status("gen", lambda st: task_owners(st) == owners, via=i, timeout=10,
                      what=f"worker {i} reports the same task owners {owners}")

    time.sleep(1.5)
    report = read_seqnos(c.broker.bootstrap, "seq", expect_at_least=3)
    assert_no_gaps(report, 3)
    for r in report.values():
        assert r.never_restarted(), f"a task restarted although nothing moved: {r}"


def test_many_config_changes_at_once_cause_few_rebalances(make_cluster):
    """Ten connectors created at the same moment through all three workers are 20 config changes
    (10 connectors, then 10 task commits). The leader asks for a rebalance only when the work to
    assign differs from what its last round assigned, so every change read between two rounds is
    covered by one rebalance: the cluster goes through a handful of generations, not one per
    change."""
    extend_phase_limit(60)
    c = make_cluster(3)
    _, generation_before = c.leader()
    names = [f"burst{i}" for i in range(10)]

    def create(index):
        c.create(names[index], verifiable_source(f"burst-{index}", 1, throughput=5), via=index % 3)

    with concurrent.futures.ThreadPoolExecutor(len(names)) as pool:
        list(pool.map(create, range(len(names))))
    for name in names:
        c.wait_running(name, 1, via=0, timeout=30)
    _, generation_after = c.leader()
    rebalances = generation_after - generation_before
    print(f"10 connectors created at once: {rebalances} rebalances "
          f"(generation {generation_before} -> {generation_after})")
    assert rebalances <= 6, \
        f"{rebalances} rebalances for 10 connectors created at once: a storm, not a batch"


@pytest.mark.parametrize("delay_ms,victim", [(0, "leader"), (4000, "follower")],
                         ids=["delay0-kill-leader", "delay4000-kill-follower"])
def test_kill9_moves_the_dead_workers_tasks_without_losing_seqnos(make_cluster, delay_ms, victim):
    extend_phase_limit(110)
    c = make_cluster(3, delay_ms=delay_ms)
    status, leader = _start_gen(c, tasks=3)
    time.sleep(1.5)

    dead = leader if victim == "leader" else next(i for i in c.running() if i != leader)
    dead_id = c[dead].worker_id
    owners = task_owners(status)
    moved = sorted(t for t, w in owners.items() if w == dead_id)
    stayed = sorted(t for t, w in owners.items() if w != dead_id)
    assert moved, f"worker {dead} runs no task: {status}"
    survivors = [i for i in c.running() if i != dead]
    before = read_seqnos(c.broker.bootstrap, "seq", expect_at_least=3)

    c.kill9(dead)
    bound_s = (delay_ms + SESSION_TIMEOUT_MS) / 1000 + 6
    status, took = c.wait_running("gen", 3, via=survivors[0], on=survivors, timeout=bound_s,
                                  what=f"the tasks of killed worker {dead} ({moved}) RUNNING on "
                                       f"the survivors within delay + session timeout + 6 s")
    print(f"kill -9 of the {victim} (worker {dead}, tasks {moved}): everything RUNNING on "
          f"{sorted(c.ids(survivors))} after {took:.1f}s (delay {delay_ms} ms)")
    if delay_ms and victim == "follower":
        # The coordinator expires the dead member no earlier than session timeout - heartbeat
        # interval after the kill; the leader then holds its work for delay_ms.
        floor_s = (delay_ms + SESSION_TIMEOUT_MS - HEARTBEAT_INTERVAL_MS) / 1000 - 1
        assert took >= floor_s, (f"the dead worker's tasks were reassigned after {took:.1f}s, "
                                 f"before scheduled.rebalance.max.delay.ms={delay_ms} could pass "
                                 f"(expected at least {floor_s:.1f}s)")
    for i in survivors:
        c.wait_status("gen", lambda st: task_owners(st) == task_owners(status), via=i, timeout=10,
                      what=f"worker {i} reports the owners {task_owners(status)}")

    time.sleep(2.0)
    after = read_seqnos(c.broker.bootstrap, "seq", expect_at_least=3)
    duplicates = assert_no_gaps(after, 3)
    print(f"kill -9: {duplicates} duplicate records")
    for t in range(3):
        assert after[t].max > before[t].max, f"task {t} produced nothing after the kill: {after[t]}"
        assert after[t].zero_count == 1, f"task {t} started again at seqno 0: {after[t]}"
        assert len(after[t].backsteps) <= 1, f"task {t} went back more than once: {after[t]}"
    for t in stayed:
        assert after[t].never_restarted(), \
            f"task {t} stayed on its worker but was restarted: {after[t]}"
        assert log_count(c, f"source task gen-{t} stopped") == 0, \
            f"task {t} stayed on its worker but was stopped"
        assert log_count(c, f"source task gen-{t} started") == 1, \
            f"task {t} stayed on its worker but was started more than once"


def test_fourth_worker_gets_work_and_tasks_that_stay_keep_running(make_cluster):
    extend_phase_limit(110)
    c = make_cluster(3)
    status, _ = _start_gen(c, tasks=6, throughput=50)
    before_owners = task_owners(status)
    time.sleep(1.0)

    # Sample every task's state while the fourth worker joins.
    new = c.add_worker()
    seen_states = {t: set() for t in range(6)}
    new_id = c[new].worker_id

    def settled(st):
        for t in st.get("tasks", []):
            seen_states[t["id"]].add((t["state"], t.get("worker_id")))
        return any(t.get("worker_id") == new_id for t in st.get("tasks", []))

    c.wait_status("gen", settled, via=0, timeout=30, what=f"worker {new} gets a task of gen")
    status, _ = c.wait_spread("gen", 6, via=new, timeout=30)
    after_owners = task_owners(status)
    stayed = sorted(t for t in range(6) if after_owners[t] == before_owners[t])
    moved = sorted(t for t in range(6) if after_owners[t] != before_owners[t])
    print(f"fourth worker: moved {moved}, stayed {stayed}; owners {before_owners} -> "
          f"{after_owners}")
    assert moved and stayed, (before_owners, after_owners)

    time.sleep(1.5)
    report = read_seqnos(c.broker.bootstrap, "seq", expect_at_least=6)
    duplicates = assert_no_gaps(report, 6)
    print(f"fourth worker: {duplicates} duplicate records")
    for t in stayed:
        assert report[t].never_restarted(), f"task {t} did not move but was restarted: {report[t]}"
        assert log_count(c, f"source task gen-{t} stopped") == 0, \
            f"task {t} did not move but was stopped"
        assert log_count(c, f"source task gen-{t} started") == 1, \
            f"task {t} did not move but was started more than once"
        states = {s for s, _ in seen_states[t]}
        assert states <= {"RUNNING"}, f"task {t} did not move but was reported {states}"
    for t in moved:
        assert report[t].zero_count == 1, f"moved task {t} started again at 0: {report[t]}"


def test_each_connectors_tasks_stay_spread_when_workers_leave_and_join(make_cluster):
    """Two connectors of three tasks each on three workers, one task of each per worker. A
    follower stops cleanly: once its work is handed out (after the delay) each connector has two
    tasks on one survivor and one on the other, never all three on one. A new worker joins: each
    connector is back to one task per worker. No seqno is lost on the way."""
    extend_phase_limit(150)
    c = make_cluster(3)
    _start_gen(c, tasks=3, throughput=50)
    c.create("other", verifiable_source("seq-o", 3, 50), via=0)
    c.wait_spread("other", 3, via=0, timeout=30)
    c.wait_spread("gen", 3, via=0, timeout=30)

    leader, _ = c.leader()
    victim = next(i for i in c.running() if i != leader)
    assert c.stop(victim) == 0, f"worker {victim} exited badly; log:\n{c[victim].log_tail(40)}"
    survivors = c.running()
    for name in ("gen", "other"):
        c.wait_spread(name, 3, via=survivors[0], on=survivors, timeout=c.delay_ms / 1000 + 30)

    new = c.add_worker()
    everyone = c.running()
    for name in ("gen", "other"):
        status, _ = c.wait_spread(name, 3, via=new, on=everyone, timeout=40)
        assert sorted(task_owners(status).values()) == sorted(c.ids(everyone)), status

    time.sleep(1.5)
    for topic in ("seq", "seq-o"):
        report = read_seqnos(c.broker.bootstrap, topic, expect_at_least=3)
        duplicates = assert_no_gaps(report, 3)
        print(f"spread after leave and join: {topic}: {duplicates} duplicate records")
        for t in range(3):
            assert report[t].zero_count == 1, f"{topic} task {t} started again at 0: {report[t]}"


def test_clean_stop_of_the_leader_moves_leadership_and_loses_nothing(make_cluster):
    extend_phase_limit(110)
    c = make_cluster(3)
    status, leader = _start_gen(c, tasks=3)
    _, generation = c.leader()
    time.sleep(1.5)
    before = read_seqnos(c.broker.bootstrap, "seq", expect_at_least=3)

    code = c.stop(leader)
    assert code == 0, f"leader exited with {code} on SIGTERM; log tail:\n{c[leader].log_tail(40)}"
    survivors = c.running()
    new_leader, new_generation = c.leader()
    assert new_leader in survivors and new_generation > generation, (new_leader, new_generation)
    print(f"leader {leader} stopped (stop took {c[leader].last_stop_seconds:.1f}s); "
          f"worker {new_leader} leads generation {new_generation}")
    c.wait_running("gen", 3, via=survivors[0], on=survivors, timeout=25)

    # Writes through each remaining worker: a new connector through one, pause/resume of gen
    # through the other.
    a, b = survivors
    c.create("gen2", verifiable_source("seq2", 1), via=a)
    c.wait_running("gen2", 1, via=b, timeout=25)
    c.write("PUT", "/connectors/gen/pause", via=b, expect=202)
    for i in survivors:
        c.wait_status("gen", lambda st: st["connector"]["state"] == "PAUSED" and len(
            st["tasks"]) == 3 and all(t["state"] == "PAUSED" for t in st["tasks"]), via=i,
            timeout=20, what=f"gen PAUSED seen on worker {i}")
    c.write("PUT", "/connectors/gen/resume", via=a, expect=202)
    c.wait_running("gen", 3, via=a, on=survivors, timeout=20)

    time.sleep(1.5)
    after = read_seqnos(c.broker.bootstrap, "seq", expect_at_least=3)
    duplicates = assert_no_gaps(after, 3)
    print(f"leader stop: {duplicates} duplicate records")
    for t in range(3):
        assert after[t].zero_count == 1, f"task {t} started again at seqno 0: {after[t]}"
        assert after[t].max > before[t].max, f"task {t} produced nothing after the stop"
    assert_no_gaps(read_seqnos(c.broker.bootstrap, "seq2"), 1)


def test_full_cluster_restart_restores_connectors_target_states_and_offsets(make_cluster):
    extend_phase_limit(150)
    c = make_cluster(3)
    _start_gen(c, tasks=3)
    c.create("paused", verifiable_source("seq-p", 1), via=1)
    c.create("stopped", verifiable_source("seq-s", 2), via=2)
    c.wait_running("paused", 1, via=0)
    c.wait_running("stopped", 2, via=0)
    time.sleep(1.5)
    c.write("PUT", "/connectors/paused/pause", via=0, expect=202)
    c.write("PUT", "/connectors/stopped/stop", via=1, expect=204)
    c.wait_status("paused", lambda st: st["connector"]["state"] == "PAUSED" and [
        t["state"] for t in st["tasks"]] == ["PAUSED"], via=2, timeout=20, what="paused PAUSED")
    c.wait_status("stopped", lambda st: st["connector"]["state"] == "STOPPED" and not st["tasks"],
                  via=2, timeout=20, what="stopped STOPPED without tasks")
    configs = {n: c[0].ok("GET", f"/connectors/{n}/config").json()
               for n in ("gen", "paused", "stopped")}
    time.sleep(1.0)  # one more offset flush of gen after the last records read below
    before = {topic: read_seqnos(c.broker.bootstrap, topic)
              for topic in ("seq", "seq-p", "seq-s")}

    codes = c.restart_all()
    assert all(code == 0 for code in codes.values()), f"exit codes on SIGTERM: {codes}"

    for i in c.running():
        # A worker answers REST before it has read the config topic: wait for the list.
        def lists_all(w=c[i]):
            r = w.rest("GET", "/connectors")
            return r.status == 200 and sorted(r.json()) == ["gen", "paused", "stopped"], r

        poll_until(lists_all, 20, 0.2, lambda last: (
            f"worker {i} does not list the three connectors after the restart: {last}\n"
            f"{c.log_tails(30)}"))
        for n, cfg in configs.items():
            assert c[i].ok("GET", f"/connectors/{n}/config").json() == cfg, (i, n)
    c.wait_spread("gen", 3, via=1, timeout=30)
    c.wait_status("paused", lambda st: st["connector"]["state"] == "PAUSED" and [
        t["state"] for t in st["tasks"]] == ["PAUSED"], via=0, timeout=20,
        what="paused PAUSED after the restart")
    c.wait_status("stopped", lambda st: st["connector"]["state"] == "STOPPED" and not st["tasks"],
                  via=0, timeout=20, what="stopped STOPPED after the restart")
    offsets = c.write("GET", "/connectors/stopped/offsets", via=2).json()["offsets"]
    assert sorted(o["partition"]["id"] for o in offsets) == [0, 1], offsets

    # gen continues after its committed seqnos; the paused and stopped ones write nothing.
    time.sleep(2.0)
    after = read_seqnos(c.broker.bootstrap, "seq", expect_at_least=3)
    assert_no_gaps(after, 3)
    for t in range(3):
        assert after[t].zero_count == 1, f"gen task {t} started again at 0: {after[t]}"
        assert after[t].max > before["seq"][t].max, f"gen task {t} is not running: {after[t]}"
    for topic in ("seq-p", "seq-s"):
        now = read_seqnos(c.broker.bootstrap, topic)
        assert {t: r.seqnos for t, r in now.items()} == \
            {t: r.seqnos for t, r in before[topic].items()}, f"{topic} grew while not RUNNING"

    # Resumed, both continue from their stored offsets.
    c.write("PUT", "/connectors/paused/resume", via=1, expect=202)
    c.write("PUT", "/connectors/stopped/resume", via=2, expect=202)
    c.wait_running("paused", 1, via=0, timeout=25)
    c.wait_running("stopped", 2, via=0, timeout=25)
    time.sleep(1.5)
    for topic, tasks in (("seq-p", 1), ("seq-s", 2)):
        now = read_seqnos(c.broker.bootstrap, topic)
        assert_no_gaps(now, tasks)
        for t in range(tasks):
            assert now[t].zero_count == 1, f"{topic} task {t} started again at 0: {now[t]}"
            assert now[t].max > before[topic][t].max, f"{topic} task {t} did not resume"
