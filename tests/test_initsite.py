"""`feedwright init`: what it refuses, what it asks for, what it writes; and which config `build` reads."""

from __future__ import annotations

import types
from pathlib import Path

import pytest
import yaml

from feedwright import initsite
from feedwright.cli import main
from feedwright.config import load_config
from feedwright.generators import SiteFacts


def _fake(monkeypatch: pytest.MonkeyPatch, facts: SiteFacts) -> None:
    module = types.SimpleNamespace(read_site=lambda root: facts, detect=lambda root: True)
    monkeypatch.setattr(initsite, "module_of", lambda name: module)
    monkeypatch.setattr(initsite, "detect", lambda root: [facts.generator])


def _facts(root: Path, **fields: object) -> SiteFacts:
    values: dict[str, object] = {
        "generator": "hugo",
        "root": root,
        "posts": "content",
        "base_url": "https://example.org/blog",
        "title": 'Blog: a "quoted" # title',
        "timezone": "Europe/Berlin",
        "permalinks": {"posts": "/:year/:slug/"},
        "options": {"disablePathToLower": "true"},
        "exclude": ("drafts/",),
        "include_future": True,
        "found": ("base URL https://example.org/blog from hugo.toml (baseURL)",),
    }
    values.update(fields)
    return SiteFacts(**values)  # type: ignore[arg-type]


def test_a_folder_that_is_no_site_is_told_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "found no Jekyll, Hugo, Hexo, Zola or Pelican site" in err and "--generator" in err
    assert not (tmp_path / "feedwright.yaml").exists()


def test_init_writes_a_commented_config_that_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "content").mkdir()
    _fake(monkeypatch, _facts(tmp_path))
    assert main(["init", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "from hugo.toml (baseURL)" in out and "feedwright.yaml" in out
    written = tmp_path / "feedwright.yaml"
    text = written.read_text(encoding="utf-8")
    assert all("#" in line for line in text.splitlines() if ":" in line and not line.endswith(":"))
    config = load_config(written)
    assert config.generator.name == "hugo"
    assert config.markup.engine == "commonmark"
    assert config.generator.permalinks == {"posts": "/:year/:slug/"}
    assert config.generator.options == {"disablePathToLower": "true"}
    assert config.site.title == 'Blog: a "quoted" # title'
    assert config.site.base_url == "https://example.org/blog/"
    assert config.exclude == ("drafts/",)
    assert config.include_future is True
    assert config.posts_dir() == (tmp_path / "content").resolve()
    assert yaml.safe_load(text)["site"]["timezone"] == "Europe/Berlin"


def test_init_refuses_to_replace_a_config_without_force(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "content").mkdir()
    _fake(monkeypatch, _facts(tmp_path))
    (tmp_path / "feedwright.yaml").write_text("mine\n", encoding="utf-8")
    assert main(["init", str(tmp_path)]) == 2
    assert (tmp_path / "feedwright.yaml").read_text(encoding="utf-8") == "mine\n"
    assert main(["init", str(tmp_path), "--force"]) == 0
    assert "generator:" in (tmp_path / "feedwright.yaml").read_text(encoding="utf-8")


def test_what_the_site_does_not_say_is_asked_for_by_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "content").mkdir()
    _fake(monkeypatch, _facts(tmp_path, base_url="", title=""))
    assert main(["init", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--base-url URL" in err and "--title TEXT" in err
    assert not (tmp_path / "feedwright.yaml").exists()
    assert main(["init", str(tmp_path), "--base-url", "https://x.example/", "--title", "X"]) == 0
    config = load_config(tmp_path / "feedwright.yaml")
    assert (config.site.base_url, config.site.title) == ("https://x.example/", "X")


def test_two_generators_at_once_ask_which(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(initsite, "detect", lambda root: ["jekyll", "hexo"])
    with pytest.raises(initsite.InitError, match="jekyll and hexo; say which with --generator"):
        initsite.site_facts(initsite.InitRequest(tmp_path))


SAMPLE = "site:\n  title: {title}\n  base_url: https://example.org/\nposts: posts\noutput: out\n"


@pytest.mark.parametrize(("names", "read"), [(("feedwright.yaml", "config.yaml"), "F"), (("config.yaml",), "C")])
def test_build_without_c_reads_feedwright_yaml_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: tuple[str, ...], read: str
) -> None:
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "a.md").write_text("---\ntitle: A\ndate: 2024-01-01\n---\nbody\n", encoding="utf-8")
    for name in names:
        (tmp_path / name).write_text(SAMPLE.format(title=name[0].upper()), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "-q"]) == 0
    assert f"<title>{read}</title>" in (tmp_path / "out" / "atom.xml").read_text(encoding="utf-8")


def test_a_jekyll_site_with_future_true_publishes_future_posts(tmp_path: Path) -> None:
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_config.yml").write_text("title: T\nurl: https://t.example\nfuture: true\n", encoding="utf-8")
    assert main(["init", str(tmp_path)]) == 0
    config = load_config(tmp_path / "feedwright.yaml")
    assert (config.generator.name, config.include_future) == ("jekyll", True)
