"""Probes for section 3 (Keras: a saved model file is used without defining the model again), one per sandbox run:
`keras_save` trains the student's model a little and has `save_model` write it, `keras_inspect` loads the file with
Keras alone, in safe mode, in a process that never imports the student's code, and `keras_load` has `load_model`
restore it in a fresh process, counting the calls that would rebuild the model instead. Each run records the weights
and the outputs on the probe images, so the host compares runs that never shared memory."""

from __future__ import annotations

import json
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

import numpy as np

from grader.sandbox import keras_mlp
from grader.sandbox.job import SandboxJob
from grader.sandbox.keras_mlp import describe_layers
from grader.sandbox.loader import contract_function
from grader.sandbox.recorder import Recorder, StepFailed

SAVE_STEPS = ("build_model", "train", "save_model")
INSPECT_STEPS = ("load_file",)
LOAD_STEPS = ("load_model",)
TRAIN_IMAGES = 256
BATCH_SIZE = 32
ZIP_SIGNATURE = b"PK\x03\x04"
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
PICKLE_PROTOCOL = b"\x80"
CONFIG_MAX_BYTES = 16 * 1024 * 1024
"""A model's config.json is a few kB; a bigger one is not read (a zip can expand to far more than the file)."""
_asarray = np.asarray

prepare = keras_mlp.prepare


def _observe(model: Any, job: SandboxJob, rec: Recorder) -> None:
    """The model's weights and its inference outputs on the probe images, the same way in every run."""
    probe_x = job.canonical(np.load(job.root / "data" / "probe.npy", allow_pickle=False))
    rec.save_arrays("weights", {f"w{i}": w for i, w in enumerate(model.get_weights())})
    rec.save_array("outputs", _asarray(model(probe_x, training=False), dtype=np.float64))


def _train(model: Any, job: SandboxJob) -> None:
    """A few seeded Adam steps on the grader's own images, so the saved weights differ from any initialisation: a load
    that returns a freshly built model cannot pass for one that loaded the file."""
    pixels, labels = job.arrays("train")
    x = job.canonical(pixels[:TRAIN_IMAGES])
    y = np.eye(10, dtype=np.float32)[labels[:TRAIN_IMAGES]]
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    model.fit(x, y, batch_size=BATCH_SIZE, epochs=1, shuffle=False, verbose=0)


def _check_saved(path: Path) -> None:
    """One file at the given path; else what the student saved instead (a `.weights.h5` is a weights-only save)."""
    if path.is_dir() and not path.is_symlink():
        raise StepFailed("sandbox.keras_saved_folder", file=path.name)
    if path.exists() or path.is_symlink():  # a link is the host's to refuse, with its own words
        return
    found = sorted(entry.name for entry in path.parent.iterdir())
    weights = [name for name in found if name.endswith(".weights.h5")]
    if weights:
        raise StepFailed("sandbox.keras_saved_weights_only", file=path.name, found=weights[0])
    if found:
        raise StepFailed("sandbox.keras_saved_elsewhere", file=path.name, found=", ".join(found)[:300])
    raise StepFailed("sandbox.keras_saved_nothing", file=path.name)


def run_save(job: SandboxJob, module: ModuleType, rec: Recorder) -> None:
    import keras

    target = job.handoff_path(job.handoff_out)
    model = None
    with rec.step("build_model") as facts:
        built = contract_function(module, "build_model")()
        if not isinstance(built, keras.Model):
            raise StepFailed("sandbox.build_model_returned", found=type(built).__name__)
        facts["layers"] = describe_layers(built)
        model = built
    if model is None:
        for name in SAVE_STEPS[1:]:
            rec.skip(name, "sandbox.no_model", call="build_model()")
        return
    trained = False
    with rec.step("train"):
        _train(model, job)
        _observe(model, job, rec)
        trained = True
    if not trained:
        rec.skip("save_model", "sandbox.keras_not_trained")
        return
    with rec.step("save_model"):
        contract_function(module, "save_model")(model, str(target))
        _check_saved(target)


