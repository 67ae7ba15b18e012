"""The digest splitter: a 硬核观察-style digest → one Entry per news item.

The expectations below were written by reading the digests' Markdown, not by running
the splitter. Tests that need the real corpus beside the repo skip when it is absent.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedwright.config import Config, SplitConfig, config_from_mapping
from feedwright.markup import MarkdownRenderer, to_html
from feedwright.model import Author, Entry, Post
from feedwright.read import read_post
from feedwright.split.article import split_post
from feedwright.split.digest import split_digest
from feedwright.split.summary import html_to_text

SHARED = Path(__file__).resolve().parents[2] / "shared"
CONTENT = SHARED / "corpus" / "linuxcn" / "content"
SEED = SHARED / "seed" / "000_df3083a5bd741254.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "digests"
NOW = datetime(2030, 1, 1, tzinfo=UTC)
SITE = "https://linux.cn"
ALBUM = f"{SITE}/data/attachment/album"

# Every digest of the corpus → the news items a reader counts in it. The three
# digests with 4 hold three news items plus a trailing "### 回音" follow-up section,
# which counts as an item of its own.
ITEM_COUNTS: dict[str, int] = {
    "13201": 3, "13207": 3, "13211": 3, "13214": 3, "13217": 3, "13220": 3,
    "13306": 3, "13309": 3, "13380": 3, "13453": 3, "13458": 3, "13574": 3,
    "13577": 3, "13580": 3, "13583": 3, "13586": 3, "13663": 3, "13751": 3,
    "13757": 3, "13862": 3, "13955": 3, "14043": 3, "14049": 3, "14052": 3,
    "14173": 3, "14179": 3, "14182": 3, "14185": 3, "14188": 3, "14191": 3,
    "14266": 3, "14272": 3, "14275": 3, "14345": 3, "14351": 3, "14460": 3,
    "14680": 3, "14796": 3, "14937": 3, "14940": 3,
    "15034": 4,  # + 回音
    "15118": 3, "15122": 3, "15314": 3, "15317": 3, "15320": 3, "15441": 3,
    "15444": 3, "15447": 3, "15553": 3, "15644": 3, "15650": 3, "15734": 3,
    "15737": 3, "15740": 3, "15848": 3, "15851": 3, "15854": 3, "15857": 3,
    "15923": 3, "16018": 3, "16024": 3, "16027": 3, "16118": 3, "16121": 3,
    "16209": 3,
    "16213": 4,  # + 回音
    "16216": 4,  # + 回音
    "16305": 3, "16308": 3, "16589": 3, "16601": 3,
}  # fmt: skip


@dataclass(frozen=True)
class Expected:
    """What a reader sees in a digest: every title, and item 1's picture and sources."""

    titles: tuple[str, ...]
    image: str
    related: tuple[str, ...]
    images: tuple[str | None, ...] = ()  # every item's picture, when checked


