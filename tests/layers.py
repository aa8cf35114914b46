"""The dependency order of homecoming's apps, the import graph the code actually has, and the
check that keeps the two together (tests/test_layers.py); docs/architecture.md, "Layers".

``PYTHONPATH=. python -m tests.layers`` prints the Mermaid diagram of the layers as the code
produces it; ``--write`` puts it into docs/architecture.md.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "homecoming"
DOC = ROOT / "docs" / "architecture.md"

# Lowest first; an app imports only from its own layer or below, and never in a cycle.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("planner", "dedup"),
    ("core",),
    ("accounts",),
    ("places",),
    ("programmes",),
    ("mineaction",),
    ("housing",),
    ("registry",),
    ("returns",),
    ("assistance", "feedback"),
    ("monitoring",),
    ("heritage",),
    ("site", "demo", "synth", "project"),
)
PLANNED = frozenset({"assistance", "feedback"})
# The modules of the project package itself (settings, urls, the command line...) are one unit.
PROJECT = "project"
# Packages and modules that must run without Django: they import neither Django nor DRF, and
# nothing of homecoming outside this set.
DJANGO_FREE = (
    "homecoming.planner",
    "homecoming.dedup",
    "homecoming.mineaction.readiness",
    "homecoming.monitoring.forecast",
    "homecoming.programmes.fairness",
    "homecoming.programmes.language",
)
DJANGO = ("django", "rest_framework")
# A string literal that names a homecoming module or attribute (import_string, include, settings).
DOTTED = re.compile(r"homecoming(\.[A-Za-z_]\w*)+")


@dataclass(frozen=True)
class Violation:
    rule: str  # "django", "upward", "unplaced" or "cycle"
    importer: str
    imported: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.importer} -> {self.imported}"


def unit_of(module: str) -> str:
    """The app a module belongs to: ``homecoming.registry.models`` -> ``registry``."""
    parts = module.split(".")
    if len(parts) < 2 or (PACKAGE / parts[1]).with_suffix(".py").exists():
        return PROJECT
    return parts[1]


def _within(module: str, prefixes: Iterable[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def check(
    imports: Iterable[tuple[str, str]],
    *,
    names: Iterable[tuple[str, str]] = (),
    layers: Sequence[Sequence[str]] = LAYERS,
    django_free: Sequence[str] = DJANGO_FREE,
    unit: Callable[[str], str] = unit_of,
) -> set[Violation]:
    """Every edge (importer module, imported module) that breaks the order. ``imports`` are
    import statements; ``names`` are modules named in string literals (``import_string``), which
    count for the order but not for cycles. Edges to modules outside homecoming count only for
    the Django-free rule."""
    rank = {name: i for i, layer in enumerate(layers) for name in layer}
    imports = set(imports)
    found: set[Violation] = set()
    for importer, imported in imports | set(names):
        if _within(importer, django_free) and (
            _within(imported, DJANGO)
            or (_within(imported, ["homecoming"]) and not _within(imported, django_free))
        ):
            found.add(Violation("django", importer, imported))
        if not _within(imported, ["homecoming"]):
            continue
        source, target = unit(importer), unit(imported)
        if source not in rank or target not in rank:
            found.add(Violation("unplaced", importer, imported))
        elif rank[target] > rank[source]:
            found.add(Violation("upward", importer, imported))
    inner = {(a, b) for a, b in imports if _within(b, ["homecoming"]) and a != b}
    # Modules importing each other, and apps of one layer importing each other (a cycle across
    # layers always contains an upward import, reported above).
    found |= {Violation("cycle", a, b) for a, b in _cycle_edges(inner)}
    level = {(a, b) for a, b in inner if unit(a) in rank and rank[unit(a)] == rank.get(unit(b))}
    apps = {(unit(a), unit(b)) for a, b in level if unit(a) != unit(b)}
    across = _cycle_edges(apps)
    found |= {Violation("cycle", a, b) for a, b in level if (unit(a), unit(b)) in across}
    return found


def _cycle_edges(edges: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The edges that lie on a cycle (both ends in one strongly connected component)."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        if a != b:
            graph.setdefault(a, set()).add(b)
            graph.setdefault(b, set())
    component = _components(graph)
    return {(a, b) for a, targets in graph.items() for b in targets if component[a] == component[b]}


def _components(graph: Mapping[str, set[str]]) -> dict[str, int]:
    """Tarjan's strongly connected components, iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    component: dict[str, int] = {}
    stack: list[str] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target not in component:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    while True:
                        member = stack.pop()
                        component[member] = index[node]
                        if member == node:
                            break
    return component


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(
    source: str, module: str, *, is_package: bool, known: set[str]
) -> tuple[set[str], set[str]]:
    """The modules ``source`` imports, at module level or inside functions, and the homecoming
    modules its string literals name (``import_string("homecoming.x.services.y")``)."""
    imported: set[str] = set()
    named: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                imported.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and DOTTED.fullmatch(node.value)
            and (name := _longest_known(node.value, known))
        ):
            named.add(name)
    return imported - {module}, named - {module}


