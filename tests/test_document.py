"""Documents: article body against page furniture, titles, publication dates, and the seeds'
sidebars giving no rows.

Body cases are whole pages in the style of the scraped seeds (link lists, hot-news sidebars
cut off with `...`, contact lines, bylines, hit counters, copyright footers) around real
sentences; each names every line the body must keep, in order.
"""
from __future__ import annotations

from pathlib import Path

import pytest

import tracker
from tracker import document as D

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"


def body_lines(text: str) -> list[str]:
    """The non-blank lines of ``text`` that fall inside its body spans, stripped."""
    spans = D.body_spans(text)
    return [s for start, end, s in D.lines(text) if s and any(a <= start and end <= b for a, b in spans)]


# --- body against furniture -------------------------------------------------------------------

KINDERGARTENS = "年内新开建幼儿园3所、新开办幼儿园1所、新启用校舍2所，进一步提升教育供给水平，让更多孩子在家门口上好学。"
RENEWAL = "启动旧住房成套改造8.07万平方米，分类实施200万平方米“美丽家园”建设，推进12个“类真光四小区”修缮改造。"
INVEST = "2023年，顾村镇经济发展的主要预期指标是：实现区级财政收入同比增长10%，全社会固定资产投资122亿元（工业固投14亿元），社会消费品零售总额同比增长8%。"
HOTLINE = "区政府开通24小时服务热线电话，全年共接听市民来电12万个，办结率达到99%，群众满意度持续提升。"

