"""A post's text → its front matter as a mapping, its body, and the body's first line.

python-frontmatter's handlers find and cut out the front matter: YAML between '---' lines, TOML
between '+++' lines, JSON between a '{' and a '}' line. Their fences are the project's (see
_Fenced), and each handler loads with the project's guards: YAML 1.2 scalars, alias bombs and deep
nesting refused, TOML through the standard library, every error with its line in the file.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import frontmatter
import yaml
from frontmatter.default_handlers import BaseHandler, JSONHandler, YAMLHandler

if TYPE_CHECKING:
    # At run time python-frontmatter's choice: libyaml's CSafeLoader when PyYAML has it, else
    # SafeLoader. Both construct and resolve alike, so SafeLoader's type stands for either.
    from yaml import SafeLoader
else:
    from frontmatter.default_handlers import SafeLoader

from ..text import strip_xml_forbidden
from .reject import Reject

_MAX_YAML_NODES = 20_000
_MAX_DEPTH = 32
_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"


class _SourceInt(int):
    """An int that remembers how the front matter spelled it ('007', '0x1F')."""

    source: str


class _SourceFloat(float):
    """A float that remembers how the front matter spelled it (a tag '3.10' is not '3.1')."""

    source: str


class _FrontMatterLoader(SafeLoader):
    """SafeLoader with YAML 1.2 scalars.

    PyYAML follows YAML 1.1: 'yes', 'no', 'on' and 'off' become booleans and '10:00'
    becomes 600, so `tags: [no, 10:00]` would lose both tags. Here only true/false are
    booleans, base-60 numbers stay text, and numbers keep their spelling for text fields.
    """


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL_TAG, _INT_TAG, _FLOAT_TAG)]
    for first, resolvers in SafeLoader.yaml_implicit_resolvers.items()
}
_FrontMatterLoader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_FrontMatterLoader.add_implicit_resolver(
    _INT_TAG,
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)
_FrontMatterLoader.add_implicit_resolver(
    _FLOAT_TAG,
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


def _construct_int(loader: SafeLoader, node: yaml.ScalarNode) -> int:
    value = _SourceInt(loader.construct_yaml_int(node))
    value.source = node.value
    return value


def _construct_float(loader: SafeLoader, node: yaml.ScalarNode) -> float:
    value = _SourceFloat(loader.construct_yaml_float(node))
    value.source = node.value
    return value


def _construct_timestamp(loader: SafeLoader, node: yaml.ScalarNode) -> Any:
    # PyYAML raises a bare ValueError for `date: 2023-02-29`, which is no YAMLError and would
    # crash the build. Kept as text, the date field reports it; any other field just keeps it.
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return node.value


def _checked(construct: Callable[[SafeLoader, yaml.ScalarNode], Any]) -> Callable[[SafeLoader, yaml.ScalarNode], Any]:
    """`construct`, its failure made a YAML error at the value's line.

    PyYAML's int, float, bool and timestamp constructors trust the resolver's pattern. A value
    tagged by hand (`!!int abc`, `!!bool maybe`, `!!timestamp soon`) or an int longer than
    Python converts (4,300 digits) makes them raise ValueError, KeyError, IndexError or
    AttributeError, none of them a YAMLError: the build would crash instead of naming the line.
    """

    def construct_checked(loader: SafeLoader, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, KeyError, IndexError, AttributeError) as exc:
            value = node.value if len(node.value) <= 40 else node.value[:40] + "..."
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {value!r} as {tag}", node.start_mark
            ) from exc

    return construct_checked


_FrontMatterLoader.add_constructor(_INT_TAG, _checked(_construct_int))
_FrontMatterLoader.add_constructor(_FLOAT_TAG, _checked(_construct_float))
_FrontMatterLoader.add_constructor(_BOOL_TAG, _checked(lambda loader, node: loader.construct_yaml_bool(node)))
_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _checked(_construct_timestamp))


class _Fenced(BaseHandler):
    LANGUAGE: ClassVar[str]

    """A python-frontmatter handler whose fences are the project's, not the library's.

    The library's own boundaries (YAML's is `^-{3,}\\s*$`) would open front matter at a Markdown
    rule of five dashes, never close YAML at '...', and take the blank lines after a fence with
    the fence, which moves the body and every line number after it. Here a fence is the whole
    line but its line end, so `split` leaves the body's first line end in front of the body, and
    the front matter starts on the opening fence's line: its line numbers are the file's.

    Opening needs more than a fence line: the right fence ('...' only closes YAML) and a line
    after it, or a file of one '---' would read as unclosed front matter rather than none.
    """

    OPENING: ClassVar[re.Pattern[str]]
    CLOSE_HINT: ClassVar[str]

    def detect(self, text: str) -> bool:
        return self.OPENING.match(text) is not None


class _YAML(_Fenced, YAMLHandler):
    LANGUAGE = "yaml"
    FM_BOUNDARY = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
    OPENING = re.compile(r"\A---[ \t]*\r?\n")
    CLOSE_HINT = "---"

    def load(self, fm: str, **kwargs: object) -> Any:
        return _load_yaml(fm)


class _TOML(_Fenced):
    LANGUAGE = "toml"
    # python-frontmatter's TOMLHandler exists only when the third-party `toml` package is
    # installed, and that package reads TOML 0.5; the standard library's tomllib reads TOML 1.0
    # and is always there, so this handler splits the library's way and loads with tomllib.
    FM_BOUNDARY = re.compile(r"^\+\+\+[ \t]*\r?$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"
    OPENING = re.compile(r"\A\+\+\+[ \t]*\r?\n")
    CLOSE_HINT = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        return _load_toml(fm)


class _JSON(_Fenced, JSONHandler):
    LANGUAGE = "json"
    # JSONHandler.split gives back the braces it cut on: the front matter is one JSON object.
    FM_BOUNDARY = re.compile(r"^[{}][ \t]*\r?$", re.MULTILINE)
    OPENING = re.compile(r"\A\{[ \t]*\r?\n")
    CLOSE_HINT = "}"

    def load(self, fm: str, **kwargs: object) -> Any:
        return _load_json(fm)


# In the order python-frontmatter tries them; the first whose opening fence the text starts with wins.
_HANDLERS: tuple[_Fenced, ...] = (_YAML(), _TOML(), _JSON())


def front_matter_language(text: str) -> str:
    """'yaml', 'toml' or 'json': the language of the text's front matter, so a fix is told in it."""
    handler = frontmatter.detect_format(text, _HANDLERS)
    return handler.LANGUAGE if isinstance(handler, _Fenced) else "yaml"


