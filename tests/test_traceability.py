"""docs/seeds-traceability.md and the indicator defaults stay true to the code and to the seeds.

(a) every path a requirement row names under “where” exists;
(b) every test a row names (file::function) is a function defined in that file;
(q) every row's quotation stands in the cited seed's text (pieces between “…” each verbatim);
(c) every citation on the page, in the indicator defaults (planning/defaults.py), in the population
    groups (registry/groups.py) and in the programme defaults (benefits/defaults.py) names a section
    that exists in the seed's text (tests/seeds.py reads the numbering);
(d) every indicator definition cites a seed (a base figure such as 常住人口 only serves as another
    cited indicator's denominator), and every target names a defined indicator;
(e) a target the page calls computed live (or by hand) is an indicator whose definition computes
    it (or is entered by hand), or one of Qujing's 新增 targets (computed live by planning/increases.py);
    and every target of the defaults is listed on the page under its seed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from carecircle.benefits import defaults as benefit_defaults
from carecircle.planning import defaults as planning
from carecircle.registry import groups
from tests import seeds

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "seeds-traceability.md"
STATUSES = ("done", "partly", "not yet")
HOW = ("live", "by hand", "absent")
_TICKED = re.compile(r"`([^`]+)`")
needs_seeds = pytest.mark.skipif(
    not seeds.AVAILABLE,
    reason=f"the seeds' text is not at {seeds.SEEDS_DIR} (set CARECIRCLE_SEEDS to their folder)",
)


@dataclass(frozen=True)
class Row:
    line: int
    cells: tuple[str, ...]


def _tables(text: str) -> Iterator[tuple[tuple[str, ...], list[Row]]]:
    """The page's markdown tables: (header cells, rows)."""
    header: tuple[str, ...] | None = None
    rows: list[Row] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.startswith("|"):
            if header:
                yield header, rows
            header, rows = None, []
            continue
        cells = tuple(c.strip() for c in line.strip().strip("|").split("|"))
        if header is None:
            header = cells
        elif not set("".join(cells)) <= set("-: "):
            rows.append(Row(n, cells))
    if header:
        yield header, rows


def _page_rows(kind: str) -> list[Row]:
    first = {"requirements": "citation", "targets": "target citation"}[kind]
    out = [
        r for header, rows in _tables(PAGE.read_text(encoding="utf-8")) if header[0] == first for r in rows
    ]
    assert out, f"no {kind} table in {PAGE.name}"
    return out


def requirement_rows() -> list[Row]:
    """| citation | the seed says | CareCircle | where | test |"""
    return _page_rows("requirements")


def target_rows() -> list[Row]:
    """| target citation | the seed's target | indicator | how |"""
    return _page_rows("targets")


def _field(row: Any, index: int, *names: str) -> Any:
    """A field of a defaults row: by position in a tuple, else the first attribute of `names` it has."""
    if isinstance(row, tuple):
        return row[index]
    for name in names:
        if hasattr(row, name):
            return getattr(row, name)
    raise AttributeError(f"{row!r} has none of {names}")


def _indicators() -> dict[str, dict[str, Any]]:
    """The default indicator definitions (tuples as planning/services.py unpacks them, or objects)."""
    return {
        _field(r, 0, "code"): {
            "domain": _field(r, 3, "domain"),
            "numerator": _field(r, 4, "numerator"),
            "denominator": _field(r, 5, "denominator"),
            "source": _field(r, 9, "source", "citation"),
        }
        for r in planning.INDICATORS
    }


def _targets() -> list[tuple[str, str]]:
    """(indicator code, source) of every default target."""
    return [(_field(r, 0, "indicator", "code"), _field(r, 6, "source", "citation")) for r in planning.TARGETS]


