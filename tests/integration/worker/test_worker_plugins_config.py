"""Plugin refusal and configuration errors: broken libraries in plugin.path are refused with their
file and reason (log and GET /sluice/v1/plugins/refused) while the worker and the good plugin
beside them run; misspelled keys and broken YAML stop the worker with a message naming the file,
the key and the nearest known key."""

import os
import re

import pytest

from sluice_it.workers import TEST_PLUGINS_DIR, Worker, run_sluice, write_yaml

pytestmark = pytest.mark.broker_lite_only

# File name -> a fragment of the reason (tests/plugins/*.c name the expected refusals).
EXPECTED_REFUSALS = {
    "libbad_abi_major.so": "ABI major 2",
    "libbad_abi_minor.so": "1.9",
    "libbad_missing_put.so": "put",
    "libbad_config_default.so": "batch.size",
    "libbad_duplicate_class.so": "already provided",
    "libbad_entry_null.so": "NULL",
    "libbad_no_entry.so": "sluice_plugin_entry",
    "notes.so": "dlopen",
}


def test_broken_plugins_are_refused_and_the_worker_runs(make_worker, tmp_path):
    if not os.path.isdir(TEST_PLUGINS_DIR):
        pytest.fail(f"{TEST_PLUGINS_DIR} missing: build the sluice_test_plugins target")
    w = make_worker(test_plugins=True)
    refused = w.ok("GET", "/sluice/v1/plugins/refused").json()
    by_file = {}
    for entry in refused:
        assert set(entry) == {"file", "reason"}, entry
        by_file[os.path.basename(entry["file"])] = entry["reason"]
    for name, fragment in EXPECTED_REFUSALS.items():
        assert name in by_file, f"{name} not refused; refused: {refused}"
        assert fragment in by_file[name], f"{name}: reason {by_file[name]!r} lacks {fragment!r}"
    assert "libgood_mixed.so" not in by_file, refused

    classes = {p["class"] for p in w.ok("GET", "/connector-plugins").json()}
    assert "io.sluice.test.GoodMixedSourceConnector" in classes, classes
    assert "io.sluice.test.GoodMixedSinkConnector" in classes, classes
    # A refused library registers none of its plugins, not even the valid one.
    assert "io.sluice.test.HalfGoodSourceConnector" not in classes, classes
    assert "io.sluice.test.AbiMajorTwoSourceConnector" not in classes, classes
    # The duplicate did not replace the real file source.
    assert "org.apache.kafka.connect.file.FileStreamSourceConnector" in classes

    log = w.log_text()
    for name in EXPECTED_REFUSALS:
        assert re.search(r"refused plugin \S*" + re.escape(name), log), \
            f"no 'refused plugin ...{name}' line in the log:\n{w.log_tail(40)}"

    # The good plugin of that folder runs; a refused class is named in the 400.
    w.create("good", {"connector.class": "GoodMixedSource", "tasks.max": "1"})
    w.wait_state("good", "RUNNING", tasks=1)
    r = w.rest("POST", "/connectors", {"name": "half", "config": {
        "connector.class": "io.sluice.test.HalfGoodSourceConnector", "tasks.max": "1"}})
    assert r.status == 400 and "io.sluice.test.HalfGoodSourceConnector" in r.json()["message"], r
    assert w.rest("GET", "/health").status == 200


def _worker_file(tmp_path, **overrides):
    """A worker YAML (embedded broker) that would start, with overrides applied."""
    w = Worker(tmp_path / "cfg")
    config = dict(w.settings)
    config["broker"] = dict(w.broker_settings)
    config.update(overrides)
    return config


def _assert_start_fails(tmp_path, args, *fragments):
    out = run_sluice(args, cwd=str(tmp_path), timeout=8)
    err = out.stderr.decode("utf-8", "replace")
    assert out.returncode != 0, f"sluice {args} exited 0; stderr:\n{err[-2000:]}"
    for f in fragments:
        assert f in err, f"{f!r} not in stderr:\n{err[-3000:]}"
    return err


def test_misspelled_worker_key_names_file_key_and_suggestion(tmp_path):
    config = _worker_file(tmp_path)
    config["offset.flush.intervall.ms"] = config.pop("offset.flush.interval.ms")
    path = write_yaml(tmp_path / "typo.yaml", config)
    _assert_start_fails(tmp_path, ["standalone", str(path)], "typo.yaml",
                        "offset.flush.intervall.ms", "offset.flush.interval.ms")


def test_mistyped_worker_value_and_broker_key(tmp_path):
    config = _worker_file(tmp_path)
    config["offset.flush.interval.ms"] = "soon"
    path = write_yaml(tmp_path / "badvalue.yaml", config)
    _assert_start_fails(tmp_path, ["standalone", str(path)], "badvalue.yaml",
                        "offset.flush.interval.ms")
    config = _worker_file(tmp_path)
    config["broker"]["num.partition"] = 1
    path = write_yaml(tmp_path / "badbroker.yaml", config)
    _assert_start_fails(tmp_path, ["standalone", str(path)], "badbroker.yaml", "num.partition",
                        "num.partitions")


def test_broken_yaml_syntax_and_missing_files(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("listeners: [http://127.0.0.1:1\nplugin.path: x\n  bad: indent: here\n")
    _assert_start_fails(tmp_path, ["standalone", str(path)], "broken.yaml")
    _assert_start_fails(tmp_path, ["standalone", str(tmp_path / "absent.yaml")], "absent.yaml")
    # The required offset file key.
    config = _worker_file(tmp_path)
    del config["offset.storage.file.filename"]
    path = write_yaml(tmp_path / "nooffsets.yaml", config)
    _assert_start_fails(tmp_path, ["standalone", str(path)], "offset.storage.file.filename")
    # No mode / unknown mode.
    out = run_sluice([], cwd=str(tmp_path))
    assert out.returncode != 0
    out = run_sluice(["distributedd", str(path)], cwd=str(tmp_path))
    assert out.returncode != 0


def _worker_yaml(tmp_path):
    return str(write_yaml(tmp_path / "worker.yaml", _worker_file(tmp_path)))


def test_connector_file_with_misspelled_config_key(tmp_path):
    typo = tmp_path / "typo-connector.yaml"
    typo.write_text("name: c\nconfg:\n  connector.class: FileStreamSource\n  topic: t\n")
    _assert_start_fails(tmp_path, ["standalone", _worker_yaml(tmp_path), str(typo)],
                        "typo-connector.yaml", "confg", "'config'")


def test_connector_file_with_broken_yaml_or_no_name(tmp_path):
    broken = tmp_path / "broken-connector.yaml"
    broken.write_text("name: c\nconfig:\n  connector.class: [FileStreamSource\n")
    _assert_start_fails(tmp_path, ["standalone", _worker_yaml(tmp_path), str(broken)],
                        "broken-connector.yaml")
    noname = tmp_path / "noname.yaml"
    noname.write_text("config:\n  connector.class: FileStreamSource\n  topic: t\n")
    _assert_start_fails(tmp_path, ["standalone", _worker_yaml(tmp_path), str(noname)],
                        "noname.yaml", "name")


def test_connector_file_that_cannot_be_created_stops_the_worker(tmp_path):
    """Kafka Connect's standalone mode exits when a connector named on the command line cannot
    be created; the message names the connector file and the problem."""
    bad = tmp_path / "unknown-class.yaml"
    bad.write_text("name: c\nconfig:\n  connector.class: FileStreamSorce\n  topic: t\n")
    _assert_start_fails(tmp_path, ["standalone", _worker_yaml(tmp_path), str(bad)],
                        "FileStreamSorce")
