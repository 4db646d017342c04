"""Text → quantity mentions with offsets. Pure functions: no I/O, no labels.

Each mention carries the surface exactly as ``text[start:end]``, its value as written, its
normalised value and unit, and the name of the rule that found it.

>>> [(m.surface, m.value_norm, m.unit_norm, m.quantity, m.qualifier) for m in find_mentions("启动旧住房成套改造8.07万平方米，首批扶持7个项目近6000万元")]
[('8.07万平方米', 80700.0, '平方米', 'area', 'exact'), ('7个', 7.0, '个', 'count', 'exact'), ('6000万元', 60000000.0, '元', 'money', 'approx')]
"""
from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence

import re

from . import lexicon as L
from . import patterns as P
from .model import Mention
from .numerals import adjacent_pair, fraction_percent, number_value

_CLASSIFIERS = frozenset(L.CLASSIFIERS)
_CHINESE_CHARS = frozenset(P.CHINESE_NUMERAL_CHARS)
_BARE_TENS = frozenset("十百千万亿拾佰仟")


class Spans:
    """Sorted, non-overlapping spans with a fast 'does this range fall inside one' test."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def covers(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start) - 1
        return i >= 0 and self.spans[i][1] >= end


def exclusion_spans(text: str, start: int = 0, end: int | None = None) -> Spans:
    """Quoted names and idioms in text[start:end]: figures inside them are not quantities."""
    end = len(text) if end is None else end
    found = [m.span() for m in P.QUOTED.finditer(text, start, end)]
    found += [(a + start, b + start) for _, a, b in P.idiom_pattern().indexes(text[start:end])]
    return Spans(found)


def leading_qualifier(text: str, start: int) -> str | None:
    """The qualifier word standing just before ``start`` (`近`, `超过`), if any."""
    m = P.LEADING_QUALIFIER.search(text, max(0, start - L.QUALIFIER_MAX), start)
    if m and m.group() == "约" and m.start() and text[m.start() - 1] in L.NOT_APPROX_BEFORE:
        return None                                   # 完成签约620户: 签约 is a word
    return m.group() if m else None


def adverb_qualifier(text: str, start: int) -> str | None:
    """The qualifier of an adverb before the figure's verb (`至少举办10场` → at_least), if any."""
    m = P.ADVERB_QUALIFIER.search(text, max(0, start - 2 - L.VERB_GAP_MAX), start)
    return L.ADVERB_QUALIFIERS[m["q"]] if m else None


def trailing_qualifier(text: str, end: int) -> str | None:
    m = P.TRAILING_QUALIFIER.match(text, end)
    return m.group() if m else None


def _unit_parts(unit: str) -> tuple[str, float, str]:
    """(unit_norm, factor, quantity) of a unit or classifier as matched."""
    if unit in L.UNITS:
        return L.UNITS[unit]
    return unit, 1.0, "count"


def _multiplier(m: str | None) -> float:
    return L.MULTIPLIERS[m] if m else 1.0


def _is_date_or_name(text: str, m: re.Match, unit: str, n1: str) -> bool:
    """Units that are also calendar words or parts of names: 年 needs a duration cue."""
    start, end = m.start(), m.end()
    after = text[end:end + 6]
    if after.startswith(L.NAME_AFTER_UNIT) or text[end - len(unit):end + 4].startswith(L.NAME_AFTER_UNIT):
        return True
    if unit == "年":
        value = number_value(n1)
        if value is None or value >= 100:
            return True
        before = text[max(0, start - 6):start]
        if not (before.endswith(L.DURATION_YEAR_BEFORE) or after.startswith(L.DURATION_YEAR_AFTER)):
            return True
    if unit == "周" and after.startswith(L.NOT_WEEK_AFTER):
        return True                                            # 周年, 60周岁
    if unit == "度" and not (any(c in text[max(0, start - 8):start] for c in L.ENERGY_CONTEXT) or after.startswith(L.ENERGY_CONTEXT)):
        return True                                            # 35度: a degree, not kWh
    return False


