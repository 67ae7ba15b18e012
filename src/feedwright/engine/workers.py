"""Worker processes that die with the build that started them."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

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
    # Ctrl-C reaches the whole process group: the build stops its workers itself, and a worker's
    # own KeyboardInterrupt would only print a traceback. Blocked since the fork (see worker_pool),
    # a Ctrl-C that came meanwhile is dropped once ignored.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    # The parent may have died before prctl took effect.
    if os.getppid() != parent:
        os._exit(1)


@contextmanager
def worker_pool(jobs: int) -> Iterator[ProcessPoolExecutor]:
    """A pool whose queued work is dropped, not run to its end, when the build stops early."""
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_die_with_parent, initargs=(os.getpid(),))
    # The first submit forks every worker; with SIGINT blocked, a Ctrl-C cannot reach one before
    # its initializer has it ignored. The build itself receives it once unblocked here.
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pool.submit(int)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
