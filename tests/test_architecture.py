"""The package's rules, held against its import graph (read from the source with `ast`, nothing imported):

- the sandbox, which runs next to student code, imports nothing of the host (only `grader.registry`, which imports
  nothing of the grader at all);
- checks load neither runners nor stages, directly or through what they import;
- nobody imports another package's private names (`_common`, `_path`);
- there are no import cycles, lazy imports inside functions included (only `if TYPE_CHECKING:` imports are left out:
  they never run).

Each rule is also run on a small package built to break it, to show that it fails.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT

SANDBOX_MAY_IMPORT = frozenset({"grader.registry"})
Graph = dict[str, set[str]]


def _modules(root: Path, package: str) -> dict[str, Path]:
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import that can run, at any depth; `if TYPE_CHECKING:` bodies are skipped."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            yield from (n for child in node.orelse for n in _imports(ast.Module([child], [])))
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _imports(node)


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def import_graph(root: Path, package: str) -> tuple[Graph, list[tuple[str, str]]]:
    """Module -> the package's modules it imports, and every (importer, `module:name`) that is a private name."""
    modules = _modules(root, package)
    graph: Graph = {name: set() for name in modules}
    private: list[tuple[str, str]] = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _imports(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                source = _resolve(name, path.name == "__init__.py", node)
                targets = []
                for alias in node.names:
                    full = f"{source}.{alias.name}"
                    targets.append(full if full in modules else source)
                    if alias.name.startswith("_") and alias.name != "__future__":
                        private.append((name, f"{source}:{alias.name}"))
            for target in targets:
                if target.split(".")[0] != package or target not in modules or target == name:
                    continue
                graph[name].add(target)
                leaf = target.rsplit(".", 1)[-1]
                if leaf.startswith("_") and not leaf.startswith("__"):
                    private.append((name, target))
    return graph, private


def _package_of(module: str, graph: Graph) -> str:
    """A module's package: itself when it is one (it has submodules), else its parent."""
    is_package = any(other.startswith(module + ".") for other in graph)
    return module if is_package else module.rsplit(".", 1)[0]


def sandbox_violations(graph: Graph, sandbox: str) -> list[str]:
    bad = [
        f"{module} imports {target}"
        for module, targets in graph.items()
        if module == sandbox or module.startswith(sandbox + ".")
        for target in targets
        if not (target == sandbox or target.startswith(sandbox + ".") or target in SANDBOX_MAY_IMPORT)
    ]
    bad += [f"{allowed} imports {target}" for allowed in SANDBOX_MAY_IMPORT for target in graph.get(allowed, ())]
    return bad


def reached(graph: Graph, start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        module = todo.pop()
        for target in graph.get(module, ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def forbidden_reach(graph: Graph, sources: str, forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for module in sorted(m for m in graph if m == sources or m.startswith(sources + ".")):
        hit = sorted(t for t in reached(graph, module) if any(t == f or t.startswith(f + ".") for f in forbidden))
        bad += [f"{module} loads {target}" for target in hit]
    return bad


def private_violations(graph: Graph, private: list[tuple[str, str]]) -> list[str]:
    """A private name or module is its own package's: importing it from another package breaks the rule."""
    bad = []
    for importer, target in private:
        owner = target.split(":")[0]
        owner = owner.rsplit(".", 1)[0] if ":" not in target else _package_of(owner, graph)
        if _package_of(importer, graph) != owner and not importer.startswith(owner + "."):
            bad.append(f"{importer} imports {target}")
    return bad


def cycles(graph: Graph) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


@pytest.fixture(scope="module")
def grader_graph() -> tuple[Graph, list[tuple[str, str]]]:
    return import_graph(ROOT, "grader")


def test_the_sandbox_imports_nothing_of_the_host(grader_graph: tuple[Graph, list[tuple[str, str]]]) -> None:
    assert sandbox_violations(grader_graph[0], "grader.sandbox") == []


def test_checks_load_neither_runners_nor_stages(grader_graph: tuple[Graph, list[tuple[str, str]]]) -> None:
    assert forbidden_reach(grader_graph[0], "grader.checks", ("grader.runners", "grader.stages")) == []


def test_no_one_imports_another_packages_private_names(grader_graph: tuple[Graph, list[tuple[str, str]]]) -> None:
    assert private_violations(*grader_graph) == []


def test_there_are_no_import_cycles(grader_graph: tuple[Graph, list[tuple[str, str]]]) -> None:
    assert cycles(grader_graph[0]) == []


def test_the_top_level_holds_few_modules() -> None:
    assert len(list((ROOT / "grader").glob("*.py"))) <= 15


def _package(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return root


def test_each_rule_fails_on_a_package_that_breaks_it(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/registry.py": "",
            "pkg/spec.py": "from pkg.checks import CHECKS\n",
            "pkg/stages.py": "from pkg import runners\n",
            "pkg/runners/__init__.py": "",
            "pkg/checks/__init__.py": "from pkg.checks.base import CHECKS\n",
            "pkg/checks/base.py": (
                "from typing import TYPE_CHECKING\nfrom pkg.stages import run\nif TYPE_CHECKING:\n"
                "    from pkg import spec\n\ndef later():\n    from pkg.spec import load\n"
            ),
            "pkg/sandbox/__init__.py": "",
            "pkg/sandbox/probe.py": "from pkg import registry\nfrom pkg.spec import load\n",
            "pkg/outputs/__init__.py": "",
            "pkg/outputs/_common.py": "",
            "pkg/term.py": "from pkg.outputs._common import write\nfrom pkg.outputs import _hidden\n",
        },
    )
    graph, private = import_graph(root, "pkg")
    global SANDBOX_MAY_IMPORT
    kept, SANDBOX_MAY_IMPORT = SANDBOX_MAY_IMPORT, frozenset({"pkg.registry"})
    try:
        assert sandbox_violations(graph, "pkg.sandbox") == ["pkg.sandbox.probe imports pkg.spec"]
    finally:
        SANDBOX_MAY_IMPORT = kept
    assert "pkg.checks.base loads pkg.stages" in forbidden_reach(graph, "pkg.checks", ("pkg.runners", "pkg.stages"))
    assert "pkg.checks.base loads pkg.runners" in forbidden_reach(graph, "pkg.checks", ("pkg.runners", "pkg.stages"))
    assert sorted(private_violations(graph, private)) == [
        "pkg.term imports pkg.outputs._common",
        "pkg.term imports pkg.outputs:_hidden",
    ]
    assert cycles(graph) == [["pkg.checks", "pkg.checks.base", "pkg.spec"]]  # the lazy import in `later` counts
    fixed = {**graph, "pkg.checks.base": {"pkg.stages"}}
    assert cycles(fixed) == []  # the TYPE_CHECKING import alone does not
