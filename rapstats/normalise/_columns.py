"""Find the columns a spec names in an export, with errors that say how to fix the spec."""

from __future__ import annotations

import difflib

from rapstats.errors import SpecError
from rapstats.io import Coded, Export
from rapstats.spec import Group, Question, Spec, fold_label


class ColumnFinder:
    """Find spec-named columns in an export: exact name first, then trimmed and case-folded."""

    def __init__(self, export: Export, spec: Spec) -> None:
        self.export = export
        self.folded = {fold_label(c): c for c in export.columns}

    def find(self, name: str | None) -> str | None:
        """The export's name of the column the spec calls ``name``, or None if it has none."""
        columns = self.export.columns
        return name if name in columns else self.folded.get(fold_label(name or ""))

    def suggest(self, name: str | None) -> str | None:
        """The export column closest to ``name`` (difflib, ratio 0.6 or more), or None."""
        close = difflib.get_close_matches(name or "", list(self.export.columns), n=1, cutoff=0.6)
        return close[0] if close else None

    def question(self, q: Question, *, not_asked: bool = False) -> tuple[str, Coded] | None:
        """The column of question ``q``: its first wording in the export (its values).

        None if the export has none of them and ``not_asked`` (the question was not asked in
        this wave); otherwise that is a :class:`SpecError` naming every wording.
        """
        for name in q.wordings:
            col = self.find(name)
            if col is not None:
                return col, self.export.columns[col]
        if not_asked:
            return None
        if len(q.wordings) > 1:
            listed = ", ".join(f'"{w}"' for w in q.wordings)
            raise SpecError(
                f"the spec names columns {listed} ([questions.{q.id}]), none of which is in "
                "the export",
                path=self.export.path,
                hint="correct the column names in the spec, or run `rapstats init` to see "
                "the export's columns",
            )
        return self.get(q.column, q)

    def get(self, name: str | None, owner: object, spec: Spec | None = None) -> tuple[str, Coded]:
        """The export column a spec names: (its name in the export, its values)."""
        columns = self.export.columns
        col = self.find(name)
        dropped = {fold_label(c) for c in self.export.dropped} if col is None else set()
        personal = fold_label(name or "") in dropped  # left out at load as personal data
        if col is None and isinstance(owner, Group) and owner not in getattr(spec, "groups", ()):
            # not a spec group: a name given with --by
            if personal:
                raise SpecError(
                    f'--by "{name}" names a column that holds personal data and was left out '
                    "at load",
                    path=self.export.path,
                    hint="to break down by it, declare it in the spec as a group with "
                    "personal = true (its values are then published as group labels)",
                )
            groups = [g.name for g in spec.groups] if spec else []
            known = {fold_label(c): c for c in [*columns, *groups]}
            close = difflib.get_close_matches(fold_label(name or ""), known, n=1, cutoff=0.6)
            close = [known[c] for c in close]
            raise SpecError(
                f'--by "{name}" is neither a group of the spec nor a column of the export',
                hint=(f'did you mean "{close[0]}"? ' if close else "")
                + ("the groups are " + ", ".join(groups) if groups else "the spec has no groups")
                + "; --by also takes an export column's name",
            )
        if col is None:
            where = (
                f"[questions.{owner.id}]"
                if isinstance(owner, Question)
                else f"[groups.{owner.name}]"
                if isinstance(owner, Group)
                else f"[survey] {owner}"
            )
            if personal:
                raise SpecError(
                    f'the spec names column "{name}" ({where}), which holds personal data and '
                    "was left out at load",
                    path=self.export.path,
                    hint="remove it from the spec, or keep it as a group with personal = true "
                    "(its values are then published as group labels)",
                )
            close = self.suggest(name)
            hint = f'did you mean "{close}"? ' if close else ""
            raise SpecError(
                f'the spec names column "{name}" ({where}), which is not in the export',
                path=self.export.path,
                hint=hint + "correct the column name in the spec, or run `rapstats init` "
                "to see the export's columns",
            )
        return col, columns[col]
