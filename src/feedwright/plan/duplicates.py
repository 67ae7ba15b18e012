"""Two posts with one id: the one published first keeps it."""

from __future__ import annotations

from pathlib import Path

from ..model import PostIndex, Problem
from ..read import display_path


def reject_duplicate_ids(results: list[PostIndex]) -> list[PostIndex]:
    """Two posts with one id would be one entry to readers: the one published first keeps it.

    Readers already hold the earlier post under that id, so the later one is reported and left
    out, whatever the files are named (equal dates: the path that sorts first).
    """
    owner: dict[str, str] = {}
    kept: dict[str, PostIndex] = {}
    for result in sorted(results, key=_first_published):
        if result.article is None:
            kept[result.path] = result
            continue
        ids = {result.article.id, *(e.id for e in result.items)}
        clash = next((owner[i] for i in sorted(ids) if i in owner), None)
        if clash is not None:
            problem = Problem(
                display_path(Path(result.path)),
                f"has the same id/permalink as {display_path(Path(clash))} ({result.article.id}), published earlier;"
                " left out: give it its own 'permalink' or 'slug'",
            )
            kept[result.path] = PostIndex(result.path, (*result.problems, problem))
            continue
        for i in ids:
            owner[i] = result.path
        kept[result.path] = result
    return [kept[result.path] for result in results]


def _first_published(result: PostIndex) -> tuple[float, str]:
    # sort_time is minus the publication time.
    return (-result.article.sort_time if result.article is not None else 0.0, result.path)
