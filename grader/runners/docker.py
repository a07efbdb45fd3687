"""Docker backends: each submission in a fresh, locked-down container of the CPU or CUDA grading image.

The container gets no network, a non-root user, a read-only root filesystem with a small tmpfs, no capabilities,
no privilege escalation, capped processes, memory (swap included), CPUs, open files and file sizes, and a wall-clock
limit enforced from the host (the container is killed and removed). Only the job's own folders are mounted: the
held-out images never are, and neither is the Docker socket. Scoring happens on the host, from the artifacts only.

`GRADER_CGROUP_PARENT`, when set, puts the containers under that cgroup: its counters keep the CPU time of containers
that have exited (the overhead benchmark reads them), and a limit set on it caps a whole session.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import time
import uuid

from grader.images import engine_available, image_tag, inspect
from grader.isolation import FILE_SIZE_LIMIT, output_quota
from grader.job import Job
from grader.runners.base import (
    HarnessError,
    OutputCap,
    ProgressCallback,
    RunOutcome,
    progress_watch,
    sandbox_status,
    thread_environment,
    wait_for,
)
from grader.sandbox.layout import HANDOFF_IN, HANDOFF_OUT, TORCHVISION

CONTAINER_USER = "10001:10001"
PIDS_LIMIT = 256
SCRATCH = ("/tmp:rw,nosuid,nodev,size=256m,mode=1777", "/job/work:rw,nosuid,nodev,size=512m,mode=1777")
DOCKER_FAILURE_CODES = {125, 126, 127}
CGROUP_PARENT_ENV = "GRADER_CGROUP_PARENT"
BACKSTOP_S = 60


def _docker(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=False)


def _gpu_facts() -> dict[str, str]:
    """GPU name, driver and CUDA version as the host's driver reports them."""
    if shutil.which("nvidia-smi") is None:
        return {}
    query = ["nvidia-smi", "--query-gpu=name,driver_version", "--format=csv,noheader"]
    result = subprocess.run(query, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not result.stdout.strip():
        return {}
    name, driver = (part.strip() for part in result.stdout.splitlines()[0].split(",", 1))
    header = subprocess.run(["nvidia-smi"], capture_output=True, text=True, check=False).stdout
    cuda = header.split("CUDA Version:")[1].split()[0] if "CUDA Version:" in header else "unknown"
    return {"gpu": name, "driver": driver, "cuda_driver_version": cuda}


class DockerRunner:
    variant = "cpu"
    name = "docker-cpu"

    def __init__(
        self, image: str | None = None, gpu_index: int = 0, cpus: float | None = None, cgroup_parent: str | None = None
    ) -> None:
        self.image = image or os.environ.get(f"GRADER_IMAGE_{self.variant.upper()}") or image_tag(self.variant)
        self.gpu_index = gpu_index
        self.cpus = cpus or float(os.cpu_count() or 1)
        self.cgroup_parent = cgroup_parent or os.environ.get(CGROUP_PARENT_ENV)

    def _check_ready(self) -> dict[str, str]:
        reason = engine_available()
        if reason:
            raise HarnessError(f"the {self.name} backend needs Docker: {reason}")
        info = inspect(self.image)
        if info is None:
            raise HarnessError(f"the image {self.image} is missing: build it with `grader image build {self.variant}`")
        return {
            "backend": self.name,
            "image": self.image,
            "image_id": info.image_id,
            "lock_sha256": info.labels.get("grader.lock_sha256") or "unknown",
            "grader_source_sha256": info.labels.get("grader.source_sha256") or "unknown",
        }

    def command(self, job: Job, container: str, entry: str = "grader.sandbox") -> list[str]:
        memory = f"{job.spec.limits.memory_mb}m"
        cpus = f"{job.cpus or self.cpus:g}"
        mounts = [
            f"{job.root / 'job.json'}:/job/job.json:ro",
            f"{job.root / 'data'}:/job/data:ro",
            f"{job.artifacts}:/job/artifacts:rw",
        ]
        if job.student_code:  # a run that inspects a saved file never sees the student's code
            mounts.append(f"{job.root / 'submission'}:/job/submission:ro")
        if (job.root / HANDOFF_IN).is_dir():  # the file an earlier run saved, as the host copied it
            mounts.append(f"{job.root / HANDOFF_IN}:/job/{HANDOFF_IN}:ro")
        if (job.root / HANDOFF_OUT).is_dir():  # where this run saves it
            mounts.append(f"{job.root / HANDOFF_OUT}:/job/{HANDOFF_OUT}:rw")
        if (job.root / TORCHVISION).is_dir():  # torchvision's files, read-only inside the size-capped scratch folder
            mounts.append(f"{job.root / TORCHVISION}:/job/work/data:ro")
        command = [
            "docker", "run", "--name", container, "--network", "none", "--user", CONTAINER_USER,
            "--read-only", "--tmpfs", SCRATCH[0], "--tmpfs", SCRATCH[1],
            "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
            "--pids-limit", str(PIDS_LIMIT), "--memory", memory, "--memory-swap", memory, "--cpus", cpus,
            "--ulimit", "nofile=1024:1024", "--ulimit", f"fsize={FILE_SIZE_LIMIT}", "--ulimit", "core=0",
            "--log-driver", "none", "--workdir", "/job/work",
            "--env", f"PYTHONHASHSEED={job.seed}", "--env", "HOME=/job/work", "--env", "TF_CPP_MIN_LOG_LEVEL=2",
        ]  # fmt: skip
        for mount in mounts:
            command += ["--volume", mount]
        if self.cgroup_parent:
            command += ["--cgroup-parent", self.cgroup_parent]
        for name, value in thread_environment(job.threads).items():
            command += ["--env", f"{name}={value}"]
        command += self.device_options(job)
        # The host enforces the time limit; `timeout` inside is the backstop should the host die first (a cluster
        # worker killed with SIGKILL), so a container never runs on forever.
        backstop = ["timeout", "--signal=KILL", f"{math.ceil(job.time_limit_s) + BACKSTOP_S}"]
        return [*command, self.image, *backstop, "python", "-I", "-m", entry, "/job"]

    def device_options(self, job: Job) -> list[str]:
        return []

    def run(self, job: Job, progress: ProgressCallback | None = None) -> RunOutcome:
        info = self._check_ready()
        for folder in (job.artifacts, *job.artifacts.iterdir()):
            if folder.is_dir():
                folder.chmod(0o777)  # the container's user is not the host's; only the artifacts are writable
        container = f"grader-{uuid.uuid4().hex[:12]}"
        started = time.perf_counter()
        process = subprocess.Popen(
            self.command(job, container), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        assert process.stdout is not None
        output = OutputCap(process.stdout, job.spec.limits.output_kb * 1024)
        watch = progress_watch(job, progress)
        timed_out, disk_exceeded = wait_for(
            process, job.time_limit_s, (output_quota(job),), watch, lambda: _docker("kill", container)
        )
        status, text = sandbox_status(output.text())
        process.stdout.close()
        if process.returncode == 0:  # an attached `docker run` exits with the container's status: no OOM kill
            state = ["false", "0"]
        else:
            state = _docker("inspect", "--format", "{{.State.OOMKilled}} {{.State.ExitCode}}", container).stdout.split()
        _docker("rm", "--force", "--volumes", container)
        if not state and process.returncode in DOCKER_FAILURE_CODES:
            raise HarnessError(f"docker could not run the container (exit {process.returncode}):\n{text[-2000:]}")
        oom = bool(state) and state[0] == "true"
        exit_code = int(state[1]) if len(state) > 1 else process.returncode
        return RunOutcome(
            exit_code=None if timed_out else exit_code,
            timed_out=timed_out,
            seconds=time.perf_counter() - started,
            output=text,
            output_bytes=output.total,
            memory_exceeded=oom,
            disk_exceeded=disk_exceeded,
            backend_info={**info, **self.host_facts()},
            status=status,
        )

    def host_facts(self) -> dict[str, str]:
        return {}

    def environment_identity(self) -> str:
        """The image's ID: everything student code can use is in it."""
        info = inspect(self.image)
        return f"{self.name}:{info.image_id if info else 'missing'}"


class DockerCudaRunner(DockerRunner):
    variant = "cuda"
    name = "docker-cuda"

    def device_options(self, job: Job) -> list[str]:
        """The job's own GPU when the session placed it (`grader.session.gpus`), else the runner's."""
        return ["--gpus", f"device={job.gpu if job.gpu is not None else self.gpu_index}"]

    def host_facts(self) -> dict[str, str]:
        return _gpu_facts()
