"""Bad and hostile posts through the real command line (issue 4, items 1, 2 and 5).

Each case builds a small site whose posts folder holds three good posts and the bad
input, with `python -m feedwright build`, and checks: the problem line
(`PATH[:LINE]: LEVEL: message`), the exit code (0, or 1 with --strict when a post
was rejected), that the good posts' feeds were written and parse, that no traceback
was printed, and, for hostile input, that nothing outside the output folder changed.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import feedparser
import pytest
import yaml
from lxml import etree

from feedwright.slug import slugify

PROBLEM_LINE = re.compile(r"^(?P<path>\S.*?)(?::(?P<line>\d+))?: (?P<level>error|warning): (?P<message>\S.*)$")
FEED_FILES = ("atom.xml", "rss.xml", "feed.json")
GOOD_TITLES = ("Good post 1", "Good post 2", "Good post 3")
# The XML 1.0 characters issue 4 names: C0 controls but tab/LF/CR, U+FFFE/U+FFFF.
XML_FORBIDDEN = "".join(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]) + "\ufffe\uffff"
FORBIDDEN_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def good_post(n: int) -> str:
    return (
        f"---\ntitle: Good post {n}\ndate: 2024-01-0{n} 10:00:00\ntags: [linux, shared]\ncategories: [技术]\n"
        f"---\nThe body of good post {n}.\n"
    )


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    out: Path

    @property
    def problems(self) -> list[re.Match[str]]:
        return [m for m in map(PROBLEM_LINE.match, self.stderr.splitlines()) if m]

    def about(self, path: str, level: str | None = None) -> list[re.Match[str]]:
        return [m for m in self.problems if m["path"] == path and (level is None or m["level"] == level)]

    def feed_text(self) -> str:
        """Every feed file's text, for checking that something did or did not get in."""
        return "\n".join(p.read_text(encoding="utf-8") for p in sorted(self.out.rglob("*")) if p.is_file())


class Site:
    """A config, a posts folder with three good posts, and an output folder under `root`."""

    def __init__(self, root: Path, config: dict[str, Any] | None = None) -> None:
        self.root = root
        self.posts = root / "posts"
        self.out = root / "out"
        self.posts.mkdir(parents=True, exist_ok=True)
        data: dict[str, Any] = {
            "site": {"title": "Test site", "base_url": "https://example.org/", "timezone": "Asia/Shanghai"},
            "posts": "posts",
            "output": "out",
        }
        for key, value in (config or {}).items():
            data[key] = {**data[key], **value} if isinstance(data.get(key), dict) else value
        (root / "config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        for n in (1, 2, 3):
            self.write(f"good{n}.md", good_post(n))

    def write(self, name: str, content: str | bytes) -> Path:
        path = self.posts / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def build(self, *args: str, limit_memory: bool = False, timeout: float = 120) -> Run:
        def cap_memory() -> None:  # pragma: no cover - runs in the child
            resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

        result = subprocess.run(
            [sys.executable, "-m", "feedwright", "build", "-c", "config.yaml", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
            preexec_fn=cap_memory if limit_memory else None,
            check=False,
        )
        return Run(result.returncode, result.stdout, result.stderr, self.out)


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path / "site")


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Site]:
    return lambda **config: Site(tmp_path / "site", config)


def parse_feed(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    return parsed


def assert_clean_run(run: Run, *, aborted: bool = False) -> None:
    """No traceback; every stderr line a problem line (or, when aborted, the summary)."""
    assert "Traceback" not in run.stderr, run.stderr
    for line in run.stderr.splitlines():
        if aborted and line.startswith("feedwright: aborted"):
            continue
        assert PROBLEM_LINE.match(line), f"not a problem line: {line!r}"


def assert_good_feeds(run: Run, expected_titles: tuple[str, ...] = GOOD_TITLES) -> None:
    """The site, article, tag and category feeds exist, parse, and hold the good posts."""
    out = run.out
    for folder in (out, out / "articles", out / "tags" / "linux", out / "categories" / "技术"):
        for name in FEED_FILES:
            assert (folder / name).is_file(), f"{folder / name} was not written"
        titles = {e.title for e in parse_feed(folder / "atom.xml").entries}
        assert set(expected_titles) <= titles, f"{folder}: {titles}"
        assert set(expected_titles) <= {e.title for e in parse_feed(folder / "rss.xml").entries}
        items = json.loads((folder / "feed.json").read_text(encoding="utf-8"))["items"]
        assert set(expected_titles) <= {i["title"] for i in items}
    for path in out.rglob("*.xml"):
        etree.parse(str(path))  # lxml: well-formed, no forbidden characters
        parse_feed(path)
    for path in out.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))


