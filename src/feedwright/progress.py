"""Progress bars for long stages, drawn only for a person at a terminal."""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm

# Short builds (a no-op cron run) draw no bar at all.
_MIN_TOTAL = 200


class ProgressBars:
    """Receives (stage, done, total) from the build and keeps one tqdm bar per stage."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self._stream = stream
        self._bars: dict[str, tqdm] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if total < _MIN_TOTAL:
            return
        bar = self._bars.get(stage)
        if bar is None:
            bar = tqdm(total=total, desc=f"{stage:>5}", unit=stage[:-1], file=self._stream, leave=False)
            self._bars[stage] = bar
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()
