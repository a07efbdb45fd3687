"""Sandbox probes by id: each drives one assignment contract inside the student process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from grader.registry import Registry
from grader.sandbox import keras_mlp, keras_saving, lightning_module, torch_loop, torch_saving
from grader.sandbox.job import SandboxJob
from grader.sandbox.recorder import Recorder


@dataclass(frozen=True)
class Probe:
    prepare: Callable[[SandboxJob], dict[str, str] | None]
    run: Callable[[SandboxJob, ModuleType | None, Recorder], None]
    """Drives the run; the module is None in a run that must not import the student's code."""
    packages: tuple[str, ...]
    steps: tuple[str, ...]


PROBES: Registry[Probe] = Registry("sandbox probe")
PROBES.add("keras_mlp", Probe(keras_mlp.prepare, keras_mlp.run, ("tensorflow", "keras", "numpy"), keras_mlp.STEPS))
PROBES.add("torch_loop", Probe(torch_loop.prepare, torch_loop.run, ("torch", "torchvision", "numpy"), torch_loop.STEPS))
PROBES.add(
    "lightning_module",
    Probe(
        lightning_module.prepare,
        lightning_module.run,
        ("torch", "torchvision", "pytorch_lightning", "numpy"),
        lightning_module.STEPS,
    ),
)
PROBES.add(
    "torch_save", Probe(torch_saving.prepare, torch_saving.run_save, ("torch", "numpy"), torch_saving.SAVE_STEPS)
)
PROBES.add(
    "torch_inspect",
    Probe(torch_saving.prepare, torch_saving.run_inspect, ("torch", "numpy"), torch_saving.INSPECT_STEPS),
)
PROBES.add(
    "torch_load", Probe(torch_saving.prepare, torch_saving.run_load, ("torch", "numpy"), torch_saving.LOAD_STEPS)
)
KERAS = ("tensorflow", "keras", "numpy")
PROBES.add("keras_save", Probe(keras_saving.prepare, keras_saving.run_save, KERAS, keras_saving.SAVE_STEPS))
PROBES.add("keras_inspect", Probe(keras_saving.prepare, keras_saving.run_inspect, KERAS, keras_saving.INSPECT_STEPS))
PROBES.add("keras_load", Probe(keras_saving.prepare, keras_saving.run_load, KERAS, keras_saving.LOAD_STEPS))
