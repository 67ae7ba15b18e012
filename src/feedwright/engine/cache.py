"""What a repeated run may skip: parsed posts, their HTML, and each feed's input fingerprint.

One SQLite file beside the output. A cache that is missing, corrupt, from another
feedwright version or another config is dropped and rebuilt; it can only ever save
work, never change output, because every row is keyed by what produced it.

Every error of the cache file, at open or at any later point, in this process or in a
worker, leaves this module as one CacheFault: run_build then builds again without the
cache (build.py). Only damage removes the file; a lock, a full disk or a read-only
folder may pass, and the cache is kept for the run after.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import ParamSpec, TypeVar

from .records import SCHEMA, Body, FileStamp, KnownFile, PostRow, checksum, unpack, unpack_text

# How long a write waits for another process that holds the cache locked before the run gives up
# on the cache (a person browsing it with the sqlite3 shell, a backup); tests shorten it.
BUSY_SECONDS = 5.0

P = ParamSpec("P")
R = TypeVar("R")


class CacheFault(Exception):
    """The cache file failed: `reason` says how; `damaged` when its bytes are wrong, not just out of
    reach; `step` names what was using it, for `-v`.

    Raised in worker processes too, so it must pickle: its arguments are its args.
    """

    def __init__(self, reason: str, damaged: bool = False, step: str = "") -> None:
        super().__init__(reason, damaged, step)
        self.reason = reason
        self.damaged = damaged
        self.step = step

    def __str__(self) -> str:
        return self.reason


def as_fault(exc: BaseException, step: str = "") -> CacheFault:
    """An error met while using the cache file, as a CacheFault.

    SQLite reports damage (SQLITE_CORRUPT, SQLITE_NOTADB) as a bare DatabaseError; a lock, a full disk,
    a read-only file or one that cannot be opened is an OperationalError: none of these is damage,
    but for a text cell that is not UTF-8, which Python reports as one.
    """
    if isinstance(exc, CacheFault):
        return exc if exc.step or not step else CacheFault(exc.reason, exc.damaged, step)
    if isinstance(exc, sqlite3.OperationalError) and not str(exc).startswith("Could not decode"):
        return CacheFault(str(exc), False, step)
    if isinstance(exc, sqlite3.Error):
        return CacheFault(str(exc), True, step)
    if isinstance(exc, OSError):
        return CacheFault(exc.strerror or str(exc), False, step)
    return CacheFault(f"{exc.__class__.__name__}: {exc}", True, step)


@contextlib.contextmanager
def guarded(step: str) -> Iterator[None]:
    """Errors of the cache file become a CacheFault."""
    try:
        yield
    except (sqlite3.Error, OSError, CacheFault) as exc:
        fault = as_fault(exc, step)
        if fault is exc:
            raise
        raise fault from exc


def _guard(method: Callable[P, R]) -> Callable[P, R]:
    step = method.__qualname__

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with guarded(step):
            return method(*args, **kwargs)

    return wrapper


def unpacked(blob: bytes, unpacker: Callable[[bytes], R]) -> R:
    """A packed blob the cache held, unpacked. A blob whose bytes changed on disk fails zlib's check,
    or pickle in any of many ways: each is damage."""
    try:
        return unpacker(blob)
    except Exception as exc:
        raise CacheFault(f"a damaged row ({exc.__class__.__name__}: {exc})", damaged=True) from exc


def remove_files(path: Path) -> None:
    """The cache file and those SQLite keeps beside it."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


class _Stale(Exception):
    """A sound cache that this build cannot use (another version or config): rebuilt."""


def _key(path: str) -> str | bytes:
    """A post's path as the cache stores it: text, or its file system bytes when it is not UTF-8.

    A file name the file system allows but UTF-8 cannot spell (`caf\\xe9.md`) reaches Python with
    lone surrogates, which SQLite's text cannot hold; such a path is kept as a BLOB instead, and
    every other path stays text, as caches already hold it.
    """
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path)
    return path


def _path(key: str | bytes) -> str:
    return key if isinstance(key, str) else os.fsdecode(key)


