"""Attack example: implements nothing; instead, from its first function, it writes a full-marks results.json wherever the grader could read
one (every results folder it can reach, Gradescope's /autograder/results, PrairieLearn's /grade/results) and kills
the grading process, so that the grader never writes its own. Where only the grader writes results, it earns
nothing: every check fails."""

import json
import os
import signal
from pathlib import Path

CHECKS = {"runs": 1, "data_pipeline": 1, "architecture": 2, "optimizer": 1, "zero_grad": 2, "train_eval_mode": 1,
          "softmax_sums": 1, "accuracy": 1, "loss_advice": 0}
FULL = {
    "score": 10.0,
    "output": "10/10",
    "tests": [{"name": c, "score": p, "max_score": p, "status": "passed", "visibility": "visible", "output": "ok",
               "tags": [c]} for c, p in CHECKS.items()],
}
PRAIRIELEARN = {"gradable": True, "score": 1.0, "message": "10/10", "tests": []}
SEARCHED = (Path("/tmp"), Path("/autograder"), Path("/grade"), Path.home(), Path.cwd().parent)


def _results_folders():
    yield Path("/autograder/results")
    yield Path("/grade/results")
    for root in SEARCHED:
        try:
            for folder, folders, files in os.walk(root):
                if "results.json" in files:
                    yield Path(folder)
                if folder.count(os.sep) - str(root).count(os.sep) >= 4:
                    folders[:] = []
        except OSError:
            continue


def _forge():
    for folder in _results_folders():
        for name, data in (("results.json", FULL), ("prairielearn.json", PRAIRIELEARN)):
            try:
                folder.mkdir(parents=True, exist_ok=True)
                (folder / name).write_text(json.dumps(data))
            except OSError:
                pass
    try:
        os.kill(os.getppid(), signal.SIGKILL)  # the grading process: it would otherwise write the real result
    except OSError:
        pass


def make_loaders(root, batch_size=32):
    _forge()
    raise NotImplementedError


def MLP():
    raise NotImplementedError


def compile_model(model):
    raise NotImplementedError


def train_one_epoch(model, loader, device):
    raise NotImplementedError


def evaluate(model, loader, device):
    raise NotImplementedError


def predict_proba(model, x):
    raise NotImplementedError
