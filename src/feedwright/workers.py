"""Worker processes that die with the build that started them."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Runs first in each worker: ask Linux to kill it when the build dies.

    A build killed by cron's timeout or by hand must not leave workers rendering and
    staging files for a run that no longer exists.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    # The parent may have died before prctl took effect.
    if os.getppid() != parent:
        os._exit(1)


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, initializer=_die_with_parent, initargs=(os.getpid(),))