def site_titles(run: Run) -> set[str]:
    return {e.title for e in parse_feed(run.out / "atom.xml").entries}


# --- one bad post among good ones ------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    content: str | bytes
    level: str  # "error": the post is rejected; "warning": it is kept
    message: str  # a regular expression the message must match
    line: int | None = None  # the line the problem must name, when it has one
    title: str | None = None  # for a kept post: its title in the feeds
    config: dict[str, Any] | None = None
    strict: bool | None = None  # also build with --strict (always for errors; each costs a process)


BILLION_LAUGHS = (
    "---\ntitle: Bomb\ndate: 2024-01-05\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
    + "tags: *i\n---\nbody\n"
)

CASES: dict[str, Case] = {
    "no front matter": Case("Just some text.\n\n# A heading\n", "error", r"no front matter.*'---'", line=1),
    "yaml: bad token": Case(
        "---\ntitle: ok\ndate: 2024-01-05\nsummary: @handle\n---\nbody\n", "error", r"not valid YAML", line=4
    ),
    "yaml: bad indentation": Case(
        "---\ntitle: ok\n  date: 2024-01-05\n---\nbody\n", "error", r"not valid YAML.*indentation", line=3
    ),
    "yaml: error further down": Case(
        "---\ntitle: ok\ndate: 2024-01-05\ntags:\n  - a\n  - b\nsummary: |\n  one\n  two\nx: 'unclosed\ny: 1\n"
        "---\nbody\n",
        "error",
        r"not valid YAML",
        line=10,  # where the quote opens, not the end of the front matter where YAML notices
    ),
    "yaml: bad token, with BOM and CRLF": Case(
        "\ufeff---\r\ntitle: ok\r\ndate: 2024-01-05\r\nsummary: @handle\r\n---\r\nbody\r\n",
        "error",
        r"not valid YAML",
        line=4,
    ),
    "front matter never closed": Case("---\ntitle: ok\ndate: 2024-01-05\nbody\n", "error", r"never closed", line=1),
    "front matter is a list": Case("---\n- title\n- date\n---\nbody\n", "error", r"is a list, not a mapping"),
    "front matter is a scalar": Case("---\nJust a sentence\n---\nbody\n", "error", r"not a mapping"),
    "front matter is a number": Case("---\n42\n---\nbody\n", "error", r"not a mapping"),
    "missing title, heading": Case(
        "---\ndate: 2024-01-05\n---\nIntro.\n\n## The heading title\n\nText.\n",
        "warning",
        r"no title.*first heading",
        title="The heading title",
    ),
    "empty title, heading": Case(
        "---\ntitle: '  '\ndate: 2024-01-05\n---\n# Heading as title\n",
        "warning",
        r"first heading",
        title="Heading as title",
    ),
    "title a list, heading": Case(
        "---\ntitle: [a, b]\ndate: 2024-01-05\n---\n# From heading\n",
        "warning",
        r"'title' is a list",
        title="From heading",
    ),
    "missing title, no heading": Case("---\ndate: 2024-01-05\n---\nNo heading here.\n", "error", r"no title.*title:"),
    "missing date": Case(
        "---\ntitle: Undated\n---\nbody\n", "error", r"no date: add 'date: .*date_fallback: git or mtime"
    ),
    "empty date": Case("---\ntitle: Undated\ndate: ''\n---\nbody\n", "error", r"no date"),
    "date not a date": Case(
        "---\ntitle: Soon\ndate: next tuesday\n---\nbody\n",
        "error",
        r"'date': 'next tuesday' is not a date.*2024-01-31",
    ),
    "date impossible": Case("---\ntitle: Leap\ndate: 2023-02-29\n---\nbody\n", "error", r"'date'.*not a valid date"),
    "date a list": Case("---\ntitle: L\ndate: [2024, 1, 5]\n---\nbody\n", "error", r"'date'"),
    "date out of range": Case("---\ntitle: Old\ndate: 0001-01-01 00:00:00\n---\nbody\n", "error", r"'date'.*range"),
    "tags nested lists": Case(
        "---\ntitle: Nested tags\ndate: 2024-01-05\ntags: [[a, b], [c]]\n---\nbody\n",
        "warning",
        r"'tags' holds nested lists",
        title="Nested tags",
    ),
    "tags a mapping": Case(
        "---\ntitle: Map tags\ndate: 2024-01-05\ntags: {a: 1}\n---\nbody\n",
        "warning",
        r"'tags' is a mapping",
        title="Map tags",
    ),
    "GB18030 file": Case(
        "---\ntitle: 旧编码的文章\ndate: 2024-01-05\n---\n正文内容。\n".encode("gb18030"),
        "warning",
        r"GB18030.*UTF-8",
        title="旧编码的文章",
        strict=True,
    ),
    "random bytes": Case(
        b"---\ntitle: x\ndate: 2024-01-05\n---\nok\n" + bytes([0xFF, 0xFE, 0x80, 0x00, 0xC3, 0x28, 0xA0, 0xA1]) * 8,
        "error",
        r"not UTF-8.*save the file as UTF-8",
        line=6,
    ),
    "binary garbage": Case(bytes(range(256)) * 4, "error", r"not UTF-8"),
    "empty file": Case("", "error", r"empty"),
    "only whitespace": Case("\n \n\t\n", "error", r"empty"),
    "over the size limit": Case(
        "---\ntitle: Big\ndate: 2024-01-05\n---\n" + "x" * 5000 + "\n",
        "error",
        r"over the limit of 4,000.*limits.max_post_bytes",
        config={"limits": {"max_post_bytes": 4000}},
    ),
    "XML-forbidden characters": Case(
        f"---\ntitle: 'Con{XML_FORBIDDEN[1:4]}trol'\ndate: 2024-01-05\n---\nBody {XML_FORBIDDEN} end.\n",
        "warning",
        r"removed 3[0-9] control or non-character",
        line=2,
        title="Control",
        strict=True,
    ),
    "lone surrogates": Case(
        "---\ntitle: Surrogates\ndate: 2024-01-05\n---\nA \ud800 B \udfff C \udc80.\n".encode("utf-8", "surrogatepass"),
        "warning",
        r"removed 3 control or non-character",
        line=5,
        title="Surrogates",
    ),
    "control characters as YAML escapes": Case(
        '---\ntitle: "Esc\\x01aped"\ndate: 2024-01-05\nid: "urn:x\\x00y"\n'
        'author: {name: Bob, email: "bob\\x0b@example.org"}\n---\nbody\n',
        "warning",
        r"removed 3 control .* escapes",
        title="Escaped",
    ),
    "impossible date elsewhere": Case(
        "---\ntitle: Reviewed\ndate: 2024-01-05\nreviewed: 2023-02-30\nupdated: 2023-02-31\n---\nbody\n",
        "warning",
        r"'updated'.*not a valid date.*publication date",
        title="Reviewed",
    ),
    "deeply nested front matter": Case(
        "---\ntitle: Deep\ndate: 2024-01-05\nd: " + "[" * 500 + "]" * 500 + "\n---\nbody\n", "error", r"deep"
    ),
    "python object tag": Case(
        "---\ntitle: !!python/object/apply:os.system ['echo owned > owned.txt']\ndate: 2024-01-05\n---\nbody\n",
        "error",
        r"YAML tag '!!python/object/apply:os.system'.*not allowed",
        line=2,
    ),
    "python name tag": Case(
        "---\ntitle: x\ndate: 2024-01-05\nf: !!python/name:os.system\n---\nbody\n", "error", r"!!python/name", line=4
    ),
    "billion laughs": Case(BILLION_LAUGHS, "error", r"too large or nests aliases"),
    "javascript permalink": Case(
        "---\ntitle: JS link\ndate: 2024-01-05\npermalink: 'javascript:alert(1)'\n---\nbody\n",
        "warning",
        r"'permalink' is not an http\(s\) URL",
        title="JS link",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_post(make_site: Callable[..., Site], name: str) -> None:
    case = CASES[name]
    site = make_site(**(case.config or {}))
    site.write("bad.md", case.content)
    before = snapshot(site.root.parent, site.out)

    started = time.monotonic()
    run = site.build(limit_memory=True)
    assert time.monotonic() - started < 60
    assert snapshot(site.root.parent, site.out) == before, "something outside the output folder changed"

    assert_clean_run(run)
    assert run.returncode == 0, run.stderr
    lines = run.about("posts/bad.md")
    assert len(lines) == 1, run.stderr
    problem = lines[0]
    assert problem["level"] == case.level, run.stderr
    assert re.search(case.message, problem["message"]), problem.group(0)
    if case.line is not None:
        assert problem["line"] == str(case.line), problem.group(0)
    if case.level == "error":
        # The post is left out, and only this post.
        assert site_titles(run) == set(GOOD_TITLES)
        assert_good_feeds(run)
    else:
        assert case.title is not None
        assert site_titles(run) == {*GOOD_TITLES, case.title}
        assert_good_feeds(run)
    assert not (site.root / "owned.txt").exists()
    assert not FORBIDDEN_RE.search(run.feed_text())

    if case.strict is False or (case.strict is None and case.level == "warning"):
        return
    strict = site.build("--strict")
    assert_clean_run(strict)
    assert strict.returncode == (1 if case.level == "error" else 0), strict.stderr
    assert len(strict.about("posts/bad.md")) == 1


def test_post_over_the_default_limit(site: Site) -> None:
    # A real 6 MB file against the default 5,000,000-byte limit.
    site.write("huge.md", "---\ntitle: Huge\ndate: 2024-01-05\n---\n" + ("0123456789abcdef" * 64 + "\n") * 6000)
    run = site.build()
    assert_clean_run(run)
    assert run.returncode == 0
    [problem] = run.about("posts/huge.md", "error")
    assert re.search(r"over the limit of 5,000,000", problem["message"])
    assert_good_feeds(run)


def test_missing_date_with_mtime_fallback(make_site: Callable[..., Site]) -> None:
    site = make_site(date_fallback="mtime")
    path = site.write("undated.md", "---\ntitle: Undated\n---\nbody\n")
    when = datetime(2024, 3, 4, 5, 6, 7, tzinfo=UTC)
    os.utime(path, (when.timestamp(), when.timestamp()))
    run = site.build()
    assert_clean_run(run)
    assert run.returncode == 0
    assert run.about("posts/undated.md", "error") == []
    entry = next(e for e in parse_feed(run.out / "atom.xml").entries if e.title == "Undated")
    assert datetime.fromisoformat(entry.published) == when
    assert_good_feeds(run)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_missing_date_with_git_fallback(make_site: Callable[..., Site]) -> None:
    site = make_site(date_fallback="git")
    site.write("undated.md", "---\ntitle: Undated\n---\nbody\n")
    when = "2023-05-06T07:08:09+02:00"
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "posts"]):
        subprocess.run([*git, *args], cwd=site.posts, check=True, env=env, capture_output=True)
    run = site.build()
    assert_clean_run(run)
    assert run.returncode == 0
    entry = next(e for e in parse_feed(run.out / "atom.xml").entries if e.title == "Undated")
    assert datetime.fromisoformat(entry.published) == datetime(2023, 5, 6, 7, 8, 9, tzinfo=timezone(timedelta(hours=2)))


