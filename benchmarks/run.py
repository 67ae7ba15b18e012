"""Benchmark feedwright on synthetic Linux.cn-shaped corpora, as ratios to a floor.

    python benchmarks/run.py [--sizes 1000,10000,100000] [--repeats 3] [--jobs N] [--workdir DIR]

For each size the corpus is made once by make_corpus.py (and kept in the work folder), then every repeat
runs, each in a fresh process: a cold build (site folder emptied first), a no-op rebuild, a rebuild
after touching the newest post, after editing its body, after editing its tags, and the floor: one
process that reads every post, parses its front matter with yaml.CSafeLoader and renders its Markdown
with feedwright's MarkdownRenderer, and writes nothing. The table (medians) is printed and written to
benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
MAKE_CORPUS = HERE / "make_corpus.py"
RESULTS = HERE / "results.md"
MEASURES = ("floor", "cold commonmark", "hugo cold", "cold", "no-op", "touch 1", "edit body 1", "edit tags 1")
# The site's configs: the default engine's, and the same with `markup.engine: commonmark`.
CONFIGS = ("config.yaml", "config-commonmark.yaml")
DIGEST_CATEGORY = "硬核观察"
# Polling /proc for the process tree's summed RSS; short enough to see a worker pool's peak, long
# enough to cost nothing measurable (a handful of small reads per tick).
TREE_POLL_SECONDS = 0.02


class BenchError(Exception):
    """A measured command failed; the message holds its output."""


# ---------------------------------------------------------------- measuring one process


@dataclass(frozen=True)
class Sample:
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    tree_rss_mb: float | None
    output: str


def _maxrss_mb(raw: int) -> float:
    # ru_maxrss is in KiB on Linux and in bytes on macOS.
    return raw / (1024 * 1024) if sys.platform == "darwin" else raw / 1024


class TreeRss:
    """Peak of the summed RSS of a process and all its descendants, sampled from /proc (Linux only).

    ru_maxrss (below) is exact but is the largest *single* process; with --jobs the workers run at the
    same time, so their sum is what the machine must have. Sampling can miss a peak shorter than the
    poll interval, and forked workers' shared pages are counted in each, so this is an upper-ish bound.
    """

    def __init__(self, pid: int) -> None:
        self._pid = pid
        self._page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
        self._stop = threading.Event()
        self.peak_bytes = 0
        self.available = Path(f"/proc/{pid}/task/{pid}/children").exists()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeRss:
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.available:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_bytes = max(self.peak_bytes, self._sample())
            self._stop.wait(TREE_POLL_SECONDS)

    def _sample(self) -> int:
        total = 0
        for pid in self._tree(self._pid):
            # A process may end between listing and reading: it then counts for nothing.
            with contextlib.suppress(OSError, IndexError, ValueError):
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * self._page
        return total

    def _tree(self, pid: int) -> Iterator[int]:
        yield pid
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            return
        for task in tasks:
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in children:
                yield from self._tree(int(child))


def measure(cmd: list[str], env: dict[str, str], cwd: Path) -> Sample:
    """Run cmd once; wall time, CPU time and peak RSS of that very process and its descendants.

    os.wait4 returns the rusage of the one child it reaps, which on Linux covers the child and every
    descendant it waited for (ru_maxrss = the largest of them). Unlike RUSAGE_CHILDREN of this process,
    whose ru_maxrss is a high-water mark over *all* children ever run (so a 1 GB cold build would hide a
    30 MB no-op after it), it is per command and needs no wrapper process or GNU time.
    """
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        with TreeRss(proc.pid) as tree:
            _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4: tell Popen not to wait
        out.seek(0)
        output = out.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise BenchError(f"exit {proc.returncode}: {shlex.join(cmd)}\n{output[-3000:]}")
    return Sample(
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=_maxrss_mb(usage.ru_maxrss),
        tree_rss_mb=tree.peak_bytes / 2**20 if tree.available else None,
        output=output,
    )


# ---------------------------------------------------------------- the floor (run in its own process)


def floor(posts: Path) -> int:
    """What any tool must do at least: read each post, parse its YAML, render its Markdown."""
    from feedwright.markup import MarkdownRenderer

    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        raise SystemExit("PyYAML was built without libyaml: the floor would not be the floor")
    renderer = MarkdownRenderer()
    count = 0
    for path in _post_files(posts):
        text = path.read_text(encoding="utf-8")
        # The front matter ends at the first closing fence: bodies hold `---` rules of their own.
        end = text.find("\n---\n", 3) if text.startswith("---\n") else -1
        if end >= 0:
            yaml.load(text[4:end], Loader=loader)
        renderer.render(text[end + 5 :] if end >= 0 else text)
        count += 1
    return count


def _post_files(posts: Path) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(posts):
        dirnames.sort()
        found.extend(Path(dirpath, name) for name in sorted(filenames) if name.endswith(".md"))
    return found


# ---------------------------------------------------------------- corpora and sites


@dataclass(frozen=True)
class Site:
    """One size's corpus and the folder its builds happen in (config.yaml and everything they write)."""

    size: int
    posts: Path
    root: Path

    @property
    def config(self) -> Path:
        return self.root / "config.yaml"

    @property
    def commonmark_config(self) -> Path:
        return self.root / CONFIGS[1]

    @property
    def output(self) -> Path:
        return self.root / "feeds"

    @property
    def hugo(self) -> Path:
        """The same posts as a minimal Hugo site (hugo.toml, layouts; content/ links to the corpus)."""
        return self.root.parent / f"hugo-n{self.size}"


