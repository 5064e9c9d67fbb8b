"""An export read whole for ``summarize``/``freq`` is hashed while it is summarised, not while
it is parsed (``rapstats.pipeline.survey.summarize_files``): the input block's ``sha256`` is
still the digest of the file's bytes (computed here with hashlib), in every format read whole
and with or without a spec."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_CSV, SAMPLE_SPEC, run

from rapstats.io import load_export

DATA = ROOT / "tests" / "data"


@pytest.mark.parametrize(
    ("export", "spec"),
    [
        (SAMPLE_CSV, None),  # inferred: read whole
        (DATA / "bench_survey.csv", None),
        (DATA / "handmade.xlsx", None),  # a spreadsheet
        (DATA / "qualtrics_text.csv", None),  # a platform layout
        (SAMPLE_CSV, SAMPLE_SPEC),  # with a spec: streamed (hashed on its own thread)
    ],
    ids=["sample", "weighted", "xlsx", "qualtrics", "spec"],
)
def test_the_input_block_names_the_digest_of_the_file(
    runner, export: Path, spec: Path | None
) -> None:
    args = ["summarize", export, "--format", "json"] + (["--spec", spec] if spec else [])
    result = run(runner, *args)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["input"]["sha256"] == hashlib.sha256(export.read_bytes()).hexdigest()


def test_load_export_leaves_the_digest_to_the_caller_when_asked() -> None:
    assert load_export(SAMPLE_CSV, digest=False).sha256 == ""
    expected = hashlib.sha256(SAMPLE_CSV.read_bytes()).hexdigest()
    assert load_export(SAMPLE_CSV).sha256 == expected


def test_open_survey_hashes_on_a_second_thread_when_asked() -> None:
    from rapstats.pipeline.survey import open_survey

    expected = hashlib.sha256(SAMPLE_CSV.read_bytes()).hexdigest()
    later = open_survey(SAMPLE_CSV, digest=False)
    assert later.export.sha256 == ""
    assert later.hashing is not None and later.hashing.result(timeout=60) == expected
    now = open_survey(SAMPLE_CSV)
    assert now.hashing is None and now.export.sha256 == expected