BODY_CASES = [
    pytest.param(
        "顾村镇打造产业集聚新高地\n"
        f"{KINDERGARTENS}\n\n"
        "相关阅读\n"
        "普陀区召开2023年度公共文化建设工作会议\n"
        "3月13日下午，2023年普陀区公共文化建设工作会议召开，研究部署全区公共文化建设工作，新建文化站5个，深化公共文化服务高质量发展先行区建设。\n",
        ["顾村镇打造产业集聚新高地", KINDERGARTENS],
        id="related-articles-after-marker",
    ),
    pytest.param(
        "推动沿沪宁产业创新带建设,上海普陀区将深化“三张清单”\n"
        f"{RENEWAL}\n"
        "春运前23天,国铁广州局累...\n"
        "格隆汇2月24日|2月24日(正月初八),春运第23天,国铁广州局...\n"
        "2026-02-24 21:38:08\n"
        "巴克莱下调力拓欧股目标价至...\n"
        "巴克莱将力拓欧股目标价从6,885便士下调至6,600便士,评级从...\n",
        ["推动沿沪宁产业创新带建设,上海普陀区将深化“三张清单”", RENEWAL],
        id="hot-news-sidebar-ending-in-dots",
    ),
    pytest.param(
        "当前位置:首页 > 新闻中心 > 镇域动态 >\n"
        "顾村镇打造产业集聚新高地\n"
        "2023-10-24 14:09来源:互联网 点击:94次\n"
        f"{INVEST}\n"
        "作者:admin 发布于:2024-01-06 文字:【 】【 】【\n",
        ["顾村镇打造产业集聚新高地", INVEST],
        id="breadcrumb-hit-counter-byline",
    ),
    pytest.param(
        "顾村镇打造产业集聚新高地\n"
        f"{KINDERGARTENS}\n"
        "产业招商/厂房土地租售:400 0123 021\n"
        "或微信/手机:13524678515; 13564686846; 13391219793\n"
        "咨询电话：021-66881234\n"
        f"{HOTLINE}\n",
        ["顾村镇打造产业集聚新高地", KINDERGARTENS, HOTLINE],
        id="phone-numbers-but-a-sentence-about-a-hotline-stays",
    ),
    pytest.param(
        "（记者 唐奇云 通讯员 陶萱）\n"
        f"{RENEWAL}\n"
        f"{INVEST}\n"
        "版权所有 Copyright(C)2009-2025 首页丨注册丨登录\n"
        "沪ICP备12345678号 网站标识码3100000001\n",
        [RENEWAL, INVEST],
        id="byline-and-copyright-footer",
    ),
    pytest.param(
        f"{INVEST}\n"
        "*转载请注明来自上海宝山官方微信\n"
        "特别声明:本文为网易自媒体平台“网易号”作者上传并发布,仅代表该作者观点。\n"
        "蛋糕巨头自曝欠款5700万 门店暂停运营\n"
        "车主花32万买到全损事故车获退1赔3\n",
        [INVEST],
        id="repost-notice-and-clickbait-list",
    ),
    pytest.param(
        "顾村镇打造产业集聚新高地\n"
        "2023年10月24日\n"
        f"{INVEST}\n"
        "  • 网站注册\n"
        "  • 网站登录\n",
        ["顾村镇打造产业集聚新高地", INVEST],
        id="dateline-and-bulleted-links",
    ),
    pytest.param(
        f"{KINDERGARTENS}\r\n{RENEWAL}\r\n\r\n相关推荐\r\n热门景点“人从众” 四川温泉冰雪游带火冬季旅游市场\r\n",
        [KINDERGARTENS, RENEWAL],
        id="crlf-line-ends",
    ),
    pytest.param(
        f"{KINDERGARTENS}\r{RENEWAL}\r\r上一篇：宁波地铁6、7、8号线有新进展\r",
        [KINDERGARTENS, RENEWAL],
        id="lone-cr-line-ends",
    ),
    pytest.param(                                 # a marker in brackets, and 上一条/下一条
        f"{INVEST}\n【上一篇】朱家角镇今年完成农房翻建120户\n【下一篇】朱家角古镇接待游客38.6万人次\n",
        [INVEST],
        id="bracketed-prev-next",
    ),
    pytest.param(
        f"{RENEWAL}\n上一条：莘庄镇全年隐患整改率100%\n下一条：莘庄镇今年将完成旧住房改造10万平方米\n",
        [RENEWAL],
        id="prev-next-items",
    ),
    pytest.param(
        f"{KINDERGARTENS}\n相关报道：\n1. 奉贤今年将新增就业岗位2.5万个\n2. 奉贤新城新建学校42个\n",
        [KINDERGARTENS],
        id="related-reports-numbered",
    ),
    pytest.param(                                 # a sentence that opens with a marker's word is body
        f"{INVEST}\n扫码即可查询全区充电桩位置及空闲状态。\n{RENEWAL}\n",
        [INVEST, "扫码即可查询全区充电桩位置及空闲状态。", RENEWAL],
        id="marker-word-opening-a-sentence",
    ),
    pytest.param(                                 # short closing sentences are body, not a link list
        f"{INVEST}\n嘉定新城固定资产投资450亿元。\n重点项目引进46个。\n注册企业新增2300余家。\n",
        [INVEST, "嘉定新城固定资产投资450亿元。", "重点项目引进46个。", "注册企业新增2300余家。"],
        id="short-closing-sentences",
    ),
]


@pytest.mark.parametrize("page, expected", BODY_CASES)
def test_body_keeps_the_article_and_drops_furniture(page, expected):
    assert body_lines(page) == expected


@pytest.mark.parametrize("line", [
    "春运前23天,国铁广州局累...",
    "ST葫芦娃:吸入用异丙托溴...",
    "2023-10-24 14:09来源:互联网 点击:94次",
    "2026-02-24 21:38:08",
    "2023年10月24日 14:09",
    "作者:admin 发布于:2024-01-06 文字:【 】【 】【",
    "当前位置:首页 > 情感 > 故事 >",
    "或微信/手机:13524678515; 13564686846; 13391219793",
    "首页丨傲视皇朝注册丨平台登录",
    "• 网站注册",
    "首页  信息公开  政务服务  互动交流  走进宝山",   # a menu with wide gaps
    "上海市宝山区人民政府",                  # the site's name in its header
    "青浦区人民政府网",
    "本文来源：上海宝山 2023-10-24",          # a cue inside the line, but no figure
    "责任编辑：王五",
    "咨询热线：400-123-4567，24小时服务",     # a figure, but a phone number: contact line
])
def test_furniture_lines(line):
    assert D.is_furniture_line(line)


