"""Post body Markdown → HTML with heading ids, absolute URLs and (by default) sanitised."""

from __future__ import annotations

import functools
import re
from html import escape, unescape
from urllib.parse import urljoin, urlsplit

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.abbr import AbbrExtension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.md_in_html import MarkdownInHtmlExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension, slugify_unicode

from .config import SanitizeConfig
from .text import strip_xml_forbidden


def _extensions() -> list[Extension]:
    """ "extra", "sane_lists" and "toc", as instances in the order "extra" registers its parts.

    Named by string, each is looked up among the installed packages' entry points: a scan of
    every package's metadata (~0.05 s) on every run that renders Markdown, and in each worker.
    """
    extra = [
        FencedCodeExtension(),
        FootnoteExtension(),
        AttrListExtension(),
        DefListExtension(),
        TableExtension(),
        AbbrExtension(),
        MarkdownInHtmlExtension(),
    ]
    return [*extra, SaneListExtension(), TocExtension(slugify=slugify_unicode, permalink=False)]


_URL_ATTR = re.compile(
    r"""(?P<pre>\s(?:href|src|poster|cite)\s*=\s*)(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<uq>[^\s"'>]+))""",
    re.IGNORECASE,
)
# An http(s) URL that absolutize writes back unchanged: no entity, space or quote, and a plain
# ASCII host, which urlsplit can never refuse (it raises for unbalanced brackets or odd Unicode).
_PLAIN_ABSOLUTE = re.compile(r"""https?://[A-Za-z0-9._~!$()*+,;=:@%-]*(?:[/?#][^\s&<>"']*)?""")
# A path from the site's root that urljoin would only put after scheme://host.
_PLAIN_PATH = re.compile(r"/[^/\x00-\x20;?#][^\x00-\x20;?#]*")
_IFRAME_TAG = re.compile(r"<iframe", re.IGNORECASE)
_EMPTY_IFRAME = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>.*?</iframe>", re.IGNORECASE | re.DOTALL)
_SAFE_SCHEMES = {"http", "https", "mailto", "ftp", "ftps", "tel", "magnet", "xmpp", "irc", "ircs"}

_ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) | {
    "ruby", "rt", "rp", "figure", "figcaption", "video", "audio", "source", "picture",
    "iframe", "details", "summary", "mark", "section", "hr", "sup", "sub", "span", "div",
}  # fmt: skip
_ALLOWED_ATTRS: dict[str, set[str]] = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
for _tag in _ALLOWED_TAGS:
    _ALLOWED_ATTRS.setdefault(_tag, set()).update({"id", "title", "lang", "dir"})
_ALLOWED_ATTRS["a"].update({"href", "rel", "name"})
_ALLOWED_ATTRS["img"].update({"src", "alt", "width", "height", "loading"})
_ALLOWED_ATTRS["iframe"].update({"src", "width", "height", "allowfullscreen", "frameborder"})
_ALLOWED_ATTRS["video"].update({"src", "controls", "poster", "width", "height"})
_ALLOWED_ATTRS["audio"].update({"src", "controls"})
_ALLOWED_ATTRS["source"].update({"src", "type"})
_ALLOWED_ATTRS["td"].update({"align", "colspan", "rowspan"})
_ALLOWED_ATTRS["th"].update({"align", "colspan", "rowspan"})
_ALLOWED_ATTRS["code"].add("class")
_ALLOWED_ATTRS["ol"].update({"start"})


class MarkdownRenderer:
    """One Python-Markdown instance reused across posts (building one costs more than a post)."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=_extensions(), output_format="html")

    def render(self, body: str) -> str:
        self._md.reset()
        return self._md.convert(body)


def absolutize(html: str, page_url: str) -> str:
    """Every href/src resolved against the page it appears on, as a browser would."""
    root = _site_root(page_url)

    def fix(match: re.Match[str]) -> str:
        raw = match.group("dq")
        if raw is not None and _PLAIN_ABSOLUTE.fullmatch(raw):
            # Most links are already absolute: unescaping, stripping and escaping would give them back as they are.
            return match.group(0)
        if raw is None:
            raw = match.group("sq") if match.group("sq") is not None else match.group("uq")
        url = unescape(raw).strip()
        if url.startswith("#"):
            absolute = page_url.split("#", 1)[0] + url
        elif root is not None and _PLAIN_PATH.fullmatch(url) and "/." not in url:
            # What urljoin returns for such a path, without its parsing: no dot segments to remove,
            # no params, query or fragment that it could drop when empty.
            absolute = root + url
        elif urlsplit(url).scheme:
            absolute = url
        else:
            absolute = urljoin(page_url, url)
        return f'{match.group("pre")}"{escape(absolute, quote=True)}"'

    return _URL_ATTR.sub(fix, html)


def _site_root(page_url: str) -> str | None:
    """scheme://host, as urljoin puts it before a path from the root; None where urljoin would do more."""
    try:
        parts = urlsplit(page_url)
    except ValueError:  # urljoin raises it too, if a relative URL needs it
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def sanitize(html: str, config: SanitizeConfig) -> str:
    """Drop scripts, handlers, javascript: URLs and iframes from hosts not on the allow-list."""
    if not config.enabled:
        return html
    # The host filter is a Python call per attribute of every element, yet it acts only on an
    # iframe's src; an iframe element needs "<iframe" in the source, in some case.
    cleaner = _cleaner(tuple(config.iframe_hosts), _IFRAME_TAG.search(html) is not None)
    # The filter can drop an attribute, not an element: an iframe whose src it refused goes whole.
    return _EMPTY_IFRAME.sub("", cleaner.clean(html))


@functools.lru_cache(maxsize=16)
def _cleaner(iframe_hosts: tuple[str, ...], iframes: bool) -> nh3.Cleaner:
    """Built once per setting: nh3.clean converts the allow-lists anew on each call, as slow as the cleaning."""
    hosts = {h.lower() for h in iframe_hosts}

    def keep(tag: str, attr: str, value: str) -> str | None:
        if tag == "iframe" and attr == "src":
            parts = urlsplit(value)
            if parts.scheme != "https" or (parts.hostname or "").lower() not in hosts:
                return None
        return value

    return nh3.Cleaner(
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRS,
        url_schemes=_SAFE_SCHEMES,
        attribute_filter=keep if iframes else None,
        link_rel=None,
        strip_comments=True,
    )


def to_html(renderer: MarkdownRenderer, body: str, page_url: str, config: SanitizeConfig) -> str:
    """The whole markup stage for one body of Markdown."""
    html = renderer.render(body)
    html = absolutize(html, page_url)
    html = sanitize(html, config)
    html, _ = strip_xml_forbidden(html)
    return html