@pytest.mark.parametrize(
    ("tags", "feeds"),
    [
        ("'alpha, beta'", {"alpha", "beta"}),  # a comma-separated string
        ("2024", {"2024"}),  # a number
        ("3.10", {"3-10"}),  # a number that must keep its spelling
        ("null", set()),
        ("[[alpha], [beta, [gamma]]]", {"alpha", "beta", "gamma"}),  # nested lists
        ("[no, on]", {"no", "on"}),  # YAML 1.1 booleans
    ],
)
def test_tag_shapes_become_tag_feeds(site: Site, tags: str, feeds: set[str]) -> None:
    site.write("tagged.md", f"---\ntitle: Tagged\ndate: 2024-01-05\ntags: {tags}\n---\nbody\n")
    run = site.build("--strict")
    assert_clean_run(run)
    assert run.returncode == 0
    assert run.about("posts/tagged.md", "error") == []
    made = {p.name for p in (run.out / "tags").iterdir()} - {"linux", "shared"}
    assert made == feeds
    for slug in feeds:
        assert [e.title for e in parse_feed(run.out / "tags" / slug / "atom.xml").entries] == ["Tagged"]
    assert_good_feeds(run)


@pytest.mark.parametrize(
    "front",
    [
        "permalink: /same/",  # the same permalink
        "id: urn:uuid:5f0c7b8e-7c41-4d8e-9d3a-2f8b7c6d5e4f",  # the same front matter id
    ],
)
def test_duplicate_ids_name_both_files(site: Site, front: str) -> None:
    site.write("dup-a.md", f"---\ntitle: First\ndate: 2024-01-05\n{front}\n---\nbody\n")
    site.write("dup-b.md", f"---\ntitle: Second\ndate: 2024-01-06\n{front}\n---\nbody\n")
    run = site.build()
    assert_clean_run(run)
    assert run.returncode == 0
    lines = [m for m in run.problems if m["level"] == "error"]
    assert len(lines) == 1, run.stderr
    assert "posts/dup-a.md" in lines[0].group(0) and "posts/dup-b.md" in lines[0].group(0)
    assert re.search(r"same id/permalink.*'permalink' or 'slug'", lines[0]["message"])
    titles = site_titles(run)
    assert len(titles & {"First", "Second"}) == 1  # one is kept, one left out
    ids = [e.id for e in parse_feed(run.out / "atom.xml").entries]
    assert len(ids) == len(set(ids))
    assert_good_feeds(run)
    assert site.build("--strict").returncode == 1


