"""Bytes → files: atomic write-if-changed, batches published with one sync, leftovers of killed runs."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

TMP_MARK = ".fw-tmp-"
_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def safe_target(out_dir: Path, relative: str) -> Path:
    """The file `relative` names under `out_dir`; refuses anything that would land outside it."""
    target = _named_target(out_dir, relative)
    _check_folder(out_dir, out_dir.resolve(), target.parent, relative)
    return target


def _named_target(out_dir: Path, relative: str) -> Path:
    """`relative` under `out_dir`, refused when its name alone leaves the folder or hides the file."""
    path = Path(relative)
    parts = path.parts
    if not parts or path.is_absolute() or any(p in ("..", "") or p.startswith(".") for p in parts):
        raise ValueError(f"refusing to write outside the output folder: {relative!r}")
    return out_dir / path


def _check_folder(out_dir: Path, root: Path, folder: Path, relative: str) -> None:
    """Refuse `folder` (where `relative` goes) when a symbolic link on the way leads outside `root`."""
    # Resolve the deepest existing ancestor: a symbolic link placed in the output folder must not redirect writes.
    # A dangling link counts as existing, since resolving it shows where it leads (exists() follows it and says
    # no). The walk stops at `out_dir` as given, not as resolved: a relative or not yet created output folder would
    # otherwise walk up past itself and be refused.
    probe = folder
    while not (probe.exists() or probe.is_symlink()) and probe != out_dir:
        probe = probe.parent
    try:
        inside = probe.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop (Python 3.11/3.12)
        inside = False
    if not inside:
        raise ValueError(f"refusing to write outside the output folder: {relative!r}")


def write_if_changed(out_dir: Path, relative: str, data: bytes) -> bool:
    """Write `data` to `relative` under `out_dir` unless it already holds it; True when written."""
    return atomic_write(safe_target(out_dir, relative), data)


def atomic_write(target: Path, data: bytes) -> bool:
    """Replace `target` with `data` unless it already holds it; True when the file was (re)written.

    The bytes go to a temporary file in the same folder, are fsynced, then renamed
    over the old file, so a reader or a crash only ever sees the old or the new file.
    An unchanged file is not touched, so its mtime (and readers' 304s) survive.
    """
    tmp = _write_temp(target, data, durable=True)
    if tmp is None:
        return False
    try:
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)
    return True


def _write_temp(target: Path, data: bytes, durable: bool, folder_exists: bool = False) -> str | None:
    """Write `data` to a hidden temporary file beside `target`; None when `target` already holds it."""
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return None
    except FileNotFoundError:
        pass
    if not folder_exists:
        target.parent.mkdir(parents=True, exist_ok=True)
    # The build holds the output folder's lock and removes a killed run's leftovers first, so a
    # name made from the target and this process meets no other run's file, and is cheaper to open
    # than mkstemp's (see benchmarks/README.md, design notes). Whatever is there already (the same
    # target staged twice, a link) is never opened: O_EXCL refuses it, and a random name is taken instead.
    tmp = os.path.join(target.parent, f".{target.name.lstrip('.')}{TMP_MARK}{os.getpid()}")
    try:
        fd = os.open(tmp, _TEMP_FLAGS, 0o600)
    except FileExistsError:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name.lstrip('.')}{TMP_MARK}", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable: without it a power cut can undo the rename."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_leftovers(out_dir: Path) -> int:
    """Delete temporary files that a killed build left behind; call with the lock held."""
    removed = 0
    if not out_dir.exists():
        return 0
    for path in out_dir.rglob(f".*{TMP_MARK}*"):
        if path.is_file() and not path.is_symlink():
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
    return removed


def remove_feed_files(out_dir: Path, relative_files: list[str]) -> None:
    """Delete the files of feeds that no longer exist, and their folders when left empty."""
    for relative in relative_files:
        target = safe_target(out_dir, relative)
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        folder = target.parent
        while folder != out_dir and folder.is_relative_to(out_dir):
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent


class BatchWriter:
    """Write many files with one sync instead of two fsyncs each.

    Changed files are first written to temporary files beside their targets; `commit`
    then makes all of them durable with one sync, renames each over its target, and
    syncs again so the renames last. A crash at any point leaves every target either
    the old complete file or the new complete one; an fsync per file is far slower on a
    site with thousands of tag feeds.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._pending: list[tuple[str, Path]] = []
        self._root: Path | None = None
        # Folders checked by safe_target's rule and known to exist. While the build holds the lock
        # nothing else writes into the output folder, so one check per folder holds for the batch.
        self._ready: set[Path] = set()

    def add(self, relative: str, data: bytes) -> bool:
        """Stage `data` for `relative`; False (and nothing staged) when the file already holds it."""
        target = _named_target(self.out_dir, relative)
        folder = target.parent
        ready = folder in self._ready
        if not ready:
            if self._root is None:
                self._root = self.out_dir.resolve()
            _check_folder(self.out_dir, self._root, folder, relative)
        tmp = _write_temp(target, data, durable=False, folder_exists=ready)
        self._ready.add(folder)
        if tmp is None:
            return False
        self._pending.append((tmp, target))
        return True

    def take(self) -> list[tuple[str, Path]]:
        """Hand the staged files over (to the process that will publish them)."""
        staged, self._pending = self._pending, []
        return staged

    def adopt(self, staged: list[tuple[str, Path]]) -> None:
        """Publish files another writer staged, with this writer's commit."""
        self._pending.extend(staged)

    def commit(self) -> None:
        if not self._pending:
            return
        os.sync()
        for tmp, target in self._pending:
            os.replace(tmp, target)
        self._pending.clear()
        os.sync()

    def discard(self) -> None:
        for tmp, _ in self._pending:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self._pending.clear()
