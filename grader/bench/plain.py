"""The contract functions run plainly, without any recording: the baseline of the harness-overhead benchmark.

`python -I -m grader.bench.plain <job folder>` does the same work as the probe of the job's assignment (same data,
same calls, same epochs) but observes nothing, so timing it against a graded run measures what grading adds.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np

from grader.registry import Registry
from grader.sandbox import keras_data
from grader.sandbox import torch_common as tc
from grader.sandbox.job import SandboxJob
from grader.sandbox.loader import load_submission

PLAIN: Registry[Callable[[SandboxJob, ModuleType], None]] = Registry("plain driver")


@PLAIN.register("keras_mlp")
def keras_mlp(job: SandboxJob, module: ModuleType) -> None:
    keras_data.serve(job.arrays("train"), job.arrays("test"))
    module.load_data()
    model = module.build_model()
    module.compile_model(model)
    module.predict_proba(model, job.canonical(np.load(job.root / "data" / "probe.npy")))
    pixels, labels = job.arrays("train")
    module.train(model, job.canonical(pixels), np.eye(10, dtype=np.float32)[labels], job.epochs)


@PLAIN.register("torch_loop")
def torch_loop(job: SandboxJob, module: ModuleType) -> None:
    module.make_loaders(str(job.workdir / "data"), batch_size=32)
    model = module.MLP()
    module.compile_model(model)
    module.predict_proba(model, tc.probe_inputs(job))
    module.evaluate(model, tc.loader(job, "test", shuffle=False), "cpu")
    train_loader = tc.loader(job, "train", shuffle=True)
    for _ in range(job.epochs):
        module.train_one_epoch(model, train_loader, "cpu")


@PLAIN.register("lightning_module")
def lightning_module(job: SandboxJob, module: ModuleType) -> None:
    from grader.sandbox.lightning_module import trainer

    module.make_loaders(str(job.workdir / "data"), batch_size=32)
    model = module.CustomModel()
    trainer(job, "cpu").fit(model, tc.loader(job, "train", shuffle=True), tc.loader(job, "test", shuffle=False))


def main(argv: list[str]) -> int:
    job = SandboxJob.read(Path(argv[0]))
    module = load_submission(job.submission)
    PLAIN[job.probe](job, module)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
