"""The output folder's manifest: which feed files the last build published, and the site feed's ids.

The next build compares with it: feeds that are gone are kept (or pruned), and a site feed whose
ids all changed is reported (plan/idguard.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..model import Problem
from ..plan.idguard import Published, read_published
from .atomic import BatchWriter

MANIFEST = ".feedwright-manifest.json"


def settle_manifest(out_dir: Path, files: list[str], site_ids: Published, prune: bool) -> Problem | None:
    """Record `files` and `site_ids`; feeds that existed last time but not now are kept unless pruning.

    Returns the warning that names the feeds kept, if any.
    """
    writer = BatchWriter(out_dir)
    try:
        warning = stage_manifest(writer, out_dir, files, site_ids, prune)
        writer.commit()
    finally:
        writer.discard()
    return warning


def stage_manifest(
    writer: BatchWriter, out_dir: Path, files: list[str], site_ids: Published, prune: bool
) -> Problem | None:
    """`settle_manifest` staged into `writer`: published, and feeds pruned, with the rest of its batch."""
    gone = sorted(set(read_manifest(out_dir)) - set(files))
    kept: list[str] = []
    warning: Problem | None = None
    if gone and prune:
        for relative in gone:
            writer.remove(relative)
    elif gone:
        kept = gone
        folders = sorted({str(Path(g).parent) for g in gone})
        warning = Problem(
            str(out_dir),
            f"{len(folders)} feed(s) no longer have entries and were kept as they were"
            f" ({', '.join(folders[:5])}{' …' if len(folders) > 5 else ''}); run with --prune to delete them",
            "warning",
        )
    data = {"files": sorted({*files, *kept}), "site_ids": site_ids}
    manifest = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    # Staged last, so renamed last: a run killed part-way through its renames leaves the old manifest.
    writer.add_state(MANIFEST, manifest.encode("utf-8"))
    return warning


def read_manifest(out_dir: Path) -> list[str]:
    """The feed files the last build published ([] when there is no readable manifest)."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        files = data.get("files", [])
        return [f for f in files if isinstance(f, str)]
    except (OSError, ValueError, AttributeError):
        return []


def read_site_ids(out_dir: Path) -> Published:
    """The site feed's ids as the last build published them."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return read_published(data.get("site_ids"))
    except (OSError, ValueError, AttributeError):
        return []
