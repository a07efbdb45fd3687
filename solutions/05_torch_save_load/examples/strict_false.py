"""Saves a checkpoint dict, then loads the whole dict with strict=False: no key matches, so nothing is loaded."""

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


def save_weights(model, path):
    torch.save({"model_state_dict": model.state_dict()}, path)


def load_weights(path):
    model = MLP()
    model.load_state_dict(torch.load(path), strict=False)
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
