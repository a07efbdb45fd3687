"""Probe for section 2-2 (PyTorch Lightning): inspects the CustomModel hooks, calls them on a batch, then trains
the model with the grader's own Trainer (deterministic, seeded, the profile's epochs) and exports its weights."""

from __future__ import annotations

import inspect
from types import ModuleType
from typing import Any

from grader.sandbox import progress
from grader.sandbox import torch_common as tc
from grader.sandbox.job import SandboxJob
from grader.sandbox.loader import contract_function
from grader.sandbox.recorder import Recorder, StepFailed

STEPS = (
    "make_loaders", "CustomModel", "forward", "configure_optimizers",
    "training_step", "validation_step", "test_step", "fit", "export_weights",
)  # fmt: skip
HOOKS = {"forward": 1, "training_step": 2, "validation_step": 2, "test_step": 2, "configure_optimizers": 0}


def prepare(job: SandboxJob) -> dict[str, str]:
    info = tc.prepare(job)
    import pytorch_lightning as pl

    pl.seed_everything(job.seed, workers=True, verbose=False)
    return info


def _hook_facts(model: Any) -> dict[str, Any]:
    """Which hooks the student's class defines itself, and how many positional arguments each accepts."""
    import pytorch_lightning as pl

    facts = {}
    for name, needed in HOOKS.items():
        defined = getattr(type(model), name, None) is not getattr(pl.LightningModule, name, None)
        parameters = list(inspect.signature(getattr(model, name)).parameters.values())
        variadic = any(p.kind is p.VAR_POSITIONAL for p in parameters)
        positional = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        facts[name] = {"defined": defined, "parameters": positional, "accepts": variadic or len(positional) >= needed}
    return facts


def _optimizer(returned: Any) -> Any:
    """configure_optimizers may return an optimizer, a list/tuple of them, or a dict with an 'optimizer' key."""
    if isinstance(returned, dict):
        return returned.get("optimizer")
    if isinstance(returned, list | tuple) and returned:
        return _optimizer(returned[0])
    return returned


def _training_step(model: Any, batch: Any, facts: dict[str, Any]) -> None:
    """Call training_step once; record what it returned and which parameters its loss reaches by back-propagation."""
    import torch

    spy = tc.CrossEntropySpy()
    model.train()
    with spy.watching():
        returned = model.training_step(batch, 0)
    facts["cross_entropy"] = spy.facts()
    loss = returned.get("loss") if isinstance(returned, dict) else returned
    facts["returned"] = type(returned).__name__
    facts["returns_loss"] = isinstance(loss, torch.Tensor) and loss.numel() == 1
    params = [p for p in model.parameters() if p.requires_grad]
    facts["parameters"], facts["parameters_reached"] = len(params), 0
    if facts["returns_loss"] and loss.requires_grad:
        grads = torch.autograd.grad(loss, params, allow_unused=True)
        facts["parameters_reached"] = sum(1 for g in grads if g is not None and bool(g.abs().sum() > 0))


def loss_curve(rec: Recorder) -> Any:
    """A callback that averages the loss training_step returned over each epoch and saves the curve so far."""
    import pytorch_lightning as pl

    class LossCurve(pl.Callback):
        def __init__(self) -> None:
            self.total, self.batches, self.losses = 0.0, 0, []

        def on_train_batch_end(self, trainer: Any, module: Any, outputs: Any, batch: Any, batch_idx: int) -> None:
            loss = outputs.get("loss") if isinstance(outputs, dict) else outputs
            if loss is not None:
                self.total += float(loss.detach())
                self.batches += 1

        def on_train_epoch_end(self, trainer: Any, module: Any) -> None:
            if self.batches:
                self.losses.append(self.total / self.batches)
                rec.save_array("training_loss", self.losses)
            self.total, self.batches = 0.0, 0

    return LossCurve()


def trainer(job: SandboxJob, device: str, callbacks: list[Any] | None = None) -> Any:
    """One process, one device. The environment is pinned because Lightning otherwise probes for SLURM, MPI and
    friends: on a host with mpi4py installed, that probe starts Open MPI and aborts the process."""
    import pytorch_lightning as pl
    from pytorch_lightning.plugins.environments import LightningEnvironment

    return pl.Trainer(
        accelerator="gpu" if device == "cuda" else "cpu",
        devices=1,
        plugins=[LightningEnvironment()],
        callbacks=callbacks or [],
        max_epochs=job.epochs,
        deterministic=True,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
        default_root_dir=str(job.workdir),
    )


def run(job: SandboxJob, module: ModuleType, rec: Recorder) -> None:
    import pytorch_lightning as pl
    import torch

    device = tc.select_device(job.device, torch.cuda.is_available())
    with rec.step("make_loaders") as facts:
        tc.record_loaders(contract_function(module, "make_loaders"), job, rec, facts)
    model = None
    with rec.step("CustomModel") as facts:
        model = contract_function(module, "CustomModel")()
        if not isinstance(model, pl.LightningModule):
            raise StepFailed(
                "sandbox.model_type", call="CustomModel()", expected="pl.LightningModule", found=type(model).__name__
            )
        modules = tc.call_order(model, tc.probe_inputs(job), "cpu")
        facts["layers"] = tc.describe_modules(modules)
        facts["hooks"] = _hook_facts(model)
        parameters = tc.parameters_in_flow(model, modules)
        rec.save_arrays("weights_initial", tc.weights(parameters))
    if model is None or not (job.artifacts / "weights_initial.npz").exists():
        for name in STEPS[2:]:
            rec.skip(name, "sandbox.no_model", call="CustomModel()")
        return
    with rec.step("forward"):
        rec.save_array("forward_initial", tc.forward(model, tc.probe_inputs(job), "cpu"))
    with rec.step("configure_optimizers") as facts:
        facts.update(tc.optimizer_facts(_optimizer(model.configure_optimizers()), model))
    batch = next(iter(tc.loader(job, "train", shuffle=False)))
    with rec.step("training_step") as facts:
        _training_step(model, batch, facts)
    for hook in ("validation_step", "test_step"):
        with rec.step(hook):
            model.eval()
            with torch.no_grad():
                getattr(model, hook)(batch, 0)
    with rec.step("fit"):
        count = progress.lightning_callback(progress.TrainingCounter(rec, "fit", job.epochs))
        fit = trainer(job, device, [loss_curve(rec), count]).fit
        fit(model, tc.loader(job, "train", shuffle=True), tc.loader(job, "test", shuffle=False))
    with rec.step("export_weights"):
        rec.save_arrays("weights_trained", tc.weights(parameters))
