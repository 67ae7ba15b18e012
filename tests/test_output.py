"""write/: atomic write-if-changed, paths outside the output folder refused, leftovers cleaned, the lock."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
from filelock import FileLock

from feedwright.write import atomic
from feedwright.write.atomic import (
    TMP_MARK,
    BatchWriter,
    atomic_write,
    remove_leftovers,
    safe_target,
    write_if_changed,
)
from feedwright.write.lock import LOCK_NAME, LockBusy, build_lock

OLD = b"<feed>old</feed>\n"
NEW = b"<feed>new, and longer</feed>\n"
SAME_SIZE = b"<feed>OLD</feed>\n"


def _temps(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if TMP_MARK in p.name)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _age(path: Path, seconds: int = 3600) -> int:
    """Put the file's mtime well in the past, so that any rewrite shows; returns the new mtime_ns."""
    past = path.stat().st_mtime_ns - seconds * 1_000_000_000
    os.utime(path, ns=(past, past))
    return past


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


# --- write_if_changed / atomic_write -------------------------------------------------------------


def test_writes_a_new_file_and_its_folders(out: Path) -> None:
    assert write_if_changed(out, "tags/开源/atom.xml", NEW) is True
    target = out / "tags" / "开源" / "atom.xml"
    assert target.read_bytes() == NEW
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # readable by the web server, not mkstemp's 0600
    assert _temps(out) == []


def test_unchanged_file_keeps_its_bytes_inode_and_mtime(out: Path) -> None:
    write_if_changed(out, "atom.xml", OLD)
    target = out / "atom.xml"
    mtime = _age(target)
    inode = target.stat().st_ino
    assert write_if_changed(out, "atom.xml", OLD) is False
    assert target.read_bytes() == OLD
    assert target.stat().st_mtime_ns == mtime  # readers' conditional GETs keep answering 304
    assert target.stat().st_ino == inode
    assert _temps(out) == []


@pytest.mark.parametrize("data", [NEW, SAME_SIZE, b""], ids=["longer", "same-size", "empty"])
def test_changed_file_is_replaced(out: Path, data: bytes) -> None:
    write_if_changed(out, "feed.json", OLD)
    target = out / "feed.json"
    mtime = _age(target)
    assert write_if_changed(out, "feed.json", data) is True
    assert target.read_bytes() == data
    assert target.stat().st_mtime_ns > mtime
    assert _temps(out) == []


def test_nothing_but_the_targets_is_left_after_many_writes(out: Path) -> None:
    names = [f"tags/t{i}/{name}" for i in range(5) for name in ("atom.xml", "rss.xml", "feed.json")]
    for round_ in range(3):
        for name in names:
            write_if_changed(out, name, f"{name} {round_}".encode())
    assert sorted(_files(out)) == sorted(names)
    assert _temps(out) == []


