"""The HTML report renders in headless Chromium with no console errors and no network."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import requires_tool

from rapstats.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXPORT = ROOT / "data" / "sample" / "feedback.csv"
SPEC = ROOT / "data" / "sample" / "feedback.toml"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [requires_tool(CHROMIUM is not None, "chromium"), pytest.mark.slow]


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--enable-logging=stderr",
            "--v=0",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_html_renders_in_headless_chromium(tmp_path):
    out = tmp_path / "out"
    args = [
        "report",
        str(EXPORT),
        "--spec",
        str(SPEC),
        "--out",
        str(out),
        "--by",
        "area",
        "--formats",
        "html",
        "-q",
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    html = out / "report.html"
    text = html.read_text(encoding="utf-8")
    # No resource is fetched from anywhere: every src/href is a data: URI or an anchor.
    for url in re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)""", text):
        assert url.startswith(("data:", "#")), url
    shot = tmp_path / "report.png"
    done = chromium(
        tmp_path / "profile", f"--screenshot={shot}", "--window-size=1200,2000", html.as_uri()
    )
    assert shot.exists() and shot.stat().st_size > 10_000, done.stderr[-2000:]
    console = [ln for ln in done.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    assert console == []
    dom = chromium(tmp_path / "profile2", "--dump-dom", html.as_uri())
    assert '<caption id="ws1_shares-caption">Table 2:' in dom.stdout
    assert dom.stdout.count("<img ") == text.count("<img ")
    # Network: the page requests nothing over the network (net errors would be logged).
    assert not re.search(r"net::ERR_|https?://(?!www\.w3\.org)", done.stderr + dom.stderr)
