"""Probe for section 2-1 (PyTorch training loop): calls each contract function and records what it observes,
including the gradients at every early optimizer step and the model's mode while predicting, training and
evaluating, with the line of the student's code each first mode and the first optimizer step were seen at."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from grader.sandbox import progress, torch_experiment
from grader.sandbox import torch_common as tc
from grader.sandbox.job import SandboxJob
from grader.sandbox.loader import contract_function
from grader.sandbox.recorder import Recorder, StepFailed

STEPS = (
    "make_loaders",
    "MLP",
    "compile_model",
    "predict_proba",
    "evaluate",
    "train_one_epoch",
    "export_weights",
    "experiment",
)
_asarray = np.asarray


def prepare(job: SandboxJob) -> dict[str, str]:
    return tc.prepare(job)


def _build(module: ModuleType, job: SandboxJob, device: str, rec: Recorder) -> tuple[Any, list[Any]]:
    """The student's model on `device`, and its parameters in the order its forward pass uses them."""
    import torch

    with rec.step("MLP") as facts:
        model = contract_function(module, "MLP")()
        if not isinstance(model, torch.nn.Module):
            raise StepFailed("sandbox.model_type", call="MLP()", expected="torch.nn.Module", found=type(model).__name__)
        model.to(device)
        modules = tc.call_order(model, tc.probe_inputs(job), device)
        facts["layers"] = tc.describe_modules(modules)
        parameters = tc.parameters_in_flow(model, modules)
        rec.save_arrays("weights_initial", tc.weights(parameters))
        rec.save_array("forward_initial", tc.forward(model, tc.probe_inputs(job), device))
        return model, parameters
    return None, []


def run(job: SandboxJob, module: ModuleType, rec: Recorder) -> None:
    import torch

    device = tc.select_device(job.device, torch.cuda.is_available())
    with rec.step("make_loaders") as facts:
        tc.record_loaders(contract_function(module, "make_loaders"), job, rec, facts)
    model, parameters = _build(module, job, device, rec)
    if model is None:
        for name in STEPS[2:]:
            rec.skip(name, "sandbox.no_model", call="MLP()")
        return

    compiled = False
    with rec.step("compile_model") as facts:
        contract_function(module, "compile_model")(model)
        facts.update(tc.optimizer_facts(getattr(model, "optimizer", None), model))
        facts["loss"] = type(getattr(model, "loss_function", None)).__name__
        compiled = True

    student_file = str(job.submission)  # its frames on the stack tell where in the student's code a call came from
    modes = tc.ModeSpy(model, student_file)
    with rec.step("predict_proba") as facts:
        with torch.no_grad(), modes.during("predict_proba"):  # the mode tells `softmax_sums` if dropout was on
            output = contract_function(module, "predict_proba")(model, tc.probe_inputs(job).to(device))
        facts["modes"] = modes.counts.get("predict_proba", {})
        facts["seen_at"] = modes.places("predict_proba")
        rec.save_array("predict_proba", _asarray(output.detach().cpu() if hasattr(output, "detach") else output))

    with rec.step("evaluate") as facts:
        model.train()  # left in the other mode on purpose: evaluate must switch to eval itself
        with modes.during("evaluate"):
            facts["returned"] = float(
                contract_function(module, "evaluate")(model, tc.loader(job, "test", shuffle=False), device)
            )
        facts["modes"] = modes.counts.get("evaluate", {})
        facts["seen_at"] = modes.places("evaluate")

    if not compiled:
        for name in ("train_one_epoch", "experiment"):
            rec.skip(name, "sandbox.no_optimizer")
        return
    train_one_epoch = contract_function(module, "train_one_epoch")
    with rec.step("train_one_epoch") as facts:
        gradients = tc.GradientSpy(model, model.optimizer, student_file)
        spy = tc.CrossEntropySpy()
        count = progress.TrainingCounter(rec, "train_one_epoch", job.epochs)
        train_loader = progress.counted_loader(tc.loader(job, "train", shuffle=True), count)
        losses: list[float] = []
        try:
            for epoch in range(job.epochs):
                count.epoch(epoch + 1, len(train_loader))
                model.eval()  # as after an evaluation: train_one_epoch must switch to train mode itself
                with modes.during("train"), spy.watching():
                    facts["returned"] = float(train_one_epoch(model, train_loader, device))
                losses.append(facts["returned"])
                rec.save_array("training_loss", losses)
        finally:
            facts.update(gradients.close(rec))
            facts["modes"] = modes.counts.get("train", {})
            facts["seen_at"] = modes.places("train")
            facts["cross_entropy"] = spy.facts()
    with rec.step("export_weights"):
        rec.save_arrays("weights_trained", tc.weights(parameters))
    with rec.step("experiment") as facts:  # after the weights are exported: it replaces the optimizer
        torch_experiment.run(job, model, parameters, train_one_epoch, device, rec, facts)
