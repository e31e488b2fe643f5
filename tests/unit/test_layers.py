"""The import rules of docs/architecture.md, read from the source: imports go down the layers
only, and no files (or areas) import each other in a circle.

Every import counts, also one inside a function (a lazy import is a dependency all the same).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2] / "src"

# Bottom to top.
BASE, TOOLKIT, KERNEL, AREA, ROOT = range(5)
LAYERS = {
    BASE: ("congress", "congress.settings", "congress.errors", "congress.translation",
           "congress.roles", "congress.html", "congress.db", "congress.storage", "congress.logs"),
    TOOLKIT: ("congress.server", "congress.documents", "congress.commandline"),
    KERNEL: ("congress.domain", "congress.domain.common", "congress.domain.crud"),
    ROOT: ("congress.app", "congress.__main__", "congress.web", "congress.cli", "congress.demo",
           "congress.demo_texts"),
}  # fmt: skip
# The areas, bottom to top: an area may use the areas below it, never one above.
AREAS = (
    "accounts",
    "people",
    "events",
    "registration",
    "programme",
    "checkin",
    "decisions",
    "publishing",
)
# The one arrow from the kernel into an area: the audited write path records who did what in
# the accounts' audit log (and checks their role there).
KERNEL_USES = ("congress.domain.accounts.enums", "congress.domain.accounts.models")


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in SOURCE.rglob("*.py")}


def imports(module: str) -> Iterator[str]:
    """The congress modules ``module`` imports, anywhere in it."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            # `from package import module` names a module; `from module import name` does not.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            if target in MODULES and target != module:
                yield target


GRAPH = {module: set(imports(module)) for module in MODULES}


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def layer(module: str) -> int:
    if _within(module, "congress.domain") and module not in LAYERS[KERNEL]:
        return AREA
    found = [
        (len(prefix), number)
        for number, prefixes in LAYERS.items()
        for prefix in prefixes
        if _within(module, prefix)
    ]
    assert found, f"{module} is in no layer: add it to LAYERS"
    return max(found)[1]


def area(module: str) -> str:
    return module.split(".")[2]


def toolkit_part(module: str) -> str:
    return ".".join(module.split(".")[:2])


def violation(source: str, target: str) -> str | None:
    low, high = layer(source), layer(target)
    if high > low:
        if low == KERNEL and target in KERNEL_USES:
            return None
        return "imports a higher layer"
    if low == high == TOOLKIT and toolkit_part(source) != toolkit_part(target):
        return "the toolkit's parts (web, documents, command line) are independent"
    if low == high == AREA and AREAS.index(area(target)) > AREAS.index(area(source)):
        return f"area {area(source)} uses {area(target)}, an area above it"
    return None


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        layer(module)
    for name in AREAS:
        assert f"congress.domain.{name}" in MODULES
    areas = {area(module) for module in MODULES if layer(module) == AREA}
    assert areas == set(AREAS), "a new area needs its place in AREAS"


def test_imports_go_down_only() -> None:
    found = [
        f"{source} -> {target}: {reason}"
        for source, targets in sorted(GRAPH.items())
        for target in sorted(targets)
        if (reason := violation(source, target))
    ]
    assert found == [], "\n".join(found)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in graph.get(node, ()):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            part = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                part.append(member)
                if member == node:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_file_imports_itself_in_a_circle() -> None:
    # A package's __init__ importing its own modules is how a package is built, not a cycle.
    graph = {
        source: {target for target in targets if not _within(target, source)}
        for source, targets in GRAPH.items()
    }
    assert cycles(graph) == []


def test_no_areas_in_a_circle() -> None:
    graph: dict[str, set[str]] = {}
    for source, targets in GRAPH.items():
        if layer(source) == AREA:
            graph.setdefault(area(source), set()).update(
                area(target) for target in targets if layer(target) == AREA
            )
    for name, used in graph.items():
        used.discard(name)
    assert cycles(graph) == []


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("congress.server.forms", "congress.domain.people.services", "imports a higher layer"),
        ("congress.documents.render", "congress.server.i18n", "the toolkit's parts"),
        ("congress.domain.people.services", "congress.domain.programme.models", "area people"),
        ("congress.domain.crud", "congress.domain.accounts.services", "imports a higher layer"),
        ("congress.domain.crud", "congress.domain.accounts.models", None),
        ("congress.domain.publishing.services", "congress.domain.people.models", None),
        ("congress.web.routes", "congress.domain.checkin.api", None),
    ],
)
def test_the_rules_catch_what_they_should(source: str, target: str, expected: str | None) -> None:
    reason = violation(source, target)
    assert (reason is None) if expected is None else (reason or "").startswith(expected)


def test_cycles_are_found() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
