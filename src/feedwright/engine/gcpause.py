"""Keeping Python's cyclic garbage collector off the objects a build makes and keeps."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def paused_gc(keep: Callable[[], None] | None = None) -> Iterator[None]:
    """No cyclic collection inside the block; the collector is left as it was found.

    For steps that make many objects, keep them all and make no cycles: each collection would
    walk the whole growing heap and free nothing (see benchmarks/README.md, design notes).
    Reference counting still frees everything else at once. `keep` (see kept_out_of_sight) is
    called on leaving, before the collector is back on, so that no collection walks what the
    block made.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep is not None:
            keep()
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def kept_out_of_sight() -> Iterator[Callable[[], None]]:
    """For one build: `keep()` hides every object alive from later collections until the build ends.

    A build holds every post's index and every feed's plan to its end; pausing the collector
    while making them only defers the work. Frozen (gc.freeze), they are skipped by later
    collections. Reference counting still frees them when let go; only a cycle among them would
    wait for the end of the build. A caller that froze objects of its own is left alone: then
    `keep()` does nothing.
    """
    ours = gc.get_freeze_count() == 0

    def keep() -> None:
        if ours:
            gc.freeze()

    try:
        yield keep
    finally:
        if ours:
            gc.unfreeze()
