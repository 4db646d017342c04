"""The package declares what it imports: a fresh machine installs every library the engine and
the dashboard import (a library that happens to be installed here must not hide a missing one)."""
from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _declared() -> dict[str, set[str]]:
    """Normalised distribution names: the required ones, and those of each extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    name = lambda req: _normal(re.split(r"[\s<>=!~;\[]", req, maxsplit=1)[0])  # noqa: E731
    out = {"": {name(r) for r in project["dependencies"]}}
    for extra, reqs in project.get("optional-dependencies", {}).items():
        out[extra] = {name(r) for r in reqs}
    return out


def _normal(name: str) -> str:
    """A distribution name as PEP 503 compares them (ahocorasick_rs = ahocorasick-rs)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _imports(files: list[Path]) -> set[str]:
    """Top-level modules imported anywhere in ``files`` (also inside functions)."""
    found = set()
    for f in files:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"tracker", "__future__"}


@pytest.mark.parametrize("files, allowed", [
    # the engine and the dashboard: required dependencies, and the Dask extra (Dask, fsspec for URLs)
    (sorted((ROOT / "tracker").glob("*.py")) + [ROOT / "dashboard.py"], ("", "dask")),
    # the tests: the test extra as well
    (sorted((ROOT / "tests").glob("*.py")), ("", "dask", "test")),
])
def test_every_imported_library_is_declared(files, allowed):
    declared = _declared()
    ok = set().union(*(declared[k] for k in allowed))
    dists = packages_distributions()
    local = {f.stem for f in files}                       # sibling modules of the tests
    missing = {}
    for module in sorted(_imports(files) - local):
        names = {_normal(d) for d in dists.get(module, [module])}
        if not names & ok:
            missing[module] = sorted(names)
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"
