"""Generator syntax on the real sites of tests/sites/: each construct they use, and no entry of a
whole build holding raw `{% %}`, `{{< >}}`, `{{% %}}` or `{:…}` outside code."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from feedwright.cli import main

SITES = Path(__file__).parent / "sites"
RAW = re.compile(r"\{%.*?%\}|\{\{<.*?>\}\}|\{\{%.*?%\}\}|\{:[^}\n]*\}", re.DOTALL)
CODE = re.compile(r"<(pre|code)\b.*?</\1>", re.DOTALL | re.IGNORECASE)


def copied(site: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    root = tmp_path / "site"
    shutil.copytree(SITES / site / "site", root)
    assert main(["init", str(root)]) == 0
    capsys.readouterr()
    return root


def show(root: Path, rel: str, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    assert main(["show", str(root / rel), "-c", str(root / "feedwright.yaml"), "--json"]) == 0
    out = capsys.readouterr()
    entries: list[dict[str, Any]] = json.loads(out.out)
    return str(entries[0]["content_html"]), out.err


@pytest.mark.parametrize("site", sorted(p.name for p in SITES.iterdir() if (p / "site").is_dir()))
def test_no_entry_of_a_real_site_holds_raw_generator_syntax(
    site: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before this pass: jekyll-jekyllrb 8 of 35 entries, hugo-linkerd 2 of 26, hexo-xujiayao 1 of 8,
    pelican-jakevdp 33 of 40, zola-cs6120 0 of 32 held raw syntax outside code; now none does."""
    root = copied(site, tmp_path, capsys)
    assert main(["build", "-c", str(root / "feedwright.yaml")]) == 0
    capsys.readouterr()
    feed = json.loads((root / "feeds" / "articles" / "feed.json").read_text(encoding="utf-8"))
    assert feed["items"]
    raw = {
        item["url"]: RAW.findall(html.unescape(CODE.sub("", item.get("content_html", "")))) for item in feed["items"]
    }
    assert {url: found for url, found in raw.items() if found} == {}


# -- Jekyll: jekyllrb.com's own news posts --------------------------------------------------------


def test_jekyll_highlight_is_a_fenced_code_block(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """_posts/2016-04-19-jekyll-3-0-4-released.markdown: `{% highlight yaml %}` (jekyllrb.com/docs/liquid/tags/)."""
    root = copied("jekyll-jekyllrb", tmp_path, capsys)
    content, err = show(root, "_posts/2016-04-19-jekyll-3-0-4-released.markdown", capsys)
    assert '<pre><code class="language-yaml">collections:\n  posts:\n    output: true\n' in content
    assert "highlight" not in content
    assert err == ""


def test_jekyll_raw_keeps_its_text_even_in_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """_posts/2017-03-21-jekyll-3-4-3-released.markdown wraps a fenced block in `{% raw %}`; 2017-06-14's
    code spans hold `{% raw %}{{ layout }}{% endraw %}`: Jekyll shows the text between."""
    root = copied("jekyll-jekyllrb", tmp_path, capsys)
    content, _ = show(root, "_posts/2017-03-21-jekyll-3-4-3-released.markdown", capsys)
    assert '<pre><code class="language-liquid">{{ "example :page" | uri_escape }}\n</code></pre>' in content
    assert "raw %" not in content
    content, _ = show(root, "_posts/2017-06-14-jekyll-3-5-0-released.markdown", capsys)
    assert "<code>{{ layout }}</code>" in content


def test_jekyll_link_and_post_url_are_the_target_posts_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`{% link _posts/2017-01-18-jekyll-3-4-0-released.markdown %}` and `{% post_url
    2013-05-06-jekyll-1-0-0-released %}` give the target's URL (the one expected.yaml lists for it)."""
    root = copied("jekyll-jekyllrb", tmp_path, capsys)
    content, _ = show(root, "_posts/2017-03-21-jekyll-3-4-3-released.markdown", capsys)
    assert '<a href="https://jekyllrb.com/news/2017/01/18/jekyll-3-4-0-released/">v3.4.0</a>' in content
    content, _ = show(root, "_posts/2014-05-06-jekyll-turns-2-0-0.markdown", capsys)
    assert '<a href="https://jekyllrb.com/news/2013/05/05/jekyll-1-0-0-released/">we released Jekyll 1.0.0</a>' in (
        content
    )


# -- Hugo: linkerd.io's blog ----------------------------------------------------------------------


def test_hugo_paired_shortcode_keeps_its_inner_markdown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """blog/2020/0225-…/index.md: `{{< note >}}…{{< /note >}}` (a theme's shortcode): its text stays."""
    root = copied("hugo-linkerd", tmp_path, capsys)
    rel = "content/blog/2020/0225-multicluster-kubernetes-with-service-mirroring/index.md"
    content, err = show(root, rel, capsys)
    assert content.startswith("<p>Linkerd 2.8 has been released and implements the architecture described here.")
    assert '<a href="https://linkerd.io/2020/06/09/announcing-linkerd-2.8/">release blog post</a>' in content
    assert "note" not in err


def test_hugo_x_is_a_link_to_the_post(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """blog/2022/1228-…/index.md: `{{< x user="La_Rainette" id="1591198130049257473" >}}`
    (gohugo.io/shortcodes/x/)."""
    root = copied("hugo-linkerd", tmp_path, capsys)
    content, _ = show(root, "content/blog/2022/1228-service-mesh-2022-recap-ebpf-gateway-api/index.md", capsys)
    url = "https://x.com/La_Rainette/status/1591198130049257473"
    assert f'<p><a href="{url}">{url}</a></p>' in content


# -- Hexo: xujiayao's blog ------------------------------------------------------------------------


def test_hexo_unknown_tag_is_removed_with_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """source/_posts/03-anime-charlotte.md: `{% meting "7803448836" "tencent" "playlist" %}` (hexo-tag-aplayer)."""
    root = copied("hexo-xujiayao", tmp_path, capsys)
    content, err = show(root, "source/_posts/03-anime-charlotte.md", capsys)
    assert "meting" not in content
    assert "03-anime-charlotte.md: warning: removed Hexo tags it cannot render: {% meting %}" in err


# -- Pelican: jakevdp's blog, liquid_tags ---------------------------------------------------------


def test_pelican_liquid_tags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """content/articles/2013-05-07-migrating-from-octopress-to-pelican.md shows each liquid_tags tag:
    `{% img %}`, `{% video %}` rendered as the plugin does, `{% include_code %}` and `{% notebook %}`
    removed (their files are not the post's), `{% literal %}` inside indented code left as written."""
    root = copied("pelican-jakevdp", tmp_path, capsys)
    content, err = show(root, "content/articles/2013-05-07-migrating-from-octopress-to-pelican.md", capsys)
    assert (
        '<img src="http://jakevdp.github.io/images/galaxy.jpg" alt="A Galaxy" title="A Galaxy" width="300" '
        'height="200">'
    ) in content
    assert (
        '<video controls="" width="240" height="180" poster="http://jakevdp.github.io/downloads/videos/'
        'animate_square.png"><source src="http://jakevdp.github.io/downloads/videos/animate_square.mp4" '
        'type="video/mp4"></video>'
    ) in content
    assert "<pre><code>{% literal img [position] /url/to/img.png [width] [height] [title] [alt] %}" in content
    assert "include_code hello_world.py" not in content
    assert "removed Liquid tags it cannot render: {% include_code %}" in err