def _code_citations() -> list[tuple[str, str]]:
    """(where, text) of every machine-readable citation the code carries."""
    out = [(f"planning/defaults.py {code}", d["source"]) for code, d in _indicators().items()]
    out += [(f"planning/defaults.py target of {code}", source) for code, source in _targets()]
    out += [(f"planning/defaults.py {t.code}", t.source) for t in planning.INCREASE_TARGETS]
    out += [(f"planning/defaults.py published gap {g['what']}", g["source"]) for g in planning.PUBLISHED_GAPS]
    out += [
        (f"registry/groups.py {g.code}", g.citation)
        for g in vars(groups).values()
        if isinstance(g, groups.PopulationGroup)
    ]
    out += [(f"benefits/defaults.py {name}", value) for name, value in _strings(benefit_defaults)]
    return out


def _strings(module: Any) -> Iterator[tuple[str, str]]:
    """Every string held in the module's top-level data and its docstring."""

    def walk(name: str, value: Any) -> Iterator[tuple[str, str]]:
        if isinstance(value, str):
            yield name, value
        elif isinstance(value, dict):
            for k, v in value.items():
                yield from walk(f"{name}[{k!r}]", v)
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                yield from walk(f"{name}[{i}]", v)

    for name, value in vars(module).items():
        if not name.startswith("__") or name == "__doc__":
            yield from walk(name, value)


# (a) and (b)


def test_every_row_is_well_formed() -> None:
    bad = []
    for r in requirement_rows():
        if len(r.cells) != 5:
            bad.append(f"line {r.line}: {len(r.cells)} cells, expected 5")
            continue
        citation, said, does, where, test = r.cells
        if len(seeds.citations(citation)) != 1:
            bad.append(f"line {r.line}: the citation {citation!r} is not one seed section")
        if not said.strip("“”"):
            bad.append(f"line {r.line}: no quotation of the seed")
        status = next((s for s in STATUSES if does.startswith(s)), None)
        if status is None:
            bad.append(f"line {r.line}: “CareCircle” starts with none of {STATUSES}")
        elif status != "not yet" and not _TICKED.findall(where):
            bad.append(f"line {r.line}: a {status} row names where")
        elif status == "done" and not _TICKED.findall(test):
            bad.append(f"line {r.line}: a done row names the test that proves it")
        elif status == "partly" and not _TICKED.findall(test) and test != "none":
            bad.append(f"line {r.line}: a partly row names a test, or says none")
    assert not bad, "\n".join(bad)


def test_every_where_exists() -> None:
    missing = [
        f"line {r.line}: {p}"
        for r in requirement_rows()
        for p in _TICKED.findall(r.cells[3])
        if not (ROOT / p.split("::")[0]).exists()
    ]
    assert not missing, "paths on the page that do not exist:\n" + "\n".join(missing)


def _defined_tests(path: Path) -> set[str]:
    return set(re.findall(r"^\s*(?:async\s+)?def (test_\w+)\s*\(", path.read_text(encoding="utf-8"), re.M))


def test_every_test_reference_names_a_test() -> None:
    bad = []
    for r in requirement_rows():
        for ref in _TICKED.findall(r.cells[4]):
            path, _sep, name = ref.partition("::")
            file = ROOT / path
            if not name or not name.startswith("test_"):
                bad.append(f"line {r.line}: {ref!r} is not file::test_function")
            elif not file.is_file():
                bad.append(f"line {r.line}: {path} does not exist")
            elif name.split("::")[-1] not in _defined_tests(file):
                bad.append(f"line {r.line}: {path} defines no {name.split('::')[-1]}")
    assert not bad, "\n".join(bad)


@needs_seeds
def test_every_quotation_stands_in_its_seed() -> None:
    bad = []
    for r in requirement_rows():
        cited = seeds.citations(r.cells[0])
        said = r.cells[1].removesuffix(" (sic)")
        if not cited or not (said.startswith("“") and said.endswith("”")):
            bad.append(f"line {r.line}: the quotation is not “…” after one citation")
            continue
        text = seeds.text(cited[0].seed)
        bad += [
            f"line {r.line}: {cited[0].seed} does not say {piece!r}"
            for piece in said[1:-1].split("…")
            if piece not in text
        ]
    assert not bad, "\n".join(bad)


# (c)


@needs_seeds
def test_every_citation_on_the_page_names_a_section_of_its_seed() -> None:
    text = PAGE.read_text(encoding="utf-8")
    found = seeds.citations(text)
    assert len(found) >= len(requirement_rows())
    bad = [p for c in found if (p := seeds.problem(c))]
    assert not bad, "\n".join(bad)


