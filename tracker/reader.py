"""Inputs on disk → (doc_id, bytes): walking folders, naming documents, size limits.

The only module besides ``output.py`` that touches the file system. Nothing here raises for a
bad input: what cannot be found, listed or read comes back as ``(path, reason)``, or as a
:class:`~tracker.document.DocumentError` whose message is the plain reason.
"""
from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .document import DocumentError

#: Extensions walked in folders; a file named explicitly is read whatever its extension.
EXTENSIONS = (".txt", ".md", ".html", ".htm")
DEFAULT_MAX_MB = 64


@dataclass(frozen=True, slots=True)
class Input:
    path: Path
    doc_id: str
    source: str


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
    found: list[tuple[Path, Path | None]] = []   # (file, folder given that holds it)
    errors: list[tuple[str, str]] = []
    for p in map(Path, paths):
        try:
            if p.is_dir():
                found += [(f, p) for f in _walk(p, errors)]
            elif p.is_file():
                found.append((p, None))
            elif p.exists():
                errors.append((str(p), "not a regular file"))
            else:
                errors.append((str(p), "no such file or folder"))
        except OSError as e:                         # a name too long, a path through a file …
            errors.append((str(p), f"could not be read ({e.strerror or e})"))
    unique: list[tuple[Path, Path | None]] = []
    seen: set[str] = set()
    for f, root in found:
        key = _identity(f)
        if key not in seen:
            seen.add(key)
            unique.append((f, root))
    names = _doc_ids(unique)
    return [Input(f, doc_id, str(f)) for (f, _), doc_id in zip(unique, names)], errors


def _walk(folder: Path, errors: list[tuple[str, str]]) -> list[Path]:
    """Files with a walked extension under ``folder``, sorted; unlistable folders become errors."""

    def failed(e: OSError) -> None:
        errors.append((str(e.filename or folder), f"could not list the folder ({e.strerror or e})"))

    files: list[Path] = []
    for root, dirs, names in os.walk(folder, onerror=failed, followlinks=False):
        dirs.sort()
        base = Path(root)
        for name in names:
            if os.path.splitext(name)[1].lower() in EXTENSIONS:
                f = base / name
                if f.is_file():
                    files.append(f)
                elif f.is_symlink() and not f.exists():
                    errors.append((str(f), "no such file or folder (a broken link)"))
                else:
                    errors.append((str(f), "not a regular file"))   # a FIFO or a socket: never opened
    return sorted(files)


def _identity(f: Path) -> str:
    try:
        return str(f.resolve())
    except OSError:
        return str(f.absolute())


def _doc_ids(found: list[tuple[Path, Path | None]]) -> list[str]:
    """One doc_id per file, unique where the file names allow it (see :func:`discover`)."""

    def candidates(f: Path, root: Path | None) -> list[str]:
        rel = f.relative_to(root) if root is not None else f
        return [f.stem, rel.with_suffix("").as_posix(), f.with_suffix("").as_posix(), f.as_posix()]

    options = [candidates(f, root) for f, root in found]
    level = [0] * len(found)
    for _ in range(3):
        counts: dict[str, int] = {}
        for opts, lv in zip(options, level):
            counts[opts[lv]] = counts.get(opts[lv], 0) + 1
        clashes = [i for i, (opts, lv) in enumerate(zip(options, level)) if counts[opts[lv]] > 1 and lv < 3]
        if not clashes:
            break
        for i in clashes:
            level[i] += 1
    return [opts[lv] for opts, lv in zip(options, level)]


def read_bytes(path: Path, max_mb: float = DEFAULT_MAX_MB) -> bytes:
    """The file's bytes, or DocumentError with a plain reason.

    Never reads more than the limit (plus one byte): a file that grows while it is read, or a
    device that reports no size, is refused rather than read whole.
    """
    limit = int(max_mb * 1024 * 1024) if math.isfinite(max_mb) else sys.maxsize
    try:
        if not path.is_file():
            raise DocumentError("is a folder" if path.is_dir() else "not a regular file" if path.exists() else "no such file or folder")
        size = path.stat().st_size
        if size > limit:
            raise DocumentError(f"over the size limit of {max_mb:g} MB ({size / 1024 / 1024:.1f} MB)")
        with open(path, "rb") as f:
            data = f.read(size + 1)                  # one more byte tells a file that grew
            if len(data) > size:
                data += f.read(limit + 1 - len(data))
        if len(data) > limit:
            raise DocumentError(f"over the size limit of {max_mb:g} MB")
        return data
    except PermissionError:
        raise DocumentError("permission denied") from None
    except IsADirectoryError:
        raise DocumentError("is a folder") from None
    except FileNotFoundError:
        raise DocumentError("no such file or folder") from None
    except OSError as e:
        raise DocumentError(f"could not be read ({e.strerror or e})") from None
