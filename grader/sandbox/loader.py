"""Imports the student's file as a module by path, without putting its folder ahead of installed packages."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from grader.sandbox.recorder import StepFailed

SHOWN_AS = "__grader_file__"
"""The module attribute holding the student's own file name (`submission.ipynb`), for messages about the module."""


def load_submission(
    path: Path, shown_as: str = "submission.py", import_error: str | None = None, module_name: str = "submission"
) -> ModuleType:
    """Import the graded module; `import_error` is the host's reason it cannot be (a broken notebook), already worded
    for the student, reported as the import step's error so `runs` fails exactly as for a `.py` that does not import."""
    if import_error is not None:
        raise StepFailed("sandbox.import_refused", reason=import_error)
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise StepFailed("sandbox.cannot_load", file=shown_as)
    # Appended, not prepended: a student's numpy.py or sitecustomize.py next to the submission cannot shadow ours.
    sys.path.append(str(path.parent))
    module = importlib.util.module_from_spec(spec)
    setattr(module, SHOWN_AS, shown_as)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def contract_function(module: ModuleType, name: str) -> object:
    function = getattr(module, name, None)
    file = str(getattr(module, SHOWN_AS, "submission.py"))
    if function is None:
        raise StepFailed("sandbox.no_function", file=file, name=name)
    if not callable(function):
        raise StepFailed("sandbox.not_a_function", file=file, name=name)
    return function
