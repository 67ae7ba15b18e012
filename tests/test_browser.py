"""index.html in a real browser: Debian's chromium, headless, driven by selenium through Debian's chromedriver.

chromedriver and chromium come from the same Debian source package, so their versions always match and
nothing is downloaded: selenium is given both paths and never starts Selenium Manager. The output folder is
served on 127.0.0.1 so the page loads over HTTP as a reader's browser would load it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from urllib.request import ProxyHandler, Request, build_opener

import pytest
from lxml import etree

from feedwright.config import config_from_mapping
from feedwright.engine.build import BuildOptions, run_build

from .conftest import CORPUS, LINUXCN_SITE, NOW, needs_corpus

# The flags a sandboxed CI box needs: no sandbox (root, containers), no GPU, and no background traffic,
# because the only network there is loopback and Chromium's own connections would be refused and retried.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-proxy-server",
    "--window-size=1000,1400",
)
FEED_FILES = ("atom.xml", "rss.xml", "feed.json")
ATOM = "{http://www.w3.org/2005/Atom}"

# Every row the selector finds, as the browser shows it, in one round trip instead of one WebDriver call per
# row: whether it is visible (checkVisibility covers [hidden] and display:none on any ancestor) and its links,
# resolved by the browser to absolute URLs.
ROWS_JS = """
return Array.from(document.querySelectorAll(arguments[0])).map(function (row) {
  var links = Array.from(row.querySelectorAll(".links a[href]")).map(function (a) { return a.href; });
  var page = row.querySelector("a.page");
  return {visible: row.checkVisibility(), links: links, page: page ? page.href : ""};
});
"""


# selenium is imported inside the fixtures and tests, and its objects are typed Any here, so that without it
# this module still imports and its tests skip with a reason instead of failing collection.


def require(reason: str) -> None:
    # CI sets this so a missing browser fails instead of silently skipping the proof.
    if os.environ.get("FEEDWRIGHT_REQUIRE_READERS"):
        pytest.fail(reason)
    pytest.skip(reason)


def chromium_paths() -> tuple[str, str]:
    browser = shutil.which("chromium")
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        require("chromium or chromedriver is not installed (Debian: apt-get install -y chromium chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        require("the selenium Python package is not installed (pip install -e '.[test]')")
    assert browser is not None and driver is not None
    return browser, driver


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The corpus built once for this module, served on 127.0.0.1; yields (output folder, base URL)."""
    needs_corpus()
    chromium_paths()  # skip before the build when there is no browser to show it to
    root = tmp_path_factory.mktemp("browser-site")
    config = config_from_mapping(
        {
            "site": dict(LINUXCN_SITE),
            "posts": str(CORPUS),
            "output": str(root / "out"),
            "split": {"categories": ["硬核观察"]},
        },
        root=root,
    )
    report = run_build(config, BuildOptions(now=NOW))
    assert report.aborted is None, report.aborted
    out = config.output_dir()

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass  # the browser fetches hundreds of files; their log lines would bury pytest's output

    # Port 0: the OS picks a free port, so parallel runs never collide.
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield out, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Start headless chromium with a fresh profile; every browser started is quit when the test ends."""
    browser, driver = chromium_paths()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    started: list[Any] = []

    def start(javascript: bool = True) -> Any:
        options = webdriver.ChromeOptions()
        options.binary_location = browser
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        # A new empty profile each time: no state leaks between tests or from a previous run.
        profile = tmp_path / f"profile-{len(started)}"
        options.add_argument(f"--user-data-dir={profile}")
        if not javascript:
            options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
        # An explicit driver path: selenium then never runs Selenium Manager, which would try to download one.
        service = Service(executable_path=driver, log_output=str(tmp_path / f"chromedriver-{len(started)}.log"))
        session = webdriver.Chrome(options=options, service=service)
        started.append(session)
        session.set_page_load_timeout(30)
        return session

    yield start
    for session in started:
        session.quit()


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    """Where screenshots go: $FEEDWRIGHT_ARTIFACTS (CI keeps that folder) or the test's tmp_path."""
    folder = Path(os.environ.get("FEEDWRIGHT_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(session: Any, folder: Path, name: str) -> Path:
    path = folder / name
    assert session.save_screenshot(str(path)), path
    print(f"\nscreenshot: {path}")
    # Without a CJK font chromium draws the Chinese names as empty boxes; the test still holds, the picture less so.
    fc_list = shutil.which("fc-list")
    if fc_list and not subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True).stdout.strip():
        print("note: no CJK font installed (apt-get install -y fonts-wqy-microhei); Chinese shows as boxes")
    return path


def feed_folders(out: Path, group: str) -> dict[str, str]:
    """{'tags/<key>': display name} for every category or tag feed built; the name is the Atom title's tail."""
    folders: dict[str, str] = {}
    for atom in sorted((out / group).glob("*/atom.xml")):
        title = etree.parse(str(atom)).findtext(f"{ATOM}title") or ""
        folders[f"{group}/{atom.parent.name}"] = title.split(" · ", 1)[-1]
    return folders


def folder_of(link: str, base: str) -> str:
    """'tags/桌面' for http://127.0.0.1:PORT/tags/%E6%A1%8C%E9%9D%A2/atom.xml: the feed folder a link is in."""
    assert link.startswith(base), link
    return unquote(link[len(base) :]).rpartition("/")[0]


def rows(session: Any, selector: str, base: str) -> list[tuple[str, bool, list[str]]]:
    found = session.execute_script(ROWS_JS, selector)
    return [(folder_of(row["links"][0], base) if row["links"] else "", row["visible"], row["links"]) for row in found]


def test_index_lists_every_feed_and_the_filter_narrows_the_list(
    site: tuple[Path, str], chromium: Callable[..., Any], artifacts: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    out, base = site
    session = chromium()
    session.get(base + "index.html")
    assert LINUXCN_SITE["title"] in session.title

    # The site feeds: Atom, RSS and JSON of the whole site and of the articles, all visible, listed first.
    site_rows = rows(session, "#site li", base)
    site_links = {unquote(link[len(base) :]) for _, _, links in site_rows for link in links}
    assert site_links == {f"{prefix}{name}" for prefix in ("", "articles/") for name in FEED_FILES}
    assert all(visible for _, visible, _ in site_rows)

    # One row per category and per tag feed built, each linking to its own three feeds, and nothing else.
    named = {**feed_folders(out, "categories"), **feed_folders(out, "tags")}
    listed = rows(session, "#categories li", base) + rows(session, "#tags li", base)
    tag_rows = [row for row in listed if row[0].startswith("tags/")]
    assert len(tag_rows) == len(feed_folders(out, "tags")), "tag rows differ from the tag feeds built"
    assert sorted(folder for folder, _, _ in listed) == sorted(named)
    for folder, visible, links in listed:
        assert visible, folder
        assert sorted(unquote(link[len(base) :]) for link in links) == sorted(f"{folder}/{n}" for n in FEED_FILES)
    categories = len(listed) - len(tag_rows)
    print(f"index.html lists {len(site_rows)} site rows, {categories} categories, {len(tag_rows)} tags")

    # Every link the browser resolved (percent-encoded Chinese paths included) answers 200 from the server.
    opener = build_opener(ProxyHandler({}))  # no proxy between us and 127.0.0.1
    for link in sorted({link for _, _, links in site_rows + listed for link in links}):
        with opener.open(Request(link, method="HEAD"), timeout=10) as response:
            assert response.status == 200, link

    screenshot(session, artifacts, "index.png")

    # The filter: typing narrows the categories and tags to the rows whose name or key holds the text,
    # case-insensitively, CJK included; erasing it brings every row back.
    box = session.find_element(By.CSS_SELECTOR, "#filter input")
    assert box.is_displayed(), "the filter box stays hidden although JavaScript runs"
    for query in ("pytorch", "LINUX", "桌面"):
        box.send_keys(query)
        wanted = {f for f, name in named.items() if query.lower() in name.lower() or query.lower() in f.split("/")[1]}
        shown = rows(session, "#categories li, #tags li", base)
        visible = {folder for folder, is_visible, _ in shown if is_visible}
        print(f"filter {query!r}: {len(visible)} rows visible: {sorted(visible)}")
        assert wanted, f"the corpus has no tag matching {query!r}; pick another query"
        assert visible == wanted, query
        if query == "LINUX":
            screenshot(session, artifacts, "index-filtered.png")
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(Keys.BACKSPACE)
        assert all(is_visible for _, is_visible, _ in rows(session, "#categories li, #tags li", base)), query


def test_index_without_javascript_shows_every_row_and_no_filter(
    site: tuple[Path, str], chromium: Callable[..., Any]
) -> None:
    from selenium.webdriver.common.by import By

    out, base = site
    session = chromium(javascript=False)
    session.get(base + "index.html")
    # The filter needs JavaScript, so without it the box must not be offered; the list itself still works.
    assert not session.find_element(By.CSS_SELECTOR, "#filter input").is_displayed()
    # WebDriver's own scripts still run; only the page's are blocked, as the hidden filter box above shows.
    listed = rows(session, "#site li, #categories li, #tags li", base)
    assert len(listed) == 2 + len(feed_folders(out, "categories")) + len(feed_folders(out, "tags"))
    assert [folder for folder, visible, links in listed if not visible or len(links) != len(FEED_FILES)] == []


def test_index_fits_a_phone_screen(site: tuple[Path, str], chromium: Callable[..., Any], artifacts: Path) -> None:
    _, base = site
    session = chromium()
    # A phone's viewport (390 CSS px, as on many current phones) with mobile emulation, so the page's
    # <meta name="viewport"> is honoured the way a phone honours it.
    metrics = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
    session.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    session.get(base + "index.html")
    widths = session.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth, window.innerWidth]"
    )
    print(f"phone: scrollWidth, clientWidth, innerWidth = {widths}")
    # No sideways scrolling: nothing on the page is wider than the phone's screen.
    assert widths[0] <= widths[1] <= 390, widths
    screenshot(session, artifacts, "index-phone.png")


