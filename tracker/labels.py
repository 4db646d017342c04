"""Mentions → labelled rows: place, theme, kind, year, metric, direction and the sentence.

Pure functions of the document text and its mentions. Every label is read from the
mention's own clause and sentence first, then from the document (its subject place, its
publication year, its dominant tense).
"""
from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from functools import cache, lru_cache
from itertools import islice
from dataclasses import dataclass

import numpy as np

from . import lexicon as L
from . import patterns as P
from .document import Document, iter_lines
from .extract import row_label, table_cells, table_headers
from .gazetteer import Place, place_by_name, themes
from .model import Mention, Row

_HEADING_TARGET = P.cue_pattern(L.HEADING_TARGET_CUES)
_HEADING_ACHIEVED = P.cue_pattern(L.HEADING_ACHIEVED_CUES)
_PLAN = P.cue_pattern(L.PLAN_SENTENCE_CUES)
_TARGET = P.cue_pattern(L.TARGET_CUES)
_DOC_TARGET = P.WordMatcher(L.DOC_TARGET_CUES)     # counted over a whole body: an automaton
_DOC_ACHIEVED = P.WordMatcher(L.DOC_ACHIEVED_CUES)
_CITY = P.cue_pattern(L.CITY_WIDE)
_THEME_ORDER = ("public_services", "environment", "governance", "infrastructure", "urban_renewal", "economy", "innovation")


@dataclass(slots=True)
class DocContext:
    """What the whole document says: its subject place, year and dominant tense."""

    district: str
    subdistrict: str
    year: int | None
    default_kind: str
    published_year: int | None = None
    published_month: int | None = None
    published_day: int | None = None

    #: The year the document was written in: its publication year, else the year of its title or
    #: first lines (an undated `2024年政府工作报告` reviews 2023 as the past), never the latest
    #: year it names (a plan's horizon).
    present_year: int | None = None


def char_positions(text: str, *classes: str, start: int = 0, end: int | None = None, chunk: int = 1 << 20) -> list[array]:
    """For each string of ``classes``, the sorted positions in ``text[start:end]`` (as positions
    in ``text``) of any of its characters, found by numpy in one pass a chunk at a time (compact
    arrays of 8-byte integers, not lists of Python ints).

    >>> [list(a) for a in char_positions("甲，乙。丙", "。，", "。")], list(char_positions("甲，乙。丙", "。", start=2)[0])
    ([[1, 3], [3]], [3])
    """
    table = _class_table(classes)
    out = [array("q") for _ in classes]
    end = len(text) if end is None else end
    for at in range(start, end, chunk):
        part = table[np.frombuffer(text[at:min(at + chunk, end)].encode("utf-32-le", "surrogatepass"), dtype=np.uint32)]
        found = part.nonzero()[0]                     # any class: few, so each class is cheap
        bits = part[found]
        if at:
            found += at
        for bit, positions in enumerate(out):
            positions.frombytes(found[(bits & (1 << bit)) != 0].astype(np.int64, copy=False).tobytes())
    return out


@cache
def _class_table(classes: tuple[str, ...]) -> np.ndarray:
    """A lookup table over all code points: bit i is set at the characters of ``classes[i]``."""
    table = np.zeros(0x110000, dtype=np.uint8)
    for bit, chars in enumerate(classes):
        table[[ord(c) for c in chars]] |= 1 << bit
    return table