@pytest.mark.parametrize("broken", ["fsync", "replace", "fdopen-write"])
def test_failure_mid_write_keeps_the_old_file_and_no_temp(
    out: Path, monkeypatch: pytest.MonkeyPatch, broken: str
) -> None:
    write_if_changed(out, "rss.xml", OLD)
    target = out / "rss.xml"
    mtime = _age(target)

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    if broken == "fsync":
        monkeypatch.setattr(atomic.os, "fsync", fail)
    elif broken == "replace":
        monkeypatch.setattr(atomic.os, "replace", fail)
    else:
        real_fdopen = os.fdopen

        class HalfWriter:
            """Writes half the bytes, then the disk is full."""

            def __init__(self, fd: int, mode: str) -> None:
                self._handle = real_fdopen(fd, mode)

            def __enter__(self) -> HalfWriter:
                return self

            def __exit__(self, *exc: object) -> None:
                self._handle.close()

            def write(self, data: bytes) -> int:
                self._handle.write(data[: len(data) // 2])
                self._handle.flush()
                raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(atomic.os, "fdopen", HalfWriter)

    with pytest.raises(OSError, match="No space left"):
        write_if_changed(out, "rss.xml", NEW)
    assert target.read_bytes() == OLD
    assert target.stat().st_mtime_ns == mtime
    assert _temps(out) == []
    assert sorted(_files(out)) == ["rss.xml"]


def test_interrupt_mid_write_keeps_the_old_file_and_no_temp(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_if_changed(out, "atom.xml", OLD)

    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_if_changed(out, "atom.xml", NEW)
    assert (out / "atom.xml").read_bytes() == OLD
    assert _temps(out) == []


def test_failure_writing_a_new_file_leaves_nothing(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(atomic.os, "fsync", fail)
    with pytest.raises(OSError):
        write_if_changed(out, "tags/x/atom.xml", NEW)
    assert not (out / "tags" / "x" / "atom.xml").exists()
    assert _temps(out) == []


def test_temp_file_sits_beside_its_target_and_is_hidden(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """os.replace is atomic only within one file system, and a web server must not serve the half-written file."""
    seen: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(src: str, dst: str | Path) -> None:
        seen.append((str(src), str(dst)))
        assert Path(src).read_bytes() == NEW  # complete and fsynced before the rename
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", spy)
    write_if_changed(out, "tags/a/feed.json", NEW)
    [(src, dst)] = seen
    assert Path(src).parent == Path(dst).parent == out / "tags" / "a"
    assert Path(src).name.startswith(".") and TMP_MARK in Path(src).name


def test_a_symlink_at_the_target_is_replaced_never_followed(out: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"precious")
    (out / "atom.xml").symlink_to(outside)
    assert write_if_changed(out, "atom.xml", NEW) is True
    assert outside.read_bytes() == b"precious"
    assert not (out / "atom.xml").is_symlink()
    assert (out / "atom.xml").read_bytes() == NEW


def test_atomic_write_may_write_dotted_names(out: Path) -> None:
    """The manifest is a dot file: atomic_write takes a full path and does not apply safe_target's rules."""
    assert atomic_write(out / ".feedwright-manifest.json", b"{}\n") is True
    assert atomic_write(out / ".feedwright-manifest.json", b"{}\n") is False
    assert _temps(out) == []


# --- BatchWriter --------------------------------------------------------------------------------


def test_batch_stages_hidden_temps_and_replaces_only_on_commit(out: Path) -> None:
    write_if_changed(out, "atom.xml", OLD)
    write_if_changed(out, "tags/a/rss.xml", OLD)
    kept = out / "tags" / "a" / "rss.xml"
    mtime = _age(kept)
    writer = BatchWriter(out)
    assert writer.add("atom.xml", NEW) is True
    assert writer.add("tags/a/rss.xml", OLD) is False  # unchanged: nothing staged
    assert writer.add("tags/b/feed.json", NEW) is True
    # Until commit, readers still see the old files, and nothing new is visible under its real name.
    assert (out / "atom.xml").read_bytes() == OLD
    assert not (out / "tags" / "b" / "feed.json").exists()
    temps = _temps(out)
    assert len(temps) == 2
    assert all(t.name.startswith(".") for t in temps)
    assert {t.parent for t in temps} == {out, out / "tags" / "b"}  # beside their targets: rename is atomic
    writer.commit()
    assert (out / "atom.xml").read_bytes() == NEW
    assert (out / "tags" / "b" / "feed.json").read_bytes() == NEW
    assert stat.S_IMODE((out / "tags" / "b" / "feed.json").stat().st_mode) == 0o644
    assert kept.stat().st_mtime_ns == mtime
    assert _temps(out) == []
    writer.discard()  # after commit: nothing left to discard
    writer.commit()  # an empty batch is fine
    assert (out / "atom.xml").read_bytes() == NEW


def test_batch_syncs_the_data_before_the_first_rename(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A power cut after a rename must not find the new name pointing at data never written."""
    events: list[str] = []
    real_replace = os.replace
    monkeypatch.setattr(atomic.os, "sync", lambda: events.append("sync"))

    def replace(src: str, dst: str | Path) -> None:
        events.append("replace")
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    writer = BatchWriter(out)
    writer.add("atom.xml", NEW)
    writer.add("rss.xml", NEW)
    writer.commit()
    assert events == ["sync", "replace", "replace", "sync"]


def test_batch_discard_leaves_old_files_and_no_temps(out: Path) -> None:
    write_if_changed(out, "atom.xml", OLD)
    writer = BatchWriter(out)
    writer.add("atom.xml", NEW)
    writer.add("tags/new/atom.xml", NEW)
    writer.discard()
    assert (out / "atom.xml").read_bytes() == OLD
    assert not (out / "tags" / "new" / "atom.xml").exists()
    assert _temps(out) == []


def test_batch_failure_while_staging_leaves_no_temp(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_if_changed(out, "atom.xml", OLD)
    writer = BatchWriter(out)
    writer.add("rss.xml", NEW)

    def fail(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "chmod", fail)
    with pytest.raises(OSError, match="No space"):
        writer.add("atom.xml", NEW)
    monkeypatch.undo()
    assert len(_temps(out)) == 1  # only the earlier, staged file
    writer.discard()
    assert _temps(out) == []
    assert (out / "atom.xml").read_bytes() == OLD


def _failing_replace(monkeypatch: pytest.MonkeyPatch, nth: int, *also: str) -> list[tuple[str, str]]:
    """Make the `nth` os.replace fail, and every later one onto a target named in `also`; returns the calls."""
    real_replace = os.replace
    calls: list[tuple[str, str]] = []

    def flaky(src: str, dst: str | Path) -> None:
        calls.append((str(src), str(dst)))
        if len(calls) == nth or (len(calls) > nth and Path(dst).name in also):
            raise OSError(errno.EIO, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", flaky)
    return calls


def test_batch_failure_mid_commit_puts_every_file_back(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """All or nothing: the files renamed before the failure get their previous bytes (and inode) back."""
    names = ["a/atom.xml", "b/atom.xml", "c/atom.xml"]
    for name in names:
        write_if_changed(out, name, OLD)
    before = {name: ((out / name).stat().st_ino, _age(out / name)) for name in names}
    writer = BatchWriter(out)
    for name in names:
        writer.add(name, NEW)
    writer.add("new/deeper/atom.xml", NEW)
    _failing_replace(monkeypatch, 3)
    with pytest.raises(atomic.PublishError) as caught:
        try:
            writer.commit()
        finally:
            writer.discard()  # what the build does
    assert [(out / n).read_bytes() for n in names] == [OLD, OLD, OLD]
    assert {n: ((out / n).stat().st_ino, (out / n).stat().st_mtime_ns) for n in names} == before
    assert not (out / "new").exists(), "a folder made only for the failed batch is removed again"
    assert _temps(out) == []
    error = caught.value
    assert (error.errno, error.filename, error.restored, error.unrestored) == (
        errno.EIO,
        str(out / "c/atom.xml"),
        2,
        [],
    )
    assert error.outcome(out) == "nothing published (2 files restored)"


def test_batch_failure_on_the_first_rename_publishes_nothing(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_if_changed(out, "atom.xml", OLD)
    writer = BatchWriter(out)
    writer.add("atom.xml", NEW)
    writer.add("rss.xml", NEW)
    _failing_replace(monkeypatch, 1)
    with pytest.raises(atomic.PublishError) as caught:
        writer.commit()
    assert _files(out) == {"atom.xml": OLD}
    assert caught.value.outcome(out) == "nothing published"


def test_batch_failure_removes_new_files_it_had_published(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_if_changed(out, "z.xml", OLD)
    writer = BatchWriter(out)
    writer.add("tags/new/atom.xml", NEW)
    writer.add("atom.xml", NEW)
    writer.add("z.xml", NEW)
    _failing_replace(monkeypatch, 3)
    with pytest.raises(atomic.PublishError, match="Input/output") as caught:
        writer.commit()
    assert _files(out) == {"z.xml": OLD}
    assert not (out / "tags").exists()
    assert caught.value.restored == 2


def test_batch_failure_names_exactly_the_files_it_could_not_put_back(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["a.xml", "b.xml", "c.xml", "d.xml"]
    for name in names:
        write_if_changed(out, name, OLD)
    writer = BatchWriter(out)
    for name in names:
        writer.add(name, NEW)
    _failing_replace(monkeypatch, 4, "b.xml")  # d.xml fails, then putting back b.xml fails too
    with pytest.raises(atomic.PublishError) as caught:
        writer.commit()
    monkeypatch.undo()
    assert _files(out)["b.xml"] == NEW
    assert {n: data for n, data in _files(out).items() if TMP_MARK not in n} == {
        "a.xml": OLD,
        "b.xml": NEW,
        "c.xml": OLD,
        "d.xml": OLD,
    }
    error = caught.value
    assert error.unrestored == [out / "b.xml"]
    assert error.restored == 2
    assert error.outcome(out) == (
        "published in part: 1 file(s) hold new bytes and could not be restored: b.xml;"
        " every other file holds its previous bytes"
    )
    # b.xml's previous bytes stay under a hidden name, which the sweep of leftovers removes.
    assert [t.read_bytes() for t in _temps(out)] == [OLD]
    assert remove_leftovers(out) == 1


def test_batch_without_hard_links_keeps_copies(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file system without hard links (or a file this user may not link) gets copies instead."""
    write_if_changed(out, "atom.xml", OLD)
    write_if_changed(out, "rss.xml", OLD)

    def no_links(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(atomic.os, "link", no_links)
    writer = BatchWriter(out)
    writer.add("atom.xml", NEW)
    writer.add("rss.xml", NEW)
    _failing_replace(monkeypatch, 2)
    with pytest.raises(atomic.PublishError):
        writer.commit()
    assert _files(out) == {"atom.xml": OLD, "rss.xml": OLD}
    monkeypatch.undo()
    writer.add("atom.xml", NEW)
    writer.commit()
    assert _files(out) == {"atom.xml": NEW, "rss.xml": OLD}


def test_batch_interrupted_mid_commit_puts_every_file_back(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_if_changed(out, "atom.xml", OLD)
    write_if_changed(out, "rss.xml", OLD)
    writer = BatchWriter(out)
    writer.add("atom.xml", NEW)
    writer.add("rss.xml", NEW)
    real_replace = os.replace
    calls = 0

    def interrupt(src: str, dst: str | Path) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        writer.commit()
    assert _files(out) == {"atom.xml": OLD, "rss.xml": OLD}


def test_batch_removals_happen_with_the_commit_or_not_at_all(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_if_changed(out, "tags/gone/atom.xml", OLD)
    write_if_changed(out, "atom.xml", OLD)
    writer = BatchWriter(out)
    writer.add("atom.xml", NEW)
    writer.remove("tags/gone/atom.xml")
    writer.remove("tags/never-was/atom.xml")
    assert (out / "tags" / "gone" / "atom.xml").exists(), "nothing is removed before the commit"
    real_unlink = os.unlink

    def fail_on_feeds(path: str | Path) -> None:
        if Path(path).name == "atom.xml":
            raise OSError(errno.EACCES, "Permission denied")
        real_unlink(path)

    monkeypatch.setattr(atomic.os, "unlink", fail_on_feeds)
    with pytest.raises(atomic.PublishError):
        writer.commit()
    monkeypatch.undo()
    assert _files(out) == {"atom.xml": OLD, "tags/gone/atom.xml": OLD}
    writer.add("atom.xml", NEW)
    writer.remove("tags/gone/atom.xml")
    writer.commit()
    assert _files(out) == {"atom.xml": NEW}
    assert not (out / "tags").exists(), "folders left empty by a removal go too"


def test_batch_state_files_may_be_hidden_but_not_elsewhere(out: Path) -> None:
    writer = BatchWriter(out)
    assert writer.add_state(".state.json", b"{}") is True
    writer.commit()
    assert (out / ".state.json").read_bytes() == b"{}"
    assert writer.add_state(".state.json", b"{}") is False
    for name in ("a/.b", "..", ""):
        with pytest.raises(ValueError, match="state file"):
            writer.add_state(name, b"x")


def test_batch_refuses_paths_outside(out: Path, tmp_path: Path) -> None:
    (out / "tags").symlink_to(tmp_path, target_is_directory=True)
    writer = BatchWriter(out)
    for relative in ("../x.xml", "/tmp/x.xml", ".hidden", "tags/x/atom.xml"):
        with pytest.raises(ValueError):
            writer.add(relative, NEW)
    writer.commit()
    assert _temps(tmp_path) == []


def test_batch_checks_every_new_folder_for_links_leading_outside(out: Path, tmp_path: Path) -> None:
    """Folders are checked once per writer; each folder not seen yet still is."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (out / "tags").mkdir()
    (out / "real").mkdir()
    (out / "tags" / "evil").symlink_to(outside, target_is_directory=True)
    (out / "tags" / "alias").symlink_to(out / "real", target_is_directory=True)
    writer = BatchWriter(out)
    assert writer.add("tags/a/atom.xml", NEW) is True
    assert writer.add("tags/a/rss.xml", NEW) is True
    for relative in ("tags/evil/atom.xml", "tags/evil/new/atom.xml", "tags/a/../evil/x.xml", "tags/a/.x"):
        with pytest.raises(ValueError):
            writer.add(relative, NEW)
    assert writer.add("tags/alias/atom.xml", NEW) is True
    assert writer.add("tags/alias/rss.xml", NEW) is True
    writer.commit()
    assert list(outside.iterdir()) == []
    assert sorted(_files(out)) == ["real/atom.xml", "real/rss.xml", "tags/a/atom.xml", "tags/a/rss.xml"]


def test_batch_staging_one_target_twice_keeps_the_last(out: Path) -> None:
    writer = BatchWriter(out)
    assert writer.add("tags/a/atom.xml", OLD) is True
    assert writer.add("tags/a/atom.xml", NEW) is True
    assert len(_temps(out)) == 2
    writer.commit()
    assert (out / "tags" / "a" / "atom.xml").read_bytes() == NEW
    assert _temps(out) == []


@pytest.mark.parametrize("planted", ["file", "link", "folder"])
def test_staging_never_opens_what_is_already_at_the_temp_name(out: Path, tmp_path: Path, planted: str) -> None:
    """Temp names are predictable: a file, link or folder already there is left alone, never written through."""
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    spot = out / f".atom.xml{TMP_MARK}{os.getpid()}"
    if planted == "file":
        spot.write_bytes(b"planted")
    elif planted == "link":
        spot.symlink_to(victim)
    else:
        spot.mkdir()
    writer = BatchWriter(out)
    assert writer.add("atom.xml", NEW) is True
    writer.commit()
    assert write_if_changed(out, "atom.xml", OLD) is True
    assert (out / "atom.xml").read_bytes() == OLD
    assert victim.read_bytes() == b"precious"
    assert spot.is_symlink() if planted == "link" else spot.exists()
    if planted == "file":
        assert spot.read_bytes() == b"planted"


def test_remove_leftovers_finds_what_a_killed_batch_staged(out: Path) -> None:
    """A build killed between staging and commit leaves temp files; the next build's clean-up finds them all."""
    write_if_changed(out, "atom.xml", OLD)
    writer = BatchWriter(out)
    for name in ("atom.xml", "tags/a/atom.xml", "tags/a/feed.json", "index.html"):
        writer.add(name, NEW)
    writer.take()  # the process dies here: nothing commits or discards
    assert len(_temps(out)) == 4
    assert remove_leftovers(out) == 4
    assert _temps(out) == []
    assert (out / "atom.xml").read_bytes() == OLD


# --- safe_target ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "relative",
    [
        "..",
        "../escape.xml",
        "tags/../../escape.xml",
        "tags/../atom.xml",
        "/etc/passwd",
        "/tmp/atom.xml",
        ".hidden",
        "tags/.hidden/atom.xml",
        ".feedwright.lock",
        "tags/..hidden/atom.xml",
        "",
        ".",
    ],
)
def test_safe_target_refuses_paths_that_leave_or_hide(out: Path, relative: str) -> None:
    with pytest.raises(ValueError, match="outside the output folder"):
        safe_target(out, relative)


@pytest.mark.parametrize("relative", ["atom.xml", "tags/开源/rss.xml", "categories/a-b/feed.json", "tags/a..b/x"])
def test_safe_target_accepts_plain_paths(out: Path, relative: str) -> None:
    assert safe_target(out, relative) == out / relative


def test_safe_target_refuses_a_symlinked_folder_leading_outside(out: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (out / "tags").symlink_to(outside, target_is_directory=True)
    for relative in ("tags/x/atom.xml", "tags/atom.xml"):
        with pytest.raises(ValueError):
            safe_target(out, relative)
        with pytest.raises(ValueError):
            write_if_changed(out, relative, NEW)
    assert list(outside.iterdir()) == []


def test_safe_target_refuses_a_deeper_symlink_leading_outside(out: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (out / "tags").mkdir()
    (out / "tags" / "evil").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError):
        write_if_changed(out, "tags/evil/atom.xml", NEW)
    with pytest.raises(ValueError):
        write_if_changed(out, "tags/evil/new/deeper/atom.xml", NEW)
    assert list(outside.iterdir()) == []


def test_safe_target_refuses_a_dangling_symlink_leading_outside(out: Path, tmp_path: Path) -> None:
    """exists() is False for a dangling link; it must still be seen, or a later mkdir would follow it."""
    (out / "tags").symlink_to(tmp_path / "outside" / "not-yet", target_is_directory=True)
    with pytest.raises(ValueError):
        safe_target(out, "tags/x/atom.xml")
    assert not (tmp_path / "outside").exists()


def test_safe_target_refuses_a_symlink_loop(out: Path) -> None:
    (out / "loop").symlink_to(out / "loop")
    with pytest.raises(ValueError):
        safe_target(out, "loop/atom.xml")


def test_safe_target_allows_a_symlink_that_stays_inside(out: Path) -> None:
    (out / "real").mkdir()
    (out / "alias").symlink_to(out / "real", target_is_directory=True)
    assert write_if_changed(out, "alias/atom.xml", NEW) is True
    assert (out / "real" / "atom.xml").read_bytes() == NEW


def test_safe_target_allows_an_output_folder_that_is_itself_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "srv-feeds"
    real.mkdir()
    link = tmp_path / "feeds"
    link.symlink_to(real, target_is_directory=True)
    assert write_if_changed(link, "tags/x/atom.xml", NEW) is True
    assert (real / "tags" / "x" / "atom.xml").read_bytes() == NEW


def test_a_relative_output_folder_that_does_not_exist_yet_is_not_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert write_if_changed(Path("feeds"), "atom.xml", NEW) is True
    assert write_if_changed(Path("feeds"), "tags/x/atom.xml", NEW) is True
    assert (tmp_path / "feeds" / "tags" / "x" / "atom.xml").read_bytes() == NEW


# --- remove_leftovers ----------------------------------------------------------------------------


def test_remove_leftovers_removes_stale_temp_files_only(out: Path, tmp_path: Path) -> None:
    keep = {
        "atom.xml": b"a",
        "tags/x/rss.xml": b"b",
        ".feedwright-manifest.json": b"{}",
        ".hidden-note": b"c",
        "tags/x/fw-tmp-but-not-ours.xml": b"d",
        LOCK_NAME: b"",
    }
    stale = [".atom.xml.fw-tmp-abc123", "tags/x/.rss.xml.fw-tmp-k9_z", ".feedwright-manifest.json.fw-tmp-1"]
    for name, data in keep.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    for name in stale:
        (out / name).write_bytes(b"<feed>half")
    # A folder whose name looks like a temp file is not a file: left alone.
    (out / "tags" / ".odd.fw-tmp-dir").mkdir()
    # A symlinked folder leading outside is not walked into.
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / ".atom.xml.fw-tmp-theirs").write_bytes(b"not ours")
    (out / "link").symlink_to(outside, target_is_directory=True)

    assert remove_leftovers(out) == len(stale)
    assert _files(out) == keep
    assert (out / "tags" / ".odd.fw-tmp-dir").is_dir()
    assert (outside / ".atom.xml.fw-tmp-theirs").read_bytes() == b"not ours"
    assert remove_leftovers(out) == 0


def test_remove_leftovers_cleans_what_a_failed_write_left(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A SIGKILL between mkstemp and os.replace leaves a temp file; simulate it by making unlink a no-op."""

    def killed(*args: object) -> None:
        raise OSError(errno.EIO, "the process died here")

    monkeypatch.setattr(atomic.os, "replace", killed)
    monkeypatch.setattr(atomic.os, "unlink", lambda *args: None)
    with pytest.raises(OSError):
        write_if_changed(out, "tags/a/atom.xml", NEW)
    monkeypatch.undo()
    assert len(_temps(out)) == 1
    assert remove_leftovers(out) == 1
    assert _temps(out) == []


def test_remove_leftovers_on_a_missing_folder(tmp_path: Path) -> None:
    assert remove_leftovers(tmp_path / "nope") == 0


# --- removing feeds with a batch's commit (--prune) -----------------------------------------------


def remove_feed_files(out: Path, names: list[str]) -> None:
    writer = BatchWriter(out)
    for name in names:
        writer.remove(name)
    writer.commit()


def test_remove_feed_files_removes_files_and_the_folders_they_leave_empty(out: Path) -> None:
    for name in ("tags/old/atom.xml", "tags/old/rss.xml", "tags/kept/atom.xml", "tags/kept/notes.txt", "atom.xml"):
        write_if_changed(out, name, b"x")
    (out / "tags" / "old" / "sub").mkdir()  # not empty once we are done: an unknown folder in it stays
    (out / "tags" / "old" / "sub" / "keep.txt").write_bytes(b"k")
    (out / "categories" / "gone").mkdir(parents=True)
    write_if_changed(out, "categories/gone/feed.json", b"x")

    remove_feed_files(
        out, ["tags/old/atom.xml", "tags/old/rss.xml", "tags/kept/atom.xml", "categories/gone/feed.json", "no/such"]
    )

    assert sorted(_files(out)) == ["atom.xml", "tags/kept/notes.txt", "tags/old/sub/keep.txt"]
    assert not (out / "categories").exists()  # emptied all the way up, but never the output folder itself
    assert (out / "tags" / "old").is_dir()
    assert out.is_dir()


def test_remove_feed_files_never_removes_the_output_folder(out: Path) -> None:
    write_if_changed(out, "atom.xml", b"x")
    remove_feed_files(out, ["atom.xml"])
    assert out.is_dir()
    assert list(out.iterdir()) == []


def test_remove_feed_files_refuses_paths_outside(out: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.xml"
    victim.write_bytes(b"v")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "atom.xml").write_bytes(b"o")
    (out / "tags").symlink_to(outside, target_is_directory=True)
    for relative in ("../victim.xml", str(victim), "tags/atom.xml"):
        with pytest.raises(ValueError):
            remove_feed_files(out, [relative])
    assert victim.read_bytes() == b"v"
    assert (outside / "atom.xml").read_bytes() == b"o"


# --- build_lock ----------------------------------------------------------------------------------


def test_build_lock_is_exclusive_and_says_so(out: Path) -> None:
    holder = FileLock(str(out / LOCK_NAME))
    holder.acquire()
    try:
        with pytest.raises(LockBusy, match="another feedwright build holds the lock"), build_lock(out, 0):
            pass
    finally:
        holder.release()
    with build_lock(out, 0):
        pass


def test_build_lock_creates_the_folder_and_is_released_on_error(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "out"
    with pytest.raises(RuntimeError), build_lock(folder, 0):
        raise RuntimeError("the build failed")
    assert (folder / LOCK_NAME).exists()  # the file stays; only the kernel lock on it matters
    with build_lock(folder, 0):
        pass