def _skip(text: str, m: re.Match, excluded: Spans) -> bool:
    """General reasons a match is not a quantity (ordinals, names, idioms, articles, counters)."""
    start, end = m.start(), m.end()
    if excluded.covers(start, end):
        return True
    before = text[max(0, start - 4):start]
    if before.rstrip().endswith(L.ORDINAL_BEFORE):
        return True                                            # 第五届, 十二届五次全会
    if text.startswith(("+", "＋"), end):
        return True                                            # 3个+N: part of a formula
    stripped = before.rstrip(" :：\t")
    if stripped.endswith(L.COUNTER_CUES):
        return True                                            # 点击:94次
    n1 = m["n1"]
    if n1 and n1[0] in _CHINESE_CHARS:
        unit = m["unit"]
        if before.endswith(L.WEEKDAY_BEFORE):
            return True                                        # 周一至周五
        if n1 == "一" and unit in L.ARTICLE_CLASSIFIERS and not m["sep"] and not _counted_after_noun(text, start, end, unit):
            return True                                        # 一批, 一块: an article
        if unit in L.STAGE_CLASSIFIERS:
            return True                                        # 二期工程
        if n1[0] in _BARE_TENS and before.endswith(L.INDEFINITE_BEFORE):
            return True                                        # 数十个, 上百家, 每千人
        if n1 in L.BARE_MULTIPLIER_WORDS:
            return True                                        # 亿元, 万人: a unit word, not a figure
        if text.startswith(L.INDEFINITE_AFTER, m.end("n1")):
            return True                                        # 十几个
        if start > 0 and text[start - 1] in _CHINESE_CHARS and number_value(text[start - 1] + n1) is None:
            return True                                        # part of a longer numeral word
    return False


def _counted_after_noun(text: str, start: int, end: int, unit: str) -> bool:
    """Whether 一 and its classifier count the noun before them, closing a clause (新增公交线路一条，
    改造农贸市场一处。), rather than being an article before a noun (一批项目) or a turn of
    phrase (一方面，)."""
    return (len(unit) == 1 and start > 0 and "\u4e00" <= text[start - 1] <= "\u9fff"
            and text[start - 1] not in L.NOT_A_NOUN_BEFORE_ONE                # 这一次, 更上一层
            and (end >= len(text) or text[end] in L.CLAUSE_ENDS or text[end] in L.SENTENCE_ENDS))


def _qualifier(text: str, m: re.Match, quantity: str) -> str:
    if m["sep"]:
        return "range"
    if m["inner"] or m["inner0"]:
        return L.INNER_QUALIFIERS[m["inner"] or m["inner0"]]
    trail = trailing_qualifier(text, m.end())
    if trail and not (trail == "内" and quantity != "duration") and not (trail == "上下" and text.startswith("游", m.end() + 2)):
        return L.TRAILING_QUALIFIERS[trail]
    lead = leading_qualifier(text, m.start())
    if lead:
        return L.LEADING_QUALIFIERS[lead]
    return adverb_qualifier(text, m.start()) or "exact"


def _quantity_mention(text: str, m: re.Match) -> Mention | None:
    unit = m["unit"]
    n1, n2 = m["n1"], m["n2"]
    if _is_date_or_name(text, m, unit, n1):
        return None
    v1 = number_value(n1)
    pair = adjacent_pair(n1) if v1 is None and not n2 else None
    if pair:
        v1 = pair[0]                                          # 三四所: 3 to 4
    elif v1 is None:
        return None
    unit_norm, factor, quantity = _unit_parts(unit)
    mult1, mult2 = _multiplier(m["m1"]), _multiplier(m["m2"])
    value_norm_max = pair[1] * mult1 * factor if pair else None
    if n2:
        v2 = number_value(n2)
        if v2 is None:
            return None
        if m["u1"] and m["u1"] != unit:
            return None
        if not m["m1"] and m["m2"] and n1[0].isdigit():
            mult1 = mult2                                     # 3至5万平方米: 万 applies to both
        value_norm_max = v2 * mult2 * factor
        if value_norm_max < v1 * mult1 * factor:
            return None                                       # 10-24: not a range
    written_unit = (m["m2"] or m["m1"] or "") + unit if n2 else (m["m1"] or "") + unit
    if m["per"]:                                              # 3.5万元/亩
        unit_norm, written_unit = f"{unit_norm}/{m['per']}", f"{written_unit}/{m['per']}"
    sign = -1.0 if m["sign"] else 1.0
    if not math.isfinite(v1 * mult1 * factor) or (value_norm_max is not None and not math.isfinite(value_norm_max)):
        return None                                           # hundreds of digits: not a figure
    return Mention(
        start=m.start(), end=m.end(), surface=m.group(), value=sign * v1, unit=written_unit,
        value_norm=sign * v1 * mult1 * factor, unit_norm=unit_norm, quantity=quantity,
        value_norm_max=value_norm_max, rule="range" if n2 else "pair" if pair else "number+unit",
    )