class Boundaries:
    """Line starts, sentence and clause ends of a text, found once, so that each figure's line,
    sentence and clause is a bisect rather than a scan (linear time however long the text).

    Only ``text[lo:hi]`` is read (the article body, from a line start to a line end), and only
    positions inside it may be asked about.

    >>> list(Boundaries("甲\\n乙\\r\\n丙\\r丁。").line_starts), list(Boundaries("甲，乙。").clause_ends)
    ([0, 2, 5, 7], [1, 3])
    >>> list(Boundaries("页头\\n甲，乙\\n页脚。", 3, 6).line_starts), list(Boundaries("页头\\n甲，乙\\n页脚。", 3, 6).clause_ends)
    ([3], [4])
    """

    def __init__(self, text: str, lo: int = 0, hi: int | None = None):
        self.text = text
        self.end = len(text) if hi is None else hi
        newlines, returns, self.sentence_ends, self.clause_ends = char_positions(
            text, "\n", "\r", L.SENTENCE_ENDS, L.CLAUSE_ENDS + L.SENTENCE_ENDS, start=lo, end=self.end)
        # a line starts after \n, and after a \r that no \n follows (\r\n is one break)
        starts = np.frombuffer(newlines, dtype=np.int64) + 1
        lone = [i + 1 for i in returns if text[i + 1:i + 2] != "\n"]
        if lone:
            starts = np.union1d(starts, np.array(lone, dtype=np.int64))
        self.line_starts = array("q", [lo])
        self.line_starts.frombytes(starts.astype(np.int64, copy=False).tobytes())

    @staticmethod
    def _around(ends: Sequence[int], start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
        i = bisect_left(ends, start)
        a = max(lo, ends[i - 1] + 1) if i else lo
        j = bisect_left(ends, end)
        b = min(hi, ends[j]) if j < len(ends) else hi
        return a, b

    def sentence(self, start: int, end: int, lo: int, hi: int) -> tuple[int, int, tuple[int, int]]:
        """(start, end) of the sentence around text[start:end] inside [lo, hi), with its closing
        mark, and the whole sentence: a sentence that never ends is cut at its clauses
        SENTENCE_MAX characters away (the whole one is not cut, and has no closing mark)."""
        whole = a, b = self._around(self.sentence_ends, start, end, lo, hi)
        if start - a > L.SENTENCE_MAX:
            a = self._around(self.clause_ends, start - L.SENTENCE_MAX, start - L.SENTENCE_MAX, a, start)[1] + 1
        if b - end > L.SENTENCE_MAX:
            b = self._around(self.clause_ends, end + L.SENTENCE_MAX, end + L.SENTENCE_MAX, end, b)[0]
        if b < hi and self.text[b] not in "\r\n":
            b += 1
        return min(a, start), max(b, end), whole

    def clause(self, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
        return self._around(self.clause_ends, start, end, lo, hi)

    def line_index(self, pos: int) -> int:
        """The number of the line holding ``pos``."""
        return bisect_right(self.line_starts, pos) - 1

    def line_length(self, i: int) -> int:
        """The length of line ``i`` with its line break."""
        return (self.line_starts[i + 1] if i + 1 < len(self.line_starts) else self.end) - self.line_starts[i]

    def may_be_short(self, i: int, n: int) -> bool:
        """False when ``line(i).strip()`` is surely longer than ``n`` (read without copying it)."""
        a, length = self.line_starts[i], self.line_length(i)
        if length <= n + 2:
            return True
        b = a + length
        while b > a and self.text[b - 1] in "\r\n":
            b -= 1
        return self.text[a].isspace() or self.text[b - 1].isspace()

    def line_head(self, i: int, n: int) -> str:
        """``line(i).lstrip()[:n]``, without copying a long line."""
        a = self.line_starts[i]
        if self.line_length(i) > 4 * n:
            head = self.text[a:a + 4 * n].lstrip()
            if len(head) >= n:
                return head[:n]
        return self.line(i).lstrip()[:n]

    def line(self, i: int) -> str:
        """Line ``i`` without its line break."""
        end = self.line_starts[i + 1] if i + 1 < len(self.line_starts) else self.end
        return self.text[self.line_starts[i]:end].rstrip("\r\n")

    def line_span(self, i: int) -> tuple[int, int]:
        """(start, end) of line ``i`` without its line break, for matching in place (no copy)."""
        start = self.line_starts[i]
        end = self.line_starts[i + 1] if i + 1 < len(self.line_starts) else self.end
        while end > start and self.text[end - 1] in "\r\n":
            end -= 1
        return start, end


# --- places ---------------------------------------------------------------------------------

@cache
def _place_words() -> list[tuple[Place, bool]]:
    """For each word of ``place_pattern()``: (the place it names, whether it is the full name)."""
    table = place_by_name()
    return [(table[w], w == table[w].name) for w in P.place_pattern().words]


def place_mentions(text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, Place, bool]]:
    """(position, place, is_full_name) of every place named in ``text[lo:hi]`` (positions in
    ``text``); a short form only where the characters around it do not make it another word
    (黄浦江, 普陀山, 小宝山). ``lo`` and ``hi`` should fall at line breaks, which no name crosses."""
    found = []
    words = _place_words()
    whole = lo == 0 and (hi is None or hi >= len(text))
    for i, start, end in P.place_pattern().indexes(text if whole else text[lo:hi]):
        if not whole:
            start, end = start + lo, end + lo
        place, full = words[i]
        if not full and (text.startswith(L.SHORT_PLACE_BLOCK_AFTER, end) or text[max(0, start - 1):start] in L.SHORT_PLACE_BLOCK_BEFORE):
            continue
        found.append((start, place, full))
    return found


def document_context(doc: Document, body_places: list[tuple[int, Place, bool]]) -> DocContext:
    body = "\n".join(doc.text[s:e] for s, e in doc.body)
    title = doc.title or ""
    votes: Counter[str] = Counter()
    towns: Counter[str] = Counter()
    title_places = place_mentions(title)
    for _, place, _full in title_places:
        votes[place.district] += 5
    votes.update(place.district for _, place, _full in body_places)
    towns.update(place.name for _, place, full in body_places if full and not place.county_level)
    district, top = votes.most_common(1)[0] if votes else ("", 0)
    city = _CITY.search(title) if not title_places else None
    # the city is the title's subject when it opens it, after a year at most (上海市重大工程…,
    # 2024年上海市…); inside a name (第十四届上海樱花节…开幕), only when the body names more
    # than one district
    if city and not (P.YEAR_OPENING.fullmatch(title, 0, city.start()) or len(votes) > 1):
        city = None
    if top < 2 or city:
        district = ""                                 # a city-wide document, or a passing mention
    subdistrict = ""
    title_towns = {place.name for pos, place, full in title_places if not place.county_level and place.district == district
                   and (full or _after_its_district(title, pos, place))}
    if len(title_towns) == 1:                         # two towns in the title: no single subject
        (subdistrict,) = title_towns
    if not subdistrict and towns:
        name, count = towns.most_common(1)[0]
        if count >= 3 and place_by_name()[name].district == district and count >= 2 * sum(towns.values()) / 3:
            subdistrict = name
    target = len(_DOC_TARGET.indexes(body))
    achieved = len(_DOC_ACHIEVED.indexes(body))
    year, month, day = _date_parts(doc.published)
    return DocContext(
        district, subdistrict, document_year(doc), "achieved" if achieved > target else "target",
        year, month, day, year or heading_year(doc),
    )


def _date_parts(iso: str) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) of an ISO date, None where it stops short (`2024-02`) or is not one.

    >>> _date_parts("2024-02-28"), _date_parts("2024-02"), _date_parts("")
    ((2024, 2, 28), (2024, 2, None), (None, None, None))
    """
    parts = [int(p) if p.isdigit() else None for p in iso.split("-")[:3]] if iso else []
    return tuple(parts + [None] * (3 - len(parts)))  # type: ignore[return-value]


def _after_its_district(text: str, pos: int, place: Place) -> bool:
    """A town's short form counts in a title only right after its district (`普陀桃浦`)."""
    district = place_by_name()[place.district]
    return any(text.endswith(form, 0, pos) for form in (district.name, *district.short))


