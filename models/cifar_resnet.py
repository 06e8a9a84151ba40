"""CIFAR-style ResNets (He et al. 2016) for small images.

ResNet-20/32/56 have three stages of 16, 32 and 64 channels with n = 3, 5, 9
basic blocks each. Shortcuts that change shape are 1x1 convolutions with
BatchNorm ("option B"), so every model exports to Conv/BN/Relu/Add only.
`preact=True` gives the pre-activation variant (BN-ReLU before each conv,
He et al., "Identity Mappings in Deep Residual Networks").
"""

import torch
from torch import nn


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride, preact):
        super().__init__()
        self.preact = preact
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        # Pre-activation blocks normalise the block input; post-activation
        # blocks normalise each convolution's output.
        self.bn1 = nn.BatchNorm2d(cin if preact else cout)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            layers = [nn.Conv2d(cin, cout, 1, stride, bias=False)]
            if not preact:
                layers.append(nn.BatchNorm2d(cout))
            self.shortcut = nn.Sequential(*layers)

    def forward(self, x):
        if self.preact:
            out = torch.relu(self.bn1(x))
            skip = self.shortcut(out) if self.shortcut is not None else x
            out = self.conv1(out)
            out = self.conv2(torch.relu(self.bn2(out)))
            return out + skip
        skip = self.shortcut(x) if self.shortcut is not None else x
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return torch.relu(out + skip)


class CifarResNet(nn.Module):
    def __init__(self, depth, in_channels=3, num_classes=10, preact=False,
                 widths=(16, 32, 64)):
        super().__init__()
        if (depth - 2) % 6 != 0:
            raise ValueError(f"depth must be 6n + 2, got {depth}")
        n = (depth - 2) // 6
        self.preact = preact
        self.conv1 = nn.Conv2d(in_channels, widths[0], 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        blocks, cin = [], widths[0]
        for stage, cout in enumerate(widths):
            for i in range(n):
                stride = 2 if stage > 0 and i == 0 else 1
                blocks.append(BasicBlock(cin, cout, stride, preact))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.bn_final = nn.BatchNorm2d(widths[-1]) if preact else None
        self.fc = nn.Linear(widths[-1], num_classes)

    def forward(self, x):
        x = self.conv1(x)
        if not self.preact:
            x = torch.relu(self.bn1(x))
        x = self.blocks(x)
        if self.preact:
            x = torch.relu(self.bn_final(x))
        x = nn.functional.adaptive_avg_pool2d(x, 1)
        return self.fc(torch.flatten(x, 1))


def cifar_resnet(name, in_channels, num_classes):
    """resnetD or preact_resnetD, with stage widths (default 16, 32, 64)
    given as a suffix _wA_B_C (resnet8_w16_24_48: stages whose channels
    a block of 16 divides and one it does not)."""
    preact = name.startswith("preact_")
    name, *widths = name.removeprefix("preact_").split("_w")
    depth = int(name.removeprefix("resnet"))
    widths = tuple(int(w) for w in widths[0].split("_")) if widths else (16, 32, 64)
    return CifarResNet(depth, in_channels, num_classes, preact, widths)