# 2021 digests have no 消息来源 line: their related links are the links written in the
# item's text (see the splitter's _related), so item 1's inline links are listed.
SAMPLES: dict[str, Expected] = {
    "13201": Expected(
        ("美国佛州一女子在海滩上遛波士顿动力开发的机器狗", "比特币触及 6 万美元关口再创新高",
         "Linux 内核发现三个从 2006 就存在的本地提权漏洞"),
        f"{ALBUM}/202103/14/064138sv0a0s0rl1tnabr5.jpg",
        (),
    ),
    "13207": Expected(
        ("以太坊矿工强烈反对变革，威胁发动 51% 攻击", "比特币是过去 10 年中表现最好的资产",
         "SUSE 准备进行规模高达数十亿欧元的 IPO"),
        f"{ALBUM}/202103/16/092147tbefjembo0iwtf5p.png",
        ("https://stopeip1559.org/",
         "https://our.status.im/vitalik-escalates-eth-2-0-merge-as-miners-plan-a-51-attack/"),
    ),
    "13211": Expected(
        ("玩家解决了游戏中的垃圾代码，《GTA Online》奖励了玩家 1 万美元", "NVIDIA 承认不小心移除了 RTX 3060 挖矿限制",
         "谷歌的 Chrome 隐私沙箱功能被指责"),
        f"{ALBUM}/202103/17/123405b1z03o2r0d56xodl.jpg",
        (),
    ),
    "13309": Expected(
        ("Linus Torvalds 青睐 Rust，并称 C++ 是“一门垃圾语言”", "微软正在统一所有平台的 Edge 代码库",
         "FTP 协议诞生五十周年"),
        f"{ALBUM}/202104/18/184432z0g11sffq9p10nes.jpg",
        ("https://security.googleblog.com/2021/04/rust-in-linux-kernel.html",
         "https://itwire.com/open-source/rust-support-in-linux-may-be-possible-by-5-14-release-torvalds.html"),
    ),
    "13380": Expected(
        ("OpenSolaris 衍生品 Illumos 放弃对 SPARC 硬件的支持", "去年 Namecheap 托管了 1/4 的假冒英国政府的钓鱼网站",
         "DragonFlyBSD 6.0 发布"),
        f"{ALBUM}/202105/11/113838rx2nxzkzppfqp7zr.jpg",
        ("https://illumos.org/", "https://github.com/illumos/ipd/blob/master/ipd/0019/README.md"),
    ),
    "13453": Expected(
        ("演示 IBM 中文打字机的女打字员", "GCC 9.4 发布，不再强制要求代码贡献版权转让给 FSF",
         "俄罗斯地下论坛推出加密货币和 NFT 黑客竞赛活动"),
        f"{ALBUM}/202106/02/234417art8meuiwkrwutrm.jpg",
        ("https://zh.wikipedia.org/wiki/%E4%B8%AD%E6%96%87%E6%89%93%E5%AD%97%E6%A9%9F",
         "https://www.fastcompany.com/90635203/ibm-chinese-typewriter-lois-lew"),
    ),
    "13586": Expected(
        ("外媒称，中国在全球量子竞赛中处于领先地位", "Valve 宣布 Linux 掌机 Steam Deck",
         "美国政府悬赏 1000 万美元寻找国家支持的黑客"),
        f"{ALBUM}/202107/16/150403lhozclhhdvh7lssw.jpg",
        ("https://arxiv.org/abs/2106.15545", "https://arxiv.org/abs/2106.15534", "https://arxiv.org/abs/2106.14734",
         "https://www.scientificamerican.com/article/china-is-pulling-ahead-in-global-quantum-race-new-studies-suggest/"),
    ),
    # Item 1 carries a second picture further down; pictures come after the headings.
    "13663": Expected(
        ("小米成为世界头号手机品牌，超过三星、苹果", "Chrome 将禁用跨源框架内的 alert() 和 confirm()",
         "使用由三个随机单词组成的密码的原因"),
        f"{ALBUM}/202108/09/183437jfklr9r4rq5q9sqa.jpg",
        ("https://www.counterpointresearch.com/xiaomi-becomes-1-smartphone-brand-globally-first-time-ever/",),
        (f"{ALBUM}/202108/09/183437jfklr9r4rq5q9sqa.jpg", f"{ALBUM}/202108/09/183459pj0wzesf1e1scala.jpg",
         f"{ALBUM}/202108/09/183511v84g8z3mem2wqgqf.jpg"),
    ),
    "13757": Expected(
        ("Sci-Hub 诞生十周年，将恢复上传新论文", "Linux 5.15 将默认将所有警告都视作编译错误",
         "谷歌时钟闹钟因 Bug 未能响起致人失业"),
        f"{ALBUM}/202109/06/165331gogk7rhvdlgr7akm.jpg",
        ("https://twitter.com/ringo_ring/status/1434356217208623106",
         "https://www.reddit.com/r/DataHoarder/comments/nc27fv/rescue_mission_for_scihub_and_open_science_we_are/"),
    ),
    "13862": Expected(
        ("乔布斯曾试图让戴尔 PC 预装 MacOS", "Asahi Linux 已可以在 M1 Mac 上作为一个基本的 Linux 桌面使用",
         "微软称俄罗斯支持了 58% 的国家黑客"),
        f"{ALBUM}/202110/08/155924cek2s2e5ws2ef6vw.jpg",
        ("https://www.cnet.com/tech/computing/the-steve-jobs-deal-with-dell-that-could-have-changed-apple-and-tech-history/",),
    ),
    "14052": Expected(
        ("红帽称 CentOS Stream 9 基本像 RHEL 一样稳定", "JetBrains 发布 Fleet IDE", "华为称鸿蒙系统明年登陆欧洲"),
        f"{ALBUM}/202112/05/204149mrzz9gccixb1tjgj.jpg",
        ("https://blog.centos.org/2021/12/introducing-centos-stream-9/",),
    ),
    # From here on, pictures stand just before the headings; item 1's follows the header.
    "14173": Expected(
        ("佳能指导用户绕过其识别原装耗材的硬件 DRM", "印度黑客组织的恶意程序感染了自己",
         "感染勒索软件后，连锁酒店改用 Chrome OS 操作系统"),
        f"{ALBUM}/202201/12/204740xml68ie2ml5gx65l.jpg",
        ("https://arstechnica.com/tech-policy/2022/01/chip-shortage-has-canon-telling-customers-how-to-skirt-its-printer-toner-drm/",),
        (f"{ALBUM}/202201/12/204740xml68ie2ml5gx65l.jpg", f"{ALBUM}/202201/12/204754ifun3urett3tkt7j.jpg",
         f"{ALBUM}/202201/12/204819fuunwgwgyg6ugjmn.jpg"),
    ),
    "14182": Expected(
        ("24 小时自毁网站已经运行了近两年", "Ubuntu 22.04 LTS 计划坚守 Linux 内核 5.15",
         "PCIe 6.0 规范发布，但 PCIe 4.0 才只有 10% 的份额"),
        f"{ALBUM}/202201/15/124507mmr68b2vrlbyf1lb.png",
        ("https://www.thiswebsitewillselfdestruct.com/",),
    ),
    "14351": Expected(
        ("中国的百亿亿级超算运行“大脑规模”的 AI", "BAT 共同创建新视频流标准", "a.out 二进制格式迈出彻底废弃的最后一步"),
        f"{ALBUM}/202203/12/144841v8j79l955jjdkpb6.jpg",
        ("https://www.theregister.com/2022/03/11/china_exascale_sunway_ai/",),
    ),
    "14460": Expected(
        ("OpenSSH 9.0 发布，以应对未来的量子计算机",
         "Reiser5 宣布新的开发计划",
         "Google 将 AI 自动生成的内容视为垃圾内容"),
        f"{ALBUM}/202204/11/190412c194x1d84rn2rfr2.jpg",
        ("https://www.phoronix.com/scan.php?page=news_item&px=OpenSSH-9.0-Released",),
    ),
    # The source label sits inside the link text: > **[消息来源：apnews](url)**
    "14680": Expected(
        ("AI 机器船“五月花”号航行五周后到达了北美",
         "谷歌研究在 Chromium 上安全使用 C++",
         "让区块链管理能源使其不再浪费能源"),
        f"{ALBUM}/202206/06/165651ma59sww9ta59w7gt.jpg",
        ("https://apnews.com/article/technology-north-america-atlantic-ocean-robotics-36357894ef5b4a346346a2d53a6f4cf3",),
    ),
    "14940": Expected(
        ("无处不在的 DOOM，这次是拖拉机",
         "中国主要互联网公司向网信办备案算法",
         "微软为 Ubuntu 22.04 LTS 提供原生 .NET 6 支持"),
        f"{ALBUM}/202208/17/190503juxpyue1rfq8t8xq.jpg",
        ("https://www.wired.com/story/john-deere-tractor-jailbreak-defcon-2022/",),
    ),
    "15034": Expected(
        ("DeepMind 研究员论文称 AI 将消灭人类", "AI 机器人在论坛模仿发帖，导致用户互相指责对方是机器人",
         "微软 Teams 以明文方式存储授权令牌", "回音：硬核观察 #760 DeepMind 研究员论文称 AI 将消灭人类"),
        f"{ALBUM}/202209/15/131927noapjjloz5g7h7gr.jpg",
        ("https://www.vice.com/en/article/93aqep/google-deepmind-researcher-co-authors-paper-saying-ai-will-eliminate-humanity",),
        (f"{ALBUM}/202209/15/131927noapjjloz5g7h7gr.jpg", f"{ALBUM}/202209/15/131940drinexirpdowwb7e.jpg",
         f"{ALBUM}/202209/15/132000gkhioooa33ii5odz.jpg", None),
    ),
    "15314": Expected(
        ("Steam Linux 市场份额达到新高 1.44%",
         "IBM 和马士基放弃运作了五年的航运联盟链",
         "多个安卓 OEM 厂商证书被用于签名恶意程序"),
        f"{ALBUM}/202212/03/163148f9jj9oyz7j9sn2ts.jpg",
        ("https://www.phoronix.com/news/Steam-November-2022",),
    ),
    "15441": Expected(
        ("数据库损坏导致全美停飞航班",
         "因员工监控软件显示摸鱼，被勒令向公司返回工资",
         "谷歌将在 Chrome 开发中使用 Rust"),
        f"{ALBUM}/202301/13/182843gsecezicasj0gzmo.jpg",
        ("https://edition.cnn.com/travel/article/faa-ground-stop-causes/index.html",),
    ),
    # Item 1 has a second picture (a GIF) inside its text.
    "15447": Expected(
        ("Copilot 添加 Photoshop 式的代码“笔刷”",
         "Ubuntu 的实时内核接近普遍可用状态",
         "大量第三方 Twitter 应用停止工作"),
        f"{ALBUM}/202301/15/191708eppb1zxge4prfj8h.jpg",
        ("https://githubnext.com/projects/code-brushes",),
        (f"{ALBUM}/202301/15/191708eppb1zxge4prfj8h.jpg", f"{ALBUM}/202301/15/191718y43v908uv46zcc2z.jpg",
         f"{ALBUM}/202301/15/191731zu7atc037zctytfp.jpg"),
    ),
    "15553": Expected(
        ("ChromeOS 现在运行在 Linux 和 Zephyr 之上",
         "GoDaddy 遭到了持续多年的入侵",
         "谷歌向苹果提供上百亿的 Chrome iOS 搜索收入分成"),
        f"{ALBUM}/202302/18/184332s66qggkt766vvv75.jpg",
        ("https://www.theregister.com/2023/02/14/chromeos_opinion_column",),
    ),
    # Item 1 also links a Slashdot story in its text; only the 消息来源 line counts.
    "15644": Expected(
        ("Mastodon 用户数突破一千万", "Web3 基础设施基金会于香港成立", "AWS 发布 Amazon Linux 2023"),
        f"{ALBUM}/202303/20/193928sxgo99hxg9ddex9d.jpg",
        ("https://mastodon.social/@mastodonusercount/110051957865629817",),
    ),
    "15848": Expected(
        ("微软总裁希望控制 AI 以免被俄罗斯、中国等利用",
         "IBM 计划建立一个 10 万量子比特的量子计算机",
         "谷歌搜索开始推出 ChatGPT 式的结果"),
        f"{ALBUM}/202305/26/194343jssx8ukkusgm5m07.jpg",
        ("https://www.reuters.com/technology/microsoft-chief-calls-humans-rule-ai-safeguard-critical-infrastructure-2023-05-25/",),
    ),
    "16018": Expected(
        ("现存最古老的发行版 Slackware 已经 30 岁了", "黑客之王凯文·米特尼克去世", "苹果正在开发自己的人工智能大模型"),
        f"{ALBUM}/202307/20/201544riwd6ztqdn6w6d81.jpg",
        ("https://www.theregister.com/2023/07/20/slackware_turns_30/",),
    ),
    "16213": Expected(
        ("大模型“深吸一口气”后会更聪明", "亚马逊将为 Alexa 添加人工智能", "统一加速基金会成立，英伟达缺席",
         "回音：硬核观察 #1131 大模型“深吸一口气”后会更聪明"),
        f"{ALBUM}/202309/21/163102x7dat5fgo7tfzxwe.jpg",
        ("https://arstechnica.com/?p=1969012",),
    ),
    "16216": Expected(
        ("OpenAI 宣布 DALL-E 3，让提示工程过时",
         "谷歌用 “iPager” 广告嘲讽苹果",
         "苹果和谷歌不完全披露的 libwebp 漏洞造成大麻烦",
         "回音：硬核观察 #1132 OpenAI 宣布 DALL-E 3，让提示工程过时"),
        f"{ALBUM}/202309/22/183518opn4nq64zadz66dd.jpg",
        ("https://arstechnica.com/information-technology/2023/09/openai-announces-dall-e-3-a-next-gen-ai-image-generator-based-on-chatgpt/",),
    ),
    "16305": Expected(
        ("IBM 研发出了一种突破冯·诺依曼瓶颈的计算机芯片",
         "英伟达发布可训练机器人的人工智能代理",
         "Telegram 仍在向联系人泄露用户 IP 地址"),
        f"{ALBUM}/202310/21/070839o4r223o8j88l5tut.jpg",
        ("https://www.nature.com/articles/d41586-023-03267-0",),
    ),
    # "### #1 title" headings, .png pictures and italic credit lines.
    "16589": Expected(
        ("苹果公司将允许第三方浏览器引擎，但 Firefox 非常失望", "红帽将修改其云计算 RHEL 定价",
         "Linux 应用商店 Flathub 现在拥有超过一百万活跃用户"),
        f"{ALBUM}/202401/27/152714x70s50em067rm5m0.png",
        ("https://www.theverge.com/2024/1/26/24052067/mozilla-apple-ios-browser-rules-firefox",),
        (f"{ALBUM}/202401/27/152714x70s50em067rm5m0.png", f"{ALBUM}/202401/27/152645g89z185oe9wwb51a.png",
         f"{ALBUM}/202401/27/152828yov5z05242lpm928.png"),
    ),
    "16601": Expected(
        ("德国铁路公司招聘 Windows for Workgroups 3.11 管理员", "带弹幕的盗版《武林外传》视频被上传到 NPM",
         "由于法律原因，连 CentOS SIG 都无法为 RHEL 制作软件包"),
        f"{ALBUM}/202401/31/165231hw1v7zdq72vv7z1t.png",
        ("https://www.tomshardware.com/software/windows/ms-dos-and-windows-311-still-run-train-dashboards-at-german-railway-company-listed-admin-job-for-30-year-old-operating-system",),
    ),
}  # fmt: skip


