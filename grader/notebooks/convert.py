"""Student notebooks (`.ipynb`) turned into the module the sandbox imports, on the host, before any code runs.

The notebook is read as data (nbformat, validated) with outputs, attachments and metadata dropped first, so nothing
but code reaches the sandbox. The graded module keeps every function and class definition and the top-level
statements they need, transitively by the names they use; the rest of the notebook's top-level flow (a `drive.mount`,
a 10-epoch `model.fit`, plots) is not run, so a notebook grades like the same definitions in a `.py`. Every line of
the module remembers its cell and line, so messages name the cell as Jupyter shows it (`cell 7, line 3`: position
among all cells, 1-based).
"""

from __future__ import annotations

import ast
import json
import re
import tokenize
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from grader.artifacts import nesting_depth
from grader.messages import Text, say
from grader.notebooks.uses import Statement, colab_only, is_future, kept_statements

NOTEBOOK_SUFFIX = ".ipynb"
MAX_NOTEBOOK_BYTES = 512 * 1024 * 1024
MAX_NESTING = 100
"""Deeper JSON than any notebook editor writes; nbformat would exhaust Python's recursion on it."""
SUPPORTED_MAJOR = 4
SHOWN_CODE = 120
"""Characters of a skipped line shown to the student."""
# A line IPython would not hand to Python: `%magic`, `!shell`, `x = !shell`, `x = %magic`, `obj?`, `?obj`.
_MAGIC_LINE = re.compile(r"^(\s*)(?:[A-Za-z_][\w, ]*=\s*)?[!%]|^(\s*)(?:\?{1,2}[\w.]+|[\w.]+\?{1,2})\s*$")
_CELL_MAGIC = re.compile(r"^\s*%%")
_LINE_END = re.compile(r"\r\n|\r|\n")
_AWAIT = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT  # Jupyter runs `await` at the top level of a cell


class NotebookError(Exception):
    """A notebook that cannot become a module; `text` says why, in the student's terms, in either language."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.render())
        self.text = text


@dataclass(frozen=True)
class Cell:
    """A code cell: `number` is its position among all cells (markdown included), 1-based, as Jupyter shows it."""

    number: int
    source: str


@dataclass(frozen=True)
class Notebook:
    file: str
    cells: tuple[Cell, ...]
    cell_count: int


@dataclass(frozen=True)
class ModuleSource:
    """Python source made from a notebook, with the notebook location of each of its lines.

    `magic_cells`: cells whose IPython magics or shell commands were removed; `unused_cells`: cells whose top-level
    code the definitions do not need, so it is not run; `broken_cells`: why each cell Python cannot read was left
    out; `colab_lines`: where each Colab-only statement a script skips was (`notebook_uses.colab_only`)."""

    file: str
    source: str
    lines: tuple[tuple[int, int], ...]
    magic_cells: tuple[int, ...] = ()
    unused_cells: tuple[int, ...] = ()
    broken_cells: tuple[Text, ...] = ()
    colab_lines: tuple[Text, ...] = ()

    def location(self, line: int) -> tuple[int, int] | None:
        """(cell, line in cell) of a 1-based line of `source`, None for a line the grader added."""
        if 1 <= line <= len(self.lines) and self.lines[line - 1][0]:
            return self.lines[line - 1]
        return None

    def notes(self) -> tuple[Text, ...]:
        """What the student should know about how their notebook was graded."""
        found = []
        if self.magic_cells:
            found.append(say("notebook.magics_removed", where=cells_text(self.magic_cells)))
        if self.unused_cells:
            found.append(say("notebook.unused_cells", where=cells_text(self.unused_cells)))
        return (*self.broken_cells, *found)


def cells_text(cells: tuple[int, ...]) -> Text:
    """`cell 3` or `cells 3, 12-15`, in the reader's language."""
    return say("notebook.cell" if len(cells) == 1 else "notebook.cells", cells=cell_ranges(cells))


