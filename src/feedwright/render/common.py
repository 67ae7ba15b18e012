"""What the Atom and RSS writers share: fixed dates, image types, a feedgen extension."""

from __future__ import annotations

import mimetypes
from datetime import UTC, datetime
from html import escape
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from lxml import etree

from .. import __version__
from ..config import Config
from ..dates import whole_minute_offset
from ..model import Entry, FeedSpec
from .urls import feed_url

MEDIA_NS = "http://search.yahoo.com/mrss/"
DC_NS = "http://purl.org/dc/elements/1.1/"
ATOM_NS = "http://www.w3.org/2005/Atom"
HISTORY_NS = "http://purl.org/syndication/history/1.0"
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

    def extend_ns(self) -> dict[str, str]:
        namespaces = {"media": MEDIA_NS, "dc": DC_NS}
        if self.archive:
            namespaces["fh"] = HISTORY_NS
        return namespaces

    def extend_atom(self, feed: etree._Element) -> etree._Element:
        for rel, href in self.links:
            etree.SubElement(feed, "link", rel=rel, href=href)
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
        if self.archive:
            etree.SubElement(channel, f"{{{HISTORY_NS}}}archive")
        return feed


class _EntryExtension:
    """Adds what feedgen 1.0 gets wrong or lacks: an Atom enclosure link with its rel
    (feedgen drops entry link rels), Media RSS images, dc:creator for authors without e-mail."""

    def __init__(self) -> None:
        self.entry: Entry | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"media": MEDIA_NS, "dc": DC_NS}

    def extend_atom(self, element: etree._Element) -> etree._Element:
        entry = self.entry
        if entry is not None and entry.image:
            # feedgen builds Atom elements without a namespace under a default xmlns; match it.
            link = etree.SubElement(element, "link", rel="enclosure", href=entry.image)
            kind = image_type(entry.image)
            if kind:
                link.set("type", kind)
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
            media = etree.SubElement(element, f"{{{MEDIA_NS}}}content", url=entry.image, medium="image")
            kind = image_type(entry.image)
            if kind:
                media.set("type", kind)
        return element


def new_feed(spec: FeedSpec, config: Config, fmt: str) -> FeedGenerator:
    """A FeedGenerator for `spec`, pointed at its `fmt` file; point_to turns it to the other format."""
    fg = FeedGenerator()
    fg.register_extension("fw", _FeedExtension, _EntryExtension)
    fg.fw.archive = spec.kind == "archive"
    fg.title(spec.title)
    fg.description(spec.description or spec.title)
    fg.subtitle(spec.description or spec.title)
    fg.id(spec.self_urls.get("atom") or spec.home_url)
    point_to(fg, spec, config, fmt)
    fg.language(config.site.language)
    fg.generator("feedwright", uri=GENERATOR_URI, version=__version__)
    if config.site.author.name:
        author = {"name": config.site.author.name}
        if config.site.author.email:
            author["email"] = config.site.author.email
        fg.author(author)
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
    # The RSS channel <link> is whichever link was added last, so the home page goes last.
    fg.link([{"href": spec.self_urls[fmt], "rel": "self"}, {"href": spec.home_url, "rel": "alternate"}], replace=True)


def add_entry(fg: FeedGenerator, entry: Entry, config: Config) -> None:
    fe = fg.add_entry(order="append")
    fe.fw.entry = entry
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
