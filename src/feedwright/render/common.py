"""What the Atom and RSS writers share: fixed dates, images and their sizes, the feeds' author, a feedgen extension."""

from __future__ import annotations

import functools
import mimetypes
import os
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from feedgen.feed import FeedGenerator
from lxml import etree

from .. import __version__
from ..config import Config
from ..dates import whole_minute_offset
from ..model import Author, Entry, FeedSpec
from .urls import feed_url

MEDIA_NS = "http://search.yahoo.com/mrss/"
DC_NS = "http://purl.org/dc/elements/1.1/"
ATOM_NS = "http://www.w3.org/2005/Atom"
HISTORY_NS = "http://purl.org/syndication/history/1.0"
SY_NS = "http://purl.org/rss/1.0/modules/syndication/"
GENERATOR_URI = "https://pypi.org/project/feedwright/"
# An empty feed still needs a fixed time, or every build would differ.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def image_type(url: str) -> str | None:
    path = urlsplit(url).path
    guessed, _ = mimetypes.guess_type(path, strict=False)
    if guessed and guessed.startswith("image/"):
        return guessed
    if path.lower().endswith(".webp"):
        return "image/webp"
    if path.lower().endswith(".avif"):
        return "image/avif"
    return None


# An enclosure must say its type; an image whose address does not tell (a CDN's `?w=600`) is
# declared a JPEG, as validators require a concrete type, and browsers look at the bytes anyway.
FALLBACK_IMAGE_TYPE = "image/jpeg"
# sy:updatePeriod's periods, in minutes: a ttl is said as so many times per the shortest that holds it.
_SY_PERIODS = (("hourly", 60), ("daily", 1440), ("weekly", 10080), ("monthly", 43200), ("yearly", 525600))


def enclosure_length(url: str, config: Config) -> int:
    """The image's file size when it lies under site.static (served at base_url), else 0 ("unknown")."""
    static = config.static_dir()
    if static is None:
        return 0
    return _file_size(url, config.base_url, str(static))


@functools.lru_cache(maxsize=4096)
def _file_size(url: str, base_url: str, static: str) -> int:
    if not url.startswith(base_url):
        return 0
    try:
        path = unquote(urlsplit(url).path)
        base_path = unquote(urlsplit(base_url).path)
    except ValueError:
        return 0
    relative = path[len(base_path) :] if path.startswith(base_path) else ""
    parts = [p for p in relative.split("/") if p]
    if not parts or any(p in (".", "..") or "\x00" in p for p in parts):
        return 0
    root = Path(static)
    try:
        found = (root / Path(*parts)).resolve()
        if not found.is_relative_to(root) or not found.is_file():
            return 0
        return os.stat(found).st_size
    except (OSError, ValueError):
        return 0


