"""Post body Markdown → HTML with heading ids, absolute URLs and (by default) sanitised."""

from __future__ import annotations

import contextlib
import functools
import re
import signal
import threading
from collections.abc import Callable, Iterator
from html import escape, unescape
from types import FrameType
from typing import Protocol
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
from .lazyimages import promote_lazy_images, safe_srcsets
from .starttags import rewrite_start_tags
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


# The attributes whose value is a URL a reader resolves against the page.
_URL_ATTRS = frozenset({"href", "src", "poster", "cite"})
# An http(s) URL that resolving gives back unchanged: no space or quote, and a plain ASCII host,
# which urlsplit can never refuse (it raises for unbalanced brackets or odd Unicode).
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
_ALLOWED_ATTRS["img"].update({"src", "srcset", "sizes", "alt", "width", "height", "loading"})
_ALLOWED_ATTRS["iframe"].update({"src", "width", "height", "allowfullscreen", "frameborder"})
_ALLOWED_ATTRS["video"].update({"src", "controls", "poster", "width", "height"})
_ALLOWED_ATTRS["audio"].update({"src", "controls"})
_ALLOWED_ATTRS["source"].update({"src", "srcset", "sizes", "media", "type"})
_ALLOWED_ATTRS["td"].update({"align", "colspan", "rowspan"})
_ALLOWED_ATTRS["th"].update({"align", "colspan", "rowspan"})
_ALLOWED_ATTRS["code"].add("class")
_ALLOWED_ATTRS["ol"].update({"start"})


class SanitizerCache:
    """The Sanitizer of each config a renderer's HTML is cleaned for, made once (making one costs
    about as much as cleaning a post); every Markdown engine's renderer keeps one."""

    def __init__(self) -> None:
        self._sanitizers: dict[SanitizeConfig, Sanitizer] = {}

    def sanitizer(self, config: SanitizeConfig) -> Sanitizer:
        found = self._sanitizers.get(config)
        if found is None:
            found = self._sanitizers[config] = Sanitizer(config)
        return found


class MarkdownRenderer(SanitizerCache):
    """One Python-Markdown instance reused across posts (building one costs more than a post)."""

    def __init__(self) -> None:
        super().__init__()
        self._md = markdown.Markdown(extensions=_extensions(), output_format="html")

    def render(self, body: str) -> str:
        self._md.reset()
        return self._md.convert(body)


def absolutize(html: str, page_url: str) -> str:
    """Every href/src of a tag resolved against the page it appears on, as a browser would.

    For HTML that is not sanitised (clean_html resolves URLs in the sanitiser's own walk).
    The tags are found by an HTML parser, so text that merely reads like an attribute, as in
    a code sample, is never taken for one; everything but the URLs that change is kept byte
    for byte. A URL that cannot be parsed (urljoin raises) is left out.
    """
    root = _site_root(page_url)
    return rewrite_start_tags(
        html,
        lambda _, attrs: any(name in _URL_ATTRS for name, _ in attrs),
        lambda text, _, __: _absolutize_tag(text, page_url, root),
    )


# A start tag's name and attributes, read as Python 3.11's HTMLParser reads them (its own patterns
# are private and differ between versions): `get_starttag_text()` is cut up with these.
_TAG_NAME = re.compile(r"([a-zA-Z][^\t\n\r\f />\x00]*)(?:\s|/(?!>))*")
_ATTRIBUTE = re.compile(r"""((?<=['"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|"[^"]*"|(?!['"])[^>\s]*))?(?:\s|/(?!>))*""")


def _absolutize_tag(text: str, page_url: str, root: str | None) -> str:
    """One start tag with its URL attributes resolved, read attribute by attribute as HTMLParser reads it."""
    found = _TAG_NAME.match(text, 1)
    if found is None:
        return text
    parts: list[str] = []
    done = 0
    k = found.end()
    while k < len(text):
        attr = _ATTRIBUTE.match(text, k)
        if attr is None:
            break
        k = attr.end()
        raw = attr.group(3)
        if not attr.group(2) or attr.group(1).lower() not in _URL_ATTRS:
            continue
        # _ATTRIBUTE takes a quote only with its closing one.
        value = unescape(raw[1:-1] if raw[:1] in ("'", '"') else raw)
        absolute = resolve_url(value, page_url, root)
        if absolute == value:
            continue
        if absolute is None:
            parts.append(text[done : attr.start(1)])
            done = attr.end()
        else:
            parts += (text[done : attr.start(3)], f'"{escape(absolute, quote=True)}"')
            done = attr.end(3)
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


def resolve_url(value: str, page_url: str, root: str | None) -> str | None:
    """An attribute's URL (entities decoded) resolved against the page; None when it cannot be parsed.

    `root`: _site_root(page_url), computed once per page.
    """
    if _PLAIN_ABSOLUTE.fullmatch(value):
        # Most links are already absolute: stripping and parsing would give them back as they are.
        return value
    url = value.strip()
    try:
        if url.startswith("#"):
            return page_url.split("#", 1)[0] + url
        if root is not None and _PLAIN_PATH.fullmatch(url) and "/." not in url:
            # What urljoin returns for such a path, without its parsing: no dot segments to remove,
            # no params, query or fragment that it could drop when empty.
            return root + url
        if urlsplit(url).scheme:
            return url
        return urljoin(page_url, url)
    except ValueError:  # unbalanced brackets in a host, odd Unicode: no reader could open it either
        return None


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
    # The host filter acts only on an iframe's src; an iframe element needs "<iframe" in the
    # source, in some case. Without one, no hook is called at all.
    cleaner = _cleaner(tuple(config.iframe_hosts), _IFRAME_TAG.search(html) is not None)
    # The filter can drop an attribute, not an element: an iframe whose src it refused goes whole.
    return _EMPTY_IFRAME.sub("", cleaner.clean(html))


