"""Real builds SIGKILLed at random moments: every feed on disk stays the old or the new complete file.

One posts folder (a copy of part of the corpus) is switched between two versions, A and B, before
each run, the way people edit posts between cron runs: B appends a paragraph to every post and adds
a few posts (so B has feeds A lacks). Reference outputs come from fresh builds of A and of B. Each
run is killed after a random delay spread over a measured build's duration; afterwards every file is
checked against the snapshot taken before the run ("old") and the reference of the run's version
("new"). The kill sequence runs once (a module fixture); the first tests look at what it recorded.
Then kills at chosen moments (injected into a real build process) and the worker processes a killed
build leaves behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import feedparser
import lxml.html
import pytest
import yaml
from lxml import etree

from feedwright.write.atomic import TMP_MARK
from feedwright.write.lock import LOCK_NAME
from feedwright.write.manifest import MANIFEST

from .conftest import CORPUS, LINUXCN_SITE, needs_corpus

SEED = 20261125
KILLS = 30  # builds actually killed; runs that finish before their delay do not count
MAX_RUNS = 70
# At least process.POST_BATCHES.least (48) posts, so that builds use worker processes, as the real corpus does.
POSTS = 50
EXTRA_IN_B = 5
NO_CACHE = "--no-cache"
B_PARAGRAPH = "\n\n修订 B：这一段只在 B 版里，用来让新旧两版的输出不同。\n"

Files = dict[str, bytes]


@dataclass(frozen=True)
class Corpus:
    versions: dict[str, dict[str, str]]  # "A"/"B" → post path under the posts folder → text
    refs: dict[str, Files]  # "A"/"B" → every file of a fresh build (manifest and lock left out)
    tmp: Path


@dataclass
class Kill:
    number: int
    version: str
    delay: float
    killed: bool  # False: the build finished before its delay ran out
    returncode: int | None
    stderr: str
    replaced: int  # files that now hold the new version and did not before
    pending: int  # files that should change and still hold the old version
    temps: list[str]  # temp files on disk after the kill
    new_temps: int  # of those, how many this run made (a killed run's leftovers wait for the next)
    violations: list[str]
    orphans: int  # processes of the killed build's group still alive just after the kill


@dataclass
class CrashLog:
    duration: float = 0.0
    first_write: float = 0.0
    kills: list[Kill] = field(default_factory=list)
    stale_after_complete_runs: int = 0
    final_returncode: int | None = None
    final_stderr: str = ""
    final_temps: list[str] = field(default_factory=list)
    seconds: float = 0.0


# --- posts, config, outputs ------------------------------------------------------------------------


def _versions() -> dict[str, dict[str, str]]:
    files = sorted(CORPUS.rglob("*.md"))
    chosen, rest = files[::2][:POSTS], files[1::2]
    extra = rest[:: max(1, len(rest) // EXTRA_IN_B)][:EXTRA_IN_B]
    a = {str(p.relative_to(CORPUS)): p.read_text(encoding="utf-8") for p in chosen}
    b = {name: text.rstrip("\n") + B_PARAGRAPH for name, text in a.items()}
    b.update({str(p.relative_to(CORPUS)): p.read_text(encoding="utf-8") for p in extra})
    return {"A": a, "B": b}


def _switch(posts: Path, version: dict[str, str]) -> None:
    """Make the posts folder hold exactly `version`, as an editor would between two cron runs."""
    posts.mkdir(parents=True, exist_ok=True)
    for path in list(posts.rglob("*.md")):
        if str(path.relative_to(posts)) not in version:
            path.unlink()
    for name, text in version.items():
        path = posts / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _config(folder: Path, posts: Path, out: Path) -> Path:
    """A config file in a folder of its own: the build keeps its cache beside the config."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "site": LINUXCN_SITE,
        "posts": str(posts),
        "output": str(out),
        "split": {"categories": ["硬核观察"]},
        "lock_timeout": 5,  # a lock left by a killed run would show as exit 75, not as a long wait
    }
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _command(config: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "feedwright", "build", "-c", str(config), "-q", *extra]


