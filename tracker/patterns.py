r"""The only module that holds regular-expression source. Every pattern is built from the tables
in ``lexicon`` by :func:`alternation` (escaped, longest alternative first) and compiled once.

The hot pattern (QUANTITY) uses the standard library's ``re``, which runs it about twice as fast;
long word lists (places, theme keywords) use an Aho-Corasick automaton (``WordMatcher``); ``regex`` serves where Unicode properties (``\p{Han}``) help.
All patterns are linear: no nested quantifiers over overlapping classes, bounded repeats
where a stretch is quoted, and alternations of literals.
"""
from __future__ import annotations

import re as _re
from collections.abc import Iterable, Iterator
from functools import cache

import regex

from . import lexicon as L


def alternation(words: Iterable[str]) -> str:
    """A non-capturing alternation of literal words, longest first, so 平方公里 wins over 公里.

    >>> alternation(["米", "公里", "平方公里"])
    '(?:平方公里|公里|米)'
    """
    unique = sorted(set(words), key=lambda w: (-len(w), w))
    return "(?:" + "|".join(regex.escape(w) for w in unique) + ")"


def _unit_alternation() -> str:
    # ASCII units (kW, km, m²) must not run on into a longer Latin word (5Gbps, 3kmh).
    words = list(L.UNITS) + list(L.CLASSIFIERS)
    latin = [w for w in words if w[0].isascii() and w[0].isalpha()]
    other = [w for w in words if w not in latin]
    return "(?:" + alternation(other)[3:-1] + "|" + alternation(latin) + r"(?![A-Za-z])" + ")"


CHINESE_NUMERAL_CHARS = "".join(
    sorted(set(L.CHINESE_DIGITS) | set(L.CHINESE_SMALL_UNITS) | set(L.CHINESE_BIG_UNITS))
)
#: Arabic numbers: thousands separators (only before exactly three digits), decimals, full width.
#: The digits are read whole (possessive ``++``): no unit begins with a digit, so a shorter
#: reading never matches, and trying each one made a date such as 2022-08-02 cost 6 µs.
ARABIC = r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9０-９]++)(?:[.．][0-9０-９]++)?"
#: A run of Chinese numeral characters; numerals.parse_chinese decides whether it is a number.
#: A lone zero word is none (零部件, 零距离).
CHINESE = (f"(?!{alternation(L.ZERO_WORDS)}(?![{CHINESE_NUMERAL_CHARS}点]))"
           "[" + CHINESE_NUMERAL_CHARS + "]{1,24}(?:点[〇零一二三四五六七八九]{1,8})?")    # 九十六点五
MULTIPLIER = alternation(L.MULTIPLIERS)
UNIT = _unit_alternation()
#: A multiplier that is not the head of a unit (`12千瓦时` is 12 kWh, not 12 千 × 瓦 and a stray 时).
_UNITS_WITH_A_MULTIPLIER_HEAD = [
    u for u in [*L.UNITS, *L.CLASSIFIERS] if any(u.startswith(m) and len(u) > len(m) for m in L.MULTIPLIERS)
]
FREE_MULTIPLIER = f"(?!{alternation(_UNITS_WITH_A_MULTIPLIER_HEAD)}){MULTIPLIER}"
#: Arabic digits with Chinese place multipliers between them, as budgets write amounts:
#: `1亿5000万`, `2亿3千万`, `3万5千`, and `12万3456` (four digits after 万). numerals.parse_mixed
#: checks that each part is below the one before.
MIXED = rf"[0-9]{{1,4}}(?:亿|万)(?:[0-9]{{1,4}}{FREE_MULTIPLIER})*(?:[0-9]{{1,4}}{FREE_MULTIPLIER}|(?<=万)[0-9]{{4}}(?![0-9]))"