# ---------------------------------------------------------------- helpers


def linuxcn_config(**split: object) -> Config:
    return config_from_mapping(
        {
            "site": {"title": "Linux 中国", "base_url": "https://linux.cn/", "timezone": "Asia/Shanghai"},
            "split": {"categories": ["硬核观察"], **split},
        }
    )


Loaded = tuple[Post, str]


def load(path: Path, config: Config) -> Loaded:
    result = read_post(path, config, NOW)
    assert result.post is not None, result.problems
    return result.post, to_html(MarkdownRenderer(), result.post.body, result.post.permalink, config.sanitize)


def rerender(post: Post, body: str, config: Config) -> Loaded:
    edited = replace(post, body=body)
    return edited, to_html(MarkdownRenderer(), body, edited.permalink, config.sanitize)


def split(loaded: Loaded, config: Config) -> list[Entry]:
    entries, problems = split_digest(loaded[0], loaded[1], config.split)
    assert problems == []
    return entries


@pytest.fixture(scope="module")
def config() -> Config:
    return linuxcn_config()


@pytest.fixture(scope="module")
def corpus(config: Config) -> Callable[[str], Loaded]:
    """A digest of the corpus by id, read once per module."""
    if not CONTENT.is_dir():
        pytest.skip(f"the corpus is not beside the repo ({CONTENT} is absent)")
    cache: dict[str, Loaded] = {}

    def get(file_id: str) -> Loaded:
        if file_id not in cache:
            found = sorted(CONTENT.glob(f"*/*/{file_id}.md"))
            assert found, f"{file_id}.md is not in the corpus"
            cache[file_id] = load(found[0], config)
        return cache[file_id]

    return get


