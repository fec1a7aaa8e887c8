"""The layers hold: the edges use the assistant's public API, ingestion only its storage and data
modules, no module reaches for another's private names, and ``assistant`` has no import cycle.

The imports are read with ``ast`` (nothing is imported), lazy imports inside functions included:
an import put in a function to dodge a cycle is still a cycle. Imports under
``if TYPE_CHECKING:`` are left out: they never run.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO

# What ingestion may use of the assistant: where things are stored, what they are, how text and
# countries are read, and the errors those raise. Answering, briefs and the service are not its.
INGEST_MAY_IMPORT = (
    "assistant.storage",
    "assistant.models",
    "assistant.config",
    "assistant.embedding",
    "assistant.countries",
    "assistant.country_groups",
    "assistant.indicators",
    "assistant.text",
    "assistant.sentences",
    "assistant.errors",
)


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the module imported from, dotted and absolute
    names: tuple[str, ...]  # the names imported from it ("" for `import x`)
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def python_files(*roots: str) -> list[Path]:
    files: list[Path] = []
    for root in roots:
        path = REPO / root
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files


def _is_module(dotted: str) -> bool:
    path = REPO.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports(path: Path) -> Iterator[Import]:
    """Every import of ``path`` that runs, with relative imports made absolute and
    ``from package import submodule`` resolved to the submodule."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, ("",), node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            names = tuple(a.name for a in node.names)
            submodules = [n for n in names if _is_module(f"{target}.{n}")]
            for name in submodules:
                yield Import(module, f"{target}.{name}", ("",), node.lineno)
            rest = tuple(n for n in names if n not in submodules)
            if rest:
                yield Import(module, target, rest, node.lineno)


def ours(target: str) -> bool:
    return target.split(".")[0] in {"assistant", "ingest", "bots", "api", "server"}


def test_the_edges_use_only_the_assistants_public_api() -> None:
    import assistant

    public = set(assistant.__all__)
    wrong = [
        f"{i.module}:{i.line} imports {i.target} {i.names}"
        for path in python_files("api", "bots", "server.py")
        for i in imports(path)
        if i.target.startswith("assistant")
        and (i.target != "assistant" or not set(i.names) <= public | {""})
    ]
    assert wrong == [], "api/, bots/ and server.py may import only `from assistant import …`"


def test_ingestion_uses_only_storage_and_data_modules() -> None:
    wrong = [
        f"{i.module}:{i.line} imports {i.target}"
        for path in python_files("ingest")
        for i in imports(path)
        if i.target.startswith("assistant")
        and not any(i.target == m or i.target.startswith(m + ".") for m in INGEST_MAY_IMPORT)
    ]
    assert wrong == []


def test_no_module_imports_a_private_name_of_another() -> None:
    wrong: list[str] = []
    for path in python_files("assistant", "ingest", "bots", "api", "server.py"):
        modules_here: set[str] = set()
        for i in imports(path):
            if not ours(i.target):
                continue
            wrong += [
                f"{i.module}:{i.line} imports {i.target}.{n}"
                for n in i.names
                if n.startswith("_") and not n.startswith("__")
            ]
            if i.names == ("",):
                modules_here.add(i.target.rpartition(".")[2])
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute) or not _private(node.attr):
                continue
            owner = node.value
            # module._name, or self.collaborator._name: reaching into another unit's internals
            if (isinstance(owner, ast.Name) and owner.id in modules_here) or (
                isinstance(owner, ast.Attribute)
                and isinstance(owner.value, ast.Name)
                and owner.value.id == "self"
            ):
                wrong.append(f"{module_name(path)}:{node.lineno} uses {ast.unparse(node)}")
    assert wrong == []


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_import_cycle_inside_the_assistant() -> None:
    graph: dict[str, set[str]] = {}
    for path in python_files("assistant"):
        edges = graph.setdefault(module_name(path), set())
        for i in imports(path):
            if i.target.startswith("assistant") and i.target != module_name(path):
                edges.add(i.target)
    cycles = [sorted(c) for c in strongly_connected(graph) if len(c) > 1]
    assert cycles == [], f"import cycles: {cycles}"


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm: the strongly connected components of ``graph``."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: set[str] = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.add(top)
                if top == node:
                    break
            found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_walker_sees_what_it_must() -> None:
    """The checks above would pass on a walker that found nothing."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert [c for c in strongly_connected(graph) if len(c) > 1] == [{"a", "b", "c"}]
    found = {(i.target, i.names) for i in imports(REPO / "server.py")}
    assert any(t == "assistant" for t, _ in found)
    assert sum(1 for p in python_files("assistant") for _ in imports(p)) > 50
