"""A Post and its HTML → Entries: the whole article, and one entry per news item of a digest."""

from __future__ import annotations

import re
from dataclasses import replace
from html import escape
from html.parser import HTMLParser

from ..config import Config
from ..model import Entry, Post, PostEntries, Problem
from ..text import truncate
from .digest import split_digest
from .summary import SUMMARY_CHARS, html_to_text


def wants_split(post: Post, config: Config) -> bool:
    """Front matter `split:` decides; otherwise a category listed in split.categories does."""
    if post.split is not None:
        return post.split
    wanted = {c.casefold() for c in config.split.categories}
    return any(c.casefold() in wanted for c in post.categories)


# An <img> start tag; a quoted value may hold '>' (the sanitiser leaves it unescaped in an alt text).
_IMG_TAG = re.compile(r"""<img\b(?:[^>"']|"[^"]*"|'[^']*')*>""", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# A width or height that marks a tracking pixel or a spacer, not a picture.
_PIXEL = frozenset({"0", "1", "0px", "1px"})


class _ImgAttrs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img" and not self.attrs:
            self.attrs = {name: value or "" for name, value in reversed(attrs)}

    handle_startendtag = handle_starttag


def body_image(html: str) -> str | None:
    """The first picture of an entry's (sanitised, absolute) HTML: an http(s) <img> src, not a tracking pixel."""
    if "<!--" in html:  # comments are kept only when sanitising is off
        html = _COMMENT.sub("", html)
    for found in _IMG_TAG.finditer(html):
        parser = _ImgAttrs()
        parser.feed(found.group())
        parser.close()
        attrs = parser.attrs
        src = attrs.get("src", "").strip()
        if not src.lower().startswith(("http://", "https://")) or any(c.isspace() for c in src):
            continue
        if attrs.get("width", "").strip().lower() in _PIXEL or attrs.get("height", "").strip().lower() in _PIXEL:
            continue
        return src
    return None


def with_body_image(entry: Entry) -> Entry:
    """An article without a front matter image takes the first picture of its body (see body_image)."""
    if entry.image or not entry.content_html:
        return entry
    image = body_image(entry.content_html)
    return replace(entry, image=image) if image else entry


def _same_image(a: str, b: str) -> bool:
    """Two addresses of one picture: equal but for http/https."""
    return a.split(":", 1)[-1] == b.split(":", 1)[-1]


def image_on_top(html: str, image: str | None) -> str:
    """`html` with `image` above it, unless the body already shows that picture (site.image_in_content)."""
    if not image:
        return html
    if "<img" in html:
        for found in _IMG_TAG.finditer(html):
            parser = _ImgAttrs()
            parser.feed(found.group())
            parser.close()
            if _same_image(parser.attrs.get("src", "").strip(), image):
                return html
    return f'<p><img src="{escape(image, quote=True)}" alt=""></p>\n{html}'


def article_entry(post: Post, html: str, image_in_content: bool = False) -> Entry:
    """The whole post as one entry; its image is the front matter's, else its body's first picture."""
    summary = post.summary or truncate(html_to_text(html), SUMMARY_CHARS)
    image = post.image or body_image(html)
    if image_in_content and post.image:
        html = image_on_top(html, post.image)
    return Entry(
        id=post.id,
        title=post.title,
        link=post.permalink,
        published=post.published,
        updated=post.updated,
        authors=post.authors,
        tags=post.tags,
        categories=post.categories,
        summary=summary,
        content_html=html,
        image=image,
        related=(),
        post_id=post.id,
        index=0,
        source=post.rel_path,
    )


def split_post(post: Post, html: str, config: Config) -> PostEntries:
    """The entries one post becomes; a digest whose items cannot be found stays whole, with a warning."""
    article = article_entry(post, html, config.site.image_in_content)
    if not wants_split(post, config):
        return PostEntries(article, (article,))
    items, problems = split_digest(post, html, config.split)
    if not items:
        warning = Problem(
            post.rel_path,
            f"marked for splitting but no news items (level-{config.split.heading_level} headings)"
            " were found; kept whole",
            "warning",
        )
        return PostEntries(article, (article,), (*problems, warning))
    return PostEntries(article, tuple(items), tuple(problems))
