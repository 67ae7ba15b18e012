"""plan/feeds.py: every post's index → the feeds that exist and what each holds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from feedwright.config import Config
from feedwright.model import EntryRef, PostIndex
from feedwright.plan.feeds import plan_feeds

DAY = 86400.0
START = 1_700_000_000.0


def ref(n: int, tags: tuple[str, ...] = (), categories: tuple[str, ...] = (), index: int = 0) -> EntryRef:
    published = START + n * DAY
    return EntryRef(f"https://example.org/{n}/{index}", -published, published, tags, categories, index, f"{n}.md", b"")


def article(n: int, tags: tuple[str, ...] = (), categories: tuple[str, ...] = ()) -> PostIndex:
    entry = ref(n, tags, categories)
    return PostIndex(f"{n}.md", (), None, entry, (entry,))


def digest(n: int, item_tags: list[tuple[str, ...]]) -> PostIndex:
    items = tuple(ref(n, tags, ("硬核观察",), i) for i, tags in enumerate(item_tags, 1))
    return PostIndex(f"{n}.md", (), None, ref(n, tuple({t for ts in item_tags for t in ts}), ("硬核观察",)), items)


def by_path(specs: list) -> dict[str, object]:
    return {spec.path: spec for spec in specs}


def test_the_site_the_articles_each_category_and_each_tag_in_that_order(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    config = make_config(tmp_path)
    specs = plan_feeds([article(1, ("Linux", "Python"), ("技术",)), digest(2, [("AI",), ("Linux",)])], config)
    assert [s.path for s in specs] == [
        "",
        "articles",
        "categories/技术",
        "categories/硬核观察",
        "tags/ai",
        "tags/linux",
        "tags/python",
    ]
    found = by_path(specs)
    # The site feed holds news items, the articles feed whole posts.
    assert [e.index for e in found[""].entries] == [1, 2, 0]  # type: ignore[attr-defined]
    assert [e.index for e in found["articles"].entries] == [0, 0]  # type: ignore[attr-defined]
    assert [e.path for e in found["tags/linux"].entries] == ["2.md", "1.md"]  # type: ignore[attr-defined]


def test_a_tags_spellings_share_one_feed_named_by_the_most_used(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    config = make_config(tmp_path)
    specs = plan_feeds([article(1, ("linux",)), article(2, ("Linux",)), article(3, ("Linux",))], config)
    linux = by_path(specs)["tags/linux"]
    assert linux.name == "Linux" and linux.total == 3  # type: ignore[attr-defined]
    assert linux.title.endswith("· Linux")  # type: ignore[attr-defined]


def test_limits_cut_each_kind_and_totals_count_everything(make_config: Callable[..., Config], tmp_path: Path) -> None:
    config = make_config(tmp_path, limits={"site": 3, "articles": 2, "tag": 1})
    specs = by_path(plan_feeds([article(n, ("t",)) for n in range(10)], config))
    assert [len(specs[p].entries) for p in ("", "articles", "tags/t")] == [3, 2, 1]  # type: ignore[attr-defined]
    assert specs["tags/t"].total == 10  # type: ignore[attr-defined]
    assert specs["tags/t"].entries[0].path == "9.md"  # type: ignore[attr-defined]


def test_two_entries_with_one_id_are_one_entry(make_config: Callable[..., Config], tmp_path: Path) -> None:
    config = make_config(tmp_path)
    twice = article(1)
    specs = by_path(plan_feeds([twice, twice], config))
    assert len(specs[""].entries) == 1  # type: ignore[attr-defined]


def test_archives_chain_month_by_month(make_config: Callable[..., Config], tmp_path: Path) -> None:
    config = make_config(tmp_path, archive=True)
    specs = plan_feeds([article(0), article(40), article(80)], config)
    archives = [s for s in specs if s.kind == "archive"]
    assert len(archives) == 3
    assert dict(archives[0].links).get("next-archive") == archives[1].path
    assert dict(archives[2].links).get("prev-archive") == archives[1].path
    assert dict(specs[0].links)["prev-archive"] == archives[-1].path


@given(
    st.lists(st.tuples(st.integers(0, 60), st.lists(st.sampled_from(["a", "B", "b", "中文"]), max_size=3)), max_size=15)
)
def test_every_feed_is_newest_first_and_never_repeats_an_id(posts: list[tuple[int, list[str]]]) -> None:
    from feedwright.config import config_from_mapping

    config = config_from_mapping({"site": {"title": "T", "base_url": "https://example.org/"}})
    specs = plan_feeds([article(n, tuple(tags)) for n, tags in posts], config)
    for spec in specs:
        keys = [e.sort_key for e in spec.entries]
        assert keys == sorted(keys)
        assert len({e.id for e in spec.entries}) == len(spec.entries)
    assert len({s.path for s in specs}) == len(specs)
