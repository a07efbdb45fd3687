"""Probes for section 3 (PyTorch: a model file is a state_dict, loaded into the class defined beforehand), one per
sandbox run: `torch_save` trains the student's MLP a little and has `save_weights` write it, `torch_inspect` opens the
saved file the safe way with none of the student's code loaded, and `torch_load` has `load_weights` rebuild the model
in a fresh process. Each records the same observations (state_dict names, shapes and values; outputs on the probe
images), so the host compares runs that never shared memory."""

from __future__ import annotations

import itertools
import pickle
import re
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from grader.sandbox import torch_common as tc
from grader.sandbox.job import SandboxJob
from grader.sandbox.loader import contract_function
from grader.sandbox.recorder import Recorder, StepFailed

SAVE_STEPS = ("MLP", "train", "save_weights")
INSPECT_STEPS = ("state_dict",)
LOAD_STEPS = ("load_weights",)
TRAIN_BATCHES = 5
CHECKPOINT_KEYS = ("model_state_dict", "state_dict", "model")
"""Where a checkpoint dict usually keeps the state_dict, tried first when it holds several dicts of tensors."""
MODEL_MODULES = ("submission.", "__main__.", "torch.nn.")
"""Where the class of a pickled whole model lives: the student's module (as the grader imports it, or as a script)
or torch.nn itself (an nn.Sequential)."""
_GLOBAL = re.compile(r"GLOBAL ([\w.]+)")
_asarray = np.asarray


def prepare(job: SandboxJob) -> dict[str, str]:
    return tc.prepare(job)


def state_arrays(state: Mapping[Any, Any]) -> tuple[dict[str, list[Any]], dict[str, np.ndarray]]:
    """A state_dict as facts (names, shapes) and arrays `w0..wN` in its order; floating tensors are widened to float64,
    which holds any float dtype exactly (bfloat16 has no NumPy twin), so every run records values the same way."""
    facts: dict[str, list[Any]] = {"names": [], "shapes": []}
    arrays: dict[str, np.ndarray] = {}
    for index, (name, tensor) in enumerate(state.items()):
        value = tensor.detach().cpu()
        arrays[f"w{index}"] = (value.double() if value.is_floating_point() else value).numpy()
        facts["names"].append(str(name))
        facts["shapes"].append(list(value.shape))
    return facts, arrays


def _train(model: Any, job: SandboxJob, device: str) -> None:
    """A few seeded AdamW steps on the grader's own batches, so the saved weights differ from any initialisation: a
    load that keeps a fresh MLP()'s weights cannot pass for one that loaded the file."""
    import torch

    torch.manual_seed(job.seed)
    optimizer = torch.optim.AdamW(model.parameters())
    loss_function = torch.nn.CrossEntropyLoss()
    model.train()
    for images, labels in itertools.islice(tc.loader(job, "train", shuffle=True), TRAIN_BATCHES):
        optimizer.zero_grad()
        loss_function(model(images.to(device)), labels.to(device)).backward()
        optimizer.step()


def run_save(job: SandboxJob, module: ModuleType, rec: Recorder) -> None:
    import torch

    target = job.handoff_path(job.handoff_out)
    device = tc.select_device(job.device, torch.cuda.is_available())
    model = None
    with rec.step("MLP") as facts:
        built = contract_function(module, "MLP")()
        if not isinstance(built, torch.nn.Module):
            raise StepFailed("sandbox.model_type", call="MLP()", expected="torch.nn.Module", found=type(built).__name__)
        built.to(device)
        facts["layers"] = tc.describe_modules(tc.call_order(built, tc.probe_inputs(job), device))
        facts.update(state_arrays(built.state_dict())[0])
        model = built
    if model is None:
        for name in SAVE_STEPS[1:]:
            rec.skip(name, "sandbox.no_model", call="MLP()")
        return
    trained = False
    with rec.step("train"):
        _train(model, job, device)
        rec.save_arrays("weights", state_arrays(model.state_dict())[1])
        rec.save_array("outputs", tc.forward(model, tc.probe_inputs(job), device))
        trained = True
    if not trained:
        rec.skip("save_weights", "sandbox.torch_not_trained")
        return
    with rec.step("save_weights"):
        contract_function(module, "save_weights")(model, str(target))
        if not target.exists():
            raise StepFailed("sandbox.torch_not_saved", call="save_weights(model, path)")


