"""Hostile or fragile input through the real command line: nothing hostile or mangled is published (issue 15).

Each case builds a small site (three good posts and the input under test) with
`python -m feedwright build` and reads the feeds back with feedparser and lxml.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from lxml import etree

from feedwright.model import Problem

from .conftest import CORPUS, needs_corpus
from .test_bad_input import FEED_FILES, PROBLEM_LINE, Run, Site, assert_clean_run, assert_good_feeds, parse_feed

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
OPENSSL_POST = Path("content/2021/05/13381.md")
FENCED = re.compile(r"^```[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`([^`\n]+)`")


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path / "site")


def _entries(run: Run, title: str) -> tuple[etree._Element, etree._Element, dict[str, Any]]:
    """The Atom entry, RSS item and JSON Feed item titled `title` in the site feeds."""
    atom = etree.parse(str(run.out / "atom.xml")).getroot()
    rss = etree.parse(str(run.out / "rss.xml")).getroot()
    items = json.loads((run.out / "feed.json").read_text(encoding="utf-8"))["items"]
    (entry,) = [e for e in atom.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == title]
    (item,) = [i for i in rss.iter("item") if i.findtext("title") == title]
    (json_item,) = [i for i in items if i["title"] == title]
    return entry, item, json_item


def _contents(run: Run, title: str) -> dict[str, str]:
    """The HTML content of the entry titled `title`, as each of the site's three feeds carries it."""
    entry, item, json_item = _entries(run, title)
    return {
        "atom": entry.findtext(f"{ATOM}content") or "",
        "rss": item.findtext(CONTENT) or "",
        "json": json_item["content_html"],
    }


def _code(html: str) -> tuple[list[str], list[str]]:
    """The text of every code block and of every code span in `html`, entities decoded."""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    blocks = [code.text_content() for code in root.iter("code") if code.getparent().tag == "pre"]
    spans = [code.text_content() for code in root.iter("code") if code.getparent().tag != "pre"]
    return blocks, spans


def test_code_samples_in_a_corpus_post_are_published_byte_for_byte(site: Site) -> None:
    """An OpenSSL how-to quotes HTML with href= in its code; the URL absolutizer must not touch it."""
    needs_corpus()
    source = CORPUS / OPENSSL_POST
    shutil.copyfile(source, site.posts / source.name)
    run = site.build()
    assert_clean_run(run)
    assert_good_feeds(run)
    markdown = source.read_text(encoding="utf-8")
    blocks = FENCED.findall(markdown)
    spans = CODE_SPAN.findall(FENCED.sub("", markdown))
    assert any('href="https://www.iana.org/domains/example"' in block for block in blocks)
    assert len(blocks) >= 10 and len(spans) >= 5
    for fmt, html in _contents(run, "用 OpenSSL 替代 Telnet").items():
        assert _code(html) == (blocks, spans), fmt


# --- RSS <description> shows text as text -----------------------------------------------------------

HOSTILE_SUMMARY = "<img src=x onerror=alert(1)> <script>alert(2)</script> Tom & Jerry &amp; <b>bold</b>"


def _shown_as_html(html: str) -> etree._Element:
    """What a reader that takes `html` as HTML makes of it."""
    return lxml.html.fragment_fromstring(html, create_parent="div")


def test_summary_reaches_rss_description_as_text(site: Site) -> None:
    site.write(
        "hostile.md",
        f"---\ntitle: Hostile summary\ndate: 2024-01-05\ntags: ['<img src=y onerror=alert(3)>']\n"
        f"summary: {json.dumps(HOSTILE_SUMMARY)}\n---\nThe body.\n",
    )
    run = site.build()
    assert_clean_run(run)
    assert_good_feeds(run)
    entry, item, json_item = _entries(run, "Hostile summary")
    # RSS: the element holds HTML, so the summary is escaped as HTML, then as XML.
    shown = _shown_as_html(item.findtext("description") or "")
    assert len(shown) == 0, "the description holds elements"
    assert shown.text_content() == HOSTILE_SUMMARY
    assert "<description>&amp;lt;img src=x" in (run.out / "rss.xml").read_text(encoding="utf-8")
    [parsed] = [e for e in parse_feed(run.out / "rss.xml").entries if e.title == "Hostile summary"]
    assert parsed.summary_detail.type == "text/html"
    assert len(_shown_as_html(parsed.summary)) == 0
    assert _shown_as_html(parsed.summary).text_content() == HOSTILE_SUMMARY
    # Atom's summary is type text and JSON Feed's summary plain text: the summary as it is.
    assert entry.find(f"{ATOM}summary").get("type", "text") == "text"
    assert entry.findtext(f"{ATOM}summary") == HOSTILE_SUMMARY
    [atom_parsed] = [e for e in parse_feed(run.out / "atom.xml").entries if e.title == "Hostile summary"]
    assert atom_parsed.summary_detail.type == "text/plain"
    assert atom_parsed.summary == HOSTILE_SUMMARY
    assert json_item["summary"] == HOSTILE_SUMMARY
    # A tag's name reaches its feed's channel description.
    for rss in (run.out / "tags").glob("*/rss.xml"):
        channel = etree.parse(str(rss)).getroot().find("channel")
        description = _shown_as_html(channel.findtext("description") or "")
        if "onerror" in description.text_content():
            assert len(description) == 0
            assert "<img src=y onerror=alert(3)>" in description.text_content()
            break
    else:
        pytest.fail("no tag feed for the hostile tag")