def cell_ranges(cells: Iterable[int]) -> str:
    """`cells 3, 12-15`: consecutive numbers folded into ranges (a single cell reads `cell 3`)."""
    numbers = sorted(set(cells))
    parts: list[str] = []
    start = previous = numbers[0]
    for number in [*numbers[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        parts.append(str(start) if start == previous else f"{start}-{previous}")
        if number is not None:
            start = previous = number
    return ", ".join(parts)


def _stripped(raw: object, file: str) -> dict[str, object]:
    """The notebook with outputs, attachments and metadata gone, so validating it never walks megabytes of base64."""
    major = raw.get("nbformat") if isinstance(raw, dict) else None
    if isinstance(major, int) and major != SUPPORTED_MAJOR:
        raise NotebookError(say("notebook.version", file=file, version=str(major)))
    if not isinstance(raw, dict) or major is None or not isinstance(raw.get("cells"), list):
        raise NotebookError(say("notebook.not_a_notebook", file=file))
    cells = []
    for cell in raw["cells"]:
        if not isinstance(cell, dict):
            raise NotebookError(say("notebook.invalid", file=file, problem="a cell is not a JSON object"))
        kept = {key: value for key, value in cell.items() if key not in ("outputs", "attachments", "metadata")}
        kept["metadata"] = {}
        if kept.get("cell_type") == "code":
            kept["outputs"], kept["execution_count"] = [], None
        cells.append(kept)
    return {**raw, "metadata": {}, "cells": cells}


def read_notebook(path: Path) -> Notebook:
    """Read and validate `path`; NotebookError says what is wrong (invalid JSON, not a notebook, old format)."""
    file = path.name
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise NotebookError(say("notebook.too_large", file=file, mb=size // 2**20, limit=MAX_NOTEBOOK_BYTES // 2**20))
    try:
        raw = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise NotebookError(say("notebook.invalid_json", file=file, problem=str(exc))) from None
    stripped = _stripped(raw, file)  # outputs go first: however deep they nest, they are never read
    if nesting_depth(stripped, MAX_NESTING) > MAX_NESTING:
        raise NotebookError(say("notebook.invalid", file=file, problem=f"JSON nested deeper than {MAX_NESTING} levels"))
    import nbformat  # here, not at the top: grading a .py never pays for importing it

    try:
        node = nbformat.from_dict(stripped)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.validate(node, version=SUPPORTED_MAJOR)
    except nbformat.ValidationError as exc:
        raise NotebookError(say("notebook.invalid", file=file, problem=_first_line(exc.message))) from None
    except RecursionError:
        raise NotebookError(say("notebook.invalid", file=file, problem="too deeply nested to read")) from None
    cells = []
    for number, cell in enumerate(node.cells, start=1):
        if cell.cell_type == "code":
            source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
            cells.append(Cell(number, source))
    return Notebook(file, tuple(cells), len(node.cells))


def _first_line(message: str) -> str:
    return (message.strip().splitlines() or ["(no detail)"])[0][:300]


def source_lines(text: str) -> list[str]:
    """Lines as Python's tokenizer ends them (`\\n`, `\\r\\n`, `\\r`), not `str.splitlines()`, which also breaks at a
    form feed or U+2028 that a string literal may hold."""
    lines = _LINE_END.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


class _InertMagics:
    """Python's tokenizer's `readline`: hands it the cell line by line, and turns a line into `pass` only where the
    tokens so far end a logical line, as IPython decides what a magic is (a `%` continuing `"..." % x` is not one)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.out: list[str] = []
        self.changed = False
        self.at_start = True
        self.depth = 0
        self.in_magic = False

    def __call__(self) -> str:
        if len(self.out) == len(self.lines):
            return ""
        line = self.lines[len(self.out)]
        magic = _MAGIC_LINE.match(line) if self.at_start else None
        shown = line
        if self.in_magic:
            shown = ""
        elif magic:
            shown, self.changed = f"{magic.group(1) or magic.group(2) or ''}pass", True
        self.in_magic = (self.in_magic or bool(magic)) and line.rstrip().endswith("\\")
        self.at_start = False
        self.out.append(shown)
        return shown + "\n"

    def see(self, token: tokenize.TokenInfo) -> None:
        if token.type == tokenize.OP and token.string in "([{":
            self.depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            self.depth = max(0, self.depth - 1)
        elif token.type == tokenize.NEWLINE or (token.type == tokenize.NL and not self.depth):
            self.at_start = not self.in_magic


def python_lines(cell: Cell) -> tuple[list[str], bool]:
    """The cell's lines with IPython syntax made inert, one for one, so line numbers stay the student's.

    A `%%` cell magic blanks the cell; a `%`, `!` or `?` line that starts a logical line becomes `pass` at its
    indentation (an `if` whose body was `!pip install ...` stays valid), with its backslash continuations."""
    lines = source_lines(cell.source)
    if lines and _CELL_MAGIC.match(next((line for line in lines if line.strip()), "")):
        return ["" for _ in lines], True
    reader = _InertMagics(lines)
    try:
        for token in tokenize.generate_tokens(reader):
            reader.see(token)
    except (tokenize.TokenError, SyntaxError):
        pass  # not valid Python: compiling the cell reports it, at its own line
    return reader.out + lines[len(reader.out) :], reader.changed


def _statements(notebook: Notebook) -> tuple[list[Statement], tuple[int, ...], tuple[Text, ...]]:
    """Every top-level statement of every code cell Python can read, the cells whose magics were made inert, and why
    each cell it cannot read is left out (a scratch cell with a syntax error must not cost the cells that are used)."""
    statements: list[Statement] = []
    broken: list[Text] = []
    magic_cells = []
    for cell in notebook.cells:
        lines, had_magics = python_lines(cell)
        if had_magics:
            magic_cells.append(cell.number)
        text = "\n".join(lines)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = compile(text, notebook.file, "exec", ast.PyCF_ONLY_AST | _AWAIT)
                compile(tree, notebook.file, "exec", _AWAIT)  # what parsing lets through: `return` outside a def
        except SyntaxError as exc:
            line = exc.lineno or 1
            code = lines[line - 1].strip() if 0 < line <= len(lines) else ""
            broken.append(
                say("notebook.syntax_error", file=notebook.file, cell=cell.number, line=line, error=exc.msg, code=code)
            )
            continue
        for node in tree.body:
            first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
            last = node.end_lineno or node.lineno
            statements.append(Statement(cell.number, first, last, node, "\n".join(lines[first - 1 : last])))
    return statements, tuple(magic_cells), tuple(broken)


def to_module(notebook: Notebook) -> ModuleSource:
    """The graded module: the definitions and what they need, in notebook order (`from __future__` first); a
    Colab-only statement is never among them, even where a definition reads what it binds."""
    statements, magic_cells, broken = _statements(notebook)
    kept = kept_statements(statements, colab_only(statements))
    ordered = sorted((s for s, keep in zip(statements, kept, strict=True) if keep), key=lambda s: not is_future(s.node))
    unused = sorted({s.cell for s, keep in zip(statements, kept, strict=True) if not keep and not _is_inert(s.node)})
    return replace(_assemble(notebook.file, ordered, magic_cells, tuple(unused)), broken_cells=broken)


def _is_inert(node: ast.stmt) -> bool:
    """A statement that does nothing when left out: `pass` (what a magic became) or a bare string (a docstring)."""
    text = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    return text or isinstance(node, ast.Pass)


def to_script(notebook: Notebook) -> ModuleSource:
    """Every code cell top to bottom, IPython syntax made inert and Colab-only statements skipped (`colab_only`): the
    notebook as `Run all` would run it outside Colab. A skipped statement becomes `pass`, so every other line keeps
    its number."""
    statements = _statements(notebook)[0]
    skipped = [statement for statement, only in zip(statements, colab_only(statements), strict=True) if only]
    source: list[str] = []
    lines: list[tuple[int, int]] = []
    magic_cells = []
    colab_lines: dict[tuple[int, int], Text] = {}
    for cell in notebook.cells:
        cell_lines, had_magics = python_lines(cell)
        if had_magics:
            magic_cells.append(cell.number)
        written = list(cell_lines)
        for statement in reversed([s for s in skipped if s.cell == cell.number]):  # right to left on a shared line
            colab_lines[(cell.number, statement.first)] = _skipped_line(cell.number, statement, written)
            _make_pass(cell_lines, statement.node)
        source += cell_lines
        lines += [(cell.number, number) for number in range(1, len(cell_lines) + 1)]
    shown = tuple(colab_lines[where] for where in sorted(colab_lines))
    return ModuleSource(notebook.file, "\n".join(source) + "\n", tuple(lines), tuple(magic_cells), colab_lines=shown)


def _skipped_line(cell: int, statement: Statement, lines: list[str]) -> Text:
    """`cell 3, line 2: drive.mount(...)`, or `lines 7-8` for a statement over several lines (its first one shown)."""
    code = lines[statement.first - 1].strip()[:SHOWN_CODE]
    if statement.last == statement.first:
        return say("notebook.colab_line", cell=cell, line=statement.first, code=code)
    return say("notebook.colab_lines", cell=cell, first=statement.first, last=statement.last, code=code)


def _make_pass(lines: list[str], node: ast.stmt) -> None:
    """Replace the statement's own text with `pass`: what shares its first or last line stays (`import os; ...`),
    its other lines go blank, so no line moves."""
    first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
    start = _column(lines[first], node.col_offset)
    end = _column(lines[last], node.end_col_offset or 0)
    lines[first] = lines[first][:start] + "pass" + lines[last][end:]
    for index in range(first + 1, last + 1):
        lines[index] = ""


def _column(line: str, offset: int) -> int:
    """The string index of an AST column, which counts UTF-8 bytes."""
    return len(line.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))


def _assemble(
    file: str, statements: list[Statement], magic_cells: tuple[int, ...], unused: tuple[int, ...]
) -> ModuleSource:
    """Each statement's own lines, as written; statements sharing a line are emitted once."""
    source: list[str] = []
    lines: list[tuple[int, int]] = []
    emitted: set[tuple[int, int]] = set()
    for statement in statements:
        for offset, text in enumerate(statement.text.split("\n")):
            where = (statement.cell, statement.first + offset)
            if where in emitted:
                continue
            emitted.add(where)
            source.append(text)
            lines.append(where)
    return ModuleSource(file, "\n".join(source) + "\n", tuple(lines), magic_cells, unused)


@dataclass(frozen=True)
class PreparedEntry:
    """What the job needs from a notebook: job.json fields for the sandbox, and notes for the student."""

    fields: dict[str, object]
    notes: tuple[Text, ...]


def write_module(notebook_path: Path, target: Path, lang: str) -> PreparedEntry:
    """Write the graded module of `notebook_path` to `target`; a notebook that cannot become one leaves an empty
    module and the reason, which the sandbox reports as the import's error (so `runs` fails, as for a `.py`)."""
    try:
        module = to_module(read_notebook(notebook_path))
    except NotebookError as exc:
        target.write_text("", encoding="utf-8")
        return PreparedEntry({"import_error": exc.text.render(lang)}, ())
    target.write_text(module.source, encoding="utf-8")
    return PreparedEntry({"notebook": {"file": module.file, "lines": module.lines}}, module.notes())


def conversion_notes(path: Path) -> tuple[Text, ...]:
    """What grading `path` will tell the student about its cells; nothing for a `.py` or a notebook that cannot be
    read (grading reports that one as the `runs` failure)."""
    if path.suffix != NOTEBOOK_SUFFIX:
        return ()
    try:
        return to_module(read_notebook(path)).notes()
    except (NotebookError, OSError):
        return ()