def _build(config: Path, *extra: str) -> None:
    result = subprocess.run(_command(config, *extra), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


def _snapshot(out: Path) -> tuple[Files, list[str]]:
    """Every file of the output folder by relative path (the lock left out), and the temp files apart."""
    files: Files = {}
    temps: list[str] = []
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        relative = str(path.relative_to(out))
        if TMP_MARK in path.name:
            temps.append(relative)
        elif relative != LOCK_NAME:
            files[relative] = path.read_bytes()
    return files, temps


def _manifest_files(data: bytes | None) -> list[str]:
    return [] if data is None else json.loads(data.decode("utf-8"))["files"]


_PARSED: dict[str, str] = {}


def _parse_problem(relative: str, data: bytes) -> str | None:
    """Why the file is not a complete, valid feed (or page), or None. Memoised on the bytes' hash."""
    key = hashlib.sha256(relative.rsplit("/", 1)[-1].encode() + b"\0" + data).hexdigest()
    if key not in _PARSED:
        _PARSED[key] = _parse(relative, data) or ""
    return _PARSED[key] or None


def _parse(relative: str, data: bytes) -> str | None:
    name = relative.rsplit("/", 1)[-1]
    try:
        if name in ("atom.xml", "rss.xml"):
            etree.fromstring(data)
            parsed = feedparser.parse(data)
            if parsed.bozo:
                return f"{relative}: feedparser: {parsed.get('bozo_exception')}"
            if not parsed.entries:
                return f"{relative}: no entries"
        elif name == "feed.json":
            if not json.loads(data.decode("utf-8"))["items"]:
                return f"{relative}: no items"
        elif name == "feeds.opml":
            etree.fromstring(data)
        elif name == "index.html":
            if not data.rstrip().endswith(b"</html>"):
                return f"{relative}: truncated page"
            lxml.html.document_fromstring(data)
        elif name == MANIFEST:
            _manifest_files(data)
    except (ValueError, KeyError, TypeError, etree.XMLSyntaxError) as exc:
        return f"{relative}: does not parse: {exc}"
    return None


def _differences(out: Path, expected: Files) -> list[str]:
    after, _ = _snapshot(out)
    return [
        f"{rel}: {'missing' if rel not in after else 'stale'}"
        for rel, data in expected.items()
        if after.get(rel) != data
    ]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    needs_corpus()
    if not Path("/proc/self/stat").is_file():
        pytest.skip("needs Linux /proc to find the worker processes of a killed build")
    tmp = tmp_path_factory.mktemp("crash")
    versions = _versions()
    refs: dict[str, Files] = {}
    for name in "AB":
        _switch(tmp / "posts", versions[name])
        out = tmp / f"ref-{name}" / "out"
        _build(_config(tmp / f"ref-{name}", tmp / "posts", out))
        files, temps = _snapshot(out)
        assert not temps
        files.pop(MANIFEST)
        for relative, data in files.items():
            problem = _parse_problem(relative, data)
            assert problem is None, problem
        refs[name] = files
    assert set(refs["B"]) > set(refs["A"]), "B should add feeds that A lacks"
    assert sum(refs["A"][k] != refs["B"][k] for k in refs["A"]) > len(refs["A"]) // 3, "A and B differ too little"
    return Corpus(versions, refs, tmp)


# --- processes -----------------------------------------------------------------------------------


def _group_members(pgid: int) -> list[int]:
    """Live processes of a process group (Linux /proc); zombies do not count."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def _end_group(pgid: int) -> None:
    """End what is left of a build we started in a session of its own (worker processes it orphaned)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def _timed_run(config: Path, out: Path, changing: list[str], *extra: str) -> tuple[float, float]:
    """Run a build to its end; return how long it took and when it wrote the first of `changing`.

    The moment comes from the files' mtimes afterwards, not from polling, which would slow the build.
    """
    started_ns = time.time_ns()
    t0 = time.perf_counter()
    _build(config, *extra)
    duration = time.perf_counter() - t0
    first_ns = min((out / rel).stat().st_mtime_ns for rel in changing)
    return duration, min(max(0.0, (first_ns - started_ns) / 1e9), duration)


def _run_and_kill(command: list[str], delay: float, tmp: Path) -> tuple[subprocess.Popen[bytes], float, str, int]:
    """Start a build, SIGKILL its main process after `delay` s; (process, seconds it ran, stderr, orphans)."""
    err_path = tmp / "stderr.txt"
    with err_path.open("wb") as err:
        # A session of its own, so that worker processes orphaned by the kill can be found and ended.
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    t0 = time.perf_counter()
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)  # the build's own process only, as cron's or the OOM killer's kill
        proc.wait()
    ran = time.perf_counter() - t0
    orphans = len(_group_members(proc.pid))
    _end_group(proc.pid)
    return proc, ran, err_path.read_text(encoding="utf-8", errors="replace"), orphans