def document_year(doc: Document) -> int | None:
    """Publication year; else a year in the title or first lines; else the latest year named."""
    if doc.published:
        return int(doc.published[:4])
    return heading_year(doc) or latest_year(doc)


def is_base(text: str, pos: int) -> bool:
    """Whether the year (or year word) at ``pos`` is a comparison base (比上年, 较2022年)."""
    return text.endswith(L.YEAR_BASE_BEFORE, 0, pos)


def heading_year(doc: Document) -> int | None:
    """The first year named in the title or the first lines (not a comparison base: 较2022年)."""
    # the body is whole lines: its first lines are those of its first spans
    in_body = (line for s, e in doc.body if s < 4000 for _, _, line in iter_lines(doc.text[s:min(e, 4000)]))
    first_lines = list(islice((line for line in in_body if line), 3))
    head = "\n".join([doc.title, *first_lines])
    for m in P.YEAR_BARE.finditer(head):
        if not is_base(head, m.start()):                  # not 较2022年
            return int(m["y"])
    return None


def latest_year(doc: Document) -> int | None:
    """The latest year the text names (not as a comparison base)."""
    years = [int(m["y"]) for m in P.YEAR_WORD.finditer(doc.text)
             if not is_base(doc.text, m.start())]
    return max(years) if years else None


def sentence_place(found: list[tuple[int, Place, bool]], offset: int, clause_start: int, ctx: DocContext,
                   district_wide_from: int | None = None, breakdown_from: int | None = None) -> tuple[str, str]:
    """District and subdistrict of a figure at ``offset`` in a sentence naming places ``found``.

    Towns move a figure only by their full names (顾村镇; a short form such as 吴淞 in 吴淞创新城
    is more often part of a project's name); districts also by their short forms (徐汇). A town named before the figure places it there; a district named
    alone in the sentence moves it to that district (district-wide: no subdistrict), unless it is
    named in a breakdown after the figure (``breakdown_from``: 其中…); when several districts are
    named, only one in the figure's own clause does."""
    before = [(pos, p) for pos, p, full in found if pos < offset and (full or p.county_level)]
    towns = [(pos, p) for pos, p in before if not p.county_level]
    if towns:
        pos, town = towns[-1]
        district_wide = district_wide_from is not None and district_wide_from > pos
        return town.district, "" if district_wide else town.name     # 张江镇…，全区新增…: the district's
    if breakdown_from is not None:                    # 全市新增5000张，其中浦东新区800张: not the whole's
        found = [(pos, p, full) for pos, p, full in found if pos < breakdown_from]
    districts = {p.district for _, p, full in found if p.county_level}
    if len(districts) == 1:
        (only,) = districts
        if only != ctx.district:
            return only, ""
        named_in_full = any(full for _, p, full in found if p.county_level)
        return only, "" if named_in_full else ctx.subdistrict   # 普陀区今年…: the whole district
    if len(districts) > 1:
        in_clause = {p.district for pos, p in before if p.county_level and pos >= clause_start}
        if len(in_clause) == 1:                       # 其中黄浦区2个，静安区3个: each its own
            (only,) = in_clause
            return only, ""
    return ctx.district, ctx.subdistrict


# --- theme, kind, year, metric, direction -----------------------------------------------

@cache
def _keyword_theme() -> list[tuple[str, float]]:
    """For each word of ``theme_pattern()``: (its theme, its weight: its length, less for the
    broad economy theme)."""
    theme = {k: t.key for t in themes() for k in t.keywords}
    return [(theme[k], len(k) * L.THEME_WEIGHT.get(theme[k], 1.0)) for k in P.theme_pattern().words]


@lru_cache(maxsize=4096)
def _metric_theme_matches(metric: str) -> list[tuple[int, str, float]]:
    """theme_matches of a metric phrase (the same phrases recur across a corpus)."""
    return theme_matches(metric)


