"""A warning when most of the site feed's entries would reach readers under new ids at once.

Readers know an entry by its id alone: a new base_url, permalink pattern or scheme gives every
entry a new id, and every subscriber sees the whole feed again as unread. The ids the last
build published are kept beside the manifest; an entry that comes from the same post file and
place in it as before, under another id, counts as changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..model import EntryRef, FeedSpec, Problem

# More than this share of the site feed under new ids is a change of address, not of posts.
CHANGED_SHARE = 0.25

Published = list[tuple[str, str, int]]


def published_ids(specs: Sequence[FeedSpec[EntryRef]]) -> Published:
    """The site feed's entries as (id, post file, place in post), to remember for the next build."""
    site = next((spec for spec in specs if spec.kind == "site"), None)
    return [] if site is None else [(e.id, e.path, e.index) for e in site.entries]


def read_published(data: Any) -> Published:
    """What a manifest's JSON remembers; nothing when it holds something else."""
    if not isinstance(data, list):
        return []
    return [
        (row[0], row[1], row[2])
        for row in data
        if isinstance(row, list)
        and len(row) == 3
        and isinstance(row[0], str)
        and isinstance(row[1], str)
        and isinstance(row[2], int)
    ]


def id_change_warning(previous: Published, current: Published, base_url: str, where: str) -> Problem | None:
    """One warning when more than CHANGED_SHARE of the site feed changes id; None otherwise."""
    if not previous or not current:
        return None
    old_ids = {entry_id for entry_id, _, _ in previous}
    old_by_place = {(path, index): entry_id for entry_id, path, index in previous}
    changed = [
        (old_by_place[(path, index)], entry_id)
        for entry_id, path, index in current
        if entry_id not in old_ids and (path, index) in old_by_place
    ]
    if len(changed) <= CHANGED_SHARE * len(current):
        return None
    old, new = changed[0]
    return Problem(
        where,
        f"{len(changed)} of the {len(current)} entries of the site feed get a new id ({old} is now {new}):"
        f" readers will show every one of them again as new; {_remedy(old, new, base_url)}",
        "warning",
    )


def _remedy(old: str, new: str, base_url: str) -> str:
    if new.startswith(base_url):
        rest = new[len(base_url) :]
        if old.endswith(rest) and len(old) > len(rest):
            old_base = old[: len(old) - len(rest)]
            return f"if the site moved, keep the old ids with 'site.id_base_url: {old_base}' in the config"
    return "to keep an entry's old id, give its post a front matter 'id' holding it"
