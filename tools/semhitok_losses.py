"""Image losses and metrics of the SemHiTok trainer's pixel stage.

- `ssim`: the structural similarity of Wang et al. 2004 (11 x 11 Gaussian window, sigma
  1.5, K1 = 0.01, K2 = 0.03, data range 1), per image, over images in [0, 1];
- `gradient_loss`: L1 between the horizontal and vertical finite differences of two images
  (edges and texture that a plain L1 blurs away);
- `psnr`: per image, for images in [0, 1];
- `PatchDiscriminator` and the hinge losses: a small PatchGAN (strided convolutions, one
  logit per patch), used after a warm-up because a discriminator that judges a blurry
  start only adds noise.

No perceptual network is here: LPIPS needs pretrained VGG/AlexNet weights, which cannot be
downloaded on the machines this project was built on.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def _gaussian_window(size: int = 11, sigma: float = 1.5, device=None) -> torch.Tensor:
    x = torch.arange(size, dtype=torch.float32, device=device) - (size - 1) / 2
    g = torch.exp(-x ** 2 / (2 * sigma ** 2))
    g = g / g.sum()
    return (g[:, None] * g[None, :]).expand(3, 1, size, size).contiguous()


def ssim(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """SSIM of each pair of images [B, 3, H, W] in [0, 1] (valid window positions): [B]."""
    x, y = x.float(), y.float()
    size = min(11, x.shape[-1], x.shape[-2])
    window = _gaussian_window(size, 1.5, x.device)
    blur = lambda t: F.conv2d(t, window, groups=3)          # noqa: E731
    mu_x, mu_y = blur(x), blur(y)
    var_x = blur(x * x) - mu_x ** 2
    var_y = blur(y * y) - mu_y ** 2
    cov = blur(x * y) - mu_x * mu_y
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    value = ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) / ((mu_x ** 2 + mu_y ** 2 + c1) * (var_x + var_y + c2))
    return value.flatten(1).mean(1)


def gradient_loss(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean L1 distance between the image gradients of x and y."""
    dx = lambda t: t[..., :, 1:] - t[..., :, :-1]           # noqa: E731
    dy = lambda t: t[..., 1:, :] - t[..., :-1, :]           # noqa: E731
    return (dx(x) - dx(y)).abs().mean() + (dy(x) - dy(y)).abs().mean()


def psnr(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """PSNR in dB of each pair of images [B, 3, H, W] in [0, 1]: [B]."""
    mse = (x.float() - y.float()).pow(2).flatten(1).mean(1)
    return 10 * torch.log10(1 / mse.clamp(min=1e-10))


class PatchDiscriminator(nn.Module):
    """A PatchGAN: `layers` stride-2 4 x 4 convolutions with LeakyReLU, then a 3 x 3
    convolution to one logit per patch. No normalisation layers, so nothing needs
    synchronising between ranks but the gradients DistributedDataParallel already averages."""

    def __init__(self, channels: int = 64, layers: int = 3):
        super().__init__()
        modules, width = [], 3
        for k in range(layers):
            out = channels * 2 ** min(k, 3)
            modules += [nn.Conv2d(width, out, 4, stride=2, padding=1), nn.LeakyReLU(0.2)]
            width = out
        modules.append(nn.Conv2d(width, 1, 3, padding=1))
        self.net = nn.Sequential(*modules)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.net(images)


def hinge_discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    return F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean()


def hinge_generator_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    return -fake_logits.mean()
