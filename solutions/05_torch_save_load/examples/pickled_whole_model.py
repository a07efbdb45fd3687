"""Saves the whole model with pickle (torch.save(model, path)) instead of its state_dict; loads it back with
torch.load(path, weights_only=False), which works here but needs the class and runs code from the file."""

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
    torch.save(model, path)


def load_weights(path):
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