QUANTITY = _re.compile(
    rf"""
    (?<![0-9０-９.．A-Za-z_/+＋\#×])(?<![0-9],)    # not the tail of a longer number, code or formula
    (?:
        (?P<frac>                                 # 三分之二, 百分之十五, 千分之五
            (?P<den>{ARABIC}|{CHINESE}) 分之 (?P<numer>{ARABIC}|{CHINESE})
        )
      | (?P<cheng>                                # 九成, 七成五 (a share in tenths)
            (?P<cheng_n>[一二两三四五六七八九十]) 成 (?P<cheng_d>[一二三四五六七八九](?![0-9一二三四五六七八九十百千万亿个名家人户所项条位]))?
        )
      | (?P<fan>                                  # 翻一番, 翻两番, 翻番
            翻 了? (?P<fan_n>[一两二三四])? 番
        )
      | (?P<slash>                                # 3/4 (a share, only small whole numbers)
            (?P<sl_n>[0-9]{{1,2}}) / (?P<sl_d>[0-9]{{1,2}}) (?![0-9/])
        )
      | (?P<qty>
            (?P<sign>[-−－](?=[0-9]))?                                # 同比-2.1%: a written minus
            (?P<n1>{MIXED}|{ARABIC}|{CHINESE}) [ \u00a0]?
            (?P<inner0>{alternation(L.INNER_QUALIFIERS)}(?={MULTIPLIER}))?    # 10余万平方米, 20多万人
            (?P<m1>{FREE_MULTIPLIER})?                                 # 8.07 万 | 二十三万 | 52.52 万
            [ \u00a0]?                                                # 4396 吨: one space may stand before the unit
            (?:                                                        # a range: 3至5, 3%-5%
                (?P<u1>{UNIT})? (?P<sep>{alternation(L.RANGE_SEPARATORS)})
                (?P<n2>{ARABIC}|{CHINESE}) (?P<m2>{FREE_MULTIPLIER})?
            )?
            (?P<inner>{alternation(L.INNER_QUALIFIERS)})?            # 20000余家, 1.4万多家
            (?P<unit>{UNIT})                                           # 平方米, 亿元 → 元, 个 …
            (?: / (?P<per>{alternation(L.PER_UNITS)}) )?               # 3.5万元/亩
        )
    )
    """,
    _re.VERBOSE,
)

#: Where a quantity can start: digits, Chinese numerals, 翻 (翻一番). Scanning for these with the
#: standard library's ``re`` and trying QUANTITY only there is several times faster than letting
#: QUANTITY search every position, with the same matches (every alternative starts with one).
QUANTITY_START = _re.compile("[-−－0-9０-９翻" + CHINESE_NUMERAL_CHARS + "]+")

#: What can stand right after a run of Chinese numerals inside a quantity: a character of a
#: unit, classifier, multiplier, qualifier or range word, 分(之), 成, 点 or a space. No unit is
#: made of numerals alone, so a run followed by anything else starts no quantity (一体化, 进一步).
NUMERAL_FOLLOW = frozenset(
    "".join([*L.UNITS, *L.CLASSIFIERS, *L.MULTIPLIERS, *L.INNER_QUALIFIERS, *L.RANGE_SEPARATORS, *L.PER_UNITS])
    + "分成点 \u00a0"
)

#: Bare numbers coordinated before a figure that carries the unit for all of them
#: (`分别为120和35亿元`, `分别新建3、5、8个`): read backwards from the figure.
COORDINATED_BEFORE = _re.compile(rf"(?<![0-9０-９.．,])(?P<n>{ARABIC})\s*(?:、|和|及|与|,|，)\s*\Z")
#: A single digit and a 、 just before a figure one higher (`3、4个`): an estimate, 3 to 4.
PAIR_BEFORE = _re.compile(r"(?<![0-9０-９.．,，、])(?P<n>[1-9])、\Z")
#: The word that makes such a list a list of separate figures.
RESPECTIVELY = "分别"

#: A bare number filling a table cell (`| 312.5 |`): the unit comes from the column header.
BARE_CELL = _re.compile(
    rf"""^\s*
    (?P<lead>{alternation(L.LEADING_QUALIFIERS)})?
    (?P<n1>{ARABIC}) (?P<m1>{MULTIPLIER})?
    (?P<trail>{alternation(L.TRAILING_QUALIFIERS)})?
    \s*$""",
    _re.VERBOSE,
)
#: A unit in a column header: `投资额(亿元)`, `面积（万平方米）`, `单位:亿元`.
HEADER_UNIT = _re.compile(
    rf"""(?:[(（]\s*(?:单位[:：]\s*)? | 单位[:：]\s*)
    (?P<m>{MULTIPLIER})? (?P<unit>{UNIT})
    \s*[)）]?""",
    _re.VERBOSE,
)

#: Quoted names and slogans (`“三张清单”`, `《…》`): short stretches between matching marks,
#: never across a line break.
QUOTED = _re.compile(
    "|".join(
        f"{_re.escape(a)}[^{_re.escape(a + b)}\\n\\r]{{1,{L.QUOTED_NAME_MAX}}}{_re.escape(b)}"
        for a, b in L.QUOTE_PAIRS if a != b
    )
    + "|" + "|".join(
        f"{_re.escape(a)}[^{_re.escape(a)}\\n\\r]{{1,{L.QUOTED_NAME_MAX}}}{_re.escape(a)}"
        for a, b in L.QUOTE_PAIRS if a == b
    )
)

