"""Serves the grader's dataset through `tf.keras.datasets.*.load_data()`, so course-note code runs unchanged offline."""

from __future__ import annotations

import importlib
from collections.abc import Callable

import numpy as np

_MODULES = (
    "keras.datasets.mnist",
    "keras.src.datasets.mnist",
    "keras.datasets.fashion_mnist",
    "keras.src.datasets.fashion_mnist",
)

Split = tuple[np.ndarray, np.ndarray]


def serve(train: Split, test: Split) -> None:
    """Whichever of MNIST or Fashion-MNIST the student asks for, they get the dataset the grader was told to use."""

    def load_data(path: str | None = None) -> tuple[Split, Split]:
        return (train[0].copy(), train[1].copy()), (test[0].copy(), test[1].copy())

    for name in _MODULES:
        module = importlib.import_module(name)
        module.load_data = load_data
    _patch_tf_keras(load_data)


def _patch_tf_keras(load_data: Callable[..., tuple[Split, Split]]) -> None:
    import tensorflow as tf

    for attribute in ("mnist", "fashion_mnist"):
        getattr(tf.keras.datasets, attribute).load_data = load_data
