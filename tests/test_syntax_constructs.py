"""Each generator's tags and shortcodes, written as its documentation shows them, through `show`.

The expected HTML follows what the generator's own template renders, in elements the sanitiser keeps.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .syntax_helpers import show, site

FRONT = "---\ntitle: x\ndate: 2024-01-02\n---\n"


def render(
    tmp_path: Path, generator: str, body: str, capsys: pytest.CaptureFixture[str], **files: str
) -> tuple[str, str]:
    rel = {"jekyll": "2024-01-02-a.md", "hexo": "a.md", "pelican": "a.md"}.get(generator, "posts/a.md")
    head = "Title: x\nDate: 2024-01-02\n\n" if generator == "pelican" else FRONT
    site(tmp_path, generator, {rel: head + body, **{k.replace("__", "/"): v for k, v in files.items()}})
    return show(tmp_path, generator, rel, capsys)


# -- Jekyll: https://jekyllrb.com/docs/liquid/tags/ ----------------------------------------------


def test_liquid_highlight(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """jekyllrb.com/docs/liquid/tags/#code-snippet-highlighting; `# x` inside is code, not a heading."""
    body = "{% highlight ruby linenos %}\ndef foo\n  # a comment\nend\n{% endhighlight %}\n"
    content, err = render(tmp_path, "jekyll", body, capsys)
    assert content == '<pre><code class="language-ruby">def foo\n  # a comment\nend\n</code></pre>'
    assert err == ""