# --- the random kill sequence ------------------------------------------------------------------------


def _check_after(kill: Kill, before: Files, new: Files, out: Path, temps_before: list[str]) -> None:
    """Fill in what the kill left: each file must be the old or the new complete one, and parse."""
    after, kill.temps = _snapshot(out)
    kill.new_temps = len(set(kill.temps) - set(temps_before))
    kill.violations += [f"{relative}: deleted" for relative in sorted(set(before) - set(after))]
    old_manifest = _manifest_files(before.get(MANIFEST))
    for relative, data in after.items():
        problem = _parse_problem(relative, data)
        if problem:
            kill.violations.append(problem)
        elif relative == MANIFEST:
            allowed = [old_manifest, sorted({*new, *old_manifest})]
            if data != before.get(MANIFEST) and _manifest_files(data) not in allowed:
                kill.violations.append(f"{MANIFEST}: lists neither the old nor the new set of files")
        elif data == before.get(relative):
            kill.pending += relative in new and new[relative] != data
        elif data == new.get(relative):
            kill.replaced += 1
        else:
            kill.violations.append(f"{relative}: neither the old nor the new complete file ({len(data)} bytes)")
    for relative in kill.temps:
        if not Path(relative).name.startswith("."):
            kill.violations.append(f"{relative}: a temp file that a web server would list")


