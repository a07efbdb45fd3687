"""The frameworks an assignment can use, one row each: every fact the grader keeps about a framework lives here, so
adding one is one entry, not a branch in each module that cares."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata

from grader.registry import Registry


@dataclass(frozen=True)
class Framework:
    id: str
    """As a spec's `framework:` names it."""
    name: str
    """As people write it (the loading line: "loading PyTorch")."""
    modules: str
    """What an export's setup imports to prove the install."""
    extra: str
    """The grader's extra (pyproject.toml) that installs its packages."""
    packages: tuple[str, ...]
    """Distributions whose versions identify an environment that runs it."""
    note_loader: str
    """How the course note loads MNIST with it: the grader serves whichever dataset it grades on through it."""
    torchvision_data: bool = False
    """torchvision's MNIST files are served in the job's ./data."""
    keras_loaders: bool = False
    """The Keras dataset loaders are patched to serve the data offline."""


FRAMEWORKS: Registry[Framework] = Registry("framework")
for _framework in (
    Framework(
        "tensorflow", "TensorFlow", "tensorflow", "tf", ("tensorflow-cpu", "tensorflow"),
        "tf.keras.datasets.mnist.load_data()", keras_loaders=True,
    ),
    Framework(
        "torch", "PyTorch", "torch, torchvision", "torch", ("torch", "torchvision"),
        "torchvision.datasets.MNIST", torchvision_data=True,
    ),
    Framework(
        "lightning", "PyTorch Lightning", "pytorch_lightning", "lightning",
        ("pytorch-lightning", "torch", "torchvision"), "torchvision.datasets.MNIST", torchvision_data=True,
    ),
):  # fmt: skip
    FRAMEWORKS.add(_framework.id, _framework)

SHARED_PACKAGES = ("numpy",)


def installed_versions() -> list[str]:
    """`package==version` for every framework package installed here (and NumPy), in a fixed order."""
    packages = dict.fromkeys(p for key in FRAMEWORKS for p in FRAMEWORKS[key].packages)
    versions = []
    for package in [*packages, *SHARED_PACKAGES]:
        try:
            versions.append(f"{package}=={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            continue
    return versions