def theme_matches(text: str, offset: int = 0) -> list[tuple[int, str, float]]:
    """(position + ``offset``, theme, weight) of every theme keyword in ``text``; a longer
    keyword weighs more."""
    info = _keyword_theme()
    return [(start + offset, *info[i]) for i, start, _ in P.theme_pattern().indexes(text)]


def theme_of(metric: str, clause: list[tuple[int, str, float]], sentence: list[tuple[int, str, float]]) -> str:
    """The theme whose keywords weigh most in the metric (×3), the clause (×2) and the sentence."""
    score: dict[str, float] = {}
    for factor, found in ((3, _metric_theme_matches(metric)), (2, clause), (1, sentence)):
        for _, theme, weight in found:
            score[theme] = score.get(theme, 0.0) + factor * weight
    if not score:
        return ""
    best = max(score.values())
    for theme in _THEME_ORDER:
        if score.get(theme) == best:
            return theme
    return ""


def _cue_table(**kinds: tuple[str, ...]) -> tuple["re.Pattern[str]", dict[str, str]]:
    """One pattern over several cue lists, and the kind each cue word stands for."""
    table = {word: kind for kind, words in kinds.items() for word in words}
    return P.cue_pattern(table), table


_STRONG = _cue_table(target=L.TARGET_CUES, achieved=L.ACHIEVED_CUES, context=L.CONTEXT_CUES, change=L.CHANGE_CUES)
_AFTER = _cue_table(achieved=L.ACHIEVED_CUES, context=L.CONTEXT_CUES)
_WEAK = _cue_table(achieved=L.WEAK_ACHIEVED_CUES, target=L.WEAK_TARGET_CUES)


def _cues(table: tuple["re.Pattern[str]", dict[str, str]], text: str, leave_out: str = "") -> list[str]:
    """The kinds of the cue words in ``text``, in order; nouns (目标的, 覆盖率; 较年初计划, 超计划)
    cue nothing."""
    pattern, kinds = table
    found = []
    for m in pattern.finditer(text):
        kind = kinds[m.group()]
        if kind == leave_out or kind != "context" and text.startswith(L.NOUN_CUE_AFTER, m.end()):
            continue
        if kind == "target" and text.endswith(L.PLAN_NOUN_BEFORE, 0, m.start()):
            continue                                  # 较年初计划多12台, 超额完成年初计划: the plan, a noun
        if table is _STRONG and m.group() in L.RELATIVE_YEARS and is_base(text, m.start()):
            kind = "change"                           # 较去年增加20%: a comparison before the figure, as 比上年 is
        if m.group() == "日前" and m.start() and (text[m.start() - 1].isdigit() or text[m.start() - 1] in "一二三四五六七八九十"):
            kind = "target"                           # 10月31日前完成: a deadline, not 日前 (lately)
        found.append(kind)
    return found


def kind_of(prefix: str, suffix: str, sentence: str, default: str, section: bool = False, reported: bool = False,
            plan: bool = False) -> str:
    """Target, achieved or context, from the cue words around the figure.

    In order: the nearest clear cue before the figure in its sentence (将, 计划 / 已, 截至 /
    范围内 / 同比增长, which is a target only in a sentence of plans); else the first clear cue
    after it (…，已全部完成); else the nearest verb of result or of doing before it (完成, 累计 /
    新建, 推进); else ``default`` (the section's when ``section``, else the document's). A figure
    ``reported`` for a period that was over at publication (上半年, …) is a result unless a clear
    cue says otherwise. In a list under a heading of plans (``plan``: 重点工作安排, 工作计划), a
    verb of result names a task (`1. 完成旧住房成套改造2万平方米`), as under a heading of results
    a verb of doing names what was done."""
    strong = _cues(_STRONG, prefix)
    if strong:
        kind = strong[-1]
    elif reported:
        kind = "achieved"
    else:
        after = _cues(_AFTER, suffix)
        if after:
            kind = after[0]
        else:                                         # in a review, 新建 … is what was done
            leave_out = "target" if section and default == "achieved" else "achieved" if plan else ""
            weak = _cues(_WEAK, prefix, leave_out=leave_out)
            kind = weak[-1] if weak else default
    if kind == "change":                              # 同比增长10%: planned in a plan, else reported
        kind = "target" if not reported and (_PLAN.search(sentence) or default == "target" and section) else "achieved"
    return kind


def list_intro(text: str, start: int, lo: int = 0) -> str:
    """The words that open a list whose items are sentences split by ；, for the item at
    ``start``: from the last full stop or line break to the colon before the items (its cues
    speak for every item: `主要预期目标是：税收增长3%；固定资产投资完成50亿元；…`); "" when
    ``start`` follows no ；.

    >>> t = "主要预期目标是：税收增长3%；固定资产投资完成50亿元。"
    >>> list_intro(t, t.index("固定")), list_intro(t, 0)
    ('主要预期目标是：', '')
    """
    if start <= lo or text[start - 1] not in "；;":
        return ""
    floor = max(lo, start - L.LIST_INTRO_MAX)
    ends = [text.rfind(c, floor, start) for c in L.SENTENCE_ENDS if c not in "；;"]
    begin = max(floor, *(e + 1 for e in ends))       # the list's sentence begins after the last end
    colons = [i for i in (text.find("：", begin, start), text.find(":", begin, start)) if i >= 0]
    return text[begin:min(colons) + 1] if colons else ""     # up to its first colon