def sy_update(minutes: int) -> tuple[str, int]:
    """A ttl as sy:updatePeriod and sy:updateFrequency: 60 → hourly, 1; 30 → hourly, 2; 90 → daily, 16."""
    for period, length in _SY_PERIODS:
        if minutes <= length:
            return period, max(1, length // minutes)
    return "yearly", 1


def feed_author(config: Config) -> Author:
    """The feeds' author: site.author, else the site itself by its title (Atom requires one)."""
    site = config.site
    if site.author.name:
        return Author(site.author.name, site.author.email or None, site.author.uri or None)
    return Author(site.title)


def feed_updated(spec: FeedSpec) -> datetime:
    return spec.updated or EPOCH


def local(value: datetime, config: Config) -> datetime:
    """Every date in the site's zone, so equal instants always print as equal text.

    Before standard time zones (Shanghai before 1901) the zone's offset has seconds;
    such dates are given in UTC (see whole_minute_offset).
    """
    return whole_minute_offset(value.astimezone(config.tz))


def as_text(element: etree._Element | None) -> None:
    """An RSS <description> made to show its text as text: readers read it as HTML, so it is escaped as HTML.

    Without this a summary `<img src=x onerror=...>` would be markup, and script, in a reader's page.
    """
    if element is not None and element.text:
        element.text = escape(element.text, quote=False)


class _FeedExtension:
    """Feed-level links feedgen cannot write: WebSub hub, RFC 5005 archive links and marker."""

    def __init__(self) -> None:
        self.links: tuple[tuple[str, str], ...] = ()
        self.archive = False
        self.ttl = 0

    def extend_ns(self) -> dict[str, str]:
        namespaces = {"media": MEDIA_NS, "dc": DC_NS}
        if self.ttl:
            namespaces["sy"] = SY_NS
        if self.archive:
            namespaces["fh"] = HISTORY_NS
        return namespaces

    def _update_period(self, parent: etree._Element) -> None:
        if self.ttl:
            period, frequency = sy_update(self.ttl)
            etree.SubElement(parent, f"{{{SY_NS}}}updatePeriod").text = period
            etree.SubElement(parent, f"{{{SY_NS}}}updateFrequency").text = str(frequency)

    def extend_atom(self, feed: etree._Element) -> etree._Element:
        for rel, href in self.links:
            etree.SubElement(feed, "link", rel=rel, href=href)
        self._update_period(feed)
        if self.archive:
            etree.SubElement(feed, f"{{{HISTORY_NS}}}archive")
        return feed

    def extend_rss(self, feed: etree._Element) -> etree._Element:
        channel = feed.find("channel")
        if channel is None:
            return feed
        as_text(channel.find("description"))
        for rel, href in self.links:
            etree.SubElement(channel, f"{{{ATOM_NS}}}link", rel=rel, href=href)
        self._update_period(channel)
        if self.archive:
            etree.SubElement(channel, f"{{{HISTORY_NS}}}archive")
        return feed


class _EntryExtension:
    """Adds what feedgen 1.0 gets wrong or lacks: an entry's image as an enclosure (an Atom link with
    its rel, which feedgen drops; an RSS <enclosure> with its length) and as Media RSS content and
    thumbnail, each of which some readers look for alone; dc:creator for authors without e-mail."""

    def __init__(self) -> None:
        self.entry: Entry | None = None
        self.image_length = 0

    def extend_ns(self) -> dict[str, str]:
        return {"media": MEDIA_NS, "dc": DC_NS}

    def _media(self, element: etree._Element, image: str) -> None:
        media = etree.SubElement(element, f"{{{MEDIA_NS}}}content", url=image, medium="image")
        kind = image_type(image)
        if kind:
            media.set("type", kind)
        if self.image_length:
            media.set("fileSize", str(self.image_length))
        etree.SubElement(element, f"{{{MEDIA_NS}}}thumbnail", url=image)

    def extend_atom(self, element: etree._Element) -> etree._Element:
        entry = self.entry
        if entry is not None and entry.image:
            # feedgen builds Atom elements without a namespace under a default xmlns; match it.
            link = etree.SubElement(element, "link", rel="enclosure", href=entry.image)
            kind = image_type(entry.image)
            if kind:
                link.set("type", kind)
            if self.image_length:
                link.set("length", str(self.image_length))
            self._media(element, entry.image)
        return element

    def extend_rss(self, element: etree._Element) -> etree._Element:
        entry = self.entry
        if entry is None:
            return element
        if entry.summary:
            # feedgen puts the summary in <description>, which holds HTML; content_html is HTML already.
            as_text(element.find("description"))
        for author in entry.authors:
            if not author.email:
                creator = etree.SubElement(element, f"{{{DC_NS}}}creator")
                creator.text = author.name
        if entry.image:
            # RSS allows one enclosure per item and requires all three attributes; 0 says "size unknown".
            etree.SubElement(
                element,
                "enclosure",
                url=entry.image,
                length=str(self.image_length),
                type=image_type(entry.image) or FALLBACK_IMAGE_TYPE,
            )
            self._media(element, entry.image)
        return element


def new_feed(spec: FeedSpec, config: Config, fmt: str) -> FeedGenerator:
    """A FeedGenerator for `spec`, pointed at its `fmt` file; point_to turns it to the other format."""
    fg = FeedGenerator()
    fg.register_extension("fw", _FeedExtension, _EntryExtension)
    fg.fw.archive = spec.kind == "archive"
    fg.fw.ttl = config.limits.ttl
    fg.title(spec.title)
    fg.description(spec.description or spec.title)
    fg.subtitle(spec.description or spec.title)
    fg.id(spec.self_urls.get("atom") or spec.home_url)
    point_to(fg, spec, config, fmt)
    fg.language(config.site.language)
    fg.generator("feedwright", uri=GENERATOR_URI, version=__version__)
    # An Atom feed needs an author for every entry; entries that name none inherit the feed's.
    site_author = feed_author(config)
    author = {"name": site_author.name}
    if site_author.email:
        author["email"] = site_author.email
    fg.author(author)
    if config.limits.ttl:
        fg.ttl(config.limits.ttl)
    if config.site.icon:
        fg.icon(config.site.icon)
        fg.logo(config.site.icon)
    fg.updated(local(feed_updated(spec), config))
    for entry in spec.entries:
        add_entry(fg, entry, config)
    return fg


def point_to(fg: FeedGenerator, spec: FeedSpec, config: Config, fmt: str) -> None:
    """The links that differ between the Atom and the RSS file of one feed: its own URL, archive links."""
    hub = (("hub", config.websub.hub),) if config.websub.hub else ()
    linked = tuple((rel, feed_url(config.feeds_url, path, fmt)) for rel, path in spec.links)
    fg.fw.links = (*hub, *linked)
    self_link = {"href": spec.self_urls[fmt], "rel": "self"}
    home = {"href": spec.home_url, "rel": "alternate"}
    # Atom: the home page first, as readers that take the first link for the site expect. RSS: the
    # channel <link> is whichever link was added last, so there the home page goes last.
    fg.link([home, self_link] if fmt == "atom" else [self_link, home], replace=True)


def add_entry(fg: FeedGenerator, entry: Entry, config: Config) -> None:
    fe = fg.add_entry(order="append")
    fe.fw.entry = entry
    fe.fw.image_length = enclosure_length(entry.image, config) if entry.image else 0
    fe.id(entry.id)
    fe.title(entry.title)
    fe.link(href=entry.link)
    fe.published(local(entry.published, config))
    fe.updated(local(entry.updated, config))
    for author in entry.authors:
        data = {"name": author.name}
        if author.email:
            data["email"] = author.email
        if author.uri:
            data["uri"] = author.uri
        fe.author(data)
    for term in (*entry.categories, *entry.tags):
        fe.category(term=term)
    if entry.summary:
        fe.summary(entry.summary)
    fe.content(entry.content_html or entry.summary or entry.title, type="html")
