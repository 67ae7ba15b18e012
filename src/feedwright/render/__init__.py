"""FeedSpec → bytes, one module per format; same input, same bytes."""

from __future__ import annotations

from collections.abc import Callable

from ..config import Config
from ..model import Entry, FeedSpec, Problem
from ..plan.content import with_content_mode
from .atom import atom_bytes, render_atom
from .budget import fit
from .common import new_feed, point_to
from .jsonfeed import render_json
from .pages import has_page, page_file, render_feed_page
from .rss import render_rss, rss_bytes
from .stylesheet import with_stylesheet
from .urls import ARCHIVE_FORMATS, feed_file

Renderer = Callable[[FeedSpec, Config], bytes]

RENDERERS: dict[str, Renderer] = {"atom": render_atom, "rss": render_rss, "json": render_json}


def render_formats(spec: FeedSpec, config: Config, formats: list[str]) -> list[bytes]:
    """One feed in each of `formats`, as RENDERERS would write it.

    Atom and RSS share one FeedGenerator: filling it with the entries costs as much as
    writing either format out, and only the feed's own links differ between the two.
    """
    fg = None
    out: list[bytes] = []
    for fmt in formats:
        if fmt not in ("atom", "rss"):
            out.append(RENDERERS[fmt](spec, config))
            continue
        if fg is None:
            fg = new_feed(spec, config, fmt)
        else:
            point_to(fg, spec, config, fmt)
        out.append(atom_bytes(fg) if fmt == "atom" else rss_bytes(fg, spec))
    return out


def formats(spec: FeedSpec, config: Config) -> list[str]:
    """The formats a feed set is written in: archives have no JSON Feed (RFC 5005 is Atom and RSS)."""
    if spec.kind == "archive":
        return [fmt for fmt in config.formats if fmt in ARCHIVE_FORMATS]
    return list(config.formats)


def feed_set(spec: FeedSpec, config: Config) -> list[tuple[str, str, bytes]]:
    """A filled feed's files: (format, file name under the output folder, bytes) per format."""
    return render_feed_set(spec, config)[0]


def render_feed_set(spec: FeedSpec[Entry], config: Config) -> tuple[list[tuple[str, str, bytes]], list[Problem]]:
    """A filled feed's files, in its kind's content mode and within the byte budget, and its page
    (render/pages.py); and a warning naming the feed when the budget cut entries."""
    spec = with_content_mode(spec, config)
    fmts = formats(spec, config)
    files: list[tuple[str, str, bytes]] = []
    cuts: list[str] = []
    for fmt, data in zip(fmts, render_formats(spec, config, fmts), strict=True):
        data = with_stylesheet(data, spec.path, fmt, config)
        name = feed_file(spec.path, fmt)
        fitted = fit(spec, config, _renderer(fmt, config), data)
        if fitted.summarized or fitted.dropped:
            left_out = f", {fitted.dropped} left out" if fitted.dropped else ""
            cuts.append(f"{name} ({fitted.summarized} entries cut to their summaries{left_out})")
        files.append((fmt, name, fitted.data))
    if has_page(spec):
        # The page a person sees behind the feed's link on index.html (its format: "page").
        files.append(("page", page_file(spec.path), render_feed_page(spec, config)))
    problems = []
    if cuts:
        # The feed's folder under the output folder, as the config names it.
        where = "/".join(part for part in (config.output.rstrip("/"), spec.path) if part)
        problems.append(
            Problem(
                where,
                f"over limits.max_feed_bytes ({config.limits.max_feed_bytes} bytes): " + "; ".join(cuts),
                "warning",
            )
        )
    return files, problems


def _renderer(fmt: str, config: Config) -> Callable[[FeedSpec[Entry]], bytes]:
    """One format alone, as feed_set writes it: what the byte budget measures."""

    def render(spec: FeedSpec[Entry]) -> bytes:
        return with_stylesheet(RENDERERS[fmt](spec, config), spec.path, fmt, config)

    return render
