"""03_lightning_module: the course note's MLP as a PyTorch Lightning CustomModel (section 2-2).

Fill in every TODO. Keep the names and signatures: the grader inspects each hook and trains the model with its own
pl.Trainer. Check your work with:  grader check 03_lightning_module
"""

import pytorch_lightning as pl
import torch
import torch.nn as nn
import torch.optim as optim
import torchvision
import torchvision.transforms as transforms


class CustomModel(pl.LightningModule):

    # 모델 정의
    def __init__(self):
        super(CustomModel, self).__init__()
        # TODO: self.model = the MLP of section 2-1
        #       Flatten -> Linear(784, 128) -> ReLU -> Dropout(0.2) -> Linear(128, 10) -> Softmax(dim=1)

    # 모델의 forward propagation 정의
    def forward(self, x):
        # TODO
        raise NotImplementedError("TODO: forward")

    # 모델의 batch 단위 학습 프로세스 정의: return the loss so that Lightning back-propagates
    def training_step(self, batch, batch_idx):
        # TODO
        raise NotImplementedError("TODO: training_step")

    # 모델의 batch 단위 validation 프로세스 정의
    def validation_step(self, batch, batch_idx):
        # TODO
        raise NotImplementedError("TODO: validation_step")

    # 모델의 batch 단위 test 프로세스 정의
    def test_step(self, batch, batch_idx):
        # TODO
        raise NotImplementedError("TODO: test_step")

    # Optimizer 정의: AdamW with lr=0.001
    def configure_optimizers(self):
        # TODO
        raise NotImplementedError("TODO: configure_optimizers")


def make_loaders(root, batch_size=32):
    """Return (train_loader, test_loader) as in 02_torch_loop (ToTensor, Normalize((0.5,), (0.5,)))."""
    # TODO
    raise NotImplementedError("TODO: make_loaders")


if __name__ == "__main__":
    train_loader, test_loader = make_loaders("./data")
    model = CustomModel()
    trainer = pl.Trainer(max_epochs=10)
    trainer.fit(model, train_loader, test_loader)
    trainer.test(model, test_loader)
