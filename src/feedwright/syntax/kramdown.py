"""kramdown's own syntax, which Jekyll's default Markdown engine reads and others print as text
(https://kramdown.gettalong.org/syntax.html#attribute-list-definitions, #extensions):

- a line that is only an attribute list, `{:.class}`, `{: #id}`, `{:toc}`, `{:ref: .note}`: removed;
  `* TOC` (any list item) just above a `{:toc}` line is the table of contents' placeholder: removed
  with it;
- a span attribute list right after an element, `*text*{:.red}`, `[a](b){:target="_blank"}`,
  `` `code`{:.ruby} ``: removed (elsewhere `{:.2f}` is text, as kramdown leaves it);
- extensions: `{::comment}…{:/comment}` removed with its text, `{::nomarkdown}…{:/nomarkdown}` and
  `{::options … /}` markers removed, the text of `nomarkdown` kept.
"""

from __future__ import annotations

import re

from .core import Pass

_TOC = re.compile(r"^[ ]{0,3}(?:[*+-]|\d{1,9}[.)])[ \t][^\n]*\n[ \t]*\{:[ \t]*toc[ \t]*\}[ \t]*$", re.MULTILINE)
# Never past another `{::comment}`: an unclosed one costs one scan, not one per opener.
_COMMENT = re.compile(r"\{::comment\}(?:[^{]|\{(?!:/comment\}|:/\}|::comment\}))*\{:/(?:comment)?\}")
_EXTENSION = re.compile(r"\{::\w+(?:[^{}\n])*?/?\}|\{:/\w*\}")
_BLOCK_IAL = re.compile(r"^[ \t]*\{:(?:[^{}\n])*\}[ \t]*\n?", re.MULTILINE)
# What an attribute list holds first: `.class`, `#id`, `key=`, or a reference name alone.
_IAL = r"\{:[ \t]*(?:[.#][\w-]|[\w-]+=|[\w-]+[ \t]*\})(?:[^{}\n])*\}"


def transform(text: str, state: Pass) -> str:
    text = _TOC.sub("", text)
    text = _COMMENT.sub("", text)
    text = _EXTENSION.sub("", text)
    text = _BLOCK_IAL.sub("", text)
    # Right after a span element's end (a code span is a shield token by now).
    after = re.escape(state.shield.close)
    return re.sub(r"(?:(?<=[)*_\]>`])|(?<=" + after + "))" + _IAL, "", text)
