"""config.py: config.yaml → a validated Config; every mistake is one line naming the key, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from feedwright.config import (
    Config,
    ConfigError,
    LimitsConfig,
    SiteConfig,
    WebSubConfig,
    config_from_mapping,
    load_config,
)

REPO = Path(__file__).resolve().parents[1]
SITE = {"title": "T", "base_url": "https://example.org/"}


def mapping(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"site": dict(SITE)}
    for key, value in overrides.items():
        if key.startswith("site_"):
            data["site"][key[5:]] = value
        else:
            data[key] = value
    return data


def error_of(data: Any) -> str:
    with pytest.raises(ConfigError) as info:
        config_from_mapping(data, source="site.yaml")
    message = str(info.value)
    assert "\n" not in message, f"not one line: {message!r}"
    assert message.startswith("site.yaml: ")
    return message


# --- what loads ---------------------------------------------------------------------------------


def test_the_repos_own_config_loads() -> None:
    config = load_config(REPO / "config.yaml")
    assert config.site.base_url.startswith("https://")
    assert config.site.base_url.endswith("/")
    assert config.site.timezone == "Asia/Shanghai"
    assert str(config.tz) == "Asia/Shanghai"
    assert config.posts_dir() == (REPO / "posts").resolve()
    assert config.output_dir() == (REPO / "feeds").resolve()
    assert set(config.formats) == {"atom", "rss", "json"}
    assert config.root == REPO


def test_defaults_fill_what_is_left_out() -> None:
    config = config_from_mapping(mapping())
    assert config == Config(site=config.site)
    assert config.site.timezone == "UTC"
    assert config.site.language == "en"
    assert config.site.permalink == "/{slug}/"
    assert config.formats == ("atom", "rss", "json")
    assert config.limits.max_post_bytes == 5_000_000
    assert config.front_matter.private == ("comments_data", "count")
    assert config.front_matter.date == ("date", "published", "pubDate")
    assert config.date_fallback == "none"
    assert config.max_failure_ratio == 0.5
    assert config.sanitize.enabled is True


def test_base_url_gets_a_trailing_slash() -> None:
    assert config_from_mapping(mapping(site_base_url="https://example.org/blog")).base_url == (
        "https://example.org/blog/"
    )


def test_an_empty_file_is_a_missing_base_url(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'site\.base_url' is required"):
        load_config(path)


def test_lists_accept_a_single_string() -> None:
    config = config_from_mapping(mapping(formats="atom", split={"categories": "硬核观察"}))
    assert config.formats == ("atom",)
    assert config.split.categories == ("硬核观察",)


def test_utf8_bom_in_the_config_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + yaml.safe_dump(mapping(), allow_unicode=True).encode("utf-8"))
    assert load_config(path).site.title == "T"


# --- what is refused ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (mapping(bogus=1), "'bogus'"),
        (mapping(site_colour="red"), "'site.colour'"),
        (mapping(site_author={"nick": "x"}), "'site.author.nick'"),
        (mapping(limits={"sites": 3}), "'limits.sites'"),
        (mapping(front_matter={"titel": ["title"]}), "'front_matter.titel'"),
        # Redirects from old URLs are no part of a feed, so no key says where they are written.
        (mapping(front_matter={"aliases": ["aliases"]}), "'front_matter.aliases'"),
        (mapping(split={"heading": 3}), "'split.heading'"),
        (mapping(sanitize={"enable": False}), "'sanitize.enable'"),
        (mapping(root="/"), "'root'"),  # an internal field, not a config key
        ({**mapping(), 1: 2}, "'1'"),
    ],
)
def test_unknown_keys(data: dict[str, Any], key: str) -> None:
    message = error_of(data)
    assert f"unknown key {key}" in message
    assert "known here:" in message


def test_unknown_key_lists_the_keys_known_at_that_level() -> None:
    message = error_of(mapping(site_colour="red"))
    assert "base_url" in message and "timezone" in message
    assert "max_failure_ratio" not in message


@pytest.mark.parametrize(
    ("data", "key", "what"),
    [
        (mapping(limits={"site": "ten"}), "'limits.site'", "whole number"),
        (mapping(limits={"tag": 2.5}), "'limits.tag'", "whole number"),
        (mapping(limits={"max_post_bytes": True}), "'limits.max_post_bytes'", "whole number"),
        (mapping(include_drafts="yes"), "'include_drafts'", "true or false"),
        (mapping(sanitize={"enabled": 1}), "'sanitize.enabled'", "true or false"),
        (mapping(lock_timeout="soon"), "'lock_timeout'", "number"),
        (mapping(max_failure_ratio=[0.5]), "'max_failure_ratio'", "number"),
        (mapping(posts=["a", "b"]), "'posts'", "text"),
        (mapping(posts=None), "'posts'", "text"),
        (mapping(site_title={"a": 1}), "'site.title'", "text"),
        (mapping(formats={"atom": True}), "'formats'", "list"),
        (mapping(split={"source_labels": [["x"]]}), "'split.source_labels[0]'", "text"),
        (mapping(site_author="Bob"), "'site.author'", "mapping"),
        (mapping(site=[1, 2]), "'site'", "mapping"),
        (["a", "b"], "'top level'", "mapping"),
        ("just text", "'top level'", "mapping"),
    ],
)
def test_wrong_types(data: Any, key: str, what: str) -> None:
    message = error_of(data)
    assert key in message
    assert what in message


@pytest.mark.parametrize(
    ("site", "expected"),
    [
        ({"title": "T"}, "'site.base_url' is required"),
        ({"title": "T", "base_url": ""}, "'site.base_url' is required"),
        ({"title": "T", "base_url": "/blog/"}, "'site.base_url' must be an absolute http(s) URL, got '/blog/'"),
        ({"title": "T", "base_url": "example.org"}, "'site.base_url' must be an absolute http(s) URL"),
        ({"title": "T", "base_url": "ftp://example.org/"}, "'site.base_url' must be an absolute http(s) URL"),
        ({"title": "T", "base_url": "https://"}, "'site.base_url' must be an absolute http(s) URL"),
        ({"title": "T", "base_url": "https://example.org:port/"}, "'site.base_url' must be an absolute"),
        ({"title": "T", "base_url": "https://exa mple.org/"}, "'site.base_url' must be an absolute"),
        ({"title": "T", "base_url": "https://example.org/?p=1"}, "'site.base_url' must not hold a query"),
        ({"title": "T", "base_url": "https://example.org/#top"}, "'site.base_url' must not hold a query"),
        ({"base_url": "https://example.org/"}, "'site.title' is required"),
    ],
)
def test_site_requirements(site: dict[str, str], expected: str) -> None:
    assert expected in error_of({"site": site})


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "UTC ", "America", "Asia/", "../../etc/passwd", "/etc/localtime"])
def test_bad_time_zone(zone: str) -> None:
    message = error_of(mapping(site_timezone=zone))
    assert "'site.timezone' is not a known time zone" in message
    assert "Asia/Shanghai" in message  # shows what a good value looks like


@pytest.mark.parametrize(
    ("formats", "expected"),
    [
        (["atom", "pdf"], "'formats' has unknown format 'pdf'"),
        (["Atom"], "'formats' has unknown format 'Atom'"),
        ([], "'formats' must name at least one"),
    ],
)
def test_bad_formats(formats: list[str], expected: str) -> None:
    assert expected in error_of(mapping(formats=formats))


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (mapping(limits={"site": 0}), "'limits.site'"),
        (mapping(limits={"max_post_bytes": -1}), "'limits.max_post_bytes'"),
        (mapping(split={"heading_level": 7}), "'split.heading_level'"),
        (mapping(date_fallback="ctime"), "'date_fallback'"),
        (mapping(max_failure_ratio=0), "'max_failure_ratio'"),
        (mapping(max_failure_ratio=1.5), "'max_failure_ratio'"),
        (mapping(max_failure_ratio=float("nan")), "'max_failure_ratio'"),
        (mapping(lock_timeout=-1), "'lock_timeout'"),
        (mapping(lock_timeout=float("nan")), "'lock_timeout'"),
        (mapping(output=""), "'output'"),
        (mapping(posts="  "), "'posts'"),
        (mapping(output="feeds\x00"), "'output'"),
    ],
)
def test_values_out_of_range(data: dict[str, Any], key: str) -> None:
    assert key in error_of(data)


@pytest.mark.parametrize("pattern", ["/{nope}/", "/{slug", "/{0}/", "/{slug.upper}/", "/{year!r}/", "/{year:>6}/"])
def test_bad_permalink_pattern_is_a_config_error_not_a_crash_per_post(pattern: str) -> None:
    assert "'site.permalink'" in error_of(mapping(site_permalink=pattern))


def test_good_permalink_patterns() -> None:
    for pattern in ("/{slug}/", "/{year}/{month}/{day}/{slug}.html", "/archive/{{literal}}/{slug}/"):
        assert config_from_mapping(mapping(site_permalink=pattern)).site.permalink == pattern


def test_values_with_line_breaks_stay_on_one_line() -> None:
    assert "'limits.site'" in error_of(mapping(limits={"site": "a\nb"}))
    assert "unknown key" in error_of({**mapping(), "a\nb": 1})
    assert "'site.timezone'" in error_of(mapping(site_timezone="Asia/\nShanghai"))


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("site:\n  title: T\n  base_url: [oops\nposts: posts\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}:")
    assert "not valid YAML" in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "absent.yaml")


def test_config_yaml_is_loaded_safely(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "config.yaml"
    path.write_text(f"!!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(path)
    assert not marker.exists()


def test_folders_are_relative_to_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "site" / "config.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(mapping(posts="p", output="../out")), encoding="utf-8")
    config = load_config(path)
    assert config.posts_dir() == (tmp_path / "site" / "p").resolve()
    assert config.output_dir() == (tmp_path / "out").resolve()


# --- through the command line ---------------------------------------------------------------------

BAD_CONFIGS = {
    "unknown top-level key": ("site: {title: T, base_url: 'https://e.org/'}\nbogus: 1\n", "'bogus'"),
    "unknown nested key": ("site: {title: T, base_url: 'https://e.org/', colour: red}\n", "'site.colour'"),
    "wrong type": ("site: {title: T, base_url: 'https://e.org/'}\nlimits: {site: many}\n", "'limits.site'"),
    "missing base_url": ("site: {title: T}\n", "'site.base_url'"),
    "relative base_url": ("site: {title: T, base_url: /blog/}\n", "'site.base_url'"),
    "bad time zone": ("site: {title: T, base_url: 'https://e.org/', timezone: Mars/Olympus}\n", "'site.timezone'"),
    "zone database folder": ("site: {title: T, base_url: 'https://e.org/', timezone: America}\n", "'site.timezone'"),
    "bad format": ("site: {title: T, base_url: 'https://e.org/'}\nformats: [atom, pdf]\n", "'formats'"),
    "bad permalink": ("site: {title: T, base_url: 'https://e.org/', permalink: '/{id}/'}\n", "'site.permalink'"),
    "invalid yaml": ("site: {title: T, base_url: 'https://e.org/'\n", "not valid YAML"),
}


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "feedwright", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def tree(root: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_cli_bad_config_exits_2_with_one_line_and_writes_nothing(tmp_path: Path, case: str) -> None:
    text, key = BAD_CONFIGS[case]
    config = tmp_path / "bad.yaml"
    config.write_text(text + "posts: posts\noutput: out\n" if "valid YAML" not in key else text, encoding="utf-8")
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "a.md").write_text("---\ntitle: A\ndate: 2024-01-05\n---\nbody\n", encoding="utf-8")
    before = tree(tmp_path)

    result = run_cli(tmp_path, "build", "-c", "bad.yaml")

    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "bad.yaml" in lines[0]
    assert key in lines[0]
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert tree(tmp_path) == before, "a bad config must not write anything"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", [["check"], ["show", "posts/a.md"]])
def test_cli_other_commands_refuse_a_bad_config_too(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "bad.yaml").write_text("site: {title: T}\n", encoding="utf-8")
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "a.md").write_text("---\ntitle: A\ndate: 2024-01-05\n---\nbody\n", encoding="utf-8")
    result = run_cli(tmp_path, *command, "-c", "bad.yaml")
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert "'site.base_url'" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_missing_config_file_exits_2(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "build", "-c", "nowhere.yaml")
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["nowhere.yaml: no such config file (give one with -c)"]
    assert list(tmp_path.iterdir()) == []


def test_cli_default_config_is_the_one_in_the_current_folder(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("site: {title: T, base_url: 'https://e.org/'}\nwhat: 1\n", encoding="utf-8")
    result = run_cli(tmp_path, "check")
    assert result.returncode == 2
    assert "config.yaml" in result.stderr and "'what'" in result.stderr


# --- values out of range, and output folders that are not the output's own -------------------------


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (mapping(websub={"timeout": float("inf"), "hub": "https://hub.example.org/"}), "websub.timeout"),
        (mapping(websub={"timeout": 0}), "websub.timeout"),
        (mapping(lock_timeout=float("inf")), "lock_timeout"),
        (mapping(lock_timeout=float("nan")), "lock_timeout"),
        (mapping(front_matter={"date": []}), "front_matter.date"),
        (mapping(site_base_url="https://[::1/"), "site.base_url"),
        (mapping(site_base_url="https://example.org:99999/"), "site.base_url"),
        (mapping(site_icon="javascript:alert(1)"), "site.icon"),
        (mapping(site_feeds_url="javascript:alert(1)"), "site.feeds_url"),
        (mapping(site_id_base_url="data:text/html,x"), "site.id_base_url"),
        (mapping(websub={"hub": "ftp://hub.example.org/"}), "websub.hub"),
    ],
)
def test_a_value_out_of_range_is_one_line_naming_its_key(data: dict[str, Any], key: str) -> None:
    assert f"'{key}'" in error_of(data)


_ANY = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
_KEYS = [("site", f.name) for f in fields(SiteConfig)] + [
    (section, f.name) for section, cls in (("limits", LimitsConfig), ("websub", WebSubConfig)) for f in fields(cls)
]


@given(st.sampled_from(_KEYS), _ANY)
def test_any_value_of_any_key_loads_or_is_refused_in_one_line(key: tuple[str, str], value: Any) -> None:
    section, name = key
    data = mapping()
    data.setdefault(section, {})[name] = value
    try:
        config_from_mapping(data, source="site.yaml")
    except ConfigError as exc:
        assert "\n" not in str(exc)


@pytest.mark.parametrize("output", ["posts", "posts/feeds", ".", "..", "/", "/etc"])
def test_an_output_folder_that_is_not_its_own_is_refused(tmp_path: Path, output: str) -> None:
    site = tmp_path / "a" / "site"
    (site / "posts").mkdir(parents=True)
    (site / "index.html").write_text("the site's own page", encoding="utf-8")
    (site / "config.yaml").write_text(yaml.safe_dump({"site": SITE, "output": output}), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "feedwright", "build", "-c", "config.yaml"],
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "'output'" in done.stderr
    assert (site / "index.html").read_text(encoding="utf-8") == "the site's own page"
    assert sorted(p.name for p in site.iterdir()) == ["config.yaml", "index.html", "posts"]


def test_out_given_on_the_command_line_is_checked_too(tmp_path: Path) -> None:
    (tmp_path / "posts").mkdir()
    (tmp_path / "config.yaml").write_text(yaml.safe_dump({"site": SITE}), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "feedwright", "build", "-c", "config.yaml", "--out", "posts/feeds"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "overlaps the posts folder" in done.stderr
