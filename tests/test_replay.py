"""The host's NumPy replay of the training experiment (`grader.verification.replay`) against PyTorch itself: the same
start, batches and SGD steps give the same weights, for a correct loop and for one without zero_grad, in the student's
own layer order and settings; what it cannot rebuild, it says."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import torch
from torch import nn

from grader.sandbox import torch_common as tc
from grader.verification.experiment import MAX_BATCHES, MIN_BATCHES, plan
from grader.verification.replay import Model, ReplayUnsupported, trajectories

LR = 0.05


def _batches(rng: np.random.Generator, count: int = 6, size: int = 8) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(rng.normal(size=(size, 1, 28, 28)).astype(np.float32), rng.integers(0, 10, size)) for _ in range(count)]


def _torch_steps(model: nn.Module, batches: list[tuple[np.ndarray, np.ndarray]], zero_grad: bool) -> np.ndarray:
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    loss_function = nn.CrossEntropyLoss()
    parameters = tc.parameters_in_flow(model, tc.call_order(model, torch.zeros(2, 1, 28, 28), "cpu"))
    steps = []
    for x, y in batches:
        if zero_grad:
            optimizer.zero_grad()
        loss_function(model(torch.from_numpy(x)), torch.from_numpy(y)).backward()
        optimizer.step()
        steps.append(torch.cat([p.detach().reshape(-1) for p in parameters]).numpy())
    return np.stack(steps)


def _start(model: nn.Module) -> tuple[list[dict[str, object]], list[np.ndarray]]:
    modules = tc.call_order(model, torch.zeros(2, 1, 28, 28), "cpu")
    weights = tc.weights(tc.parameters_in_flow(model, modules))
    return tc.describe_modules(modules), [weights[f"w{i}"].copy() for i in range(len(weights))]


class OutOfOrder(nn.Module):
    """fc2 created first, a Tanh and a LogSoftmax: the replay follows what forward does."""

    def __init__(self) -> None:
        super().__init__()
        self.fc2 = nn.Linear(64, 10)
        self.fc1 = nn.Linear(784, 64)
        self.act = nn.Tanh()
        self.out = nn.LogSoftmax(dim=1)
        self.flatten = nn.Flatten()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.fc2(self.act(self.fc1(self.flatten(x)))))


def _reference() -> nn.Module:
    return nn.Sequential(
        nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Dropout(0.0), nn.Linear(128, 10), nn.Softmax(dim=1)
    )


@pytest.mark.parametrize("build", [_reference, OutOfOrder], ids=["reference", "out_of_order"])
@pytest.mark.parametrize("zero_grad", [True, False], ids=["correct", "accumulated"])
def test_the_replay_reaches_the_weights_pytorch_reaches(build: Callable[[], nn.Module], zero_grad: bool) -> None:
    torch.manual_seed(0)
    model = build()
    layers, start = _start(model)
    batches = _batches(np.random.default_rng(1))
    replayed = trajectories(layers, start, batches, LR)
    actual = _torch_steps(model, batches, zero_grad)
    moved = actual - np.concatenate([w.reshape(-1) for w in start])
    for name, path in replayed.items():
        gap = np.linalg.norm(actual - path, axis=1) / np.linalg.norm(moved, axis=1)
        if name == ("correct" if zero_grad else "accumulated"):
            assert gap.max() < 1e-4, (name, gap)
        else:  # the first step is the same either way; from the second on the two part
            assert gap[1:].min() > 1e-2, (name, gap)


@pytest.mark.parametrize(
    ("layers", "shapes", "problem"),
    [
        ([{"type": "BatchNorm1d"}], [], "cannot replay a BatchNorm1d layer"),
        ([{"type": "Flatten"}, {"type": "Linear"}], [(10, 784), (10,), (3,)], "use 2 of the model's 3 weight arrays"),
        ([{"type": "Flatten"}, {"type": "Linear"}], [(10, 700), (10,)], "takes 700 inputs, found 784"),
        ([{"type": "Flatten"}, {"type": "Softmax"}], [], "without an integer dim"),
    ],
)
def test_what_cannot_be_rebuilt_is_said(
    layers: list[dict[str, object]], shapes: list[tuple[int, ...]], problem: str
) -> None:
    batch = _batches(np.random.default_rng(2), count=1)[0]
    with pytest.raises(ReplayUnsupported, match=problem):
        Model(layers, [np.zeros(s) for s in shapes]).gradients(*batch)


def test_the_plan_is_secret_with_the_key_and_the_same_for_a_regrade() -> None:
    first, again, other = (
        plan("key-a", "02_torch_loop", 7, 2000),
        plan("key-a", "02_torch_loop", 7, 2000),
        plan("key-b", "02_torch_loop", 7, 2000),
    )
    assert first == again and first.rows != other.rows
    lengths = {plan(f"key-{i}", "02_torch_loop", 7, 2000).batches for i in range(200)}
    assert min(lengths) == MIN_BATCHES and max(lengths) == MAX_BATCHES
