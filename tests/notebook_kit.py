"""Turning a `.py` into the notebook a student would hand in: one cell per definition, markdown between them, and
the Colab habits the grader must not run (a `!pip` cell, `%matplotlib`, a Google Drive mount, a top-level training
cell that fails if it is ever run)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

_CELL_START = re.compile(r"^(def |class |@|if __name__)")

# Cells a student's Colab notebook carries that must never run under the grader: each would fail or take minutes.
COLAB_HEAD = (
    new_markdown_cell("# 과제 / Assignment\n\n설명 / description"),
    new_code_cell("!pip install -q grader\n%matplotlib inline"),
    new_code_cell("from google.colab import drive\ndrive.mount('/content/drive')"),
)
TOP_LEVEL_TRAINING = new_code_cell(
    "import matplotlib.pyplot as plt\n"
    "history = undefined_model.fit(x_train, y_train, epochs=10)  # NameError if the grader ever ran it\n"
    "plt.plot(history.history['loss'])\n"
    "print('trained')"
)


def split_cells(source: str) -> list[str]:
    """A new cell at each top-level def, class, decorator or `if __name__` block (a decorator keeps its def)."""
    cells: list[list[str]] = [[]]
    previous = ""
    for line in source.splitlines():
        if _CELL_START.match(line) and not previous.startswith("@") and cells[-1]:
            cells.append([])
        cells[-1].append(line)
        if line.strip():
            previous = line
    return ["\n".join(lines).strip("\n") for lines in cells if "".join(lines).strip()]


def notebook_of(source: str, *, colab: bool = True) -> nbformat.NotebookNode:
    """The `.py` as a notebook; with `colab`, wrapped in the cells above (the definitions keep their own order)."""
    code = [new_code_cell(text) for text in split_cells(source)]
    cells = [*COLAB_HEAD, *code, TOP_LEVEL_TRAINING] if colab else code
    return new_notebook(cells=list(cells), metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})


def write_notebook(path: Path, source: str, *, colab: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook_of(source, colab=colab), path)
    return path


def cell_of(notebook: nbformat.NotebookNode, text: str) -> tuple[int, int]:
    """(cell number as Jupyter counts them, 1-based line) of the first line holding `text`."""
    for number, cell in enumerate(notebook.cells, start=1):
        for line_number, line in enumerate(cell.source.splitlines(), start=1):
            if cell.cell_type == "code" and text in line:
                return number, line_number
    raise LookupError(text)
