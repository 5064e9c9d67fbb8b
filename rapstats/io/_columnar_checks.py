"""The columnar inputs :mod:`rapstats.io.columnar` refuses, each with a one-line
:class:`~rapstats.errors.InputError` naming the file and the column: nested columns, hive
folders named after a column of the files, and parts of two kinds."""

from __future__ import annotations

from pathlib import Path

from rapstats.errors import InputError


def refuse_mixed(path: Path, files: list[Path], kinds: dict[str, str]) -> None:
    """Refuse a folder or glob holding files of two kinds (Parquet and Arrow, or columnar
    files and CSV/TSV parts; ``kinds`` maps columnar suffixes to their formats): one kind
    would be read and the other left out unsaid."""
    from rapstats.io.parts import text_parts

    first = kinds[files[0].suffix.casefold()]
    others = [f for f in files if kinds[f.suffix.casefold()] != first][:1]
    others += (text_parts(path) or [])[:1]
    if others:
        raise InputError(
            f"holds parts of two kinds ({files[0].name}, {others[0].name}), "
            "read as one survey they would leave one kind out",
            path=path,
            hint="give the parts of one kind, in a folder or a glob of their own",
        )


def refuse_nested(path: Path, schema: object, read: list[str]) -> None:
    """Refuse a column to read whose values are lists, structs, maps or unions: they have
    no text an answer or a group could be (naming the file and the column)."""
    import pyarrow as pa

    for name in read:
        kind = schema.field(name).type  # type: ignore[attr-defined]
        if pa.types.is_nested(kind):
            raise InputError(
                f"holds nested values ({kind}), not answers",
                path=path,
                column=name,
                hint="write one text value per respondent in this column",
            )


def refuse_shadowed(path: Path, dataset: object) -> None:
    """Refuse hive folders (``area=North/``) named after a column the files hold: which of the
    two is read would be Arrow's choice."""
    files = next(dataset.get_fragments()).physical_schema.names  # type: ignore[attr-defined]
    for name in dataset.partitioning.schema.names:  # type: ignore[attr-defined]
        if name in files:
            raise InputError(
                "is both the name of hive folders (" + name + "=...) and a column of the files",
                path=path,
                column=name,
                hint="rename the folders or the column",
            )
