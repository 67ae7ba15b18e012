"""The cache can only cost time: whatever happens to its file, a build ends in one warning and the
output of a clean cold build, and the next plain run recovers."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from feedwright.config import Config
from feedwright.engine import cache, process, publish
from feedwright.engine.build import BuildOptions, BuildReport, cache_path, run_build
from feedwright.pipeline import build_site

from .conftest import CORPUS, NOW, needs_corpus, write_post
from .regenerate_golden import published_files
from .test_faults import build as build_cli
from .test_faults import cold, make_site, one_line, published

PAGE = 4096


@pytest.fixture
def site(tmp_path: Path, make_config: Callable[..., Config]) -> Config:
    """The real corpus, copied so that tests may edit it (155 posts: enough for worker processes)."""
    needs_corpus()
    shutil.copytree(CORPUS, tmp_path / "posts")
    return make_config(tmp_path / "posts")


@pytest.fixture
def quick_locks(monkeypatch: pytest.MonkeyPatch) -> None:
    # A locked cache is given up after this long, not the 5 s a real run waits.
    monkeypatch.setattr(cache, "BUSY_SECONDS", 0.2)


def edit_one(config: Config) -> None:
    post = sorted(config.posts_dir().rglob("*.md"))[3]
    post.write_text(post.read_text("utf-8") + "\nOne more paragraph.\n", "utf-8")


def built(config: Config, *, jobs: int = 2, faults: int | None = 1, **options: bool) -> BuildReport:
    """One build, checked: `faults` cache warnings (None: at most one), exit 0, and the output of a cold build."""
    report = run_build(config, BuildOptions(now=NOW, jobs=jobs, **options))
    cache_lines = [p.format() for p in report.problems if p.path == str(cache_path(config))]
    if faults is None:
        assert len(cache_lines) <= 1, cache_lines
    else:
        assert len(cache_lines) == faults, cache_lines
    assert all(": warning: cache " in line for line in cache_lines), cache_lines
    assert (report.cache_fault is not None) == bool(cache_lines)
    assert report.exit_code(strict=False) == 0
    assert report.aborted is None
    assert published_files(config.output_dir()) == build_site(config, NOW).files
    return report


def recovers(config: Config) -> None:
    """The next plain runs: no warning, the cache in use again (the second one reads no post)."""
    built(config, faults=0)
    again = built(config, faults=0)
    assert again.posts_parsed == 0


def test_a_directory_in_the_cache_s_place(site: Config) -> None:
    built(site, faults=0)
    path = cache_path(site)
    cache.remove_files(path)
    path.mkdir()
    for _ in range(2):
        report = built(site)
        assert "a directory is in its place" in report.problems[-1].message
        assert "built without it" in report.problems[-1].message
        assert path.is_dir()
    path.rmdir()
    recovers(site)


def test_a_file_in_the_cache_folder_s_place(site: Config) -> None:
    folder = cache_path(site).parent
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("not a folder")
    assert built(site).problems[-1].message.endswith(f"{folder} is not a folder); built without it")
    built(site, no_cache=True)
    folder.unlink()
    recovers(site)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Another process's exclusive lock on the cache, as the sqlite3 shell takes it."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.usefixtures("quick_locks")
def test_a_cache_locked_by_another_process_from_the_start(site: Config) -> None:
    built(site, faults=0)
    edit_one(site)
    with locked(cache_path(site)):
        report = built(site)
    assert "database is locked" in report.problems[-1].message
    # Never removed for a lock: the next run finds every post it held.
    assert cache_path(site).is_file()
    assert built(site, faults=0).posts_parsed == 1
    recovers(site)


@pytest.mark.usefixtures("quick_locks")
@pytest.mark.parametrize("hook", ["render_saved", "render_stale"])
def test_a_cache_locked_by_another_process_mid_run(site: Config, monkeypatch: pytest.MonkeyPatch, hook: str) -> None:
    """Locked between two of the build's commits: before the new HTML is stored (the build starts over
    without the cache), or while the feeds render (all is published; only the run's record is lost)."""
    built(site, faults=0)
    edit_one(site)
    module = process if hook == "render_saved" else publish
    real = getattr(module, hook)
    with contextlib.ExitStack() as holder:

        def then_locked(*args: object, **kwargs: object) -> object:
            monkeypatch.setattr(module, hook, real)
            holder.enter_context(locked(cache_path(site)))
            return real(*args, **kwargs)

        monkeypatch.setattr(module, hook, then_locked)
        report = built(site)
    assert "database is locked" in report.problems[-1].message
    assert report.cache_fault is not None
    assert ("started over" in report.cache_fault) == (hook == "render_saved")
    after = "output written; the next run catches up"
    assert report.problems[-1].message.endswith(after if hook == "render_stale" else "built without it")
    assert report.files_written > 0
    assert cache_path(site).is_file()
    recovers(site)


def test_a_cache_deleted_between_runs(site: Config) -> None:
    built(site, faults=0)
    cache.remove_files(cache_path(site))
    edit_one(site)
    assert built(site, faults=0).cache_note == "new cache"
    recovers(site)


@pytest.mark.parametrize("hook", ["fill_bodies", "render_stale"])
def test_a_cache_deleted_mid_run_while_workers_need_it(
    site: Config, monkeypatch: pytest.MonkeyPatch, hook: str
) -> None:
    """Workers open the cache file by name: gone, they cannot, and the parent hears it as a cache fault."""
    module = process if hook == "fill_bodies" else publish
    name = "render_saved" if hook == "fill_bodies" else "render_stale"
    real = getattr(module, name)

    def deleting(*args: object, **kwargs: object) -> object:
        cache.remove_files(cache_path(site))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, deleting)
    report = built(site, jobs=2)
    assert "unable to open database file" in report.problems[-1].message
    assert report.cache_fault is not None and "BodyReader" in report.cache_fault
    monkeypatch.setattr(module, name, real)
    recovers(site)