@pytest.fixture(scope="module")
def seed(config: Config) -> Loaded:
    if not SEED.is_file():
        pytest.skip(f"the seed digest #884 is not beside the repo ({SEED} is absent)")
    return load(SEED, config)


@pytest.fixture(scope="module")
def weekly(config: Config) -> Loaded:
    return load(FIXTURES / "weekly.md", config)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ---------------------------------------------------------------- the corpus, item by item


def test_the_table_names_every_digest_of_the_corpus(config: Config) -> None:
    if not CONTENT.is_dir():
        pytest.skip(f"the corpus is not beside the repo ({CONTENT} is absent)")
    digests = set()
    for path in CONTENT.rglob("*.md"):
        post = read_post(path, config, NOW).post
        if post is not None and "硬核观察" in post.categories:
            digests.add(path.stem)
    assert digests == set(ITEM_COUNTS)


@pytest.mark.parametrize(("file_id", "count"), sorted(ITEM_COUNTS.items()))
def test_item_count_matches_a_reader(corpus: Callable[[str], Loaded], config: Config, file_id: str, count: int) -> None:
    assert len(split(corpus(file_id), config)) == count


@pytest.mark.parametrize("file_id", sorted(SAMPLES))
def test_titles_pictures_and_sources(corpus: Callable[[str], Loaded], config: Config, file_id: str) -> None:
    expected = SAMPLES[file_id]
    entries = split(corpus(file_id), config)
    assert tuple(e.title for e in entries) == expected.titles
    assert entries[0].image == expected.image
    assert entries[0].related == expected.related
    if expected.images:
        assert tuple(e.image for e in entries) == expected.images


