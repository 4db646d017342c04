"""Bytes → a Document: decoding, HTML main text, title, publication date, and which stretches of
the text are the article body (the rest is page furniture: navigation, sidebars, ads, footers).

Nothing here opens a file; ``reader.py`` does the I/O and hands bytes in.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass, field

from . import lexicon as L
from . import patterns as P


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

    Raises DocumentError with a plain reason for what is not text.

    >>> decode("宝山".encode("gb18030"))
    '宝山'
    >>> decode(codecs.BOM_UTF8 + "宝山".encode())
    '宝山'
    """
    if not data.strip():
        raise DocumentError("empty")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise DocumentError(f"not text: looks like {what}")
    if data.startswith(codecs.BOM_UTF8):
        return _checked(data[3:], "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(data, "utf-16")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return _text_or_binary(text)
    raise DocumentError("could not decode as UTF-8, GB18030 or UTF-16")


def _checked(data: bytes, encoding: str) -> str:
    try:
        return _text_or_binary(data.decode(encoding))
    except UnicodeDecodeError:
        raise DocumentError(f"could not decode as {encoding.upper()} although it starts with its byte-order mark") from None


def _text_or_binary(text: str) -> str:
    sample = text[:4096]
    control = sum(1 for c in sample if c < " " and c not in "\n\r\t\f\v\x00")
    if sample and control / len(sample) > 0.1:
        raise DocumentError("not text: binary data")
    if not text.strip(" \t\r\n\x00\ufeff\u3000"):
        raise DocumentError("empty")
    return text


def html_text(html: str) -> tuple[str, str, str]:
    """HTML → (main text, title, published) with trafilatura; falls back to all visible text."""
    import trafilatura  # imported here: only HTML needs it, and it is slow to import

    result = trafilatura.bare_extraction(html, with_metadata=True, include_tables=True, include_comments=False)
    text = (getattr(result, "text", None) or "") if result is not None else ""
    if not text.strip():
        text = trafilatura.html2txt(html) or ""
    title = (getattr(result, "title", None) or "") if result is not None else ""
    date = (getattr(result, "date", None) or "") if result is not None else ""
    return text, title.strip(), _iso_date(date)


def _iso_date(s: str) -> str:
    m = P.DATE.search(s or "")
    return f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}" if m else ""


# --- structure ------------------------------------------------------------------------------

def lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, stripped content) of each line; end excludes the line break."""
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        content = line.rstrip("\r\n")
        out.append((pos, pos + len(content), content.strip(" \t\u3000\xa0\ufeff\x00")))
        pos += len(line)
    return out


def _strip_bullet(s: str) -> str:
    return s.lstrip("".join(L.BULLETS) + " \t\u3000\xa0")


def _han_count(s: str) -> int:
    return len(P.HAN.findall(s))


def is_furniture_line(s: str) -> bool:
    """A line of navigation, metadata, ads or link lists, judged on its own."""
    if not s:
        return False
    core = _strip_bullet(s)
    if core.endswith(L.TRUNCATION_MARKS) and not core.endswith("……") and len(core) < 80:
        return True                                   # a truncated headline from a link list
    han = _han_count(s)
    prose = han >= 15 or s.endswith(("。", "！", "？", "；"))
    if len(s) <= 60 and not prose and any(cue in s for cue in L.FURNITURE_CUES):
        return True                                   # metadata, bylines, navigation
    if P.PHONE.search(s) and not prose:
        return True                                   # contact lines and ads
    if core != s and len(core) <= 40 and not core.endswith(("。", "！", "？", "；")):
        return True                                   # a bulleted link
    if (len(s) <= 40 and s.count("丨") + s.count("|") + s.count(">") + s.count("›") >= 2
            and not s.startswith("|") and not any(c.isdigit() for c in s)):
        return True                                   # breadcrumbs and menus
    if han == 0 and P.DATE.search(s):
        return True                                   # a bare timestamp line
    return False


_ITEM_START = L.TARGET_CUES + L.WEAK_TARGET_CUES + L.ACHIEVED_CUES


def _headline_like(s: str, prose: bool) -> bool:
    """A short line that is neither prose nor an item of a list (numbered, or opening with a verb
    of doing such as 新建, 完成)."""
    return not prose and len(s) < L.LINK_LINE_MAX and not P.LIST_MARKER.match(s) and not s.startswith(_ITEM_START)


def body_spans(text: str) -> list[tuple[int, int]]:
    """The stretches of ``text`` that are article body.

    The body ends at the first section marker that follows some body text (相关阅读, 热门文章,
    上一篇, 版权所有 …); before that, single lines of furniture are left out, and so is a
    trailing run of short headline-like lines after the last paragraph of prose (a link list
    with no marker above it). Numbered list items are never part of such a run.
    """
    kept: list[tuple[int, int, str, bool]] = []
    seen_prose = False
    for start, end, s in lines(text):
        if not s:
            continue
        core = _strip_bullet(s)
        if seen_prose and core.startswith(L.END_MARKERS):
            break
        if is_furniture_line(s):
            continue
        prose = _han_count(s) >= 30
        seen_prose = seen_prose or prose
        kept.append((start, end, s, prose))
    run = 0                                           # headline-like lines at the very end
    while run < len(kept) and _headline_like(kept[-1 - run][2], kept[-1 - run][3]):
        run += 1
    if run >= L.LINK_RUN_MIN and run < len(kept):
        kept = kept[:-run]
    spans: list[tuple[int, int]] = []
    for start, end, _, _ in kept:
        if spans and text[spans[-1][1]:start].strip() == "" and "\n\n" not in text[spans[-1][1]:start].replace("\r", ""):
            spans[-1] = (spans[-1][0], end)           # join neighbouring body lines
        else:
            spans.append((start, end))
    return spans


def find_title(text: str, body: list[tuple[int, int]]) -> str:
    """The first heading-like line of the body: 10–80 characters, not a finished sentence."""
    for s0, e0 in body[:5]:
        for start, end, s in lines(text[s0:e0])[:12]:
            if 8 <= _han_count(s) and len(s) <= 80 and not s.endswith(("。", "；", ":", "：")):
                return s
    return ""


def find_published(text: str, limit: int = 1500) -> str:
    """The publication date in the page header (`2026-02-24 20:27:54`, `发布时间：2023年10月24日`)."""
    head = text[:limit]
    best = ""
    for start, end, s in lines(head):
        m = P.DATE.search(s)
        if not m:
            continue
        iso = f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"
        if P.DATE_CUE.search(s) or _han_count(s) <= 4:
            return iso
        best = best or ""
    return best


def from_text(text: str, doc_id: str, source: str = "", title: str = "", published: str = "") -> Document:
    """A Document from text already decoded (title and date found unless given)."""
    body = body_spans(text)
    return Document(
        doc_id=doc_id, text=text, title=title or find_title(text, body),
        published=published or find_published(text), source=source, body=body,
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