def period_over(prefix: str, year: int | None, ctx: DocContext) -> bool:
    """Whether the last reporting period named before the figure (上半年, 1-9月) was over when the
    document was published."""
    if not ctx.published_year or not year:
        return False
    last = None
    for last in P.REPORT_PERIOD.finditer(prefix):
        pass
    if last is None:
        return False
    if year != ctx.published_year:
        return year < ctx.published_year
    end = L.REPORT_PERIODS.get(last.group(), None)
    end = int(last["m"]) if end is None else end
    return ctx.published_month is not None and ctx.published_month > end


def _named_years(sentence: str, ctx: DocContext) -> list[tuple[int, int]]:
    """(position, year) named in a sentence, relative words resolved against the publication
    year; comparison bases (比上年, 较2020年) left out."""
    if "年" not in sentence:                          # every year word has it
        return []
    found = [(m.start(), int(m["y"])) for m in P.YEAR_WORD.finditer(sentence)]
    if ctx.year:
        found += [(m.start(), ctx.year + L.RELATIVE_YEARS[m.group()]) for m in P.RELATIVE_YEAR.finditer(sentence)
                  if not sentence.endswith(L.RELATIVE_BASE_BEFORE, 0, m.start())]      # 是上年的1.6倍
    return sorted((pos, y) for pos, y in found if not is_base(sentence, pos))


def year_of(prefix: str, sentence: str, ctx: DocContext, carried: int | None = None,
            years: list[tuple[int, int]] | None = None) -> int | None:
    """The year named in the sentence (nearest before the figure, else the first after), else the
    year ``carried`` from the paragraph's opening or its section heading, else the document's.
    ``years``, when given, are the sentence's ``_named_years`` (read once for all its figures)."""
    years = _named_years(sentence, ctx) if years is None else years
    if not years:
        return carried or ctx.year
    before = [y for pos, y in years if pos < len(prefix)]
    return before[-1] if before else years[0][1]


class Sections:
    """The section each line of a text is in, read once from top to bottom: the year of the
    nearest heading above that names one (`二、2025年主要任务`), and the tense of the nearest
    heading at or below it that names a plan or a review (`（二）重点任务` → target)."""

    def __init__(self, bounds: Boundaries, ctx: DocContext, floor: int = 0):
        self.bounds, self.ctx = bounds, ctx
        self.next = bounds.line_index(floor)            # the first line not yet read
        self.year: int | None = None
        self.kind = ""
        self._opening: tuple[int, list[tuple[int, int]]] = (-1, [])    # the last line's opening years
        self.event = False                            # since a paragraph opened with a past day
        self.review_year: int | None = None           # the year a heading of review names

    def _read(self, line: str) -> None:
        if not line or len(line) > L.HEADING_MAX or line.endswith(("。", "；", ";", "，", ",", "|")):
            return
        if P.DATELINE_WORDS.fullmatch(line):
            return                                    # 2024年3月 under a bulletin's title: its date
        # a review's words win over a plan's (重点任务完成情况 reports on tasks)
        kind = "achieved" if _HEADING_ACHIEVED.search(line) else "target" if _HEADING_TARGET.search(line) else ""
        named = P.YEAR_WORD.search(line)
        if named:
            self.year, self.kind = int(named["y"]), kind
            self.review_year = self.year if kind == "achieved" else None
        elif kind:
            self.kind = kind
        if named or kind:
            self.event = False

    def at(self, pos: int) -> tuple[int | None, str]:
        """(year, kind) a figure at ``pos`` inherits: the opening of its paragraph (`2024年，…`;
        a year before publication makes its figures results), else its section's. A paragraph
        opening with a day before publication (`2月22日，…招聘会…举行`) sets ``event``: until a
        heading or a paragraph of plans, a figure without a cue of its own is a result."""
        i = self.bounds.line_index(pos)
        while self.next < i:
            if self.bounds.may_be_short(self.next, L.HEADING_MAX):
                self._read(self.bounds.line(self.next).strip())
            self._news(self.next)
            self.next += 1
        if self._opening[0] != i:
            self._opening = (i, _named_years(self.bounds.line_head(i, 8), self.ctx))
            self._news(i)
        opening = self._opening[1]
        if opening and opening[0][0] == 0:
            year = opening[0][1]
            present = self.ctx.present_year
            if self.review_year is not None and not P.YEAR_WORD.match(self.bounds.line_head(i, 8)):
                year = self.review_year               # 过去一年， under 一、2023年工作回顾: the heading's year
            return year, ("achieved" if present and year < present else "")
        return self.year, self.kind

    def _news(self, i: int) -> None:
        """Keep ``event`` for paragraph ``i``: set by an opening day before publication (not of a
        meeting, whose news sets out plans: …推进会召开), cleared by a paragraph of plans (将, 下一步)."""
        ctx, bounds = self.ctx, self.bounds
        if ctx.published_month is None or ctx.published_day is None:
            return
        a, b = bounds.line_span(i)
        while a < b and bounds.text[a].isspace():
            a += 1
        day = P.MONTH_DAY_OPENING.match(bounds.text, a, b) if a < b and bounds.text[a].isdigit() else None
        if day:
            when = (int(day["m"]), int(day["d"]))
            if when <= (ctx.published_month, ctx.published_day) or when[0] >= ctx.published_month + 6:   # (last year's)
                first = bounds.text[a:b].split("。", 1)[0]
                self.event = not any(w in first for w in L.MEETING_WORDS)
        if self.event and _TARGET.search(bounds.text, a, b):
            self.event = False


