"""The training experiment the grader runs the student's training loop through, under conditions it controls.

After the student's own training, the sandbox initialises the model afresh (seeded) and hands the student's
`train_one_epoch` the grader's batches (the rows below, in this order, unshuffled), a plain SGD optimizer at a known
learning rate in place of the student's, the course note's loss, zeroed gradients and dropout switched off. It records
the weights after every optimizer step. The host then recomputes, without student code (`grader.verification.replay`),
what a correct loop and the usual mistakes make of the same start, and compares.

How many batches, and which rows, are drawn with the host's split key (`grader.course_key`) as well as the seed: no
student code can know before its run how long the experiment is or which steps are compared, so a loop that behaves
only on its first batches, or a record prepared in advance, does not pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from grader import course_key

MIN_BATCHES, MAX_BATCHES = 8, 16
BATCH_SIZE = 8
LEARNING_RATE = 0.05


@dataclass(frozen=True)
class Experiment:
    rows: tuple[int, ...]
    """Rows of the training split, in the order the batches take them."""
    seed: int = 0
    """What the sandbox seeds the model's fresh initialisation with: the experiment starts from weights of the
    initialiser's scale, not from the trained ones, whose float32 rounding would rival one SGD step's size."""
    batch_size: int = BATCH_SIZE
    learning_rate: float = LEARNING_RATE

    @property
    def batches(self) -> int:
        return -(-len(self.rows) // self.batch_size)

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": list(self.rows),
            "seed": self.seed,
            "batch_size": self.batch_size,
            "learning_rate": self.learning_rate,
        }


def plan(key: str, spec_id: str, seed: int, train_rows: int) -> Experiment:
    """The experiment for one grading: its length and rows drawn with the split key, so they are secret until the
    run, yet the same each time the same submission is graded (a regrade gives the same scores and metrics)."""
    rng = np.random.default_rng(course_key.keyed_seed(key, "experiment", spec_id, seed))
    batches = int(rng.integers(MIN_BATCHES, MAX_BATCHES + 1))
    count = min(train_rows, batches * BATCH_SIZE)
    rows = tuple(int(i) for i in rng.choice(train_rows, size=count, replace=False))
    return Experiment(rows, int(rng.integers(2**31)))