def test_an_entry_without_summary_keeps_its_html_in_rss_description(site: Site) -> None:
    site.write("plain.md", "---\ntitle: No summary\ndate: 2024-01-05\n---\nSome *emphasis* & more.\n")
    run = site.build()
    assert_clean_run(run)
    _, item, _ = _entries(run, "No summary")
    assert item.findtext(CONTENT) == "<p>Some <em>emphasis</em> &amp; more.</p>"


# --- URL-valued front matter and e-mail addresses ---------------------------------------------------

HOSTILE_AUTHORS = """---
title: Hostile authors
date: 2024-01-05
id: 'JavaScript:alert(3)'
authors:
  - {name: Eve, uri: 'javascript:alert(1)', email: '"><script>alert(1)</script>@example.org'}
  - {name: Vic, url: '  JaVaScRiPt:alert(2)', email: 'vic@example.org"><img src=x onerror=alert(4)>'}
  - {name: Dan, uri: 'data:text/html,<script>alert(5)</script>', email: 'not an address'}
  - {name: Ann, uri: /about/ann/, email: ann@example.org}
  - {name: 老王, uri: 'https://linux.cn/老王', email: 老王@例子.中国}
---
The body.
"""


def test_author_uris_and_emails_are_checked(site: Site) -> None:
    site.write("authors.md", HOSTILE_AUTHORS)
    run = site.build()
    assert_clean_run(run)
    assert_good_feeds(run)
    messages = [m["message"] for m in run.about("posts/authors.md", "warning")]
    assert len(messages) == 7, run.stderr
    for name in ("Eve", "Vic", "Dan"):
        assert f"'authors': {name}'s uri is not an http(s) URL or a path; left out" in messages
        assert f"'authors': {name}'s email is not an e-mail address; left out" in messages
    assert "'id' is a script or data URL; using the permalink as the id" in messages
    assert run.returncode == 0

    text = "".join(p.read_text(encoding="utf-8") for name in FEED_FILES for p in run.out.rglob(name)).lower()
    for hostile in ("javascript:", "data:text", "<script", "onerror", "&lt;script", "not an address"):
        assert hostile not in text, hostile
    entry, item, json_item = _entries(run, "Hostile authors")
    permalink = "https://example.org/authors/"
    assert entry.findtext(f"{ATOM}id") == json_item["id"] == item.findtext("guid") == permalink
    atom_authors = [
        (a.findtext(f"{ATOM}name"), a.findtext(f"{ATOM}email"), a.findtext(f"{ATOM}uri"))
        for a in entry.iter(f"{ATOM}author")
    ]
    ann = ("Ann", "ann@example.org", "https://example.org/about/ann/")
    wang = ("老王", "老王@例子.中国", "https://linux.cn/%E8%80%81%E7%8E%8B")
    assert atom_authors == [("Eve", None, None), ("Vic", None, None), ("Dan", None, None), ann, wang]
    assert [a.text for a in item.iter("author")] == ["ann@example.org (Ann)", "老王@例子.中国 (老王)"]
    assert [c.text for c in item.iter("{http://purl.org/dc/elements/1.1/}creator")] == ["Eve", "Vic", "Dan"]
    assert json_item["authors"] == [
        {"name": "Eve"},
        {"name": "Vic"},
        {"name": "Dan"},
        {"name": "Ann", "url": ann[2]},
        {"name": "老王", "url": wang[2]},
    ]
    [parsed] = [e for e in parse_feed(run.out / "atom.xml").entries if e.title == "Hostile authors"]
    assert [a.get("href") for a in parsed.authors] == [None, None, None, ann[2], wang[2]]


# --- one problem, one line --------------------------------------------------------------------------


def test_control_characters_in_file_names_are_escaped_in_problem_lines(site: Site) -> None:
    forged = "evil\nfake.md: error: injected.md"
    coloured = "\x1b[31mred\x1b[0m\r.md"
    site.write(forged, "No front matter.\n")
    site.write(coloured, "No front matter either.\n")
    run = site.build()
    assert_clean_run(run)
    assert_good_feeds(run)
    assert "\x1b" not in run.stderr and "\r" not in run.stderr
    # Each rejected file gives one line, which names it with its control characters escaped.
    assert sorted(run.stderr.splitlines()) == [
        "posts/\\x1b[31mred\\x1b[0m\\r.md:1: error: no front matter: the file must start with a line '---',"
        " then 'title:', 'date:' ..., then '---'",
        "posts/evil\\nfake.md: error: injected.md:1: error: no front matter: the file must start with a line"
        " '---', then 'title:', 'date:' ..., then '---'",
    ]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\nb", "a\\nb"),
        ("a\r\n", "a\\r\\n"),
        ("tab\there", "tab\\there"),
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
        ("del\x7f c1\x85 \x9b", "del\\x7f c1\\x85 \\x9b"),
        ("sep\u2028\u2029", "sep\\u2028\\u2029"),
        ("\x0b\x0c\x1c\x1d\x1e", "\\x0b\\x0c\\x1c\\x1d\\x1e"),
        # A file name's undecodable bytes, as os.fsdecode gives them.
        ("bytes-\udcff.md", "bytes-\\udcff.md"),
        ("中文 and \\ and 'quotes'", "中文 and \\ and 'quotes'"),
    ],
)
def test_a_problem_is_always_one_line(raw: str, shown: str) -> None:
    line = Problem(f"posts/{raw}", f"message {raw}", "warning", 3).format()
    assert line == f"posts/{shown}:3: warning: message {shown}"
    assert len(line.splitlines()) == 1
    assert PROBLEM_LINE.match(line)
