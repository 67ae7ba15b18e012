"""The command line as cron and people use it: real processes, exit codes, what is printed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import feedparser
import yaml

from .conftest import LINUXCN_SITE, REPO, SEED, needs_seed, write_post

GOOD = """---
title: Good post
date: '2023-01-17 19:01:21'
tags: [Linux]
---

Body.
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "feedwright", *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def make_site(tmp_path: Path, **extra: object) -> Path:
    config = {"site": LINUXCN_SITE, "posts": "posts", "output": "out", "split": {"categories": ["硬核观察"]}, **extra}
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    write_post(tmp_path / "posts", "good.md", GOOD)
    return tmp_path


def test_build_prints_one_summary_line_and_writes_feeds(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    result = run("build", cwd=site)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("feedwright: done: 1 posts read")
    assert " s" in lines[0]
    assert not feedparser.parse((site / "out" / "atom.xml").read_bytes()).bozo


def test_quiet_prints_nothing_when_all_is_well(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    result = run("build", "-q", cwd=site)
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr == ""


def test_posts_and_out_override_the_config(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    write_post(site / "other", "x.md", GOOD.replace("Good post", "Other post"))
    result = run("build", "--posts", "other", "--out", "elsewhere", "-q", cwd=site)
    assert result.returncode == 0, result.stderr
    parsed = feedparser.parse((site / "elsewhere" / "atom.xml").read_bytes())
    assert [e.title for e in parsed.entries] == ["Other post"]
    assert not (site / "out").exists()


def test_rejected_post_exit_codes(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    write_post(site / "posts", "more.md", GOOD.replace("Good post", "More"))
    write_post(site / "posts", "broken.md", "---\ntitle: [unclosed\n---\nbody\n")
    result = run("build", "-q", cwd=site)
    assert result.returncode == 0
    assert result.stderr.startswith("posts/broken.md:")
    assert ": error: " in result.stderr
    assert "Traceback" not in result.stderr
    assert run("build", "-q", "--strict", cwd=site).returncode == 1


def test_check_writes_nothing(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    write_post(site / "posts", "nodate.md", "---\ntitle: No date\n---\nbody\n")
    result = run("check", cwd=site)
    assert result.returncode == 0
    assert "posts/nodate.md: error: no date" in result.stderr
    assert "checked 2 posts: 1 rejected" in result.stdout
    assert not (site / "out").exists()
    assert run("check", "--strict", cwd=site).returncode == 1


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    assert run("build", "--no-such-flag", cwd=site).returncode == 2
    assert run("frobnicate", cwd=site).returncode == 2
    missing = run("build", "-c", "nope.yaml", cwd=site)
    assert missing.returncode == 2
    assert missing.stderr.strip() == "nope.yaml: no such config file (give one with -c)"


def test_show_json_lists_a_digests_items(tmp_path: Path) -> None:
    needs_seed()
    site = make_site(tmp_path)
    result = run("show", str(SEED), "--json", cwd=site)
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert [i["title"] for i in items] == [
        "PyTorch 和 Triton 正在打破英伟达 CUDA 的垄断",
        "Basecamp 因巨额账单退出云计算",
        "使用了 25 年的笔记本内存规范 SO-DIMM 将被替换",
    ]
    for item in items:
        assert {"id", "title", "link", "published", "updated", "tags", "categories", "image", "related"} <= set(item)
        assert {"summary", "content_html"} <= set(item)
        assert item["published"].endswith("+08:00")
        assert item["link"].startswith("https://linux.cn/article-15453-1.html#")
    assert items[0]["related"] == ["https://www.semianalysis.com/p/nvidiaopenaitritonpytorch"]
    assert items[0]["tags"] == ["PyTorch"]


def test_show_an_article_gives_one_entry(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    result = run("show", "posts/good.md", "--json", cwd=site)
    items = json.loads(result.stdout)
    assert len(items) == 1
    assert items[0]["published"] == "2023-01-17T19:01:21+08:00"
    assert items[0]["related"] == []


def test_repo_sample_site_builds_cleanly(tmp_path: Path) -> None:
    result = run("build", "-c", str(REPO / "config.yaml"), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    parsed = feedparser.parse((tmp_path / "out" / "atom.xml").read_bytes())
    assert not parsed.bozo
    assert len(parsed.entries) >= 12


def test_check_fails_when_the_posts_folder_is_missing(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("site: {title: t, base_url: 'https://e.org/'}\nposts: nowhere\n")
    done = subprocess.run(
        [sys.executable, "-m", "feedwright", "check", "-c", "config.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "posts folder does not exist" in done.stderr and "Traceback" not in done.stderr
