"""Command line: build, show, check. The only module that prints."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

from . import __version__
from .config import GENERATORS, Config, ConfigError, check_folders, load_config
from .dates import isoformat
from .engine.build import BuildOptions, run_build
from .engine.guard import BuildRefused
from .initsite import CONFIG_NAME, InitError, InitRequest, write_config
from .model import Entry, Problem
from .read import read_post
from .read.gitdates import ShallowClone, with_git_dates
from .write.atomic import PublishError
from .write.lock import LockBusy

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 75


class Stopped(KeyboardInterrupt):
    """SIGTERM (systemd, timeout, kill) turned into an exception, so that every cleanup runs as for Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _stop(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signum)


def _quiet_stdout() -> None:
    """The reader of standard output went away (`| head`): later writes, and the flush at exit, go nowhere."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"feedwright: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 (one per core) or more")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="feedwright", description="Markdown posts → Atom, RSS and JSON feeds.")
    parser.add_argument("--version", action="version", version=f"feedwright {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    common = _Parser(add_help=False)
    common.add_argument(
        "-c", "--config", type=Path, default=None, help="default: ./feedwright.yaml when present, else ./config.yaml"
    )
    common.add_argument("--drafts", action="store_true", help="include posts marked draft: true")
    common.add_argument("--future", action="store_true", help="include posts dated in the future")

    build = sub.add_parser("build", parents=[common], help="write every feed")
    build.add_argument("--posts", type=Path, help="posts folder (overrides the config)")
    build.add_argument("--out", type=Path, help="output folder (overrides the config)")
    build.add_argument("--jobs", type=_jobs, default=0, help="worker processes (default: one per core)")
    build.add_argument("--no-cache", action="store_true", help="ignore and rebuild the cache")
    build.add_argument("--strict", action="store_true", help="exit 1 when any post was rejected")
    build.add_argument("--prune", action="store_true", help="delete feeds whose tag or category has gone")
    build.add_argument(
        "--allow-empty",
        action="store_true",
        help="publish even when the posts folder is missing, cannot be listed or yields no posts",
    )
    build.add_argument("--force", action="store_true", help="publish into an output folder another config owns")
    build.add_argument("--ping", action="store_true", help="tell the WebSub hub (websub.hub) which feeds changed")
    loud = build.add_mutually_exclusive_group()
    loud.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    loud.add_argument("-v", "--verbose", action="store_true", help="print more")

    show = sub.add_parser("show", parents=[common], help="print the entries one post becomes")
    show.add_argument("post", type=Path, metavar="POST_FILE")
    show.add_argument("--json", action="store_true", help="a JSON list, one object per entry")

    check = sub.add_parser("check", parents=[common], help="read config and every post; write nothing")
    check.add_argument("--posts", type=Path, help="posts folder (overrides the config)")
    check.add_argument("--strict", action="store_true", help="exit 1 when any post was rejected")

    init = sub.add_parser("init", help="write feedwright.yaml for a Jekyll, Hugo, Hexo, Zola or Pelican site")
    init.add_argument("root", type=Path, nargs="?", default=Path("."), metavar="DIR", help="the site (default: .)")
    init.add_argument("--generator", choices=[g for g in GENERATORS if g != "plain"], help="do not guess: this one")
    init.add_argument("--base-url", default="", metavar="URL", help="the site's address, when its files do not say")
    init.add_argument("--title", default="", metavar="TEXT", help="the feeds' title, when the site's files do not say")
    init.add_argument("--force", action="store_true", help="replace an existing feedwright.yaml")
    return parser


def _config_path(given: Path | None) -> Path:
    """-c, else ./feedwright.yaml, else ./config.yaml (a Hugo site root has a config.yaml of its own)."""
    if given is not None:
        return given
    own = Path(CONFIG_NAME)
    return own if own.exists() else Path("config.yaml")


def _load(args: argparse.Namespace) -> Config:
    args.config = _config_path(args.config)
    config = load_config(args.config)
    posts = getattr(args, "posts", None)
    out = getattr(args, "out", None)
    cwd = Path.cwd()
    if posts is not None:
        config = replace(config, posts=str((cwd / posts).resolve()))
    if out is not None:
        config = replace(config, output=str((cwd / out).resolve()))
    if posts is not None or out is not None:
        check_folders(config, str(args.config))
    if args.drafts:
        config = replace(config, include_drafts=True)
    if args.future:
        config = replace(config, include_future=True)
    try:
        return with_git_dates(config)
    except ShallowClone as exc:
        raise ConfigError(f"{args.config}: date_fallback: git: {exc}") from None


def _print_problems(problems: list[Problem] | tuple[Problem, ...]) -> None:
    for problem in problems:
        print(problem.format(), file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        signal.signal(signal.SIGTERM, _stop)
    args = _parser().parse_args(argv)
    if args.command == "init":
        return _init(args)
    try:
        config = _load(args)
    except ConfigError as exc:
        print(f"{exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.command == "build":
            return _build(args, config)
        if args.command == "show":
            return _show(args, config)
        return _check(args, config)
    except LockBusy as exc:
        print(f"{exc}; try again later", file=sys.stderr)
        return EXIT_LOCKED
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_OK
    except Stopped as exc:
        print(f"feedwright: stopped by {exc}; temporary files removed, the lock released", file=sys.stderr)
        return 128 + exc.signum
    except KeyboardInterrupt:
        print("feedwright: interrupted; temporary files removed, the lock released", file=sys.stderr)
        return 130


def _init(args: argparse.Namespace) -> int:
    request = InitRequest(args.root, args.generator or "", args.base_url, args.title, args.force)
    try:
        target, facts = write_config(request)
    except InitError as exc:
        print(f"feedwright init: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"a {facts.generator.capitalize()} site; posts in {facts.posts}/")
    for line in facts.found:
        print(f"  {line}")
    print(f"wrote {target}; build the feeds with: cd {args.root} && feedwright build")
    return EXIT_OK


def _build(args: argparse.Namespace, config: Config) -> int:
    bars = None
    if not args.quiet and sys.stderr.isatty():
        from .progress import ProgressBars  # tqdm loads only for a person at a terminal

        bars = ProgressBars()
    announce = None
    if (args.ping or config.websub.ping) and config.websub.hub:
        from .websub import ping_hub

        hub, timeout = config.websub.hub, config.websub.timeout

        def announce(urls: list[str]) -> tuple[list[Problem], list[str]]:
            return ping_hub(hub, urls, timeout)

    options = BuildOptions(
        strict=args.strict,
        prune=args.prune,
        no_cache=args.no_cache,
        allow_empty=args.allow_empty,
        force=args.force,
        owner=str(args.config.resolve()),
        jobs=args.jobs,
        progress=bars,
        announce=announce,
    )
    try:
        report = run_build(config, options)
    except BuildRefused as exc:
        print(exc.problem.format(), file=sys.stderr)
        return exc.exit_code
    except PublishError as exc:
        # A rename failed part-way: say which file, and what holds now (everything old, or exactly what is not).
        print(
            f"{exc.filename}: error: cannot write: {exc.strerror}; {exc.outcome(config.output_dir())}", file=sys.stderr
        )
        return EXIT_FAILED
    except OSError as exc:
        print(f"{exc.filename or config.output_dir()}: error: cannot write: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    except ValueError as exc:
        # safe_target refused a path: a link in the output folder leads outside it, or the manifest was edited.
        print(f"{config.output_dir()}: error: {exc}; remove the offending link or file", file=sys.stderr)
        return EXIT_FAILED
    finally:
        if bars is not None:
            bars.close()
    if (args.ping or config.websub.ping) and not config.websub.hub and not report.aborted:
        report.problems.append(Problem(str(args.config), "--ping needs 'websub.hub' in the config", "warning"))
    # Standard output may be a pipe whose reader stops early (`| head -1`); the build is done by now.
    try:
        if args.verbose:
            if report.cache_note:
                print(f"feedwright: cache rebuilt ({report.cache_note})")
            if report.cache_fault:
                print(f"feedwright: cache failed: {report.cache_fault}")
            print(
                f"feedwright: {report.posts_found} post files, {report.posts_parsed} parsed anew,"
                f" {report.feeds_rendered} of {report.feeds} feeds rendered"
            )
        _print_problems(report.problems)
        if not args.quiet or report.aborted:
            print(report.summary(), file=sys.stderr if report.aborted else sys.stdout)
    except BrokenPipeError:
        _quiet_stdout()
    return report.exit_code(args.strict)


def _entry_json(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "title": entry.title,
        "link": entry.link,
        "published": isoformat(entry.published),
        "updated": isoformat(entry.updated),
        "authors": [a.name for a in entry.authors],
        "tags": list(entry.tags),
        "categories": list(entry.categories),
        "image": entry.image,
        "related": list(entry.related),
        "summary": entry.summary,
        "content_html": entry.content_html,
        "index": entry.index,
    }


def _show(args: argparse.Namespace, config: Config) -> int:
    from .commonmark import renderer_for
    from .pipeline import post_entries

    path: Path = args.post
    if not path.is_file():
        print(f"{path}: error: no such file", file=sys.stderr)
        return EXIT_USAGE
    # A single post is shown even when it is a draft or dated in the future: the person asked for it.
    config = replace(config, include_drafts=True, include_future=True)
    result = read_post(path, config, datetime.now(UTC), display=str(path))
    _print_problems(result.problems)
    if result.post is None:
        return EXIT_FAILED
    entries = post_entries(result.post, config, renderer_for(config))
    _print_problems(entries.problems)
    if args.json:
        json.dump([_entry_json(e) for e in entries.items], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    for entry in entries.items:
        print(f"[{entry.index}] {entry.title}")
        print(f"    id:        {entry.id}")
        print(f"    link:      {entry.link}")
        print(f"    published: {isoformat(entry.published)}")
        if entry.tags:
            print(f"    tags:      {', '.join(entry.tags)}")
        if entry.image:
            print(f"    image:     {entry.image}")
        for url in entry.related:
            print(f"    source:    {url}")
        if entry.summary:
            print(f"    summary:   {entry.summary}")
    return EXIT_OK


def _check(args: argparse.Namespace, config: Config) -> int:
    from .pipeline import plan_site, read_site

    results, walk_problems = read_site(config, datetime.now(UTC))
    problems = list(walk_problems)
    if not config.site.author.name:
        # Atom needs an author: the feeds name the site, which is valid but may not be what is meant.
        message = f"no site.author: feeds name the site title '{config.site.title}' as their author"
        problems.insert(0, Problem(str(args.config), message, "warning"))
    rejected = 0
    for post in plan_site(results):
        problems.extend(post.problems)
        if post.article is None and not post.skipped:
            rejected += 1
    _print_problems(problems)
    print(f"feedwright: checked {len(results)} posts: {rejected} rejected, {len(problems)} problems")
    # A posts folder that is missing or cannot be listed is what a build refuses too.
    if (rejected and args.strict) or any(p.severity == "error" for p in walk_problems):
        return EXIT_FAILED
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    os._exit(main())
