"""Numbers as written → float: Arabic, Chinese, mixed, fractions and shares.

>>> parse_number("8.07万")
80700.0
>>> parse_number("１２,３４５")
12345.0
>>> parse_chinese("二十三万五千零六")
235006
>>> parse_chinese("三分之二") is None
True
>>> fraction_percent("三", "二")
66.667
"""
from __future__ import annotations

from .lexicon import CHINESE_BIG_UNITS, CHINESE_DIGITS, CHINESE_SMALL_UNITS, FULLWIDTH, MULTIPLIERS


def parse_arabic(s: str) -> float:
    """`12,345.6`, full-width `１２．５` → float."""
    return float(s.translate(FULLWIDTH).replace(",", ""))


def parse_chinese(s: str) -> int | None:
    """A Chinese numeral (`二十三万五千`, `两`, `十一`, `一〇五`, `壹佰`) → int, or None if malformed.

    Digit strings without place values (`一〇五`) read digit by digit.
    """
    if not s:
        return None
    if all(c in CHINESE_DIGITS for c in s):
        if len(s) == 1:
            return CHINESE_DIGITS[s]
        if "〇" not in s and "零" not in s:
            return None                         # 三五: an estimate, not a number
        return int("".join(str(CHINESE_DIGITS[c]) for c in s))
    total = 0       # completed sections above 亿
    section = 0     # the current section (below the next 万/亿)
    number = None   # the last digit read
    last_small = 10**9
    last_big = 10**13  # above any unit
    for c in s:
        if c in CHINESE_DIGITS:
            if number is not None and CHINESE_DIGITS[c] != 0 and number != 0:
                return None             # two digits in a row: 二三
            number = CHINESE_DIGITS[c]
        elif c in CHINESE_SMALL_UNITS:
            unit = CHINESE_SMALL_UNITS[c]
            if unit >= last_small:
                return None             # 百千 or 十十
            section += (1 if number is None else number) * unit
            number, last_small = None, unit
        elif c in CHINESE_BIG_UNITS:
            unit = CHINESE_BIG_UNITS[c]
            section += number or 0
            if unit > last_big:                 # 万亿: the whole so far is multiplied
                if total + section == 0:
                    return None
                total = (total + section) * unit
            elif unit == last_big:
                return None                     # 万万
            else:
                if section == 0:
                    if total:
                        return None
                    section = 1                 # a bare 万 or 亿
                total += section * unit
            section, number, last_small, last_big = 0, None, 10**9, unit
        else:
            return None
    section += number or 0
    return total + section


_MULTIPLIERS_LONGEST_FIRST = sorted(MULTIPLIERS, key=len, reverse=True)


def parse_mixed(s: str) -> float | None:
    """Arabic digits with Chinese place multipliers between them → the whole number, or None
    unless there are two parts at least, each below the one before (a bare last part only as
    four digits after 万).

    >>> parse_mixed("1亿5000万"), parse_mixed("3万5千"), parse_mixed("12万3456"), parse_mixed("2亿3千万")
    (150000000.0, 35000.0, 123456.0, 230000000.0)
    >>> parse_mixed("5000万"), parse_mixed("1万20千"), parse_mixed("1万5"), parse_mixed("8.07万")
    (None, None, None, None)
    """
    total, last, parts, i, n = 0.0, 0.0, 0, 0, len(s)
    while i < n:
        j = i
        while j < n and s[j].isdigit():
            j += 1
        mult = next((m for m in _MULTIPLIERS_LONGEST_FIRST if s.startswith(m, j)), None)
        if j == i or (mult is None and (j != n or last != 1e4 or j - i != 4)):
            return None
        factor = MULTIPLIERS[mult] if mult else 1.0
        value = int(s[i:j]) * factor
        if parts and value >= last:
            return None
        total, last, parts, i = total + value, factor, parts + 1, j + (len(mult) if mult else 0)
    return total if parts >= 2 else None


def parse_number(s: str) -> float:
    """Arabic number with an optional multiplier (`3.4万`, `1.2亿`), Arabic digits with place
    multipliers between them (`1亿5000万`), or a Chinese numeral."""
    t = s.translate(FULLWIDTH)
    if t[:1].isdigit() and not t.isdigit():
        mixed = parse_mixed(t)
        if mixed is not None:
            return mixed
    for m, factor in MULTIPLIERS.items():
        if t.endswith(m) and t[: -len(m)] and t[: -len(m)][-1].isdigit():
            return parse_arabic(t[: -len(m)]) * factor
    if t[:1].isdigit():
        return parse_arabic(t)
    whole, _, decimals = t.partition("点")
    value = parse_chinese(whole)
    if value is None or (decimals and not all(c in CHINESE_DIGITS for c in decimals)):
        raise ValueError(f"not a number: {s!r}")
    if decimals:
        return float(f"{value}." + "".join(str(CHINESE_DIGITS[c]) for c in decimals))
    return float(value)


def number_value(s: str) -> float | None:
    """Like parse_number, but None for what is not a number."""
    if s.isascii() and s[:1].isdigit() and "," not in s:
        try:
            return float(s)                         # the common case (`122`, `8.07`), read at once
        except ValueError:
            pass
    try:
        return parse_number(s)
    except ValueError:
        return None


def adjacent_pair(s: str) -> tuple[int, int] | None:
    """Two neighbouring Chinese digits written as an estimate, with the place value they share:
    `三四` → (3, 4), `两三万` → (20000, 30000), `三四十` → (30, 40); None for anything else
    (`三五`; `一二`, which names a rank: 一二线).

    >>> adjacent_pair("三四"), adjacent_pair("两三万"), adjacent_pair("三四十"), adjacent_pair("三五")
    ((3, 4), (20000, 30000), (30, 40), None)
    """
    pair, rest = s[:2], s[2:]
    if len(pair) != 2 or pair == "一二" or not all(c in CHINESE_DIGITS for c in pair):
        return None
    low, high = CHINESE_DIGITS[pair[0]], CHINESE_DIGITS[pair[1]]
    scale = parse_chinese("一" + rest) if rest else 1
    if low < 1 or high != low + 1 or not scale or (rest and rest[0] in CHINESE_DIGITS):
        return None
    return low * scale, high * scale


def fraction_percent(denominator: str, numerator: str) -> float | None:
    """`三分之二` is fraction_percent("三", "二") → 66.667 (percent, three decimals)."""
    d, n = number_value(denominator), number_value(numerator)
    if not d or n is None:
        return None
    return round(n / d * 100, 3)