@pytest.mark.parametrize("file_id", sorted(ITEM_COUNTS))
def test_every_digest_keeps_what_readers_depend_on(
    corpus: Callable[[str], Loaded], config: Config, file_id: str
) -> None:
    post, html = corpus(file_id)
    entries = split((post, html), config)
    assert [e.index for e in entries] == list(range(1, len(entries) + 1))
    assert len({e.id for e in entries}) == len(entries)
    assert all(a.published > b.published and a.updated > b.updated for a, b in pairwise(entries))
    assert entries[0].published == post.published
    for entry in entries:
        assert entry.id.startswith(f"{post.id}#")
        assert entry.link.startswith(f"{post.permalink}#")
        # The fragment is percent-encoded (feeds carry URIs); a browser decodes it to find the heading's id.
        assert f'id="{unquote(entry.link.split("#", 1)[1])}"' in html
        assert entry.post_id == post.id and entry.source == post.rel_path
        assert entry.authors == post.authors and entry.categories == post.categories
        assert entry.image != post.image
        assert post.image is not None and post.image not in entry.content_html
        assert entry.title and entry.summary and entry.content_html
        assert "<h3" not in entry.content_html
        assert not entry.summary.startswith(("消息来源", "（插图"))
        assert all(url.startswith(("http://", "https://")) for url in entry.related)
        assert len(set(entry.related)) == len(entry.related)
        if not entry.title.startswith("回音："):
            assert entry.image is not None
    # A tag goes to the items that name it, or to all when none does; none is lost.
    assert {t for e in entries for t in e.tags} == set(post.tags)


@pytest.mark.parametrize("file_id", [f for f in sorted(ITEM_COUNTS) if f >= "14680"])
def test_from_mid_2022_every_news_item_has_a_source_line(
    corpus: Callable[[str], Loaded], config: Config, file_id: str
) -> None:
    for entry in split(corpus(file_id), config):
        if not entry.title.startswith("回音："):
            assert len(entry.related) == 1, entry.title


def test_follow_up_section_is_its_own_item(corpus: Callable[[str], Loaded], config: Config) -> None:
    post, html = corpus("16216")
    last = split((post, html), config)[-1]
    assert last.title == f"回音：{post.title}"
    assert last.image is None
    assert last.related == (
        "https://linux.cn/article-16194-1.html",
        "https://apnews.com/article/vegas-mgm-resorts-caesars-cyberattack-shutdown-a01b9a2606e58e702b8e872e979040cc",
    )
    assert last.summary.startswith("米高梅酒店 的计算机系统在 10 天后")
    assert "老王点评" not in last.content_html and "<li>" in last.content_html
    assert last.link == f"{post.permalink}#%E5%9B%9E%E9%9F%B3"  # "#回音", percent-encoded


def test_item_keeps_its_second_picture_and_its_comment(corpus: Callable[[str], Loaded], config: Config) -> None:
    first = split(corpus("15447"), config)[0]
    assert "192126en0uau64a6t0u6xr.gif" in first.content_html
    assert "老王点评：我有个脑洞啊" in first.content_html
    second_2021 = split(corpus("13663"), config)[0]
    assert "183644iekzvki3vtj0lnny.png" in second_2021.content_html


def test_credit_line_stays_in_content_but_not_in_summary(corpus: Callable[[str], Loaded], config: Config) -> None:
    first = split(corpus("16589"), config)[0]
    assert "（插图：DA/2876d0b4-cb70-405e-bad6-513f43933093）" in first.content_html
    assert first.summary.startswith("在 iOS 17.4 中，苹果将不再强制欧盟国家的浏览器使用 WebKit。")


# ---------------------------------------------------------------- the seed digest #884


