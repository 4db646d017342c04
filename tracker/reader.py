"""Inputs on disk → (doc_id, bytes): walking folders, naming documents, size limits.

The only module besides ``output.py`` that touches the file system. Nothing here raises for a
bad input: what cannot be found, listed or read comes back as ``(path, reason)``, or as a
:class:`~tracker.document.DocumentError` whose message is the plain reason.
"""
from __future__ import annotations

import errno
import math
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISDIR, S_ISREG

from .document import DocumentError

#: Extensions walked in folders; a file named explicitly is read whatever its extension.
EXTENSIONS = (".txt", ".md", ".html", ".htm")
DEFAULT_MAX_MB = 64


@dataclass(frozen=True, slots=True)
class Input:
    path: str              # a local path (as given, or the folder given joined with the walk) or a URL
    doc_id: str
    source: str
    #: the file's status when it was found (local files): the cache's signature, not asked twice
    stat: os.stat_result | None = field(default=None, compare=False, repr=False)


#: What Path.exists() and is_file() take for "not there" rather than for a failure.
_MISSING = frozenset((errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP))


def discover(paths: list[str | os.PathLike]) -> tuple[list[Input], list[tuple[str, str]]]:
    """Files to read and (path, reason) for what is missing or cannot be listed.

    Folders are walked recursively in sorted order for :data:`EXTENSIONS` (other files are
    skipped silently; symbolic links to folders are not followed, so a link loop cannot
    hang the walk); a file named explicitly is read whatever its extension. A file reached
    twice (named and inside a named folder) is read once.

    ``doc_id`` is the file name without extension; where two inputs would share one, each of
    them is named by its path relative to the folder given (``a/x``, ``b/x``), then by the path
    as given, then by the path with its extension.
    """
    found: list[tuple[str, str | None, os.stat_result]] = []   # (file, folder given that holds it, status)
    errors: list[tuple[str, str]] = []
    for p in map(_as_given, paths):
        try:
            st = os.stat(p)
        except OSError as e:                         # missing, a name too long, a path through a file …
            errors.append((p, "no such file or folder" if e.errno in _MISSING else f"could not be read ({e.strerror or e})"))
            continue
        if S_ISDIR(st.st_mode):
            found += [(f, p, fst) for f, fst in _walk(p, errors)]
        elif S_ISREG(st.st_mode):
            found.append((p, None, st))
        else:
            errors.append((p, "not a regular file"))
    unique = [found[i] for i in _first_of_each_file([st for _, _, st in found], [f for f, _, _ in found])]
    names = _doc_ids([(f, root) for f, root, _ in unique])
    return [Input(f, doc_id, f, st) for (f, _, st), doc_id in zip(unique, names)], errors


def _as_given(p: str | os.PathLike) -> str:
    """The path as pathlib writes it (``docs/`` → ``docs``, ``""`` → ``.``): sources keep this form."""
    return str(Path(p))


def _walk(top: str, errors: list[tuple[str, str]]) -> list[tuple[str, os.stat_result]]:
    """(file, status) with a walked extension under ``top``, sorted as paths sort (each
    folder's entries by name); unlistable folders and unreadable entries become errors."""

    def listing(folder: str) -> list[os.DirEntry]:
        try:
            with os.scandir(folder) as it:
                return sorted(it, key=_name)
        except OSError as e:
            errors.append((str(e.filename or top), f"could not list the folder ({e.strerror or e})"))
            return []

    strip = 2 if top == "." else 0                   # "./a.txt" is written "a.txt", as pathlib does
    files: list[tuple[str, os.stat_result]] = []
    pending = [iter(listing(top))]
    while pending:
        entry = next(pending[-1], None)
        if entry is None:
            pending.pop()
        elif _is_folder(entry):
            if not entry.is_symlink():               # a link to a folder is not followed
                pending.append(iter(listing(entry.path)))
        elif os.path.splitext(entry.name)[1].lower() in EXTENSIONS:
            path = entry.path[strip:]
            try:
                st = os.stat(entry.path)             # not entry.stat(): on Windows it has no inode
            except OSError as e:
                errors.append((path, f"could not be read ({e.strerror or e})" if e.errno not in _MISSING
                               else "no such file or folder (a broken link)" if entry.is_symlink()
                               else "not a regular file"))
                continue
            if S_ISREG(st.st_mode):
                files.append((path, st))
            else:
                errors.append((path, "not a regular file"))   # a FIFO or a socket: never opened
    return files


