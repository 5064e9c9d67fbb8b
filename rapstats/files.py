"""Output files: refuse outputs that would destroy an input, write whole files only.

A file is written atomically: a temporary file beside the target, then ``os.replace``, so a
reader never sees a half-written output, and an interrupted run or a full disk leaves the old
file intact. A folder (the report) is replaced as a whole: its new contents are built in a
temporary folder beside it, then swapped in, so it never mixes old and new files.

Only regular files are written, and an output never replaces an input: the CLI calls
:func:`check_output` before it reads anything. Every refusal is an
:class:`~rapstats.errors.OutputError` (exit 1 from the CLI).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path
from typing import TypeVar

from rapstats.errors import OutputError

T = TypeVar("T")

_KINDS = (
    (stat.S_ISREG, "a file"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def check_output(
    path: Path | None,
    inputs: Mapping[str, Path | None],
    *,
    option: str = "--output",
    owned: Collection[str] | None = None,
) -> None:
    """Refuse an output that would replace an input, or that is not a regular file.

    Nothing is opened or read, so a FIFO given as the output cannot block.

    Parameters
    ----------
    path : Path or None
        The output file (or folder, with ``owned``). None (standard output) passes.
    inputs : mapping of str to Path or None
        The input files by role, e.g. ``{"export": ..., "spec": ...}``; None values are
        skipped. The output may not be any of them (same file, also through a symbolic or
        hard link), an output folder may not hold any of them, and no output may be inside a
        folder an input is read from (a folder or glob of parts).
    option : str
        The option that named ``path``, for messages. Default ``"--output"``.
    owned : collection of str, optional
        Makes ``path`` a folder replaced by :func:`replace_folder` with these ``owned``
        patterns; its contents are checked as that function checks them. Default None (a file).

    Raises
    ------
    OutputError
        If ``path`` would replace or delete an input, or is not a regular file (folder).
    """
    if path is None:
        return
    _refuse_inside_parts(path, inputs, option)
    if owned is None:
        target = _stat(path)
        if target is not None and not stat.S_ISREG(target.st_mode):
            _refuse_kind(path, target, option)
        for role, given in inputs.items():
            source = _stat(given) if given is not None else None
            if target is not None and source is not None and _same(target, source):
                raise OutputError(
                    f"{option} is the same file as the {role} {given}; writing it would destroy "
                    "the input",
                    path=path,
                    hint="write to another file",
                )
        return
    folder = Path(os.path.realpath(path))
    path = _named(path)
    existing = _stat(folder)
    if existing is not None and not stat.S_ISDIR(existing.st_mode):
        _refuse_kind(path, existing, option, folder=True)
    for role, given in inputs.items():
        if given is not None:
            _refuse_holding(folder, Path(given), f"the {role} {given}", path, option)
    _foreign(folder, owned, path, option)


def write_atomic(path: str | Path, data: str | bytes | Iterable[str]) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` atomically and return the path.

    ``data`` may be text in pieces (an iterable of str, e.g. a table written a few thousand
    rows at a time): each is written as it comes, and the file appears only when all are.
    A symbolic link is written through (its target is replaced). On any error the temporary
    file is removed and the previous file is left as it was.

    Raises
    ------
    OutputError
        If the folder does not exist or is not writable, ``path`` is not a regular file, or
        writing fails (e.g. the disk is full).
    """
    path = Path(path)
    pieces = [data] if isinstance(data, str | bytes) else data
    target = Path(os.path.realpath(path))
    existing = _stat(target)
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        _refuse_kind(path, existing, "the output")
    import tempfile

    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except FileNotFoundError:
        raise OutputError(
            "output folder does not exist", path=path, hint=f"create {path.parent} first"
        ) from None
    except OSError as exc:
        raise _write_error(exc, path, "file") from None
    try:
        try:
            for piece in pieces:
                view = memoryview(piece.encode("utf-8") if isinstance(piece, str) else piece)
                while view:
                    view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _write_error(exc, path, "file") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def replace_folder(path: str | Path, build: Callable[[Path], T], *, owned: Collection[str]) -> T:
    """Replace the folder ``path`` as a whole with what ``build`` writes; return its result.

    ``build`` is called with a new temporary folder beside ``path`` and writes the new contents
    there. Then the old folder is renamed away, the new one renamed in, and the old one deleted.
    If ``build`` fails (or the run is interrupted) the temporary folder is deleted and ``path``
    is left as it was. Files in the old folder that do not match an ``owned`` pattern (such as
    a page image put beside the report) are kept: linked into the new folder.

    Parameters
    ----------
    path : str or Path
        The folder; created (with its parents) if missing. A symbolic link to a folder is
        followed: the folder it points to is replaced.
    build : callable
        ``build(folder)`` writes the new contents into ``folder``.
    owned : collection of str
        ``fnmatch`` patterns of the paths (relative, ``/``-separated, at most one folder deep)
        that the writer owns, e.g. ``("report.json", "charts", "charts/*.png")``. They are
        dropped from the old folder. A folder in it that is not owned, or anything in an owned
        folder that is not owned, is refused: it would be deleted.

    Raises
    ------
    OutputError
        If ``path`` is not a folder, holds a folder it does not own, or cannot be replaced.
    """
    import shutil

    folder = Path(os.path.realpath(path))
    shown = _named(Path(path))
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder: {exc.strerror}", path=shown) from None
    keep = _foreign(folder, owned, shown, "the output folder")
    old = _stat(folder)
    tmp = _new_folder(folder, shown, None if old is None else stat.S_IMODE(old.st_mode))
    away = tmp.with_suffix(".old")
    try:
        result = build(tmp)
        try:
            for name in keep:
                try:
                    os.link(folder / name, tmp / name, follow_symlinks=False)
                except OSError:
                    shutil.copy2(folder / name, tmp / name, follow_symlinks=False)
            if old is not None:
                os.rename(folder, away)
            try:
                os.rename(tmp, folder)
            except BaseException:
                if old is not None:
                    os.rename(away, folder)
                raise
        except OSError as exc:
            raise _write_error(exc, shown, "folder") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(away, ignore_errors=True)
    return result


