"""Errors raised by rapstats.

Every error a user can cause (a bad file, a bad spec, an impossible estimate) is a
:class:`RapstatsError`. Its ``str()`` is one line: where, what, and the fix::

    responses.csv, row 14, column "Q3": "Maybe" is not an option of Q3.
    Fix: add it to [questions.Q3].options.

(shown here on two lines; the message itself is one).

Rows are numbered as in a spreadsheet (the header is row 1). The CLI turns these errors into
one ``Error: ...`` line on stderr and exit code 1; library code never exits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rapstats.escape import visible

if TYPE_CHECKING:
    from pathlib import Path


class RapstatsError(Exception):
    """Base class of every error rapstats raises for bad input.

    Parameters
    ----------
    message : str
        What is wrong, as one sentence.
    path : str or Path, optional
        The file concerned, shown as given (``batch/north/export.csv``, not only its name).
        Default None.
    row : int, optional
        The spreadsheet row number (header = row 1). Default None.
    column : str, optional
        The column name. Default None.
    hint : str, optional
        How to fix it; shown after ``Fix:``. Default None.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        from pathlib import Path

        self.path = None if path is None else Path(path)
        self.row = row
        self.column = column
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        from rapstats.personal import redact

        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f'column "{self.column}"')
        text = self.message.rstrip(".") + "."
        if where:
            text = f"{', '.join(where)}: {text}"
        if self.hint:
            text += f" Fix: {self.hint.rstrip('.')}."
        # Values quoted from an export (labels, headers, group values, part names) are shown,
        # never obeyed, and personal data in them is redacted: error lines end up in batch
        # logs. The path is shown as given, on the command line (a log may hold many
        # "export.csv").
        text = redact(text)
        if self.path is not None:
            text = f"{self.path}{', ' if where else ': '}{text}"
        return visible(" ".join(text.split()))


class InputError(RapstatsError):
    """An export cannot be read, or holds a value rapstats cannot interpret."""


class SpecError(RapstatsError):
    """A survey spec is invalid, or does not fit the export it is applied to."""


class EstimationError(RapstatsError):
    """A statistic cannot be computed from the data given."""


class OutputError(RapstatsError):
    """An output cannot be written: it would replace an input, is not a regular file or folder,
    or writing it failed (e.g. a full disk). The previous output is left as it was."""
