"""The HTML report has no WCAG 2.0/2.1/2.2 A or AA violation under axe-core, in headless
Chromium, at a desktop and a phone width.

axe-core and playwright-core (which drives the system's Chromium; no browser is downloaded)
come from npm, installed by `.ci/run` into the git-ignored `.ci/node/`. Nothing is fetched at
test time: the page is a self-contained file, and the runner (`tests/js/axe_report.js`) fails
any request it makes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE_REPORT, requires_tool

from rapstats.cli import cli

ROOT = Path(__file__).resolve().parents[1]
MODULES = ROOT / ".ci" / "node" / "node_modules"
RUNNER = ROOT / "tests" / "js" / "axe_report.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NODE = shutil.which("node")
HAVE_AXE = (MODULES / "axe-core" / "axe.min.js").exists() and (MODULES / "playwright-core").exists()

pytestmark = [
    requires_tool(CHROMIUM is not None, "chromium"),
    requires_tool(NODE is not None and HAVE_AXE, "node with axe-core and playwright-core"),
    pytest.mark.slow,
]


def axe(html: Path) -> dict:
    """axe-core's violations (and the requests the page made) for the page ``html``."""
    done = subprocess.run(
        [NODE or "node", str(RUNNER), str(MODULES), str(CHROMIUM), str(html)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_sample_report_has_no_wcag_violations(tmp_path):
    out = tmp_path / "out"
    args = ["report", *SAMPLE_REPORT, "--out", str(out), "--formats", "html"]
    result = CliRunner().invoke(cli, [*args, "-q"])
    assert result.exit_code == 0, result.output
    found = axe(out / "report.html")
    assert found["requests"] == []
    assert found["passes"] > 0  # axe ran its rules
    shown = "\n".join(
        f"{v['width']}px {v['id']} ({v['impact']}): {v['help']}; {len(v['nodes'])} elements, "
        f"first {v['nodes'][0]['target']}: {v['nodes'][0]['summary']}"
        for v in found["violations"]
    )
    assert found["violations"] == [], shown