def page_colors(session: Any) -> tuple[str, str]:
    return tuple(
        session.execute_script("var s = getComputedStyle(document.body); return [s.color, s.backgroundColor];")
    )


def test_every_index_row_opens_its_feed_page(site: tuple[Path, str], chromium: Callable[..., Any]) -> None:
    _, base = site
    session = chromium()
    session.get(base + "index.html")
    found = session.execute_script(ROWS_JS, "#site li, #categories li, #tags li")
    pages = [row["page"] for row in found]
    assert all(pages) and len(pages) == len(set(pages))
    opener = build_opener(ProxyHandler({}))
    for link in pages:
        with opener.open(Request(link, method="HEAD"), timeout=10) as response:
            assert response.status == 200, link
    # A feed's page names its own feed files, and its breadcrumb leads back.
    tag = next(link for link in pages if "/tags/" in link)
    session.get(tag)
    folder = folder_of(tag, base)
    address = session.execute_script("return document.getElementById('feed-url').value")
    assert unquote(address).endswith(f"{folder}/atom.xml")
    formats = session.execute_script(
        "return Array.from(document.querySelectorAll('.formats a')).map(function (a) { return a.href; })"
    )
    assert sorted(unquote(f[len(base) :]) for f in formats) == sorted(f"{folder}/{n}" for n in FEED_FILES)
    session.execute_script("document.querySelector('.crumbs a').click()")
    assert session.current_url == base + "index.html"


