"""`grader export gradescope`: an autograder zip for a Gradescope programming assignment.

The zip holds `setup.sh` (installs Python 3.11's locked packages for the assignment's framework and the grader, once,
while Gradescope builds the image), `run_autograder` (grades each submission), the grader's own source, the assignment
folder (its task README saying which dataset grades, when that is not the one the task names), the dataset's IDX files
(grading needs no network) and the export's settings; with `--wheelhouse`, the wheels themselves, so that setup.sh
needs no package index either.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import grader
from grader.data import datasets
from grader.frameworks import FRAMEWORKS
from grader.messages import say
from grader.platforms.requirements import for_framework
from grader.platforms.settings import (
    ASSIGNMENT_DIR,
    DATA_DIR,
    RUN_AS,
    SETTINGS_FILE,
    ExportError,
    PlatformSettings,
)
from grader.platforms.task_text import shipped_readme
from grader.spec import AssignmentSpec

EXECUTABLE, READABLE = 0o755, 0o644

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image. It installs Python 3.11 if needed, the
# locked packages of @FRAMEWORK@ (requirements.txt: exact versions, every wheel's sha256 checked) and the grader into
# /autograder/venv, and creates the unprivileged user that runs student code. It installs offline from wheelhouse/
# when the zip holds one, or from where pip is told (PIP_NO_INDEX=1, PIP_FIND_LINKS=<folder>), else from PyPI.
set -euo pipefail
SOURCE=/autograder/source
VENV=/autograder/venv
export DEBIAN_FRONTEND=noninteractive

python311() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys, ensurepip, venv
sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

PYTHON=$(python311) || PYTHON=""
if [ -z "$PYTHON" ]; then
  if [ -n "${PIP_NO_INDEX:-}" ] || ! command -v apt-get >/dev/null; then
    echo "error: the autograder needs Python 3.11 with venv (its wheels are built for it): choose Gradescope's" \\
      "Ubuntu 22.04 base image, where this script installs it" >&2
    exit 1
  fi
  apt-get update && apt-get install -y --no-install-recommends python3.11 python3.11-venv
  PYTHON=$(python311)
fi
"$PYTHON" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip install --no-cache-dir --disable-pip-version-check)
if [ -d "$SOURCE/wheelhouse" ]; then
  PIP+=(--no-index --find-links "$SOURCE/wheelhouse")
fi
"${PIP[@]}" --require-hashes -r "$SOURCE/requirements.txt"
SITE=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
rm -rf "$SITE/grader"
cp -r "$SOURCE/grader" "$SITE/grader"
id -u @USER@ >/dev/null 2>&1 || useradd --system --shell /usr/sbin/nologin @USER@
# Student code runs as @USER@: it may read the interpreter and the grader, never the export (its dataset, settings).
chmod -R a+rX "$VENV"
chmod -R go-rwx "$SOURCE"
"$VENV/bin/python" -I -c "import grader.platforms.gradescope_entry, @IMPORTS@"
echo "autograder ready: $("$VENV/bin/python" --version), @FRAMEWORK@"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for each submission, as root. It always leaves /autograder/results/results.json: the grader
# writes it (as root; student code runs as @USER@), or, when the grader cannot even start (setup.sh did not finish),
# this script writes one that says so.
PYTHON=/autograder/venv/bin/python
if [ ! -x "$PYTHON" ]; then
  PYTHON=python3  # the project's own grading image, where the grader is installed already
fi
chmod -R go-rwx /autograder/source 2>/dev/null  # the export is root's alone (setup.sh did it too)
if "$PYTHON" -c "import grader.platforms.gradescope_entry" 2>/dev/null; then
  exec "$PYTHON" -m grader.platforms.gradescope_entry --root /autograder --run-as @USER@
fi
mkdir -p /autograder/results
cat > /autograder/results/results.json <<'RESULTS'
@NOT_INSTALLED@
RESULTS
"""