def test_seed_digest(seed: Loaded, config: Config) -> None:
    post, _ = seed
    entries = split(seed, config)
    assert [e.title for e in entries] == [
        "PyTorch 和 Triton 正在打破英伟达 CUDA 的垄断",
        "Basecamp 因巨额账单退出云计算",
        "使用了 25 年的笔记本内存规范 SO-DIMM 将被替换",
    ]
    assert [e.tags for e in entries] == [("PyTorch",), ("云计算",), ("内存",)]
    assert [e.related for e in entries] == [
        ("https://www.semianalysis.com/p/nvidiaopenaitritonpytorch",),
        ("https://www.theregister.com/2023/01/16/basecamp_37signals_cloud_bill/",),
        ("https://www.pcworld.com/article/1473126/camm-the-future-of-laptop-memory-has-arrived.html",),
    ]
    assert [e.image for e in entries] == [
        f"{ALBUM}/202301/17/185342wwz9s3s026gh2shz.jpg",
        f"{ALBUM}/202301/17/185359qih1na3cia5041x4.jpg",
        f"{ALBUM}/202301/17/185407tzpfvicfpq7nhedd.jpg",
    ]
    # Header and item 1's picture share one paragraph; only item 1's goes with it.
    assert "185333p3tr2rdaykykx3hn" not in entries[0].content_html
    assert entries[0].content_html.startswith(
        '<p><img alt="" src="https://linux.cn/data/attachment/album/202301/17/185342'
    )
    assert entries[0].summary.startswith("目前，大多数机器学习软件开发框架严重依赖于英伟达 CUDA")
    assert "老王点评" in entries[2].content_html and "<hr" not in entries[2].content_html
    assert [e.published for e in entries] == [
        post.published,
        post.published.replace(second=post.published.second - 1),
        post.published.replace(second=post.published.second - 2),
    ]


def test_seed_ids_survive_edits_to_the_text(seed: Loaded, config: Config) -> None:
    post, _ = seed
    before = split(seed, config)
    body = post.body.replace("这种垄断地位正在逐渐瓦解。", "这种垄断地位正在迅速瓦解。").replace(
        "Basecamp 的 CTO", "Basecamp 公司的 CTO"
    )
    assert body != post.body
    after = split(rerender(post, body, config), config)
    assert [e.id for e in after] == [e.id for e in before]
    assert after[0].content_html != before[0].content_html


# ---------------------------------------------------------------- a digest made for these tests


def test_fixture_digest(weekly: Loaded, config: Config) -> None:
    post, _ = weekly
    entries = split(weekly, config)
    assert [e.title for e in entries] == [
        "Linux 6.8 released with a new scheduler",
        "Firefox drops an old API",
        "A printer that needs an account",
        f"回音：{post.title}",
    ]
    assert [e.image for e in entries] == [
        "https://linux.cn/img/kernel.png",
        "https://linux.cn/img/firefox.png",
        "https://linux.cn/img/printer.png",
        None,
    ]
    # "Source:" in bold, "via:" inside a quoted link, "消息来源：" quoted: deduplicated, in order.
    assert [e.related for e in entries] == [
        ("https://lkml.org/lkml/2024/3/1", "https://lwn.net/Articles/1/"),
        ("https://blog.mozilla.org/post",),
        ("https://www.theregister.com/printer",),
        ("https://example.org/old-story",),
    ]
    # 'AI' is named by item 3 only: 'OpenAI' in item 2 is another word.
    assert [e.tags for e in entries] == [("Linux",), ("Firefox",), ("AI", "printer"), ()]
    assert (
        entries[0].summary == "Linus Torvalds released Linux 6.8 on Sunday. The new scheduler is the headline feature."
    )
    # The intro and the closing words after the rule belong to the digest, not to an item.
    text = " ".join(e.content_html for e in entries)
    assert "Welcome to this week" not in text and "See you next Saturday" not in text
    assert "header.jpg" not in text


@pytest.mark.parametrize("heading", ["回音", "一句话回音", "回音："])
def test_follow_up_headings_name_their_digest(weekly: Loaded, config: Config, heading: str) -> None:
    post, _ = weekly
    entries = split(rerender(post, post.body.replace("### 回音", f"### {heading}"), config), config)
    assert entries[-1].title == f"{heading.rstrip('：')}：{post.title}"
    assert entries[-1].summary == "Last week's story got an update."


def test_closing_words_without_a_rule_stay_out_of_the_last_item(weekly: Loaded, config: Config) -> None:
    post, _ = weekly
    body = post.body.replace("\n---\n", "\n")
    entries = split(rerender(post, body, config), config)
    assert len(entries) == 4
    assert "See you next Saturday" not in " ".join(e.content_html for e in entries)
    # Without the follow-up section, the words follow the last news item's comment.
    body = body.replace("### 回音\n\n* Last week's [story](https://example.org/old-story) got an update.\n", "")
    entries = split(rerender(post, body, config), config)
    assert len(entries) == 3
    assert "Unlabeled comment here." in entries[-1].content_html
    assert "See you next Saturday" not in entries[-1].content_html


