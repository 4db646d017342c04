"""The result cache: one SQLite file holding every document's rows, keyed by what decides them.

A document's rows depend only on its bytes, on whether it is read as HTML or as text, and on
the engine (the package's code, rules and tables). So the key is ``sha256(bytes):kind`` under
an engine version; the path is not part of it, and ``doc_id`` and ``source`` are not stored:
they are filled in from the current path when rows are read back.

Layout of ``<folder>/cache.sqlite``::

    segments(id, engine, crc, data)        -- rows of a batch of documents: an Arrow IPC
                                               stream (zstd) of frames.RECORD_SCHEMA; crc = CRC-32
    docs(engine, key, segment, first, n)   -- a document's rows: n rows of that segment from first
    files(path, size, mtime_ns, ctime_ns, inode, key)
                                            -- the sha256 of a file as last seen, so that an
                                               unchanged file (same size, times and inode) is not
                                               read again just to be hashed

Reading a warm cache is a few SQL look-ups and a vectorised ``take`` over the segments: no
per-row Python work, so 20,000 documents come back in well under a second.

Writes happen in SQLite transactions, so a run that is killed leaves either the batch or
nothing. Anything that does not look right — not a SQLite file, a foreign schema, a checksum,
an Arrow stream or a row range that does not match — marks the whole cache as corrupt: it is
reported once on stderr, deleted and rebuilt, and none of its rows are used. Only the current
engine's rows are kept: the first write of a new engine version deletes the others.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import sys
import zlib
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import NamedTuple, Self

import pyarrow as pa

from .frames import CACHED_COLUMNS, RECORD_SCHEMA, Record, records_table

__all__ = ["CACHED_COLUMNS", "Cache", "CacheCorrupt", "Hits", "Record", "content_key", "engine_version"]

#: Default folder, relative to the current directory (the CLI's and the dashboard's default).
DEFAULT_DIR = ".tracker-cache"
FILENAME = "cache.sqlite"
#: Marks a file as ours (PRAGMA application_id) and the layout above (PRAGMA user_version).
APPLICATION_ID = 0x54524B43   # "TRKC"
SCHEMA_VERSION = 2
_BATCH = 500                  # keys per SELECT … IN (…)
_IPC = pa.ipc.IpcWriteOptions(compression="zstd")
_TABLES = {
    "segments": ["id", "engine", "crc", "data"],
    "docs": ["engine", "key", "segment", "first", "n"],
    "files": ["path", "size", "mtime_ns", "ctime_ns", "inode", "key"],
}
_DDL = (
    "CREATE TABLE IF NOT EXISTS segments (id INTEGER PRIMARY KEY, engine TEXT NOT NULL, crc INTEGER NOT NULL, data BLOB NOT NULL)",
    ("CREATE TABLE IF NOT EXISTS docs (engine TEXT NOT NULL, key TEXT NOT NULL, segment INTEGER, first INTEGER NOT NULL, "
     "n INTEGER NOT NULL, PRIMARY KEY (engine, key)) WITHOUT ROWID"),
    ("CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, "
     "inode INTEGER, key TEXT NOT NULL) WITHOUT ROWID"),
)


class CacheCorrupt(Exception):
    """The cache file cannot be trusted (the message says why)."""


class Ref(NamedTuple):
    """Where a document's rows are: ``n`` rows of ``segment`` from row ``first``."""

    segment: int | None
    first: int
    n: int


class Hits(NamedTuple):
    """What :meth:`Cache.fetch` found: key → Ref, and the segments those refs point into."""

    refs: dict[str, Ref]
    segments: dict[int, pa.Table]


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
    return f"{hashlib.sha256(data).hexdigest()}:{kind_of(name)}"


def kind_of(name: str) -> str:
    return "html" if name.lower().endswith((".html", ".htm")) else "text"


def file_signature(st: os.stat_result) -> tuple[int, int, int, int]:
    """What must be unchanged for a file's stored hash to be reused: size, mtime, ctime (it
    changes on every write and cannot be set back by tools that restore mtime) and the file's
    identity (device and inode, folded into one number)."""
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, (st.st_dev << 32) ^ st.st_ino


# --- the store ------------------------------------------------------------------------------

