"""The benchmark scripts still run against the code they measure."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from benchmarks import stages

REPO = Path(__file__).resolve().parent.parent


def test_stages_times_every_stage_of_the_sample_site(capsys: pytest.CaptureFixture[str]) -> None:
    assert stages.main([str(REPO / "config.yaml")]) == 0
    out = capsys.readouterr().out
    posts = len(list((REPO / "posts").rglob("*.md")))
    counted = re.search(r"^([\d,]+) posts: ([\d,]+) digests, ([\d,]+) articles$", out, re.MULTILINE)
    assert counted is not None, out
    total, digests, articles = (int(g.replace(",", "")) for g in counted.groups())
    assert total == posts
    assert digests >= 1
    assert digests + articles <= total
    rows = re.findall(r"^\| (.+?) \| (\d+\.\d\d) \| (\d+\.\d\d) \|$", out, re.MULTILINE)
    labels = [label for label, _, _ in rows]
    assert labels[:3] == ["read + front matter (read_post)", "Markdown: digests", "Markdown: articles, all"]
    assert "split digests into items" in labels
    assert any(label.startswith("render ") and label.endswith(" feeds (not written)") for label in labels)


def test_the_run_builds_with_both_engines_and_hugo_when_it_is_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from benchmarks import run

    posts = tmp_path / "corpus"
    posts.mkdir()
    site = run.make_site(tmp_path, 3, posts)
    assert "markup:\n  engine: commonmark" in site.commonmark_config.read_text(encoding="utf-8")
    assert "markup" not in site.config.read_text(encoding="utf-8")
    assert (site.hugo / "hugo.toml").is_file() and (site.hugo / "content" / "posts").resolve() == posts.resolve()
    (site.root / "feeds").mkdir()
    run.wipe(site)
    assert sorted(p.name for p in site.root.iterdir()) == sorted(run.CONFIGS)
    runner = run.Runner(tmp_path, None)
    monkeypatch.setattr(run.shutil, "which", lambda name: None)
    assert runner.hugo_cmd(site) is None
    monkeypatch.setattr(run.shutil, "which", lambda name: "/usr/bin/hugo")
    assert runner.hugo_cmd(site) == [
        "/usr/bin/hugo", "--quiet", "--source", str(site.hugo), "--cacheDir", str(site.hugo / "cache"),
    ]  # fmt: skip
