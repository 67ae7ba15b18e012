"""The cache's life cycle from run to run: what the last run left, and when it may be replayed.

A run moves the cache through these states, each kept in the cache's meta table, and
commits each transition before the work that depends on it:

    finished ──start_changing──▶ changing ──start_publishing──▶ publishing ──finish──▶ finished

- finished: the last run that changed the cache finished. Its `snapshot` (the config and every
  post file's stat) and finish mark are set, and its report is kept, so that a run over the same
  files can replay it (`replayable`, `replayable_after_touch`) and touch nothing.
- changing: the cache takes new posts and bodies; no snapshot or finish mark matches any more.
- publishing: output files are being replaced. A run killed here leaves temporary files, which
  the next run sweeps (`start_changing` tells it), and feed fingerprints it never wrote are
  already forgotten.

A site with a post waiting for its date finishes with no snapshot and no finish mark: every run
must look at it again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..model import Problem
from .cache import Cache
from .records import checksum

# The meta rows of the life cycle.
_SNAPSHOT = "snapshot"
_FINISHED = "finished"
_PUBLISHING = "publishing"
_PAGES = "pages"
_REPORT = "report"
# The report's checksum: a report whose bytes changed on disk is not replayed, as one that is not JSON.
_REPORT_CRC = "report_crc"


@dataclass(frozen=True)
class KeptReport:
    """What a finished run reported, for a run over the same files to report again."""

    problems: tuple[Problem, ...]
    counts: dict[str, int]
    files: tuple[str, ...]

    def to_json(self) -> str:
        problems = [[p.path, p.message, p.severity, p.line] for p in self.problems]
        data = {"problems": problems, "counts": self.counts, "files": list(self.files)}
        # ASCII: a problem may name a file whose name is not UTF-8 (a lone surrogate), which
        # SQLite's text cannot hold; JSON's \u escapes carry it and json.loads gives it back.
        return json.dumps(data, ensure_ascii=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | None, crc: str | None) -> KeptReport | None:
        """The report `to_json` wrote, if `crc` is its checksum; None for anything else (an older cache,
        a damaged row)."""
        if text is None or crc != _report_crc(text):
            return None
        try:
            data = json.loads(text)
            problems = tuple(_problem(row) for row in data["problems"])
            counts = data["counts"]
            files = data["files"]
        except (ValueError, TypeError, KeyError):
            return None
        if not (isinstance(counts, dict) and all(isinstance(v, int) for v in counts.values())):
            return None
        if not (isinstance(files, list) and all(isinstance(f, str) for f in files)):
            return None
        return cls(problems, counts, tuple(files))


def _report_crc(text: str) -> str:
    return str(checksum(text.encode("utf-8", "surrogatepass")))


def _problem(row: Any) -> Problem:
    path, message, severity, line = row
    if not (isinstance(path, str) and isinstance(message, str) and severity in ("error", "warning")):
        raise ValueError(row)
    if not (line is None or isinstance(line, int)):
        raise ValueError(row)
    return Problem(path, message, severity, line)


class Lifecycle:
    """The life cycle of one cache, with its transitions (see the module's description)."""

    def __init__(self, cache: Cache) -> None:
        self._cache = cache

    def replayable(self, snapshot: str) -> KeptReport | None:
        """The last finished run's report, when it ran over exactly these files' stats and config."""
        if self._cache.get_meta(_SNAPSHOT) != snapshot:
            return None
        return self._kept_report()

    def replayable_after_touch(self, finish_mark: str) -> KeptReport | None:
        """The last run's report, when it finished with this mark: for files touched, not changed."""
        if self._cache.get_meta(_FINISHED) != finish_mark:
            return None
        return self._kept_report()

    def _kept_report(self) -> KeptReport | None:
        return KeptReport.from_json(self._cache.get_meta(_REPORT), self._cache.get_meta(_REPORT_CRC))

    def keep_snapshot(self, snapshot: str) -> None:
        """A touched run replayed: the new stats are the finished run's too."""
        self._cache.set_meta(_SNAPSHOT, snapshot)
        self._cache.commit()

    def start_changing(self) -> bool:
        """From here the cache may change. True when a run was killed while publishing (or none ran).

        It describes a finished run again only once this one finishes.
        """
        self._cache.set_meta(_FINISHED, "")
        return self._cache.get_meta(_PUBLISHING) != ""

    def start_publishing(self, stale: set[str]) -> str | None:
        """Output files are about to be replaced; returns the last pages' print.

        The feeds about to be replaced are forgotten first: a run killed while publishing must
        leave the next run rendering them again, not trusting fingerprints of files it never wrote.
        """
        previous = self._cache.feed_fingerprints()
        self._cache.set_feed_fingerprints({k: v for k, v in previous.items() if k not in stale})
        pages = self._cache.get_meta(_PAGES)
        self._cache.set_meta(_SNAPSHOT, "")
        self._cache.set_meta(_PAGES, "")
        self._cache.set_meta(_PUBLISHING, "1")
        self._cache.commit()
        return pages

    def finish(
        self, fingerprints: dict[str, str], pages: str, report: KeptReport, snapshot: str, finish_mark: str
    ) -> None:
        """Everything is published: the cache describes this run, replayable unless snapshot is ''."""
        self._cache.set_feed_fingerprints(fingerprints)
        self._cache.set_meta(_PAGES, pages)
        self._cache.set_meta(_SNAPSHOT, snapshot)
        self._cache.set_meta(_FINISHED, finish_mark)
        text = report.to_json()
        self._cache.set_meta(_REPORT, text)
        self._cache.set_meta(_REPORT_CRC, _report_crc(text))
        self._cache.set_meta(_PUBLISHING, "")
        self._cache.commit()
