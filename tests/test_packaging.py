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
    name = lambda req: re.split(r"[\s<>=!~;\[]", req, maxsplit=1)[0].lower().replace("_", "-")  # noqa: E731
    out = {"": {name(r) for r in project["dependencies"]}}
    for extra, reqs in project.get("optional-dependencies", {}).items():
        out[extra] = {name(r) for r in reqs}
    return out


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
    # the engine and the dashboard: required dependencies; Dask and fsspec (URLs) come with the extra
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
        names = {d.lower().replace("_", "-") for d in dists.get(module, [module])}
        if not names & ok and not _comes_with(names, "dask"):
            missing[module] = sorted(names)
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def _comes_with(names: set[str], extra: str) -> bool:
    """Whether one of ``names`` is installed with a requirement of the ``extra`` (the Dask
    extra's ``dask[distributed]`` brings distributed and fsspec, which only its engine uses):
    a requirement of it without a marker, or marked for the extras asked for."""
    from importlib.metadata import PackageNotFoundError, requires

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for req in project["optional-dependencies"][extra]:
        m = re.match(r"([A-Za-z0-9_.-]+)(?:\[([^\]]*)\])?", req)
        dist, wanted = m[1], {e.strip() for e in (m[2] or "").split(",") if e.strip()}
        try:
            reqs = requires(dist) or []
        except PackageNotFoundError:
            continue
        for r in reqs:
            spec, _, marker = r.partition(";")
            if marker and not any(f'extra == "{e}"' in marker for e in wanted):
                continue
            if re.split(r"[\s<>=!~(\[]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-") in names:
                return True
    return False
