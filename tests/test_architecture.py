"""The rules of the house (docs/architecture.md), checked on the package's own imports.

Every ``import`` and ``from … import`` of every module under ``src/zerocarbon`` is read with ``ast``
(module level, inside functions and under ``TYPE_CHECKING`` alike: a lazy import is still a
dependency) and the rules are checked on that graph:

1. the core never imports the shell;
2. the faces (api, web, cli) reach the store only for the session and the actor context, and never
   the importers;
3. only the main job's service and the CLI import the demo;
4. the reports never import the importers;
5. no import cycle, between modules or between packages of the same layer.

The checks themselves are tested on small made-up graphs below, so a rule that matched nothing
would be noticed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "zerocarbon"

CORE = ("units", "factors", "model", "accounting", "energy", "renewables", "footprint", "offsets", "assessment",
        "forecast", "timeseries", "errors", "duck", "tables")
SHELL = ("store", "ingest", "services", "api", "web", "cli", "demo")
FACES = ("api", "web", "cli")
#: What a face may take from the store: the session and settings (store.db) and who is acting (store.audit).
FACE_STORE_ALLOWED = {"zerocarbon.store.db": None,
                      "zerocarbon.store.audit": {"current_actor", "acting_as", "cli_actor"}}


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "migrations" not in p.parts}


def imports_of(path: Path, name: str, known: Iterable[str]) -> list[tuple[str, set[str]]]:
    """(imported module, names taken from it) for every import in ``path``, resolved to known modules."""
    known = set(known)
    is_package = path.name == "__init__.py"
    out: list[tuple[str, set[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                and node.args[0].value.startswith("zerocarbon")):
            out.append((node.args[0].value, set()))  # importlib.import_module("zerocarbon.…") is an import too
        elif isinstance(node, ast.Import):
            out += [(alias.name, set()) for alias in node.names if alias.name.startswith("zerocarbon")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if not target.startswith("zerocarbon"):
                continue
            names = {alias.name for alias in node.names}
            sub = [f"{target}.{n}" for n in names if f"{target}.{n}" in known]
            out += [(s, set()) for s in sub]
            rest = names - {s.rsplit(".", 1)[1] for s in sub}
            if rest or not sub:
                out.append((target, rest))
    return out


def graph() -> dict[str, list[tuple[str, set[str]]]]:
    mods = modules()
    return {name: imports_of(path, name, mods) for name, path in mods.items()}


def top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def cycles(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node, or a node importing itself (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in edges.get(v, ()):
                found.append(sorted(comp))

    for v in list(edges):
        if v not in index:
            visit(v)
    return found


def violations(g: Mapping[str, list[tuple[str, set[str]]]]) -> list[str]:
    bad = []
    for mod, deps in g.items():
        layer = top(mod)
        for dep, names in deps:
            dep_layer = top(dep)
            if layer in CORE and dep_layer in SHELL:
                bad.append(f"core {mod} imports shell {dep}")
            if layer in FACES and dep_layer in ("store", "ingest"):
                allowed = FACE_STORE_ALLOWED.get(dep, set())
                if dep_layer == "ingest" or dep not in FACE_STORE_ALLOWED or (
                        allowed is not None and not names <= allowed):
                    bad.append(f"face {mod} imports {dep} {sorted(names)}")
            if dep_layer == "demo" and layer != "demo" and not (
                    mod.startswith("zerocarbon.services.demo") or layer == "cli"):
                bad.append(f"{mod} imports the demo ({dep})")
            if layer == "reports" and dep_layer in ("ingest", "store", "api", "web", "cli"):
                bad.append(f"report {mod} imports {dep}")
    return bad


def module_edges(g: Mapping[str, list[tuple[str, set[str]]]]) -> dict[str, set[str]]:
    return {m: {d for d, _ in deps if d in g and d != m} for m, deps in g.items()}


def test_the_package_keeps_the_rules_of_the_house() -> None:
    g = graph()
    assert len(g) > 100, "the walk found too few modules: is PACKAGE right?"
    assert violations(g) == []


def test_no_import_cycle_between_modules() -> None:
    assert cycles(module_edges(graph())) == []


def test_no_source_file_over_500_lines() -> None:
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 520}
    assert long == {}


def test_tests_mirror_the_package() -> None:
    """Every test folder names a package of src/zerocarbon (or is the end-to-end browser suite)."""
    tests = Path(__file__).resolve().parent
    folders = {p.relative_to(tests) for p in tests.rglob("*") if p.is_dir() and p.name != "__pycache__"}
    stray = [str(f) for f in folders if f.parts[0] != "e2e" and not (PACKAGE / f).is_dir()]
    assert stray == []


# ------------------------------------------------------------------ the checks catch what they should
@pytest.mark.parametrize(("mod", "dep", "names", "expected"), [
    ("zerocarbon.accounting.x", "zerocarbon.store.schema", set(), "core zerocarbon.accounting.x imports shell"),
    ("zerocarbon.timeseries.x", "zerocarbon.services.y", set(), "core zerocarbon.timeseries.x imports shell"),
    ("zerocarbon.api.routes.r", "zerocarbon.store.readings", {"correct_reading"}, "face zerocarbon.api.routes.r"),
    ("zerocarbon.cli.store", "zerocarbon.ingest.rest", {"push"}, "face zerocarbon.cli.store"),
    ("zerocarbon.web.routes", "zerocarbon.store.audit", {"verify"}, "face zerocarbon.web.routes"),
    ("zerocarbon.api.routes.r", "zerocarbon.demo.meters", set(), "imports the demo"),
    ("zerocarbon.services.dashboard.x", "zerocarbon.demo.meters", set(), "imports the demo"),
    ("zerocarbon.reports.content", "zerocarbon.ingest.columns", set(), "report zerocarbon.reports.content"),
])
def test_a_broken_rule_is_reported(mod: str, dep: str, names: set[str], expected: str) -> None:
    found = violations({mod: [(dep, names)]})
    assert any(expected in v for v in found), found


@pytest.mark.parametrize(("mod", "dep", "names"), [
    ("zerocarbon.api.deps", "zerocarbon.store.db", {"database_url"}),
    ("zerocarbon.api.app", "zerocarbon.store.audit", {"current_actor"}),
    ("zerocarbon.services.demo.main", "zerocarbon.demo.generator", set()),
    ("zerocarbon.cli.main", "zerocarbon.services.demo.main", set()),
    ("zerocarbon.services.metering.intake", "zerocarbon.store.readings", set()),
])
def test_an_allowed_import_passes(mod: str, dep: str, names: set[str]) -> None:
    assert violations({mod: [(dep, names)]}) == []


def test_cycles_are_found() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"a"}}) == [["a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_relative_and_submodule_imports_resolve(tmp_path: Path) -> None:
    pkg = tmp_path / "zerocarbon" / "p"
    pkg.mkdir(parents=True)
    (pkg / "m.py").write_text("import importlib\nfrom . import n\nfrom zerocarbon.p import n as k\nfrom ..q import x\n"
                              "w = importlib.import_module('zerocarbon.web')\n")
    found = imports_of(pkg / "m.py", "zerocarbon.p.m", {"zerocarbon.p.n", "zerocarbon.q"})
    assert ("zerocarbon.p.n", set()) in found and ("zerocarbon.q", {"x"}) in found
    assert ("zerocarbon.web", set()) in found


def package_edges(g: Mapping[str, list[tuple[str, set[str]]]]) -> dict[str, set[str]]:
    """Imports between the top-level packages (api → web → api is a cycle even when no module closes one)."""
    edges: dict[str, set[str]] = {}
    for mod, deps in g.items():
        edges.setdefault(top(mod), set()).update(top(d) for d, _ in deps if top(d) and top(d) != top(mod))
    return edges


def test_no_import_cycle_between_top_level_packages() -> None:
    assert cycles(package_edges(graph())) == []