def test_liquid_post_url_and_link(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """jekyllrb.com/docs/liquid/tags/#linking-to-posts: a post here by its URL; one not here by the
    URL Jekyll's permalink rule gives its file name; `{% link %}` to a page by its default URL."""
    other = "---\ntitle: B\npermalink: /b-post/\n---\nb\n"
    body = "[a]({% post_url 2023-05-06-b %}) [c]({% post_url 2010-07-21-name %}) [d]({% link about.md %})\n"
    content, _ = render(tmp_path, "jekyll", body, capsys, **{"2023-05-06-b.md": other})
    assert content == (
        '<p><a href="https://example.org/b-post/">a</a> <a href="https://example.org/2010/07/21/name.html">c</a>'
        ' <a href="https://example.org/about.html">d</a></p>'
    )


def test_liquid_unknown_tags_removed_once_each_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`{% include %}` (jekyllrb.com/docs/includes/) cannot be rendered without the site's _includes."""
    body = (
        "A {% include note.html %} B {% include x.html %}\n\n"
        "{% if x %}kept{% endif %}\n\n{% comment %}gone{% endcomment %}\n"
    )
    content, err = render(tmp_path, "jekyll", body, capsys)
    assert content == "<p>A  B </p>\n<p>kept</p>"
    assert err.strip().endswith("warning: removed Liquid tags it cannot render: {% include %}, {% if %}")
    assert err.count("\n") == 1


def test_liquid_in_code_is_left_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = "`{% include x %}` and\n\n```\n{% highlight x %}\n{{< y >}}\n```\n\n    {% post_url a %}\n"
    content, err = render(tmp_path, "jekyll", body, capsys)
    assert "<code>{% include x %}</code>" in content
    assert "<pre><code>{% highlight x %}\n{{&lt; y &gt;}}\n</code></pre>" in content
    assert "<pre><code>{% post_url a %}\n</code></pre>" in content
    assert err == ""


def test_liquid_site_variables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """jekyllrb.com/docs/liquid/filters/ (relative_url, absolute_url) and site.baseurl."""
    body = '![x]({{ "/img/a.png" | relative_url }}) [y]({{ site.baseurl }}/docs/) {{ page.title }}\n'
    content, err = render(tmp_path, "jekyll", body, capsys)
    assert content == (
        '<p><img alt="x" src="https://example.org/img/a.png"> <a href="https://example.org/docs/">y</a> </p>'
    )
    assert "{{ page.title }}" in err


def test_kramdown_attribute_lists(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """kramdown.gettalong.org/syntax.html#block-ials, #span-ials, #extensions; converter/toc."""
    body = (
        '* TOC\n{:toc}\n\n## Contents\n{: .no_toc}\n\nA *b*{:.red} [l](https://x.org/){:target="_blank"}\n'
        '{: #para}\n\n{::comment}\nhidden\n{:/comment}\n\n{::options parse_block_html="true" /}\n'
    )
    content, _ = render(tmp_path, "jekyll", body, capsys)
    assert content == '<h2 id="contents">Contents</h2>\n<p>A <em>b</em> <a href="https://x.org/">l</a></p>'


# -- Hugo: https://gohugo.io/shortcodes/ ----------------------------------------------------------


def test_hugo_figure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """gohugo.io/shortcodes/figure/: src resolves in the page bundle."""
    body = '{{< figure src="elephant.jpg" alt="An elephant" title="At sunset" caption="Photo" link="/x/" >}}\n'
    content, _ = render(tmp_path, "hugo", body, capsys)
    assert content == (
        '<figure><a href="https://example.org/x/"><img src="https://example.org/posts/a/elephant.jpg"'
        ' alt="An elephant"></a><figcaption><h4>At sunset</h4>Photo</figcaption></figure>'
    )


def test_hugo_youtube_vimeo_gist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """gohugo.io/shortcodes/youtube/, /vimeo/, /gist/."""
    body = (
        '{{< youtube 0RKpf3rK57I >}}\n\n{{< vimeo id="55073825" >}}\n\n'
        "{{< gist jmooring 23932424365401ffa5e9d9810102a477 >}}\n"
    )
    content, _ = render(tmp_path, "hugo", body, capsys)
    gist = "https://gist.github.com/jmooring/23932424365401ffa5e9d9810102a477"
    assert content == (
        '<iframe src="https://www.youtube-nocookie.com/embed/0RKpf3rK57I" width="560" height="315"'
        ' frameborder="0" allowfullscreen=""></iframe>\n\n'
        '<iframe src="https://player.vimeo.com/video/55073825" width="640" height="360" frameborder="0"'
        ' allowfullscreen=""></iframe>\n\n'
        f'<p><a href="{gist}">{gist}</a></p>'
    )


def test_hugo_highlight_ref_and_paired(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """gohugo.io/shortcodes/highlight/, /ref/, /relref/; a paired `{{% alert %}}` keeps its Markdown."""
    body = (
        '{{< highlight go "linenos=inline" >}}\n# x\n{{< /highlight >}}\n\n'
        '[b]({{< ref "b.md" >}}) [c]({{< relref "/posts/c/#h" >}}) [d]({{< ref "missing.md" >}})\n\n'
        '{{% alert color="warning" %}}\n**Careful**\n{{% /alert %}}\n'
    )
    content, err = render(
        tmp_path, "hugo", body, capsys,
        **{"posts__b.md": FRONT, "posts__c__index.md": FRONT},
    )  # fmt: skip
    assert content == (
        '<pre><code class="language-go"># x\n</code></pre>\n'
        '<p><a href="https://example.org/posts/b/">b</a> <a href="https://example.org/posts/c/#h">c</a>'
        ' <a href="https://example.org/posts/a/missing.md">d</a></p>\n'
        "<p><strong>Careful</strong></p>"
    )
    assert err == ""


def test_hugo_unknown_removed_and_escaped_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """gohugo.io/content-management/shortcodes/#comments: `{{</* x */>}}` is the shortcode as text."""
    body = '{{< instagram CxOWiQNP2MO >}}\n\nUse {{</* figure src="x" */>}}.\n\n`{{< y >}}`\n'
    content, err = render(tmp_path, "hugo", body, capsys)
    assert content == '<p>Use {{&lt; figure src="x" &gt;}}.</p>\n<p><code>{{&lt; y &gt;}}</code></p>'
    assert "removed Hugo shortcodes it cannot render: {{< instagram >}}" in err


# -- Hexo: https://hexo.io/docs/tag-plugins -------------------------------------------------------


def test_hexo_codeblock_and_blockquote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """hexo.io/docs/tag-plugins#Code-Block, #Block-Quote."""
    body = (
        "{% codeblock Array.map lang:js %}\n# not a heading\narray.map(f)\n{% endcodeblock %}\n\n"
        "{% blockquote David Levithan, Wide Awake %}\nDo not just seek happiness.\n{% endblockquote %}\n"
    )
    content, _ = render(tmp_path, "hexo", body, capsys)
    assert content == (
        '<pre><code class="language-js"># not a heading\narray.map(f)\n</code></pre>\n'
        "<blockquote>\n<p>Do not just seek happiness.</p>\n"
        "<p><cite>— David Levithan, Wide Awake</cite></p>\n</blockquote>"
    )


def test_hexo_assets_and_post_link(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """hexo.io/docs/asset-folders#Tag-Plugins-For-Relative-Path-Referencing, tag-plugins#Include-Posts:
    assets resolve against the post's URL; post_link gives the post's URL and title, or its text."""
    body = (
        '{% asset_img slug.jpg "spaced title" %}\n\n{% asset_link file.pdf The file %}\n\n'
        '{% post_link hello-world %} {% post_link missing "Missing post" %}\n'
    )
    hello = "---\ntitle: Hello World\ndate: 2023-03-04\n---\nhi\n"
    content, _ = render(tmp_path, "hexo", body, capsys, **{"hello-world.md": hello})
    assert content == (
        '<p><img src="https://example.org/2024/01/02/a/slug.jpg" alt="spaced title" title="spaced title"></p>\n'
        '<p><a href="https://example.org/2024/01/02/a/file.pdf">The file</a></p>\n'
        '<p><a href="https://example.org/2023/03/04/hello-world/">Hello World</a> Missing post</p>'
    )


def test_hexo_embeds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """hexo.io/docs/tag-plugins#YouTube, #iframe, #Image: an iframe from a host the sanitiser drops is a link."""
    body = (
        "{% youtube lJIrF4YjHfQ %}\n\n{% iframe https://example.com/x 400 300 %}\n\n"
        '{% img /images/a.png 100 200 "Title text" "Alt text" %}\n\n```\n{% youtube x %}\n```\n'
    )
    content, err = render(tmp_path, "hexo", body, capsys)
    assert content == (
        '<iframe src="https://www.youtube-nocookie.com/embed/lJIrF4YjHfQ" width="560" height="315"'
        ' frameborder="0" allowfullscreen=""></iframe>\n\n'
        '<p><a href="https://example.com/x">https://example.com/x</a></p>\n'
        '<p><img src="https://example.org/images/a.png" alt="Alt text" title="Title text" width="100"'
        ' height="200"></p>\n<pre><code>{% youtube x %}\n</code></pre>'
    )
    assert err == ""


# -- Zola: https://www.getzola.org/documentation/content/shortcodes/ ------------------------------


def test_zola_shortcodes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The built-in youtube, vimeo and gist of getzola.org's shortcodes page (Zola ≤ 0.15); a body
    shortcode keeps its body; `{{/* … */}}` is text; an unknown inline one is removed."""
    body = (
        '{{ youtube(id="dQw4w9WgXcQ", autoplay=true) }}\n\n{{ vimeo(id="124313553") }}\n\n'
        '{% note(kind="info") %}\nInner *markdown*\n{% end %}\n\n{{ custom(a=1) }} and {{ page.title }}\n\n'
        '`{{ youtube(id="x") }}` {{/* youtube(id="x") */}}\n'
    )
    site(tmp_path, "zola", {"posts/a.md": '+++\ntitle = "x"\ndate = 2024-01-02\n+++\n' + body})
    content, err = show(tmp_path, "zola", "posts/a.md", capsys)
    assert content == (
        '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" width="560" height="315"'
        ' frameborder="0" allowfullscreen=""></iframe>\n\n'
        '<iframe src="https://player.vimeo.com/video/124313553" width="640" height="360" frameborder="0"'
        ' allowfullscreen=""></iframe>\n\n'
        "<p>Inner <em>markdown</em></p>\n<p>and {{ page.title }}</p>\n"
        '<p><code>{{ youtube(id="x") }}</code> {{ youtube(id="x") }}</p>'
    )
    assert "removed Zola shortcodes it cannot render: {{ custom() }}" in err


# -- Pelican: docs.getpelican.com/en/latest/content.html#linking-to-internal-content ---------------


def test_pelican_link_targets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = "[b]({filename}b.md) ![i]({static}/images/x.png) [c]({filename}/missing.md#h)\n"
    other = "Title: B post\nDate: 2023-01-01\n\nb\n"
    content, _ = render(tmp_path, "pelican", body, capsys, **{"b.md": other})
    assert content == (
        '<p><a href="https://example.org/b-post.html">b</a> <img alt="i" src="https://example.org/images/x.png">'
        ' <a href="https://example.org/missing.md#h">c</a></p>'
    )


def test_pelican_liquid_tags_youtube_and_literal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """github.com/pelican-plugins/liquid-tags: youtube, literal."""
    content, err = render(tmp_path, "pelican", "{% youtube abc123 %}\n\n{% literal img x.png %}\n", capsys)
    assert content == (
        '<iframe src="https://www.youtube-nocookie.com/embed/abc123" width="640" height="390" frameborder="0"'
        ' allowfullscreen=""></iframe>\n\n<p><code>{% img x.png %}</code></p>'
    )
    assert err == ""


def test_plain_sites_are_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "a.md").write_text(FRONT + "{% include x %} {{< y >}}\n", encoding="utf-8")
    (tmp_path / "config.yaml").write_text(
        "site: {title: T, base_url: 'https://example.org/'}\nposts: posts\n", encoding="utf-8"
    )
    from feedwright.cli import main

    capsys.readouterr()
    assert main(["show", str(tmp_path / "posts" / "a.md"), "-c", str(tmp_path / "config.yaml"), "--json"]) == 0
    out = capsys.readouterr()
    assert "{% include x %} {{&lt; y &gt;}}" in out.out
    assert out.err == ""


def test_kramdown_span_attributes_only_after_an_element(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """kramdown.gettalong.org/syntax.html#span-ials: a span IAL follows its element directly; a
    format string in the text is text."""
    body = "A `x`{:.ruby} and {:.2f} or {:>10}\n"
    content, _ = render(tmp_path, "jekyll", body, capsys)
    assert content == "<p>A <code>x</code> and {:.2f} or {:&gt;10}</p>"


def test_hexo_raw_is_text_and_tags_in_code_are_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """hexo.io/docs/tag-plugins#Raw; Hexo escapes code before rendering tags (hexo's backtick_code_block filter)."""
    body = "{% raw %}{{ x }} {% y %}{% endraw %}\n\n`{% raw %}a{% endraw %}`\n"
    content, err = render(tmp_path, "hexo", body, capsys)
    assert content == "<p>{{ x }} {% y %}</p>\n<p><code>{% raw %}a{% endraw %}</code></p>"
    assert err == ""