def clean_html(html: str, page_url: str, config: SanitizeConfig) -> str:
    """Every URL made absolute against `page_url` and, unless sanitising is off, the HTML sanitised.

    For one page: many pages go through one Sanitizer (a MarkdownRenderer keeps one), which is
    made once.
    """
    return Sanitizer(config).clean_html(html, page_url)


class Sanitizer:
    """Cleans HTML by one SanitizeConfig, each URL attribute resolved against the page being cleaned.

    Sanitising walks the HTML anyway: its attribute hook resolves each URL attribute of each
    element it keeps, so that text (code samples) is never touched and the HTML is parsed once.
    nh3 converts its allow-lists when a cleaner is made, which costs about as much as cleaning a
    post, so one cleaner serves every page: its hook is a method of this object, which holds the
    page of the clean under way for that call only. One Sanitizer cleans one page at a time; two of
    them never share anything.
    """

    def __init__(self, config: SanitizeConfig) -> None:
        self._config = config
        self._hosts = frozenset(h.lower() for h in config.iframe_hosts)
        self._cleaner: nh3.Cleaner | None = None
        # While clean_html runs: the page's URL, its scheme://host, and whether the HTML has an iframe.
        self._page: tuple[str, str, bool] = ("", "", False)

    def clean_html(self, html: str, page_url: str) -> str:
        """Every URL made absolute against `page_url` and, unless sanitising is off, the HTML sanitised."""
        if not self._config.enabled:
            return absolutize(html, page_url)
        root = _site_root(page_url)
        if root is None:
            # The hook's result is not checked again; resolved against a page with no http(s) host
            # (no permalink is one), a relative URL could take a form the sanitiser would refuse.
            return sanitize(absolutize(html, page_url), self._config)
        if self._cleaner is None:
            self._cleaner = _new_cleaner(self._keep)
        self._page = (page_url, root, _IFRAME_TAG.search(html) is not None)
        try:
            cleaned = self._cleaner.clean(html)
        finally:
            self._page = ("", "", False)
        return _EMPTY_IFRAME.sub("", cleaned)

    def _keep(self, tag: str, attr: str, value: str) -> str | None:
        # nh3 has checked the URL's scheme before this hook; an absolute URL comes back as it was,
        # a relative one takes the page's http(s) scheme and host.
        page_url, root, iframes = self._page
        if attr in _URL_ATTRS:
            absolute = resolve_url(value, page_url, root)
            if absolute is None:
                return None
            value = absolute
        if iframes and tag == "iframe" and attr == "src" and not _allowed_iframe(value, self._hosts):
            return None
        return value


@functools.lru_cache(maxsize=16)
def _cleaner(iframe_hosts: tuple[str, ...], iframes: bool) -> nh3.Cleaner:
    """A cleaner with no page to resolve URLs against, built once per setting (nh3.clean would convert
    the allow-lists anew on each call); its hook reads nothing but its arguments."""
    if not iframes:
        return _new_cleaner(None)
    hosts = frozenset(h.lower() for h in iframe_hosts)

    def keep(tag: str, attr: str, value: str) -> str | None:
        if tag == "iframe" and attr == "src" and not _allowed_iframe(value, hosts):
            return None
        return value

    return _new_cleaner(keep)


def _new_cleaner(keep: Callable[[str, str, str], str | None] | None) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRS,
        url_schemes=_SAFE_SCHEMES,
        attribute_filter=keep,
        link_rel=None,
        strip_comments=True,
    )


def _allowed_iframe(src: str, hosts: frozenset[str]) -> bool:
    """An iframe's src is kept only over https from one of the allowed hosts."""
    try:
        parts = urlsplit(src)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    return parts.scheme == "https" and host in hosts


class MarkupError(Exception):
    """One post's Markdown could not be rendered within the limits; the message says what to do."""


class Renderer(Protocol):
    """A Markdown engine: MarkdownRenderer, or commonmark.CommonMarkRenderer (commonmark.renderer_for)."""

    def render(self, body: str) -> str: ...

    def sanitizer(self, config: SanitizeConfig) -> Sanitizer: ...


def to_html(renderer: Renderer, body: str, page_url: str, config: SanitizeConfig, seconds: float = 0.0) -> str:
    """The whole markup stage for one body of Markdown, in at most `seconds` (0: no limit).

    Python-Markdown is quadratic on some input (50 KB of '[' takes minutes) and recursive on
    deep nesting: one such post must not stall every cron run behind the lock.
    """
    try:
        with _time_limit(seconds):
            html = renderer.render(body)
            html = renderer.sanitizer(config).clean_html(promote_lazy_images(html, page_url), page_url)
            html = safe_srcsets(html, page_url)
    except _Expired:
        raise MarkupError(
            f"its Markdown took more than {seconds:g} s to render (limits.render_seconds);"
            " look for long runs of brackets, asterisks or nesting"
        ) from None
    except RecursionError:
        raise MarkupError("its Markdown is nested too deeply to render; flatten its lists or quotes") from None
    html, _ = strip_xml_forbidden(html)
    return html


def plain_text_html(body: str) -> str:
    """A post's text, unrendered, for when its Markdown cannot be: escaped, its lines kept."""
    text, _ = strip_xml_forbidden(body.strip())
    return f"<pre>{escape(text, quote=False)}</pre>"


class _Expired(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise _Expired in the code under way once `seconds` have passed (main thread only: SIGALRM)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
