"""FeedSpec → bytes, one module per format; same input, same bytes."""

from __future__ import annotations

from collections.abc import Callable

from ..config import Config
from ..model import FeedSpec
from ..urls import FILENAMES
from .atom import render_atom
from .jsonfeed import render_json
from .rss import render_rss

Renderer = Callable[[FeedSpec, Config], bytes]

RENDERERS: dict[str, tuple[str, Renderer]] = {
    "atom": (FILENAMES["atom"], render_atom),
    "rss": (FILENAMES["rss"], render_rss),
    "json": (FILENAMES["json"], render_json),
}