class Cache:
    def __init__(self, path: Path | None, fingerprint: str) -> None:
        """Open the cache at `path` (None: in memory) for a build whose config gives `fingerprint`."""
        self.rebuilt_reason: str | None = None
        self._path = path
        self._db = self._open(path, fingerprint)

    def _open(self, path: Path | None, fingerprint: str) -> sqlite3.Connection:
        target = ":memory:" if path is None else str(path)
        with guarded("Cache.open"):
            try:
                return self._open_kept(target, fingerprint)
            except _Stale as exc:
                self.rebuilt_reason = str(exc)
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError):
                    # Locked, full, read-only, out of reach: the file may be sound, and is kept.
                    raise
                self.rebuilt_reason = f"unreadable cache ({exc})"
            if path is not None:
                remove_files(path)
            db = self._connect(target)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fingerprint,))
            db.commit()
            return db

    def _open_kept(self, target: str, fingerprint: str) -> sqlite3.Connection:
        """The cache as the last run left it; _Stale when it is another version's or config's."""
        db = sqlite3.connect(target, timeout=BUSY_SECONDS)
        try:
            schema = db.execute("PRAGMA user_version").fetchone()[0]
        finally:
            db.close()
        if schema not in (0, SCHEMA):
            raise _Stale("cache written by another feedwright version")
        db = self._connect(target)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        except BaseException:
            db.close()
            raise
        if row is None or row[0] != fingerprint:
            db.close()
            raise _Stale("new cache" if row is None else "config or version changed")
        return db

    @staticmethod
    def _connect(target: str) -> sqlite3.Connection:
        db = sqlite3.connect(target, timeout=BUSY_SECONDS)
        try:
            Cache._prepare(db)
        except BaseException:
            db.close()
            raise
        return db

    @staticmethod
    def _prepare(db: sqlite3.Connection) -> None:
        # Worker processes read saved posts while this connection writes rendered bodies: in WAL
        # mode readers never wait for the writer. (os.sync() before publishing makes commits durable.)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        # A post's stamp, index row, header and bodies live in tables of their own because different
        # steps read them (see records.py). What output is made from carries its checksum (crc); a
        # damaged stamp, digest or fingerprint only makes a run read or render again.
        db.executescript(
            f"""
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE IF NOT EXISTS posts (
                path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, digest TEXT) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS refs (path TEXT PRIMARY KEY, ref BLOB, crc INTEGER);
            CREATE TABLE IF NOT EXISTS headers (path TEXT PRIMARY KEY, header BLOB, crc INTEGER);
            CREATE TABLE IF NOT EXISTS bodies (
                path TEXT, idx INTEGER, summary TEXT, html BLOB, crc INTEGER, PRIMARY KEY (path, idx));
            CREATE TABLE IF NOT EXISTS feeds (path TEXT PRIMARY KEY, fingerprint TEXT);
            CREATE TABLE IF NOT EXISTS saved (path TEXT PRIMARY KEY, post BLOB, crc INTEGER);
            PRAGMA user_version = {SCHEMA};
            """
        )

    def close(self) -> None:
        # What a failed commit loses, the next run does again; closing must not raise over the
        # error that brought the build here.
        with contextlib.suppress(sqlite3.Error):
            self._db.commit()
        with contextlib.suppress(sqlite3.Error):
            self._db.close()

    @_guard
    def known_files(self) -> dict[str, KnownFile]:
        """Every cached file by path: its stat and hash as last seen."""
        rows = self._db.execute("SELECT path, size, mtime_ns, digest FROM posts")
        return {_path(p): KnownFile(s, m, d) for p, s, m, d in rows}

    def load_index(self, paths: Iterable[str]) -> Iterator[tuple[str, bytes]]:
        """The cached index (see index.py) of these files, one by one: never all the blobs at once."""
        wanted = set(paths)
        with guarded("Cache.load_index"):
            for key, blob, crc in self._db.execute("SELECT path, ref, crc FROM refs"):
                path = _path(key)
                if path in wanted:
                    _check("refs", crc, blob)
                    yield path, blob

    @_guard
    def header(self, path: str) -> object:
        """The cached header of one file (its entries without their text), or None."""
        return _read_header(self._db, path)

    @_guard
    def restamp(self, stamp: FileStamp) -> None:
        """A touched but unchanged file: remember its new stat so the next run need not read it."""
        self._db.execute(
            "UPDATE posts SET size = ?, mtime_ns = ? WHERE path = ?", (stamp.size, stamp.mtime_ns, _key(stamp.path))
        )

    @_guard
    def store(self, stamp: FileStamp, row: PostRow) -> None:
        """One file read anew, under the stat it had when scanned; a deferred article keeps its Post."""
        key = _key(stamp.path)
        self._db.execute(
            "INSERT OR REPLACE INTO posts VALUES (?, ?, ?, ?)", (key, stamp.size, stamp.mtime_ns, row.digest)
        )
        self._db.execute("INSERT OR REPLACE INTO refs VALUES (?, ?, ?)", (key, row.ref, checksum(row.ref)))
        self._db.execute("INSERT OR REPLACE INTO headers VALUES (?, ?, ?)", (key, row.header, checksum(row.header)))
        self.store_bodies(stamp.path, row.bodies)
        if row.saved:
            self._db.execute("INSERT OR REPLACE INTO saved VALUES (?, ?, ?)", (key, row.saved, checksum(row.saved)))

    @_guard
    def forget(self, paths: Iterable[str]) -> None:
        for path in paths:
            key = _key(path)
            self._db.execute("DELETE FROM posts WHERE path = ?", (key,))
            self._db.execute("DELETE FROM refs WHERE path = ?", (key,))
            self._db.execute("DELETE FROM headers WHERE path = ?", (key,))
            self._db.execute("DELETE FROM bodies WHERE path = ?", (key,))
            self._db.execute("DELETE FROM saved WHERE path = ?", (key,))

    @_guard
    def saved(self, path: str) -> bytes | None:
        return _read_saved(self._db, path)

    @_guard
    def store_bodies(self, path: str, bodies: list[Body]) -> None:
        """A post's rendered bodies, replacing any it had; a saved Post is then no longer needed."""
        key = _key(path)
        self._db.execute("DELETE FROM bodies WHERE path = ?", (key,))
        rows = [(key, b.index, b.summary, b.html, checksum(_text_bytes(b.summary), b.html)) for b in bodies]
        self._db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?, ?, ?)", rows)
        self._db.execute("DELETE FROM saved WHERE path = ?", (key,))

    @_guard
    def body(self, path: str, idx: int) -> tuple[str, str]:
        return _read_body(self._db, path, idx)

    @property
    def path(self) -> Path | None:
        """The database file, or None for a cache held in memory."""
        return self._path

    @_guard
    def without_bodies(self, paths: Iterable[str]) -> list[str]:
        """Those of these files whose bodies are not rendered yet (their Markdown was deferred)."""
        query = "SELECT 1 FROM bodies WHERE path = ? LIMIT 1"
        return [path for path in paths if self._db.execute(query, (_key(path),)).fetchone() is None]

    @_guard
    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @_guard
    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @_guard
    def feed_fingerprints(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT path, fingerprint FROM feeds"))

    @_guard
    def set_feed_fingerprints(self, fingerprints: dict[str, str]) -> None:
        self._db.execute("DELETE FROM feeds")
        self._db.executemany("INSERT INTO feeds VALUES (?, ?)", sorted(fingerprints.items()))

    @_guard
    def commit(self) -> None:
        self._db.commit()


def _check(table: str, crc: object, *parts: object) -> None:
    """A row read back must give the checksum stored with it: else its bytes (or, when a cell is not
    even of its type any more, the record itself) changed on disk."""
    stored = [part for part in parts if isinstance(part, bytes)]
    if len(stored) != len(parts) or crc != checksum(*stored):
        raise CacheFault(f"a damaged row in {table} (its checksum does not match)", damaged=True)


def _text_bytes(text: str) -> bytes:
    """A text cell's bytes, as its checksum covers them."""
    return text.encode("utf-8", "surrogatepass")


def _read_saved(db: sqlite3.Connection, path: str) -> bytes | None:
    row = db.execute("SELECT post, crc FROM saved WHERE path = ?", (_key(path),)).fetchone()
    if row is None:
        return None
    _check("saved", row[1], row[0])
    return bytes(row[0])


def _read_header(db: sqlite3.Connection, path: str) -> object:
    row = db.execute("SELECT header, crc FROM headers WHERE path = ?", (_key(path),)).fetchone()
    if row is None:
        # Headers are asked for only of posts a feed holds, which the cache took before planning.
        raise CacheFault(f"no entries kept for {path}", damaged=True)
    _check("headers", row[1], row[0])
    return unpacked(row[0], unpack)


def _read_body(db: sqlite3.Connection, path: str, idx: int) -> tuple[str, str]:
    query = "SELECT summary, html, crc FROM bodies WHERE path = ? AND idx = ?"
    row = db.execute(query, (_key(path), idx)).fetchone()
    if row is None:
        return "", ""
    summary, html, crc = row
    _check("bodies", crc, _text_bytes(summary) if isinstance(summary, str) else summary, html)
    return summary, unpacked(html, unpack_text)


class BodyReader:
    """Read-only access to entry headers and bodies, for worker processes rendering feeds."""

    @_guard
    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_SECONDS)
        # A file deleted or replaced since the build opened it: fail here, not with a missing row.
        self._db.execute("SELECT 1 FROM meta LIMIT 1").fetchone()

    @_guard
    def body(self, path: str, idx: int) -> tuple[str, str]:
        return _read_body(self._db, path, idx)

    @_guard
    def header(self, path: str) -> object:
        return _read_header(self._db, path)

    @_guard
    def saved(self, path: str) -> bytes | None:
        return _read_saved(self._db, path)

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