#: Years: `2023年`, and in headers and titles a bare `2023`. (On ``regex``: the standard
#: library's ``re`` scans a pattern that opens with a look-behind several times slower.)
YEAR_WORD = regex.compile(r"(?<![0-9])(?P<y>(?:19[5-9]|20[0-9])[0-9])\s*年")
YEAR_BARE = regex.compile(r"(?<![0-9])(?P<y>(?:19[5-9]|20[0-9])[0-9])(?![0-9])")
#: Nothing, or only a year (and 关于), before the words it opens (`2024年上海市…`).
YEAR_OPENING = _re.compile(r"\s*(?:关于)?\s*(?:(?:19[5-9]|20[0-9])[0-9]\s*年(?:度)?)?\s*")
#: A day of the month opening a paragraph (`2月22日，…`).
MONTH_DAY_OPENING = _re.compile(r"\s*(?P<m>1[0-2]|0?[1-9])\s*月\s*(?P<d>3[01]|[12][0-9]|0?[1-9])\s*[日号]")
#: A line that is only a year and month (and day): a dateline (`2024年3月`), not a heading.
DATELINE_WORDS = regex.compile(r"\s*(?:19[5-9]|20[0-9])[0-9]\s*年\s*[0-9]{1,2}\s*月(?:\s*[0-9]{1,2}\s*[日号])?\s*")
RELATIVE_YEAR = _re.compile(alternation(L.RELATIVE_YEARS))

#: Publication dates: 2026-02-24 20:27:54, 2023/10/24, 2023年10月24日, 2023.10.24.
DATE = regex.compile(
    r"(?<![0-9])(?P<y>(?:19[5-9]|20[0-9])[0-9])\s*(?:[-/.]|年)\s*(?P<m>1[0-2]|0?[1-9])\s*(?:[-/.]|月)"
    r"\s*(?P<d>3[01]|[12][0-9]|0?[1-9])(?![0-9])"
    # … and in Chinese numerals, as reports and notices date themselves: 二〇二四年一月九日
    r"|(?<![〇零一二三四五六七八九])(?P<y>[一二][〇零一二三四五六七八九]{3})\s*年\s*(?P<m>十[一二]?|[一二三四五六七八九])\s*月"
    r"\s*(?P<d>三十[一]?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])\s*[日号]"
)
#: A line that introduces the date of publication.
DATE_CUE = _re.compile(alternation(L.DATE_CUES))

#: Sentences: a run up to and including a sentence end (or the end of the text).
SENTENCE = regex.compile(f"[^{regex.escape(L.SENTENCE_ENDS)}]*(?:[{regex.escape(L.SENTENCE_ENDS)}]|$)")
SENTENCE_END = _re.compile(f"[{_re.escape(L.SENTENCE_ENDS)}]")
CLAUSE_END = _re.compile(f"[{_re.escape(L.CLAUSE_ENDS + L.SENTENCE_ENDS)}]")
#: List numbering at the start of a line: `1.`, `2、`, `(三)`, `（3）`, `四、`, `①`.
LIST_MARKER = _re.compile(r"\s*(?:[0-9０-９]{1,3}\s*[.．、)）]|[(（]\s*[0-9一二三四五六七八九十]{1,3}\s*[)）]|[一二三四五六七八九十]{1,3}\s*[、.．]|[①-⑳])")
#: A cell of a column of row numbers: `1`, `2.`, `（三）`, `四、` (and any bare number).
ROW_NUMBER = _re.compile(r"[(（]?\s*(?:[0-9０-９.．]+|[一二三四五六七八九十]{1,3})\s*[)）.．、]?")
#: Lines of a markdown/plain table: `| a | b |`.
TABLE_LINE = regex.compile(r"(?:^|(?<=\r))[ \t]*\|[^\r\n]*\|[ \t]*(?=\r|\n|\Z)", regex.MULTILINE)

TABLE_RULE = regex.compile(r"^\s*\|?(?:\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*$")
LINE_BREAK = _re.compile(r"\r\n|\r|\n")
#: Lines: text between line breaks (\n, \r\n or a lone \r).
LINE = regex.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
#: White space that parts two clauses of a headline (`口袋公园80个 超额完成年初计划`): before Han
#: text, after Han text or at the start of the phrase after a figure (`3 个 AI 应用` is no break).
CLAUSE_SPACE = regex.compile(r"(?:^|(?<=\p{Han}))\s+(?=\p{Han})")
#: What parts the items of a menu line: two spaces or more, or a bar (`首页  信息公开  政务服务`).
MENU_GAP = _re.compile(r"[ \u3000\t]{2,}|[ \u3000]*[|│丨][ \u3000]*")
#: Han characters, for telling prose lines from navigation.
HAN = regex.compile(r"\p{Han}")


