"""The output folder's manifest: what the last build published, and who published it.

It lists the feed files, each with its size and modification time as published, the site feed's
ids, the config that owns the folder and how many posts it published. The next build compares with
it: feeds that are gone are kept (or pruned), a file that is not what was published is written
again, a site feed whose ids all changed is reported (plan/idguard.py), a build of another config
is refused, and a build that finds no posts where the last one published some writes nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Problem
from ..plan.idguard import Published, read_published
from .atomic import BatchWriter

MANIFEST = ".feedwright-manifest.json"

# A post file whose name is not UTF-8 reaches the site ids with lone surrogates, which UTF-8 cannot
# encode; written as JSON's \u escapes, json.loads gives them back.
_SURROGATES = re.compile("[\ud800-\udfff]")


# --prune deletes nothing when more than this share of the feed sets the last build published would
# go at once: feeds do not lose most of their tags between two runs, posts folders half gone do.
PRUNE_SHARE = 0.5


@dataclass(frozen=True)
class Manifest:
    """What the last build recorded of what it published (all empty when there is no readable manifest)."""

    files: tuple[str, ...] = ()
    site_ids: Published = field(default_factory=list)
    # Each published file's (size, mtime_ns) just after it was published; None: a manifest older than these.
    stamps: dict[str, tuple[int, int]] | None = None
    # The resolved path of the config file whose builds publish here; None: not recorded.
    owner: str | None = None
    # Posts the last build published; None: not recorded.
    posts: int | None = None

    def had_posts(self) -> bool:
        """The last build published at least one post (an older manifest tells by its site ids)."""
        return bool(self.posts) if self.posts is not None else bool(self.site_ids)


@dataclass(frozen=True)
class Publication:
    """What this build publishes, for the manifest."""

    files: list[str]
    site_ids: Published
    owner: str | None
    posts: int
    entries: int


def stage_manifest(
    writer: BatchWriter, out_dir: Path, now: Publication, last: Manifest, prune: bool, allow_empty: bool = False
) -> list[Problem]:
    """Stage what this build published into `writer`, with the rest of its batch: the manifest, and the
    removal of feeds that existed last time but not now when pruning (else they are kept, with a warning).

    Only files the last manifest lists under this build's owner are ever deleted (a manifest left
    by another config is not this build's to prune), and none when more than PRUNE_SHARE of the
    feed sets would go at once, unless `allow_empty`. Returns warnings naming the feeds kept.
    """
    problems: list[Problem] = []
    owned = last.owner is None or now.owner is None or last.owner == now.owner
    gone = sorted(set(last.files) - set(now.files)) if owned else []
    kept: list[str] = []
    if gone and prune and not allow_empty:
        sets = {str(Path(f).parent) for f in last.files}
        going = {str(Path(g).parent) for g in gone}
        if len(going) > PRUNE_SHARE * len(sets):
            kept = gone
            problems.append(
                Problem(
                    str(out_dir),
                    f"--prune would delete {len(going)} of the {len(sets)} feed sets the last build published;"
                    " nothing deleted (a posts folder partly gone?): run with --prune --allow-empty if that is meant",
                    "warning",
                )
            )
            gone = []
    if gone and prune:
        for relative in gone:
            writer.remove(relative)
    elif gone:
        kept = gone
        folders = sorted({str(Path(g).parent) for g in gone})
        problems.append(
            Problem(
                str(out_dir),
                f"{len(folders)} feed(s) no longer have entries and were kept as they were"
                f" ({', '.join(folders[:5])}{' …' if len(folders) > 5 else ''}); run with --prune to delete them",
                "warning",
            )
        )
    files = sorted({*now.files, *kept})
    data: dict[str, object] = {
        "files": files,
        "site_ids": now.site_ids,
        "stamps": _stamps(writer, files),
        "owner": now.owner or last.owner,
        "posts": now.posts,
        "entries": now.entries,
    }
    manifest = _SURROGATES.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(data, ensure_ascii=False, indent=1))
    manifest += "\n"
    # Staged last, so renamed last: a run killed part-way through its renames leaves the old manifest.
    writer.add_state(MANIFEST, manifest.encode("utf-8"))
    return problems


def _stamps(writer: BatchWriter, files: list[str]) -> dict[str, list[int]]:
    """Each file's size and modification time as it will be once the batch is published: what the
    next run holds the folder to. A rename keeps both, so a staged file's are read from its temp file."""
    return {name: [st.st_size, st.st_mtime_ns] for name, st in writer.stats_as_published(files).items()}


def load_manifest(out_dir: Path) -> Manifest:
    """The last build's manifest; an empty one when there is none or it cannot be read."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Manifest()
    if not isinstance(data, dict):
        return Manifest()
    files = data.get("files")
    stamps = data.get("stamps")
    owner = data.get("owner")
    posts = data.get("posts")
    return Manifest(
        files=tuple(f for f in files if isinstance(f, str)) if isinstance(files, list) else (),
        site_ids=read_published(data.get("site_ids")),
        stamps=(
            {
                name: (value[0], value[1])
                for name, value in stamps.items()
                if isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value)
            }
            if isinstance(stamps, dict)
            else None
        ),
        owner=owner if isinstance(owner, str) else None,
        posts=posts if type(posts) is int else None,
    )