def direction_of(prefix: str) -> str:
    """`up`/`down` when a change word governs the figure: only filler (同比, 分别, 至 …) stands
    between them, inside the figure's clause."""
    window = prefix[-24:]
    last_end = P.CHANGE_WINDOW_END.search(window[::-1])          # the last one, read backwards
    if last_end:
        window = window[len(window) - last_end.start():]
    last = None
    for m in P.CHANGE_WORD.finditer(window):
        last = m
    if last is None or last.group() in L.NOT_CHANGE_WORDS:
        return ""
    gap = window[last.end():]
    if P.CHANGE_GAP.fullmatch(gap) is None and not (
        last.group() in L.TRANSITIVE_CHANGE_WORDS and len(gap) <= L.CHANGE_OBJECT_MAX and not P.CHANGE_WORD.search(gap)
    ):
        return ""
    return "up" if last.group() in L.UP_WORDS else "down"


def _strip_noise(s: str) -> str:
    """Drop punctuation, cue words and leading place names (闵行区共实施… → 实施… → …)."""
    places = P.place_pattern()
    for _ in range(3):
        if not s:
            break
        if s[0] in P.METRIC_LEADING_FIRST or s[0].isspace():
            lead = P.METRIC_LEADING_NOISE.match(s)
            if lead:
                s = s[lead.end():]
        if s and (s[-1] in P.METRIC_TRAILING_LAST or s[-1].isspace()):
            s = P.METRIC_TRAILING_NOISE.sub("", s, count=1)
        m = places.match(s) if s[:1] in places.initials else None
        if not m:
            break
        s = s[m[1]:]
    return s


def _after_last_start(s: str) -> str:
    """What follows the last verb or time word of ``s`` that leaves a phrase after it
    (`路街道已完成既有多层住宅加装电梯` → 既有多层住宅加装电梯); ``s`` itself when there is none."""
    for m in reversed(list(P.METRIC_START.finditer(s))):        # the last one that leaves a phrase
        if m.group() in L.RELATIVE_YEARS and is_base(s, m.start()):
            continue                                  # 较去年同期: a comparison base, not a start
        if m.group() in L.PER_UNIT_VERBS and any(p in s[:m.start()] for p in L.PER_UNIT_BEFORE):
            continue                                  # 每万人拥有…: the denominator stays
        if len(s) - m.end() >= 2 and len(_strip_noise(s[m.end():])) >= 2:
            return s[m.end():]
    return s


_TRAILING = tuple(L.TRAILING_QUALIFIERS)
_VERBS = tuple(L.METRIC_STARTS_AFTER)
_QUOTE_OPENS = frozenset(a for a, _ in L.QUOTE_PAIRS)
#: The cue words that may stand right before a figure, by their last character, longest first.
_CUES_BY_LAST = {c: tuple(sorted({w for w in L.METRIC_TRAILING_NOISE if w[-1] == c}, key=len, reverse=True))
                 for c in {w[-1] for w in L.METRIC_TRAILING_NOISE}}
#: Quote marks are shed from a metric, wherever they stand (“美丽家园”改造 → 美丽家园改造).
_UNQUOTE = str.maketrans("", "", "".join(a + b for a, b in L.QUOTE_PAIRS))


def metric_of(text: str, m: Mention, clause: tuple[int, int], prev_end: int) -> tuple[str, str]:
    """A short phrase naming what the figure measures, taken from its clause: for a count the
    noun after it (`131个“15分钟社区生活圈”` → 15分钟社区生活圈; a bare `项目` keeps its verb:
    扶持项目), else the phrase before it from its last verb on (`今年将启动旧住房成套改造8.07万平方米`
    → 旧住房成套改造), cue words and place names shed. Returned with the same phrase read
    without that cut (`…全年计划完成投资` rather than 投资), which the theme weighs."""
    a, b = clause
    lo = max(a, prev_end)
    # the phrase before the figure reaches METRIC_BEFORE_MAX characters beyond the cue words
    # right before it (…总投资分别同比增长91%: the cap does not count 分别同比增长) …
    pos, floor = m.start, max(lo, m.start - L.METRIC_CUE_MAX)
    while pos > floor:                                # read back over the cue words, longest first
        for word in _CUES_BY_LAST.get(text[pos - 1], ()):
            if text.endswith(word, floor, pos):
                pos -= len(word)
                break
        else:
            break
    start = max(lo, pos - L.METRIC_BEFORE_MAX)
    if start > lo:                                    # … and where the cap cuts a verb in two, the
        for w in P.METRIC_START.finditer(text, start - 2, min(start + 2, m.start)):    # phrase begins
            if w.start() < start < w.end():          # after it (预|计全社会… → 全社会…)
                start = w.end()
                break
    raw = text[start:m.start]
    after_raw = text[m.end:b]
    if after_raw.startswith(_TRAILING):
        for q in _TRAILING:
            if after_raw.startswith(q):
                after_raw = after_raw[len(q):]
                break
    after_raw = after_raw[1:] if after_raw.startswith("的") else after_raw.split("的")[0]
    quoted = ""
    if after_raw[:1] in _QUOTE_OPENS:                 # 131个“15分钟社区生活圈”: the name counts whole
        for open_, close in L.QUOTE_PAIRS:
            if after_raw.startswith(open_) and close in after_raw[1:]:
                quoted, after_raw = after_raw[1:].split(close, 1)
                break
    if after_raw.split(maxsplit=1) != [after_raw]:    # white space in it (a cheap test first)
        space = P.CLAUSE_SPACE.search(after_raw)      # a headline's clauses: 口袋公园80个 超额完成…
        if space:
            after_raw = after_raw[:space.start()]
    up_to_number = P.UP_TO_NUMBER.match(after_raw)         # (it always matches, if only "")
    after = _strip_noise((quoted + (up_to_number.group() if up_to_number else ""))[:L.METRIC_AFTER_MAX])
    cut = _after_last_start(raw)
    metric = _phrase(cut, after, m.quantity).translate(_UNQUOTE)
    return metric, metric if cut == raw else _phrase(raw, after, m.quantity).translate(_UNQUOTE)


