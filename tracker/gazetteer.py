"""Reference tables shipped in ``resources/``: places (districts, towns, sub-districts) and themes.

``places.csv``: name, short (forms separated by ``|``), level (district / town / subdistrict /
township), district, source. ``themes.csv``: key, zh, en, keywords (separated by ``|``).
Loaded once; analysts edit the CSV files, not code.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    short: tuple[str, ...]
    level: str
    district: str


@dataclass(frozen=True, slots=True)
class Theme:
    key: str
    zh: str
    en: str
    keywords: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.zh} · {self.en}"


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("tracker").joinpath("resources").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def places() -> tuple[Place, ...]:
    return tuple(
        Place(r["name"], tuple(s for s in r["short"].split("|") if s), r["level"], r["district"])
        for r in _rows("places.csv")
    )


@cache
def place_by_name() -> dict[str, Place]:
    """Every full name and short form → its Place (full names win over short forms)."""
    table: dict[str, Place] = {}
    for p in places():
        for s in p.short:
            table.setdefault(s, p)
    for p in places():
        table[p.name] = p
    return table


@cache
def themes() -> tuple[Theme, ...]:
    return tuple(
        Theme(r["key"], r["zh"], r["en"], tuple(k for k in r["keywords"].split("|") if k))
        for r in _rows("themes.csv")
    )


def theme_labels() -> dict[str, str]:
    """Theme key → `城市更新与住房 · Urban renewal`."""
    return {t.key: t.label for t in themes()}