def test_ids_survive_edits_and_stay_unique(weekly: Loaded, config: Config) -> None:
    post, _ = weekly
    before = split(weekly, config)
    body = post.body.replace("A good release.", "A very good release, with a long comment.")
    after = split(rerender(post, body, config), config)
    assert [e.id for e in after] == [e.id for e in before]
    twice = post.body.replace("### ❷ Firefox drops an old API", "### Linux 6.8 released with a new scheduler")
    twice = twice.replace("### 1. Linux 6.8", "### Linux 6.8")
    entries = split(rerender(post, twice, config), config)
    assert entries[0].title == entries[1].title
    assert len({e.id for e in entries}) == len(entries)
    assert len({e.link for e in entries}) == len(entries)


def test_heading_level_and_labels_come_from_the_config(weekly: Loaded) -> None:
    post, _ = weekly
    config = linuxcn_config(heading_level=2, source_labels=["Quelle"], followup_headings=["Nachtrag"])
    body = post.body.replace("### ", "## ").replace("**Source:**", "**Quelle:**").replace("## 回音", "## Nachtrag")
    post2, html = rerender(post, body, config)
    entries = split((post2, html), config)
    assert [e.title for e in entries][-1] == f"Nachtrag：{post.title}"
    assert entries[0].related == ("https://lkml.org/lkml/2024/3/1", "https://lwn.net/Articles/1/")
    # 'via' is no longer a label, so item 2 falls back to the links in its text.
    assert entries[1].related == ("https://blog.mozilla.org/post",)


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("❶ 苹果发布新品", "苹果发布新品"),
        ("#2 红帽修改定价", "红帽修改定价"),
        ("No.3 A printer", "A printer"),
        ("4. Four", "Four"),
        ("5、五", "五"),
        ("(6) Six", "Six"),
        ("5.15 内核发布", "5.15 内核发布"),
        ("2046 年的计算机", "2046 年的计算机"),
        ("24 小时自毁网站", "24 小时自毁网站"),
        ("C# 12 发布", "C# 12 发布"),
        ("**粗体** 标题", "粗体 标题"),
    ],
)
def test_title_loses_numbering_marks_only(config: Config, heading: str, title: str) -> None:
    post = make_post(f"### {heading}\n\nSome news text.\n\n### Other\n\nMore news text.")
    entries = split((post, html_of(post, config)), config)
    assert entries[0].title == title


# ---------------------------------------------------------------- split_post: when to split at all


def test_an_article_is_not_split(corpus: Callable[[str], Loaded], config: Config) -> None:
    post, html = corpus("5683")  # 系统运维, nine ### headings
    assert "硬核观察" not in post.categories
    result = split_post(post, html, config)
    assert result.items == (result.article,)
    assert result.problems == ()


def test_split_false_keeps_a_digest_whole(tmp_path: Path, config: Config) -> None:
    text = (FIXTURES / "weekly.md").read_text(encoding="utf-8").replace("permalink:", "split: false\npermalink:", 1)
    path = tmp_path / "whole.md"
    path.write_text(text, encoding="utf-8")
    post, html = load(path, config)
    result = split_post(post, html, config)
    assert result.items == (result.article,)
    assert result.problems == ()


def test_split_true_without_headings_stays_whole_with_a_warning(tmp_path: Path, config: Config) -> None:
    path = tmp_path / "flat.md"
    path.write_text(
        "---\ntitle: Flat\ndate: 2024-01-01 10:00:00\nsplit: true\n---\n\nOne paragraph.\n\nAnother one.\n",
        encoding="utf-8",
    )
    post, html = load(path, config)
    result = split_post(post, html, config)
    assert result.items == (result.article,)
    assert [p.severity for p in result.problems] == ["warning"]


def test_split_post_splits_a_digest(weekly: Loaded, config: Config) -> None:
    result = split_post(weekly[0], weekly[1], config)
    assert len(result.items) == 4 and result.problems == ()


# ---------------------------------------------------------------- headings that are not news items


def make_post(body: str, image: str | None = None, tags: tuple[str, ...] = ()) -> Post:
    when = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)
    return Post(
        source=Path("d.md"),
        rel_path="d.md",
        id="https://example.org/d/",
        slug="d",
        title="Digest #1",
        published=when,
        updated=when,
        authors=(Author("Editor"),),
        tags=tags,
        categories=("digest",),
        permalink="https://example.org/d/",
        image=image,
        summary="",
        body=body,
        body_line=1,
    )


def html_of(post: Post, config: Config) -> str:
    return to_html(MarkdownRenderer(), post.body, post.permalink, config.sanitize)


@pytest.mark.parametrize(
    "body",
    [
        "",
        "Just a paragraph.",
        "> ### A heading inside a quote\n>\n> text",
        "### 回音\n\n* only a follow-up",
        "A long introduction. " * 40 + "\n\n### Install\n\nrun it\n\n### Use\n\nuse it",
        "### A\n\na\n\n## Background\n\n" + "Background text. " * 40,
    ],
)
def test_headings_that_are_not_news_items_keep_the_post_whole(config: Config, body: str) -> None:
    post = make_post(body)
    entries, problems = split_digest(post, html_of(post, config), config.split)
    assert entries == []
    assert all(p.severity == "warning" for p in problems)