def _generator_fingerprint() -> str:
    return hashlib.sha256(MAKE_CORPUS.read_bytes()).hexdigest()[:16]


def ensure_corpus(workdir: Path, size: int, seed: int, source: Path | None) -> Path:
    """The corpus for (size, seed), made again only when missing, left dirty or made by another generator."""
    posts = workdir / f"corpus-n{size}-s{seed}"
    marker = workdir / f"corpus-n{size}-s{seed}.json"
    wanted = {"n": size, "seed": seed, "source": str(source or ""), "generator": _generator_fingerprint()}
    try:
        if json.loads(marker.read_text(encoding="utf-8")) == wanted and posts.is_dir():
            return posts
    except (OSError, ValueError):
        pass
    shutil.rmtree(posts, ignore_errors=True)
    marker.unlink(missing_ok=True)
    cmd = [sys.executable, str(MAKE_CORPUS), str(posts), "-n", str(size), "--seed", str(seed)]
    if source is not None:
        cmd += ["--source", str(source)]
    _log(f"making corpus: {shlex.join(cmd)}")
    subprocess.run(cmd, check=True)
    marker.write_text(json.dumps(wanted) + "\n", encoding="utf-8")
    return posts


@contextlib.contextmanager
def corpus_edits(workdir: Path, posts: Path) -> Iterator[None]:
    """While posts are edited the corpus marker is gone, so a run killed halfway leaves a corpus that
    the next run makes again instead of measuring a corpus that is not the seed's."""
    marker = workdir / f"{posts.name}.json"
    saved = marker.read_bytes()
    marker.unlink()
    try:
        yield
    finally:
        marker.write_bytes(saved)


def make_site(workdir: Path, size: int, posts: Path) -> Site:
    site = Site(size, posts, workdir / f"site-n{size}")
    site.root.mkdir(parents=True, exist_ok=True)
    config = {
        "site": {
            "title": "Linux 中国 · benchmark",
            "base_url": "https://linux.cn/",
            "language": "zh-CN",
            "timezone": "Asia/Shanghai",
        },
        "posts": str(posts),
        "output": str(site.output),
        "split": {"categories": [DIGEST_CATEGORY]},
    }
    site.config.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    config["markup"] = {"engine": "commonmark"}
    site.commonmark_config.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    make_hugo_site(site)
    return site


# A Hugo site that renders every post's Markdown and its list, tag and category pages and RSS feeds, as
# Hugo does by default: the least a Hugo site builds. Raw HTML is kept, as feedwright keeps it.
HUGO_TOML = """baseURL = "https://linux.cn/"
title = "Linux 中国 · benchmark"
languageCode = "zh-CN"
disableKinds = ["sitemap", "robotsTXT", "404"]
[markup.goldmark.renderer]
unsafe = true
"""
HUGO_LAYOUTS = {
    "_default/single.html": "<h1>{{ .Title }}</h1>{{ .Content }}",
    "_default/list.html": '{{ range .Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}',
    "index.html": '{{ range .Site.RegularPages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}',
}