def _phrase(before: str, after: str, quantity: str) -> str:
    """The metric from the phrases before and after a figure (both cut to its clause)."""
    before = _strip_noise(before)
    if P.QUANTITY_START.search(before):               # another figure or a date before: what follows it
        last = None                                   # (2023年全区固定资产投资 → 固定资产投资), but not
        for m in P.QUANTITY.finditer(before):         # after a per-unit denominator (每千人口床位数)
            if before.endswith(L.PER_UNIT_BEFORE, 0, m.start()):
                continue
            if before.startswith("性", m.end()):
                continue                              # nor inside an adjective (一次性奖励)
            last = m
        if last:
            before = _strip_noise(before[last.end():])
    if before in L.COORDINATORS:
        before = ""                                   # …91%和329%: the metric is the list's
    if quantity == "count" and after:
        return before + after if len(after) <= 2 and len(before) <= 6 else after
    if after and before.endswith(_VERBS):             # 分类实施150万平方米“美丽家园”建设
        return after
    return before or after


def _table_labels(bounds: Boundaries, m: Mention, headers: dict[int, tuple[int, int] | None],
                  seen: dict) -> tuple[str, str, int | None] | None:
    """(metric, kind or "", year) of a figure in a table row: the row's label names the metric,
    the column header tells target from achieved and may name the year. ``seen`` keeps each
    row's cells and each table's column labels, read once."""
    text = bounds.text
    i = bounds.line_index(m.start)
    ls = bounds.line_starts[i]
    if ("row", ls) not in seen:
        le = ls + len(bounds.line(i))
        seen[("row", ls)] = table_cells(text, ls, le) if ls in headers else None
    cells = seen[("row", ls)]
    if cells is None:
        return None
    col = next((i for i, (a, b, _) in enumerate(cells) if a <= m.start < max(b, a + 1)), -1)
    # the row's label: its first cell, after a column of row numbers (| 序号 | 项目 | … |)
    label_cell = cells[row_label(cells)][2] if cells else ""
    metric = P.HEADER_UNIT.sub("", label_cell).strip() if any(k in label_cell for k in L.HEADER_UNIT_MARKS) else label_cell
    header = headers.get(ls)
    if header and header not in seen:                   # each column's kind and year, once a table
        seen[header] = [_column_labels(c) for _, _, c in table_cells(text, *header)]
    columns = seen.get(header, []) if header else []
    kind, year = columns[col] if 0 <= col < len(columns) else ("", None)
    return metric, kind, year


def _column_labels(head: str) -> tuple[str, int | None]:
    """(kind, year) a column header gives its cells: 完成情况 → achieved, 2024年目标 → target, 2024."""
    kind = ""
    if any(w in head for w in L.TABLE_ACHIEVED_HEADERS):
        kind = "achieved"
    elif any(w in head for w in L.TABLE_TARGET_HEADERS):
        kind = "target"
    elif any(w in head for w in L.TABLE_CHANGE_HEADERS):
        kind = "achieved"                              # 同比增长: a change reported beside the results
    year = P.YEAR_WORD.search(head)
    return kind, int(year["y"]) if year else None


