"""Fuzz the whole pipeline: mutated exports and specs through summarize, freq, comments and the
report model either work or fail with one RapstatsError line, never a traceback.

Extends ``test_io_fuzz.py`` (loaders only) to every step after loading: inference,
normalisation, estimation, disclosure control and the report model.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapstats.errors import RapstatsError

DATA = Path(__file__).parent / "data"
# (export, spec or None): small exports of several layouts, with and without a spec
SOURCES = [
    ("handmade_cp1252.csv", "edge_handmade.toml"),
    ("handmade.xlsx", "edge_handmade.toml"),
    ("edge_impossible_dates.csv", "edge_impossible_dates.toml"),
    ("qualtrics_text.csv", None),
    ("googleforms.csv", None),
    ("msforms.xlsx", None),
    ("surveymonkey.csv", None),
]
# values a hand-edited spec may hold where a number, label or table is expected
SPEC_VALUES = ['"x"', "-1", "0", "1e309", "nan", "inf", "[]", "{}", "true", '""', "0.5", '["Yes"]']
_counter = itertools.count()

EDITS = st.lists(
    st.tuples(
        st.floats(0, 1, exclude_max=True),
        st.sampled_from(["flip", "delete", "insert", "truncate", "value"]),
        st.binary(min_size=1, max_size=8),
        st.sampled_from(SPEC_VALUES),
    ),
    max_size=3,
)


def _mutate(data: bytes, edits: list) -> bytes:
    out = bytearray(data)
    for where, kind, payload, value in edits:
        if not out:
            break
        i = int(where * len(out))
        if kind == "flip":
            out[i] ^= payload[0] or 1
        elif kind == "delete":
            del out[i : i + len(payload)]
        elif kind == "insert":
            out[i:i] = payload
        elif kind == "truncate":
            del out[i:]
        else:  # a TOML value replaced by another: from the "=" after i to the line's end
            eq = out.find(b"=", i)
            end = out.find(b"\n", eq)
            if eq >= 0 and end >= 0:
                out[eq + 1 : end] = b" " + value.encode()
    return bytes(out)


def _run(*args: object):
    from rapstats.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=True)


def _check(result) -> None:  # noqa: ANN001 - a click Result
    if result.exit_code == 0:
        return
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 1, result.stderr
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr


@pytest.mark.slow
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    source=st.sampled_from(SOURCES),
    export_edits=EDITS,
    spec_edits=EDITS,
    by=st.booleans(),
)
def test_mutated_inputs_through_the_pipeline(
    tmp_path: Path, source: tuple[str, str | None], export_edits: list, spec_edits: list, by: bool
) -> None:
    from rapstats.pipeline import build_report

    name, spec_name = source
    n = next(_counter)
    export = tmp_path / f"e{n}{Path(name).suffix}"
    export.write_bytes(_mutate((DATA / name).read_bytes(), export_edits))
    spec_args: list[object] = []
    spec = None
    if spec_name is not None:
        spec = tmp_path / f"s{n}.toml"
        spec.write_bytes(_mutate((DATA / spec_name).read_bytes(), spec_edits))
        spec_args = ["--spec", spec]
    group = ["--by", "quarter" if "dates" in name else "Area"] if by else []
    for command in ("summarize", "freq"):
        _check(_run("-q", command, export, *spec_args, *group, "--format", "json"))
    _check(_run("-q", "comments", export, *spec_args, "--format", "json"))
    try:
        build_report(export, spec=spec, formats=())
    except RapstatsError as exc:
        assert "\n" not in str(exc)
