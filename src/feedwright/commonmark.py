"""The Markdown engine a config asks for, and the CommonMark one: comrak, with the generator's heading ids.

`markup.engine: commonmark` renders with comrak (the Rust CommonMark/GFM library, through its Python
binding): what Hugo (goldmark), Zola (pulldown-cmark) and Hexo (marked) sites are written for, and
~50 times faster than Python-Markdown (benchmarks/README.md, "The Markdown engine"). comrak is
imported only when a post is rendered, so a run that renders nothing never loads it.

Heading ids follow the site's generator, so that a news item's link lands on the heading the
generator's page has: Hugo's goldmark `github` ids, Zola's slugified ids, and for every other
generator the ids Python-Markdown's `toc` gives (the `python-markdown` engine's own).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from typing import TYPE_CHECKING, Any

from .markup import SanitizerCache

if TYPE_CHECKING:
    from .config import Config
    from .markup import Renderer

# comrak writes each Markdown heading as <hN id="PREFIX-slug">text<a … class="anchor"></a></hN>. The
# prefix starts with NUL, which CommonMark replaces in any input (U+FFFD), so a heading written as raw
# HTML can never look like one; the id and the anchor are replaced by the generator's id.
_PREFIX = "\x00fwh-"
_HEADING = re.compile(
    r'<h([1-6]) id="\x00fwh-[^"]*">(.*?)<a href="[^"]*"[^>]*? class="anchor"></a></h\1>',
    re.DOTALL,
)
# An attribute block ending a heading, `{#id .class key=value}` (Hugo, Zola) or `{: #id}` (kramdown,
# Python-Markdown's attr_list); its last `#id` is the heading's id.
_ATTRS = re.compile(r"[ \t]*\{:?[ \t]*([^{}\n]*?)[ \t]*\}[ \t]*$")
# Python-Markdown's attr_list wants a space before the block.
_SPACED_ATTRS = re.compile(r"[ \t]+\{:?[ \t]*([^{}\n]*?)[ \t]*\}[ \t]*$")
_ATTR_TOKEN = re.compile(r"""#[^\s#.{}]+|\.[^\s#.{}]+|[\w:-]+=(?:"[^"]*"|'[^']*'|[^\s"']+)""")
_FOOTNOTE_REF = re.compile(r'<sup class="footnote-ref">.*?</sup>', re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


class CommonMarkRenderer(SanitizerCache):
    """comrak with GFM (tables, strikethrough, autolinks, task lists, footnotes), raw HTML kept
    (the markup stage sanitises it), CJK-friendly emphasis, and heading ids by `generator`'s rules."""

    def __init__(self, generator: str = "plain") -> None:
        import comrak

        super().__init__()
        extension = comrak.ExtensionOptions()
        extension.table = True
        extension.strikethrough = True
        extension.autolink = True
        extension.tasklist = True
        extension.footnotes = True
        # `**注意：**后文`: CommonMark's flanking rules leave these asterisks as text, because
        # punctuation inside the delimiters stands right before a CJK letter. comrak's option
        # relaxes the rule for CJK text only, as the CommonMark CJK-friendly amendment proposes.
        extension.cjk_friendly_emphasis = True
        extension.header_id_prefix = _PREFIX
        render = comrak.RenderOptions()
        render.unsafe_ = True
        self._options: dict[str, Any] = {"extension_options": extension, "render_options": render}
        self._render = comrak.render_markdown
        self._ids = heading_ids(generator)

    def render(self, body: str) -> str:
        html: str = self._render(body, **self._options)
        if _PREFIX not in html:
            return html
        return self._ids(html)


def renderer_for(config: Config) -> Renderer:
    """The renderer `markup.engine` names, made once per process (making one costs more than a post)."""
    if config.markup.engine == "commonmark":
        return CommonMarkRenderer(config.generator.name)
    from .markup import MarkdownRenderer

    return MarkdownRenderer()


# ---- heading ids ---------------------------------------------------------------------------------


def heading_ids(generator: str) -> Callable[[str], str]:
    """comrak's HTML → the same with each Markdown heading's id given by `generator`'s rules."""
    if generator == "hugo":
        return lambda html: _with_ids(html, hugo_slug, _hugo_unique, _ATTRS)
    if generator == "zola":
        return lambda html: _with_ids(html, zola_slug, _zola_unique, _ATTRS)
    return lambda html: _with_ids(html, python_markdown_slug, _python_markdown_unique, _SPACED_ATTRS)


def _with_ids(
    html: str, slug: Callable[[str], str], unique: Callable[[str, set[str]], str], attrs: re.Pattern[str]
) -> str:
    headings: list[tuple[str, str | None]] = []  # (inner HTML, its own id)
    for found in _HEADING.finditer(html):
        headings.append(_own_id(found.group(2), attrs))
    # Ids written in headings are taken before any is made, as all three generators do.
    taken = {own for _, own in headings if own is not None}
    ids: list[str] = []
    for inner, own in headings:
        if own is None:
            own = unique(slug(heading_text(inner)), taken)
        ids.append(own)
    at = iter(zip(headings, ids, strict=True))

    def replace(found: re.Match[str]) -> str:
        (inner, _), id_ = next(at)
        level = found.group(1)
        return f'<h{level} id="{_attr(id_)}">{inner}</h{level}>'

    return _HEADING.sub(replace, html)


def _own_id(inner: str, attrs: re.Pattern[str]) -> tuple[str, str | None]:
    """A heading's inner HTML without its attribute block, and the id that block gives (or None)."""
    found = attrs.search(inner)
    if found is None:
        return inner, None
    text = unescape(_TAG.sub("", found.group(1)))
    tokens = text.split()
    if not tokens or any(_ATTR_TOKEN.fullmatch(t) is None for t in tokens):
        return inner, None
    ids = [t[1:] for t in tokens if t.startswith("#")]
    return inner[: found.start()], (ids[-1] if ids else None)


def heading_text(inner: str) -> str:
    """A heading's text as the generators read it: no tags, no footnote marks, entities decoded."""
    return unescape(_TAG.sub("", _FOOTNOTE_REF.sub("", inner)))


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def hugo_slug(text: str) -> str:
    """Hugo's goldmark `autoHeadingIDType: github` (markup/goldmark/autoid.go, sanitizeAnchorName):
    space and `-` become `-`, letters, digits and `_` are kept lower-cased, the rest dropped."""
    out = []
    for c in text.strip():
        if c in " -":
            out.append("-")
        elif c == "_" or c.isalpha() or c.isdecimal():
            out.append(c.lower())
    return "".join(out)


def _hugo_unique(slug: str, taken: set[str]) -> str:
    """Hugo's idFactory.Generate: an empty id is `heading`; a taken one gets `-1`, `-2`, … ."""
    slug = slug or "heading"
    if slug in taken:
        n = 1
        while f"{slug}-{n}" in taken:
            n += 1
        slug = f"{slug}-{n}"
    taken.add(slug)
    return slug


def zola_slug(text: str) -> str:
    """Zola's `slugify.anchors = "on"`: the same `slug` crate as its paths."""
    from .generators.zola import slug_on

    return slug_on(text)


def _zola_unique(slug: str, taken: set[str]) -> str:
    """Zola's find_anchor: a taken id gets `-1`, `-2`, … (an empty one stays empty the first time)."""
    if slug in taken:
        n = 1
        while f"{slug}-{n}" in taken:
            n += 1
        slug = f"{slug}-{n}"
    taken.add(slug)
    return slug


_NOT_WORD = re.compile(r"[^\w\s-]")
_DASHES = re.compile(r"[-\s]+")
_COUNTED = re.compile(r"^(.*)_([0-9]+)$")


def python_markdown_slug(text: str) -> str:
    """Python-Markdown's toc with `slugify_unicode` (markup.py): whitespace collapsed, characters that are
    not word characters, spaces or `-` dropped, lower-cased, runs of spaces and `-` one `-`."""
    text = " ".join(text.split())
    text = _NOT_WORD.sub("", text).strip().lower()
    return _DASHES.sub("-", text)


def _python_markdown_unique(slug: str, taken: set[str]) -> str:
    """Python-Markdown's toc.unique: a taken or empty id gets `_1`, `_2`, … (counting on from `x_3`)."""
    if slug in taken or not slug:
        found = _COUNTED.match(slug)
        base, count = (found.group(1), int(found.group(2))) if found else (slug, 0)
        count += 1
        while f"{base}_{count}" in taken:
            count += 1
        slug = f"{base}_{count}"
    taken.add(slug)
    return slug
