"""Properties that hold for any text (hypothesis): extraction never raises, every row points
back at its own surface, values are finite and labels come from the closed lists; numbers
written as Chinese numerals or as Arabic numbers with 万/亿 read back to their value.

Examples are derandomised (the same ones every run) and kept few, so the suite stays fast;
``bench/fuzz.py`` runs the same properties far longer.
"""
from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import tracker
from tracker.model import QUALIFIERS, QUANTITIES
from tracker.numerals import parse_chinese, parse_number

SETTINGS = settings(
    max_examples=150, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- text strategies ------------------------------------------------------------------------------

#: Single characters the grammar reacts to, and some it must not trip on.
CHARS = (
    "0123456789０１２３４５６７８９" "〇零一二两三四五六七八九十百千万亿壹贰叁拾佰仟萬億"
    "个家所名人户套项座元米亩倍年月天周次%％‰" "约近超逾余多上下内左右以至到第数几成番翻分之点"
    "“”‘’「」《》\"'()（）【】" ",.，。、；;:：!！?？-－—~～/|+＋#·•…" " \t\u3000\xa0\n\r\x00\ufeff"
    "城市建设投资新增完成目标全区镇街道同比增长下降宝山顾村"
    "abkmWGhs"
)
#: Whole words: units, multipliers, qualifiers, cue words and bits of page furniture.
WORDS = (
    "平方米", "万平方米", "平方公里", "公顷", "亿元", "万元", "千瓦", "兆瓦", "千瓦时", "吨标准煤",
    "个百分点", "百分点", "个工作日", "个月", "小时", "分钟", "人次", "万人次", "标箱", "kW", "km²", "m²",
    "三分之二", "百分之十五", "九成", "七成五", "翻一番", "3/4", "2023年", "2026-02-24 20:27:54",
    "约", "近", "超过", "不少于", "不超过", "以上", "以内", "左右", "余", "多", "至", "-", "~",
    "将", "计划", "力争", "已", "累计", "同比增长", "下降", "相关阅读", "热门文章", "版权所有",
    "点击:", "电话", "13524678515", "…", "...", "| 投资额(亿元) | 312.5 |\n", "|---|---|\n",
    "。\n", "\r\n", "\n\n", "“三张清单”", "《2024年工作要点》", "千方百计", "一站式", "第五届",
)
token = st.one_of(st.sampled_from(CHARS), st.sampled_from(WORDS), st.integers(0, 10**9).map(str))
cjk_text = st.lists(token, max_size=120).map("".join)
any_text = st.one_of(cjk_text, st.text(max_size=200), st.text(alphabet=CHARS, max_size=200))


def check_rows(text: str) -> None:
    df = tracker.extract_text(text, doc_id="prop")
    for row in df.itertuples(index=False):
        assert 0 <= row.start < row.end <= len(text), (row.start, row.end, len(text))
        assert text[row.start:row.end] == row.surface, (row.surface, text[row.start:row.end])
        assert row.quantity in QUANTITIES, row.quantity
        assert row.qualifier in QUALIFIERS, row.qualifier
        assert math.isfinite(row.value_norm), row.value_norm
        if not row.surface.lstrip().startswith(("-", "−", "－")):
            assert row.value_norm >= 0, (row.surface, row.value_norm)   # negative only where a minus is written
        if not math.isnan(row.value_norm_max):
            assert math.isfinite(row.value_norm_max) and row.value_norm_max >= row.value_norm
        assert row.kind in ("target", "achieved", "context")
        assert row.direction in ("up", "down", "")


@SETTINGS
@given(any_text)
@example("")
@example("\r\n\r")
@example("约约约近近" * 20)
@example("万" * 200 + "个")
@example("1," * 100 + "个")
@example("“" * 100 + "3个" + "”" * 100)
@example("| 项目 | 投资(亿元) |\n|---|---|\n| 甲 | 312.5 |\n| 乙 | 约3 |\n")
@example("完成投资12,345.6万元，同比-2.1%，3至5万平方米，10-24，近6000万元。")
def test_extraction_never_raises_and_rows_point_at_their_surface(text):
    check_rows(text)


@settings(SETTINGS, max_examples=60)
@given(cjk_text, cjk_text)
def test_line_ends_do_not_move_rows(a, b):
    """The same text with \\n, \\r\\n or \\r line ends gives the same figures, each at its own offsets."""
    text = a + "\n" + b
    base = tracker.extract_text(text)
    for eol in ("\r\n", "\r"):
        other = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", eol)
        check_rows(other)
    if "\r" not in text:
        for eol in ("\r\n", "\r"):
            got = tracker.extract_text(text.replace("\n", eol))
            assert got["surface"].tolist() == base["surface"].tolist()
            assert got["value_norm"].fillna(-1).tolist() == base["value_norm"].fillna(-1).tolist()


# --- numbers read back --------------------------------------------------------------------------

_DIGITS = "零一二三四五六七八九"


def _section(x: int) -> str:
    """0 < x < 10000 in Chinese, with 零 for skipped places (1010 → 一千零一十)."""
    out, zero = "", False
    for place, char in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = x // place % 10
        if d == 0:
            zero = bool(out)
        else:
            out += ("零" if zero else "") + _DIGITS[d] + char
            zero = False
    return out


def chinese(n: int) -> str:
    """A whole number below 10**12 as a Chinese numeral, the way documents write it.

    >>> chinese(235006), chinese(100001000), chinese(15), chinese(1200030405)
    ('二十三万五千零六', '一亿零一千', '十五', '十二亿零三万零四百零五')
    """
    if n == 0:
        return "零"
    yi, rest = divmod(n, 10**8)
    wan, ones = divmod(rest, 10**4)
    s = _section(yi) + "亿" if yi else ""
    if wan:
        s += ("零" if yi and wan < 1000 else "") + _section(wan) + "万"
    if ones:
        s += ("零" if (yi or wan) and (ones < 1000 or not wan) else "") + _section(ones)
    return s[1:] if s.startswith("一十") else s


def test_renderer():
    assert chinese(235006) == "二十三万五千零六"
    assert chinese(10) == "十" and chinese(110) == "一百一十" and chinese(100000) == "十万"


numbers = st.one_of(st.integers(2, 10**4), st.integers(2, 10**12 - 1))


@SETTINGS
@given(numbers)
@example(235006)
@example(100001000)
@example(10)
@example(1010)
def test_chinese_numerals_parse_back(n):
    assert parse_chinese(chinese(n)) == n


@SETTINGS
@given(numbers)
@example(235006)
@example(2)
@example(100000)
def test_chinese_numerals_extract_back(n):
    written = chinese(n) + "个"
    text = f"全区共建成{written}项目。"
    df = tracker.extract_text(text)
    assert df["surface"].tolist() == [written]
    row = df.iloc[0]
    assert (row.value_norm, row.unit_norm, row.quantity) == (n, "个", "count")
    assert text[row.start:row.end] == written


MULTIPLIERS = {"万": 10**4, "亿": 10**8, "千万": 10**7, "百万": 10**6, "万亿": 10**12}
arabic = st.builds(
    lambda whole, frac, places: Decimal(whole) + (Decimal(frac) / 10**places if places else 0),
    st.integers(1, 99999), st.integers(0, 99), st.integers(0, 2),
)


def arabic_text(d: Decimal, grouped: bool) -> str:
    s = f"{d:,f}" if grouped else f"{d:f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


@SETTINGS
@given(arabic, st.sampled_from(sorted(MULTIPLIERS)), st.booleans())
@example(Decimal("8.07"), "万", False)
@example(Decimal("12345.6"), "万", True)
@example(Decimal("1.2"), "亿", False)
def test_arabic_with_multipliers_parse_and_extract_back(d, mult, grouped):
    number = arabic_text(d, grouped)
    expected = float(Decimal(number.replace(",", "")) * MULTIPLIERS[mult])
    assert math.isclose(parse_number(number + mult), expected, rel_tol=1e-12)
    written = f"{number}{mult}元"
    text = f"全年完成固定资产投资{written}。"
    df = tracker.extract_text(text)
    assert df["surface"].tolist() == [written]
    row = df.iloc[0]
    assert math.isclose(row.value_norm, expected, rel_tol=1e-12)
    assert (row.unit_norm, row.quantity, row.unit) == ("元", "money", mult + "元")
    assert math.isclose(row.value, float(number.replace(",", "")), rel_tol=1e-12)


@pytest.mark.parametrize("text", ["9" * 400 + "个", "1" + "0" * 308 + "亿元", "全区共有" + "8" * 320 + "家企业。"],
                         ids=["400-nines-ge", "1e308-yiyuan", "320-eights-jia"])
def test_a_number_too_large_for_a_float_gives_no_infinite_row(text):
    check_rows(text)


# --- the fast scan --------------------------------------------------------------------------------

def _plain_scan(text: str) -> list[tuple[int, int]]:
    """What extract._scan must find: every QUANTITY match, left to right, not overlapping
    (numeral runs longer than NUMERAL_RUN_MAX excepted, which the scan does not enter)."""
    from tracker import patterns as P

    return [m.span() for m in P.QUANTITY.finditer(text)]


@SETTINGS
@given(cjk_text)
@example("三千瓦，一体化进一步，七成五，三分之二，九十六点五亿元，十四五期间新建三至五个，翻一番")
@example("１２３万元，-5%，2023年12月，3/4，一、二、三个")
def test_fast_scan_finds_what_the_pattern_finds(text):
    from tracker.extract import _scan

    assert [m.span() for m in _scan(text, 0, len(text))] == _plain_scan(text)


han_mix = st.text(alphabet=st.sampled_from("宝山区〇々㐀𠀀豈⺀abc123，。 \t、“”ー가"), max_size=40)


@SETTINGS
@given(han_mix, st.sampled_from([1, 2, 5, 15]))
@example("〇〇〇〇〇", 5)                   # Han outside the common block only
@example("𠀀宝山区㐀", 5)
def test_the_han_count_reads_every_block_of_han(text, n):
    import regex

    from tracker.document import _has_han

    assert _has_han(text, n) == (len(regex.findall(r"\p{Han}", text)) >= n)
