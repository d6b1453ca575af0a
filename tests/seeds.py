"""The five seeds' section numbering, read from their text, and citations checked against it.

A seed numbers its sections as 一、 (part), (一) (section) and 1. (item); an item's number may run on
across sections (Jiaxing numbers its tasks 1–25 through 二(一)…(八)), so an item is known by the
section it stands in. Hechuan's text lost the bracket of its first section (“一)推動公辦…”): a
section heading is accepted with or without its opening bracket. Hangzhou 二(二) holds two tables
(“養老服務主要指標”, “托育服務主要指標”) whose rows are numbered in their first column.

A citation is the seed's name (English as in the docs, “Hangzhou”, or the city's Chinese name,
optionally followed by the document's title with no space in it), a space, and the numbering run
together as the docs write it: “Hangzhou 三(一)5”, “Jiaxing 二(二)7”, “曲靖市“一老一小”整体解决方案(2022)
二(二)”, optionally followed by a table (“…”表) and its row (第1行).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

# The seeds are not part of the repository; CARECIRCLE_SEEDS names their folder on another machine.
SEEDS_DIR = Path(os.environ.get("CARECIRCLE_SEEDS", "/work/shared/seeds"))
AVAILABLE = SEEDS_DIR.is_dir()

FILES = {
    "Hangzhou": "hangzhou-yilao-yixiao-2022.txt",
    "Jiaxing": "jiaxing-elderly-care-2021.txt",
    "Qujing": "qujing-yilao-yixiao-2022.txt",
    "Yizhou": "yizhou-home-community-care-2021.txt",
    "Hechuan": "hechuan-yilao-yiyou-2025.txt",
}
# The names a citation may use for a seed (English, and the city's Chinese name in either script).
NAMES = {
    "Hangzhou": ("Hangzhou", "杭州"),
    "Jiaxing": ("Jiaxing", "嘉兴", "嘉興"),
    "Qujing": ("Qujing", "曲靖"),
    "Yizhou": ("Yizhou", "伊州"),
    "Hechuan": ("Hechuan", "合川"),
}
_NAME_TO_SEED = {name: seed for seed, names in NAMES.items() for name in names}

NUMERAL = "一二三四五六七八九十"
_PART = re.compile(rf"^([{NUMERAL}]+)、")
_SECTION = re.compile(rf"^[(（]?([{NUMERAL}]+)[)）]")
_ITEM = re.compile(r"^(\d+)[.．、]")
_ROW = re.compile(r"^(\d+)\s*\|")
# The few traditional characters of the table titles, to compare them with a simplified citation.
_SIMPLIFIED = str.maketrans({"養": "养", "務": "务", "標": "标", "嬰": "婴"})

_REF = rf"([{NUMERAL}]+)、?((?:[(（][{NUMERAL}]+[)）])?)(\d*)"
_ARABIC_SECTION = re.compile(r"[(（]\d+[)）]")
_MENTION = re.compile(r"(" + "|".join(sorted(_NAME_TO_SEED, key=len, reverse=True)) + r")\S*\s+\S{0,12}")
_CITATION = re.compile(
    r"("
    + "|".join(sorted(_NAME_TO_SEED, key=len, reverse=True))
    + r")\S*?\s+"
    + _REF
    + r"(?:“([^”]+)”表)?\s*(?:第(\d+)行)?"
)


@dataclass(frozen=True)
class Seed:
    name: str
    sections: frozenset[tuple[str, ...]]  # ("三",), ("三", "一"), ("三", "一", "5")
    tables: dict[tuple[str, str, str], frozenset[int]] = field(hash=False)  # (part, section, title) -> rows

    def has(self, path: tuple[str, ...]) -> bool:
        return path in self.sections


@cache
def text(name: str) -> str:
    """The seed's text as published."""
    return (SEEDS_DIR / FILES[name]).read_text(encoding="utf-8")


@cache
def seed(name: str) -> Seed:
    """The seed's numbering, read from its text."""
    sections: set[tuple[str, ...]] = set()
    tables: dict[tuple[str, str, str], set[int]] = {}
    part = section = ""
    title = previous = ""
    for raw in text(name).splitlines():
        line = raw.strip().lstrip("•").strip()
        if m := _PART.match(line):
            part, section, title = m.group(1), "", ""
            sections.add((part,))
        elif (m := _SECTION.match(line)) and part:
            section, title = m.group(1), ""
            sections.add((part, section))
        elif (m := _ITEM.match(line)) and part:
            sections.add((part, section, m.group(1)) if section else (part, m.group(1)))
        elif line.startswith("序號") or line.startswith("序号"):
            title = previous
            tables[(part, section, title.translate(_SIMPLIFIED))] = set()
        elif (m := _ROW.match(line)) and title:
            tables[(part, section, title.translate(_SIMPLIFIED))].add(int(m.group(1)))
        if line:
            previous = line
    return Seed(name, frozenset(sections), {k: frozenset(v) for k, v in tables.items()})


@dataclass(frozen=True)
class Citation:
    seed: str
    path: tuple[str, ...]
    table: str = ""
    row: int | None = None
    text: str = ""

    def __str__(self) -> str:
        return self.text


def citations(text: str) -> list[Citation]:
    """Every citation of a seed in a piece of text."""
    out = []
    for m in _CITATION.finditer(text):
        name, part, bracket, item, table, row = m.groups()
        section = bracket.strip("()（）")
        path = tuple(p for p in (part, section, item) if p)
        if item and not section:
            path = (part, item)
        if odd := _ARABIC_SECTION.match(text, m.end()):
            path += (odd.group(0),)  # “二(9)”: a section is numbered in Chinese numerals; this names none
        out.append(
            Citation(_NAME_TO_SEED[name], path, table or "", int(row) if row else None, m.group(0).strip())
        )
    return out


def loose_mentions(text: str) -> list[str]:
    """A seed's name followed by something that is not a citation (“Jiaxing 9”, “Hangzhou tables”)."""
    return [m.group(0) for m in _MENTION.finditer(text) if not citations(m.group(0))]


def problem(c: Citation) -> str:
    """Why the citation names nothing in its seed ('' when it is sound)."""
    s = seed(c.seed)
    if not s.has(c.path):
        return f"{c.text!r}: {c.seed} has no section {''.join(_show(c.path))}"
    if c.table:
        key = (c.path[0], c.path[1] if len(c.path) > 1 else "", c.table)
        rows = s.tables.get(key)
        if rows is None:
            return f"{c.text!r}: {c.seed} {''.join(_show(c.path))} has no table “{c.table}”"
        if c.row is not None and c.row not in rows:
            return f"{c.text!r}: table “{c.table}” has no row {c.row}"
    return ""


def _show(path: tuple[str, ...]) -> list[str]:
    out = [path[0]]
    for p in path[1:]:
        out.append(p if p.isdigit() else f"({p})")
    return out
