"""markup.engine: commonmark (comrak): config, heading ids by generator, CJK emphasis, the corpus, the sample site."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape
from pathlib import Path

import feedparser
import pytest
import yaml

from feedwright.commonmark import CommonMarkRenderer, hugo_slug, renderer_for, zola_slug
from feedwright.config import ConfigError, SanitizeConfig, config_from_mapping
from feedwright.markup import MarkdownRenderer, clean_html

from .conftest import CORPUS, needs_corpus
from .regenerate_golden import build, copy_sample

SITE = {"title": "t", "base_url": "https://example.org/"}


def ids(html: str) -> list[str]:
    return re.findall(r'<h[1-6] id="([^"]*)">', html)


# ---- config ----------------------------------------------------------------------------------------


def test_the_engine_is_python_markdown_unless_the_config_says_commonmark() -> None:
    assert isinstance(renderer_for(config_from_mapping({"site": SITE})), MarkdownRenderer)
    config = config_from_mapping({"site": SITE, "markup": {"engine": "commonmark"}})
    assert config.markup.engine == "commonmark"
    assert isinstance(renderer_for(config), CommonMarkRenderer)


@pytest.mark.parametrize("value", ["cmark", "", 3, ["commonmark"]])
def test_a_bad_engine_is_one_line_naming_the_key(value: object) -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_mapping({"site": SITE, "markup": {"engine": value}})
    message = str(caught.value)
    assert "'markup.engine'" in message and "\n" not in message


def test_an_unknown_markup_key_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"unknown key 'markup\.extensions'"):
        config_from_mapping({"site": SITE, "markup": {"extensions": []}})


# ---- what the engine renders -------------------------------------------------------------------------


def test_gfm_tables_strikethrough_autolinks_tasks_footnotes_and_raw_html() -> None:
    html = CommonMarkRenderer().render(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~ https://example.org\n\n- [x] done\n\n"
        "note[^1]\n\n[^1]: the note\n\n<div class=x>raw</div>\n"
    )
    assert "<table>" in html and "<td>2</td>" in html
    assert "<del>gone</del>" in html
    assert '<a href="https://example.org">https://example.org</a>' in html
    assert 'type="checkbox"' in html
    assert 'href="#fn-1"' in html and "the note" in html
    assert "<div class=x>raw</div>" in html


def test_cjk_emphasis_with_punctuation_inside_the_delimiters() -> None:
    # CommonMark's flanking rules alone leave these asterisks as text.
    html = CommonMarkRenderer().render("**注意：**后文，中文**强调。**后文\n")
    assert html == "<p><strong>注意：</strong>后文，中文<strong>强调。</strong>后文</p>\n"
    # Code is code: nothing in a code span or block becomes emphasis.
    code = CommonMarkRenderer().render("`**注意：**后文`\n\n```\n**注意：**后文\n```\n")
    assert "<strong>" not in code and code.count("**注意：**后文") == 2


# ---- heading ids -------------------------------------------------------------------------------------

# Hugo's markup/goldmark/autoid_test.go (TestSanitizeAnchorName: "generated manually on github.com").
HUGO_SANITIZE = [
    ("God is good: 神真美好", "god-is-good-神真美好"),
    ("Number 32", "number-32"),
    ("Question?", "question"),
    ("1+2=3", "123"),
    ('Special !"#$%&(parens)=?´* chars', "special-parens-chars"),
    ("Resumé", "resumé"),
    ("One-Hyphen", "one-hyphen"),
    ("Multiple--Hyphens", "multiple--hyphens"),
    ("Trailing hyphen-", "trailing-hyphen-"),
    ("Many   spaces  here", "many---spaces--here"),
    ("Forward/slash", "forwardslash"),
    ("Backward\\slash", "backwardslash"),
    ("Under_score", "under_score"),
    ("Nonbreaking\u00a0Space", "nonbreakingspace"),
    ("Tab\tSpace", "tabspace"),
    ("Trailing Space ", "trailing-space"),
]


@pytest.mark.parametrize(("text", "slug"), HUGO_SANITIZE)
def test_hugo_slugs_as_goldmark_github_ids(text: str, slug: str) -> None:
    assert hugo_slug(text) == slug


def test_hugo_heading_ids_in_a_page() -> None:
    # Hugo's markup/goldmark/convert_test.go: a custom id, an auto id, and repeats of a CJK heading.
    body = "## Custom ID {#custom}\n\n## Auto ID\n\n## 神真美好\n\n## 神真美好\n\n## 神真美好\n\n##\n\n##\n"
    assert ids(CommonMarkRenderer("hugo").render(body)) == [
        "custom", "auto-id", "神真美好", "神真美好-1", "神真美好-2", "heading", "heading-1",
    ]  # fmt: skip
    html = CommonMarkRenderer("hugo").render("## Custom ID {#custom}\n")
    assert html == '<h2 id="custom">Custom ID</h2>\n'


# Zola's components/markdown/tests/markdown.rs, can_handle_heading_ids, and its snapshot
# (markdown__can_handle_heading_ids.snap): ids written in headings are taken first.
ZOLA_CASES = [
    ("# Hello", "hello-1"),
    ("# Hello", "hello-2"),
    ("# L'écologie et vous", "l-ecologie-et-vous"),
    ("# Hello{#hello}", "hello"),
    ("# Hello {#hello}", "hello"),
    ("# Hello     {#Something_else}", "Something_else"),
    ("# ", ""),
    ("# ", "-1"),
    ('# [Rust](https://rust-lang.org "Rust homepage")', "rust"),
    ("# `hi`", "hi"),
    ("# *hi*", "hi-1"),
    ("# **hi**", "hi-2"),
    ("# text [^1] there\n\n[^1]: footnote", "text-there"),
    ("# Classes {#classes .bold .another}", "classes"),
]


def test_zola_heading_ids_as_its_own_tests_expect() -> None:
    html = CommonMarkRenderer("zola").render("\n".join(source for source, _ in ZOLA_CASES))
    assert ids(html) == [expected for _, expected in ZOLA_CASES]
    assert '<h1 id="classes">Classes</h1>' in html


@pytest.mark.parametrize(
    ("text", "slug"),
    # Zola's components/utils/src/slugs.rs, can_slugify_anchors (strategy "on").
    [("input", "input"), ("test ", "test"), ("tes t", "tes-t"), ("dot. ", "dot"), ("日本", "ri-ben"),
     ("héhé", "hehe"), ("test (hey)", "test-hey"), ("You & Me", "you-me"), ("  --test_-_cool", "test-cool")],
)  # fmt: skip
def test_zola_slugs(text: str, slug: str) -> None:
    assert zola_slug(text) == slug


PLAIN_HEADINGS = [
    "# Hello",
    "# Hello",
    "# L'écologie et vous",
    "# Hello {#hello}",
    "# [Rust](https://rust-lang.org)",
    "# `hi`",
    "# *hi*",
    "# **hi**",
    "# text [^1] there",
    "# 中文 标题！",
    "# a &amp; b",
    "# hi_1",
    "# ",
    "### 1、Linux 内核 6.0 发布",
    "[^1]: note",
]


@pytest.mark.parametrize("generator", ["plain", "jekyll", "hexo", "pelican"])
def test_other_generators_get_the_ids_python_markdown_gives(generator: str) -> None:
    body = "\n\n".join(PLAIN_HEADINGS)
    assert ids(CommonMarkRenderer(generator).render(body)) == ids(MarkdownRenderer().render(body))


def test_a_heading_written_as_html_keeps_what_it_has() -> None:
    html = CommonMarkRenderer("hugo").render('<h3 id="mine">Raw</h3>\n\n<h3>Bare</h3>\n\n### Raw\n')
    assert '<h3 id="mine">Raw</h3>' in html and "<h3>Bare</h3>" in html
    assert '<h3 id="raw">Raw</h3>' in html
    assert "\x00" not in html


# ---- the corpus, both engines ------------------------------------------------------------------------


# Markup Python-Markdown leaves as text and CommonMark reads: a `* ` list marker that interrupts a
# paragraph, a ``` fence inside a quote.
MARKERS = frozenset("*`")


def _bodies() -> list[tuple[str, str]]:
    needs_corpus()
    out = []
    for path in sorted(CORPUS.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        out.append((path.relative_to(CORPUS).as_posix(), text.split("\n---\n", 1)[1]))
    return out


def _chars(html: str) -> Counter[str]:
    """The visible text's characters, whitespace aside (elements split words differently)."""
    return Counter("".join(unescape(re.sub(r"<[^>]*>", "", html)).split()))


