"""The grader's training experiment (`grader.verification.experiment`), run in the student's process: the student's
`train_one_epoch` on the grader's batches, from a fresh seeded initialisation, with the grader's optimizer and loss,
zeroed gradients and dropout off. What it hands over is the weights after every optimizer step; the host judges them
by recomputing the same experiment itself (`grader.verification.replay`), so rewriting this module's records earns
nothing without the work."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from grader.sandbox import torch_common as tc
from grader.sandbox.job import SandboxJob
from grader.sandbox.recorder import Recorder, StepFailed

EXTRA_STEPS = 2


@contextmanager
def dropout_off() -> Iterator[None]:
    """Dropout as the identity, for nn.Dropout and F.dropout alike (the module calls the function): the host's replay
    draws no masks, so the student's run must not either."""
    import torch.nn.functional as functional

    original = functional.dropout

    def identity(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Any:
        return input

    functional.dropout = identity
    try:
        yield
    finally:
        functional.dropout = original


def _flat(parameters: list[Any]) -> np.ndarray:
    import torch

    return torch.cat([p.detach().reshape(-1).float().cpu() for p in parameters]).numpy()


def run(
    job: SandboxJob,
    model: Any,
    parameters: list[Any],
    train_one_epoch: Callable[..., Any],
    device: str,
    rec: Recorder,
    facts: dict[str, Any],
) -> None:
    """Run the experiment and record `experiment_start` (the weights it starts from, in data-flow order) and
    `experiment_steps` (the flattened weights after each optimizer step)."""
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    plan = job.experiment
    if not plan:
        raise StepFailed("sandbox.no_experiment")
    pixels, labels = job.arrays("train")
    rows = np.asarray([int(i) for i in plan["rows"]], dtype=np.int64)  # scale these rows only, not the whole split
    x = torch.from_numpy(job.canonical(pixels[rows])).unsqueeze(1)
    y = torch.from_numpy(labels[rows].astype(np.int64))
    loader = DataLoader(TensorDataset(x, y), batch_size=int(plan["batch_size"]), shuffle=False)
    torch.manual_seed(int(plan["seed"]))
    for layer in model.modules():  # torch's own layers start afresh, at the initialiser's scale
        if type(layer).__module__.startswith("torch.nn") and callable(getattr(layer, "reset_parameters", None)):
            layer.reset_parameters()
    model.zero_grad(set_to_none=True)
    model.optimizer = torch.optim.SGD(model.parameters(), lr=float(plan["learning_rate"]))
    model.loss_function = torch.nn.CrossEntropyLoss()
    rec.save_arrays("experiment_start", tc.weights(parameters))
    snapshots: list[np.ndarray] = []
    kept = len(loader) + EXTRA_STEPS
    counted = [0]

    def after_step(optimizer: Any, args: Any, kwargs: Any) -> None:
        counted[0] += 1
        if len(snapshots) < kept:  # more steps than batches is a fault the host names; their weights add nothing
            snapshots.append(_flat(parameters))

    hook = model.optimizer.register_step_post_hook(after_step)
    try:
        with dropout_off():
            train_one_epoch(model, loader, device)
    finally:
        hook.remove()
        steps = np.stack(snapshots) if snapshots else np.zeros((0, sum(p.numel() for p in parameters)), np.float32)
        rec.save_array("experiment_steps", steps)
        facts["optimizer_steps"] = counted[0]