def make_hugo_site(site: Site) -> None:
    root = site.hugo
    shutil.rmtree(root, ignore_errors=True)
    (root / "content").mkdir(parents=True)
    (root / "content" / "posts").symlink_to(site.posts, target_is_directory=True)
    (root / "hugo.toml").write_text(HUGO_TOML, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (root / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "layouts" / name).write_text(text, encoding="utf-8")


def wipe_hugo(site: Site) -> None:
    """Hugo's output and caches go: the next `hugo` run is cold."""
    for name in ("public", "resources", "cache", ".hugo_build.lock"):
        path = site.hugo / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def wipe(site: Site) -> None:
    """Everything but the configs goes: the output folder and any cache beside it or under XDG_CACHE_HOME
    (which points into the site folder for the builds), wherever feedwright decides to keep it."""
    for entry in site.root.iterdir():
        if entry.name in CONFIGS:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


# ---------------------------------------------------------------- the edits


@dataclass(frozen=True)
class Target:
    """The post the one-post measures change: the newest one, as a cron run after an edit would see."""

    path: Path
    original: bytes
    mtime_ns: int
    digest: bool

    @classmethod
    def newest(cls, posts: Path) -> Target:
        # make_corpus gives ids in date order and names files by id: the largest id is the newest post.
        path = max(_post_files(posts), key=lambda p: int(p.stem) if p.stem.isdigit() else -1)
        data = path.read_bytes()
        return cls(path, data, path.stat().st_mtime_ns, f"{DIGEST_CATEGORY}\n".encode() in data)

    def restore(self) -> None:
        self.path.write_bytes(self.original)
        os.utime(self.path, ns=(self.mtime_ns, self.mtime_ns))


def touch(path: Path) -> None:
    # A new mtime and nothing else; +1 s so that the stamp differs even on coarse-grained filesystems.
    stamp = max(time.time_ns(), path.stat().st_mtime_ns + 1_000_000_000)
    os.utime(path, ns=(stamp, stamp))


def edit_body(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n\n本段为基准测试追加的修改。\n", encoding="utf-8")


_TAGS = re.compile(r"^tags:(?: \[\]|(?:\n- .*)+)$", re.MULTILINE)


def edit_tags(path: Path) -> None:
    """The last tag becomes a popular one that other posts carry, so both tags' feeds change."""
    text = path.read_text(encoding="utf-8")
    match = _TAGS.search(text)
    if match is None:
        raise BenchError(f"{path}: no tags block in the form make_corpus writes")
    tags = yaml.safe_load(match.group(0))["tags"] or []
    popular = next(t for t in ("Linux", "AI", "开源", "benchmark") if t not in tags)
    tags = [*tags[:-1], popular]
    block = yaml.safe_dump({"tags": tags}, allow_unicode=True, width=1_000_000).rstrip("\n")
    path.write_text(text[: match.start()] + block + text[match.end() :], encoding="utf-8")


# ---------------------------------------------------------------- one size, all repeats


@dataclass
class Results:
    samples: dict[tuple[int, str], list[Sample]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, size: int, name: str, sample: Sample) -> None:
        self.samples.setdefault((size, name), []).append(sample)


class Runner:
    def __init__(self, workdir: Path, jobs: int | None) -> None:
        self.workdir = workdir
        self.jobs = jobs
        self.env = dict(os.environ)
        # Cron runs would use cached bytecode: allow it, but keep it in the work folder, not in src/.
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")

    def build_cmd(self, site: Site) -> list[str]:
        cmd = [sys.executable, "-m", "feedwright", "build", "-c", str(site.config), "-q"]
        if self.jobs is not None:
            cmd += ["--jobs", str(self.jobs)]
        return cmd

    def hugo_cmd(self, site: Site) -> list[str] | None:
        """`hugo --quiet` on the Hugo copy of the site, or None when hugo is not installed."""
        hugo = shutil.which("hugo")
        if hugo is None:
            return None
        return [hugo, "--quiet", "--source", str(site.hugo), "--cacheDir", str(site.hugo / "cache")]

    def floor_cmd(self, site: Site) -> list[str]:
        return [sys.executable, str(Path(__file__).resolve()), "--floor", str(site.posts)]

    def site_env(self, site: Site) -> dict[str, str]:
        return {**self.env, "XDG_CACHE_HOME": str(site.root / "xdg-cache")}

    def warm_up(self, site: Site) -> None:
        """Compile feedwright's bytecode once, so that no measure pays for it."""
        measure([sys.executable, "-m", "feedwright", "--version"], self.site_env(site), self.workdir)

    def repeat(self, site: Site, target: Target, results: Results, number: int) -> None:
        env = self.site_env(site)
        build = self.build_cmd(site)
        commonmark = [*build[:5], str(site.commonmark_config), *build[6:]]
        hugo = self.hugo_cmd(site)
        steps: list[tuple[str, Callable[[], None], list[str]]] = [
            ("floor", lambda: None, self.floor_cmd(site)),
            ("cold commonmark", lambda: wipe(site), commonmark),
            *([("hugo cold", lambda: wipe_hugo(site), hugo)] if hugo else []),
            ("cold", lambda: wipe(site), build),
            ("no-op", lambda: None, build),
            ("touch 1", lambda: touch(target.path), build),
            ("edit body 1", lambda: edit_body(target.path), build),
            ("edit tags 1", lambda: edit_tags(target.path), build),
        ]
        try:
            for name, prepare, cmd in steps:
                prepare()
                sample = measure(cmd, env, self.workdir)
                results.add(site.size, name, sample)
                tree = f", tree {sample.tree_rss_mb:.0f} MB" if sample.tree_rss_mb is not None else ""
                _log(
                    f"n={site.size} repeat {number}: {name:<12} {sample.seconds:8.2f} s"
                    f"  cpu {sample.cpu_seconds:7.2f} s  peak {sample.peak_rss_mb:6.0f} MB{tree}"
                )
                if sample.output.strip() and number == 1:
                    first = sample.output.strip().splitlines()
                    _log(f"  ({name} printed {len(first)} line(s), first: {first[0][:200]})")
        finally:
            # Every repeat starts from the generated corpus (the next one begins with a cold build).
            target.restore()


def _tree_size(folder: Path) -> tuple[int, int]:
    files = 0
    size = 0
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            files += 1
            size += os.path.getsize(os.path.join(dirpath, name))
    return files, size


def output_summary(site: Site) -> str:
    """How much a build leaves behind: the feeds, and the rest of the site folder (caches)."""
    files, size = _tree_size(site.output)
    _, total = _tree_size(site.root)
    return f"{files:,} files, {size / 2**20:,.0f} MB in feeds/, {(total - size) / 2**20:,.0f} MB beside it (cache)"


# Measured at 10k posts: corpus 8.5 KB per post on disk; output 18 KB and cache 8 KB per post. The output
# grows with the number of tag feeds, which grows a little faster than the posts: leave room.
CORPUS_BYTES_PER_POST = 9_000
SITE_BYTES_PER_POST = 30_000


def check_disk(workdir: Path, size: int, seed: int) -> None:
    """Refuse to start a size that would fill the disk (the machine is shared)."""
    needed = SITE_BYTES_PER_POST * size
    if not (workdir / f"corpus-n{size}-s{seed}.json").exists():
        needed += CORPUS_BYTES_PER_POST * size
    free = shutil.disk_usage(workdir).free
    if free < needed + 1_000_000_000:  # and keep 1 GB spare for everyone else
        raise BenchError(f"n={size} needs about {needed / 1e9:.1f} GB in {workdir}; {free / 1e9:.1f} GB free")


def run_size(
    runner: Runner, size: int, seed: int, repeats: int, source: Path | None, results: Results, keep: bool
) -> None:
    check_disk(runner.workdir, size, seed)
    posts = ensure_corpus(runner.workdir, size, seed, source)
    site = make_site(runner.workdir, size, posts)
    runner.warm_up(site)
    target = Target.newest(posts)
    kind = "a digest" if target.digest else "an article"
    with corpus_edits(runner.workdir, posts):
        for number in range(1, repeats + 1):
            runner.repeat(site, target, results, number)
    note = (
        f"n={size}: one-post measures change `{target.path.relative_to(posts)}` (the newest post, {kind});"
        f" output after the last repeat: {output_summary(site)}."
    )
    results.notes.append(note)
    _log(note)
    if runner.hugo_cmd(site) is None:
        results.notes.append(f"n={size}: hugo is not installed (`apt-get install hugo`): no Hugo build measured.")
    if not keep:
        wipe(site)  # the corpus is worth keeping; the output and cache are made again by a cold build
        wipe_hugo(site)


# ---------------------------------------------------------------- the report


def table(results: Results, sizes: list[int]) -> str:
    rows = [
        "| size | measure | median s | min–max s | × floor | peak RSS MB | tree RSS MB | CPU s |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in sizes:
        floor_samples = results.samples.get((size, "floor"))
        floor_median = statistics.median(s.seconds for s in floor_samples) if floor_samples else None
        for name in MEASURES:
            samples = results.samples.get((size, name))
            if not samples:
                continue
            seconds = [s.seconds for s in samples]
            median = statistics.median(seconds)
            ratio = f"{median / floor_median:.2f}" if floor_median else "–"
            trees = [s.tree_rss_mb for s in samples if s.tree_rss_mb is not None]
            tree = f"{statistics.median(trees):.0f}" if trees else "–"
            rows.append(
                f"| {size:,} | {name} | {median:.2f} | {min(seconds):.2f}–{max(seconds):.2f} | {ratio}"
                f" | {statistics.median(s.peak_rss_mb for s in samples):.0f} | {tree}"
                f" | {statistics.median(s.cpu_seconds for s in samples):.2f} |"
            )
    return "\n".join(rows)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()} ({sys.executable}),"
        f" {platform.system()} {platform.release()}"
    )


def load_average() -> str:
    # Other work on the machine stretches wall time (CPU time much less): the load says how much there was.
    return " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def feedwright_version() -> str:
    try:
        commit = subprocess.run(
            ["git", "-C", str(HERE.parent), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return commit


def report(results: Results, sizes: list[int], command: str, started: datetime, host: str, load: str) -> str:
    notes = "\n".join(f"- {note}" for note in results.notes)
    return f"""# feedwright benchmark results

Command: `{command}`

Date: {started:%Y-%m-%d %H:%M} UTC · feedwright at `{feedwright_version()}` · {host}

Load average (1/5/15 min) at start: {load}; at end: {load_average()}

{table(results, sizes)}

- Each figure is the median over the repeats of one fresh process (`python -m feedwright build -c CONFIG -q`);
  *× floor* divides it by the floor's median for the same size.
- **floor**: one process reads every post, parses its front matter with `yaml.CSafeLoader` and renders its
  Markdown with `feedwright.markup.MarkdownRenderer`; no feed is made or written.
- **cold**: the site folder (output, caches) emptied first. **no-op**: nothing changed since the last build.
  **touch 1**: one post's mtime moved. **edit body 1** / **edit tags 1**: one post's body text / last tag changed.
- **peak RSS**: `ru_maxrss` of the build from `os.wait4` (the largest single process, workers included).
  **tree RSS**: the largest sum of RSS over the process and all its descendants, sampled every
  {TREE_POLL_SECONDS * 1000:.0f} ms from /proc. **CPU s**: user + system time of the build and its workers.
{notes}
"""


# ---------------------------------------------------------------- command line


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(s.replace("_", "").replace("k", "000")) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=_sizes, default=[1000, 10000], help="default 1000,10000 (100000 takes long)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of every measure per size (default 3)")
    parser.add_argument("--jobs", type=int, help="passed to feedwright build --jobs (default: not passed)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--source", type=Path, help="real posts for make_corpus.py --source")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "feedwright-bench",
        help="where corpora (kept between runs) and builds go (default: %(default)s)",
    )
    parser.add_argument("--keep-output", action="store_true", help="keep each size's feeds and cache afterwards")
    parser.add_argument("--no-write", action="store_true", help="print the table; leave results.md alone")
    parser.add_argument("--floor", type=Path, metavar="POSTS", help=argparse.SUPPRESS)  # the floor's own process
    args = parser.parse_args(argv)
    if args.floor is not None:
        floor(args.floor)
        return 0
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    started = datetime.now(UTC)
    host = machine()
    load = load_average()
    command = shlex.join(["python", "benchmarks/run.py", *(sys.argv[1:] if argv is None else argv)])
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    runner = Runner(workdir, args.jobs)
    results = Results()
    try:
        for size in args.sizes:
            run_size(runner, size, args.seed, args.repeats, args.source, results, args.keep_output)
    except BenchError as exc:
        _log(f"run.py: a measured command failed: {exc}")
        return 1
    print(table(results, args.sizes))
    if not args.no_write:
        RESULTS.write_text(report(results, args.sizes, command, started, host, load), encoding="utf-8")
        _log(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