def _stat(path: Path) -> os.stat_result | None:
    """``os.stat`` (following links), or None if nothing is there."""
    try:
        return os.stat(path)
    except OSError:
        return None


def _named(path: Path) -> Path:
    """``path``, or its absolute form when it has no name to show (``.``)."""
    return path if path.name else Path(os.path.realpath(path))


def _same(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _refuse_kind(path: Path, st: os.stat_result, option: str, *, folder: bool = False) -> None:
    kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
    if folder:
        why, hint = "it must be a folder", "give a folder name"
    else:
        why, hint = (
            "rapstats writes regular files only",
            "give a file name, or - for standard output",
        )
    raise OutputError(f"{option} is {kind}; {why}", path=path, hint=hint)


def _foreign(folder: Path, owned: Collection[str], shown: Path, option: str) -> list[str]:
    """The names in ``folder`` that are not ``owned`` (files kept when it is replaced).

    Raises OutputError if ``folder`` is not a folder, or holds something that replacing it
    would delete: the current folder, a folder it does not own, or anything in an owned folder
    that it does not own.
    """
    from fnmatch import fnmatchcase

    st = _stat(folder)
    if st is None:
        return []
    if not stat.S_ISDIR(st.st_mode):
        _refuse_kind(shown, st, option, folder=True)
    _refuse_holding(folder, Path.cwd(), "the current folder", shown, option)

    def mine(rel: str) -> bool:
        return any(fnmatchcase(rel, pattern) for pattern in owned)

    def entries(path: Path | str) -> list[os.DirEntry[str]]:
        return sorted(os.scandir(path), key=lambda e: e.name)

    keep = []
    for entry in entries(folder):
        if not entry.is_dir(follow_symlinks=False):
            if not mine(entry.name):
                keep.append(entry.name)
            continue
        # A folder is deleted with the old one: it must be owned, and hold only owned files.
        stray = entry.name if not mine(entry.name) else None
        for inner in entries(entry.path) if stray is None else ():
            rel = f"{entry.name}/{inner.name}"
            if inner.is_dir(follow_symlinks=False) or not mine(rel):
                stray = rel
                break
        if stray is None:
            continue
        raise OutputError(
            f"{option} holds {stray!r}, which rapstats did not write; replacing the folder "
            "would delete it",
            path=shown,
            hint=f"move {stray!r} elsewhere, or choose a new or empty folder",
        )
    return keep


def _refuse_inside_parts(path: Path, inputs: Mapping[str, Path | None], option: str) -> None:
    """Refuse an output inside a folder an input reads every file of (a folder or glob of
    parts; a glob's folder is the one before its first wildcard): the next run would read
    the output as one of the parts (links followed)."""
    target = Path(os.path.realpath(path))
    for role, given in inputs.items():
        folder = None if given is None else _parts_folder(Path(given))
        if folder is not None and Path(os.path.realpath(folder)) in target.parents:
            raise OutputError(
                f"{option} is inside the folder the {role} {given} is read from, which holds "
                "its parts only (the next run could read an output there as a part)",
                path=path,
                hint="write outside that folder",
            )


def _parts_folder(given: Path) -> Path | None:
    """The folder whose files an input is read from: a folder itself, a glob's
    (:func:`glob_root`); None for a file (``[1]`` in its name is no wildcard)."""
    if given.is_dir():
        return given
    return None if given.exists() else glob_root(given)


SKIPPED_PREFIXES = (".", "~$")
"""Names of files that are no export nor part: hidden files (``.DS_Store``, macOS
``._part.csv``) and Office lock files (``~$part.xlsx``)."""
_NO_PARTS = (*SKIPPED_PREFIXES, "_")
"""Names of files and folders of a dataset that hold no part: also those Arrow and Spark
leave out (``_SUCCESS``, a failed or running job's ``_temporary/``)."""


def glob_root(pattern: Path) -> Path | None:
    """The folder a glob is read from: its longest leading folder that exists as named (so
    ``exports [2026]/*.csv`` reads the folder ``exports [2026]``, whose ``[`` is no
    wildcard), else its folder before the first wildcard; None when it has no wildcard."""
    import glob

    if not glob.has_magic(str(pattern)):
        return None
    parts = pattern.parts
    named = next((k for k in range(len(parts) - 1, 0, -1) if Path(*parts[:k]).is_dir()), 0)
    k = max(named, next(k for k, part in enumerate(parts) if glob.has_magic(part)))
    return Path(*parts[:k]) if k else Path(os.curdir)


def listed_files(given: Path, suffixes: Collection[str]) -> list[Path] | None:
    """The files named ``*SUFFIX`` (any case) of a folder, with its subfolders (folders it
    links to followed), or of a glob (its folder named literally: :func:`glob_root`),
    sorted; each file once (a link to a file listed already is left out), and hidden
    files and folders (``.DS_Store``, ``._part.csv``), Office lock files (``~$part.csv``) and
    what Arrow and Spark leave out (``_SUCCESS``, ``_temporary/``) left out. None when
    ``given`` is a file, or a folder or glob with no such file."""
    import glob

    if given.is_dir():
        found = [Path(d, f) for d, _, files in _walk(given) for f in files]
    elif not given.exists() and (root := glob_root(given)) is not None:
        pattern = os.path.join(glob.escape(str(root)), os.path.relpath(given, root))
        found = [Path(p) for p in glob.glob(pattern, recursive=True)]
    else:
        return None
    seen: set[str] = set()
    out = []
    for path in sorted(p for p in found if p.suffix.casefold() in suffixes):
        real = os.path.realpath(path)
        if path.is_file() and not path.name.startswith(_NO_PARTS) and real not in seen:
            seen.add(real)
            out.append(path)
    return out or None


def _walk(folder: Path) -> Iterable[tuple[str, list[str], list[str]]]:
    """os.walk following links to folders, each real folder once (a link loop ends), hidden
    folders and those Arrow and Spark leave out (``_temporary``) left out."""
    seen: set[str] = set()
    for top, dirs, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(top)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = sorted(d for d in dirs if not d.startswith(_NO_PARTS))
        yield top, dirs, files


def _refuse_holding(folder: Path, inside: Path, what: str, shown: Path, option: str) -> None:
    """Refuse to replace ``folder`` if it is or holds ``inside`` (links followed)."""
    real = Path(os.path.realpath(inside))
    if folder == real or folder in real.parents:
        raise OutputError(
            f"{option} holds {what}; replacing the folder would delete it",
            path=shown,
            hint="choose another folder",
        )


def _new_folder(folder: Path, shown: Path, mode: int | None) -> Path:
    """A new, empty folder beside ``folder``, with ``mode`` (None: as ``mkdir`` gives)."""
    import secrets

    while True:
        tmp = folder.with_name(f".{folder.name}.{secrets.token_hex(4)}.tmp")
        try:
            os.mkdir(tmp)
            if mode is not None:
                os.chmod(tmp, mode)
            return tmp
        except FileExistsError:
            continue
        except OSError as exc:
            raise _write_error(exc, shown, "folder") from None


def _write_error(exc: OSError, path: Path, what: str) -> OutputError:
    """The one-line error for ``exc`` raised while writing ``path``; the old one is intact."""
    hint = None
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        hint = "free some disk space and run again"
    elif exc.errno in (errno.EBUSY, errno.EXDEV):
        hint = "write to a folder inside it (it may be a mount point)"
    return OutputError(
        f"cannot write: {exc.strerror or exc}; the previous {what} is unchanged",
        path=path,
        hint=hint,
    )