def split_front_matter(text: str) -> tuple[dict[str, Any], str, int]:
    handler = frontmatter.detect_format(text, _HANDLERS)
    if not isinstance(handler, _Fenced):
        raise Reject(
            "no front matter: the file must start with a line '---', then 'title:', 'date:' ..., then '---'", 1
        )
    try:
        head, rest = handler.split(text)
    except ValueError:
        # BaseHandler.split unpacks three pieces; one fence gives two.
        raise Reject(f"front matter is never closed: add a line '{handler.CLOSE_HINT}' after it", 1) from None
    # What follows the closing fence is its line end, then the body.
    body = rest[1:] if rest.startswith("\n") else rest
    body_line = text.count("\n", 0, len(text) - len(body)) + 1
    meta = handler.load(head)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        kind = "a list" if isinstance(meta, list) else f"a single {type(meta).__name__} value"
        raise Reject(f"front matter is {kind}, not a mapping of keys (write 'title: ...' lines)", 2)
    return meta, body, body_line


def _load_yaml(head: str) -> Any:
    loader = _FrontMatterLoader(head)
    try:
        node = loader.get_single_node()
        if node is not None and _may_be_too_large(head) and _node_count(node) > _MAX_YAML_NODES:
            raise Reject(f"front matter is too large or nests aliases too deeply (over {_MAX_YAML_NODES} values)", 2)
        return loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        context_mark = getattr(exc, "context_mark", None)
        if "end of stream" in problem and context_mark is not None:
            # An unclosed quote or bracket is only noticed at the end; where it opened is the mistake.
            mark = context_mark
            problem = f"{context}, {problem}" if context else problem
        # The head starts on the opening fence's line, so its 0-based line is the file's line less one.
        line = mark.line + 1 if mark is not None else 2
        if isinstance(exc, yaml.constructor.ConstructorError) and problem.startswith("could not determine"):
            # `!!python/object` and friends: safe loading refuses them; say so rather than blame indentation.
            named = re.search(r"'([^']+)'", problem)
            tag = named.group(1).replace("tag:yaml.org,2002:", "!!") if named else "?"
            raise Reject(
                f"front matter uses the YAML tag '{tag}', which is not allowed (only text, numbers, dates,"
                " lists and mappings)",
                line,
            ) from None
        raise Reject(f"front matter is not valid YAML: {problem} (check quoting and indentation)", line) from None
    except RecursionError:
        # The C loader caps nesting itself; the pure-Python one would recurse until Python stops it.
        raise Reject("front matter nests lists or mappings too deeply", 2) from None
    finally:
        loader.dispose()


