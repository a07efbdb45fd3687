"""The course note's reference MLP as a NumPy forward pass: the host scores weights without importing a framework.

Dropout is the identity at inference, so the reference is Flatten -> Linear -> ReLU -> Linear -> Softmax.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from grader.registry import Registry

Forward = Callable[[Sequence[np.ndarray], np.ndarray], np.ndarray]
FORWARDS: Registry[Forward] = Registry("reference model")


class ReferenceMismatch(ValueError):
    """The weights do not fit the reference architecture; the message says how."""


def softmax(z: np.ndarray, axis: int = 1) -> np.ndarray:
    shifted = z - z.max(axis=axis, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=axis, keepdims=True)


def _mlp(w1: np.ndarray, b1: np.ndarray, w2: np.ndarray, b2: np.ndarray, x: np.ndarray) -> np.ndarray:
    flat = x.reshape(len(x), -1).astype(np.float64)
    if w1.ndim != 2 or w2.ndim != 2 or w1.shape[0] != flat.shape[1] or b1.shape != (w1.shape[1],):
        raise ReferenceMismatch(f"first layer weights {w1.shape} / bias {b1.shape} do not fit {flat.shape[1]} inputs")
    if w2.shape[0] != w1.shape[1] or b2.shape != (w2.shape[1],) or w2.shape[1] != 10:
        raise ReferenceMismatch(f"output layer weights {w2.shape} / bias {b2.shape} do not map the hidden layer to 10")
    hidden = np.maximum(flat @ w1.astype(np.float64) + b1, 0.0)
    return softmax(hidden @ w2.astype(np.float64) + b2)


def _four(weights: Sequence[np.ndarray]) -> Sequence[np.ndarray]:
    if len(weights) != 4:
        raise ReferenceMismatch(f"expected 4 weight arrays (two layers, each with a bias), found {len(weights)}")
    return weights


@FORWARDS.register("keras_mlp")
def keras_mlp(weights: Sequence[np.ndarray], x: np.ndarray) -> np.ndarray:
    """Keras stores Dense kernels as (inputs, units)."""
    w1, b1, w2, b2 = _four(weights)
    return _mlp(w1, b1, w2, b2, x)


def ordered(bundle: dict[str, np.ndarray]) -> list[np.ndarray]:
    """Weights saved as w0, w1, ... back into their order."""
    return [bundle[key] for key in sorted(bundle, key=lambda k: int(k[1:]) if k[1:].isdigit() else -1)]


@FORWARDS.register("torch_mlp")
def torch_mlp(weights: Sequence[np.ndarray], x: np.ndarray) -> np.ndarray:
    """PyTorch stores Linear weights as (out_features, in_features)."""
    w1, b1, w2, b2 = _four(weights)
    return _mlp(w1.T, b1, w2.T, b2, x)
