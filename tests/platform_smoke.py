"""The chapter's code in brief, for a venv of another Python or NumPy.

tests/test_platforms.py runs it with each platform's interpreter: the
augmentations on the cat, CIFAR-10 through the chapter's DataLoader
(d2l's) with worker processes, and a few Adam steps of the chapter's
hybridized ResNet-18, whose loss on a fixed batch must fall. The last line
is a summary.
"""
import pathlib
import sys

import d2l  # First: it prepares NumPy, threads and CUDA for MXNet.
import mxnet
import numpy
from mxnet import autograd, gluon, image, init

ROOT = pathlib.Path(__file__).resolve().parents[1]
T = gluon.data.vision.transforms

d2l.seed_all(0)
img = image.imread(str(ROOT / 'img' / 'cat1.jpg'))
augs = T.Compose([
    T.RandomFlipLeftRight(),
    T.RandomColorJitter(brightness=0.5, contrast=0.5, saturation=0.5),
    T.RandomResizedCrop((200, 200), scale=(0.1, 1), ratio=(0.5, 2))])
assert augs(img).shape == (200, 200, 3)

train_data = d2l.CIFAR10(train=True).take(512)
train_iter = d2l.DataLoader(
    train_data.transform_first(T.Compose([T.RandomFlipLeftRight(),
                                          T.ToTensor()])),
    batch_size=64, shuffle=True, num_workers=2)
X, y = next(iter(train_iter))
assert X.shape == (64, 3, 32, 32) and y.shape == (64,)
# Workers hand batches over in shared memory; the net lives on the CPU.
X, y = X.as_in_context(mxnet.cpu()), y.as_in_context(mxnet.cpu())

net = d2l.resnet18(10, width=16)
net.initialize(init=init.Xavier())
net.hybridize(static_alloc=True, static_shape=True)
loss = gluon.loss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(net.collect_params(), 'adam',
                        {'learning_rate': 0.01})
losses = []
for _ in range(24):
    with autograd.record():
        l = loss(net(X), y)
    l.backward()
    trainer.step(X.shape[0])
    losses.append(l.mean().asscalar())
# Twenty-four steps on one batch: a working optimizer learns it by heart.
assert losses[-1] < losses[0] / 4, losses
print(f'Python {sys.version.split()[0]}, NumPy {numpy.__version__}, '
      f'MXNet {mxnet.__version__}: loss {losses[0]:.3f} -> '
      f'{losses[-1]:.3f} in 24 steps')