@pytest.mark.parametrize("line", [KINDERGARTENS, RENEWAL, INVEST, HOTLINE, "顾村镇打造产业集聚新高地",
                                  "1  新建绿地  20公顷  12公顷",           # a table row of short cells: it has figures
                                  "3   全社会固定资产投资   预期性   2716.18亿元",
                                  # a cue word inside a short line that states a figure
                                  "资金来源：区级财政安排2.6亿元",
                                  "12345市民服务热线办结率达99.2%",
                                  "拆除违规户外广告设施326处",
                                  # cue words in a sentence that opens with a date are no fields
                                  "2024年3月5日，区网站累计发布政务信息1200条，热线受理诉求3000件。",
                                  "热线服务：全年受理市民诉求12万件，政务网站：发布信息3000条。"])
def test_prose_lines_are_not_furniture(line):
    assert not D.is_furniture_line(line)


def test_body_offsets_index_the_text():
    page = BODY_CASES[2].values[0]
    for start, end in D.body_spans(page):
        assert 0 <= start < end <= len(page)
        assert page[start:end] == page[start:end].strip("\r\n")


# --- titles and dates -------------------------------------------------------------------------

@pytest.mark.parametrize("page, title", [
    ("推动沿沪宁产业创新带建设,上海普陀区将深化“三张清单”\n创始人\n2026-02-24 20:27:54\n0\n\n" + RENEWAL,
     "推动沿沪宁产业创新带建设,上海普陀区将深化“三张清单”"),
    ("返回首页\n\n奋进“北转型”上海宝山全力打造新时代现代化转型样本\n\n2023-10-24 14:09来源:互联网 点击:94次\n\n" + INVEST,
     "奋进“北转型”上海宝山全力打造新时代现代化转型样本"),
    ("服务粉丝\n\n我们一直在努力\n当前位置:首页 > 情感 > 故事 >\n\n普陀桃浦持续做好地区转型发展大文章\n\n" + KINDERGARTENS,
     "普陀桃浦持续做好地区转型发展大文章"),
    ("上海市宝山区人民政府\n宝山区召开2024年城市更新推进会\n" + INVEST, "宝山区召开2024年城市更新推进会"),
    (KINDERGARTENS + "\n" + RENEWAL, ""),                          # only finished sentences: no title
    ("", ""),
])
def test_title(page, title):
    assert D.find_title(page, D.body_spans(page)) == title


@pytest.mark.parametrize("page, published", [
    ("标题\n2026-02-24 20:27:54\n正文", "2026-02-24"),
    ("标题\n2023年10月24日\n正文", "2023-10-24"),
    ("标题\n发布时间：2023年10月24日 14:09\n正文", "2023-10-24"),
    ("标题\n发布时间：2023-1-6\n正文", "2023-01-06"),
    ("文章正文\n作者:admin 发布于:2024-01-06 文字:【 】【 】【\n正文", "2024-01-06"),
    ("2023-10-24 14:09来源:互联网 点击:94次", "2023-10-24"),
    ("日期: 来源:上海普陀收集编辑:上海普陀", ""),                    # a date cue without a date
    ("据统计，2023年10月24日全区新建了多个口袋公园。", ""),          # a date inside a sentence
    ("发布时间：2023-02-30", ""),                                     # not a real day
    ("发布时间：2023-02-30 更新时间：2023-03-01", "2023-03-01"),
    ("2025-04-09 星期三\n标题\n发布日期：2025-04-03 来源：宝山区\n正文", "2025-04-03"),   # the portal's today loses
    ("标题\n原创 上海嘉定 上海嘉定 2024-06-18 18:00 上海\n正文", "2024-06-18"),            # a WeChat article
    ("奉贤区人民政府工作报告\n二〇二四年一月九日\n正文", "2024-01-09"),                    # in Chinese numerals
    ("发布日期：二〇二三年十二月三十一日", "2023-12-31"),
    ("", ""),
])
def test_published(page, published):
    assert D.find_published(page) == published