@needs_seeds
def test_every_citation_in_the_code_names_a_section_of_its_seed() -> None:
    bad, seen = [], 0
    for where, text in _code_citations():
        bad += [f"{where}: {m!r} names a seed but no section" for m in seeds.loose_mentions(text)]
        for c in seeds.citations(text):
            seen += 1
            if p := seeds.problem(c):
                bad.append(f"{where}: {p}")
    assert seen, "no citation found in the code"
    assert not bad, "\n".join(bad)


# (d)


def test_every_indicator_cites_a_seed_and_every_target_a_definition() -> None:
    defined = _indicators()
    denominators = {d["denominator"].removeprefix("manual:") for d in defined.values() if d["denominator"]}
    bad = []
    for code, d in defined.items():
        cited = seeds.citations(d["source"])
        if d["domain"] == "base":
            if code not in denominators:
                bad.append(f"{code}: a base figure that no indicator divides by")
        elif not cited:
            bad.append(f"{code}: cites no seed section ({d['source']!r})")
    for code, source in _targets():
        if code not in defined:
            bad.append(f"a target of {code}, which is not defined")
        if not seeds.citations(source):
            bad.append(f"a target of {code} cites no seed section ({source!r})")
    assert not bad, "\n".join(bad)


# (e)


def test_the_pages_targets_agree_with_the_definitions() -> None:
    defined = _indicators()
    increases = {t.code for t in planning.INCREASE_TARGETS}
    bad = []
    for r in target_rows():
        if len(r.cells) != 4:
            bad.append(f"line {r.line}: {len(r.cells)} cells, expected 4")
            continue
        citation, _target, code, how = r.cells
        if len(seeds.citations(citation)) != 1:
            bad.append(f"line {r.line}: the citation {citation!r} is not one seed section")
        how = next((h for h in HOW if how.startswith(h)), "")
        code = code.strip("`")
        if not how:
            bad.append(f"line {r.line}: “how” starts with none of {HOW}")
        elif how == "absent":
            if code not in ("", "—"):
                bad.append(f"line {r.line}: an absent target names an indicator ({code})")
        elif code in increases:
            if how != "live":
                bad.append(
                    f"line {r.line}: {code} is an increase target computed live (planning/increases.py)"
                )
        elif code not in defined:
            bad.append(f"line {r.line}: {code} is not a defined indicator")
        elif (how == "live") != bool(defined[code]["numerator"]):
            bad.append(
                f"line {r.line}: the page says {how}, the definition of {code} says "
                f"{'live' if defined[code]['numerator'] else 'by hand'}"
            )
    assert not bad, "\n".join(bad)


@needs_seeds
@pytest.mark.parametrize("name", sorted(seeds.FILES))
def test_the_parser_reads_each_seeds_numbering(name: str) -> None:
    """The parser finds the sections the docs cite most (so a broken parser cannot pass (c) vacuously)."""
    known = {
        "Hangzhou": ("三", "一", "9"),
        "Jiaxing": ("二", "二", "7"),
        "Qujing": ("二", "二"),
        "Yizhou": ("四", "四"),
        "Hechuan": ("二", "十"),
    }
    s = seeds.seed(name)
    assert s.has(known[name])
    assert not s.has(("二", "二", "99"))


def test_every_target_of_the_defaults_is_on_the_page() -> None:
    """A target added to planning/defaults.py is added to the page's targets of its seed."""
    listed = {
        (seeds.citations(r.cells[0])[0].seed, r.cells[2].strip("`"))
        for r in target_rows()
        if seeds.citations(r.cells[0])
    }
    wanted = {
        (seeds.citations(source)[0].seed, code) for code, source in _targets() if seeds.citations(source)
    }
    wanted |= {(seeds.citations(t.source)[0].seed, t.code) for t in planning.INCREASE_TARGETS}
    missing = sorted(wanted - listed)
    assert not missing, "targets in planning/defaults.py that the page does not list: " + ", ".join(
        f"{seed} {code}" for seed, code in missing
    )