def corrupt_pages(path: Path, pages: list[int]) -> None:
    size = path.stat().st_size
    with path.open("r+b") as handle:
        for page in pages:
            if page * PAGE >= size:
                continue
            handle.seek(page * PAGE)
            handle.write(bytes((page * 37 + n * 101) % 256 for n in range(PAGE)))


@pytest.mark.parametrize("pages", [[4], [5], [40], [120], [300], list(range(5, 351, 23))])
def test_a_damaged_cache_page_is_found_at_any_point_of_a_run(site: Config, pages: list[int]) -> None:
    """SQLite checks a page only when it reads it: damage may show at open, at a no-op run, or only
    when an edit makes the run read a post's index, header or HTML."""
    built(site, faults=0)
    path = cache_path(site)
    assert path.stat().st_size > 60 * PAGE
    corrupt_pages(path, pages)
    noop = built(site, faults=None)
    edit_one(site)
    edited = built(site, faults=None)
    # Found once, whenever it was found; the damaged file was then removed, or rebuilt at open.
    assert not (noop.cache_fault and edited.cache_fault)
    recovers(site)


def test_damaged_rows_are_found_when_a_feed_needs_them(site: Config) -> None:
    """Bytes changed inside a row, where SQLite checks nothing: zlib's check on packed HTML and headers
    finds them (a damaged index row is just read again, see test_cache.py)."""
    built(site, faults=0)
    db = sqlite3.connect(cache_path(site))
    for table, column in (("bodies", "html"), ("headers", "header")):
        damage = f"CAST(substr({column}, 1, 3) || x'00ff00ff' || substr({column}, 8) AS BLOB)"
        db.execute(f"UPDATE {table} SET {column} = {damage}")
    db.commit()
    db.close()
    edit_one(site)
    report = built(site)
    assert report.problems[-1].message.startswith("cache damaged (")
    assert report.problems[-1].message.endswith("; removed it, built with a new one")
    assert cache_path(site).is_file()
    assert built(site, faults=0).posts_parsed == 0


