"""read/frontmatter.py: text → front matter and body; YAML 1.2, TOML, size and nesting caps."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from feedwright.config import Config
from feedwright.model import Author
from feedwright.read import frontmatter
from feedwright.read.reject import Reject

from .read_helpers import SHANGHAI, front, messages, post_of, read

# --- line ends, TOML, the YAML document end marker -------------------------------------------------


def test_windows_line_ends(folder: Path, config: Config) -> None:
    post = post_of(folder, config, front(title="CRLF").replace("\n", "\r\n"))
    assert post.title == "CRLF"
    assert post.body.strip() == "Body text."


def test_toml_front_matter(folder: Path, config: Config) -> None:
    text = '+++\ntitle = "TOML post"\ndate = 2024-01-05T10:00:00+02:00\ntags = ["a", "b"]\ndraft = false\n+++\nBody\n'
    post = post_of(folder, config, text)
    assert post.title == "TOML post"
    assert post.published == datetime(2024, 1, 5, 8, tzinfo=UTC)
    assert post.tags == ("a", "b")


def test_toml_local_date(folder: Path, config: Config) -> None:
    post = post_of(folder, config, '+++\ntitle = "T"\ndate = 2024-01-05\n+++\nBody\n')
    assert post.published == datetime(2024, 1, 5, tzinfo=SHANGHAI)


def test_yaml_document_end_marker_closes_front_matter(folder: Path, config: Config) -> None:
    post = post_of(folder, config, "---\ntitle: Dots\ndate: 2024-01-05\n...\nBody\n")
    assert post.title == "Dots"
    assert post.body == "Body\n"


# --- values that only appear after parsing ----------------------------------------------------------


def test_control_characters_written_as_escapes_are_removed(folder: Path, config: Config) -> None:
    # The raw text is clean; YAML's "\x01" and TOML's "\u0001" make the characters only when parsed.
    text = front(
        title='"Ti\\x01tle"',
        id='"urn:a\\x01b"',
        author='{name: "Bo\\x02b", email: "b\\x0b@example.org"}',
        tags='["t\\x00ag"]',
        custom='{"k\\x1f": "v\\x1f"}',
    )
    result = read(folder, config, text)
    post = result.post
    assert post is not None
    assert post.title == "Title"
    assert post.id == "urn:ab"
    assert post.authors == (Author("Bob", "b@example.org"),)
    assert post.tags == ("tag",)
    assert post.extra["custom"] == {"k": "v"}
    assert any("written as escapes" in m for m in messages(result, "warning"))


def test_toml_escapes_are_removed_too(folder: Path, config: Config) -> None:
    post = post_of(folder, config, '+++\ntitle = "A\\u0001B"\ndate = 2024-01-05\n+++\nBody\n')
    assert post.title == "AB"


def test_an_impossible_date_elsewhere_does_not_reject_the_post(folder: Path, config: Config) -> None:
    # PyYAML raises a bare ValueError for it; only the date field needs to be a real date.
    post = post_of(folder, config, front(reviewed="2023-02-30"))
    assert post.extra["reviewed"] == "2023-02-30"


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: t\ndate: 2024-01-05\nd: " + "[" * 40 + "]" * 40 + "\n---\nBody\n",
        "---\ntitle: t\ndate: 2024-01-05\nd: " + "[" * 5000 + "]" * 5000 + "\n---\nBody\n",
        '+++\ntitle = "t"\ndate = 2024-01-05\nd = ' + "[" * 40 + "]" * 40 + "\n+++\nBody\n",
        '+++\ntitle = "t"\ndate = 2024-01-05\nd = ' + "[" * 5000 + "]" * 5000 + "\n+++\nBody\n",
    ],
)
def test_deep_nesting_is_rejected_not_a_crash(folder: Path, config: Config, text: str) -> None:
    result = read(folder, config, text)
    assert result.post is None
    [error] = messages(result, "error")
    assert re.search(r"too deeply|levels deep|nesting depth", error), error


def test_invalid_toml_names_the_file_line(folder: Path, config: Config) -> None:
    result = read(folder, config, '+++\ntitle = "t"\n\ndate = 2023-02-29\n+++\nBody\n')
    [problem] = result.problems
    assert problem.severity == "error"
    assert problem.line == 4
    assert "not valid TOML" in problem.message


# --- the YAML size cap ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "[" + "a," * 20_001 + "]",  # no alias, just many values
        "{" + "?," * 10_001 + "}",  # an empty key and an empty value per '?,'
        "\n" + "  - \n" * 20_001,
    ],
)
def test_front_matter_with_too_many_values_is_refused_without_aliases(folder: Path, config: Config, value: str) -> None:
    result = read(folder, config, front(d=value))
    assert result.post is None
    [error] = messages(result, "error")
    assert "front matter is too large" in error


def test_a_small_alias_bomb_is_refused(folder: Path, config: Config) -> None:
    levels = "".join(f"l{i + 1}: &l{i + 1} [{', '.join([f'*l{i}'] * 10)}]\n" for i in range(5))
    result = read(folder, config, f"---\ntitle: t\ndate: 2024-01-05\nl0: &l0 x\n{levels}---\nBody\n")
    assert result.post is None
    assert "nests aliases" in messages(result, "error")[0]


def test_anchors_and_aliases_within_the_cap_are_read(folder: Path, config: Config) -> None:
    post = post_of(folder, config, "---\ntitle: &t Shared\ndate: 2024-01-05\nsummary: *t\ntags: [a*b, '*']\n---\nB\n")
    assert (post.title, post.summary, post.tags) == ("Shared", "Shared", ("a*b", "*"))


YAML_BITS = st.sampled_from(
    ["?", ":", "-", ",", "[", "]", "{", "}", " ", "\n", "a", "? ", ": ", "- ", "?,", "?\n", "-\n", "''", "!!str ",
     "&a ", "|", ">", "#", "\t", "..."]
)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(bits=st.lists(YAML_BITS, min_size=1, max_size=60))
def test_yaml_without_aliases_holds_at_most_three_nodes_per_character(bits: list[str]) -> None:
    """Why _load_yaml counts nodes only for long front matter or one with '*': short text cannot pass the cap."""
    text = "".join(bits)
    loader = frontmatter._FrontMatterLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()
    if node is not None:
        assert frontmatter._node_count(node) <= 3 * len(text)
    if not frontmatter._may_be_too_large(text):
        assert 3 * len(text) <= frontmatter._MAX_YAML_NODES


# --- the fences python-frontmatter's handlers split on -------------------------------------------


def test_json_front_matter(folder: Path, config: Config) -> None:
    text = '{\n  "title": "JSON post",\n  "date": "2024-01-05 10:00:00",\n  "tags": ["a", 3.10, 7]\n}\nBody\n'
    post = post_of(folder, config, text)
    assert post.title == "JSON post"
    assert post.tags == ("a", "3.10", "7")
    assert (post.body, post.body_line) == ("Body\n", 6)


def test_json_front_matter_with_windows_line_ends(folder: Path, config: Config) -> None:
    post = post_of(folder, config, '{\r\n"title": "CRLF",\r\n"date": "2024-01-05"\r\n}\r\nBody\r\n')
    assert (post.title, post.body) == ("CRLF", "Body\r\n")


def test_invalid_json_names_the_file_line(folder: Path, config: Config) -> None:
    result = read(folder, config, '{\n"title": "t",\n"date": 2024-01-05\n}\nBody\n')
    [problem] = result.problems
    assert (problem.severity, problem.line) == ("error", 3)
    assert "not valid JSON" in problem.message


def test_unclosed_json_front_matter(folder: Path, config: Config) -> None:
    [problem] = read(folder, config, '{\n"title": "t"\nBody\n').problems
    assert (problem.message, problem.line) == ("front matter is never closed: add a line '}' after it", 1)


@pytest.mark.parametrize("text", ["-----\ntitle: t\n-----\nBody\n", "---", "...\ntitle: t\n...\nBody\n", "}\n{\n"])
def test_what_does_not_open_front_matter(folder: Path, config: Config, text: str) -> None:
    [problem] = read(folder, config, text).problems
    assert problem.message.startswith("no front matter:")
    assert problem.line == 1


def test_blank_lines_after_the_closing_fence_stay_in_the_body(folder: Path, config: Config) -> None:
    post = post_of(folder, config, "---\ntitle: t\ndate: 2024-01-05\n--- \n\n  \nBody\n")
    assert (post.body, post.body_line) == ("\n  \nBody\n", 5)


def test_a_closing_fence_at_the_end_of_the_file(folder: Path, config: Config) -> None:
    post = post_of(folder, config, "+++\ntitle = 't'\ndate = 2024-01-05\n+++")
    assert (post.body, post.body_line) == ("", 4)


# --- any text: front matter and a body, or a refusal with its line -------------------------------

FENCE_LINES = st.sampled_from(["---", "--- ", "+++", "+++\t", "{", "}", "...", "-----", "", " "])
FRONT_MATTER_BITS = st.sampled_from(
    ["title", "date", "tags", "a", "1", "0x", "0b", "_", "+", "-", "3.10", "2023-02-29", "10:00", "yes", ":", ": ",
     "- ", "=", " = ", "[", "]", "{", "}", ",", '"', "'", "\\", "#", "&a ", "*a", "? ", "!!int ", "!!float ",
     "!!bool ", "!!timestamp ", "!!set ", "!!str ", "!!python/none ", "|", ">", "\t", "  ", "\u00e9", "\x00"]
)  # fmt: skip
LINES = st.one_of(FENCE_LINES, st.lists(FRONT_MATTER_BITS, max_size=8).map("".join), st.text(max_size=12))


def check_split(text: str) -> None:
    """split_front_matter gives a mapping and a body that ends the text, or refuses with a line in the file."""
    try:
        meta, body, body_line = frontmatter.split_front_matter(text)
    except Reject as exc:
        assert exc.line is not None
        assert 1 <= exc.line <= text.count("\n") + 2, (exc.line, str(exc))
        return
    assert isinstance(meta, dict)
    assert text.endswith(body)
    assert body_line == text.count("\n", 0, len(text) - len(body)) + 1


@settings(max_examples=1500, deadline=None)
@given(lines=st.lists(LINES, max_size=10), opening=FENCE_LINES, newline=st.sampled_from(["\n", "\r\n"]))
def test_any_text_splits_or_is_refused_with_a_line(lines: list[str], opening: str, newline: str) -> None:
    check_split(newline.join([opening, *lines]))


@settings(max_examples=300, deadline=None)
@given(fence=st.sampled_from([("---", "---"), ("+++", "+++"), ("{", "}")]), head=st.lists(LINES, max_size=8))
def test_closed_front_matter_splits_at_its_fence_or_is_refused_with_a_line(
    fence: tuple[str, str], head: list[str]
) -> None:
    opening, closing = fence
    inner = "\n".join(head)
    # A line that is any fence could close early (JSON closes at a '{' line too): those are split elsewhere.
    assume(not any(line.rstrip(" \t\r") in ("---", "+++", "...", "{", "}") for line in inner.split("\n")))
    text = "\n".join([opening, inner, closing, "Body"])
    check_split(text)
    try:
        _, body, body_line = frontmatter.split_front_matter(text)
    except Reject:
        return
    assert (body, body_line) == ("Body", text.count("\n") + 1)


@pytest.mark.parametrize(
    ("value", "line"),
    [("!!int abc", 4), ("!!int _", 4), ("!!float +", 4), ("!!bool maybe", 4), ("!!timestamp soon", 4),
     ("1" + "0" * 5000, 4)],
)  # fmt: skip
def test_a_value_yaml_cannot_construct_is_refused_with_its_line(
    folder: Path, config: Config, value: str, line: int
) -> None:
    [problem] = read(folder, config, f"---\ntitle: t\ndate: 2024-01-05\nx: {value}\n---\nBody\n").problems
    assert (problem.severity, problem.line) == ("error", line)
    assert problem.message.startswith("front matter is not valid YAML: cannot read '")


@pytest.mark.parametrize(
    "text",
    [
        '+++\ntitle = "t"\ndate = 2024-01-05\nx = 1' + "0" * 5000 + "\n+++\nBody\n",
        '{\n"title": "t",\n"date": "2024-01-05",\n"x": 1' + "0" * 5000 + "\n}\nBody\n",
    ],
)
def test_an_integer_too_long_to_convert_is_refused_not_a_crash(folder: Path, config: Config, text: str) -> None:
    [problem] = read(folder, config, text).problems
    assert problem.severity == "error"
    assert "4300 digits" in problem.message


# One folder and config serve every example: each writes the same file afresh.
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(LINES, max_size=10), opening=FENCE_LINES)
def test_read_post_never_raises_for_any_front_matter(
    folder: Path, config: Config, lines: list[str], opening: str
) -> None:
    """Whatever the splitter lets through, the fields step takes too: a post, a skip, or problems."""
    result = read(folder, config, "\n".join([opening, *lines]).encode("utf-8", "surrogatepass"))
    assert result.post is not None or result.skipped or result.problems