def label(doc: Document, mentions: list[Mention]) -> list[Row]:
    """Rows for the mentions of one document."""
    text = doc.text
    if not mentions:
        return []
    spans = doc.body or [(0, len(text))]
    places = place_mentions(text, spans[0][0], spans[-1][1])     # only the body's are read
    place_pos = [p for p, _, _ in places]
    body_places = [p for a, b in doc.body for p in places[bisect_left(place_pos, a):bisect_left(place_pos, b)]]
    ctx = document_context(doc, body_places)
    bounds = Boundaries(text, spans[0][0], spans[-1][1])
    headers: dict[int, tuple[int, int] | None] | None = None
    table_seen: dict = {}
    sections = Sections(bounds, ctx, (doc.body or [(0, 0)])[0][0])
    rows: list[Row] = []
    prev_end, prev_sentence = 0, (-1, -1)
    keyword_span: tuple[int, int] = (-1, -1)
    keywords: list[tuple[int, str, float]] = []
    keyword_pos: list[int] = []
    span_i = 0
    last_wide = ""
    for m in mentions:
        while span_i + 1 < len(spans) and spans[span_i][1] < m.start:
            span_i += 1
        lo, hi = spans[span_i]
        s0, s1, whole = bounds.sentence(m.start, m.end, lo, hi)
        if whole != keyword_span:                       # once per sentence that holds figures
            keyword_span = whole
            keywords = theme_matches(text[whole[0]:whole[1]], whole[0])
            keyword_pos = [p for p, _, _ in keywords]
        if (s0, s1) != prev_sentence:                   # what the sentence tells all its figures
            prev_end, prev_sentence = s0, (s0, s1)
            sentence = text[s0:s1]
            stripped = sentence.strip()
            years = _named_years(sentence, ctx)
            in_list = P.LIST_MARKER.match(text, *bounds.line_span(bounds.line_index(s0))) is not None
            section: tuple[int | None, str] | None = None
            intro = list_intro(text, s0, lo)          # 目标是：…；固定资产投资完成50亿元；…
            found = [(p - s0, place, full) for p, place, full in places[bisect_left(place_pos, s0):bisect_left(place_pos, s1)]]
            sentence_keywords = keywords[bisect_left(keyword_pos, s0):bisect_left(keyword_pos, s1)]
        c0, c1 = bounds.clause(m.start, m.end, s0, s1)
        prefix, suffix = text[s0:m.start], text[m.end:s1]
        if "|" in sentence and headers is None:
            headers = table_headers(text)
        in_table = _table_labels(bounds, m, headers, table_seen) if headers is not None and "|" in sentence else None
        if in_table:                                  # a table row: its label and its column decide
            metric, table_kind, table_year = in_table
            wide_metric = metric
            if section is None:
                section = sections.at(s0)
            kind, year = table_kind or section[1] or ctx.default_kind, table_year or section[0] or ctx.year
            c0, c1 = s0, s1
        else:
            metric, wide_metric = metric_of(text, m, (c0, c1), prev_end)
            if not metric:                            # …，其中3个在…: the sentence's last metric
                metric, wide_metric = (rows[-1].metric, last_wide) if rows and rows[-1].sentence == stripped else ("", "")
            if section is None:
                section = sections.at(s0)
            section_year, heading_kind = section
            section_kind = heading_kind or ("target" if in_list else "")     # an item of a list of tasks
            year = year_of(prefix, sentence, ctx, section_year, years)
            # reported: for a period over at publication (上半年, …), or under a heading of a past
            # year when the sentence names none (2023年…统计公报, published in 2024)
            reported = period_over(prefix, year, ctx) or (
                not years and section_year is not None and ctx.present_year is not None and section_year < ctx.present_year)
            default = section_kind or ("achieved" if sections.event else ctx.default_kind)
            kind = kind_of(intro + prefix, suffix, intro + sentence, default,
                           bool(section_kind), reported, plan=in_list and heading_kind == "target")
            if kind == "achieved" and years and year and ctx.published_year and year > ctx.published_year:
                kind = "target"                       # 2025年底前完成…, written in 2024: not done yet
        direction = direction_of(prefix)
        if not direction and rows and rows[-1].sentence == stripped and rows[-1].direction:
            if P.COORDINATION_GAP.fullmatch(text, prev_end, m.start):
                direction = rows[-1].direction            # 分别增长69.8%、57.8%和33.1%
        if not direction and m.rule == "doubling":
            direction = "up"
        wide = P.DISTRICT_WIDE.search(text, c0, m.start)
        breakdown = text.find(L.BREAKDOWN, m.end, s1)
        district, subdistrict = sentence_place(found, m.start - s0, c0 - s0, ctx, wide.start() - s0 if wide else None,
                                               breakdown - s0 if breakdown >= 0 else None)
        if wide and not district:                     # 全区 names the district last named before it
            named = [p.district for pos, p, full in places[:bisect_left(place_pos, wide.start())] if p.county_level]
            if named:
                district, subdistrict = named[-1], ""
        rows.append(Row(
            doc_id=doc.doc_id, title=doc.title, published=doc.published,
            district=district, subdistrict=subdistrict,
            theme=theme_of(
                wide_metric,
                keywords[bisect_left(keyword_pos, c0):bisect_left(keyword_pos, c1)],
                sentence_keywords,
            ) or (rows[-1].theme if rows and rows[-1].start >= lo else L.DEFAULT_THEME),
            kind=kind,
            metric=metric, value=m.value, unit=m.unit, value_norm=m.value_norm,
            value_norm_max=m.value_norm_max, unit_norm=m.unit_norm, quantity=m.quantity,
            qualifier=m.qualifier, direction=direction, year=year,
            surface=m.surface, sentence=stripped, start=m.start, end=m.end,
            source=doc.source, rule=m.rule,
        ))
        prev_end, last_wide = m.end, wide_metric
    return rows