@pytest.mark.parametrize("foot, published", [
    ("\n发布日期：2024-12-27   信息来源：房管局\n【打印本页】", "2024-12-27"),     # a date line at the foot
    ("\n相关文章\n去年的公告 发布时间：2019-03-01", ""),                        # another article's date
])
def test_published_after_a_long_body(foot, published):
    page = "标题\n" + "全区新建口袋公园8座，改造绿地20公顷。" * 100 + foot
    assert D.from_text(page, "x").published == published


def test_published_is_looked_for_in_the_header_only():
    assert D.find_published("标题\n" + "正文。" * 1000 + "\n发布时间：2023-10-24") == ""


# --- the seeds: titles, dates and no rows from their sidebars -----------------------------------

SEEDS = {
    "000_59112752bebac319": ("推动沿沪宁产业创新带建设,上海普陀区将深化“三张清单”", "2026-02-24"),
    "001_4d3ea700fc8e5b88": ("普陀桃浦持续做好地区转型发展大文章", ""),
    "002_3ed01d294938376b": ("奋进“北转型”上海宝山全力打造新时代现代化转型样本", "2023-10-24"),
    "003_39cc09a31d753d9a": ("以党建引领凝聚发展合力!宝山区顾村镇打造产业集聚新高地", ""),
    "004_b26fe3e80236a0a2": ("聚焦“中央科创区建设”黄浦新年“第一会”召开着力打造上海科创中心重要承载区!", "2024-01-06"),
}


@pytest.fixture(scope="module")
def seed_rows():
    rows, errors = tracker.extract_paths([RAW])
    assert errors.empty
    return rows


@pytest.mark.parametrize("doc_id", sorted(SEEDS))
def test_seed_title_and_date(doc_id):
    doc = tracker.read_document(RAW / f"{doc_id}.txt")
    assert (doc.title, doc.published) == SEEDS[doc_id]


def _line_start(text: str, line: str) -> int:
    for start, _end, s in D.lines(text):
        if s.startswith(line):
            return start
    raise AssertionError(f"no line {line!r}")


@pytest.mark.parametrize("doc_id, marker", [
    ("000_59112752bebac319", "相关内容"),
    ("003_39cc09a31d753d9a", "特别声明"),
    ("001_4d3ea700fc8e5b88", "相关阅读"),
    ("002_3ed01d294938376b", "上一篇"),
    ("004_b26fe3e80236a0a2", "相关推荐"),
])
def test_no_rows_from_a_seeds_sidebar(seed_rows, doc_id, marker):
    text = tracker.read_document(RAW / f"{doc_id}.txt").text
    cut = _line_start(text, marker)
    rows = seed_rows[seed_rows["doc_id"] == doc_id]
    assert (rows["end"] <= cut).all(), rows[rows["end"] > cut][["surface", "start"]].values.tolist()
    if doc_id in ("000_59112752bebac319", "003_39cc09a31d753d9a"):
        assert len(rows) >= 5                     # the article's own figures are there


@pytest.mark.parametrize("surface", ["300兆瓦", "6,885便士", "94次", "605199", "2.0版", "6,600便士", "251.2万人次", "5700万"])
def test_no_row_for_sidebar_figures(seed_rows, surface):
    assert not seed_rows["surface"].str.contains(surface, regex=False).any()


def test_seed_rows_index_their_text(seed_rows):
    texts = {p.stem: D.decode(p.read_bytes()) for p in RAW.glob("*.txt")}
    for row in seed_rows.itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.surface
