"""Bytes → files: atomic write-if-changed, batches published with one sync, leftovers of killed runs."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import FrameType

TMP_MARK = ".fw-tmp-"
_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


# The signals that stop a build (cli.py turns both into exceptions): held while a batch's renames
# run or are undone, so that a stop never lands between two of them.
_STOPS = frozenset({signal.SIGTERM, signal.SIGINT})


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


def _check_folder(out_dir: Path, root: Path, folder: Path, relative: str) -> list[Path]:
    """Refuse `folder` (where `relative` goes) when a symbolic link on the way leads outside `root`.

    Returns the folders on the way that do not exist yet, `folder` first: writing there creates them.
    """
    # Resolve the deepest existing ancestor: a symbolic link placed in the output folder must not redirect writes.
    # A dangling link counts as existing, since resolving it shows where it leads (exists() follows it and says
    # no). The walk stops at `out_dir` as given, not as resolved: a relative or not yet created output folder would
    # otherwise walk up past itself and be refused.
    probe = folder
    missing: list[Path] = []
    while not (probe.exists() or probe.is_symlink()) and probe != out_dir:
        missing.append(probe)
        probe = probe.parent
    try:
        inside = probe.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop (Python 3.11/3.12)
        inside = False
    if not inside:
        raise ValueError(f"refusing to write outside the output folder: {relative!r}")
    return missing


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


class PublishError(OSError):
    """A batch's commit failed; every file it had replaced was put back, except `unrestored`.

    `filename` is the file whose write failed, `restored` how many files were put back to their
    previous bytes (a file the batch created counts once it is removed again), `unrestored` the
    files that still hold the batch's bytes because putting them back failed too.
    """

    def __init__(self, cause: OSError, target: Path, restored: int, unrestored: list[Path]) -> None:
        super().__init__(cause.errno, cause.strerror or str(cause), str(target))
        self.restored = restored
        self.unrestored = unrestored

    def outcome(self, out_dir: Path) -> str:
        """What holds after the failure, in one line."""
        if not self.unrestored:
            return f"nothing published ({self.restored} files restored)" if self.restored else "nothing published"
        names = ", ".join(_shown(out_dir, path) for path in self.unrestored)
        return (
            f"published in part: {len(self.unrestored)} file(s) hold new bytes and could not be restored:"
            f" {names}; every other file holds its previous bytes"
        )


def _shown(out_dir: Path, path: Path) -> str:
    try:
        return str(path.relative_to(out_dir))
    except ValueError:
        return str(path)


class BatchWriter:
    """Write many files with one sync instead of two fsyncs each, and publish all of them or none.

    Changed files are first written to temporary files beside their targets; `commit`
    then makes all of them durable with one sync, renames each over its target, and
    syncs again so the renames last. A crash at any point leaves every target either
    the old complete file or the new complete one; an fsync per file is far slower on a
    site with thousands of tag feeds.

    Until the last rename has succeeded, `commit` keeps each replaced file's previous bytes
    under a hidden name (a hard link: no copy, and the target is never missing), so that a
    rename failing half-way puts every file back as it was.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._pending: list[tuple[str, Path]] = []
        self._doomed: list[Path] = []
        self._root: Path | None = None
        # Folders checked by safe_target's rule and known to exist. While the build holds the lock
        # nothing else writes into the output folder, so one check per folder holds for the batch.
        self._ready: set[Path] = set()
        # Folders that did not exist before this batch staged into them (here or in a worker): a batch
        # that is not published removes those it leaves empty.
        self._made: set[Path] = set()

    def add(self, relative: str, data: bytes) -> bool:
        """Stage `data` for `relative`; False (and nothing staged) when the file already holds it."""
        target = _named_target(self.out_dir, relative)
        folder = target.parent
        ready = folder in self._ready
        if not ready:
            self._made.update(self._check(folder, relative))
        tmp = _write_temp(target, data, durable=False, folder_exists=ready)
        self._ready.add(folder)
        if tmp is None:
            return False
        self._pending.append((tmp, target))
        return True

    def add_state(self, name: str, data: bytes) -> bool:
        """Stage a state file of the output folder itself (the manifest), whose name is hidden on purpose."""
        if "/" in name or os.sep in name or name in ("", ".", ".."):
            raise ValueError(f"not a state file name: {name!r}")
        tmp = _write_temp(self.out_dir / name, data, durable=False)
        if tmp is None:
            return False
        self._pending.append((tmp, self.out_dir / name))
        return True

    def expect(self, relatives: Iterable[str]) -> None:
        """Files that other writers (worker processes) will stage for this batch: the folders they
        will create are this batch's to remove again if it is not published, even those of workers
        whose staged files never reach `adopt` (a worker that failed, a stopped build)."""
        seen: set[Path] = set()
        for relative in relatives:
            folder = _named_target(self.out_dir, relative).parent
            if folder not in seen and folder not in self._ready:
                seen.add(folder)
                self._made.update(self._check(folder, relative))

    def _check(self, folder: Path, relative: str) -> list[Path]:
        if self._root is None:
            self._root = self.out_dir.resolve()
        return _check_folder(self.out_dir, self._root, folder, relative)

    def remove(self, relative: str) -> None:
        """Delete `relative` with the commit (a pruned feed), and put it back if the commit fails."""
        self._doomed.append(safe_target(self.out_dir, relative))

    def stats_as_published(self, relatives: list[str]) -> dict[str, os.stat_result]:
        """What stat() will say of each of these files once this batch is committed: a staged file's
        temp file's (a rename keeps size and time), else the file's own; files that do not exist are left out."""
        staged = {str(target): tmp for tmp, target in self._pending}
        found: dict[str, os.stat_result] = {}
        for relative in relatives:
            target = str(self.out_dir / relative)
            with contextlib.suppress(OSError):
                found[relative] = os.stat(staged.get(target, target))
        return found

    def take(self) -> list[tuple[str, Path]]:
        """Hand the staged files over (to the process that will publish them)."""
        staged, self._pending = self._pending, []
        return staged

    def adopt(self, staged: list[tuple[str, Path]]) -> None:
        """Publish files another writer staged, with this writer's commit."""
        self._pending.extend(staged)

    def commit(self) -> None:
        """Publish every staged file and removal, or none: raises PublishError once all is put back.

        SIGTERM and SIGINT are held from the first rename on: one that arrives meanwhile takes effect
        once every file is new (or, when a rename failed, old again), never between two renames.
        """
        if not self._pending and not self._doomed:
            return
        pending, doomed = self._pending, self._doomed
        self._pending, self._doomed = [], []
        # (target, its previous bytes' hidden name or None when it had none), in the order applied.
        applied: list[tuple[Path, str | None]] = []
        kept: list[str] = []
        undone: tuple[int, list[tuple[Path, str | None]]] = (0, [])
        published = False
        target = self.out_dir
        try:
            previous = []
            for target in [*(t for _, t in pending), *doomed]:
                backup = _keep_previous(target)
                previous.append(backup)
                if backup is not None:
                    kept.append(backup)
            # One sync makes the staged bytes (and any backup copy) durable before the first rename.
            os.sync()
            with _stops_held():
                try:
                    for (tmp, target), backup in zip(pending, previous, strict=False):
                        os.replace(tmp, target)
                        applied.append((target, backup))
                    for target, backup in zip(doomed, previous[len(pending) :], strict=True):
                        if backup is None:
                            continue  # already gone
                        os.unlink(target)
                        applied.append((target, backup))
                except BaseException:
                    undone = _roll_back(applied)
                    raise
                os.sync()
                published = True
                for backup in kept:
                    with contextlib.suppress(OSError):
                        os.unlink(backup)
                _remove_empty_folders(self.out_dir, [t.parent for t in doomed])
                self._made.clear()
        except BaseException as exc:
            if published:
                raise  # a stop held during the renames, taking effect now that all is published
            restored, failed = undone
            for tmp, _ in pending:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            # A backup whose restore failed still holds the previous bytes: it is left for the sweep of
            # leftovers, the rest go now.
            still_needed = {backup for _, backup in failed}
            for backup in kept:
                if backup not in still_needed:
                    with contextlib.suppress(OSError):
                        os.unlink(backup)
            self._remove_made()
            if isinstance(exc, OSError):
                raise PublishError(exc, target, restored, [t for t, _ in failed]) from exc
            raise

    def discard(self) -> None:
        """Drop what is staged: its temporary files, and the folders made for them that are left empty.

        Files that workers staged and never handed over must be swept first (remove_leftovers), or
        their folders are not empty yet.
        """
        for tmp, _ in self._pending:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self._pending.clear()
        self._doomed.clear()
        self._remove_made()

    def _remove_made(self) -> None:
        """Remove the folders this batch made that are empty; a folder that was there before stays."""
        if not self._made:
            return
        for folder in sorted(self._made, key=lambda f: len(f.parts), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()
        self._made.clear()
        self._ready.clear()


@contextlib.contextmanager
def _stops_held() -> Iterator[None]:
    """SIGTERM and SIGINT wait until the block is done, then take effect.

    They are blocked for this thread, so the kernel keeps them pending, and, in the main thread,
    their Python handlers are swapped for one that only notes them: a signal sent to the process
    goes to any thread that does not block it (a progress bar's monitor thread), and Python then
    runs the handler in the main thread all the same. On leaving, the handlers are put back, the
    signals unblocked (a pending one is handled then) and one that was noted is raised again.
    """
    noted: list[int] = []
    swapped: dict[signal.Signals, Callable[[int, FrameType | None], object] | int | signal.Handlers] = {}
    if threading.current_thread() is threading.main_thread():
        for stop in _STOPS:
            handler = signal.getsignal(stop)
            if handler is not None:  # None: set outside Python, and then not Python's to put back
                swapped[stop] = handler
                signal.signal(stop, lambda number, _frame: noted.append(number))
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    try:
        yield
    finally:
        for stop, handler in swapped.items():
            signal.signal(stop, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        if noted:
            signal.raise_signal(noted[0])


def _keep_previous(target: Path) -> str | None:
    """A hidden second name for `target`'s current bytes; None when there is no file to keep."""
    try:
        mode = target.lstat().st_mode
    except FileNotFoundError:
        return None
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        return None  # a folder in the way: the rename fails, and nothing needs keeping
    prefix = f".{target.name.lstrip('.')}{TMP_MARK}was-"
    for attempt in range(100):
        backup = os.path.join(target.parent, f"{prefix}{os.getpid()}-{attempt}")
        try:
            os.link(target, backup, follow_symlinks=False)
            return backup
        except FileExistsError:
            continue
        except OSError:
            # No hard links here (some file systems, or a file this user may not link): a copy.
            return _copy_previous(target)
    return _copy_previous(target)


def _copy_previous(target: Path) -> str:
    """`target`'s bytes (or a symbolic link's text) kept under a hidden name, by copying."""
    prefix = f".{target.name.lstrip('.')}{TMP_MARK}was-"
    if target.is_symlink():
        for attempt in range(100):
            backup = os.path.join(target.parent, f"{prefix}{os.getpid()}-link-{attempt}")
            try:
                os.symlink(os.readlink(target), backup)
                return backup
            except FileExistsError:
                continue
        raise FileExistsError(errno.EEXIST, "no free name for a backup", str(target))
    fd, backup = tempfile.mkstemp(prefix=prefix, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle, target.open("rb") as source:
            shutil.copyfileobj(source, handle)
        shutil.copymode(target, backup)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(backup)
        raise
    return backup


def _roll_back(applied: list[tuple[Path, str | None]]) -> tuple[int, list[tuple[Path, str | None]]]:
    """Put back what `applied` changed, newest first; (files put back, the changes that could not be undone)."""
    restored = 0
    failed: list[tuple[Path, str | None]] = []
    for target, backup in reversed(applied):
        try:
            if backup is None:
                os.unlink(target)
            else:
                os.replace(backup, target)
        except FileNotFoundError:
            restored += backup is None  # a new file already gone is as good as removed
            if backup is not None:
                failed.append((target, backup))
        except OSError:
            failed.append((target, backup))
        else:
            restored += 1
    failed.reverse()
    return restored, failed


def _remove_empty_folders(out_dir: Path, folders: list[Path]) -> None:
    """Remove the folders in `folders` that are left empty, and their emptied parents, up to `out_dir`."""
    for folder in sorted(set(folders), key=lambda f: len(f.parts), reverse=True):
        while folder != out_dir and folder.is_relative_to(out_dir):
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent
