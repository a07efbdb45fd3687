"""Notebooks as the graded module (`grader.notebooks.convert`): what is kept and what is not, where each line came from,
and every way a notebook file can be broken. Host only: nothing here imports a framework."""

from __future__ import annotations

import base64
import json
import time
import tracemalloc
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from grader.notebooks.convert import NotebookError, cell_ranges, read_notebook, to_module, to_script, write_module
from grader.sandbox.cells import CellMap

COLAB = [
    new_markdown_cell("# 2-1. 모델 학습 기본 코드"),  # cell 1
    new_code_cell("!pip install -q torch torchvision\n%matplotlib inline"),  # 2
    new_code_cell(
        "import torch\nimport torch.nn as nn\nimport torchvision\nimport torchvision.transforms as transforms\n"
        "import matplotlib.pyplot as plt\nfrom google.colab import drive"
    ),  # 3
    new_code_cell("drive.mount('/content/drive')"),  # 4
    new_code_cell("transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])"),
    new_markdown_cell("데이터 / data"),  # 6
    new_code_cell(
        "def make_loaders(root, batch_size=32):\n"
        "    train = torchvision.datasets.MNIST(root=root, train=True, transform=transform, download=True)\n"
        "    return torch.utils.data.DataLoader(train, batch_size=batch_size, shuffle=True)"
    ),  # 7
    new_code_cell("class MLP(nn.Module):\n    def forward(self, x):\n        return helper(x)\n"),  # 8
    new_code_cell("def helper(x):\n    model = 3\n    return x * SCALE\nSCALE = 2"),  # 9
    new_code_cell("model = MLP()\nloader = make_loaders('./data')"),  # 10
    new_code_cell("for epoch in range(10):\n    model.fit(loader)\nplt.plot([1, 2])\nprint('done')"),  # 11
    new_code_cell("%%time\nmodel.evaluate()"),  # 12
]


def write(path: Path, cells: list[nbformat.NotebookNode]) -> Path:
    nbformat.write(new_notebook(cells=cells), path)
    return path


def test_definitions_and_what_they_need_are_kept_and_the_rest_is_not(tmp_path: Path) -> None:
    module = to_module(read_notebook(write(tmp_path / "submission.ipynb", COLAB)))
    assert module.source.splitlines() == [
        "import torch",
        "import torch.nn as nn",
        "import torchvision",
        "import torchvision.transforms as transforms",
        "transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])",
        "def make_loaders(root, batch_size=32):",
        "    train = torchvision.datasets.MNIST(root=root, train=True, transform=transform, download=True)",
        "    return torch.utils.data.DataLoader(train, batch_size=batch_size, shuffle=True)",
        "class MLP(nn.Module):",
        "    def forward(self, x):",
        "        return helper(x)",
        "def helper(x):",
        "    model = 3",
        "    return x * SCALE",
        "SCALE = 2",
    ]
    # `model` is a local of helper, so the top-level `model = MLP()` (cell 10) is not needed and not run.
    assert module.unused_cells == (3, 4, 10, 11)
    assert module.magic_cells == (2, 12)
    assert [note.render("en") for note in module.notes()] == [
        "cells 2, 12: IPython magics and shell commands (`%...`, `!...`) are not run by the grader.",
        "cells 3-4, 10-11: top-level code your functions do not use; not run.",
    ]
    assert "셀" in module.notes()[1].render("ko")
    compile(module.source, "submission.py", "exec")


def test_every_line_knows_its_cell_and_line(tmp_path: Path) -> None:
    module = to_module(read_notebook(write(tmp_path / "submission.ipynb", COLAB)))
    lines = module.source.splitlines()
    assert module.location(lines.index("    return x * SCALE") + 1) == (9, 3)
    assert module.location(lines.index("SCALE = 2") + 1) == (9, 4)
    assert module.location(len(lines) + 5) is None
    cells = CellMap.from_json(tmp_path / "m.py", {"file": "submission.ipynb", "lines": module.lines})
    assert cells is not None
    assert cells.where(str(tmp_path / "m.py"), lines.index("SCALE = 2") + 1) == '"submission.ipynb", cell 9, line 4'
    assert cells.where("/elsewhere.py", 1) is None


