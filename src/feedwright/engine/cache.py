"""What a repeated run may skip: parsed posts, their HTML, and each feed's input fingerprint.

One SQLite file beside the output. A cache that is missing, corrupt, from another
feedwright version or another config is dropped and rebuilt; it can only ever save
work, never change output, because every row is keyed by what produced it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from .records import SCHEMA, Body, FileStamp, KnownFile, PostRow, unpack, unpack_text


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
        try:
            db = sqlite3.connect(target)
            schema = db.execute("PRAGMA user_version").fetchone()[0]
            if schema not in (0, SCHEMA):
                self.rebuilt_reason = "cache written by another feedwright version"
                db.close()
                raise sqlite3.DatabaseError(self.rebuilt_reason)
            db.close()
            db = self._connect(target)
            row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
            if row is None or row[0] != fingerprint:
                self.rebuilt_reason = "new cache" if row is None else "config or version changed"
                db.close()
                raise sqlite3.DatabaseError(self.rebuilt_reason)
            return db
        except sqlite3.DatabaseError as exc:
            if self.rebuilt_reason is None:
                self.rebuilt_reason = f"unreadable cache ({exc})"
            if path is not None:
                for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
                    with contextlib.suppress(FileNotFoundError):
                        leftover.unlink()
            db = self._connect(target)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fingerprint,))
            db.commit()
            return db

    @staticmethod
    def _connect(target: str) -> sqlite3.Connection:
        db = sqlite3.connect(target)
        # Worker processes read saved posts while this connection writes rendered bodies: in WAL
        # mode readers never wait for the writer. (os.sync() before publishing makes commits durable.)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        # A post's stamp, index row, header and bodies live in tables of their own because different
        # steps read them (see records.py).
        db.executescript(
            f"""
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE IF NOT EXISTS posts (
                path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, digest TEXT) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS refs (path TEXT PRIMARY KEY, ref BLOB);
            CREATE TABLE IF NOT EXISTS headers (path TEXT PRIMARY KEY, header BLOB);
            CREATE TABLE IF NOT EXISTS bodies (
                path TEXT, idx INTEGER, summary TEXT, html BLOB, PRIMARY KEY (path, idx));
            CREATE TABLE IF NOT EXISTS feeds (path TEXT PRIMARY KEY, fingerprint TEXT);
            CREATE TABLE IF NOT EXISTS saved (path TEXT PRIMARY KEY, post BLOB);
            PRAGMA user_version = {SCHEMA};
            """
        )
        return db

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.commit()
        self._db.close()

    def known_files(self) -> dict[str, KnownFile]:
        """Every cached file by path: its stat and hash as last seen."""
        rows = self._db.execute("SELECT path, size, mtime_ns, digest FROM posts")
        return {_path(p): KnownFile(s, m, d) for p, s, m, d in rows}

    def load_index(self, paths: Iterable[str]) -> Iterator[tuple[str, bytes]]:
        """The cached index (see index.py) of these files, one by one: never all the blobs at once."""
        wanted = set(paths)
        for key, blob in self._db.execute("SELECT path, ref FROM refs"):
            path = _path(key)
            if path in wanted:
                yield path, blob

    def header(self, path: str) -> object:
        """The cached header of one file (its entries without their text), or None."""
        return _read_header(self._db, path)

    def restamp(self, stamp: FileStamp) -> None:
        """A touched but unchanged file: remember its new stat so the next run need not read it."""
        self._db.execute(
            "UPDATE posts SET size = ?, mtime_ns = ? WHERE path = ?", (stamp.size, stamp.mtime_ns, _key(stamp.path))
        )

    def store(self, stamp: FileStamp, row: PostRow) -> None:
        """One file read anew, under the stat it had when scanned; a deferred article keeps its Post."""
        key = _key(stamp.path)
        self._db.execute(
            "INSERT OR REPLACE INTO posts VALUES (?, ?, ?, ?)", (key, stamp.size, stamp.mtime_ns, row.digest)
        )
        self._db.execute("INSERT OR REPLACE INTO refs VALUES (?, ?)", (key, row.ref))
        self._db.execute("INSERT OR REPLACE INTO headers VALUES (?, ?)", (key, row.header))
        self.store_bodies(stamp.path, row.bodies)
        if row.saved:
            self._db.execute("INSERT OR REPLACE INTO saved VALUES (?, ?)", (key, row.saved))

    def forget(self, paths: Iterable[str]) -> None:
        for path in paths:
            key = _key(path)
            self._db.execute("DELETE FROM posts WHERE path = ?", (key,))
            self._db.execute("DELETE FROM refs WHERE path = ?", (key,))
            self._db.execute("DELETE FROM headers WHERE path = ?", (key,))
            self._db.execute("DELETE FROM bodies WHERE path = ?", (key,))
            self._db.execute("DELETE FROM saved WHERE path = ?", (key,))

    def saved(self, path: str) -> bytes | None:
        return _read_saved(self._db, path)

    def store_bodies(self, path: str, bodies: list[Body]) -> None:
        """A post's rendered bodies, replacing any it had; a saved Post is then no longer needed."""
        key = _key(path)
        self._db.execute("DELETE FROM bodies WHERE path = ?", (key,))
        self._db.executemany(
            "INSERT OR REPLACE INTO bodies VALUES (?, ?, ?, ?)", [(key, b.index, b.summary, b.html) for b in bodies]
        )
        self._db.execute("DELETE FROM saved WHERE path = ?", (key,))

    def body(self, path: str, idx: int) -> tuple[str, str]:
        return _read_body(self._db, path, idx)

    @property
    def path(self) -> Path | None:
        """The database file, or None for a cache held in memory."""
        return self._path

    def without_bodies(self, paths: Iterable[str]) -> list[str]:
        """Those of these files whose bodies are not rendered yet (their Markdown was deferred)."""
        query = "SELECT 1 FROM bodies WHERE path = ? LIMIT 1"
        return [path for path in paths if self._db.execute(query, (_key(path),)).fetchone() is None]

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def feed_fingerprints(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT path, fingerprint FROM feeds"))

    def set_feed_fingerprints(self, fingerprints: dict[str, str]) -> None:
        self._db.execute("DELETE FROM feeds")
        self._db.executemany("INSERT INTO feeds VALUES (?, ?)", sorted(fingerprints.items()))

    def commit(self) -> None:
        self._db.commit()


def _read_saved(db: sqlite3.Connection, path: str) -> bytes | None:
    row = db.execute("SELECT post FROM saved WHERE path = ?", (_key(path),)).fetchone()
    return None if row is None else bytes(row[0])


def _read_header(db: sqlite3.Connection, path: str) -> object:
    row = db.execute("SELECT header FROM headers WHERE path = ?", (_key(path),)).fetchone()
    return None if row is None else unpack(row[0])


def _read_body(db: sqlite3.Connection, path: str, idx: int) -> tuple[str, str]:
    row = db.execute("SELECT summary, html FROM bodies WHERE path = ? AND idx = ?", (_key(path), idx)).fetchone()
    if row is None:
        return "", ""
    return row[0], unpack_text(row[1])


class BodyReader:
    """Read-only access to entry headers and bodies, for worker processes rendering feeds."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def body(self, path: str, idx: int) -> tuple[str, str]:
        return _read_body(self._db, path, idx)

    def header(self, path: str) -> object:
        return _read_header(self._db, path)

    def saved(self, path: str) -> bytes | None:
        return _read_saved(self._db, path)

    def close(self) -> None:
        self._db.close()
