"""Documents → rows → one tidy DataFrame. Each document is extracted on its own, so one bad
document never stops a corpus: its failure becomes a row of the errors table."""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from . import document as D
from .extract import find_mentions
from .labels import label
from .model import COLUMNS, Row
from .reader import DEFAULT_MAX_MB, Input, discover, read_bytes

ERROR_COLUMNS = ("path", "reason")


class Extraction(NamedTuple):
    """What ``extract_paths`` returns: the rows, and (path, reason) of what could not be read."""

    rows: pd.DataFrame
    errors: pd.DataFrame


def document_rows(doc: D.Document) -> list[Row]:
    """Every quantity in the document's body, labelled."""
    return label(doc, find_mentions(doc.text, doc.body))


_NUMERIC = ("value", "value_norm", "value_norm_max")


def frame(rows: Iterable[Row]) -> pd.DataFrame:
    """Rows → the table, columns in contract order with stable dtypes (built column by column:
    no per-row pandas work)."""
    rows = list(rows)
    columns = {c: [getattr(r, c) for r in rows] for c in COLUMNS}
    df = pd.DataFrame(columns, columns=list(COLUMNS))
    for col in _NUMERIC:
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    for col in ("start", "end"):
        df[col] = df[col].astype("int64")
    df["year"] = pd.to_numeric(df["year"], errors="coerce").astype("Int64")
    for col in COLUMNS:
        if col not in (*_NUMERIC, "start", "end", "year"):
            df[col] = df[col].astype(object).fillna("").astype(str)
    return df


def errors_frame(errors: Iterable[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(list(errors), columns=list(ERROR_COLUMNS))


def extract_text(text: str, doc_id: str = "text", *, source: str = "", title: str = "", published: str = "") -> pd.DataFrame:
    """The table for one text already in memory.

    >>> extract_text("2023年，顾村镇全社会固定资产投资122亿元。")[["surface", "value_norm", "unit_norm", "quantity"]].values.tolist()
    [['122亿元', 12200000000.0, '元', 'money']]
    """
    return frame(document_rows(D.from_text(text, doc_id, source, title=title, published=published)))


def read_document(path: str | os.PathLike, max_mb: float = DEFAULT_MAX_MB, doc_id: str | None = None) -> D.Document:
    """A file → Document (raises DocumentError with a plain reason)."""
    p = Path(path)
    return D.from_bytes(read_bytes(p, max_mb), p.name, doc_id or p.stem, str(path))


def extract_input(item: Input, max_mb: float = DEFAULT_MAX_MB) -> tuple[list[Row], str | None]:
    """Rows of one input, or the reason it could not be read. Never raises for a bad document."""
    try:
        doc = read_document(item.path, max_mb, item.doc_id)
        doc.source = item.source
        return document_rows(doc), None
    except D.DocumentError as e:
        return [], str(e)
    except Exception as e:  # noqa: BLE001 - one bad document must not stop a corpus
        return [], f"internal error while extracting ({type(e).__name__}: {e})"


def extract_paths(paths: Iterable[str | os.PathLike] | str | os.PathLike, *, max_mb: float = DEFAULT_MAX_MB) -> Extraction:
    """The table for files and folders (walked recursively), with the errors table beside it.

    ``rows, errors = tracker.extract_paths(["data/raw"])``
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    inputs, errors = discover(list(paths))
    rows: list[Row] = []
    for item in inputs:
        found, reason = extract_input(item, max_mb)
        rows += found
        if reason:
            errors.append((item.source, reason))
    return Extraction(frame(rows), errors_frame(errors))


def extract_bytes(data: bytes, name: str, *, max_mb: float = DEFAULT_MAX_MB) -> Extraction:
    """The table for one uploaded document; ``name`` only names it and is never opened."""
    doc_id = Path(name).stem or "upload"
    if len(data) > max_mb * 1024 * 1024:
        return Extraction(frame([]), errors_frame([(name, f"over the size limit of {max_mb:g} MB")]))
    try:
        doc = D.from_bytes(data, name, doc_id, source=name)
        return Extraction(frame(document_rows(doc)), errors_frame([]))
    except D.DocumentError as e:
        return Extraction(frame([]), errors_frame([(name, str(e))]))