def test_ipython_syntax_is_made_inert_line_for_line(tmp_path: Path) -> None:
    cells = [
        new_code_cell("import os\nif os.environ.get('COLAB'):\n    !pip install torch \\\n        torchvision\nx = 1"),
        new_code_cell("files = !ls\nresult = %timeit -o sum([1])\nos.path?\n??os\ndef f():\n    return x"),
        new_code_cell("%%capture\nimport this"),
    ]
    script = to_script(read_notebook(write(tmp_path / "submission.ipynb", cells)))
    assert script.source.splitlines() == [
        "import os",
        "if os.environ.get('COLAB'):",
        "    pass",
        "",
        "x = 1",
        "pass",
        "pass",
        "pass",
        "pass",
        "def f():",
        "    return x",
        "",
        "",
    ]
    compile(script.source, "script.py", "exec")
    assert script.location(10) == (2, 5)


COLAB_ONLY = [
    new_markdown_cell("# Colab"),  # cell 1
    new_code_cell("import os; from google.colab import drive; drive.mount(\n    '/content/drive')  # mount"),  # 2
    new_code_cell("from google import colab\nimport google.colab.files as files\nuploaded = files.upload()"),  # 3
    new_code_cell("for name in uploaded:\n    print(name)\nuploaded = {}\nprint(len(uploaded), colab)"),  # 4
    new_code_cell("try:\n    from google.colab import output\nexcept ImportError:\n    output = None"),  # 5
    new_code_cell("def load():\n    return drive.mount('/content/drive')\nprint(os.sep, output)"),  # 6
]


def test_run_all_skips_what_only_works_in_colab_line_for_line(tmp_path: Path) -> None:
    """`grader run`'s script: google.colab's imports and what reads their names become `pass`; a `try` around one is
    left to fail softly, definitions stay, and a name bound again by other code is the other code's."""
    script = to_script(read_notebook(write(tmp_path / "submission.ipynb", COLAB_ONLY)))
    assert script.source.splitlines() == [
        "import os; pass; pass  # mount",
        "",
        "pass",
        "pass",
        "pass",
        "pass",
        "",
        "uploaded = {}",
        "pass",
        "try:",
        "    from google.colab import output",
        "except ImportError:",
        "    output = None",
        "def load():",
        "    return drive.mount('/content/drive')",
        "print(os.sep, output)",
    ]
    assert [line.render("en") for line in script.colab_lines] == [
        "cell 2, line 1: import os; from google.colab import drive; drive.mount(",
        "cell 3, line 1: from google import colab",
        "cell 3, line 2: import google.colab.files as files",
        "cell 3, line 3: uploaded = files.upload()",
        "cell 4, lines 1-2: for name in uploaded:",
        "cell 4, line 4: print(len(uploaded), colab)",
    ]
    assert script.colab_lines[4].render("ko") == "4번 셀 1-2번째 줄: for name in uploaded:"
    assert script.location(16) == (6, 3)
    exec(compile(script.source, "submission.py", "exec"), {})  # runs outside Colab, to the end


def test_the_graded_module_never_runs_a_colab_import_even_where_a_definition_reads_it(tmp_path: Path) -> None:
    """Importing google.colab would fail the whole module outside Colab; without it only `load()` itself fails."""
    module = to_module(read_notebook(write(tmp_path / "submission.ipynb", COLAB_ONLY)))
    assert "google" not in module.source
    assert "def load():" in module.source.splitlines()
    assert 2 in module.unused_cells and 3 in module.unused_cells


def test_a_cell_python_cannot_read_is_left_out_and_named_with_its_line(tmp_path: Path) -> None:
    """A scratch cell with a syntax error costs nothing of the cells that are used; the notes say which and why."""
    cells = [new_markdown_cell("#"), new_code_cell("def f():\n    return 1"), new_code_cell("x = 1\nprint('a'\n")]
    module = to_module(read_notebook(write(tmp_path / "submission.ipynb", cells)))
    assert module.source.splitlines() == ["def f():", "    return 1"]
    notes = [note.render("en") for note in module.notes()]
    assert notes[0].startswith("submission.ipynb, cell 3, line 2: SyntaxError:")
    assert "so it was not run; the other cells were graded" in notes[0]
    assert "3번 셀, 2번째 줄" in module.notes()[0].render("ko")


