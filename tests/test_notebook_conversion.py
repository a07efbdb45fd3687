"""The notebook conversion never breaks valid code: magics only where IPython sees one, lines split as Python's
tokenizer splits them, and statements that change what a kept definition reads kept with it. The property test runs
generated notebooks both ways, all cells top to bottom and as the graded module, and holds every definition to the
same answer. Host only: nothing here imports a framework."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.cli import CHECKS_FAILED, main
from grader.notebooks.convert import (
    Cell,
    Notebook,
    NotebookError,
    python_lines,
    read_notebook,
    source_lines,
    to_module,
    to_script,
)

NAMES = ("alpha", "beta", "gamma", "delta")


def notebook(*sources: str) -> Notebook:
    return Notebook("submission.ipynb", tuple(Cell(n, s) for n, s in enumerate(sources, start=1)), len(sources))


def test_a_percent_that_continues_a_line_is_python_not_a_magic() -> None:
    cell = Cell(1, 'text = ("%d items"\n        % 3)\nsummary = "%s" \\\n% text\n%time x = 1\nif True:\n    !ls')
    lines, changed = python_lines(cell)
    continued = ['text = ("%d items"', "        % 3)", 'summary = "%s" \\', "% text"]
    assert lines == [*continued, "pass", "if True:", "    pass"]
    assert changed


def test_a_magic_inside_a_triple_quoted_string_is_text() -> None:
    lines, changed = python_lines(Cell(1, 'doc = """\n%matplotlib inline\n!pip install x\n"""'))
    assert lines == ['doc = """', "%matplotlib inline", "!pip install x", '"""'] and not changed


def test_lines_end_where_the_tokenizer_ends_them() -> None:
    text = 'a = "x\u2028y"\nb = "p\fq"\r\nc = "\x1c\x85"\rd = 1\n'
    assert source_lines(text) == ['a = "x\u2028y"', 'b = "p\fq"', 'c = "\x1c\x85"', "d = 1"]
    module = to_module(notebook(text, "def f():\n    return a, b, c, d"))
    namespace: dict[str, object] = {}
    exec(compile(module.source, "m.py", "exec"), namespace)
    assert namespace["f"]() == ("x\u2028y", "p\fq", "\x1c\x85", 1)  # type: ignore[operator]
    assert module.location(module.source.split("\n").index("d = 1") + 1) == (1, 4)


def test_statements_that_change_what_a_definition_reads_are_kept() -> None:
    module = to_module(
        notebook(
            "import torchvision.transforms as T\nimport torch\nsteps = [T.ToTensor()]",
            "steps.append(T.Normalize((0.5,), (0.5,)))\nconfig = {}\nconfig['lr'] = 0.1\nstate = type('S', (), {})()",
            "state.seen = True\ncount = 0\ncount += 1\nfor extra in []:\n    steps.insert(0, extra)",
            "print(steps)\ntorch.manual_seed(0)\nmodel = T.Compose(steps)\nmodel.fit(10)",
            "def make():\n    return T.Compose(steps), config, state, count",
        )
    )
    kept = module.source.splitlines()
    for line in ("steps.append(T.Normalize((0.5,), (0.5,)))", "config['lr'] = 0.1", "state.seen = True", "count += 1"):
        assert line in kept
    assert "    steps.insert(0, extra)" in kept
    # Reads `steps` but changes nothing a definition reads; calls into a module; an object no definition reads.
    for line in ("print(steps)", "torch.manual_seed(0)", "model.fit(10)"):
        assert line not in kept
    assert module.unused_cells == (1, 4)  # `import torch` too: no definition reads it


@pytest.mark.pipeline
def test_a_too_deep_notebook_is_an_invalid_notebook_and_check_prints_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cell = {"cell_type": "code", "source": "x = 1", "metadata": {}, "outputs": [], "execution_count": None}
    path = tmp_path / "submission.ipynb"
    raw = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{**cell, "extra": "DEEP"}]}
    path.write_text(json.dumps(raw).replace('"DEEP"', "[" * 500 + "1" + "]" * 500), encoding="utf-8")
    with pytest.raises(NotebookError, match="nested deeper than 100 levels"):
        read_notebook(path)
    assert main(["check", "02_torch_loop", str(path), "--dataset", "fashion-mnist"]) == CHECKS_FAILED
    shown = capsys.readouterr()
    assert "nested deeper than 100 levels" in shown.out
    assert "Traceback" not in shown.out + shown.err


# A cell is a list of statements. Every name starts as a fresh list in the first cell, and no statement makes two
# names share one object, so what a definition can observe is fixed by the names it reads (no aliasing).
_name = st.sampled_from(NAMES)
_odd_text = st.sampled_from(["%d", "a\u2028b", "p\fq", "x\x1cy", "100%", "!not a shell", "?", "line\\nbreak"])


@st.composite
def _statement(draw: st.DrawFn) -> str:
    target, source = draw(_name), draw(_name)
    text = draw(_odd_text)
    return draw(
        st.sampled_from(
            [
                f"{target} = [len({source}), {text!r}]",
                f"{target}.append(len({source}))",
                f"{target}[0] = {text!r}",
                f"{target} += [{text!r}]",
                f'{target}.extend(["%s"\n    % {text!r}])',
                f"{target}.insert(0, (7\n% 4))",
                f"for _ in range(2):\n    {target}.append({text!r})",
                f"if len({source}) > 1:\n    {target}.append(1)\nelse:\n    {target}.append(2)",
                f"print({target})",
                "%matplotlib inline",
                "!pip install -q torch",
                "if True:\n    !ls \\\n      -la",
                f'label = ("%s"\n         % {text!r})',
            ]
        )
    )


@st.composite
def _notebooks(draw: st.DrawFn) -> tuple[str, ...]:
    cells = [draw(st.lists(_statement(), max_size=4)) for _ in range(draw(st.integers(1, 5)))]
    reads = [draw(st.lists(_name, min_size=1, max_size=3, unique=True)) for _ in range(draw(st.integers(1, 3)))]
    for index, names in enumerate(reads):
        cells[draw(st.integers(0, len(cells) - 1))].append(f"def f{index}():\n    return ({', '.join(names)},)")
    return ("\n".join(f"{name} = [0]" for name in NAMES), *("\n".join(cell) for cell in cells))


def _answers(source: str, count: int) -> list[object]:
    namespace: dict[str, object] = {}
    exec(compile(source, "submission.py", "exec"), namespace)
    return [namespace[f"f{index}"]() for index in range(count)]  # type: ignore[operator]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_notebooks())
def test_the_graded_module_compiles_and_its_definitions_see_what_run_all_gives(cells: tuple[str, ...]) -> None:
    nb = notebook(*cells)
    script, module = to_script(nb), to_module(nb)
    count = sum(cell.count("def f") for cell in cells)
    assert _answers(module.source, count) == _answers(script.source, count)
    assert all(module.location(n) is not None for n in range(1, len(module.source.splitlines()) + 1))