def test_no_corpus_post_loses_text_with_the_commonmark_engine() -> None:
    """Visible text, after sanitising, character by character: what Python-Markdown shows, comrak shows too.

    The kinds of difference benchmarks/README.md lists ("The Markdown engine") move text between
    elements or make links of it; two keep more text than Python-Markdown (a `<T, Error>` it took
    for a tag, a fenced block inside a quote) and none loses any, with one exception allowed:
    a paragraph's `* ` that CommonMark reads as a list marker.
    """
    pm, cm = MarkdownRenderer(), CommonMarkRenderer()
    sanitize = SanitizeConfig()
    bodies = _bodies()
    assert len(bodies) == 155
    for name, body in bodies:
        before = _chars(clean_html(pm.render(body), "https://linux.cn/a/", sanitize))
        after = _chars(clean_html(cm.render(body), "https://linux.cn/a/", sanitize))
        lost = {c: n for c, n in (before - after).items() if c not in MARKERS}
        assert not lost, f"{name}: the commonmark engine loses {lost}"


def test_cjk_emphasis_in_the_corpus_renders_as_python_markdown_does() -> None:
    """At least two corpus posts have `**…：**后文`; both engines make it strong."""
    pm, cm = MarkdownRenderer(), CommonMarkRenderer()
    found = 0
    for name, body in _bodies():
        for line in body.splitlines():
            if re.search(r"\*\*[^*\n]*[：，。！？]\*\*[^\s*]", line) and "`" not in line:
                found += 1
                strong = re.findall(r"<strong>(.*?)</strong>", cm.render(line))
                assert strong == re.findall(r"<strong>(.*?)</strong>", pm.render(line)), (name, line)
                assert strong, (name, line)
    assert found >= 2