@pytest.fixture(scope="module")
def crash_log(corpus: Corpus) -> CrashLog:
    started = time.perf_counter()
    log = CrashLog()
    tmp = corpus.tmp / "random"
    posts, out = tmp / "posts", tmp / "site" / "out"
    config = _config(tmp / "site", posts, out)
    _switch(posts, corpus.versions["A"])
    shutil.copytree(corpus.tmp / "ref-A" / "out", out)

    # Every run of the sequence renders all feeds (--no-cache): the cache's own trouble with killed runs
    # (see test_a_run_killed_while_replacing_files_then_the_edit_undone) would otherwise turn many runs
    # into no-ops that leave stale feeds, and the kills would prove little. The timed run (B → A)
    # gives the build's duration and the moment it starts writing.
    _switch(posts, corpus.versions["B"])
    # The output folder is a copy of ref-A's, whose manifest names ref-A's config: this one takes it over.
    _build(config, NO_CACHE, "--force")
    _switch(posts, corpus.versions["A"])
    changing = [rel for rel, data in corpus.refs["A"].items() if corpus.refs["B"][rel] != data]
    log.duration, log.first_write = _timed_run(config, out, changing, NO_CACHE)
    assert not _differences(out, corpus.refs["A"])

    rng = random.Random(SEED)
    estimate = log.duration
    version = "A"
    for number in range(MAX_RUNS):
        if sum(k.killed for k in log.kills) >= KILLS:
            break
        before, temps_before = _snapshot(out)
        version = _next_version(before, corpus.refs, version)
        _switch(posts, corpus.versions[version])
        # Half the delays spread over the whole build, half over its writing phase: a kill while the
        # posts are still being read proves less than one between two writes.
        start = 0.0 if number % 2 else estimate * log.first_write / log.duration
        delay = rng.uniform(start, estimate * 1.15)  # a little past the end: builds vary
        proc, ran, stderr, orphans = _run_and_kill(_command(config, NO_CACHE), delay, tmp)
        killed = proc.returncode == -signal.SIGKILL  # it may have ended just before the kill
        kill = Kill(number, version, delay, killed, proc.returncode, stderr, 0, 0, [], 0, [], orphans)
        _check_after(kill, before, corpus.refs[version], out, temps_before)
        log.kills.append(kill)
        # Every run does the same work, but a shared machine makes some faster than the timed one: a
        # run that ended, or had written everything, before its kill shortens the delays to come.
        if not killed:
            estimate = min(estimate, ran)
            log.stale_after_complete_runs += bool(_differences(out, corpus.refs[version]))
        elif kill.replaced and not kill.pending:
            estimate = min(estimate, max(delay, log.first_write))

    # Stale temp files for the final run to clean, whatever the last kill left.
    for relative in ("tags/.atom.xml.fw-tmp-planted", f".index.html{TMP_MARK}planted"):
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        (out / relative).write_bytes(b"<feed>half")
    version = _next_version(_snapshot(out)[0], corpus.refs, version)
    _switch(posts, corpus.versions[version])
    result = subprocess.run(_command(config, NO_CACHE), capture_output=True, text=True, timeout=300)
    log.final_returncode, log.final_stderr = result.returncode, result.stderr
    log.final_temps = _snapshot(out)[1]
    log.stale_after_complete_runs += bool(_differences(out, corpus.refs[version]))
    log.seconds = time.perf_counter() - started
    print(_summary(log))
    return log


def _next_version(files: Files, refs: dict[str, Files], last: str) -> str:
    """The version further from what is on disk, so that every run has files to replace."""
    distance = {name: sum(files.get(rel) != data for rel, data in ref.items()) for name, ref in refs.items()}
    if distance["A"] == distance["B"]:
        return "A" if last == "B" else "B"
    return max(distance, key=lambda name: distance[name])


def _summary(log: CrashLog) -> str:
    kills = [k for k in log.kills if k.killed]
    return (
        f"{len(log.kills)} runs, {len(kills)} killed ({len(_mid_write(log))} mid-write,"
        f" {sum(bool(k.new_temps) for k in kills)} left temp files, {sum(bool(k.orphans) for k in kills)} left"
        f" worker processes), {log.stale_after_complete_runs} complete runs left stale feeds;"
        f" build {log.duration:.2f} s (writing from {log.first_write:.2f} s), sequence {log.seconds:.1f} s"
    )


def _mid_write(log: CrashLog) -> list[Kill]:
    return [k for k in log.kills if k.killed and ((k.replaced and k.pending) or k.new_temps)]


def test_every_feed_is_old_or_new_and_parses_after_each_kill(crash_log: CrashLog) -> None:
    assert sum(k.killed for k in crash_log.kills) >= 30, _summary(crash_log)
    broken = [f"kill {k.number} ({k.version}, {k.delay:.2f} s): {v}" for k in crash_log.kills for v in k.violations]
    assert not broken, "\n".join(broken[:30])


def test_runs_between_kills_exit_0_or_by_the_kill(crash_log: CrashLog) -> None:
    """A run that ends before its kill must have succeeded: never 75 (a lock left by a killed run) or 1."""
    failed = [
        f"run {k.number}: exit {k.returncode}: {k.stderr.strip()[-300:]}"
        for k in crash_log.kills
        if not k.killed and k.returncode != 0
    ]
    assert not failed, "\n".join(failed)


