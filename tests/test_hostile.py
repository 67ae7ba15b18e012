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

from .conftest import CORPUS, needs_corpus
from .test_bad_input import Run, Site, assert_clean_run, assert_good_feeds

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