@pytest.mark.parametrize(("earlier", "later"), [("a-first.md", "z-second.md"), ("z-first.md", "a-second.md")])
def test_of_two_posts_with_one_permalink_the_earlier_keeps_it(site: Site, earlier: str, later: str) -> None:
    site.write(later, "---\ntitle: Later\ndate: 2024-02-01\npermalink: /same/\n---\nbody\n")
    site.write(earlier, "---\ntitle: Earlier\ndate: 2024-01-01\npermalink: /same/\n---\nbody\n")
    run = site.build()
    assert run.returncode == 0
    [line] = [m for m in run.problems if m["level"] == "error"]
    assert line["path"] == f"posts/{later}", run.stderr
    assert "published earlier" in line["message"]
    titles = site_titles(run)
    assert "Earlier" in titles and "Later" not in titles


# --- hostile input ------------------------------------------------------------------------------------

HOSTILE_NAMES = [
    "../../etc/passwd",
    "..",
    ".",
    ".hidden",
    "a/b",
    "/absolute",
    "..\\..\\windows",
    "CON",
    "nul.txt",
    "x" * 300,
    "中" * 200,
    "!!!",
    "???",
    "~",
    "-",
    "tags",
    "%2e%2e%2f",
]


def snapshot(root: Path, skip: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every path under `root` outside `skip`, with its mode and content.

    The build cache (`.feedwright-cache`, kept beside the config on purpose so that
    the web server never serves it) is left out.
    """
    seen: dict[str, tuple[int, bytes | None]] = {}
    for path in sorted(root.rglob("*")):
        if path == skip or skip in path.parents or ".feedwright-cache" in path.parts:
            continue
        info = path.lstat()
        seen[str(path.relative_to(root))] = (info.st_mode, path.read_bytes() if path.is_file() else None)
    return seen


def test_hostile_tag_names_stay_inside_their_folder(tmp_path: Path) -> None:
    site = Site(tmp_path / "deep" / "site")
    tags = json.dumps(HOSTILE_NAMES, ensure_ascii=False)
    site.write("hostile.md", f"---\ntitle: Hostile\ndate: 2024-01-05\ntags: {tags}\ncategories: {tags}\n---\nbody\n")
    # Bait where a traversal would land.
    (tmp_path / "deep" / "etc").mkdir()
    (tmp_path / "deep" / "etc" / "passwd").write_text("root:x:0:0\n", encoding="utf-8")
    before = snapshot(tmp_path, site.out)

    run = site.build()

    assert_clean_run(run)
    assert run.returncode == 0
    assert snapshot(tmp_path, site.out) == before, "something outside the output folder changed"
    out = site.out.resolve()
    for path in site.out.rglob("*"):
        assert path.resolve().is_relative_to(out)
        assert not path.is_symlink()
    # Every name the feed carries (as the post normalised it) has its own folder, named by its slug.
    [entry] = [e for e in parse_feed(site.out / "atom.xml").entries if e.title == "Hostile"]
    names = {t.term for t in entry.tags}
    assert len(names) == len(HOSTILE_NAMES)
    for kind, extra in (("tags", {"linux", "shared"}), ("categories", {"技术"})):
        folders = sorted(p for p in (site.out / kind).iterdir())
        assert {p.name for p in folders} == {slugify(n) for n in names | extra}
        for folder in folders:
            assert folder.is_dir() and folder.parent == site.out / kind
            assert not folder.name.startswith(".")
            assert len(folder.name.encode("utf-8")) <= 120
            assert sorted(p.name for p in folder.iterdir()) == sorted((*FEED_FILES, "index.html"))  # the feed page
            for name in ("atom.xml", "rss.xml"):
                parse_feed(folder / name)
    assert_good_feeds(run)


def test_symbolic_links_leading_outside_are_not_followed(tmp_path: Path) -> None:
    site = Site(tmp_path / "site")
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.md").write_text("---\ntitle: SECRET DIARY\ndate: 2024-01-05\n---\nsecret\n", encoding="utf-8")
    (site.posts / "leak.md").symlink_to(outside / "secret.md")
    (site.posts / "leaked-folder").symlink_to(outside, target_is_directory=True)

    run = site.build("--strict")

    assert_clean_run(run)
    assert run.returncode == 0  # warnings only
    for name in ("posts/leak.md", "posts/leaked-folder"):
        [warning] = run.about(name, "warning")
        assert "outside the posts folder" in warning["message"]
    assert "SECRET DIARY" not in run.feed_text()
    assert_good_feeds(run)


HOSTILE_HTML = """---
title: Hostile HTML
date: 2024-01-05
---
Text <script>alert('script')</script> more.

<img src="/x.png" onerror="alert('onerror')" onload="alert('onload')">

<a href="javascript:alert('href')">plain</a>
<a href="JaVaScRiPt:alert('mixed case')">mixed</a>
<a href="  javascript:alert('spaced')">spaced</a>
<a href="vbscript:msgbox('vb')">vb</a>
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>
<a href="https://example.org/ok" onclick="alert('onclick')">ok link</a>

<div onmouseover="alert('div')" style="background:url(javascript:alert('style'))">div</div>
<svg onload="alert('svg')"><circle r="1"/></svg>
<form action="javascript:alert('form')"><input onfocus="alert('input')" autofocus></form>

<iframe src="https://www.youtube.com/embed/abc123" width="560" height="315"></iframe>
<iframe src="https://evil.example/frame"></iframe>
<iframe src="http://www.youtube.com/embed/plain-http"></iframe>
"""


def contents(run: Run) -> tuple[str, str]:
    """The post's HTML as written in the JSON Feed and in the Atom file (raw, not sanitised by a parser)."""
    items = json.loads((run.out / "feed.json").read_text(encoding="utf-8"))["items"]
    json_html = next(i["content_html"] for i in items if i["title"] == "Hostile HTML")
    atom = etree.parse(str(run.out / "atom.xml"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = next(e for e in atom.iterfind("a:entry", ns) if e.findtext("a:title", namespaces=ns) == "Hostile HTML")
    return json_html, entry.findtext("a:content", namespaces=ns) or ""


def test_raw_html_is_sanitised(site: Site) -> None:
    site.write("html.md", HOSTILE_HTML)
    run = site.build()
    assert_clean_run(run)
    assert run.returncode == 0
    for html in contents(run):
        lowered = html.lower()
        assert "<script" not in lowered
        assert "alert(" not in lowered, html
        assert re.search(r"\son\w+\s*=", lowered) is None, html
        assert "javascript:" not in lowered
        assert "vbscript:" not in lowered
        assert "data:text/html" not in lowered
        assert "evil.example" not in lowered
        assert 'src="https://www.youtube.com/embed/abc123"' in html
        assert 'href="https://example.org/ok"' in html
        assert 'src="https://example.org/x.png"' in html  # the image stays, absolute
        assert "plain-http" not in html  # only https players
    assert_good_feeds(run)


def test_sanitising_can_be_switched_off(make_site: Callable[..., Site]) -> None:
    site = make_site(sanitize={"enabled": False})
    site.write("html.md", HOSTILE_HTML)
    run = site.build()
    assert_clean_run(run)
    assert run.returncode == 0
    for html in contents(run):
        assert "<script>alert('script')</script>" in html
        assert "evil.example" in html
    assert_good_feeds(run)


def test_iframe_from_an_unlisted_host_is_dropped_whole(site: Site) -> None:
    site.write("html.md", HOSTILE_HTML)
    run = site.build()
    for html in contents(run):
        assert html.count("<iframe") == 1, html  # only the YouTube player


def test_custom_iframe_allow_list(make_site: Callable[..., Site]) -> None:
    site = make_site(sanitize={"iframe_hosts": ["evil.example"]})
    site.write("html.md", HOSTILE_HTML)
    run = site.build()
    for html in contents(run):
        assert "https://evil.example/frame" in html
        assert "youtube.com" not in html


def test_alias_bomb_is_rejected_fast_with_bounded_memory(site: Site) -> None:
    site.write("bomb.md", BILLION_LAUGHS)
    started = time.monotonic()
    run = site.build(limit_memory=True, timeout=60)
    assert time.monotonic() - started < 20
    assert_clean_run(run)
    assert run.returncode == 0
    [problem] = run.about("posts/bomb.md", "error")
    assert "aliases" in problem["message"]
    assert "lol" not in run.feed_text()
    assert_good_feeds(run)


def test_dates_before_standard_time_zones_are_valid_in_every_format(site: Site) -> None:
    site.write("old.md", "---\ntitle: Old post\ndate: 1899-12-31 10:00:00\n---\nbody\n")
    run = site.build()
    assert run.returncode == 0
    items = json.loads((run.out / "feed.json").read_text(encoding="utf-8"))["items"]
    assert re.search(r"[+-]\d\d:\d\d$", next(i for i in items if i["title"] == "Old post")["date_published"])
    atom = (run.out / "atom.xml").read_text(encoding="utf-8")
    rss = (run.out / "rss.xml").read_text(encoding="utf-8")
    assert re.search(r"<published>1899-12-3\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)</published>", atom), atom
    assert re.search(r"<pubDate>\w{3}, \d\d \w{3} 1899 \d\d:\d\d:\d\d [+-]\d{4}</pubDate>", rss), rss


# --- nothing is lost by accident ---------------------------------------------------------------------


def broken(n: int) -> str:
    return f"---\ntitle: Broken {n}\ndate: not a date\n---\nbody\n"


def output_state(out: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(out)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != ".feedwright.lock"
    }


def test_when_most_posts_fail_nothing_is_written_and_good_output_stays(site: Site) -> None:
    first = site.build()
    assert first.returncode == 0
    assert_good_feeds(first)
    before = output_state(site.out)
    time.sleep(0.02)  # so that a rewrite would show in the mtimes

    # One bad edit breaks two of the three posts, and two new posts are broken too: 4 of 5 fail.
    site.write("good1.md", broken(1))
    site.write("good2.md", broken(2))
    site.write("new1.md", broken(3))
    site.write("new2.md", broken(4))
    run = site.build()

    assert_clean_run(run, aborted=True)
    assert run.returncode == 1
    errors = [m for m in run.problems if m["level"] == "error"]
    assert {m["path"] for m in errors} >= {"posts/good1.md", "posts/good2.md", "posts/new1.md", "posts/new2.md"}
    assert any("max_failure_ratio" in m["message"] and "nothing written" in m["message"] for m in errors)
    assert output_state(site.out) == before, "the earlier good output must be left untouched"
    assert_good_feeds(first)


def test_a_first_run_where_most_posts_fail_writes_no_feed(tmp_path: Path) -> None:
    site = Site(tmp_path / "site")
    for n in (1, 2):
        site.write(f"good{n}.md", broken(n))
    run = site.build()
    assert_clean_run(run, aborted=True)
    assert run.returncode == 1
    written = (
        [p for p in site.out.rglob("*") if p.is_file() and p.name != ".feedwright.lock"] if site.out.exists() else []
    )
    assert written == []


def test_exactly_half_failing_still_builds(site: Site) -> None:
    # "more than half" aborts; half does not (3 good, 3 bad).
    for n in (1, 2, 3):
        site.write(f"bad{n}.md", broken(n))
    run = site.build()
    assert_clean_run(run)
    assert run.returncode == 0
    assert_good_feeds(run)
