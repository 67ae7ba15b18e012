"""FeedSpec → Atom 1.0 bytes."""

from __future__ import annotations

from feedgen.feed import FeedGenerator

from ..config import Config
from ..model import FeedSpec
from .common import new_feed


def render_atom(spec: FeedSpec, config: Config) -> bytes:
    return atom_bytes(new_feed(spec, config, "atom"))


def atom_bytes(fg: FeedGenerator) -> bytes:
    return fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)
