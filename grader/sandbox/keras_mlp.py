"""Probe for section 1-1 (TensorFlow quickstart): calls each contract function and records what it observes."""

from __future__ import annotations

import os
from types import ModuleType
from typing import Any

import numpy as np

from grader.sandbox import keras_data, progress
from grader.sandbox.job import SandboxJob
from grader.sandbox.loader import contract_function
from grader.sandbox.recorder import Recorder, StepFailed

_asarray = np.asarray
STEPS = ("load_data", "build_model", "compile_model", "predict_proba", "train", "export_weights")


def prepare(job: SandboxJob) -> dict[str, str]:
    """Seed and import the framework before student code, and serve the dataset through keras's loaders."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    # Seeds alone make this MLP's CPU training repeat exactly (tests/test_examples.py grades everything twice);
    # tf.config.experimental.enable_op_determinism() would add about 20 % to every epoch for nothing here.
    keras.utils.set_random_seed(job.seed)
    keras_data.serve(job.arrays("train"), job.arrays("test"))
    return {"threads": os.environ.get("TF_NUM_INTRAOP_THREADS", "all")}


def _shape(value: object) -> list[int] | None:
    shape = getattr(value, "shape", None)
    try:
        return [int(d) for d in shape] if shape is not None else None
    except (TypeError, ValueError):
        return None


def _record_load_data(module: ModuleType, job: SandboxJob, rec: Recorder) -> None:
    with rec.step("load_data") as facts:
        result = contract_function(module, "load_data")()
        try:
            (x_train, y_train), (x_test, y_test) = result
        except (TypeError, ValueError):
            raise StepFailed("sandbox.load_data_returned", found=type(result).__name__) from None
        parts = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
        facts["shapes"] = {name: _shape(value) for name, value in parts.items()}
        facts["dtypes"] = {name: str(getattr(value, "dtype", type(value).__name__)) for name, value in parts.items()}
        picks = {"train": list(job.train_sample), "test": list(job.test_sample)}
        sample = {}
        for name, value in parts.items():
            array = _asarray(value)
            rows = picks[name.split("_")[1]]
            if array.ndim >= 1 and len(array) > max(rows):  # too short: the host reports the sizes instead
                sample[name] = _asarray(array[rows], dtype=np.float64)
        rec.save_arrays("data_sample", sample)


def _activation(config: dict[str, Any]) -> str | None:
    activation = config.get("activation")
    if activation is None or isinstance(activation, str):
        return activation
    if isinstance(activation, dict):
        return str(activation.get("config", activation.get("class_name")))
    return getattr(activation, "__name__", str(activation))


def call_order(model: Any, x: np.ndarray) -> list[Any]:
    """The model's layers in the order its forward pass first calls them, then those it never calls, as listed: a
    subclassed model's `layers` follow the order `__init__` created them in, not what the model does. When the
    forward pass fails, the listed order (the step that runs it reports the failure)."""
    import keras

    listed = [layer for layer in model.layers if not isinstance(layer, keras.Model)]
    called: list[Any] = []
    original = keras.layers.Layer.__call__

    def spy(layer: Any, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(layer, keras.Model) and not any(layer is other for other in called):
            called.append(layer)
        return original(layer, *args, **kwargs)

    keras.layers.Layer.__call__ = spy
    try:
        model(x, training=False)
    except Exception:
        return listed
    finally:
        keras.layers.Layer.__call__ = original
    return called + [layer for layer in listed if not any(layer is other for other in called)]


def weights_in_flow(model: Any, layers: list[Any]) -> dict[str, np.ndarray]:
    """The weights layer by layer in the order given (the forward pass's), then any others of the model's: the host
    maps them onto the reference by data flow, never by the order the layers were created in."""
    found: list[Any] = []
    for variable in [*(v for layer in layers for v in layer.weights), *model.weights]:
        if not any(variable is other for other in found):
            found.append(variable)
    return {f"w{i}": np.asarray(variable) for i, variable in enumerate(found)}


def describe_layers(model: Any, layers: list[Any] | None = None) -> list[dict[str, Any]]:
    """Each layer as plain JSON facts (type, parameters, the settings the note fixes), as the checks compare them;
    `layers`: the order to describe them in (the forward pass's), else the model's own list."""
    described = []
    for layer in model.layers if layers is None else layers:
        kind = type(layer).__name__
        if kind == "InputLayer":
            continue
        try:
            config = layer.get_config()
        except Exception:  # a custom layer without get_config is still described by its type
            config = {}
        entry: dict[str, Any] = {"type": kind, "params": int(layer.count_params())}
        for key in ("units", "rate"):
            if key in config:
                entry[key] = config[key]
        if "activation" in config:
            entry["activation"] = _activation(config)
        described.append(entry)
    return described


def _record_model(model: Any, probe_x: np.ndarray, rec: Recorder, facts: dict[str, Any]) -> list[Any]:
    """Record the model as built; its layers in the order its forward pass calls them."""
    import keras

    if not isinstance(model, keras.Model):
        raise StepFailed("sandbox.build_model_returned", found=type(model).__name__)
    layers = call_order(model, probe_x)
    facts["layers"] = describe_layers(model, layers)
    try:
        facts["input_shape"] = [None if d is None else int(d) for d in model.input_shape]
    except AttributeError:  # a subclassed model declares none: the images its forward pass just took are its input
        facts["input_shape"] = [None, *probe_x.shape[1:]] if layers else None
    except (TypeError, ValueError):
        facts["input_shape"] = None
    weights = weights_in_flow(model, layers)
    forward = model(probe_x, training=False)
    rec.save_arrays("weights_initial", weights)
    rec.save_array("forward_initial", _asarray(forward, dtype=np.float64))
    return layers


def _name(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return str(value.get("config", {}).get("name") or value.get("class_name"))
    return str(getattr(value, "name", None) or getattr(value, "__name__", None) or type(value).__name__)


def _record_compile(model: Any, facts: dict[str, Any]) -> None:
    if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", True):
        raise StepFailed("sandbox.not_compiled")
    optimizer = model.optimizer
    facts["optimizer"] = type(optimizer).__name__
    facts["learning_rate"] = float(np.asarray(optimizer.learning_rate))
    facts["loss"] = _name(model.loss)
    config = model.get_compile_config() or {}
    metrics = config.get("metrics") or []
    facts["metrics"] = [_name(m) for m in (metrics if isinstance(metrics, list | tuple) else [metrics])]


def run(job: SandboxJob, module: ModuleType, rec: Recorder) -> None:
    _record_load_data(module, job, rec)
    probe_x = job.canonical(np.load(job.root / "data" / "probe.npy", allow_pickle=False))

    model, layers = None, []
    with rec.step("build_model") as facts:
        model = contract_function(module, "build_model")()
        layers = _record_model(model, probe_x, rec, facts)
    built = (job.artifacts / "weights_initial.npz").exists()
    if not built:
        for name in ("compile_model", "predict_proba", "train"):
            rec.skip(name, "sandbox.no_model", call="build_model()")
        return

    compiled = False
    with rec.step("compile_model") as facts:
        contract_function(module, "compile_model")(model)
        _record_compile(model, facts)
        compiled = True

    with rec.step("predict_proba"):
        output = contract_function(module, "predict_proba")(model, probe_x.copy())
        rec.save_array("predict_proba", _asarray(output, dtype=np.float64))

    if not compiled:
        rec.skip("train", "sandbox.not_compiled_skip")
        return
    pixels, labels = job.arrays("train")
    x_train, y_train = job.canonical(pixels), np.eye(10, dtype=np.float32)[labels]
    with rec.step("train"), progress.counting_fit(progress.TrainingCounter(rec, "train", job.epochs)):
        contract_function(module, "train")(model, x_train, y_train, job.epochs)
        history = getattr(getattr(model, "history", None), "history", None)
        if isinstance(history, dict) and history.get("loss"):
            rec.save_array("training_loss", [float(x) for x in history["loss"]])
    with rec.step("export_weights"):
        rec.save_arrays("weights_trained", weights_in_flow(model, layers))
