"""The result cache: one SQLite file holding every document's rows, keyed by what decides them.

A document's rows depend only on its bytes, on whether it is read as HTML or as text, and on
the engine (the package's rules and code). So the key is ``(engine version, sha256 of the
bytes + ":" + kind)``; the path is not part of it, and ``doc_id`` and ``source`` are not stored:
they are filled in from the current path when rows are read back.

Layout: ``<folder>/cache.sqlite`` with one table::

    docs(engine TEXT, key TEXT, crc INTEGER, payload BLOB, PRIMARY KEY (engine, key))

``payload`` is UTF-8 JSON: ``{"t": title, "p": published, "s": [sentences], "r": [rows]}``,
each row the values of :data:`CACHED_COLUMNS` but title, published and sentence (the row ends
with the index of its sentence in ``"s"``). ``crc`` is the CRC-32 of ``payload``.

Writes happen in SQLite transactions, so a run that is killed leaves either the batch or
nothing. Anything that does not look right — not a SQLite file, a foreign schema, a checksum or
shape that does not match — marks the whole cache as corrupt: it is reported once on stderr,
deleted and rebuilt, and none of its rows are used. Only the current engine's rows are kept:
the first write of a new engine version deletes the others.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import sys
import zlib
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from .model import COLUMNS

#: Default folder, relative to the current directory (the CLI's and the dashboard's default).
DEFAULT_DIR = ".tracker-cache"
FILENAME = "cache.sqlite"
#: Columns stored per row: all but those that name the input (filled in from the current path).
CACHED_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMNS if c not in ("doc_id", "source"))
#: Stored apart from the rows: once per document (title, published) or once per sentence.
_DOC_FIELDS = ("title", "published")
_ROW_FIELDS = tuple(c for c in CACHED_COLUMNS if c not in (*_DOC_FIELDS, "sentence"))
_SENTENCE_AT = CACHED_COLUMNS.index("sentence")
_TITLE_AT, _PUBLISHED_AT = CACHED_COLUMNS.index("title"), CACHED_COLUMNS.index("published")
_ROW_AT = tuple(CACHED_COLUMNS.index(c) for c in _ROW_FIELDS)

#: Marks a file as ours (PRAGMA application_id) and the layout above (PRAGMA user_version).
APPLICATION_ID = 0x54524B43   # "TRKC"
SCHEMA_VERSION = 1
_BATCH = 500                  # keys per SELECT … IN (…)

Record = tuple   # the values of CACHED_COLUMNS for one row, in that order


class CacheCorrupt(Exception):
    """The cache file cannot be trusted (the message says why)."""


def _is_corrupt(e: sqlite3.Error) -> bool:
    """Corruption (not a database, malformed pages) as opposed to a busy or read-only file."""
    name = getattr(e, "sqlite_errorname", "")
    return name in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or (not name and type(e) is sqlite3.DatabaseError)


@cache
def engine_version() -> str:
    """A hash of every source file and resource of the package (and of the `regex` module's
    version), so that any change to a rule, a table or the code invalidates cached rows."""
    return package_hash(Path(__file__).resolve().parent)


def package_hash(root: Path) -> str:
    """sha256 (16 hex digits) over the files under ``root`` (names and bytes, sorted; compiled
    files left out) and the version of the `regex` module that runs the patterns."""
    import regex

    h = hashlib.sha256(f"regex {regex.__version__}\n".encode())
    files = sorted(
        p for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")
    )
    for p in files:
        h.update(p.relative_to(root).as_posix().encode() + b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:16]


def content_key(data: bytes, name: str) -> str:
    """The cache key of a document's bytes: sha256, and whether ``name`` makes it HTML."""
    kind = "html" if name.lower().endswith((".html", ".htm")) else "text"
    return f"{hashlib.sha256(data).hexdigest()}:{kind}"


# --- payload --------------------------------------------------------------------------------

def encode(records: list[Record]) -> bytes:
    """One document's records → payload bytes (title, published and sentences stored once)."""
    title = records[0][_TITLE_AT] if records else ""
    published = records[0][_PUBLISHED_AT] if records else ""
    sentences: dict[str, int] = {}
    rows = []
    for r in records:
        if r[_TITLE_AT] != title or r[_PUBLISHED_AT] != published:
            raise ValueError("rows of one document disagree on its title or date")
        i = sentences.setdefault(r[_SENTENCE_AT], len(sentences))
        rows.append([r[j] for j in _ROW_AT] + [i])
    doc = {"t": title, "p": published, "s": list(sentences), "r": rows}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def decode(payload: bytes) -> list[Record]:
    """Payload bytes → records; CacheCorrupt when it is not what :func:`encode` writes."""
    try:
        doc = json.loads(payload)
        title, published, sentences, rows = doc["t"], doc["p"], doc["s"], doc["r"]
        out = []
        width = len(_ROW_FIELDS) + 1
        for row in rows:
            if len(row) != width:
                raise ValueError(f"a row has {len(row)} fields, not {width}")
            values = [None] * len(CACHED_COLUMNS)
            for j, v in zip(_ROW_AT, row):
                values[j] = v
            values[_TITLE_AT], values[_PUBLISHED_AT] = title, published
            values[_SENTENCE_AT] = sentences[row[-1]]
            out.append(tuple(values))
        return out
    except (ValueError, KeyError, TypeError, IndexError) as e:
        raise CacheCorrupt(f"a stored document does not decode ({e})") from None


# --- the store ------------------------------------------------------------------------------

