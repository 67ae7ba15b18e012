"""`feedwright init`: a site's own files → a feedwright.yaml that builds its feeds.

The generator is found from the site's files (or named), its module reads the site's own config
into SiteFacts, and this module writes them out as a commented config. What the site's files do
not say and a build cannot do without (its address, its title) must come from the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from .config import GENERATORS, ConfigError, load_config
from .generators import SiteFacts, detect, module_of

CONFIG_NAME = "feedwright.yaml"
# The Markdown each generator's posts are written for: Hugo (Goldmark), Zola (pulldown-cmark) and
# Hexo (marked) follow CommonMark; Pelican renders with Python-Markdown; Jekyll's kramdown shares
# Python-Markdown's attribute lists and header ids.
ENGINES = {"hugo": "commonmark", "zola": "commonmark", "hexo": "commonmark", "jekyll": "python-markdown",
           "pelican": "python-markdown"}  # fmt: skip


class InitError(Exception):
    """init cannot write a config; the message says what to give it."""


@dataclass(frozen=True)
class InitRequest:
    root: Path
    generator: str = ""
    base_url: str = ""
    title: str = ""
    force: bool = False


def site_facts(request: InitRequest) -> SiteFacts:
    """What the site's files say, with the command line's values over them."""
    root = request.root
    if not root.is_dir():
        raise InitError(f"{root}: no such folder")
    name = request.generator
    if name:
        if name not in GENERATORS or name == "plain":
            known = ", ".join(g for g in GENERATORS if g != "plain")
            raise InitError(f"--generator must be one of {known}, got '{name}'")
    else:
        found = detect(root)
        if not found:
            raise InitError(
                f"{root}: found no Jekyll, Hugo, Hexo, Zola or Pelican site here"
                " (name it with --generator, or run init in the site's root folder)"
            )
        if len(found) > 1:
            raise InitError(f"{root}: looks like a site of {' and '.join(found)}; say which with --generator")
        name = found[0]
    facts: SiteFacts = module_of(name).read_site(root)
    if request.base_url:
        facts = replace(facts, base_url=request.base_url, found=(*facts.found, "base URL from --base-url"))
    if request.title:
        facts = replace(facts, title=request.title, found=(*facts.found, "title from --title"))
    missing = [flag for flag, value in (("--base-url URL", facts.base_url), ("--title TEXT", facts.title)) if not value]
    if missing:
        raise InitError(f"{root}: the site's own files do not say its {_what(missing)}: give {' and '.join(missing)}")
    return facts


def _what(flags: list[str]) -> str:
    names = {"--base-url URL": "address", "--title TEXT": "title"}
    return " or ".join(names[f] for f in flags)


def write_config(request: InitRequest) -> tuple[Path, SiteFacts]:
    """Write ROOT/feedwright.yaml from the site's facts; refuses to replace one unless forced."""
    facts = site_facts(request)
    target = request.root / CONFIG_NAME
    if target.exists() and not request.force:
        raise InitError(f"{target}: already exists; give --force to replace it")
    text = config_text(facts)
    staged = target.with_name(f".{CONFIG_NAME}.fw-tmp-init")
    try:
        staged.write_text(text, encoding="utf-8")
        try:
            load_config(staged)
        except ConfigError as exc:
            raise InitError(f"the config made from the site's files is not valid: {exc}") from None
        staged.replace(target)
    except OSError as exc:
        raise InitError(f"{target}: cannot write: {exc.strerror or exc}") from None
    finally:
        staged.unlink(missing_ok=True)
    return target, facts


def _value(value: Any) -> str:
    """One YAML value on one line, quoted where YAML needs it."""
    text: str = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000)
    return text.removesuffix("\n...\n").strip()


def _line(indent: int, key: str, value: Any, comment: str) -> str:
    return f"{'  ' * indent}{key}: {_value(value)}  # {comment}"


def config_text(facts: SiteFacts) -> str:
    """feedwright.yaml for the site, every key with a comment saying what it is and where it came from."""
    base = facts.base_url if facts.base_url.endswith("/") else facts.base_url + "/"
    lines = [
        f"# feedwright configuration for a {facts.generator.capitalize()} site, written by `feedwright init`.",
        "# What was read from the site's own config is marked 'from the site'; README.md, 'Configuration',",
        "# documents every key. Run `feedwright build` in this folder.",
        "generator:",
        _line(1, "name", facts.generator, "whose rules say which files are posts and what their URLs are"),
    ]
    if facts.permalink:
        lines.append(_line(1, "permalink", facts.permalink, "the posts' URL pattern, from the site"))
    if facts.permalinks:
        lines.append(_line(1, "permalinks", facts.permalinks, "URL patterns per section, from the site"))
    if facts.language:
        lines.append(_line(1, "language", facts.language, "posts in other languages are left out"))
    if facts.summary_separator:
        lines.append(_line(1, "summary_separator", facts.summary_separator, "ends a post's summary, from the site"))
    if facts.options:
        lines.append(_line(1, "options", facts.options, "the generator's settings its rules read, from the site"))
    engine = ENGINES.get(facts.generator, "python-markdown")
    lines += [
        "markup:",
        _line(1, "engine", engine, f"the Markdown {facts.generator.capitalize()} posts are written for"),
    ]
    lines += [
        "site:",
        _line(1, "title", facts.title, "the feeds' title"),
        _line(1, "base_url", base, "the site's address: every post's URL is under it"),
        _line(1, "feeds_url", base + "feeds/", "where the output folder is served: copy feeds/ there"),
    ]
    if facts.description:
        lines.append(_line(1, "description", facts.description, "from the site"))
    if facts.language:
        lines.append(_line(1, "language", facts.language, "the feeds' language, from the site"))
    lines.append(_line(1, "timezone", facts.timezone or "UTC", "for dates written without an offset"))
    if facts.author:
        lines += ["  author:", _line(2, "name", facts.author, "for posts that name no author, from the site")]
    lines += [
        _line(0, "posts", facts.posts, "the folder the posts are in"),
        _line(0, "output", "feeds", "where the feeds are written"),
    ]
    if facts.exclude:
        lines.append(_line(0, "exclude", list(facts.exclude), "files under the posts folder that are not posts"))
    if facts.include_future:
        lines.append(_line(0, "include_future", True, "the site publishes future-dated posts at once"))
    if facts.tags_keys or facts.categories_keys:
        lines.append("front_matter:")
        if facts.tags_keys:
            lines.append(_line(1, "tags", list(facts.tags_keys), "the site's tag taxonomy"))
        if facts.categories_keys:
            lines.append(_line(1, "categories", list(facts.categories_keys), "the site's category taxonomy"))
    return "\n".join(lines) + "\n"
