"""Training counts for the host's progress line (`epoch 3/10, batch 1200/1875`), from the training the sandbox drives:
the grader's own loader handed to `train_one_epoch`, the student's `model.fit`, the grader's Lightning Trainer.

The counts join progress.json through the recorder, at every new epoch and at most every WRITE_EVERY_S in between, so
counting costs training nothing measurable. They are for display only: the host shows them and grades nothing by them
(student code can write that file too). Frameworks are imported inside the functions that need them, so a Keras job
never imports torch.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from grader.sandbox.recorder import Recorder

WRITE_EVERY_S = 0.5
FIT_CALLBACKS_AT = 5
"""Keras's `fit(x, y, batch_size, epochs, verbose, callbacks, ...)`: how many positional arguments come first."""


class TrainingCounter:
    """Where a training is: the epoch (from 1) of how many, the batches drawn in it (from 1) of how many."""

    def __init__(self, rec: Recorder, step: str, epochs: int | None = None) -> None:
        self._rec = rec
        self._step = step
        self._epochs = epochs
        self._epoch = 0
        self._batch = 0
        self._batches: int | None = None
        self._written = 0.0

    def epoch(self, number: int, batches: int | None = None, epochs: int | None = None) -> None:
        """Epoch `number` starts, of `batches` batches when known; `epochs`: the total, when the caller knows it."""
        self._epoch, self._batch, self._batches = number, 0, batches
        self._epochs = epochs if epochs is not None else self._epochs
        self._write(time.monotonic())

    def batch(self, number: int) -> None:
        """`number` batches of this epoch drawn so far."""
        self._batch = number
        now = time.monotonic()
        if now - self._written >= WRITE_EVERY_S or number == self._batches:
            self._write(now)

    def _write(self, now: float) -> None:
        self._written = now
        counts = {"epoch": self._epoch, "epochs": self._epochs, "batch": self._batch, "batches": self._batches}
        self._rec.count(self._step, **{key: value for key, value in counts.items() if value is not None})


def counted_loader(loader: Any, count: TrainingCounter) -> Any:
    """The same DataLoader object, each batch it hands out counted. Only its class changes, to a subclass, so
    `isinstance(loader, DataLoader)`, `len(loader)`, `loader.dataset` and the batches' order stay what they were."""
    base = type(loader)

    class CountedDataLoader(base):  # type: ignore[misc, valid-type]
        def __iter__(self) -> Iterator[Any]:
            for number, batch in enumerate(base.__iter__(self), start=1):
                count.batch(number)
                yield batch

    loader.__class__ = CountedDataLoader
    return loader


@contextmanager
def counting_fit(count: TrainingCounter) -> Iterator[None]:
    """While the block runs, every Keras `Model.fit` also reports to `count`: a callback is added to the student's own
    list (left alone when it is not a list, or passed by position); every other argument goes through untouched."""
    import keras

    class Counting(keras.callbacks.Callback):
        async_safe = True  # it only writes a small file, under the recorder's lock: Keras may keep batches async

        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            steps, epochs = (self.params.get(key) for key in ("steps", "epochs"))
            count.epoch(epoch + 1, _whole(steps), _whole(epochs))

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            count.batch(batch + 1)

    own = "fit" in vars(keras.Model)
    original = keras.Model.fit

    @functools.wraps(original)
    def fit(self: Any, *args: Any, **kwargs: Any) -> Any:
        given = kwargs.get("callbacks")
        if len(args) <= FIT_CALLBACKS_AT and (given is None or isinstance(given, list | tuple)):
            kwargs["callbacks"] = [*(given or ()), Counting()]
        return original(self, *args, **kwargs)

    keras.Model.fit = fit  # type: ignore[method-assign]
    try:
        yield
    finally:
        if own:
            keras.Model.fit = original  # type: ignore[method-assign]
        else:
            del keras.Model.fit  # inherited from the backend's trainer: inherit it again


def _whole(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def lightning_callback(count: TrainingCounter) -> Any:
    """A Lightning callback for the grader's Trainer that reports each training epoch and batch to `count`."""
    import math

    import pytorch_lightning as pl

    class Counting(pl.Callback):
        def on_train_epoch_start(self, trainer: Any, module: Any) -> None:
            batches = trainer.num_training_batches
            known = isinstance(batches, int) or (isinstance(batches, float) and math.isfinite(batches))
            count.epoch(trainer.current_epoch + 1, int(batches) if known else None, _whole(trainer.max_epochs))

        def on_train_batch_end(self, trainer: Any, module: Any, outputs: Any, batch: Any, batch_idx: int) -> None:
            count.batch(batch_idx + 1)

    return Counting()
