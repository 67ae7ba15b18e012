"""The output folder's lock: one build at a time writes into a folder."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

LOCK_NAME = ".feedwright.lock"


class LockBusy(Exception):
    """Another build holds the output folder's lock."""


@contextlib.contextmanager
def build_lock(out_dir: Path, timeout: float) -> Iterator[None]:
    """Hold the output folder's lock; the OS drops it when the holder dies, so it never goes stale."""
    out_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(out_dir / LOCK_NAME), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise LockBusy(f"{out_dir}: another feedwright build holds the lock; waited {timeout:g} s") from None
    try:
        yield
    finally:
        lock.release()
