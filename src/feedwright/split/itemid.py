"""A news item's id: its post's id plus a fragment made from what editors change least.

Readers recognise an item only by its id, so the id must survive the edits a digest gets
after publication: a heading fixed or renumbered, items added, removed or reordered, the
body reworded. The fragment therefore comes from the first of these that the item has and
no other item of the post shares:

1. an anchor written in the heading (`### Title {#my-id}`): the editor's own choice, kept as it is;
2. its source link (the first link of its 消息来源 line), scheme, `www.` and tracking
   parameters left out: the news it reports, which editors rarely change;
3. its image's file name: one picture per item, whatever host or folder serves it;
4. for a follow-up section (回音), that it is one: its heading and bullets change as news comes in;
5. its heading without the number marker, letters and digits only;
6. its text, as a last resort (an item with no source, image or heading).

Keys other than an anchor become a short hash, so ids stay short in any script. Nothing is
remembered between builds: the same post always gives the same ids.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from ..text import iri_to_uri

# Readers and their databases cut ids at 255 characters; this leaves room to spare.
MAX_ID_CHARS = 200
# An anchor longer than this (once percent-encoded) is hashed like any other key.
_MAX_ANCHOR_CHARS = 64
_HASH_CHARS = 12
_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|mc_cid|mc_eid|spm)$", re.IGNORECASE)
# `{#id}` or `{: .class #id }` after a heading (attr_list), or id="…" on a raw HTML heading.
_ATTR_LIST_ID = re.compile(r"\{:?[^}\n]*?#([^\s}#]+)[^}\n]*\}")
_HTML_ID = re.compile(r"""<h[1-6][^>]*?\sid\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_TEXT_KEY_CHARS = 200


@dataclass(frozen=True)
class ItemKeys:
    """What an item offers to be known by, each already normalised; '' where it has none."""

    anchor: str
    source: str
    image: str
    followup: bool
    heading: str
    text: str


@dataclass(frozen=True)
class Clash:
    """Two or more items of one post with nothing that tells them apart."""

    index: int  # 1-based, of the item that got a suffix
    first: int  # 1-based, of the item that kept the plain fragment
    suffix: str


def explicit_anchors(markdown: str) -> frozenset[str]:
    """The heading ids written in a post's source, as opposed to those made from heading text."""
    found = {m.group(1) for m in _ATTR_LIST_ID.finditer(markdown)}
    found.update(m.group(1).strip() for m in _HTML_ID.finditer(markdown))
    return frozenset(found)


def item_keys(
    anchor: str | None, sources: Sequence[str], image: str | None, followup: bool, heading: str, text: str
) -> ItemKeys:
    return ItemKeys(
        anchor=(anchor or "").strip(),
        source=normal_url(sources[0]) if sources else "",
        image=image_name(image) if image else "",
        followup=followup,
        heading=letters(heading),
        text=letters(text)[:_TEXT_KEY_CHARS],
    )


def fragments(items: Sequence[ItemKeys]) -> tuple[list[str], list[Clash]]:
    """One fragment per item, never shared; and the clashes that needed a suffix to be told apart.

    Each item takes its first key that no other item of the post has, so which key an
    item uses does not depend on the order of the items, only on which others share it.
    """
    chains = [_chain(item) for item in items]
    counts = Counter(key for chain in chains for key in chain)
    chosen = [next((key for key in chain if counts[key] == 1), chain[0]) for chain in chains]
    out: list[str] = []
    clashes: list[Clash] = []
    first_with: dict[str, int] = {}
    taken: set[str] = set()
    for n, key in enumerate(chosen, 1):
        base = _fragment(key)
        fragment, copy = base, 1
        while fragment in taken:
            copy += 1
            fragment = f"{base}-{copy}"
        if fragment != base:
            clashes.append(Clash(n, first_with[base], fragment[len(base) :]))
        first_with.setdefault(base, n)
        taken.add(fragment)
        out.append(fragment)
    return out, clashes


def item_id(post_id: str, fragment: str) -> str:
    """The item's id: the post's id and the fragment; a name-based UUID when that would be too long."""
    full = f"{post_id}#{fragment}"
    if len(full) <= MAX_ID_CHARS:
        return full
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, full)}"


def normal_url(url: str) -> str:
    """A link as the same page's other spellings give it: no scheme, `www.`, fragment or tracking."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = unquote(parts.path).rstrip("/")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)]
    return f"{host}{path}" + (f"?{urlencode(sorted(query))}" if query else "")


def image_name(url: str) -> str:
    """An image's file name, whatever host or folder serves it (a thumbnail counts as its picture)."""
    path = unquote(urlsplit(url.strip()).path)
    return path.rsplit("/", 1)[-1].removesuffix(".thumb.jpg")


def letters(text: str) -> str:
    """Letters and digits only, case and width folded: what a typo fix or re-punctuation keeps."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def _chain(item: ItemKeys) -> list[tuple[str, str]]:
    if item.anchor:
        return [("anchor", item.anchor)]
    keys = [(kind, value) for kind, value in (("source", item.source), ("image", item.image)) if value]
    if item.followup:
        keys.append(("followup", ""))
    if item.heading:
        keys.append(("heading", item.heading))
    keys.append(("text", item.text))
    return keys


def _fragment(key: tuple[str, str]) -> str:
    kind, value = key
    if kind == "anchor":
        encoded = iri_to_uri(value)
        if len(encoded) <= _MAX_ANCHOR_CHARS:
            return encoded
    digest = hashlib.sha256(f"{kind}\0{value}".encode("utf-8", "surrogatepass")).hexdigest()
    return f"item-{digest[:_HASH_CHARS]}"
