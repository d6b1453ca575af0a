"""Keep the English translation catalogue in step with the Chinese source strings.

The UI's msgids are Simplified Chinese; English lives in
src/carecircle/locale/en/LC_MESSAGES/django.po, filled from the table scripts/i18n_en.json
(msgid -> English; a list [singular, plural] for a msgid with a plural form; a key
"context\\u0004msgid" for a msgid with a msgctxt).

    python scripts/i18n.py            extract, fill and compile (the usual run)
    python scripts/i18n.py extract    django-admin makemessages -l en (needs GNU gettext's xgettext)
    python scripts/i18n.py fill       fill empty msgstr from the table (existing msgstr are kept)
    python scripts/i18n.py compile    .po -> .mo with polib (no gettext needed)
    python scripts/i18n.py --check    exit 1 listing msgids without translation, or a .po/.mo out of date

`fill --force` also overwrites non-empty msgstr that differ from the table.
makemessages runs on a temporary copy of src/, so an app that keeps its own catalogue
(<app>/locale/en/LC_MESSAGES/django.po, which Django gives that app's strings) is never rewritten.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
SRC_ROOT = ROOT / "src"
PACKAGE = SRC_ROOT / "carecircle"
LOCALE = "en"
PO_PATH = PACKAGE / "locale" / LOCALE / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
TABLE_PATH = Path(__file__).resolve().parent / "i18n_en.json"
SETTINGS = "carecircle.core.settings"
GETTEXT_TOOLS = ("xgettext", "msgmerge", "msguniq")
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"

# printf-style conversions as Python's % operator reads them ("%%" is a literal percent sign).
PY_FORMAT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<conv>[diouxXeEfFgGcrsa%])"
)
BRACE_FORMAT = re.compile(r"(?<!\{)\{(?P<field>[^{}]*)\}(?!\})")


class I18nError(Exception):
    pass


# --------------------------------------------------------------------------- helpers


def key_of(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def load_po(path: Path = PO_PATH) -> polib.POFile:
    if not path.exists():
        raise I18nError(f"{rel(path)} does not exist: run `python scripts/i18n.py extract` first")
    return polib.pofile(str(path))


def load_table() -> dict[str, str | list[str]]:
    if not TABLE_PATH.exists():
        return {}
    with TABLE_PATH.open(encoding="utf-8") as fh:
        table = json.load(fh)
    if not isinstance(table, dict):
        raise I18nError(f"{rel(TABLE_PATH)} must hold one JSON object (msgid -> English)")
    return table


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def active(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete]


def is_done(entry: polib.POEntry) -> bool:
    """Translated and not fuzzy: what ends up in the .mo."""
    return entry.translated()


def placeholders(text: str, flags: list[str]) -> Counter:
    found: Counter = Counter()
    if "python-format" in flags:
        for m in PY_FORMAT.finditer(text):
            if m.group("conv") != "%":
                found[("%", m.group("name"), m.group("conv") if m.group("name") is None else "")] += 1
    if "python-brace-format" in flags:
        for m in BRACE_FORMAT.finditer(text):
            found[("{}", m.group("field"), "")] += 1
    return found


def placeholder_problem(entry: polib.POEntry, forms: list[str]) -> str | None:
    """Why these translated forms would break the msgid's placeholders (None if they don't)."""
    flags = entry.flags
    if "python-format" not in flags and "python-brace-format" not in flags:
        return None
    want = placeholders(entry.msgid, flags)
    if entry.msgid_plural:
        want_plural = placeholders(entry.msgid_plural, flags)
        for i, form in enumerate(forms):
            got = placeholders(form, flags)
            if i == 0:
                # The singular may leave out the count ("One person"), but may not invent a name.
                if not set(got) <= set(want) | set(want_plural):
                    return f"form [0] {form!r} uses placeholders not in the msgid"
            elif got != want_plural:
                return f"form [{i}] {form!r} does not keep the placeholders of {entry.msgid_plural!r}"
        return None
    got = placeholders(forms[0], flags)
    if got != want:
        return f"{forms[0]!r} does not keep the placeholders of {entry.msgid!r}"
    return None


def forms_from_table(entry: polib.POEntry, value: str | list[str], nplurals: int) -> list[str]:
    if entry.msgid_plural:
        if isinstance(value, str):
            value = [value]
        value = [str(v) for v in value]
        if not value or any(not v for v in value):
            raise I18nError(f"{entry.msgid!r}: empty translation in the table")
        value = (value + [value[-1]] * nplurals)[:nplurals]
        return value
    if not isinstance(value, str):
        raise I18nError(f"{entry.msgid!r}: the table gives a list, but the msgid has no plural form")
    if not value:
        raise I18nError(f"{entry.msgid!r}: empty translation in the table")
    return [value]


def current_forms(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def set_forms(entry: polib.POEntry, forms: list[str]) -> None:
    if entry.msgid_plural:
        entry.msgstr_plural = dict(enumerate(forms))
    else:
        entry.msgstr = forms[0]


def nplurals_of(po: polib.POFile) -> int:
    m = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", PLURAL_FORMS))
    return int(m.group(1)) if m else 2


# --------------------------------------------------------------------------- extract


def require_gettext() -> None:
    missing = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if missing:
        raise I18nError(
            f"GNU gettext is not installed ({', '.join(missing)} not found), and makemessages needs it.\n"
            "Install it with:  apt-get install gettext   (macOS: brew install gettext)\n"
            "Without it you can still fill and compile the catalogue: "
            "python scripts/i18n.py fill compile"
        )


def run_makemessages(src_root: Path) -> None:
    """django-admin makemessages -l en -i "*/migrations/*", run from <src_root>/carecircle."""
    require_gettext()
    with tempfile.TemporaryDirectory(prefix="carecircle-i18n-") as home:
        env = dict(os.environ)
        env["DJANGO_SETTINGS_MODULE"] = SETTINGS
        env["CARECIRCLE_HOME"] = home
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(src_root), env.get("PYTHONPATH")) if p)
        # `python -m django` is django-admin, run by this interpreter (so by the project's venv).
        cmd = [sys.executable, "-m", "django", "makemessages", "-l", LOCALE, "-i", "*/migrations/*"]
        result = subprocess.run(cmd, cwd=src_root / "carecircle", env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise I18nError("makemessages failed:\n" + (result.stdout + result.stderr).strip())
        noise = [
            ln
            for ln in (result.stdout + result.stderr).splitlines()
            if ln.strip() and "processing locale" not in ln
        ]
        for line in noise:
            print(f"  makemessages: {line}")


def extract_in_copy(work: Path) -> Path:
    """Run makemessages on a copy of the sources under <work>; return the copy's catalogue.

    makemessages also rewrites the catalogue of any app that keeps its own locale/ folder
    (Django gives those the app's strings); working on a copy leaves such files, which
    belong to that app, untouched. Only this catalogue is taken back.
    """
    copy = work / "src"
    shutil.copytree(
        SRC_ROOT,
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "*.egg-info", "node_modules"),
    )
    run_makemessages(copy)
    return copy / PO_PATH.relative_to(SRC_ROOT)


def app_catalogues() -> list[Path]:
    """Catalogues kept by apps themselves (<app>/locale/en/...): their strings are not in this one."""
    return sorted(p for p in PACKAGE.glob(f"*/locale/{LOCALE}/LC_MESSAGES/django.po") if p != PO_PATH)


def extract() -> None:
    before = {key_of(e) for e in active(load_po())} if PO_PATH.exists() else set()
    with tempfile.TemporaryDirectory(prefix="carecircle-i18n-src-") as tmp:
        fresh = extract_in_copy(Path(tmp))
        PO_PATH.parent.mkdir(parents=True, exist_ok=True)
        staged = PO_PATH.with_name(PO_PATH.name + ".tmp")
        shutil.copyfile(fresh, staged)
        os.replace(staged, PO_PATH)
    after = {key_of(e) for e in active(load_po())}
    print(
        f"extract: {rel(PO_PATH)} has {len(after)} msgids "
        f"({len(after - before)} new, {len(before - after)} no longer used)"
    )
    for other in app_catalogues():
        print(f"extract: note: {rel(other)} holds that app's strings; it is not managed here")


def extract_to_temp() -> set[str]:
    """The msgids the sources hold now, extracted from a copy so the real catalogue is untouched."""
    with tempfile.TemporaryDirectory(prefix="carecircle-i18n-src-") as tmp:
        fresh = extract_in_copy(Path(tmp))
        return {key_of(e) for e in active(polib.pofile(str(fresh)))}


# --------------------------------------------------------------------------- fill


def fill(force: bool = False) -> int:
    po = load_po()
    table = load_table()
    nplurals = nplurals_of(po)
    filled = kept = overwritten = differ = 0
    missing: list[str] = []
    errors: list[str] = []
    for entry in active(po):
        key = key_of(entry)
        value = table.get(key, table.get(entry.msgid))
        if value is None:
            if not is_done(entry):
                missing.append(key)
            continue
        try:
            forms = forms_from_table(entry, value, nplurals)
        except I18nError as exc:
            errors.append(str(exc))
            continue
        problem = placeholder_problem(entry, forms)
        if problem:
            errors.append(f"table: {problem}")
            continue
        fuzzy = "fuzzy" in entry.flags
        if is_done(entry) and not fuzzy:
            if current_forms(entry) == forms:
                kept += 1
                continue
            if not force:
                kept += 1
                differ += 1
                continue
            overwritten += 1
        else:
            filled += 1
        set_forms(entry, forms)
        if fuzzy:
            # msgmerge's guess from a similar msgid: the table's translation replaces it.
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    po.metadata["Project-Id-Version"] = "carecircle"
    po.metadata["Language"] = LOCALE
    po.metadata["Plural-Forms"] = po.metadata.get("Plural-Forms") or PLURAL_FORMS
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.metadata_is_fuzzy = False
    po.save(str(PO_PATH))
    note = f" ({differ} differ from the table: --force to overwrite them)" if differ else ""
    print(f"fill: {filled} filled from {rel(TABLE_PATH)}, {overwritten} overwritten, {kept} kept{note}")
    if missing:
        print(f"fill: {len(missing)} msgids have no translation in {rel(TABLE_PATH)}:")
        for key in missing:
            print(f"  {key!r}")
    for err in errors:
        print(f"fill: ERROR {err}", file=sys.stderr)
    return 1 if errors else 0


# --------------------------------------------------------------------------- compile


def compile_mo() -> None:
    po = load_po()
    bad = [
        f"{e.msgid!r}: {p}"
        for e in active(po)
        if is_done(e) and (p := placeholder_problem(e, current_forms(e)))
    ]
    if bad:
        raise I18nError("not compiling, placeholders broken in the .po:\n  " + "\n  ".join(bad))
    tmp = MO_PATH.with_name(MO_PATH.name + ".tmp")
    po.save_as_mofile(str(tmp))
    os.replace(tmp, MO_PATH)
    print(f"compile: {rel(MO_PATH)} ({len(po.translated_entries())} translated msgids)")


def catalogue_content(entries) -> dict:
    """What a compiled catalogue says: (msgctxt, msgid, msgid_plural) -> translated forms."""
    return {
        (e.msgctxt, e.msgid, e.msgid_plural): tuple(current_forms(e))
        for e in entries
        if e.msgid or e.msgctxt  # not the header
    }


# --------------------------------------------------------------------------- check


def check() -> int:
    problems: list[str] = []
    po = load_po()
    table = load_table()
    entries = active(po)

    untranslated = [e for e in entries if not is_done(e)]
    if untranslated:
        problems.append(f"{len(untranslated)} msgids without translation in {rel(PO_PATH)}:")
        for e in untranslated:
            note = " (fuzzy)" if "fuzzy" in e.flags else ""
            note += (
                " (in the table: run `python scripts/i18n.py fill compile`)"
                if key_of(e) in table or e.msgid in table
                else ""
            )
            problems.append(f"  {key_of(e)!r}{note}")

    for e in entries:
        if is_done(e) and (p := placeholder_problem(e, current_forms(e))):
            problems.append(f"placeholders broken: {p}")

    if not MO_PATH.exists():
        problems.append(f"{rel(MO_PATH)} is missing: run `python scripts/i18n.py compile`")
    elif catalogue_content(polib.mofile(str(MO_PATH))) != catalogue_content(po.translated_entries()):
        problems.append(f"{rel(MO_PATH)} is out of date with the .po: run `python scripts/i18n.py compile`")

    if all(shutil.which(t) for t in GETTEXT_TOOLS):
        in_sources = extract_to_temp()
        in_po = {key_of(e) for e in entries}
        new, gone = sorted(in_sources - in_po), sorted(in_po - in_sources)
        if new or gone:
            problems.append(f"{rel(PO_PATH)} is out of date with the sources: run `python scripts/i18n.py`")
            problems += [
                f"  new in the sources: {k!r}" + ("" if k in table else " (not in the table)") for k in new
            ]
            problems += [f"  no longer in the sources: {k!r}" for k in gone]
    else:
        print("check: xgettext not found (apt-get install gettext), so the sources were not rescanned")

    if problems:
        print("\n".join(problems))
        return 1
    print(f"check: OK, {len(entries)} msgids, all translated; .po and .mo up to date")
    return 0


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "steps",
        nargs="*",
        metavar="{extract,fill,compile}",
        help="steps to run (default: all three, in that order)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 if a msgid lacks a translation or the .po/.mo is out of date",
    )
    parser.add_argument(
        "--force", action="store_true", help="fill: also overwrite msgstr that differ from the table"
    )
    args = parser.parse_args(argv)
    try:
        unknown = [s for s in args.steps if s not in ("extract", "fill", "compile")]
        if unknown:
            parser.error(f"unknown step {unknown[0]!r} (choose from extract, fill, compile)")
        if args.check:
            if args.steps:
                parser.error("--check takes no steps")
            return check()
        status = 0
        steps = args.steps or ["extract", "fill", "compile"]
        for step in ("extract", "fill", "compile"):
            if step not in steps:
                continue
            if step == "extract":
                extract()
            elif step == "fill":
                status |= fill(force=args.force)
            else:
                compile_mo()
        return status
    except I18nError as exc:
        print(f"i18n: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