def test_a_feed_page_copies_its_address_and_has_light_and_dark_colours(
    site: tuple[Path, str], chromium: Callable[..., Any], artifacts: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _, base = site
    session = chromium()
    session.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": base.rstrip("/"), "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    session.get(base + "tags/linux/index.html")
    entries = session.find_elements(By.CSS_SELECTOR, "ol.entries li")
    assert entries and entries[0].find_element(By.CSS_SELECTOR, "h3 a").get_attribute("href").startswith("https://")
    button = session.find_element(By.ID, "copy")
    assert button.is_displayed(), "the copy button stays hidden although JavaScript runs"
    button.click()
    WebDriverWait(session, 5).until(lambda s: s.find_element(By.ID, "copy").text == "已复制")
    address = session.find_element(By.ID, "feed-url").get_attribute("value")
    copied = session.execute_async_script(
        "var done = arguments[0]; navigator.clipboard.readText().then(done, function () { done(null); });"
    )
    print(f"clipboard after copy: {copied!r}")
    assert copied in (address, None)  # None: the browser keeps the clipboard from scripts
    light = page_colors(session)
    screenshot(session, artifacts, "feed-page-light.png")
    session.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]}
    )
    dark = page_colors(session)
    print(f"light {light}, dark {dark}")
    assert light != dark
    screenshot(session, artifacts, "feed-page-dark.png")


def test_a_feed_page_without_javascript_shows_the_address_to_select(
    site: tuple[Path, str], chromium: Callable[..., Any]
) -> None:
    from selenium.webdriver.common.by import By

    _, base = site
    session = chromium(javascript=False)
    session.get(base + "feed.html")
    box = session.find_element(By.ID, "feed-url")
    assert box.is_displayed() and box.get_attribute("value") == "https://linux.cn/atom.xml"
    assert not session.find_element(By.ID, "copy").is_displayed()


def test_a_feed_page_fits_a_phone_screen_light_and_dark(
    site: tuple[Path, str], chromium: Callable[..., Any], artifacts: Path
) -> None:
    _, base = site
    session = chromium()
    metrics = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
    session.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    for scheme in ("light", "dark"):
        session.execute_cdp_cmd(
            "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]}
        )
        for page, name in (("feed.html", "site"), ("tags/linux/index.html", "tag")):
            session.get(base + page)
            widths = session.execute_script(
                "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert widths[0] <= widths[1] <= 390, (page, widths)
            screenshot(session, artifacts, f"feed-page-{name}-phone-{scheme}.png")