def _special_mention(text: str, m: re.Match) -> Mention | None:
    if m["frac"]:
        pct = fraction_percent(m["den"], m["numer"])
        if pct is None:
            return None
        return Mention(m.start(), m.end(), m.group(), pct, "%", pct, "%", "rate", rule="fraction")
    if m["cheng"]:
        tenths = number_value(m["cheng_n"])
        if tenths is None or tenths > 10:
            return None
        pct = tenths * 10 + (number_value(m["cheng_d"]) or 0 if m["cheng_d"] else 0)
        return Mention(m.start(), m.end(), m.group(), pct, "%", pct, "%", "rate", rule="tenths")
    if m["fan"]:
        times = 2 ** int(number_value(m["fan_n"]) or 1) if m["fan_n"] else 2
        return Mention(m.start(), m.end(), m.group(), times, "倍", times, "倍", "multiple", rule="doubling")
    if m["slash"]:
        n, d = int(m["sl_n"]), int(m["sl_d"])
        if d == 0 or n > d or text[max(0, m.start() - 5):m.start()].rstrip().endswith(("年", "/", "-")):
            return None
        pct = round(n / d * 100, 3)
        return Mention(m.start(), m.end(), m.group(), pct, "%", pct, "%", "rate", rule="slash-fraction")
    return None


def line_end(text: str, start: int) -> int:
    """Where the line that starts at ``start`` ends (before its \\n, \\r\\n or \\r)."""
    m = P.LINE_BREAK.search(text, start)
    return m.start() if m else len(text)