@pytest.mark.parametrize(
    "html",
    [
        "<h3>raw heading</h3>stray text<!-- note --><p>x</p><h3 id='q'>q</h3>",
        "<h3></h3><h3></h3>",
        "<div><h3 id='a'>A</h3><p>a</p><h3 id='b'>B</h3><p>b</p></div>",
        "<h3 id='a'>A</h3><blockquote><blockquote><p>消息来源：<a>nolink</a></p></blockquote></blockquote>",
        "<p><img></p><h3 id='a'><img src='https://x/y.png'></h3><p><img src='https://x/z.png'></p>",
        "<h3 id='a'>A</h3><table><tr><td>cell</td></tr></table><hr><hr><h3 id='a'>A</h3>",
        "<h3 id='x'>&lt;script&gt;</h3><p>&amp;&nbsp;</p>" + "<h3>n</h3>" * 300,
        "<html><body><h3>doc</h3><p>body</p></body></html>",
    ],
)
def test_weird_html_does_not_break_the_splitter(html: str) -> None:
    post = make_post("")
    entries, _ = split_digest(post, html, SplitConfig())
    assert len({e.id for e in entries}) == len(entries)


def test_heading_with_only_a_picture_is_named_after_the_digest(config: Config) -> None:
    post = make_post("### ![](/a.png)\n\nNews text one.\n\n### Two\n\nNews text two.")
    entries, problems = split_digest(post, html_of(post, config), config.split)
    assert [e.title for e in entries] == ["Digest #1 (1)", "Two"]
    assert entries[0].image == "https://example.org/a.png"
    assert [p.severity for p in problems] == ["warning"]


@pytest.mark.parametrize(
    ("body", "images"),
    [
        # Pictures after the headings (2021): the one before the first heading is the header.
        ("![](/top.jpg)\n\n### A\n\n![](/a.jpg)\n\ntext a\n\n### B\n\n![](/b.jpg)\n\ntext b", ("a", "b")),
        # Pictures before the headings (2022 on): header, then item 1's picture.
        ("![](/top.jpg)\n\n![](/a.jpg)\n\n### A\n\ntext a\n\n![](/b.jpg)\n\n### B\n\ntext b", ("a", "b")),
        ("![](/top.jpg)\n![](/a.jpg)\n\n### A\n\ntext a\n\n![](/b.jpg)\n\n### B\n\ntext b", ("a", "b")),
        # Only one picture before the first heading: the header, so item 1 has none.
        ("![](/top.jpg)\n\n### A\n\ntext a\n\n![](/b.jpg)\n\n### B\n\ntext b", (None, "b")),
    ],
)
def test_without_largepic_the_first_picture_is_the_header(
    config: Config, body: str, images: tuple[str | None, ...]
) -> None:
    entries = split((make_post(body), html_of(make_post(body), config)), config)
    assert tuple(e.image for e in entries) == tuple(n and f"https://example.org/{n}.jpg" for n in images)
    assert "top.jpg" not in " ".join(e.content_html for e in entries)


# ---------------------------------------------------------------- property: any Markdown


_WORDS = st.text(alphabet="abc XYZ 新闻来源点评#1.、❶：:*_[]()<>&", min_size=0, max_size=24)
_BLOCKS = st.one_of(
    _WORDS.map(lambda t: f"### {t}"),
    _WORDS.map(lambda t: f"## {t}"),
    _WORDS.map(lambda t: f"#### {t}"),
    _WORDS,
    st.integers(0, 5).map(lambda n: f"![](/img/{n}.png)"),
    st.integers(0, 5).map(lambda n: f"![](/img/{n}.png)\n![](/img/h{n}.png)"),
    _WORDS.map(lambda t: f"> {t}"),
    st.integers(0, 3).map(lambda n: f"> **[消息来源：S{n}](https://s.example/{n})**"),
    st.integers(0, 3).map(lambda n: f"**Source:** [S{n}](https://s.example/{n})"),
    _WORDS.map(lambda t: f"> 老王点评：{t}"),
    _WORDS.map(lambda t: f"* {t}\n* {t}"),
    st.just("---"),
    st.just("*（插图：DA/x）*"),
    st.just("<div>\n\n### wrapped\n\ntext\n\n</div>"),
    st.just("### 回音"),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_BLOCKS, max_size=14), st.sampled_from([None, "https://example.org/img/1.png"]))
def test_any_markdown_splits_safely(blocks: list[str], image: str | None) -> None:
    config = linuxcn_config()
    post = make_post("\n\n".join(blocks), image=image, tags=("abc", "新闻", "XYZ"))
    html = html_of(post, config)
    entries, problems = split_digest(post, html, config.split)
    assert all(p.severity == "warning" for p in problems)
    assert len({e.id for e in entries}) == len(entries)
    assert [e.index for e in entries] == list(range(1, len(entries) + 1))
    assert all(a.published > b.published for a, b in pairwise(entries))
    original = squash(html_to_text(html))
    for entry in entries:
        assert squash(html_to_text(entry.content_html)) in original
        assert image is None or entry.image != image
        assert set(entry.tags) <= set(post.tags)
