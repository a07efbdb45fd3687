"""An independent solution in the reference's own style: the same imports and layers, its own loops."""

import torch
import torch.nn as nn
import torch.optim as optim
import torchvision
from torchvision import transforms as tvt


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(in_features=28 * 28, out_features=128)
        self.relu = nn.ReLU()
        self.dropout = nn.Dropout(0.2)
        self.fc2 = nn.Linear(in_features=128, out_features=10)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        h = self.relu(self.fc1(self.flatten(x)))
        return self.softmax(self.fc2(self.dropout(h)))


def make_loaders(root, batch_size=32):
    tf = tvt.Compose([tvt.ToTensor(), tvt.Normalize((0.5,), (0.5,))])
    train = torchvision.datasets.MNIST(root, train=True, download=True, transform=tf)
    test = torchvision.datasets.MNIST(root, train=False, download=True, transform=tf)
    return (
        torch.utils.data.DataLoader(train, batch_size, shuffle=True),
        torch.utils.data.DataLoader(test, batch_size, shuffle=False),
    )


def compile_model(model):
    model.loss_function = nn.CrossEntropyLoss()
    model.optimizer = optim.AdamW(model.parameters())


def train_one_epoch(model, loader, device):
    model.train()
    running = 0.0
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        model.optimizer.zero_grad()
        out = model(xb)
        err = model.loss_function(out, yb)
        err.backward()
        model.optimizer.step()
        running = err.item()
    return running


def evaluate(model, loader, device):
    model.eval()
    right = total = 0
    with torch.no_grad():
        for xb, yb in loader:
            pred = model(xb.to(device)).argmax(1).cpu()
            right += (pred == yb).sum().item()
            total += yb.numel()
    return right / total


def predict_proba(model, x):
    model.eval()
    with torch.no_grad():
        return model(x)