@dataclass(frozen=True)
class GradescopeExport:
    spec: AssignmentSpec
    settings: PlatformSettings
    data_dir: Path | None = None
    """Where this machine keeps the dataset (default: the grader's cache)."""
    bundle_wheels: bool = False


@dataclass(frozen=True)
class Written:
    path: Path
    size_bytes: int
    packages: int
    wheels_bundled: bool


def _script(template: str, export: GradescopeExport) -> str:
    lang = export.settings.lang
    not_installed = {"score": 0.0, "output": say("platforms.not_installed").render(lang), "tests": []}
    values = {
        "@FRAMEWORK@": export.spec.framework,
        "@IMPORTS@": FRAMEWORKS[export.spec.framework].modules,
        "@USER@": RUN_AS,
        "@NOT_INSTALLED@": json.dumps(not_installed, ensure_ascii=False),
    }
    for key, value in values.items():
        template = template.replace(key, value)
    return template


def _add(archive: zipfile.ZipFile, name: str, data: bytes | Path, mode: int = READABLE) -> None:
    """One member with its Unix mode, so that unzip leaves setup.sh and run_autograder executable; files are
    streamed (a wheel may be hundreds of megabytes) and stored as they are when already compressed."""
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.external_attr = (0o100000 | mode) << 16
    if isinstance(data, bytes):
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, data)
        return
    info.compress_type = zipfile.ZIP_STORED if data.suffix in {".whl", ".gz"} else zipfile.ZIP_DEFLATED
    with data.open("rb") as source, archive.open(info, "w") as target:
        shutil.copyfileobj(source, target, 1 << 20)


def _add_tree(archive: zipfile.ZipFile, folder: Path, prefix: str, replaced: dict[str, bytes] | None = None) -> None:
    """Every file of `folder` under `prefix`, those named in `replaced` with the content given there."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            name = path.relative_to(folder).as_posix()
            _add(archive, f"{prefix}/{name}", (replaced or {}).get(name, path))


def _dataset(export: GradescopeExport, folder: Path) -> Path:
    """The dataset's files, verified again, in the cache layout the grader reads (`<name>/` with its manifest)."""
    name = export.settings.dataset
    try:
        source = datasets.locate(name, export.data_dir) or datasets.load(name, export.data_dir).source
        return datasets.import_folder(name, source, folder)
    except datasets.DatasetError as exc:
        raise ExportError(f"the zip carries the dataset, and here {exc}") from None


def export_gradescope(export: GradescopeExport, out: Path) -> Written:
    """Write the autograder zip to `out`."""
    if export.spec.folder is None:
        raise ExportError(f"{export.spec.id}: the spec has no assignment folder to package")
    requirements = for_framework(export.spec.framework)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.tmp")  # renamed when complete: a zip at `out` is always a whole one
    with tempfile.TemporaryDirectory(prefix="grader-export-") as tmp:
        dataset = _dataset(export, Path(tmp) / DATA_DIR)
        try:
            with zipfile.ZipFile(partial, "w") as archive:
                _add(archive, "setup.sh", _script(SETUP_SH, export).encode(), EXECUTABLE)
                _add(archive, "run_autograder", _script(RUN_AUTOGRADER, export).encode(), EXECUTABLE)
                _add(archive, "requirements.txt", requirements.text(export.spec.framework).encode())
                _add(archive, SETTINGS_FILE, export.settings.write(Path(tmp)).read_bytes())
                _add_tree(archive, Path(grader.__file__).parent, "grader")
                readme = shipped_readme(export.spec, export.settings.dataset)
                task = {"README.md": readme.encode()} if readme is not None else {}
                _add_tree(archive, export.spec.folder, ASSIGNMENT_DIR, task)
                _add_tree(archive, dataset, f"{DATA_DIR}/{dataset.name}")
                for wheel in requirements.wheels() if export.bundle_wheels else []:
                    _add(archive, f"wheelhouse/{wheel.name}", wheel)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.replace(out)
    return Written(out, out.stat().st_size, len(requirements.packages), export.bundle_wheels)
