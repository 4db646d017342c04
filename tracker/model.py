"""The row type and the table's column order: the one place that names the columns."""
from __future__ import annotations

from dataclasses import dataclass, fields

#: The table's columns, in order (see README, "The table").
COLUMNS: tuple[str, ...] = (
    "doc_id", "title", "published", "district", "subdistrict", "theme", "kind", "metric",
    "value", "unit", "value_norm", "value_norm_max", "unit_norm", "quantity", "qualifier",
    "direction", "year", "surface", "sentence", "start", "end", "source",
)

#: The closed list of quantity types.
QUANTITIES: tuple[str, ...] = (
    "area", "money", "rate", "count", "length", "power", "energy", "weight", "volume",
    "multiple", "duration",
)
QUALIFIERS: tuple[str, ...] = ("exact", "approx", "at_least", "at_most", "range")
KINDS: tuple[str, ...] = ("target", "achieved", "context")
DIRECTIONS: tuple[str, ...] = ("up", "down", "")


@dataclass(slots=True)
class Mention:
    """One quantity found in a text: what it says, where it stands, which rule found it."""

    start: int
    end: int
    surface: str
    value: float
    unit: str
    value_norm: float
    unit_norm: str
    quantity: str
    qualifier: str = "exact"
    value_norm_max: float | None = None
    rule: str = ""


@dataclass(slots=True)
class Row:
    """One row of the table, mirroring COLUMNS (plus the rule that found it)."""

    doc_id: str
    title: str
    published: str
    district: str
    subdistrict: str
    theme: str
    kind: str
    metric: str
    value: float
    unit: str
    value_norm: float
    value_norm_max: float | None
    unit_norm: str
    quantity: str
    qualifier: str
    direction: str
    year: int | None
    surface: str
    sentence: str
    start: int
    end: int
    source: str
    rule: str = ""


assert tuple(f.name for f in fields(Row))[: len(COLUMNS)] == COLUMNS
