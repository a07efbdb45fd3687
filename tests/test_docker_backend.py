"""The docker-cpu backend: references earn full marks, examples lose what they lose locally, and a hostile
submission earns nothing it should not and leaves the host untouched. Skipped, with the reason, where no Docker
engine runs or the CPU image is not built; CI builds both."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from grader import images
from grader.results import Status, SubmissionStatus

from .conftest import ROOT, Grade, reference_source, write_submission
from .test_examples import CASES, assert_loses_exactly_its_checks

pytestmark = pytest.mark.docker
SOLUTIONS = ROOT / "solutions"
ASSIGNMENTS = sorted(p.parent.name for p in (ROOT / "assignments").glob("*/assignment.yaml"))


def _skip_reason() -> str | None:
    reason = images.engine_available()
    if reason:
        return reason
    if images.inspect(images.image_tag("cpu")) is None:
        return f"the image {images.image_tag('cpu')} is not built (grader image build cpu)"
    return None


def require_cpu_image() -> None:
    """Skip where no engine runs or no image is built, except in CI, where the Docker tests are required."""
    reason = _skip_reason()
    if reason and os.environ.get("CI"):
        pytest.fail(f"CI must run the Docker tests: {reason}")
    if reason:
        pytest.skip(reason)
    if images.label(images.image_tag("cpu"), "grader.source_sha256") != images.source_sha256():
        pytest.fail("the CPU image holds older grader code than this tree: rebuild it with `nox -s images`")


@pytest.fixture(scope="module")
def docker_grade_as(grade_as: Callable[[str], Grade]) -> Callable[[str], Grade]:
    require_cpu_image()

    def for_assignment(assignment: str) -> Grade:
        local = grade_as(assignment)

        def run(path: Path, name: str | None = None, **options: object) -> object:
            return local(path, name, **{"backend": "docker-cpu", **options})

        return run

    return for_assignment


def _lost(result: object) -> list[str]:
    return sorted(t.check_id for t in result.tests if t.status is Status.FAILED)  # type: ignore[attr-defined]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_earns_full_marks_in_docker(docker_grade_as: Callable[[str], Grade], assignment: str) -> None:
    result = docker_grade_as(assignment)(SOLUTIONS / assignment / "submission.py", "reference")
    assert result.status is SubmissionStatus.GRADED, result.output
    assert _lost(result) == [], {t.check_id: t.output for t in result.tests}
    run = result.provenance["run"]
    assert run["backend"] == "docker-cpu"
    assert run["image_id"].startswith("sha256:")
    assert run["lock_sha256"] == images.lock_sha256("cpu")
    provenance = result.provenance
    assert provenance["seed"] == 20261127 and provenance["dataset"]["checksum_sha256"]
    assert provenance["host"]["cpu"] and provenance["host"]["cpus"] >= 1
    assert provenance["sandbox"]["versions"]["numpy"] != "not imported"


@pytest.mark.slow
@pytest.mark.parametrize(("assignment", "name"), CASES)
def test_examples_lose_the_same_points_in_docker(
    docker_grade_as: Callable[[str], Grade], assignment: str, name: str
) -> None:
    assert_loses_exactly_its_checks(docker_grade_as, assignment, name, backend="docker-cpu")


def test_fork_bomb_is_contained(tmp_path: Path, docker_grade_as: Callable[[str], Grade]) -> None:
    bomb = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    result = docker_grade_as("01_tf_quickstart")(write_submission(tmp_path, "fork_bomb", bomb), time_limit_s=30)
    assert result.status is SubmissionStatus.GRADED
    assert result.score == 0


def test_reading_the_host_environment_finds_no_secrets(
    tmp_path: Path, docker_grade_as: Callable[[str], Grade], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRADER_TEST_SECRET", "s3cr3t-value")
    leak = (
        "import os\nfound = str(dict(os.environ))\n"
        "for path in ('/proc/1/environ', '/proc/self/environ'):\n"
        "    try:\n        found += open(path, 'rb').read().decode(errors='replace')\n"
        "    except OSError:\n        pass\n"
        "if 's3cr3t-value' in found:\n    raise SystemExit('LEAKED')\n"
    )
    path = write_submission(tmp_path, "env_leak", leak + reference_source())
    result = docker_grade_as("01_tf_quickstart")(path)
    assert "LEAKED" not in result.output
    assert result.score == 10


def _tf(tmp_path: Path, name: str, source: str, docker_grade_as: Callable[[str], Grade], **options: object) -> object:
    return docker_grade_as("01_tf_quickstart")(write_submission(tmp_path, name, source), **options)


def _outputs(result: object) -> dict[str, str]:
    return {t.check_id: t.output for t in result.tests}  # type: ignore[attr-defined]


REFERENCE = reference_source()
TRAIN = "def train(model, x_train, y_train, epochs):\n"


def test_sys_exit_at_import_earns_nothing(tmp_path: Path, docker_grade_as: Callable[[str], Grade]) -> None:
    result = _tf(tmp_path, "exit_import", "import sys\nsys.exit(0)\n" + REFERENCE, docker_grade_as)
    assert result.score == 0
    assert "sys.exit(0)" in _outputs(result)["runs"]


def test_os_exit_mid_training_keeps_only_what_was_observed(
    tmp_path: Path, docker_grade_as: Callable[[str], Grade]
) -> None:
    source = REFERENCE.replace(TRAIN, TRAIN + "    import os\n    os._exit(0)\n")
    result = _tf(tmp_path, "os_exit", source, docker_grade_as)
    assert _lost(result) == ["accuracy", "runs"]
    assert "ended the process early (exit code 0)" in _outputs(result)["runs"]


def test_printed_scores_and_fake_json_are_ignored(tmp_path: Path, docker_grade_as: Callable[[str], Grade]) -> None:
    fake = 'print("score: 100")\nprint(\'{"score": 100, "tests": []}\')\nprint("PASSED " * 50)\n'
    skeleton = (ROOT / "assignments" / "01_tf_quickstart" / "submission.py").read_text(encoding="utf-8")
    result = _tf(tmp_path, "fake_score", fake + skeleton, docker_grade_as)
    assert result.score == 0


def test_shipped_sitecustomize_and_conftest_never_run(tmp_path: Path, docker_grade_as: Callable[[str], Grade]) -> None:
    folder = tmp_path / "shipped"
    folder.mkdir()
    (folder / "submission.py").write_text(REFERENCE, encoding="utf-8")
    for name in ("sitecustomize.py", "usercustomize.py", "conftest.py"):
        (folder / name).write_text("raise SystemExit('HIJACKED')\n", encoding="utf-8")
    result = docker_grade_as("01_tf_quickstart")(folder / "submission.py", "shipped")
    assert result.score == 10
    assert "HIJACKED" not in result.output


def test_monkeypatched_numpy_cannot_pass_broken_code(tmp_path: Path, docker_grade_as: Callable[[str], Grade]) -> None:
    patch = "import numpy\nnumpy.allclose = lambda *a, **k: True\nnumpy.array_equal = lambda *a, **k: True\n"
    source = patch + REFERENCE.replace("    x_train, x_test = x_train / 255.0, x_test / 255.0\n", "")
    result = _tf(tmp_path, "patched_numpy", source, docker_grade_as)
    assert _lost(result) == ["data_pipeline"]


def test_always_equal_object_is_not_probabilities(tmp_path: Path, docker_grade_as: Callable[[str], Grade]) -> None:
    cheat = "class Anything:\n    def __eq__(self, other):\n        return True\n    __hash__ = None\n\n\n"
    source = cheat + REFERENCE.replace("    return np.asarray(model(x))", "    return Anything()")
    result = _tf(tmp_path, "always_equal", source, docker_grade_as)
    assert _lost(result) == ["runs", "softmax_sums"]


def test_uniform_softmax_fails(tmp_path: Path, docker_grade_as: Callable[[str], Grade]) -> None:
    source = REFERENCE.replace("    return np.asarray(model(x))", "    return np.full((len(x), 10), 0.1)")
    result = _tf(tmp_path, "uniform", source, docker_grade_as)
    assert _lost(result) == ["softmax_sums"]
    assert "every row" in _outputs(result)["softmax_sums"]


def test_memory_bomb_stays_in_its_container(tmp_path: Path, docker_grade_as: Callable[[str], Grade]) -> None:
    bomb = "blocks = []\nwhile True:\n    blocks.append(bytearray(1 << 28))\n"
    result = _tf(tmp_path, "memory_bomb", bomb + REFERENCE, docker_grade_as)
    assert result.status is SubmissionStatus.GRADED
    assert result.score == 0
    assert "memory" in result.output.lower() or "MemoryError" in _outputs(result)["runs"]


def test_endless_sleep_hits_the_time_limit(tmp_path: Path, docker_grade_as: Callable[[str], Grade]) -> None:
    result = _tf(tmp_path, "sleeper", "import time\ntime.sleep(10**6)\n" + REFERENCE, docker_grade_as, time_limit_s=20)
    assert result.score == 0
    assert "time limit" in result.output


def test_the_container_has_no_network_interface_but_loopback(
    tmp_path: Path, docker_grade_as: Callable[[str], Grade]
) -> None:
    probe = "import os\nraise RuntimeError('interfaces=' + ','.join(sorted(os.listdir('/sys/class/net'))))\n"
    result = _tf(tmp_path, "network", probe, docker_grade_as)
    assert "interfaces=lo" in _outputs(result)["runs"]


def test_site_packages_are_read_only(tmp_path: Path, docker_grade_as: Callable[[str], Grade]) -> None:
    tamper = "import numpy, pathlib\n(pathlib.Path(numpy.__file__).parent / 'evil.py').write_text('x = 1')\n"
    result = _tf(tmp_path, "tamper", tamper + REFERENCE, docker_grade_as)
    assert result.score == 0
    assert "Read-only file system" in _outputs(result)["runs"]
    clean = docker_grade_as("01_tf_quickstart")(ROOT / "solutions" / "01_tf_quickstart" / "submission.py")
    assert clean.score == 10


def test_huge_file_in_the_artifacts_is_stopped(tmp_path: Path, docker_grade_as: Callable[[str], Grade]) -> None:
    hog = (
        "    with open('/job/artifacts/hog.bin', 'wb') as f:\n"
        "        for _ in range(400):\n            f.write(b'0' * (1 << 20))\n"
    )
    result = _tf(tmp_path, "hog", REFERENCE.replace(TRAIN, TRAIN + hog), docker_grade_as)
    assert "accuracy" in _lost(result)
    assert "wrote too much data" in result.output or "File too large" in _outputs(result)["runs"]


def test_printing_100_mb_is_capped(tmp_path: Path, docker_grade_as: Callable[[str], Grade]) -> None:
    flood = "import sys\nfor _ in range(100):\n    sys.stdout.write('x' * (1 << 20))\n"
    result = _tf(tmp_path, "flood", flood + REFERENCE, docker_grade_as)
    assert result.score == 10
    assert result.provenance["run"]["output_bytes"] > 100 * (1 << 20)
    assert len(result.output) < 10_000


def test_symlinked_artifact_is_refused(tmp_path: Path, docker_grade_as: Callable[[str], Grade]) -> None:
    swap = (
        "    import os\n    os.remove('/job/artifacts/predict_proba.npy')\n"
        "    os.symlink('/etc/passwd', '/job/artifacts/predict_proba.npy')\n"
    )
    result = _tf(tmp_path, "symlink", REFERENCE.replace(TRAIN, TRAIN + swap), docker_grade_as)
    assert _lost(result) == ["softmax_sums"]
    assert "symbolic link; refused" in _outputs(result)["softmax_sums"]
    assert "root:" not in result.output


def test_pickle_artifact_is_refused_and_never_runs(tmp_path: Path, docker_grade_as: Callable[[str], Grade]) -> None:
    marker = tmp_path / "pwned"
    payload = (
        "    import os\n"
        "    class Payload:\n"
        f"        def __reduce__(self):\n            return (os.system, ('touch {marker}',))\n"
        "    np.save('/job/artifacts/predict_proba.npy', np.array([Payload()], dtype=object), allow_pickle=True)\n"
    )
    result = _tf(tmp_path, "pickle", REFERENCE.replace(TRAIN, TRAIN + payload), docker_grade_as)
    assert _lost(result) == ["softmax_sums"]
    assert "not a plain numeric array" in _outputs(result)["softmax_sums"]
    assert not marker.exists()
