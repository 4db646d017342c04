"""Bytes → a Document: decoding, HTML main text, title, publication date, and which stretches of
the text are the article body (the rest is page furniture: navigation, sidebars, ads, footers).

Nothing here opens a file; ``reader.py`` does the I/O and hands bytes in.
"""
from __future__ import annotations

import codecs
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from . import lexicon as L
from . import patterns as P
from .extract import find_mentions, line_end
from .numerals import parse_chinese


class DocumentError(ValueError):
    """A document that cannot be read; the message is the plain reason shown to the user."""


@dataclass(slots=True)
class Document:
    doc_id: str
    text: str
    title: str = ""
    published: str = ""
    source: str = ""
    #: (start, end) spans of article body; outside them is page furniture.
    body: list[tuple[int, int]] = field(default_factory=list)


# --- decoding -------------------------------------------------------------------------------

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF"), (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"\xd0\xcf\x11\xe0", "an Office document"), (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"), (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"), (b"7z\xbc\xaf", "a 7-Zip archive"), (b"\x7fELF", "a program"),
)


def decode(data: bytes) -> str:
    """Bytes → text, by content: UTF-8 (BOM dropped), UTF-16 with a BOM, else GB18030.
    No newline translation: offsets into the result are offsets into the document.

    Raises DocumentError with a plain reason for what is not text.

    >>> decode("宝山".encode("gb18030"))
    '宝山'
    >>> decode(codecs.BOM_UTF8 + "宝山".encode())
    '宝山'
    >>> decode(codecs.BOM_UTF16_BE + "宝山\\r\\n".encode("utf-16-be"))
    '宝山\\r\\n'
    >>> decode(b"%PDF-1.7 ...")
    Traceback (most recent call last):
    tracker.document.DocumentError: not text: looks like a PDF
    """
    if not data.strip():
        raise DocumentError("empty")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise DocumentError(f"not text: looks like {what}")
    if data.startswith(codecs.BOM_UTF8):
        return _checked(data[len(codecs.BOM_UTF8):], "utf-8", "UTF-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(data, "utf-16", "UTF-16")      # the codec reads and drops the BOM
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return _text_or_binary(text)
    raise DocumentError(_UNDECODABLE)


_UNDECODABLE = "could not decode as UTF-8, GB18030 or UTF-16"


def _checked(data: bytes, encoding: str, name: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise DocumentError(f"{_UNDECODABLE} (it starts with a {name} byte-order mark but is not {name})") from None
    return _text_or_binary(text)


#: Characters sampled at the head, middle and tail of a text to tell text from binary data.
_SAMPLE = 4096
#: Control characters other than line breaks, tabs and NUL (the NUL share is judged apart).
_CONTROL = bytes(c for c in range(32) if chr(c) not in "\n\r\t\f\v\x00")


def _control_count(sample: str) -> int:
    """How many control characters ``sample`` holds: counted among its ASCII characters, which
    are few in Chinese text and kept in C (a Python loop over every character took a tenth of
    the time of a whole extraction).

    >>> _control_count("甲\\x01乙\\n\\t\\x1f")
    2
    """
    ascii_only = sample.encode("ascii", "ignore")
    return len(ascii_only) - len(ascii_only.translate(None, _CONTROL))


def _text_or_binary(text: str) -> str:
    """``text`` itself, unless it is binary data that happened to decode, or blank.

    A text may hold NUL bytes (padding at the end, a few inside from a bad copy) and is still
    read; a sample that is over a tenth other control characters, or over a quarter NUL
    (UTF-16 without a byte-order mark, an image), is binary.
    """
    n = len(text.rstrip("\x00"))                       # NUL padding at the end is not content
    if n <= 3 * _SAMPLE:
        sample = text[:n]
    else:
        mid = n // 2
        sample = text[:_SAMPLE] + text[mid:mid + _SAMPLE] + text[n - _SAMPLE:n]
    if sample:
        control = _control_count(sample)
        if control / len(sample) > 0.1 or sample.count("\x00") / len(sample) > 0.25:
            raise DocumentError("not text: binary data")
    if not text.strip(" \t\r\n\x00\ufeff\u3000\xa0"):
        raise DocumentError("empty")
    return text


def html_text(html: str) -> tuple[str, str, str]:
    """HTML → (main text, title, published) with trafilatura; falls back to all visible text
    (trafilatura finds nothing in a fragment without ``<html>`` or ``<body>``)."""
    text = title = published = ""
    try:
        import trafilatura  # imported here: only HTML needs it, and it is slow to import

        result = trafilatura.bare_extraction(html, with_metadata=True, include_tables=True, include_comments=False)
        if result is not None:
            text = getattr(result, "text", None) or ""
            title = getattr(result, "title", None) or ""
            published = getattr(result, "date", None) or ""
        if not text.strip():
            text = trafilatura.html2txt(html) or ""
    except Exception:  # noqa: BLE001 - a page trafilatura chokes on still has visible text
        text = ""
    if not text.strip():
        text, title = _visible_text(html, title)
    return text, title.strip(), _iso_date(published)


#: Elements whose content is not shown; and elements that start a new line.
_HIDDEN = frozenset(("script", "style", "head", "template", "noscript", "svg", "iframe", "object"))
_BLOCK = frozenset((
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "header", "footer", "nav", "aside", "blockquote", "pre", "dd", "dt",
    "dl", "hr", "form", "main", "figure", "figcaption", "td", "th", "caption",
))


def _visible_text(html: str, title: str = "") -> tuple[str, str]:
    """All visible text of an HTML page or fragment, one line per block (standard library only)."""
    from html.parser import HTMLParser

    parts: list[str] = []
    title_parts: list[str] = []
    state = {"hidden": 0, "title": False}

    class _Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "title":
                state["title"] = True
            elif tag in _HIDDEN:
                state["hidden"] += 1
            elif tag in _BLOCK:
                parts.append("\n")

        def handle_startendtag(self, tag, attrs):
            if tag in _BLOCK:
                parts.append("\n")

        def handle_endtag(self, tag):
            if tag == "title":
                state["title"] = False
            elif tag in _HIDDEN:
                state["hidden"] = max(0, state["hidden"] - 1)
            elif tag in _BLOCK:
                parts.append("\n")

        def handle_data(self, data):
            if state["title"]:
                title_parts.append(data)
            elif not state["hidden"]:
                parts.append(data)

    parser = _Parser(convert_charrefs=True)
    with contextlib.suppress(Exception):              # html.parser is lenient; keep what was read
        parser.feed(html)
        parser.close()
    raw = "".join(parts)
    out = "\n".join(line.strip() for line in raw.split("\n"))
    while "\n\n\n" in out:
        out = out.replace("\n\n\n", "\n\n")
    return out.strip(), title or "".join(title_parts).strip()


def _iso_date(s: str) -> str:
    """The first real calendar date in ``s`` as YYYY-MM-DD, or "".

    >>> _iso_date("发布时间：2023年10月24日 14:09"), _iso_date("2023-02-30"), _iso_date("")
    ('2023-10-24', '', '')
    """
    for m in P.DATE.finditer(s or ""):
        iso = _valid_date(m)
        if iso:
            return iso
    return ""


def _valid_date(m) -> str:
    """A DATE match as YYYY-MM-DD, or "" when it names no real day (2023-02-30).

    >>> _iso_date("二〇二四年一月九日"), _iso_date("二〇二三年十二月三十一日")
    ('2024-01-09', '2023-12-31')
    """
    try:
        return date(*(_date_number(m[g]) for g in ("y", "m", "d"))).isoformat()
    except (ValueError, TypeError):
        return ""


def _date_number(s: str) -> int:
    """A part of a date in Arabic or Chinese numerals (二〇二四 digit by digit, 二十五 as a number)."""
    if s.isdigit():
        return int(s)
    if all(c in L.CHINESE_DIGITS for c in s) and len(s) == 4:
        return int("".join(str(L.CHINESE_DIGITS[c]) for c in s))
    value = parse_chinese(s)
    if value is None:
        raise ValueError(s)
    return value


# --- structure ------------------------------------------------------------------------------

def lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, stripped content) of each line; end excludes the line break.

    Lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r`` only (not at the form feeds and
    Unicode separators ``str.splitlines`` also breaks at), as sentences do.

    >>> lines("甲\\r\\n 乙 \\r丙\\x0c丁\\n")
    [(0, 1, '甲'), (3, 6, '乙'), (7, 10, '丙\\x0c丁')]
    """
    return list(iter_lines(text))


def iter_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, stripped content) of each line, one at a time (see :func:`lines`)."""
    if "\r" not in text:                              # the common case: found by str.find
        start, n = 0, len(text)
        while start < n:
            end = text.find("\n", start)
            if end < 0:
                end = n
            yield start, end, text[start:end].strip(_BLANK)
            start = end + 1
        return
    for m in P.LINE.finditer(text):
        start, end = m.span()
        if start == end:
            break                                     # the empty match at the very end
        content_end = end
        if text.endswith("\n", start, content_end):
            content_end -= 1
        if text.endswith("\r", start, content_end):
            content_end -= 1
        yield start, content_end, text[start:content_end].strip(_BLANK)


#: What is stripped from both ends of a line before it is judged.
_BLANK = " \t\u3000\xa0\ufeff\x00"


_BULLET_CHARS = "".join(L.BULLETS) + " \t\u3000\xa0"


def _strip_bullet(s: str) -> str:
    return s.lstrip(_BULLET_CHARS)


def _has_han(s: str, n: int = 1) -> bool:
    """Whether ``s`` holds at least ``n`` Han characters."""
    return len(s) >= n and (P.common_han_at_least(n).match(s) is not None or P.han_at_least(n).match(s) is not None)


def is_furniture_line(s: str) -> bool:
    """A line of navigation, metadata, ads or link lists, judged on its own."""
    if not s:
        return False
    core = _strip_bullet(s)
    if core.endswith(L.TRUNCATION_MARKS) and not core.endswith("……") and len(core) < 80:
        return True                                   # a truncated headline from a link list
    if len(core) <= 30 and core.endswith(L.SITE_NAME_ENDINGS):
        return True                                   # the site's name: 上海市宝山区人民政府
    if len(s) <= 80 and _is_menu(s):
        return True                                   # 首页  信息公开  政务服务  互动交流
    wordy = _has_han(s, 15)
    prose = wordy or s.endswith(("。", "！", "？", "；"))
    if prose and len(s) <= 80 and _is_metadata(core):
        return True                                   # 发布日期：… 信息来源：… 浏览次数：…
    # metadata, bylines, navigation: a short line with a cue word; but a cue inside a line that
    # states a figure is a word of its sentence (资金来源：…2.6亿元, 12345热线办结率达99.2%)
    cue = P.FURNITURE_CUE.search(core) if len(s) <= 60 and not prose else None
    if cue and not (cue.start() > 0 and _states_a_figure(core)):
        return True
    if not prose and P.PHONE.search(s):
        return True                                   # contact lines and ads
    if core != s and len(core) <= 40 and not core.endswith(("。", "！", "？", "；")):
        return True                                   # a bulleted link
    if (len(s) <= 40 and s.count("丨") + s.count("|") + s.count(">") + s.count("›") >= 2
            and not s.startswith("|") and not any(c.isdigit() for c in s)):
        return True                                   # breadcrumbs and menus
    return not wordy and _is_dateline(s)              # a bare timestamp line


def _is_metadata(s: str) -> bool:
    """A line of two fields or more named by furniture cue words and a colon (发布日期：2024-12-27
    信息来源：房管局), however many Han characters it holds; cue words in a sentence
    (区网站发布信息1200条，热线受理诉求3000件) are not fields."""
    if s.count("：") + s.count(":") < 2:
        return False
    fields = [c for c in P.FURNITURE_CUE.finditer(s) if c.group()[-1] in "：:" or s.startswith(("：", ":"), c.end())]
    return len(fields) >= 2


def _states_a_figure(s: str) -> bool:
    """Whether ``s`` holds a quantity (a figure with its unit; a counter such as 点击:94次, a
    date or a phone number is none) and no full date (a line of metadata: `2023-10-24 来源:…`,
    read without the cost of looking for figures in it)."""
    return P.QUANTITY_START.search(s) is not None and P.DATE.search(s) is None and bool(find_mentions(s))


def _is_menu(s: str) -> bool:
    """A line of short menu items set apart by wide gaps or bars, with no figure in it."""
    items = P.MENU_GAP.split(s)
    return len(items) >= L.MENU_ITEMS_MIN and all(0 < len(i) <= L.MENU_ITEM_MAX and not any(c.isdigit() for c in i) for i in items)


def _is_dateline(s: str) -> bool:
    """A line that is a date and nothing in words besides (`2023年10月24日 14:09`, `2026-02-24`)."""
    m = P.DATE.search(s)
    return m is not None and not _has_han(s[:m.start()]) and not _has_han(s[m.end():].lstrip("日号"))


_ITEM_START = L.TARGET_CUES + L.WEAK_TARGET_CUES + L.ACHIEVED_CUES
_SENTENCE_FINAL = ("。", "！", "？")


def _headline_like(s: str, prose: bool) -> bool:
    """A short line that is neither prose nor an item of a list (numbered, or opening with a verb
    of doing such as 新建, 完成)."""
    return (not prose and len(s) < L.LINK_LINE_MAX and not P.LIST_MARKER.match(s) and not s.startswith(_ITEM_START)
            and not s.endswith(_SENTENCE_FINAL))     # a headline never ends with a full stop


def body_spans(text: str) -> list[tuple[int, int]]:
    """The stretches of ``text`` that are article body.

    The body ends at the first section marker that follows some body text (相关阅读, 热门文章,
    上一篇, 版权所有 …); before that, single lines of furniture are left out, and so is a
    trailing run of short headline-like lines after the last paragraph of prose (a link list
    with no marker above it). Numbered list items are never part of such a run.

    Lines are read one at a time and neighbouring body lines joined as they come, so memory
    grows with the number of body spans, not of lines (a million empty lines cost nothing).
    """
    spans: list[tuple[int, int]] = []
    seen_prose = False
    kept = 0                                          # body lines so far
    run = 0                                           # headline-like lines at the very end of them
    before_run: tuple[int, tuple[int, int] | None] = (0, None)   # spans as they were before the run
    for start, end, s in iter_lines(text):
        if not s:
            continue
        core = _strip_bullet(s)
        if seen_prose and core.lstrip(L.END_MARKER_BRACKETS).startswith(L.END_MARKERS) and not core.endswith(_SENTENCE_FINAL):
            break
        if is_furniture_line(s):
            continue
        prose = _has_han(s, 30)
        seen_prose = seen_prose or prose
        if _headline_like(s, prose):
            if run == 0:
                before_run = (len(spans), spans[-1] if spans else None)
            run += 1
        else:
            run = 0
        kept += 1
        if spans and _joins(text, spans[-1][1], start):
            spans[-1] = (spans[-1][0], end)           # join neighbouring body lines
        else:
            spans.append((start, end))
    if L.LINK_RUN_MIN <= run < kept:                  # drop the trailing link list
        n, last = before_run
        del spans[n:]
        if last is not None:
            spans[n - 1] = last
    return spans


def _joins(text: str, prev_end: int, start: int) -> bool:
    """Whether a body line at ``start`` continues the span ending at ``prev_end``: nothing but
    one line break between them (a blank line or a left-out line starts a new span)."""
    gap = text[prev_end:start]
    return gap.strip() == "" and "\n\n" not in gap.replace("\r\n", "\n").replace("\r", "\n")


#: How far into a body span a title is looked for (12 lines of at most 80 characters, and more).
_TITLE_WINDOW = 4000


def find_title(text: str, body: list[tuple[int, int]]) -> str:
    """The first heading-like line of the body: at least 8 Han characters, at most 80
    characters, not a finished sentence.

    >>> t = "当前位置:首页 > 新闻\\n顾村镇打造产业集聚新高地\\n2023年，顾村镇全面推进各项工作。"
    >>> find_title(t, body_spans(t))
    '顾村镇打造产业集聚新高地'
    """
    for s0, e0 in body[:5]:
        e1 = min(e0, s0 + _TITLE_WINDOW)
        for start, end, s in lines(text[s0:e1])[:12]:
            if s0 + end == e1 and e1 < e0:
                break                                 # a line cut by the window is too long anyway
            if len(s) <= 80 and _has_han(s, 8) and not s.endswith(("。", "；", ":", "：")):
                return s
    return ""


#: What every year of a date holds: 19 or 20, or in Chinese numerals 〇 (二〇二四), 零 or 一九.
_YEAR_MARKS = ("19", "20", "〇", "零", "一九")


def find_published(text: str, limit: int = 1500) -> str:
    """The publication date in the page header: the first real date on a line that introduces
    it (发布, 日期, 来源, 原创 …), else the first on a line that is little more than the date.

    >>> find_published("标题\\n2026-02-24 20:27:54\\n正文")
    '2026-02-24'
    >>> find_published("作者:admin 发布于:2024-01-06 文字:【 】"), find_published("2023年10月24日")
    ('2024-01-06', '2023-10-24')
    >>> find_published("据统计，2023年10月24日全区新建了很多个项目。")
    ''
    """
    bare = ""
    for start, end, s in lines(text[:limit]):
        if not any(y in s for y in _YEAR_MARKS):      # no year in the line (a cheap test first)
            continue
        for m in P.DATE.finditer(s):
            iso = _valid_date(m)
            if iso and P.DATE_CUE.search(s):
                return iso                            # 发布时间：… wins over a bare date above it
            if iso and not bare and not _has_han(s[:m.start()] + s[m.end():], 5):
                bare = iso                            # (a portal's header shows today's date)
    return bare


def find_published_after(text: str, body: list[tuple[int, int]]) -> str:
    """A publication date on a line that introduces it (发布日期：…) right after the article
    body, where many government sites print it, within FOOTER_DATE_WINDOW characters and before
    any list of other articles (相关文章…, whose dates are theirs).

    >>> t = "标题\\n" + "全区新建口袋公园8座，改造绿地20公顷。" * 80 + "\\n发布日期：2024-12-27   信息来源：房管局"
    >>> find_published(t), find_published_after(t, body_spans(t))
    ('', '2024-12-27')
    """
    if not body:
        return ""
    end = body[-1][1]
    stop = end + L.FOOTER_DATE_WINDOW
    stop = min([stop, *(i for i in (text.find(w, end, stop) for w in L.LIST_OF_ARTICLES) if i >= 0)])
    for cue in P.DATE_CUE.finditer(text, end, stop):  # the date on the cue's line
        start = max(text.rfind("\n", end, cue.start()), text.rfind("\r", end, cue.start()), end - 1) + 1
        for m in P.DATE.finditer(text, start, line_end(text, cue.start())):
            iso = _valid_date(m)
            if iso:
                return iso
    return ""


def from_text(text: str, doc_id: str, source: str = "", title: str = "", published: str = "") -> Document:
    """A Document from text already decoded (title and date found unless given: the date in
    the page header, else on a line just after the article)."""
    body = body_spans(text)
    return Document(
        doc_id=doc_id, text=text, title=title or find_title(text, body),
        published=published or find_published(text) or find_published_after(text, body), source=source, body=body,
    )


def from_bytes(data: bytes, name: str, doc_id: str, source: str = "") -> Document:
    """A Document from a file's bytes; ``name`` (never opened) tells HTML from text."""
    text = decode(data)
    if name.lower().endswith((".html", ".htm")):
        main, title, published = html_text(text)
        if not main.strip():
            raise DocumentError("no article text found in the HTML")
        doc = from_text(main, doc_id, source, title=title, published=published)
        if not doc.published:
            doc.published = find_published(text, limit=len(text))
        return doc
    return from_text(text, doc_id, source)
