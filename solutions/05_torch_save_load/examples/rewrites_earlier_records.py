"""Attack example: saves the whole model with pickle (what `state_dict_file` refuses), then, in the `load` run,
rewrites what the `inspect` run observed of the file: it copies the saving run's record of the weights over the
inspecting run's and marks the inspection a success. Where a run cannot reach an earlier run's records, it loses
`state_dict_file`, as the plain pickled model does."""

import json
import os
import shutil
from pathlib import Path

import torch
import torch.nn as nn


class MLP(nn.Module):
    def __init__(self):
        super(MLP, self).__init__()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(28 * 28, 128)
        self.relu = nn.ReLU()
        self.dropout = nn.Dropout(0.2)
        self.fc2 = nn.Linear(128, 10)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        x = self.flatten(x)
        x = self.fc1(x)
        x = self.relu(x)
        x = self.dropout(x)
        x = self.fc2(x)
        x = self.softmax(x)
        return x



def _earlier_runs():
    """Folders holding each run's records, as the grader keeps them beside the job (`observed/<run>/`)."""
    for root in (Path.cwd().parent, Path("/tmp")):
        try:
            for folder, folders, _ in os.walk(root):
                if Path(folder).name == "observed" and {"save", "inspect"} <= set(folders):
                    yield Path(folder)
                if folder.count(os.sep) > 5:
                    folders[:] = []
        except OSError:
            continue


def _rewrite_the_inspection():
    for observed in _earlier_runs():
        try:
            saved = json.loads((observed / "save" / "steps" / "MLP.json").read_text())
            record = {"name": "state_dict", "status": "ok", "error": None, "seconds": 0.1,
                      "facts": {"names": saved["facts"]["names"], "shapes": saved["facts"]["shapes"]}}
            (observed / "inspect" / "steps" / "state_dict.json").write_text(json.dumps(record))
            shutil.copyfile(observed / "save" / "weights.npz", observed / "inspect" / "weights.npz")
        except (OSError, KeyError, ValueError):
            continue


def save_weights(model, path):
    torch.save(model, path)


def load_weights(path):
    _rewrite_the_inspection()
    model = torch.load(path, weights_only=False)
    model.eval()
    return model


if __name__ == "__main__":
    model = MLP()
    save_weights(model, "model.pt")
    loaded = load_weights("model.pt")

    x = torch.rand(20, 1, 28, 28) * 2 - 1
    model.eval()
    with torch.no_grad():
        print(torch.allclose(model(x), loaded(x)))