def _name(entry: os.DirEntry) -> str:
    return os.path.normcase(entry.name)             # as paths compare (on Windows, whatever the case)


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _first_of_each_file(stats: list[os.stat_result], paths: list[str]) -> list[int]:
    """Indices of the paths that are not the same file as an earlier one. Two paths are the
    same file when they resolve to the same path; only paths that share an inode can, so only
    those are resolved."""
    inodes = Counter(st.st_ino for st in stats)
    seen: set[str] = set()
    keep = []
    for i, (st, path) in enumerate(zip(stats, paths)):
        if inodes[st.st_ino] > 1:
            key = _identity(path)
            if key in seen:
                continue
            seen.add(key)
        keep.append(i)
    return keep


def _identity(f: str) -> str:
    try:
        return str(Path(f).resolve())
    except OSError:
        return str(Path(f).absolute())


def _doc_ids(found: list[tuple[str, str | None]]) -> list[str]:
    """One doc_id per file, unique where the file names allow it (see :func:`discover`)."""

    def candidates(f: str, root: str | None) -> list[str]:
        p = Path(f)
        rel = p.relative_to(root) if root is not None else p
        return [p.stem, rel.with_suffix("").as_posix(), p.with_suffix("").as_posix(), p.as_posix()]

    options = [[_stem(f)] for f, _ in found]       # the other candidates only for names that clash
    level = [0] * len(found)
    for _ in range(3):
        counts: dict[str, int] = {}
        for opts, lv in zip(options, level):
            counts[opts[lv]] = counts.get(opts[lv], 0) + 1
        clashes = [i for i, (opts, lv) in enumerate(zip(options, level)) if counts[opts[lv]] > 1 and lv < 3]
        if not clashes:
            break
        for i in clashes:
            if len(options[i]) == 1:
                options[i] = candidates(*found[i])
            level[i] += 1
    return [opts[lv] for opts, lv in zip(options, level)]


def _stem(f: str) -> str:
    """``Path(f).stem``, without building a Path for the common name (``doc1.txt``)."""
    name = os.path.basename(f)
    i = name.find(".")
    if 0 < i < len(name) - 1 and name.count(".") == 1:
        return name[:i]
    return Path(name).stem


def read_bytes(path: str | os.PathLike, max_mb: float = DEFAULT_MAX_MB) -> bytes:
    """The file's bytes, or DocumentError with a plain reason.

    Never reads more than the limit (plus one byte): a file that grows while it is read, or a
    device that reports no size, is refused rather than read whole. The path is asked what it
    is once (one ``stat``), and only a regular file is opened: never a folder, a named pipe
    or a device.
    """
    limit = int(max_mb * 1024 * 1024) if math.isfinite(max_mb) else sys.maxsize
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError, ValueError):     # ValueError: a NUL in the path
        raise DocumentError("no such file or folder") from None
    except PermissionError:
        raise DocumentError("permission denied") from None
    except OSError as e:
        reason = "no such file or folder" if e.errno == errno.ELOOP else f"could not be read ({e.strerror or e})"
        raise DocumentError(reason) from None
    if not S_ISREG(st.st_mode):
        raise DocumentError("is a folder" if S_ISDIR(st.st_mode) else "not a regular file")
    size = st.st_size
    if size > limit:
        raise DocumentError(f"over the size limit of {max_mb:g} MB ({size / 1024 / 1024:.1f} MB)")
    try:
        with open(path, "rb") as f:
            data = f.read(size + 1)                  # one more byte tells a file that grew
            if len(data) > size:
                data += f.read(limit + 1 - len(data))
    except PermissionError:
        raise DocumentError("permission denied") from None
    except IsADirectoryError:
        raise DocumentError("is a folder") from None
    except FileNotFoundError:
        raise DocumentError("no such file or folder") from None
    except OSError as e:
        raise DocumentError(f"could not be read ({e.strerror or e})") from None
    if len(data) > limit:
        raise DocumentError(f"over the size limit of {max_mb:g} MB")
    return data