class Cache:
    """The cache in ``folder`` for the current engine. Use as a context manager, or close().

    >>> import tempfile
    >>> with Cache(tempfile.mkdtemp()) as c:
    ...     c.put_many([("k", [])]); c.get_many(["k", "other"])
    {'k': []}
    """

    def __init__(self, folder: str | os.PathLike = DEFAULT_DIR, engine: str | None = None, *, quiet: bool = False):
        self.folder = Path(folder)
        self.path = self.folder / FILENAME
        self.engine = engine or engine_version()
        self.quiet = quiet
        self.disabled = False        # True when the folder cannot be used at all
        self.reported = False        # the corruption message is printed once
        self._pruned = False
        self.conn: sqlite3.Connection | None = None
        self._open()

    # -- lifecycle --
    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _say(self, message: str) -> None:
        if not self.quiet:
            print(f"tracker: {message}", file=sys.stderr)

    def _open(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.conn = self._connect()
        except CacheCorrupt as e:
            self._rebuild(str(e))
        except OSError as e:
            self._disable(f"cannot use the cache folder {self.folder} ({e.strerror or e}); running without a cache")
        except sqlite3.Error as e:
            self._disable(f"cannot use the cache {self.path} ({e}); running without a cache")

    def _connect(self) -> sqlite3.Connection:
        existed = self.path.exists() and self.path.stat().st_size > 0
        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            if existed:
                app, schema = self._header(conn)
                if app != APPLICATION_ID:
                    raise CacheCorrupt("not a tracker cache")
                if schema == SCHEMA_VERSION:
                    return conn
                conn.close()
                self._remove_files()                            # an older layout: start afresh
                conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS docs (engine TEXT NOT NULL, key TEXT NOT NULL, "
                "crc INTEGER NOT NULL, payload BLOB NOT NULL, PRIMARY KEY (engine, key)) WITHOUT ROWID"
            )
            conn.execute("COMMIT")
            return conn
        except sqlite3.Error as e:
            conn.close()
            if _is_corrupt(e):
                raise CacheCorrupt(str(e)) from None
            raise
        except BaseException:
            conn.close()
            raise

    @staticmethod
    def _header(conn: sqlite3.Connection) -> tuple[int, int]:
        app = conn.execute("PRAGMA application_id").fetchone()[0]
        schema = conn.execute("PRAGMA user_version").fetchone()[0]
        if app == APPLICATION_ID and schema == SCHEMA_VERSION:
            cols = [r[1] for r in conn.execute("PRAGMA table_info(docs)")]
            if cols != ["engine", "key", "crc", "payload"]:
                raise CacheCorrupt("the docs table is not as expected")
        return app, schema

    def _remove_files(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self.path}{suffix}")

    def _rebuild(self, reason: str) -> None:
        """Report (once), delete the file, and start an empty cache in its place."""
        if not self.reported:
            self._say(f"cache {self.path} is corrupt ({reason}); rebuilding it")
            self.reported = True
        self.close()
        try:
            self._remove_files()
            self.conn = self._connect()
        except (OSError, sqlite3.Error, CacheCorrupt) as e:
            self._disable(f"cannot rebuild the cache {self.path} ({e}); running without a cache")

    def _disable(self, message: str) -> None:
        self.close()
        self.disabled = True
        self._say(message)

    # -- reading and writing --
    def get_many(self, keys: Iterable[str]) -> dict[str, list[Record]]:
        """The records of every key that is stored for this engine. All or nothing: when any
        stored document fails its checks, the cache is rebuilt and nothing is returned."""
        wanted = list(dict.fromkeys(keys))
        if self.conn is None or not wanted:
            return {}
        try:
            found: dict[str, list[Record]] = {}
            for i in range(0, len(wanted), _BATCH):
                batch = wanted[i:i + _BATCH]
                marks = ",".join("?" * len(batch))
                for key, crc, payload in self.conn.execute(
                    f"SELECT key, crc, payload FROM docs WHERE engine = ? AND key IN ({marks})", [self.engine, *batch]
                ):
                    if not isinstance(payload, bytes) or zlib.crc32(payload) != crc:
                        raise CacheCorrupt(f"checksum mismatch for {key[:12]}")
                    found[key] = decode(payload)
            return found
        except CacheCorrupt as e:
            self._rebuild(str(e))
        except sqlite3.Error as e:
            if _is_corrupt(e):
                self._rebuild(str(e))
            else:
                self._disable(f"cannot read the cache {self.path} ({e}); running without a cache")
        return {}

    def put_many(self, items: Iterable[tuple[str, list[Record]]]) -> int:
        """Store (key, records) pairs in one transaction; returns how many were stored."""
        if self.conn is None:
            return 0
        values = []
        for key, records in items:
            try:
                payload = encode(records)
            except (ValueError, TypeError):
                continue                                       # not storable: re-extracted next time
            values.append((self.engine, key, zlib.crc32(payload), payload))
        if not values:
            return 0
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                if not self._pruned:
                    self.conn.execute("DELETE FROM docs WHERE engine != ?", (self.engine,))
                self.conn.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?)", values)
                self.conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
                raise
            self._pruned = True
            return len(values)
        except sqlite3.Error as e:
            if _is_corrupt(e):
                self._rebuild(str(e))
                return 0
            self._disable(f"cannot write the cache {self.path} ({e}); running without a cache")
        return 0

    def __len__(self) -> int:
        if self.conn is None:
            return 0
        try:
            return self.conn.execute("SELECT count(*) FROM docs WHERE engine = ?", (self.engine,)).fetchone()[0]
        except sqlite3.Error:
            return 0

    def keys(self) -> Iterator[str]:
        if self.conn is not None:
            yield from (k for (k,) in self.conn.execute("SELECT key FROM docs WHERE engine = ?", (self.engine,)))
