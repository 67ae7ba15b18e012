"""Hypothesis builds sites from random posts: the build never raises and every feed it writes parses.

Posts get random front matter (any shape YAML can hold, known keys with wrong or odd
values, raw text between the fences, TOML), random Unicode in titles, tags and bodies
(control characters and lone surrogates included), byte-order marks, CRLF line ends,
and truncation at any byte.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import feedparser
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from feedwright.config import config_from_mapping
from feedwright.engine.build import BuildOptions, run_build

from .conftest import LINUXCN_SITE, NOW

FUZZ = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

GOOD = "---\ntitle: Steady post {n}\ndate: 2024-01-0{n} 10:00:00\ntags: [steady]\n---\nAlways fine.\n"

# Text that YAML can write: no lone surrogates (those come in through raw text and bodies).
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
NASTY = st.sampled_from(
    ["", " ", "..", "../../etc/passwd", ".hidden", "a/b", "CON", "C++", "!!!", "\x00", "\x1b[31m", "\ufffe", "x" * 300,
     "javascript:alert(1)", "/relative/path.png", "https://example.org/a b", "urn:uuid:1", "yes", "10:00", "3.10",
     "2024-01-05", "2024-1-5 8:00", "0001-01-01", "9999-12-31 23:59:59", "硬核观察", "<script>x</script>", "\\r\\n",
     "urn:a\x01b", "a\x0bb", "https://example.org/\x00", "mailto:x", "{slug}", "%2e%2e", "\u202e", "\u0301"]
)  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    TEXT,
    NASTY,
    st.dates(),
    st.datetimes(timezones=st.sampled_from([None, UTC, timezone(timedelta(hours=-11, minutes=-30))])),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT | NASTY, inner, max_size=4),
    max_leaves=12,
)
KNOWN_KEYS = [
    "title", "date", "updated", "lastmod", "tags", "keywords", "categories", "category", "summary", "excerpt",
    "description", "largepic", "image", "cover", "permalink", "url", "slug", "id", "draft", "author", "authors",
    "split", "comments_data", "count",
]  # fmt: skip
DATES = st.one_of(
    st.datetimes(),
    st.dates(),
    st.sampled_from(["2024-01-05 10:00:00", "2024-1-5", "2024-01-05T10:00:00+08:00", "Fri, 05 Jan 2024 10:00:00 GMT"]),
    SCALARS,
)
# Dates that keep a post in the feeds (past, not skipped as future), so that its odd values reach rendering.
PAST_DATES = st.one_of(
    st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2026, 1, 1)),
    st.dates(min_value=date(1970, 1, 2), max_value=date(2026, 1, 1)),
    st.sampled_from(["2024-01-05 10:00:00", "2024-1-5", "2023-01-17 19:01:21", "Tue, 17 Jan 2023 19:01:21 +0800"]),
)
SMALL_NAMES = st.lists(TEXT | NASTY, max_size=3)
FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "title": TEXT | NASTY | VALUES,
    "date": DATES,
    "draft": st.sampled_from([False, None, "no", "", True]),
    "updated": DATES,
    "tags": SMALL_NAMES | TEXT | NASTY | VALUES,
    "categories": SMALL_NAMES | st.just("硬核观察") | VALUES,
    "authors": st.lists(
        TEXT | NASTY | st.fixed_dictionaries({"name": TEXT | NASTY, "email": NASTY, "uri": NASTY}), max_size=2
    ),
    "author": NASTY | st.fixed_dictionaries({"name": NASTY, "email": NASTY}),
    "id": NASTY,
    "permalink": NASTY | TEXT,
    "slug": NASTY | TEXT,
    "largepic": NASTY,
    "cover": NASTY | st.fixed_dictionaries({"image": NASTY | TEXT}),
}


@st.composite
def kept_front_matter(draw: st.DrawFn) -> dict[Any, Any]:
    """Well-formed enough to be kept (a title, a past date), then several known keys with odd values."""
    data: dict[Any, Any] = {"title": draw(st.text(min_size=1, max_size=40) | NASTY), "date": draw(PAST_DATES)}
    others = [key for key in KNOWN_KEYS if key not in data]
    for key in draw(st.lists(st.sampled_from(others), min_size=1, max_size=8, unique=True)):
        data[key] = draw(FIELD_VALUES.get(key, VALUES))
    if draw(st.booleans()):
        data.update(draw(st.dictionaries(TEXT, VALUES, max_size=3)))
    return data


FRONT_MATTER = st.one_of(
    kept_front_matter(),
    kept_front_matter(),
    kept_front_matter(),
    st.dictionaries(st.sampled_from(KNOWN_KEYS) | TEXT, VALUES, max_size=6),
    VALUES,  # a list, a scalar, nothing
)
BODY_PARTS = st.one_of(
    st.text(max_size=80),  # any code point, lone surrogates and controls included
    st.sampled_from(
        ["\n### A news item\n", "\n## Heading\n", "\n![图](/data/a.jpg)\n", "[link](/x) ", "<script>alert(1)</script>",
         "<iframe src='https://evil.example/'></iframe>", "> 消息来源：[src](https://example.org/s)\n", "\n---\n",
         "```\ncode\n```\n", "| a | b |\n|---|---|\n| 1 | 2 |\n", "[^1]\n\n[^1]: note\n", "<b onclick=x>bold</b>",
         "&#0; &#xFFFE; &amp;", "\x00\x08\x0b\x0c\ufffe\uffff", "\ud800", "\n回音\n", "**消息来源**：https://x.example\n"]
    ),
)  # fmt: skip


def dump_yaml(data: Any) -> str:
    try:
        return yaml.safe_dump(data, allow_unicode=True, default_flow_style=None, sort_keys=False)
    except (yaml.YAMLError, ValueError, OverflowError):
        return "title: unrepresentable\n"


@st.composite
def post_bytes(draw: st.DrawFn) -> bytes:
    shape = draw(st.sampled_from(["yaml", "yaml", "yaml", "raw", "toml", "none"]))
    body = "".join(draw(st.lists(BODY_PARTS, max_size=6)))
    if shape == "yaml":
        text = f"---\n{dump_yaml(draw(FRONT_MATTER))}---\n{body}"
    elif shape == "raw":
        lines = draw(
            st.lists(st.text(max_size=30) | st.sampled_from(["title: t", "date: 2024-01-05", "- a", "a: &x [*x]"]))
        )
        text = "---\n" + "\n".join(lines) + "\n---\n" + body
    elif shape == "toml":
        title = json.dumps(draw(TEXT))
        text = f"+++\ntitle = {title}\ndate = 2024-01-05T10:00:00Z\n{draw(st.text(max_size=30))}\n+++\n{body}"
    else:
        text = body
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 5)) == 0:
        data = b"\xef\xbb\xbf" + data
    if draw(st.integers(0, 3)) == 0:
        data = data[: draw(st.integers(0, len(data)))]  # truncated, possibly inside a character
    if draw(st.integers(0, 10)) == 0:
        data = data.decode("utf-8", "replace").encode("gb18030")
    return data


def check_output(out: Path) -> int:
    """Every feed file parses; returns how many were checked."""
    checked = 0
    for path in sorted(out.rglob("*")):
        if path.name in ("atom.xml", "rss.xml"):
            etree.parse(str(path))
            parsed = feedparser.parse(path.read_bytes())
            assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
            checked += 1
        elif path.name == "feed.json":
            feed = json.loads(path.read_text(encoding="utf-8"))
            assert isinstance(feed["items"], list)
            checked += 1
        elif path.name == "feeds.opml":
            etree.parse(str(path))
    return checked


# Each build fsyncs every file it writes; on a RAM file system that costs nothing, which keeps
# the examples fast enough for a useful count. Behaviour is the same on any file system.
_SCRATCH = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def build_site(posts: list[bytes], **config: Any) -> tuple[Path, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="fw-fuzz-", dir=_SCRATCH))
    folder = tmp / "posts"
    folder.mkdir()
    for n in (1, 2, 3):
        (folder / f"steady{n}.md").write_text(GOOD.format(n=n), encoding="utf-8")
    for i, content in enumerate(posts):
        (folder / f"fuzz{i}.md").write_bytes(content)
    data = {
        "site": dict(LINUXCN_SITE),
        "posts": "posts",
        "output": "out",
        "split": {"categories": ["硬核观察"]},
        **config,
    }
    try:
        report = run_build(config_from_mapping(data, root=tmp), BuildOptions(now=NOW, jobs=1))
    except BaseException:
        _remove(tmp)  # the caller's `finally` never sees a folder it was not given
        raise
    return tmp, report


@FUZZ
@given(st.lists(post_bytes(), min_size=1, max_size=3))
def test_random_posts_never_break_the_build(posts: list[bytes]) -> None:
    tmp, report = build_site(posts)
    try:
        if report.aborted:
            assert report.posts_rejected * 2 > report.posts_read + report.posts_rejected
            return
        assert check_output(tmp / "out") >= 6  # at least the site and articles feeds
        site = feedparser.parse((tmp / "out" / "atom.xml").read_bytes())
        assert {"Steady post 1", "Steady post 2", "Steady post 3"} <= {e.title for e in site.entries}
        for problem in report.problems:
            assert "\n" not in problem.format()
    finally:
        _remove(tmp)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(post_bytes(), min_size=1, max_size=2), st.booleans())
def test_random_posts_with_sanitising_off(posts: list[bytes], drafts: bool) -> None:
    tmp, report = build_site(posts, sanitize={"enabled": False}, include_drafts=drafts, include_future=drafts)
    try:
        if not report.aborted:
            check_output(tmp / "out")
    finally:
        _remove(tmp)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.text(min_size=1, max_size=60) | NASTY, min_size=1, max_size=4),
    st.text(max_size=60),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2026, 1, 1)) | st.dates(max_value=date(2026, 1, 1)),
)
def test_unicode_titles_and_tags(tags: list[str], title: str, when: datetime | date) -> None:
    front = yaml.safe_dump({"tags": tags, "categories": tags[:1], "date": when}, allow_unicode=True)
    # The title goes in raw, as a person types it (any code point), quoted for YAML.
    text = f"---\ntitle: {json.dumps(title)}\n{front}---\n# {title}\n\n{title}\n"
    tmp, report = build_site([text.encode("utf-8", "surrogatepass")])
    try:
        assert not report.aborted
        check_output(tmp / "out")
        out = (tmp / "out").resolve()
        for path in out.rglob("*"):
            assert path.resolve().is_relative_to(out)
    finally:
        _remove(tmp)


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
