"""Sandbox helpers shared by the PyTorch and Lightning probes: seeding, devices, loaders, and what the grader records
about a model (its modules, a forward pass on the probe images, its weights, its gradients at each optimizer step)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from grader.sandbox.job import SandboxJob
from grader.sandbox.recorder import Recorder, StepFailed

_asarray = np.asarray
_getframe = sys._getframe
MODULE_SETTINGS = ("in_features", "out_features", "p", "dim")
GRADIENT_STEPS = 6
SPY_CALLS = 20
MAX_FUNCTION = 200
"""Characters of a function's qualified name kept in a place (the host accepts fewer)."""


class DeviceUnavailable(RuntimeError):
    """CUDA was asked for but this machine cannot provide it: a harness problem, never the student's."""


def select_device(requested: str, cuda_available: bool) -> str:
    """The note's `device` pattern, decided by the grader: CPU unless CUDA is both requested and present."""
    if requested == "cpu":
        return "cpu"
    if requested == "cuda":
        if not cuda_available:
            raise DeviceUnavailable("CUDA was requested (--device cuda) but no CUDA GPU is visible to PyTorch")
        return "cuda"
    raise DeviceUnavailable(f"unknown device {requested!r} (use cpu or cuda)")


def prepare(job: SandboxJob) -> dict[str, str]:
    """Seed, pin deterministic kernels and pick the device before any student code runs."""
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    import torch

    torch.manual_seed(job.seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    device = select_device(job.device, torch.cuda.is_available())
    info = {"device": device, "threads": str(torch.get_num_threads())}
    if device == "cuda":
        info["gpu"] = torch.cuda.get_device_name(0)
        info["cuda"] = str(torch.version.cuda)
    return info


def tensors(job: SandboxJob, split: str) -> tuple[Any, Any]:
    import torch

    pixels, labels = job.arrays(split)
    x = torch.from_numpy(job.canonical(pixels)).unsqueeze(1)
    return x, torch.from_numpy(labels.astype(np.int64))


def loader(job: SandboxJob, split: str, *, shuffle: bool, batch_size: int = 32) -> Any:
    """The grader's own loader, built the canonical way, so training never depends on the student's make_loaders."""
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    generator = torch.Generator().manual_seed(job.seed)
    return DataLoader(TensorDataset(*tensors(job, split)), batch_size=batch_size, shuffle=shuffle, generator=generator)


def probe_inputs(job: SandboxJob) -> Any:
    import torch

    pixels = np.load(job.root / "data" / "probe.npy", allow_pickle=False)
    return torch.from_numpy(job.canonical(pixels)).unsqueeze(1)


def record_loaders(function: Any, job: SandboxJob, rec: Recorder, facts: dict[str, Any]) -> None:
    """Call make_loaders(root, batch_size=32) and record sizes, batching, shuffling and the rows the seed picked."""
    from torch.utils.data import DataLoader, RandomSampler

    result = function(str(job.workdir / "data"), batch_size=32)
    try:
        train_loader, test_loader = result
    except (TypeError, ValueError):
        raise StepFailed("sandbox.loaders_returned", found=type(result).__name__) from None
    sample: dict[str, Any] = {}
    facts["shapes"], facts["loaders"] = {}, {}
    for split, value, rows in (("train", train_loader, job.train_sample), ("test", test_loader, job.test_sample)):
        if not isinstance(value, DataLoader):
            raise StepFailed("sandbox.loader_type", split=split, found=type(value).__name__)
        dataset = value.dataset
        facts["loaders"][split] = {"batch_size": value.batch_size, "shuffle": isinstance(value.sampler, RandomSampler)}
        items = [dataset[i] for i in rows if i < len(dataset)]
        if len(items) == len(rows):
            sample[f"x_{split}"] = np.stack([_asarray(x, dtype=np.float64) for x, _ in items])
            sample[f"y_{split}"] = _asarray([int(y) for _, y in items], dtype=np.float64)
        first = _asarray(dataset[0][0]).shape if len(dataset) else ()
        facts["shapes"][f"x_{split}"] = [len(dataset), *first]
        facts["shapes"][f"y_{split}"] = [len(dataset)]
    rec.save_arrays("data_sample", sample)


def _leaves(model: Any) -> list[Any]:
    return [module for module in model.modules() if not any(True for _ in module.children())]


def call_order(model: Any, x: Any, device: str) -> list[Any]:
    """The model's leaf modules in the order its forward pass first calls them, then those it never calls, as defined:
    the architecture is what the model does, not the order `__init__` happens to create its layers in. When the
    forward pass fails, the definition order (the step that runs the forward pass reports the failure)."""
    leaves = _leaves(model)
    called: list[Any] = []

    def seen(module: Any, args: Any) -> None:
        if not any(module is other for other in called):
            called.append(module)

    handles = [module.register_forward_pre_hook(seen) for module in leaves]
    try:
        forward(model, x, device)
    except Exception:
        return leaves
    finally:
        for handle in handles:
            handle.remove()
    return called + [module for module in leaves if not any(module is other for other in called)]


def describe_modules(modules: list[Any]) -> list[dict[str, Any]]:
    """Leaf layers of torch.nn in the order given; losses and metrics attached to the model are not layers."""
    layers = []
    for module in modules:
        kind = type(module).__name__
        if kind.endswith("Loss") or not type(module).__module__.startswith("torch.nn"):
            continue
        entry: dict[str, Any] = {"type": kind}
        for key in MODULE_SETTINGS:
            if hasattr(module, key):
                entry[key] = getattr(module, key)
        layers.append(entry)
    return layers


def parameters_in_flow(model: Any, modules: list[Any]) -> list[Any]:
    """The parameters module by module in the order given (the forward pass's), then any others of the model's: the
    host maps weights onto the reference by data flow, never by the order of `parameters()`."""
    found: list[Any] = []
    for module in [*modules, model]:
        for parameter in module.parameters(recurse=module is model):
            if not any(parameter is other for other in found):
                found.append(parameter)
    return found


def weights(parameters: list[Any]) -> dict[str, np.ndarray]:
    return {f"w{i}": p.detach().cpu().numpy() for i, p in enumerate(parameters)}


def forward(model: Any, x: Any, device: str) -> np.ndarray:
    """The model's own forward pass in eval mode without gradients, its mode restored afterwards."""
    import torch

    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            out = model(x.to(device))
    finally:
        model.train(was_training)
    return _asarray(out.detach().cpu() if hasattr(out, "detach") else out, dtype=np.float64)


def optimizer_facts(optimizer: Any, model: Any) -> dict[str, Any]:
    import torch

    if not isinstance(optimizer, torch.optim.Optimizer):
        raise StepFailed("sandbox.optimizer_type", found=type(optimizer).__name__)
    covered = {id(p) for group in optimizer.param_groups for p in group["params"]}
    return {
        "optimizer": type(optimizer).__name__,
        "learning_rate": float(optimizer.param_groups[0]["lr"]),
        "covers_parameters": all(id(p) in covered for p in model.parameters()),
    }


def student_place(module_file: str) -> dict[str, Any] | None:
    """The innermost frame of the student's graded module on the current stack (the line whose call reached the
    grader's hook) as plain JSON, `{"function": qualified name, "line": line of the module}`, so a message can point at
    it; None when the call came from elsewhere. The host maps the line back to the student's file or cell."""
    frame = _getframe(1)
    while frame is not None:
        if frame.f_code.co_filename == module_file:
            return {"function": frame.f_code.co_qualname[:MAX_FUNCTION], "line": frame.f_lineno}
        frame = frame.f_back
    return None


class ModeSpy:
    """Counts forward calls per phase with the model's mode and whether autograd was recording, and where in the
    student's module (`module_file`) the first call in each state came from (`places`): a fault's place, not its proof.
    """

    STATES = ("train_mode", "eval_mode", "grad_enabled")

    def __init__(self, model: Any, module_file: str) -> None:
        import torch

        self.phase = "other"
        self.counts: dict[str, dict[str, int]] = {}
        self._first: dict[str, dict[str, dict[str, Any] | None]] = {}
        self._torch = torch
        self._module_file = module_file
        self._handle = model.register_forward_pre_hook(self._hook)
        self._model = model

    def _hook(self, module: Any, args: Any) -> None:
        training, grad = bool(self._model.training), bool(self._torch.is_grad_enabled())
        counts = self.counts.setdefault(self.phase, {"calls": 0, "train_mode": 0, "grad_enabled": 0})
        counts["calls"] += 1
        counts["train_mode"] += int(training)
        counts["grad_enabled"] += int(grad)
        first = self._first.setdefault(self.phase, {})
        for state, now in zip(self.STATES, (training, not training, grad), strict=True):
            if now and state not in first:  # one stack walk per state and phase: training keeps its speed
                first[state] = student_place(self._module_file)

    def places(self, phase: str) -> dict[str, dict[str, Any]]:
        """Where the first forward call of `phase` in each state came from, for the states seen from the module."""
        return {state: place for state, place in self._first.get(phase, {}).items() if place is not None}

    @contextmanager
    def during(self, phase: str) -> Iterator[None]:
        self.phase = phase
        try:
            yield
        finally:
            self.phase = "other"

    def close(self) -> None:
        self._handle.remove()


class CrossEntropySpy:
    """Watches F.cross_entropy (what nn.CrossEntropyLoss calls) for inputs that are already probabilities."""

    def __init__(self) -> None:
        import torch.nn.functional as functional

        self.calls = 0
        self.probability_inputs = 0
        self._functional = functional
        self._original = functional.cross_entropy

    def _spy(self, input: Any, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls > SPY_CALLS:  # the first calls tell; checking every batch would slow training down
            return self._original(input, *args, **kwargs)
        with self._functional.torch.no_grad():
            rows = input.detach().float()
            if rows.ndim == 2 and bool((rows >= 0).all()) and bool(((rows.sum(1) - 1).abs() < 1e-4).all()):
                self.probability_inputs += 1
        return self._original(input, *args, **kwargs)

    @contextmanager
    def watching(self) -> Iterator[None]:
        self._functional.cross_entropy = self._spy
        try:
            yield
        finally:
            self._functional.cross_entropy = self._original

    def facts(self) -> dict[str, int]:
        return {"calls": min(self.calls, SPY_CALLS), "probability_inputs": self.probability_inputs}


class GradientSpy:
    """At each of the first optimizer steps, records the gradients the step uses and the batch's own fresh gradients.

    Fresh gradients come from hooks on the parameters (what each backward() computed); the step's gradients are
    read in an optimizer step pre-hook. Correct zero_grad usage makes the two equal, whatever the style.
    """

    def __init__(self, model: Any, optimizer: Any, module_file: str, steps: int = GRADIENT_STEPS) -> None:
        import torch

        self._torch = torch
        self._module_file = module_file
        self.first_step: dict[str, Any] | None = None
        """Where in the student's module the first optimizer step was called from (`student_place`)."""
        self.params = [p for p in model.parameters() if p.requires_grad]
        self.fresh = [torch.zeros_like(p) for p in self.params]
        self.limit = steps
        self.at_step: list[np.ndarray] = []
        self.fresh_at_step: list[np.ndarray] = []
        self.grad_missing: list[bool] = []
        self.steps = 0
        self.backward_calls = 0
        self._hooks = [p.register_hook(self._collector(i)) for i, p in enumerate(self.params)]
        self._step_hook = optimizer.register_step_pre_hook(self._before_step)

    def _collector(self, index: int) -> Any:
        def collect(grad: Any) -> None:
            if index == 0:
                self.backward_calls += 1
            self.fresh[index] += grad.detach()

        return collect

    def _flat(self, tensors: list[Any]) -> np.ndarray:
        return self._torch.cat([t.detach().reshape(-1).float().cpu() for t in tensors]).numpy()

    def _before_step(self, optimizer: Any, args: Any, kwargs: Any) -> None:
        self.steps += 1
        if self.steps == 1:
            self.first_step = student_place(self._module_file)
        if len(self.at_step) >= self.limit:
            return
        grads = [p.grad if p.grad is not None else self._torch.zeros_like(p) for p in self.params]
        self.at_step.append(self._flat(grads))
        self.fresh_at_step.append(self._flat(self.fresh))
        self.grad_missing.append(all(p.grad is None for p in self.params))
        for tensor in self.fresh:
            tensor.zero_()
        if len(self.at_step) == self.limit:  # enough evidence: training goes on at full speed, unobserved
            self._remove_parameter_hooks()

    def _remove_parameter_hooks(self) -> None:
        for hook in self._hooks:
            hook.remove()
        self._hooks = []

    def close(self, rec: Recorder) -> dict[str, int]:
        self._remove_parameter_hooks()
        self._step_hook.remove()
        if self.at_step:
            rec.save_arrays(
                "gradients",
                {
                    "at_step": np.stack(self.at_step),
                    "fresh": np.stack(self.fresh_at_step),
                    "grad_missing": np.asarray(self.grad_missing),
                },
            )
        facts: dict[str, Any] = {"optimizer_steps": self.steps, "backward_calls": self.backward_calls}
        if self.first_step is not None:
            facts["step_seen_at"] = self.first_step
        return facts
