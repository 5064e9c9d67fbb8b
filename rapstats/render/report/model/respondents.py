"""Who responded: the report's profile of the respondents, one compact table of the
respondents in each level of every grouping variable (the summary's protected
``profile_table``), shown right after the key findings."""

from __future__ import annotations

from rapstats.render.report.model.cells import Cell, cell, column, flag_symbol, integer, text
from rapstats.render.report.model.context import Context
from rapstats.render.report.model.parts import Table

WHO_ID = "who_responded"


def who_responded(ctx: Context) -> Table | None:
    """The table of who responded; None when the summary profiles no group."""
    profile = ctx.summary.published_profile()
    if not len(profile):
        return None
    rows: list[list[Cell]] = []
    for rec in profile.records():
        symbol = flag_symbol(text(rec["flag"]), otherwise="[c]")
        rows.append(
            [
                cell(str(rec["group"]), "text"),
                cell(str(rec["level"]), "text"),
                cell(integer(rec["count"]), "int", missing=symbol),
                cell(rec["share"], "pct", missing=symbol),
            ]
        )
    return ctx.table(
        WHO_ID,
        "Respondents in each group (all respondents)",
        [
            column("Group", "text"),
            column("Level", "text"),
            column("Respondents", "int"),
            column("Share (%)", "pct"),
        ],
        rows,
        notes=("disclosure",),
    )