@cache
def han_at_least(n: int) -> "regex.Pattern[str]":
    """A pattern that matches at the start of a text holding at least ``n`` Han characters:
    one linear scan in C (possessive runs never backtrack), whatever the length of the line."""
    return regex.compile(r"(?:\P{Han}*+\p{Han}){%d}" % n)


@cache
def common_han_at_least(n: int) -> "_re.Pattern[str]":
    """As :func:`han_at_least`, counting only the common block of Han characters (U+4E00 to
    U+9FFF), which the standard library's ``re`` reads about twice as fast: enough to say yes
    for most lines of Chinese text, while a no must still be checked by ``han_at_least``."""
    return _re.compile("(?:[^\u4e00-\u9fff]*+[\u4e00-\u9fff]){%d}" % n)


#: Words of page furniture (metadata, bylines, navigation): any of them in a short line.
FURNITURE_CUE = _re.compile(alternation(L.FURNITURE_CUES))
#: Phone numbers: mobile, service and landline numbers.
PHONE = regex.compile(r"(?<![0-9])(?:1[3-9][0-9]{9}|400[ -]?[0-9]{3,4}[ -]?[0-9]{3,4}|0[0-9]{2,3}-?[0-9]{7,8})(?![0-9])")

#: Qualifier words just before a figure (searched in the few characters before it) and just after.
LEADING_QUALIFIER = _re.compile(alternation(L.LEADING_QUALIFIERS) + r"\Z")
TRAILING_QUALIFIER = _re.compile(alternation(L.TRAILING_QUALIFIERS))
#: An adverb of quantity standing before the figure's verb (`至少举办`): searched just before it.
ADVERB_QUALIFIER = _re.compile(rf"(?P<q>{alternation(L.ADVERB_QUALIFIERS)})[\u4e00-\u9fff]{{1,{L.VERB_GAP_MAX}}}\Z")
#: A phrase up to the next number or qualifier (the metric after a figure stops there).
UP_TO_NUMBER = _re.compile("(?:(?![约近超逾]?[0-9０-９]).)*")
#: What a metric phrase sheds: punctuation, and leading and trailing cue words (启动…, …同比增长).
#: The verbs and time words after which the thing measured begins (see lexicon).
METRIC_START = _re.compile(alternation(L.METRIC_STARTS_AFTER))
_METRIC_PUNCT_CHARS = "“”\"'‘’《》()（）[]【】:：,，、"
_METRIC_PUNCT = rf"[\s{_re.escape(_METRIC_PUNCT_CHARS)}]"
_METRIC_LEADING_WORDS = (*L.METRIC_LEADING_NOISE, *L.REPORT_PERIODS)          # …and periods: 前三季度
#: A comparison base: 较去年同期, 比上年, 较2022年 (同期), shed at either end of a metric.
COMPARISON_BASE = (rf"(?:{alternation(L.YEAR_BASE_BEFORE)})\s*"
                   rf"(?:(?:19[5-9]|20[0-9])[0-9]\s*年(?:同期)?|{alternation(L.COMPARISON_PERIODS)})"
                   rf"|(?:{alternation(L.RELATIVE_BASE_BEFORE)}){alternation(L.COMPARISON_PERIODS)}")    # 是上年的1.6倍
METRIC_LEADING_NOISE = _re.compile(rf"(?:{_METRIC_PUNCT}|{alternation(_METRIC_LEADING_WORDS)}|{COMPARISON_BASE})+")
#: …and at its end the change words too (…满意率提升, 较去年同期上升: the figure is the change).
_METRIC_TRAILING_WORDS = (*L.METRIC_TRAILING_NOISE, *(w for w in (*L.UP_WORDS, *L.DOWN_WORDS) if len(w) > 1))
#: (约 only where it is no part of a word: 完成签约 keeps its 约)
METRIC_TRAILING_NOISE = _re.compile(
    rf"(?:{_METRIC_PUNCT}|{alternation(w for w in _METRIC_TRAILING_WORDS if w != '约')}|(?<![{L.NOT_APPROX_BEFORE}])约"
    rf"|{COMPARISON_BASE})+$")