def _may_be_too_large(head: str) -> bool:
    """Whether the YAML text could hold more than _MAX_YAML_NODES nodes, aliases expanded.

    Without an alias ('*' is its only indicator) nodes come from the text itself: each takes a
    character of its own, but for empty keys and values and the mapping a key opens, so one
    character gives at most three (a lone '?': a mapping, an empty key, an empty value). Text
    under a quarter of the cap in length cannot pass it, and needs no walk (benchmarks/README.md,
    design notes, says how much front matter that is).
    """
    return "*" in head or len(head) * 4 > _MAX_YAML_NODES


def _node_count(root: yaml.Node) -> int:
    """Count nodes as a consumer walking the data would visit them, aliases expanded.

    An alias bomb holds few nodes but expands to billions; counting with a cap
    stops it before any value is built.
    """
    count = 0
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop()
        count += 1
        if count > _MAX_YAML_NODES:
            return count
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
    return count


def scrub(value: Any, depth: int) -> tuple[Any, int]:
    """`value` with the characters XML cannot carry removed from every string in it, and how many went.

    YAML and TOML escapes ("\\x01", "\\u0000") bring back what the raw text was cleaned of, and
    lxml refuses them wherever they land (an author's e-mail, an id). The depth cap keeps every
    later walk over the data (this one, the cache's pickling) far from Python's recursion limit.
    """
    if depth > _MAX_DEPTH:
        raise Reject(f"front matter nests lists or mappings more than {_MAX_DEPTH} levels deep", 2)
    if isinstance(value, str):
        return strip_xml_forbidden(value)
    removed = 0
    if isinstance(value, dict):
        cleaned: dict[Any, Any] = {}
        for key, item in value.items():
            key, count_key = scrub(key, depth + 1) if isinstance(key, str) else (key, 0)
            cleaned[key], count = scrub(item, depth + 1)
            removed += count_key + count
        return cleaned, removed
    if isinstance(value, (list, set, frozenset)):
        items = []
        for item in value:
            item, count = scrub(item, depth + 1)
            items.append(item)
            removed += count
        return (items if isinstance(value, list) else type(value)(items)), removed
    return value, 0


def _load_toml(head: str) -> Any:
    try:
        return tomllib.loads(head)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11-3.13 give the line only inside the message: "... (at line 3, column 8)".
        found = re.search(r"at line (\d+)", str(exc))
        line = getattr(exc, "lineno", None) or (int(found.group(1)) if found else None)
        raise Reject(f"front matter is not valid TOML: {exc}", line or 2) from None
    except ValueError as exc:
        # Not a TOMLDecodeError: an integer longer than Python converts (4,300 digits).
        raise Reject(f"front matter is not valid TOML: {exc}", 2) from None
    except RecursionError:
        # tomllib recurses once per nested array; `a = [[[[...]]]]` would otherwise crash the build.
        raise Reject("front matter nests lists or tables too deeply", 2) from None


def _json_int(text: str) -> int:
    value = _SourceInt(text)
    value.source = text
    return value


def _json_float(text: str) -> float:
    value = _SourceFloat(text)
    value.source = text
    return value


def _load_json(head: str) -> Any:
    try:
        # Numbers keep their spelling, as YAML's do: a tag 3.10 is not 3.1.
        return json.loads(head, parse_int=_json_int, parse_float=_json_float)
    except json.JSONDecodeError as exc:
        # The head starts on the '{' line, so its line numbers are the file's.
        raise Reject(f"front matter is not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
    except ValueError as exc:
        # An integer longer than Python converts (4,300 digits).
        raise Reject(f"front matter is not valid JSON: {exc}", 2) from None
    except RecursionError:
        raise Reject("front matter nests lists or mappings too deeply", 2) from None
