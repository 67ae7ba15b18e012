"""`feeds.stylesheet`: an <?xml-stylesheet?> in Atom and RSS, and the small file it points to.

With `xsl`, a browser that still runs XSLT shows the feed as a page (Chromium now adds a banner
saying XSLT is being removed; Firefox and Safari still run it); with `css`, it shows the feed's
text styled, no links. Feed readers ignore the instruction. The file is written beside index.html.
"""

from __future__ import annotations

from ..config import Config

STYLESHEET_FILES: dict[str, str] = {"xsl": "feed.xsl", "css": "feed.css"}
_TYPES: dict[str, str] = {"xsl": "text/xsl", "css": "text/css"}

XSL = """\
<?xml version="1.0" encoding="UTF-8"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:a="http://www.w3.org/2005/Atom">
<xsl:output method="html" encoding="UTF-8" indent="yes"/>
<xsl:template match="/">
<html>
<head>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title><xsl:value-of select="/a:feed/a:title|/rss/channel/title"/></title>
<style>
:root{color-scheme:light dark}
body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:0 auto;padding:1rem}
li{margin:.5rem 0}
.note{color:#777}
</style>
</head>
<body>
<h1><xsl:value-of select="/a:feed/a:title|/rss/channel/title"/></h1>
<p class="note">This is a feed: copy this page's address into your feed reader to subscribe.</p>
<ol>
<xsl:for-each select="/a:feed/a:entry">
<li><a href="{a:link[@rel='alternate' or not(@rel)][1]/@href}"><xsl:value-of select="a:title"/></a>
<xsl:text> </xsl:text><small><xsl:value-of select="substring(a:published|a:updated,1,10)"/></small></li>
</xsl:for-each>
<xsl:for-each select="/rss/channel/item">
<li><a href="{link}"><xsl:value-of select="title"/></a></li>
</xsl:for-each>
</ol>
</body>
</html>
</xsl:template>
</xsl:stylesheet>
"""

CSS = """\
:root{color-scheme:light dark}
feed,rss{display:block;font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:0 auto;padding:1rem}
feed>*,channel>*,entry>*,item>*{display:none}
feed>title,channel>title{display:block;font-size:1.5rem;font-weight:600;margin:.5rem 0}
feed>subtitle,channel>description{display:block;color:#777}
entry,item{display:block;padding:.5rem 0;border-bottom:1px solid #8884}
entry>title,item>title{display:block;font-weight:600}
entry>summary,item>description{display:block;color:#777}
"""


def stylesheet_files(config: Config) -> dict[str, bytes]:
    """The file feeds.stylesheet asks for, by its name under the output folder (none by default)."""
    kind = config.feeds.stylesheet
    if kind not in STYLESHEET_FILES:
        return {}
    return {STYLESHEET_FILES[kind]: (XSL if kind == "xsl" else CSS).encode("utf-8")}


def with_stylesheet(data: bytes, path: str, fmt: str, config: Config) -> bytes:
    """Atom and RSS with an <?xml-stylesheet?> after the XML declaration, when feeds.stylesheet asks."""
    kind = config.feeds.stylesheet
    if kind not in STYLESHEET_FILES or fmt not in ("atom", "rss"):
        return data
    # Relative, so it works wherever the output folder is served: one '../' per folder of the feed.
    href = "../" * (path.count("/") + 1 if path else 0) + STYLESHEET_FILES[kind]
    pi = f'<?xml-stylesheet type="{_TYPES[kind]}" href="{href}"?>\n'.encode()
    head, sep, rest = data.partition(b"\n")
    if not head.startswith(b"<?xml "):
        return pi + data
    return head + sep + pi + rest