def test_top_level_await_and_return_outside_a_function(tmp_path: Path) -> None:
    """Jupyter runs `await` at the top level; a cell Python itself refuses (`return` outside a function) is an error."""
    cells = [new_code_cell("import asyncio\nawait asyncio.sleep(0)\ndef f():\n    return 1")]
    module = to_module(read_notebook(write(tmp_path / "a.ipynb", cells)))
    assert module.source.splitlines() == ["def f():", "    return 1"]
    refused = to_module(read_notebook(write(tmp_path / "b.ipynb", [new_code_cell("return 3")])))
    assert refused.source.strip() == "" and "cell 1, line 1" in refused.notes()[0].render("en")


@pytest.mark.parametrize(
    ("content", "phrase"),
    [
        (b'{"cells": [', "not valid JSON"),
        (b"\xff\xfe not text", "not valid JSON"),
        (b"[1, 2, 3]", "is not a Jupyter notebook"),
        (b'{"hello": "world"}', "is not a Jupyter notebook"),
        (json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": [], "cells": []}).encode(), "version 3"),
        (json.dumps({"nbformat": 5, "nbformat_minor": 0, "cells": [], "metadata": {}}).encode(), "version 5"),
        (json.dumps({"nbformat": 4, "nbformat_minor": 4, "cells": [{"cell_type": "code"}]}).encode(), "not a valid"),
        (json.dumps({"nbformat": 4, "nbformat_minor": 4, "cells": ["x = 1"], "metadata": {}}).encode(), "not a valid"),
    ],
)
def test_a_broken_notebook_is_an_error_the_student_can_act_on(tmp_path: Path, content: bytes, phrase: str) -> None:
    path = tmp_path / "submission.ipynb"
    path.write_bytes(content)
    with pytest.raises(NotebookError, match=phrase) as caught:
        read_notebook(path)
    assert "submission.ipynb" in caught.value.text.render("en")
    assert caught.value.text.render("ko") != caught.value.text.render("en")
    prepared = write_module(path, tmp_path / "submission.py", "ko")
    assert prepared.fields == {"import_error": caught.value.text.render("ko")}
    assert (tmp_path / "submission.py").read_text(encoding="utf-8") == ""


def test_outputs_attachments_and_metadata_never_reach_the_module(tmp_path: Path) -> None:
    cell = new_code_cell("def f():\n    return 1", metadata={"secret": "print('metadata')"}, execution_count=7)
    cell.outputs = [new_output("stream", name="stdout", text="import os; os.system('boom')\n")]
    markdown = new_markdown_cell("![x](attachment:x.png)", attachments={"x.png": {"image/png": "aGk="}})
    path = write(tmp_path / "submission.ipynb", [markdown, cell])
    module = to_module(read_notebook(path))
    assert module.source == "def f():\n    return 1\n"


def test_a_notebook_with_100_mb_of_plots_is_read_quickly_and_within_memory(tmp_path: Path) -> None:
    """Outputs are dropped before nbformat validates anything; the peak is a small multiple of the file's size."""
    image = base64.b64encode(bytes(range(256)) * (10 * 2**20 // 256)).decode()  # 10 MiB of PNG-like bytes, ~13 MB
    cells = []
    for index in range(8):
        cell = new_code_cell(f"def f{index}():\n    return {index}")
        cell.outputs = [new_output("display_data", data={"image/png": image, "text/plain": "<Figure>"})]
        cells.append(cell)
    path = write(tmp_path / "submission.ipynb", cells)
    size = path.stat().st_size
    assert size > 100 * 10**6
    tracemalloc.start()
    started = time.perf_counter()
    module = to_module(read_notebook(path))
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert module.source.count("def f") == 8
    assert peak < 3 * size, f"peak {peak / 2**20:.0f} MiB for a {size / 2**20:.0f} MiB notebook"
    assert seconds < 30


def test_cell_ranges() -> None:
    assert cell_ranges([12, 3, 13, 14, 15, 3]) == "3, 12-15"
    assert cell_ranges([7]) == "7"