def limited(monkeypatch: pytest.MonkeyPatch, pages: int) -> None:
    """The cache file may grow to this many pages: SQLite's own 'database or disk is full'."""
    real = cache.Cache._prepare

    def prepare(db: sqlite3.Connection) -> None:
        real(db)
        if db.execute("PRAGMA database_list").fetchone()[2]:  # a file, not the cache held in memory
            db.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(cache.Cache, "_prepare", staticmethod(prepare))


def test_a_full_cache_is_kept_and_skipped(site: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    limited(monkeypatch, 60)
    for _ in range(2):
        report = built(site)
        assert "database or disk is full" in report.problems[-1].message
        # Full is no damage: the file is kept.
        assert cache_path(site).is_file()
    monkeypatch.undo()
    recovers(site)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB file system where the cache lives, when this machine lets a test mount one."""
    folder = tmp_path / ".feedwright-cache"
    folder.mkdir()
    if sys.platform != "linux" or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs Linux and mount(8)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.decode(errors='replace').strip()})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_under_the_cache(site: Config, small_disk: Path) -> None:
    for _ in range(2):
        report = built(site)
        assert "full" in report.problems[-1].message
        assert cache_path(site).is_file()
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    built(site, faults=0)
    recovers(site)


def test_a_post_the_file_system_refused_is_read_again_once_readable(
    tmp_path: Path, make_config: Callable[..., Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    """chmod and a flaky disk change no stat: a rejection that came from them must not be kept."""
    posts = tmp_path / "posts"
    for n in range(3):
        write_post(
            posts, f"p{n}.md", f"---\ntitle: Post {n}\ndate: 2024-01-0{n + 1}\ntags: [Linux]\n---\n\nBody {n}.\n"
        )
    config = make_config(posts)
    real_open = Path.open

    def refusing(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "p1.md":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", refusing)
    for parsed in (3, 1):
        report = run_build(config, BuildOptions(now=NOW, jobs=1))
        assert [p.message for p in report.problems] == ["cannot read the file: Permission denied"]
        assert (report.posts_read, report.posts_rejected) == (2, 1)
        # Read again each time, not replayed: this run's reading may be the one that succeeds.
        assert report.posts_parsed == parsed and report.feeds_planned > 0
    monkeypatch.undo()
    report = run_build(config, BuildOptions(now=NOW, jobs=1))
    assert (report.problems, report.posts_read, report.posts_parsed) == ([], 3, 1)
    assert published_files(config.output_dir()) == build_site(config, NOW).files
    assert run_build(config, BuildOptions(now=NOW, jobs=1)).feeds_planned == 0


def test_a_post_rejected_for_its_content_is_remembered(tmp_path: Path, make_config: Callable[..., Config]) -> None:
    posts = tmp_path / "posts"
    write_post(posts, "good.md", "---\ntitle: Good\ndate: 2024-01-05\n---\n\nBody.\n")
    write_post(posts, "bad.md", "---\ntitle: [oops\n---\n")
    config = make_config(posts)
    run_build(config, BuildOptions(now=NOW, jobs=1))
    again = run_build(config, BuildOptions(now=NOW, jobs=1))
    assert (again.posts_rejected, again.posts_parsed, again.feeds_planned) == (1, 0, 0)


def test_the_command_line_says_it_once_and_more_with_v(tmp_path: Path) -> None:
    needs_corpus()
    shutil.copytree(CORPUS, tmp_path / "posts")
    (tmp_path / "config.yaml").write_text(
        "site:\n  title: T\n  base_url: https://example.org/\nposts: posts\noutput: out\n", "utf-8"
    )
    folder = tmp_path / ".feedwright-cache"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / name).mkdir()

    def feedwright(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "feedwright", "build", "--jobs", "2", *args]
        return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)

    first = feedwright()
    assert first.returncode == 0, first.stderr
    cache_file = next(folder.glob("*.sqlite"))
    cache.remove_files(cache_file)
    cache_file.mkdir()
    done = feedwright("-v")
    assert done.returncode == 0
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if "cache" in line]
    assert lines == [
        f"{cache_file}: warning: cache unusable (unable to open database file: a directory is in its place);"
        " built without it"
    ]
    assert "feedwright: cache failed: unable to open database file: a directory is in its place in Cache.open;" in (
        done.stdout
    )
    assert "the file was left as it is; the build started over after" in done.stdout


def test_a_read_only_cache_folder(site: Config, small_disk: Path) -> None:
    """A file system mounted read-only refuses root too, as chmod does not."""
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    built(site, faults=0)
    edit_one(site)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    for _ in range(2):
        report = built(site)
        assert report.problems[-1].message.endswith(": its folder is read-only); built without it")
    subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert built(site, faults=0).posts_parsed == 1
    recovers(site)


def flip(cache_file: Path, table: str, column: str, post: str, old: bytes, new: bytes) -> None:
    """Change `old` to `new` (as long) inside one post's row, as a bad disk block would: SQLite's own
    structure stays sound, so only the row's checksum can tell."""
    assert len(old) == len(new)
    db = sqlite3.connect(cache_file)
    try:
        rows = db.execute(f"SELECT rowid, {column} FROM {table} WHERE path LIKE ?", (f"%{post}",)).fetchall()
        assert rows, (table, post)
        for rowid, value in rows:
            data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
            if not old:  # no text to change: flip a bit in the middle
                middle = len(data) // 2
                damaged = data[:middle] + bytes([data[middle] ^ 0x10]) + data[middle + 1 :]
            else:
                assert old in data, (table, data[:200])
                damaged = data.replace(old, new, 1)
            stored = damaged.decode("utf-8") if isinstance(value, str) else damaged
            db.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (stored, rowid))
        db.commit()
    finally:
        db.close()


