"""How the modules of `app/` depend on each other: no import cycle, and the domain never reaches the web.

The graph is read from the source with `ast`, every import counted, those inside functions too (an
import put off to run time is still a dependency). `from package import name` depends on the module
`package.name` when there is one, else on the package.
"""
from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"

# Where a request, a command or a job comes in; they may use anything.
ENTRY_POINTS = ("app", "app.runtime", "app.scheduler")
ENTRY_PACKAGES = ("app.demo",)
# The web: pages, forms, the API, feeds' and pages' views; the domain (models, services, queries, messages,
# integrations...) never imports them.
WEB_PACKAGES = ("app.api", "app.public", "app.staff", "app.web")
WEB_MODULES = ("app.accounts.login",)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(APP.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in APP.rglob("*.py")}


def _within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def _known(name: str | None) -> str | None:
    """The module of `app` that `name` is, or lies in (an attribute of a module names its module)."""
    while name and name not in modules():
        name = name.rpartition(".")[0]
    return name if name and _within(name, ("app",)) else None


def imports_of(name: str) -> set[str]:
    path = modules()[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str | None] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(_known(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                whole = f"{base}.{alias.name}"
                found.add(whole if whole in modules() else _known(base))
    found.discard(None)
    found.discard(name)
    return found  # type: ignore[return-value]


@cache
def graph() -> dict[str, frozenset[str]]:
    return {name: frozenset(imports_of(name)) for name in modules()}


def cycles(edges: dict[str, frozenset[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each as one cycle through it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(edges[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in edges[node]:
                groups.append(_one_cycle(sorted(group), edges))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def _one_cycle(group: list[str], edges: dict[str, frozenset[str]]) -> list[str]:
    """A path from the group's first module back to itself, for a readable message."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    todo = [start]
    while todo:
        node = todo.pop(0)
        for other in sorted(edges[node] & members):
            if other == start:
                return paths[node] + [start]
            if other not in paths:
                paths[other] = paths[node] + [other]
                todo.append(other)
    return group


def is_web(name: str) -> bool:
    last = name.rpartition(".")[2]
    return (_within(name, WEB_PACKAGES) or name in WEB_MODULES or last.startswith("views") or last == "forms")


def is_entry_point(name: str) -> bool:
    return name in ENTRY_POINTS or _within(name, ENTRY_PACKAGES) or name.endswith(".commands")


def test_the_graph_is_read_whole():
    edges = graph()
    assert {"app.registrations.services", "app.calendar.models", "app.api.views"} <= set(edges)
    assert "app.calendar.services" in edges["app.registrations.services"]
    assert "app.web.urls" in edges["app.staff.blueprint"]
    assert "app.staff" in edges["app"]  # imported inside create_app: counted too


def test_cycles_are_found_also_through_imports_inside_functions():
    edges = {"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}), "d": frozenset({"a"})}
    assert cycles(edges) == [["a", "b", "c", "a"]]
    assert cycles({"a": frozenset({"b"}), "b": frozenset()}) == []


def test_no_import_cycle_between_modules_of_app():
    found = cycles(graph())
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in found)


def test_the_domain_never_imports_the_web():
    wrong = sorted(f"{name} imports {other}" for name, others in graph().items()
                   if not is_web(name) and not is_entry_point(name) for other in others if is_web(other))
    assert not wrong, "\n".join(wrong)
