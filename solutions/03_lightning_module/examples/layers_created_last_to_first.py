"""Honest example: the layers are attributes created last-to-first (the output layer before the hidden one), so
`parameters()` lists the output layer first; the forward pass is the course note's MLP: nothing is lost."""

import pytorch_lightning as pl
import torch
import torch.nn as nn
import torch.optim as optim
import torchvision
import torchvision.transforms as transforms


class CustomModel(pl.LightningModule):

    def __init__(self):
        super(CustomModel, self).__init__()
        self.loss_function = nn.CrossEntropyLoss()
        self.softmax = nn.Softmax(dim=1)
        self.output = nn.Linear(128, 10)
        self.hidden = nn.Linear(28 * 28, 128)
        self.dropout = nn.Dropout(0.2)
        self.relu = nn.ReLU()
        self.flatten = nn.Flatten()

    def forward(self, x):
        x = self.relu(self.hidden(self.flatten(x)))
        return self.softmax(self.output(self.dropout(x)))

    def training_step(self, batch, batch_idx):
        images, labels = batch
        loss = self.loss_function(self(images), labels)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        images, labels = batch
        outputs = self(images)
        self.log("val_loss", self.loss_function(outputs, labels))
        self.log("val_acc", (outputs.argmax(dim=1) == labels).float().mean())

    def test_step(self, batch, batch_idx):
        images, labels = batch
        outputs = self(images)
        self.log("test_acc", (outputs.argmax(dim=1) == labels).float().mean())

    def configure_optimizers(self):
        return optim.AdamW(self.parameters(), lr=0.001)


def make_loaders(root, batch_size=32):
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    train_dataset = torchvision.datasets.MNIST(root=root, train=True, transform=transform, download=True)
    test_dataset = torchvision.datasets.MNIST(root=root, train=False, transform=transform, download=True)
    train_loader = torch.utils.data.DataLoader(train_dataset, batch_size=batch_size, shuffle=True)
    test_loader = torch.utils.data.DataLoader(test_dataset, batch_size=batch_size, shuffle=False)
    return train_loader, test_loader


if __name__ == "__main__":
    train_loader, test_loader = make_loaders('./data')
    model = CustomModel()
    trainer = pl.Trainer(max_epochs=10)
    trainer.fit(model, train_loader, test_loader)
    trainer.test(model, test_loader)