def _problem(exc: BaseException) -> str:
    """An exception as one short line: what the unpickler found (`Unsupported operand 119`), not torch.load's
    paragraph of advice about weights_only."""
    text = str(exc).rpartition("WeightsUnpickler error:")[2]
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return f"{type(exc).__name__}: {line[:200]}" if line else type(exc).__name__


def _load_safely(path: Path, facts: dict[str, Any]) -> Any:
    """torch.load with weights_only=True: tensors and plain containers only, never code named by the file."""
    import torch

    if path.stat().st_size == 0:
        raise StepFailed("sandbox.torch_empty_file")
    try:
        return torch.load(path, weights_only=True, map_location="cpu")
    except pickle.UnpicklingError as exc:
        named = _GLOBAL.search(str(exc))
        if named is None:
            raise StepFailed("sandbox.torch_unreadable", problem=_problem(exc)) from None
        facts["pickled"] = named.group(1)
        if named.group(1).startswith(MODEL_MODULES):
            raise StepFailed("sandbox.torch_pickled_model", name=named.group(1)) from None
        raise StepFailed("sandbox.torch_pickled_object", name=named.group(1)) from None
    except Exception as exc:  # not a file torch.save writes: a zip or pickle error, a truncated file
        raise StepFailed("sandbox.torch_unreadable", problem=_problem(exc)) from None


def _is_tensors(value: object) -> bool:
    import torch

    return isinstance(value, Mapping) and bool(value) and all(isinstance(v, torch.Tensor) for v in value.values())


def _describe(value: object) -> str:
    if isinstance(value, Mapping):
        keys = ", ".join(str(key) for key in itertools.islice(value, 6))
        return f"{type(value).__name__} with keys {keys}"[:200] if keys else f"an empty {type(value).__name__}"
    return type(value).__name__


def find_state_dict(loaded: object) -> tuple[str | None, Mapping[Any, Any]]:
    """The tensors the file holds: a dict of name -> tensor itself, or the one dict of tensors inside a checkpoint
    dict (`{"model_state_dict": ..., "epoch": 3}`), with the key it was under."""
    if _is_tensors(loaded):
        return None, loaded  # type: ignore[return-value]
    if isinstance(loaded, Mapping):
        nested = [key for key, value in loaded.items() if _is_tensors(value)]
        chosen = next((key for key in CHECKPOINT_KEYS if key in nested), nested[0] if len(nested) == 1 else None)
        if chosen is not None:
            return str(chosen), loaded[chosen]
    raise StepFailed("sandbox.torch_no_state_dict", found=_describe(loaded))


def run_inspect(job: SandboxJob, module: ModuleType | None, rec: Recorder) -> None:
    """Reads the saved file as data only: this run never imports the student's code (`module` is None)."""
    path = job.handoff_path(job.handoff_in)
    with rec.step("state_dict") as facts:
        facts["container"], state = find_state_dict(_load_safely(path, facts))
        names, arrays = state_arrays(state)
        facts.update(names)
        rec.save_arrays("weights", arrays)


def run_load(job: SandboxJob, module: ModuleType, rec: Recorder) -> None:
    import torch

    path = job.handoff_path(job.handoff_in)
    device = tc.select_device(job.device, torch.cuda.is_available())
    with rec.step("load_weights") as facts:
        torch.manual_seed(job.seed)  # a model left in training mode drops the same units on every grading
        model = contract_function(module, "load_weights")(str(path))
        if not isinstance(model, torch.nn.Module):
            raise StepFailed("sandbox.torch_load_returned", call="load_weights(path)", found=type(model).__name__)
        facts["training"] = any(part.training for part in model.modules())
        names, arrays = state_arrays(model.state_dict())
        facts.update(names)
        rec.save_arrays("weights", arrays)
        # No eval() here, unlike the save run: a load that forgets model.eval() must show as dropout in the outputs.
        with torch.no_grad():
            out = model.to(device)(tc.probe_inputs(job).to(device))
        rec.save_array("outputs", _asarray(out.detach().cpu() if hasattr(out, "detach") else out, dtype=np.float64))