#: The characters trailing noise can end with (besides white space): a phrase ending otherwise
#: has none, and the costly search for it is skipped.
METRIC_TRAILING_LAST = frozenset(
    _METRIC_PUNCT_CHARS + "".join(w[-1] for w in (*_METRIC_TRAILING_WORDS, *L.COMPARISON_PERIODS)) + "年")
#: Likewise the characters leading noise can begin with (besides white space).
METRIC_LEADING_FIRST = frozenset(_METRIC_PUNCT_CHARS + "".join(w[0] for w in (*_METRIC_LEADING_WORDS, *L.YEAR_BASE_BEFORE)))


class WordMatcher:
    """Leftmost-longest matching of a long word list (places, theme keywords) with an
    Aho-Corasick automaton (ahocorasick-rs): one pass over the text whatever the number of
    words, about ten times faster than the same list as a regular expression."""

    def __init__(self, words: Iterable[str]):
        from ahocorasick_rs import AhoCorasick, Implementation, MatchKind

        self.words = sorted(set(w for w in words if w))
        # a DFA: about 1.5 times faster over Chinese text than the default NFA, for about 8 MB
        # more memory (the 2,700 place names)
        self._automaton = AhoCorasick(self.words, matchkind=MatchKind.LeftmostLongest, implementation=Implementation.DFA)
        by_initial: dict[str, list[str]] = {}
        for w in sorted(self.words, key=len, reverse=True):
            by_initial.setdefault(w[0], []).append(w)
        self._by_initial = {c: tuple(ws) for c, ws in by_initial.items()}
        self.initials = frozenset(self._by_initial)     # the first characters of the words

    def indexes(self, text: str) -> list[tuple[int, int, int]]:
        """(index in ``words``, start, end) of each match, left to right, not overlapping."""
        return self._automaton.find_matches_as_indexes(text)

    def finditer(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, word) of each match, left to right, not overlapping."""
        words = self.words
        for i, start, end in self._automaton.find_matches_as_indexes(text):
            yield start, end, words[i]

    def match(self, text: str) -> tuple[int, int, str] | None:
        """The match at the very start of ``text``, if any."""
        words = self._by_initial.get(text[:1])
        if not words or not text.startswith(words):
            return None
        word = next(w for w in words if text.startswith(w))     # the longest, as the automaton would
        return 0, len(word), word



@cache
def place_pattern() -> WordMatcher:
    """Full names of districts, towns and sub-districts and their short forms, longest first.
    Whether a short form is a place where it stands (黄浦江, 普陀山 are not) is decided by
    ``labels.place_mentions`` from SHORT_PLACE_BLOCK_BEFORE/AFTER."""
    from .gazetteer import places

    return WordMatcher([p.name for p in places()] + [s for p in places() for s in p.short])


@cache
def theme_pattern() -> WordMatcher:
    """Every theme keyword (the theme is looked up from the matched word)."""
    from .gazetteer import themes

    return WordMatcher(k for t in themes() for k in t.keywords)


@cache
def idiom_pattern() -> WordMatcher:
    """Fixed expressions with numerals that count nothing (千方百计, 一站式)."""
    return WordMatcher(L.IDIOMS)


#: A reporting period: one of REPORT_PERIODS, or months from January (`1-9月`, `1至6月`).
#: (The look-behind stands after the first character, so that every branch opens with a
#: character and the engine skips to the places where one can start.)
REPORT_PERIOD = _re.compile(rf"{alternation(L.REPORT_PERIODS)}|[1一](?<![0-9].)\s*[-—–~至到]\s*(?P<m>1[0-2]|[1-9])\s*月")
#: Words that make a figure the whole district's (`全区新增…`), whatever town was named before.
DISTRICT_WIDE = _re.compile(alternation(L.DISTRICT_WIDE))


def cue_pattern(words: Iterable[str]) -> "_re.Pattern[str]":
    return _re.compile(alternation(words))


#: Change words (and the look-alikes that are not changes, matched first: 增加值 before 增加).
CHANGE_WORD = _re.compile(alternation([*L.UP_WORDS, *L.DOWN_WORDS, *L.NOT_CHANGE_WORDS]))
CHANGE_GAP = _re.compile(f"(?:{alternation(L.CHANGE_FILLER)})*")
COORDINATION_GAP = _re.compile(f"(?:{alternation([*L.COORDINATORS, *L.TRAILING_QUALIFIERS])})+")
#: Where a change's reach stops: the last comma, semicolon or full stop before the figure.
CHANGE_WINDOW_END = _re.compile("[，,；;。：:！？!?\n\r]")
