"""Each skeleton and reference notebook stays the twin of its `submission.py`: the module graded from the notebook
defines the same functions and classes, with the same code, and keeps the same imports they need."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import pytest

from grader.notebooks.convert import read_notebook, to_module

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = sorted(path.parent.name for path in (ROOT / "assignments").glob("*/assignment.yaml"))
TWINS = [ROOT / folder / name / "submission.py" for folder in ("assignments", "solutions") for name in ASSIGNMENTS]
DEFINITIONS = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def _id(py: Path) -> str:
    return f"{py.parent.parent.name}/{py.parent.name}"


def _definitions(tree: ast.Module) -> dict[str, str]:
    return {node.name: ast.dump(node) for node in tree.body if isinstance(node, DEFINITIONS)}


def _binds(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        return {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return {name.id for name in ast.walk(node) if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Store)}


def _reads(node: ast.AST) -> set[str]:
    return {name.id for name in ast.walk(node) if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Load)}


def _needed(tree: ast.Module) -> set[str]:
    """The top-level statements the definitions use, transitively by name (the `__main__` block never counts)."""
    main = [node for node in tree.body if isinstance(node, ast.If) and "__main__" in ast.dump(node.test)]
    others = [node for node in tree.body if not isinstance(node, DEFINITIONS) and node not in main]
    wanted = set().union(*(_reads(node) for node in tree.body if isinstance(node, DEFINITIONS)))
    kept: list[ast.stmt] = []
    grew = True
    while grew:
        grew = False
        for node in others:
            if node not in kept and _binds(node) & wanted:
                kept.append(node)
                wanted |= _reads(node)
                grew = True
    return {ast.dump(node) for node in kept}


@pytest.mark.parametrize("py", TWINS, ids=_id)
def test_notebook_defines_what_its_py_defines(py: Path) -> None:
    notebook = py.with_suffix(".ipynb")
    assert notebook.is_file(), f"{_id(py)} has no submission.ipynb next to its submission.py"
    expected = ast.parse(py.read_text(encoding="utf-8"))
    graded = ast.parse(to_module(read_notebook(notebook)).source)

    want, got = _definitions(expected), _definitions(graded)
    assert sorted(got) == sorted(want), "the notebook and the .py define different functions or classes"
    drifted = [name for name in want if got[name] != want[name]]
    assert not drifted, f"code differs between the notebook and the .py: {drifted}"

    statements = {ast.dump(node) for node in graded.body if not isinstance(node, DEFINITIONS)}
    assert statements == _needed(expected), "the graded notebook's imports differ from those its .py's definitions need"


@pytest.mark.parametrize("py", TWINS, ids=_id)
def test_notebook_is_valid_and_clean(py: Path) -> None:
    notebook = py.with_suffix(".ipynb")
    node = nbformat.read(notebook, as_version=4)
    nbformat.validate(node)
    assert node.metadata.kernelspec.name == "python3"
    raw = json.loads(notebook.read_text(encoding="utf-8"))
    code = [cell for cell in raw["cells"] if cell["cell_type"] == "code"]
    assert code, "the notebook has no code cells"
    assert all(cell["outputs"] == [] and cell["execution_count"] is None for cell in code), "outputs left in"
