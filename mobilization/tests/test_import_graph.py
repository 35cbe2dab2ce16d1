"""No module of the mobilization app imports a module that imports it back (directly or round a circle).

The graph counts every import, at the top of a module or inside a function: a circle hidden in a function is
still a circle a reader has to untangle (issue 17)."""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[1]
PACKAGE = "mobilization"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(APP.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def app_modules() -> dict[str, Path]:
    modules = {}
    for path in APP.rglob("*.py"):
        rel = path.relative_to(APP).parts
        if rel[0] in ("tests", "migrations", "locale"):
            continue
        modules[module_name(path)] = path
    return modules


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            # `from x import y` imports the module x.y when there is one, else a name of x.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        else:
            continue
        found |= {t for t in targets if t in modules and t != name}
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_the_graph_is_read_correctly():
    modules = app_modules()
    assert "mobilization.services" in modules and "mobilization.tasks" in modules
    graph = {name: imports_of(name, path, modules) for name, path in modules.items()}
    assert "mobilization.models" in graph["mobilization.services.orders"]
    assert "mobilization.services.orders" in graph["mobilization.services"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_no_import_cycle_inside_mobilization():
    modules = app_modules()
    graph = {name: imports_of(name, path, modules) for name, path in modules.items()}
    assert cycles(graph) == []