def table_cells(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """(start, end, stripped content) of the cells of the table row text[start:end]; a row
    without a bar at an end has a cell there (`1 | 加装电梯 | 1800`).

    >>> [c for _, _, c in table_cells("| 1 | 电梯 |", 0, 10)], [c for _, _, c in table_cells("1 | 电梯 | 18", 0, 12)]
    (['1', '电梯'], ['1', '电梯', '18'])
    """
    first, last = text.find("|", start, end), text.rfind("|", start, end)
    if first < 0:
        return []
    bars = [first]
    while bars[-1] < last:
        bars.append(text.find("|", bars[-1] + 1, end))
    if text[start:first].strip():
        bars.insert(0, start - 1)                    # a first cell before the first bar
    if text[last + 1:end].strip():
        bars.append(end)                             # a last cell after the last bar
    cells = []
    for pos, nxt in zip(bars, bars[1:]):
        raw = text[pos + 1:nxt]
        lead = len(raw) - len(raw.lstrip())
        content = raw.strip()
        cells.append((pos + 1 + lead, pos + 1 + lead + len(content), content))
    return cells


def table_headers(text: str) -> dict[int, tuple[int, int] | None]:
    """Each table line's start → the (start, end) of its table's first line (None for that first
    line itself), found in one pass: a table is a run of lines with bars one line break apart,
    where a line has bars at both ends, or the run is of two lines or more with as many bars
    in each (the header row may lack the last, empty cells)."""
    headers: dict[int, tuple[int, int] | None] = {}
    run: list[tuple[int, int]] = []

    def close() -> None:
        if not run:
            return
        counts = [text.count("|", a, b) for a, b in run]
        outer = any(P.TABLE_LINE.match(text, a, b) for a, b in run)
        if outer or (len(run) >= 2 and len(set(counts[1:])) == 1 and counts[0] >= 2):
            headers[run[0][0]] = None
            for a, _ in run[1:]:
                headers[a] = run[0]
        run.clear()

    prev_end = -2
    for a, b in _lines_with_bars(text):
        if run and text[prev_end:a] not in ("\n", "\r\n", "\r"):
            close()
        run.append((a, b))
        prev_end = b
    close()
    return headers


def _lines_with_bars(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line holding at least two bars, found by ``str.find`` (a pattern
    for such lines ran at a tenth of the speed)."""
    pos, floor = text.find("|"), 0
    while pos >= 0:
        start = max(text.rfind("\n", floor, pos), text.rfind("\r", floor, pos), floor - 1) + 1
        end = line_end(text, pos)
        if text.count("|", start, end) >= 2:
            yield start, end
        pos, floor = text.find("|", end), end      # (looking back no further than this line's end)


def row_label(cells: Sequence[tuple[int, int, str]]) -> int:
    """The index of a table row's label: its first cell, or the second when the first is a row
    number (`1`, `2.`, `（三）`) and the second is not a number (a year or a figure is data:
    `| 2022 | 45 | 3.2 |` has its label in the first cell).

    >>> row_label([(0, 0, "1"), (0, 0, "加装电梯")]), row_label([(0, 0, "2022"), (0, 0, "45")]), row_label([(0, 0, "（三）"), (0, 0, "绿地")])
    (1, 0, 1)
    """
    if len(cells) > 1 and P.ROW_NUMBER.fullmatch(cells[0][2]) and not P.ROW_NUMBER.fullmatch(cells[1][2]):
        return 1
    return 0


def _header_unit(cell: str) -> tuple[str, float, str, str] | None:
    """(unit_norm, factor, quantity, unit as written) from a header like `投资额(亿元)`."""
    if not any(mark in cell for mark in L.HEADER_UNIT_MARKS):
        return None
    m = P.HEADER_UNIT.search(cell)
    if not m:
        return None
    unit_norm, factor, quantity = _unit_parts(m["unit"])
    return unit_norm, factor * _multiplier(m["m"]), quantity, (m["m"] or "") + m["unit"]


def table_mentions(text: str, spans: Sequence[tuple[int, int]]) -> list[Mention]:
    """Bare numbers in table cells (`| 固定资产投资(亿元) | 312.5 |`): the unit is in the row's
    label or the column's header."""
    out: list[Mention] = []
    headers = table_headers(text)
    column_units: dict[tuple[int, int], list] = {}      # each table's header read once
    starts = sorted(headers)
    for s, e in spans:
        for ls in starts[bisect_left(starts, s):bisect_left(starts, e)]:
            le = min(line_end(text, ls), e)
            if P.TABLE_RULE.match(text[ls:le]):
                continue
            cells = table_cells(text, ls, le)
            header = headers.get(ls)
            if header and header not in column_units:
                column_units[header] = [_header_unit(c) for _, _, c in table_cells(text, *header)]
            units = column_units.get(header, []) if header else []
            label = row_label(cells)               # (1 | 加装电梯竣工(台) | 45: after the row number)
            row_unit = _header_unit(cells[label][2]) if cells else None
            for i, (a, b, content) in enumerate(cells[label + 1:], start=label + 1):
                unit = row_unit or (units[i] if i < len(units) else None)
                if unit is None:
                    continue
                m = P.BARE_CELL.match(content)
                if not m:
                    continue
                v = number_value(m["n1"])
                if v is None:
                    continue
                unit_norm, factor, quantity, written = unit
                n0 = a + m.start("n1")
                n1_end = m.end("m1") if m["m1"] else m.end("n1")
                qualifier = L.LEADING_QUALIFIERS.get(m["lead"] or "") or L.TRAILING_QUALIFIERS.get(m["trail"] or "") or "exact"
                out.append(Mention(
                    start=n0, end=a + n1_end, surface=text[n0:a + n1_end], value=v,
                    unit=(m["m1"] or "") + written, value_norm=v * _multiplier(m["m1"]) * factor,
                    unit_norm=unit_norm, quantity=quantity, qualifier=qualifier, rule="table-cell",
                ))
    return out


def _scan(text: str, start: int, end: int) -> Iterable[re.Match]:
    """The matches of QUANTITY.finditer(text, start, end), found faster: QUANTITY is tried only
    where a number can start (QUANTITY_START)."""
    match, follow = P.QUANTITY.match, P.NUMERAL_FOLLOW
    resume = start
    for run in P.QUANTITY_START.finditer(text, start, end):
        a, b = run.span()
        if b <= resume:
            continue
        chars = run.group()
        if chars.isdigit():                           # digits only: nothing starts after a digit
            if a >= resume:
                m = match(text, a, end)
                if m:
                    yield m
                    resume = m.end()
            continue
        if text[b:b + 1] not in follow and not chars.strip(P.CHINESE_NUMERAL_CHARS):
            continue                                  # Chinese numerals that nothing can follow
        positions: Sequence[int] = range(max(a, resume), b)
        if len(positions) > L.NUMERAL_RUN_MAX:         # 一一一…/万万万…: no figure starts mid-run
            positions = [positions[0], *range(max(positions[0] + 1, b - L.NUMERAL_RUN_MAX), b)]
        for pos in positions:
            if pos < resume:
                continue
            m = match(text, pos, end)
            if m:
                yield m
                resume = m.end()


def find_mentions(text: str, spans: Sequence[tuple[int, int]] | None = None) -> list[Mention]:
    """Every quantity mention in ``text`` (or in the given body spans of it), in order."""
    spans = [(0, len(text))] if spans is None else spans
    out: list[Mention] = []
    if "|" in text:
        out += table_mentions(text, spans)
    # quotes and idioms hold no line break, so one pass over the body finds those of every span
    excluded = exclusion_spans(text, spans[0][0], spans[-1][1]) if spans else Spans([])
    for s, e in spans:
        for m in _scan(text, s, e):
            if m["qty"]:
                if _skip(text, m, excluded):
                    continue
                mention = _quantity_mention(text, m)
            else:
                if excluded.covers(m.start(), m.end()):
                    continue
                mention = _special_mention(text, m)
            if mention is None:
                continue
            if mention.rule == "pair":
                mention.qualifier = "range"
            else:
                mention.qualifier = _qualifier(text, m, mention.quantity) if m["qty"] else _special_qualifier(text, m)
            listed = coordinated_before(text, mention, s)
            out += listed
            out.append(mention if listed else paired_with_before(text, mention, s))
    if "|" in text:
        out.sort(key=lambda m: m.start)
    return out


def coordinated_before(text: str, m: Mention, floor: int) -> list[Mention]:
    """Bare numbers listed before ``m`` that share its unit, when the sentence says 分别
    (`分别为120和35亿元` → 120亿元 too). Returned in text order."""
    if m.quantity in ("multiple",) or not m.value or "分别" not in text[max(floor, m.start - 30):m.start]:
        return []
    scale = m.value_norm / m.value
    found: list[Mention] = []
    pos = m.start
    while True:
        c = P.COORDINATED_BEFORE.search(text, max(floor, pos - 24), pos)
        if not c:
            break
        v = number_value(c["n"])
        if v is None:
            break
        found.append(Mention(
            start=c.start("n"), end=c.end("n"), surface=c["n"], value=v, unit=m.unit,
            value_norm=v * scale, unit_norm=m.unit_norm, quantity=m.quantity, rule="coordinated",
        ))
        pos = c.start("n")
    return found[::-1]


def paired_with_before(text: str, m: Mention, floor: int) -> Mention:
    """``m`` widened to a range when a digit one lower and a 、 stand just before it (`3、4个` →
    3 to 4); ``m`` itself otherwise."""
    if m.rule != "number+unit" or not m.surface[:1].isdigit() or m.value != int(m.value):
        return m
    p = P.PAIR_BEFORE.search(text, max(floor, m.start - 2), m.start)
    if not p or int(p["n"]) + 1 != m.value or text[max(0, p.start() - 1):p.start()] in L.ORDINAL_BEFORE:
        return m
    scale = m.value_norm / m.value
    low = m.value - 1
    return Mention(
        start=p.start(), end=m.end, surface=text[p.start():m.end], value=low, unit=m.unit,
        value_norm=low * scale, unit_norm=m.unit_norm, quantity=m.quantity, qualifier="range",
        value_norm_max=m.value_norm, rule="pair",
    )


def _special_qualifier(text: str, m: re.Match) -> str:
    trail = trailing_qualifier(text, m.end())
    if trail and trail not in ("内", "余", "多"):
        return L.TRAILING_QUALIFIERS[trail]
    lead = leading_qualifier(text, m.start())
    return L.LEADING_QUALIFIERS[lead] if lead else adverb_qualifier(text, m.start()) or "exact"
