"""Models: ResNet-18 for 32 x 32 images such as CIFAR-10."""
from mxnet.gluon import nn


class Residual(nn.HybridBlock):
    """Two 3 x 3 convolutions with batch norm and a shortcut connection."""

    def __init__(self, num_channels, use_1x1conv=False, strides=1,
                 **kwargs):
        super().__init__(**kwargs)
        self.conv1 = nn.Conv2D(num_channels, kernel_size=3, padding=1,
                               strides=strides)
        self.conv2 = nn.Conv2D(num_channels, kernel_size=3, padding=1)
        # A 1 x 1 convolution matches the shortcut's shape when the block
        # changes the number of channels or the resolution.
        self.conv3 = (nn.Conv2D(num_channels, kernel_size=1, strides=strides)
                      if use_1x1conv else None)
        self.bn1 = nn.BatchNorm()
        self.bn2 = nn.BatchNorm()

    def hybrid_forward(self, F, X):
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        return F.relu(Y + X)


def resnet_block(num_channels, num_residuals, first_block=False):
    """A stage of residual blocks; all but the first stage halve H and W."""
    blk = nn.HybridSequential()
    for i in range(num_residuals):
        if i == 0 and not first_block:
            blk.add(Residual(num_channels, use_1x1conv=True, strides=2))
        else:
            blk.add(Residual(num_channels))
    return blk


def resnet18(num_classes, width=64):
    """ResNet-18 for small images.

    Unlike the ImageNet model, the stem is a single 3 x 3 stride-1
    convolution without max-pooling, so 32 x 32 inputs keep their
    resolution into the first stage. `width` is the number of channels of
    the first stage (64 in ResNet-18); each later stage doubles it. A
    width of 16 keeps the architecture with a sixteenth of the arithmetic.
    """
    for name, value in (('num_classes', num_classes), ('width', width)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f'resnet18: {name} must be a positive int, '
                             f'got {value!r}.')
    net = nn.HybridSequential()
    net.add(nn.Conv2D(width, kernel_size=3, strides=1, padding=1),
            nn.BatchNorm(), nn.Activation('relu'))
    net.add(resnet_block(width, 2, first_block=True),
            resnet_block(2 * width, 2),
            resnet_block(4 * width, 2),
            resnet_block(8 * width, 2))
    net.add(nn.GlobalAvgPool2D(), nn.Dense(num_classes))
    return net