def _longest_known(dotted: str, known: set[str]) -> str | None:
    """The module a dotted name starts with; None for names like ``homecoming.W001``."""
    parts = dotted.split(".")
    for end in range(len(parts), 1, -1):
        if ".".join(parts[:end]) in known:
            return ".".join(parts[:end])
    return None


def skipped(path: Path, package: Path = PACKAGE) -> bool:
    """Tests may reach across apps to build their fixtures; they are not part of the order."""
    return "tests" in path.relative_to(package).parts or path.name == "testing.py"


@dataclass(frozen=True)
class Graph:
    imports: frozenset[tuple[str, str]]  # (importer module, imported module)
    names: frozenset[tuple[str, str]]  # (module, homecoming module named in a string literal)

    def violations(self) -> set[Violation]:
        return check(self.imports, names=self.names)

    @property
    def edges(self) -> frozenset[tuple[str, str]]:
        return self.imports | self.names


def import_graph(package: Path = PACKAGE) -> Graph:
    """Every import under ``package``, migrations included: they may import their own app's
    code, like any module of the app, and nothing above it."""
    known = {module_name(p, package) for p in package.rglob("*.py")}
    imports: set[tuple[str, str]] = set()
    names: set[tuple[str, str]] = set()
    for path in sorted(package.rglob("*.py")):
        if skipped(path, package):
            continue
        module = module_name(path, package)
        imported, named = imports_of(
            path.read_text(encoding="utf-8"),
            module,
            is_package=path.name == "__init__.py",
            known=known,
        )
        imports |= {(module, m) for m in imported}
        names |= {(module, m) for m in named}
    return Graph(frozenset(imports), frozenset(names))


def app_edges(edges: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    return {
        (unit_of(a), unit_of(b))
        for a, b in edges
        if _within(b, ["homecoming"]) and unit_of(a) != unit_of(b)
    }


BEGIN = "<!-- layers diagram: generated by `PYTHONPATH=. python -m tests.layers --write` -->"
END = "<!-- end of layers diagram -->"


def diagram(edges: Iterable[tuple[str, str]], allowed: Iterable[tuple[str, str]]) -> str:
    """The layers as a Mermaid flowchart, lowest at the bottom: one row per layer, planned apps
    dashed, every app-level import an arrow, the allowed violations dashed and red."""
    edges = set(edges)
    broken = {(unit_of(a), unit_of(b)) for a, b in allowed}
    lines = ["```mermaid", "flowchart BT"]
    for i, layer in enumerate(LAYERS):
        title = {0: "pure: no Django", len(LAYERS) - 1: "top"}.get(i, f"layer {i}")
        lines.append(f'  subgraph L{i}["{title}"]')
        lines += [
            f"    {name}" + (f"[{name} - planned]" if name in PLANNED else "") for name in layer
        ]
        lines.append("  end")
    lines += [f"  L{i} ~~~ L{i + 1}" for i in range(len(LAYERS) - 1)]
    red = []
    for n, (a, b) in enumerate(sorted(app_edges(edges)), start=len(LAYERS) - 1):
        lines.append(f"  {a} {'-.->' if (a, b) in broken else '-->'} {b}")
        if (a, b) in broken:
            red.append(str(n))
    lines += [
        f"  class {','.join(sorted(PLANNED))} planned",
        "  classDef planned stroke-dasharray: 4",
    ]
    if red:
        lines.append(f"  linkStyle {','.join(red)} stroke:red")
    lines.append("```")
    return "\n".join([BEGIN, *lines, END])


def documented_diagram(doc: Path = DOC) -> str:
    text = doc.read_text(encoding="utf-8")
    start, end = text.find(BEGIN), text.find(END)
    return text[start : end + len(END)] if start >= 0 and end > start else ""


def main(argv: Sequence[str]) -> None:
    from tests.test_layers import ALLOWED

    graph = import_graph()
    fresh = diagram(graph.edges, ALLOWED)
    if "--write" in argv:
        text = DOC.read_text(encoding="utf-8")
        old = documented_diagram()
        DOC.write_text(text.replace(old, fresh) if old else text + "\n" + fresh + "\n")
    else:
        print(fresh)


if __name__ == "__main__":
    main(sys.argv[1:])
