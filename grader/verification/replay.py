"""The host's replay of the training experiment (`grader.verification.experiment`): the weights a correct loop reaches
from the same start on the same batches, and what the usual `zero_grad` mistakes reach, computed in NumPy from data,
without the student's code or process.

The model is rebuilt from the layers the student's forward pass called, in that order (Flatten, Linear, ReLU,
Dropout, Softmax, ...), with the weights the experiment started from, taken in that data-flow order: the student's
own architecture, not only the reference's, so a model that loses `architecture` is not judged twice here. The loss is
the course note's CrossEntropyLoss on the model's output; the optimizer is plain SGD; dropout is off in the
experiment, so nothing here is random.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.registry import Registry
from grader.verification.reference import softmax


class ReplayUnsupported(ValueError):
    """The layers or weights cannot be rebuilt here; the message says which."""


@dataclass
class _Layer:
    """One layer of the rebuilt model: its forward pass keeps what its backward pass needs."""

    forward: Callable[[np.ndarray], np.ndarray]
    backward: Callable[[np.ndarray], np.ndarray]
    parameters: tuple[int, ...] = ()
    """Indices of the weight arrays it holds (a Linear: weight, then bias)."""


Builder = Callable[[Mapping[str, Any], list[np.ndarray], int, list[np.ndarray]], tuple[_Layer, int]]
LAYERS: Registry[Builder] = Registry("replayed layer")


def _flatten(settings: Mapping[str, Any], weights: list[np.ndarray], at: int, grads: list[np.ndarray]) -> Any:
    shape: list[tuple[int, ...]] = []

    def forward(x: np.ndarray) -> np.ndarray:
        shape[:] = [x.shape]
        return x.reshape(len(x), -1)

    return _Layer(forward, lambda g: g.reshape(shape[0])), at


def _linear(settings: Mapping[str, Any], weights: list[np.ndarray], at: int, grads: list[np.ndarray]) -> Any:
    if at >= len(weights) or weights[at].ndim != 2:
        raise ReplayUnsupported(f"a Linear layer has no weight matrix at array {at}")
    weight = weights[at]
    has_bias = at + 1 < len(weights) and weights[at + 1].shape == (weight.shape[0],)
    seen: list[np.ndarray] = []

    def forward(x: np.ndarray) -> np.ndarray:
        if x.shape[-1] != weight.shape[1]:
            raise ReplayUnsupported(f"a Linear layer takes {weight.shape[1]} inputs, found {x.shape[-1]}")
        seen[:] = [x]
        out = x @ weights[at].T
        return out + weights[at + 1] if has_bias else out

    def backward(g: np.ndarray) -> np.ndarray:
        grads[at] += g.T @ seen[0]
        if has_bias:
            grads[at + 1] += g.sum(axis=0)
        return g @ weights[at]

    return _Layer(forward, backward, (at, at + 1) if has_bias else (at,)), at + (2 if has_bias else 1)


def _elementwise(function: Callable[[np.ndarray], np.ndarray], slope: Callable[[np.ndarray, np.ndarray], np.ndarray]):
    def build(settings: Mapping[str, Any], weights: list[np.ndarray], at: int, grads: list[np.ndarray]) -> Any:
        seen: list[np.ndarray] = []

        def forward(x: np.ndarray) -> np.ndarray:
            out = function(x)
            seen[:] = [x, out]
            return out

        return _Layer(forward, lambda g: g * slope(seen[0], seen[1])), at

    return build


def _axis(settings: Mapping[str, Any]) -> int:
    dim = settings.get("dim")
    if not isinstance(dim, int):
        raise ReplayUnsupported(f"a {settings.get('type')} layer without an integer dim")
    return dim


def _softmax(settings: Mapping[str, Any], weights: list[np.ndarray], at: int, grads: list[np.ndarray]) -> Any:
    axis = _axis(settings)
    seen: list[np.ndarray] = []

    def forward(x: np.ndarray) -> np.ndarray:
        seen[:] = [softmax(x, axis)]
        return seen[0]

    def backward(g: np.ndarray) -> np.ndarray:
        s = seen[0]
        return s * (g - (g * s).sum(axis=axis, keepdims=True))

    return _Layer(forward, backward), at


def _log_softmax(settings: Mapping[str, Any], weights: list[np.ndarray], at: int, grads: list[np.ndarray]) -> Any:
    axis = _axis(settings)
    seen: list[np.ndarray] = []

    def forward(x: np.ndarray) -> np.ndarray:
        seen[:] = [softmax(x, axis)]
        return np.log(seen[0])

    return _Layer(forward, lambda g: g - seen[0] * g.sum(axis=axis, keepdims=True)), at


LAYERS.register("Flatten")(_flatten)
LAYERS.register("Linear")(_linear)
LAYERS.register("ReLU")(_elementwise(lambda x: np.maximum(x, 0.0), lambda x, y: (x > 0).astype(x.dtype)))
LAYERS.register("Dropout")(_elementwise(lambda x: x, lambda x, y: np.ones_like(x)))  # off in the experiment
LAYERS.register("Identity")(_elementwise(lambda x: x, lambda x, y: np.ones_like(x)))
LAYERS.register("Sigmoid")(_elementwise(lambda x: 1.0 / (1.0 + np.exp(-x)), lambda x, y: y * (1.0 - y)))
LAYERS.register("Tanh")(_elementwise(np.tanh, lambda x, y: 1.0 - y * y))
LAYERS.register("Softmax")(_softmax)
LAYERS.register("LogSoftmax")(_log_softmax)


class Model:
    """The student's layers over a copy of the weights, in float64."""

    def __init__(self, layers: Sequence[Mapping[str, Any]], weights: Sequence[np.ndarray]) -> None:
        self.weights = [np.array(w, dtype=np.float64) for w in weights]
        self.grads = [np.zeros_like(w) for w in self.weights]
        self.layers: list[_Layer] = []
        at = 0
        for settings in layers:
            kind = str(settings.get("type"))
            if kind not in LAYERS:
                raise ReplayUnsupported(f"the grader cannot replay a {kind} layer")
            layer, at = LAYERS[kind](settings, self.weights, at, self.grads)
            self.layers.append(layer)
        if at != len(self.weights):
            raise ReplayUnsupported(f"the layers use {at} of the model's {len(self.weights)} weight arrays")

    def gradients(self, x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
        """The CrossEntropyLoss gradients of one batch (mean over its rows), from zero."""
        for grad in self.grads:
            grad[...] = 0.0
        out = x.astype(np.float64)
        for layer in self.layers:
            out = layer.forward(out)
        if out.ndim != 2 or out.shape[0] != len(y) or int(y.max(initial=0)) >= out.shape[1]:
            raise ReplayUnsupported(f"the model's output has shape {out.shape}, not one row of classes per image")
        grad = softmax(out, 1)
        grad[np.arange(len(y)), y] -= 1.0
        grad /= len(y)
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return [g.copy() for g in self.grads]

    def flat(self) -> np.ndarray:
        return np.concatenate([w.reshape(-1) for w in self.weights])


Rule = Callable[[list[np.ndarray], list[np.ndarray]], list[np.ndarray]]
RULES: dict[str, Rule] = {
    "correct": lambda total, grads: grads,
    "accumulated": lambda total, grads: [t + g for t, g in zip(total, grads, strict=True)],
}
"""What each step uses, given the gradients it used before (`total`) and its own batch's: a correct loop uses its
own; one without zero_grad, the sum so far. A step made with wiped gradients, or no step at all, leaves the weights
where they were, which needs no replay."""


def trajectories(
    layers: Sequence[Mapping[str, Any]],
    start: Sequence[np.ndarray],
    batches: Sequence[tuple[np.ndarray, np.ndarray]],
    learning_rate: float,
) -> dict[str, np.ndarray]:
    """The flattened weights after each SGD step, for each rule."""
    found: dict[str, np.ndarray] = {}
    for name, rule in RULES.items():
        model = Model(layers, start)
        used = [np.zeros_like(w) for w in model.weights]
        steps = []
        for x, y in batches:
            used = rule(used, model.gradients(x, y))
            for weight, grad in zip(model.weights, used, strict=True):
                weight -= learning_rate * grad
            steps.append(model.flat())
        found[name] = np.stack(steps)
    return found
