"""The module boundaries are checked by a machine (issue 15): `lint-imports` ([tool.importlinter] in
pyproject.toml, scripts/import_contracts.py) passes on the tree, and each kind of breach, made in a
scratch copy of the source, makes it fail and names the import."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path, src: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(src), "COLUMNS": "200"}
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_tree_keeps_its_boundaries():
    result = _lint(ROOT, ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + "\n" + text + "\n")


def _leak_inside_a_function(pkg: Path) -> None:  # lazy imports count too
    _append(
        pkg / "homecare/api.py",
        "def _scratch():\n    from carecircle.workforce.models import Caregiver\n    return Caregiver",
    )


def _core_imports_a_module(pkg: Path) -> None:
    _append(pkg / "core/views.py", "from carecircle.homecare import selectors as _scratch  # noqa")


def _circle_between_modules(pkg: Path) -> None:
    _append(pkg / "facilities/selectors.py", "from carecircle.childcare import selectors as _scratch  # noqa")


def _circle_inside_a_module(pkg: Path) -> None:
    _append(pkg / "alarms/events.py", "from carecircle.alarms import delivery as _scratch  # noqa")


def _a_new_modules_models(pkg: Path) -> None:  # a module added later is covered without listing it
    (pkg / "latermodule").mkdir()
    (pkg / "latermodule/__init__.py").write_text("")
    (pkg / "latermodule/models.py").write_text("X = 1\n")
    _append(pkg / "homecare/selectors.py", "from carecircle.latermodule.models import X as _scratch  # noqa")


@pytest.mark.parametrize(
    ("breach", "expected"),
    [
        (_leak_inside_a_function, "carecircle.homecare.api -> carecircle.workforce.models"),
        (_core_imports_a_module, "carecircle.core.views -> carecircle.homecare.selectors"),
        (_circle_between_modules, "No cycles are allowed in carecircle."),
        (_circle_inside_a_module, "No cycles are allowed in carecircle.alarms."),
        (_a_new_modules_models, "carecircle.homecare.selectors -> carecircle.latermodule.models"),
    ],
)
def test_a_breach_fails_the_check(tmp_path, breach, expected):
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(
        ROOT / "src/carecircle",
        tmp_path / "src/carecircle",
        ignore=shutil.ignore_patterns("__pycache__", "locale", "static", "templates"),
    )
    breach(tmp_path / "src/carecircle")
    result = _lint(tmp_path, tmp_path / "src")
    assert result.returncode == 1, result.stdout + result.stderr
    assert expected in " ".join(result.stdout.split()), result.stdout