def _custom_classes(path: Path) -> list[str]:
    """Classes the file's config.json names that Keras itself does not provide (registered by the student's code)."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open("config.json") as handle:
            config = json.loads(handle.read(CONFIG_MAX_BYTES))
    except (OSError, KeyError, ValueError, RecursionError, zipfile.BadZipFile):
        return []
    found, pending = set(), [config]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            if "class_name" in item and item.get("registered_name"):
                found.add(str(item["class_name"]))
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return sorted(found)


def _last_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[-1][:300]}" if lines else type(exc).__name__


def _load_safely(path: Path) -> Any:
    """keras.models.load_model in safe mode, with Keras's own classes only; each way a file fails, in the student's
    terms."""
    import keras

    with path.open("rb") as handle:
        head = handle.read(len(HDF5_SIGNATURE))
    # By its first bytes, not zipfile.is_zipfile: a pickled Keras model embeds a zip that Keras would read.
    if not head.startswith(ZIP_SIGNATURE) or not zipfile.is_zipfile(path):
        if head.startswith(HDF5_SIGNATURE):
            raise StepFailed("sandbox.keras_file_hdf5", file=path.name)
        if head.startswith(PICKLE_PROTOCOL):
            raise StepFailed("sandbox.keras_file_pickle", file=path.name)
        raise StepFailed("sandbox.keras_file_not_keras", file=path.name)
    with zipfile.ZipFile(path) as archive:
        if "config.json" not in archive.namelist():
            raise StepFailed("sandbox.keras_file_no_config", file=path.name)
    try:
        return keras.models.load_model(path, safe_mode=True, compile=False)
    except Exception as exc:
        if "safe_mode" in str(exc):
            raise StepFailed("sandbox.keras_file_unsafe", file=path.name) from None
        custom = _custom_classes(path)
        if custom:
            raise StepFailed("sandbox.keras_file_custom", file=path.name, names=", ".join(custom)[:300]) from None
        raise StepFailed("sandbox.keras_file_unloadable", file=path.name, error=_last_line(exc)) from None


def run_inspect(job: SandboxJob, module: ModuleType | None, rec: Recorder) -> None:
    """Loads the saved file with Keras alone: this run never imports the student's code (`module` is None)."""
    path = job.handoff_path(job.handoff_in)
    with rec.step("load_file") as facts:
        model = _load_safely(path)
        facts["safe_mode"] = True
        facts["layers"] = describe_layers(model)
        _observe(model, job, rec)


@contextmanager
def _counting(module: ModuleType) -> Iterator[dict[str, int]]:
    """Counts, while the block runs, the calls that rebuild the model instead of loading it: the student's
    build_model (through the module's globals, and through the original function however else it is reached) and
    keras.Model.load_weights (weights loaded into a model defined again, PyTorch's way)."""
    import keras

    calls = {"build_model": 0, "load_weights": 0}
    build = getattr(module, "build_model", None)
    code = getattr(build, "__code__", None)
    profiled = [0]

    def counted_build(*args: Any, **kwargs: Any) -> Any:
        calls["build_model"] += 1
        return build(*args, **kwargs)  # type: ignore[misc]

    def profile(frame: FrameType, event: str, arg: object) -> None:
        if event == "call" and frame.f_code is code:
            profiled[0] += 1

    load_weights = keras.Model.load_weights

    def counted_load_weights(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls["load_weights"] += 1
        return load_weights(self, *args, **kwargs)

    previous = sys.getprofile()
    if callable(build):
        module.build_model = counted_build  # type: ignore[attr-defined]
    keras.Model.load_weights = counted_load_weights  # type: ignore[method-assign]
    sys.setprofile(profile)
    try:
        yield calls
    finally:
        sys.setprofile(previous)
        keras.Model.load_weights = load_weights  # type: ignore[method-assign]
        if callable(build):
            module.build_model = build  # type: ignore[attr-defined]
        # The wrapper calls the original too, so the larger count holds both ways of reaching it.
        calls["build_model"] = max(calls["build_model"], profiled[0])


def run_load(job: SandboxJob, module: ModuleType, rec: Recorder) -> None:
    import keras

    path = job.handoff_path(job.handoff_in)
    with rec.step("load_model") as facts:
        load = contract_function(module, "load_model")
        with _counting(module) as calls:
            facts["calls"] = calls  # recorded even when the load raises
            model = load(str(path))
        if not isinstance(model, keras.Model):
            raise StepFailed("sandbox.keras_load_model_returned", found=type(model).__name__)
        _observe(model, job, rec)