def test_kills_landed_while_files_were_being_written(crash_log: CrashLog) -> None:
    """Otherwise the sequence proves little: some kills must stop a build in its writing phase."""
    assert len(_mid_write(crash_log)) >= 3, _summary(crash_log)


def test_final_run_is_clean_and_complete_runs_give_the_new_output(crash_log: CrashLog) -> None:
    assert crash_log.final_returncode == 0, crash_log.final_stderr
    assert crash_log.final_temps == [], "temp files of killed runs (and the planted ones) were not cleaned up"
    assert crash_log.stale_after_complete_runs == 0, _summary(crash_log)


# --- kills at chosen moments ---------------------------------------------------------------------------

# Run a build in which write/atomic.py dies by SIGKILL at one moment of BatchWriter.commit (the batch of
# renames): "before" the first rename, "mid" after half of them, "after" the last.
_INJECT = """
import os, signal, sys
from feedwright.write import atomic
from feedwright import cli

moment = sys.argv[1]
real_commit, real_replace = atomic.BatchWriter.commit, os.replace
calls = 0

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def replace(src, dst):
    global calls
    calls += 1
    real_replace(src, dst)
    if moment == "mid" and calls == PENDING // 2:
        die()

def commit(self):
    global PENDING
    PENDING = len(self._pending)
    assert PENDING > 2, PENDING
    if moment == "before":
        os.sync()
        die()
    atomic.os.replace = replace
    real_commit(self)
    die()

atomic.BatchWriter.commit = commit
sys.exit(cli.main(sys.argv[2:]))
"""


@pytest.mark.parametrize("moment", ["before", "mid", "after"])
def test_a_run_killed_while_replacing_files_then_the_edit_undone(corpus: Corpus, moment: str) -> None:
    """Posts A are built; B is built and killed during its renames; A is back: the output must be A."""
    tmp = corpus.tmp / f"inject-{moment}"
    posts, out = tmp / "posts", tmp / "site" / "out"
    config = _config(tmp / "site", posts, out)
    _switch(posts, corpus.versions["A"])
    _build(config)
    assert not _differences(out, corpus.refs["A"])

    _switch(posts, corpus.versions["B"])
    before, temps_before = _snapshot(out)
    command = [sys.executable, "-c", _INJECT, moment, "build", "-c", str(config), "-q"]
    proc, _, stderr, _ = _run_and_kill(command, 300, tmp)
    assert proc.returncode == -signal.SIGKILL, stderr
    kill = Kill(0, "B", 0, True, proc.returncode, stderr, 0, 0, [], 0, [], 0)
    _check_after(kill, before, corpus.refs["B"], out, temps_before)
    assert not kill.violations, kill.violations
    if moment == "before":
        assert kill.temps and not kill.replaced
    elif moment == "mid":
        assert kill.replaced and kill.pending
    else:
        assert kill.replaced and not kill.pending and not kill.temps

    _switch(posts, corpus.versions["A"])
    _build(config)
    assert _snapshot(out)[1] == []
    differences = _differences(out, corpus.refs["A"])
    assert not differences, f"{len(differences)} files do not match the posts:\n" + "\n".join(differences[:10])


def test_a_killed_build_leaves_no_worker_processes(corpus: Corpus) -> None:
    """Workers must notice that the build died; they get two seconds."""
    tmp = corpus.tmp / "orphans"
    posts = tmp / "posts"
    _switch(posts, corpus.versions["A"])
    config = _config(tmp / "site", posts, tmp / "out")
    proc = subprocess.Popen(
        [*_command(config), "--jobs", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while len(_group_members(proc.pid)) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert proc.poll() is None, "the build ended before it started worker processes"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 2
        while _group_members(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = _group_members(proc.pid)
        assert not left, f"{len(left)} worker process(es) outlived the killed build"
    finally:
        _end_group(proc.pid)