class Cache:
    """The cache in ``folder`` for the current engine. Use as a context manager, or close().

    >>> import tempfile
    >>> with Cache(tempfile.mkdtemp()) as c:
    ...     _ = c.put_many([("k", [])])
    ...     sorted(c.fetch(["k", "other"]).refs)
    ['k']
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
    def __enter__(self) -> Self:
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
                app = conn.execute("PRAGMA application_id").fetchone()[0]
                schema = conn.execute("PRAGMA user_version").fetchone()[0]
                if app != APPLICATION_ID:
                    raise CacheCorrupt("not a tracker cache")
                if schema == SCHEMA_VERSION:
                    for table, cols in _TABLES.items():
                        if [r[1] for r in conn.execute(f"PRAGMA table_info({table})")] != cols:
                            raise CacheCorrupt(f"the {table} table is not as expected")
                    return conn
                conn.close()
                self._remove_files()                            # an older layout: start afresh
                conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            for ddl in _DDL:
                conn.execute(ddl)
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
        self._pruned = False
        try:
            self._remove_files()
            self.conn = self._connect()
        except (OSError, sqlite3.Error, CacheCorrupt) as e:
            self._disable(f"cannot rebuild the cache {self.path} ({e}); running without a cache")

    def _disable(self, message: str) -> None:
        self.close()
        self.disabled = True
        self._say(message)

    def _failed(self, e: Exception, doing: str) -> None:
        if isinstance(e, CacheCorrupt) or (isinstance(e, sqlite3.Error) and _is_corrupt(e)):
            self._rebuild(str(e))
        else:
            self._disable(f"cannot {doing} the cache {self.path} ({e}); running without a cache")

    def _select(self, sql: str, fixed: Sequence, keys: Sequence) -> list[tuple]:
        assert self.conn is not None
        rows: list[tuple] = []
        for i in range(0, len(keys), _BATCH):
            batch = keys[i:i + _BATCH]
            rows += self.conn.execute(sql.format(marks=",".join("?" * len(batch))), [*fixed, *batch]).fetchall()
        return rows

    # -- file hashes --
    def known_keys(self, files: Sequence[tuple[str, tuple[int, int, int, int]]]) -> dict[str, str]:
        """path → key for the files whose signature is as stored (so need not be read)."""
        if self.conn is None or not files:
            return {}
        want = dict(files)
        try:
            rows = self._select("SELECT path, size, mtime_ns, ctime_ns, inode, key FROM files WHERE path IN ({marks})", (), list(want))
            return {path: key for path, size, mtime, ctime, inode, key in rows if (size, mtime, ctime, inode) == want[path]}
        except sqlite3.Error as e:
            self._failed(e, "read")
            return {}

    def remember(self, files: Iterable[tuple[str, tuple[int, int, int, int], str]]) -> None:
        """Store (path, signature, key) of files just hashed."""
        values = [(path, *sig, key) for path, sig, key in files]
        if self.conn is None or not values:
            return
        try:
            with self._transaction():
                self.conn.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)", values)
        except sqlite3.Error as e:
            self._failed(e, "write")

    # -- rows --
    def fetch(self, keys: Iterable[str]) -> Hits:
        """Where the rows of every stored key are, with the segments they are in. All or nothing:
        when anything fails its checks, the cache is rebuilt and nothing is returned."""
        wanted = list(dict.fromkeys(keys))
        if self.conn is None or not wanted:
            return Hits({}, {})
        try:
            refs = {
                key: Ref(segment, first, n)
                for key, segment, first, n in self._select(
                    "SELECT key, segment, first, n FROM docs WHERE engine = ? AND key IN ({marks})", (self.engine,), wanted)
            }
            needed = sorted({r.segment for r in refs.values() if r.n})
            segments: dict[int, pa.Table] = {}
            for seg_id, crc, data in self._select(
                    "SELECT id, crc, data FROM segments WHERE engine = ? AND id IN ({marks})", (self.engine,), needed):
                segments[seg_id] = _decode_segment(seg_id, crc, data)
            for key, r in refs.items():
                if r.n and (r.segment not in segments or r.first < 0 or r.first + r.n > segments[r.segment].num_rows):
                    raise CacheCorrupt(f"rows of {key[:12]} are missing from the cache")
            return Hits(refs, segments)
        except (CacheCorrupt, sqlite3.Error) as e:
            self._failed(e, "read")
        return Hits({}, {})

    def get_many(self, keys: Iterable[str]) -> dict[str, list[Record]]:
        """key → records, for the stored keys (a convenience for small look-ups and tests)."""
        hits = self.fetch(keys)
        out = {}
        for key, r in hits.refs.items():
            if not r.n:
                out[key] = []
                continue
            rows = hits.segments[r.segment].slice(r.first, r.n).to_pylist()
            out[key] = [tuple(row[c] for c in CACHED_COLUMNS) for row in rows]
        return out

    def put_many(self, items: Sequence[tuple[str, Sequence[Record]]]) -> int:
        """Store (key, records) pairs as one segment, in one transaction; returns how many."""
        if self.conn is None or not items:
            return 0
        records: list[Record] = []
        docs = []
        for key, recs in items:
            docs.append((key, len(records), len(recs)))
            records += recs
        try:
            data = _encode_segment(records_table(records)) if records else None
        except (pa.ArrowException, TypeError, ValueError):
            return 0                                           # not storable: extracted again next time
        try:
            pruned = 0
            with self._transaction():
                if not self._pruned:
                    self.conn.execute("DELETE FROM docs WHERE engine != ?", (self.engine,))
                    pruned = self.conn.execute("DELETE FROM segments WHERE engine != ?", (self.engine,)).rowcount
                seg_id = None
                if data is not None:
                    seg_id = self.conn.execute("INSERT INTO segments (engine, crc, data) VALUES (?, ?, ?)",
                                               (self.engine, zlib.crc32(data), data)).lastrowid
                self.conn.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?, ?)",
                                      [(self.engine, key, seg_id if n else None, first, n) for key, first, n in docs])
            self._pruned = True
            if pruned:
                self.conn.execute("VACUUM")                      # give the old engine's space back
            return len(docs)
        except sqlite3.Error as e:
            self._failed(e, "write")
        return 0

    @contextlib.contextmanager
    def _transaction(self):
        assert self.conn is not None
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def __len__(self) -> int:
        """Documents stored for this engine."""
        if self.conn is None:
            return 0
        try:
            return self.conn.execute("SELECT count(*) FROM docs WHERE engine = ?", (self.engine,)).fetchone()[0]
        except sqlite3.Error:
            return 0


def _encode_segment(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema, options=_IPC) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _decode_segment(seg_id: int, crc: int, data: bytes) -> pa.Table:
    if not isinstance(data, bytes) or zlib.crc32(data) != crc:
        raise CacheCorrupt(f"checksum mismatch in segment {seg_id}")
    try:
        table = pa.ipc.open_stream(data).read_all()
    except (pa.ArrowException, OSError, ValueError) as e:
        raise CacheCorrupt(f"segment {seg_id} does not decode ({e})") from None
    if not table.schema.equals(RECORD_SCHEMA):
        raise CacheCorrupt(f"segment {seg_id} has another schema")
    return table
