"""02_torch_loop: the course note's PyTorch training loop (section 2-1), one function per step.

Fill in every TODO. Keep the names and signatures: the grader calls them one at a time.
Check your work with:  grader check 02_torch_loop
"""

import torch
import torch.nn as nn
import torch.optim as optim
import torchvision
import torchvision.transforms as transforms


class MLP(nn.Module):
    """Flatten -> Linear(784, 128) -> ReLU -> Dropout(0.2) -> Linear(128, 10) -> Softmax(dim=1)."""

    def __init__(self):
        super(MLP, self).__init__()
        # TODO: create the layers (self.flatten, self.fc1, self.relu, self.dropout, self.fc2, self.softmax)

    def forward(self, x):
        # TODO: apply the layers in order
        raise NotImplementedError("TODO: MLP.forward")


def make_loaders(root, batch_size=32):
    """Return (train_loader, test_loader) from torchvision.datasets.MNIST(root=root, ..., download=True).

    Transform: ToTensor() then Normalize((0.5,), (0.5,)); shuffle the training loader only.
    """
    # TODO
    raise NotImplementedError("TODO: make_loaders")


def compile_model(model):
    """Set model.loss_function = nn.CrossEntropyLoss() and model.optimizer = optim.AdamW(model.parameters())."""
    # TODO
    raise NotImplementedError("TODO: compile_model")


def train_one_epoch(model, loader, device):
    """Train for one pass over `loader` and return the last batch's loss as a float.

    Put the model in train mode; for every batch: move it to `device`, reset the gradients, forward, loss,
    backward, optimizer step.
    """
    # TODO
    raise NotImplementedError("TODO: train_one_epoch")


def evaluate(model, loader, device):
    """Return the accuracy (a float in [0, 1]) of the model on `loader`, in eval mode and without gradients."""
    # TODO
    raise NotImplementedError("TODO: evaluate")


def predict_proba(model, x):
    """Return the class probabilities for the images x: a tensor of shape (N, 10)."""
    # TODO
    raise NotImplementedError("TODO: predict_proba")


if __name__ == "__main__":
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    train_loader, test_loader = make_loaders("./data")
    model = MLP().to(device)
    compile_model(model)

    num_epochs = 10
    for epoch in range(num_epochs):
        loss = train_one_epoch(model, train_loader, device)
        print(f"Epoch [{epoch + 1}/{num_epochs}], Loss: {loss:.4f}")

    print(f"Accuracy: {evaluate(model, test_loader, device):.4f}")

    test_samples, _ = next(iter(test_loader))
    output_probs = predict_proba(model, test_samples[:20].to(device))
    print(output_probs.cpu().numpy())
    print(output_probs.sum(dim=1))
