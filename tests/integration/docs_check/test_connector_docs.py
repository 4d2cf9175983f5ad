"""docs/connectors/ is generated from the plugins' config definitions (`sluice plugin-docs`): the
committed pages must match what the built plugins declare, so a changed key shows up in review."""

import os
import subprocess

from sluice_it import brokers

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
REGENERATE = ("regenerate with: build/bin/sluice plugin-docs "
              "build/plugins/sluice-file,build/plugins/sluice-verifiable docs/connectors")


def test_connector_pages_match_the_plugins(tmp_path):
    sluice = os.path.join(brokers.BUILD_DIR, "bin", "sluice")
    # The bundled connectors only (build/plugins also holds the SDK's example plugin).
    plugins = ",".join(os.path.join(brokers.BUILD_DIR, "plugins", name)
                       for name in ("sluice-file", "sluice-verifiable"))
    result = subprocess.run([sluice, "plugin-docs", plugins, str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    generated = sorted(os.listdir(tmp_path))
    committed_dir = os.path.join(REPO, "docs", "connectors")
    committed = sorted(f for f in os.listdir(committed_dir) if f != "README.md")
    assert generated == committed, REGENERATE
    for name in generated:
        with open(tmp_path / name, encoding="utf-8") as fresh, \
                open(os.path.join(committed_dir, name), encoding="utf-8") as kept:
            assert fresh.read() == kept.read(), f"docs/connectors/{name} is out of date: {REGENERATE}"
