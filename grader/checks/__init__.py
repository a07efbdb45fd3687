"""Built-in checks, registered by id on import (ids are a stable contract: they tag results)."""

from __future__ import annotations

from grader.checks import (
    accuracy,
    architecture,
    compile,
    data_pipeline,
    lightning_hooks,
    loss_advice,
    optimizer,
    roundtrip,
    runs,
    saved_whole_model,
    softmax_sums,
    state_dict_file,
    train_eval_mode,
    zero_grad,
)
from grader.checks.base import CHECKS, CheckContext, CheckDef, Outcome

__all__ = [
    "CHECKS",
    "CheckContext",
    "CheckDef",
    "Outcome",
    "accuracy",
    "architecture",
    "compile",
    "data_pipeline",
    "lightning_hooks",
    "loss_advice",
    "optimizer",
    "roundtrip",
    "runs",
    "saved_whole_model",
    "softmax_sums",
    "state_dict_file",
    "train_eval_mode",
    "zero_grad",
]
