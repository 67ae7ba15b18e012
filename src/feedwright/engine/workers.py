"""Worker processes that die with the build that started them, and the one way work is batched for them."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat
from typing import TypeVar

_PR_SET_PDEATHSIG = 1
# The signals that stop a build (cli.py): what they do in a worker is set apart from the build's.
_STOPS = frozenset({signal.SIGINT, signal.SIGTERM})

T = TypeVar("T")
C = TypeVar("C")
R = TypeVar("R")


@dataclass(frozen=True)
class Batching:
    """How a list of work is cut into batches for worker processes.

    A batch's size aims at `per_worker` batches for each worker, within [smallest, largest]:
    small enough that the workers finish together, large enough that each batch pays for
    its trip through the pipe.
    """

    # Fewer items than this: starting worker processes would cost more than it saves.
    least: int
    per_worker: int
    smallest: int
    largest: int

    def wanted(self, count: int, jobs: int) -> bool:
        return jobs > 1 and count >= self.least

    def size(self, count: int, jobs: int) -> int:
        return max(self.smallest, min(self.largest, count // (jobs * self.per_worker)))


def run_batches(
    task: Callable[[list[T], C], R], items: Sequence[T], context: C, jobs: int, batching: Batching
) -> Iterator[R]:
    """`task(batch, context)` for each batch of `items`, in `jobs` worker processes; results in order.

    `task` must be a module-level function, and `context` picklable: both go to the workers.
    """
    size = batching.size(len(items), jobs)
    batches = (list(items[start : start + size]) for start in range(0, len(items), size))
    with worker_pool(jobs) as pool:
        yield from pool.map(task, batches, repeat(context))


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
    # own KeyboardInterrupt would only print a traceback. SIGTERM reaches every process of a
    # systemd service: it ends a worker at once and without a word. The handler the build set for
    # itself (cli.py) must not run here: raised while a worker sends a result, its exception is sent
    # after it, into a pipe that nobody reads any more, and the build waits for that worker for
    # ever. Both were blocked since the fork (see worker_pool): a Ctrl-C that came meanwhile is
    # dropped once ignored, a SIGTERM ends the worker once unblocked.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)
    # The parent may have died before prctl took effect.
    if os.getppid() != parent:
        os._exit(1)


@contextmanager
def worker_pool(jobs: int) -> Iterator[ProcessPoolExecutor]:
    """A pool whose queued work is dropped, not run to its end, when the build stops early."""
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_die_with_parent, initargs=(os.getpid(),))
    # The first submit forks every worker; with SIGINT and SIGTERM blocked, neither can reach one
    # before its initializer has set what they do there. The build itself receives them once
    # unblocked here.
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
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