@pytest.mark.parametrize(
    ("table", "column", "old", "new"),
    [
        ("bodies", "summary", b"No setup.py", b"Mo setup.py"),  # published as text in every format
        ("refs", "ref", b"Packaging", b"Packagimg"),  # the index feeds are planned from: a tag's name
        ("headers", "header", b"", b""),  # compressed: zlib would tell too
        ("bodies", "html", b"", b""),
    ],
)
def test_a_row_changed_on_disk_is_found_by_its_checksum_and_never_published(
    tmp_path: Path, table: str, column: str, old: bytes, new: bytes
) -> None:
    site = make_site(tmp_path / "site")
    first = build_cli(site)
    assert (first.returncode, first.stderr) == (0, "")
    [cache_file] = (site / ".feedwright-cache").glob("*.sqlite")
    flip(cache_file, table, column, "packaging-a-python-cli.md", old, new)
    # Another post of the same feeds changes: the site feed is rendered again from every post it holds.
    other = site / "posts" / "2023" / "05" / "self-hosting-a-feed-reader.md"
    other.write_text(other.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    result = build_cli(site)
    assert result.returncode == 0
    assert one_line(result) == (
        f"{cache_file}: warning: cache damaged (a damaged row in {table} (its checksum does not match));"
        " removed it, built with a new one"
    )
    assert published(site / "feeds") == cold(site, tmp_path)
    again = build_cli(site)
    assert (again.returncode, again.stderr) == (0, "")
    assert published(site / "feeds") == cold(site, tmp_path)


def test_a_kept_report_changed_on_disk_is_not_replayed(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    assert build_cli(site).returncode == 0
    expected = published(site / "feeds")
    [cache_file] = (site / ".feedwright-cache").glob("*.sqlite")
    db = sqlite3.connect(cache_file)
    db.execute("UPDATE meta SET value = replace(value, '\"posts_read\":12', '\"posts_read\":11') WHERE key = 'report'")
    db.commit()
    db.close()
    result = build_cli(site, "-v")
    assert (result.returncode, result.stderr) == (0, "")
    # Planned again from the cached posts, none of them read: the report is this run's own.
    assert "13 post files, 0 parsed anew, 0 of 26 feeds rendered" in result.stdout
    assert "done: 12 posts read" in result.stdout
    assert published(site / "feeds") == expected