# ---- the sample site, built with the commonmark engine -------------------------------------------


def test_the_sample_site_builds_with_commonmark_to_the_same_entries(tmp_path: Path) -> None:
    """Parsed back, every feed has the entries the default engine gives: ids, links, titles, tags;
    the content differs only in markup: no entry loses text."""
    default_out = build(copy_sample(tmp_path / "default"))
    config = copy_sample(tmp_path / "cm")
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["markup"] = {"engine": "commonmark"}
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    cm_out = build(config)
    names = sorted(p.relative_to(default_out).as_posix() for p in default_out.rglob("atom.xml"))
    assert names == sorted(p.relative_to(cm_out).as_posix() for p in cm_out.rglob("atom.xml"))
    assert len(names) > 5
    for name in names:
        a, b = feedparser.parse(default_out / name), feedparser.parse(cm_out / name)
        assert not b.bozo, name
        key = [(e.id, e.link, e.title, sorted(t.term for t in e.get("tags", []))) for e in a.entries]
        assert key == [(e.id, e.link, e.title, sorted(t.term for t in e.get("tags", []))) for e in b.entries], name
        for ea, eb in zip(a.entries, b.entries, strict=True):
            chars_a, chars_b = _chars(ea.content[0].value), _chars(eb.content[0].value)
            assert not {c for c in chars_a - chars_b if c not in MARKERS}, (name, ea.id)
