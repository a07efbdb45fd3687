"""Imports the student's file as a module by path, without putting its folder ahead of installed packages."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from grader.sandbox.recorder import StepFailed


def load_submission(path: Path, module_name: str = "submission") -> ModuleType:
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise StepFailed(f"could not load {path.name} as a Python module")
    # Appended, not prepended: a student's numpy.py or sitecustomize.py next to the submission cannot shadow ours.
    sys.path.append(str(path.parent))
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def contract_function(module: ModuleType, name: str) -> object:
    function = getattr(module, name, None)
    if function is None:
        raise StepFailed(f"submission.py has no function `{name}`: keep every function of the skeleton, with its name")
    if not callable(function):
        raise StepFailed(f"`{name}` in submission.py is not a function")
    return function
