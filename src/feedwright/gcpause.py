"""Pausing Python's cyclic garbage collector while a build makes many objects that it keeps."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection inside the block; the collector is left as it was found.

    For steps that make hundreds of thousands of objects, keep them all and make no cycles:
    each collection the allocations set off would walk the whole growing heap and free
    nothing. Reference counting still frees everything else at once.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
