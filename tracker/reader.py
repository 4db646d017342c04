"""Inputs on disk → (doc_id, bytes): walking folders, naming documents, size limits.

The only module besides ``output.py`` that touches the file system.
"""
from __future__ import annotations

import os
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
    """Files to read (folders walked recursively, sorted) and (path, reason) for what is missing."""
    found: list[tuple[Path, Path | None]] = []   # (file, folder it was found under)
    missing: list[tuple[str, str]] = []
    for p in map(Path, paths):
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in EXTENSIONS)
            found += [(f, p) for f in files]
        elif p.is_file():
            found.append((p, None))
        else:
            missing.append((str(p), "no such file or folder"))
    stems: dict[str, int] = {}
    for f, _ in found:
        stems[f.stem] = stems.get(f.stem, 0) + 1
    inputs = []
    for f, root in found:
        doc_id = f.stem
        if stems[f.stem] > 1 and root is not None:
            doc_id = f.relative_to(root).with_suffix("").as_posix()
        inputs.append(Input(f, doc_id, str(f)))
    return inputs, missing


def read_bytes(path: Path, max_mb: float = DEFAULT_MAX_MB) -> bytes:
    """The file's bytes, or DocumentError with a plain reason."""
    try:
        size = path.stat().st_size
        if size > max_mb * 1024 * 1024:
            raise DocumentError(f"over the size limit of {max_mb:g} MB ({size / 1024 / 1024:.1f} MB)")
        return path.read_bytes()
    except PermissionError:
        raise DocumentError("permission denied") from None
    except IsADirectoryError:
        raise DocumentError("is a folder") from None
    except FileNotFoundError:
        raise DocumentError("no such file or folder") from None
    except OSError as e:
        raise DocumentError(f"could not be read ({e.strerror or e})") from None
