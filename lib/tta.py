"""Test-time adaptation helpers: digits-C corruptions, BN adaptation, entropy, EMA, calibration, SWAG/Fisher/restoration."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["CORRUPTIONS", "corrupt", "configure_bn_for_tta", "bn_affine_params", "entropy", "ema_update",
           "calibration_metrics", "SwagDiag", "diag_gaussian_penalty", "fisher_diag", "restore", "low_fisher_mask",
           "random_mask"]

CORRUPTIONS = ("gaussian_noise", "shot_noise", "impulse_noise", "blur", "contrast", "brightness", "occlude",
               "invert_partial", "shift")


def _blur(img: torch.Tensor, strength: float) -> torch.Tensor:
    k = torch.tensor([strength, 1.0, strength], dtype=img.dtype)
    k2 = (k[:, None] * k[None, :]) / k.sum() ** 2
    return F.conv2d(F.pad(img[:, None], (1, 1, 1, 1), mode="replicate"), k2[None, None])[:, 0]


def corrupt(x: torch.Tensor, kind: str, severity: int, generator: torch.Generator) -> torch.Tensor:
    """"Digits-C": corrupt flattened 8x8 digits with pixels in [0, 1], severity 1-5; returns a clipped copy."""
    if kind not in CORRUPTIONS:
        raise ValueError(f"unknown corruption {kind!r}; choose one of {', '.join(CORRUPTIONS)}")
    if not 1 <= int(severity) <= 5:
        raise ValueError(f"severity must be 1..5, got {severity}")
    s = int(severity)
    n = x.shape[0]
    img = x.reshape(n, 8, 8).clone()
    g = generator
    if kind == "gaussian_noise":
        img = img + torch.randn(img.shape, generator=g, dtype=img.dtype) * (0.08 * s)
    elif kind == "shot_noise":  # Poisson noise with fewer photons at higher severity
        lam = 60.0 / s
        img = torch.poisson(img.clamp(0, 1) * lam, generator=g) / lam
    elif kind == "impulse_noise":  # salt and pepper on a fraction of pixels
        u = torch.rand(img.shape, generator=g, dtype=img.dtype)
        p = 0.04 * s
        img = torch.where(u < p / 2, torch.zeros_like(img), torch.where(u < p, torch.ones_like(img), img))
    elif kind == "blur":
        for _ in range(s):
            img = _blur(img, 0.6)
    elif kind == "contrast":
        c = 1.0 - 0.16 * s
        mean = img.mean((1, 2), keepdim=True)
        img = (img - mean) * c + mean
    elif kind == "brightness":
        img = img + 0.12 * s
    elif kind == "occlude":  # a random square patch set to 0
        side = 1 + s // 2 + 1
        r = torch.randint(0, 8 - side + 1, (n,), generator=g)
        c = torch.randint(0, 8 - side + 1, (n,), generator=g)
        rows = torch.arange(8)
        m = ((rows[None, :, None] >= r[:, None, None]) & (rows[None, :, None] < (r + side)[:, None, None])
             & (rows[None, None, :] >= c[:, None, None]) & (rows[None, None, :] < (c + side)[:, None, None]))
        img = img.masked_fill(m, 0.0)
    elif kind == "invert_partial":  # invert a random fraction of the pixels
        u = torch.rand(img.shape, generator=g, dtype=img.dtype)
        img = torch.where(u < 0.08 * s, 1.0 - img, img)
    elif kind == "shift":  # roll by up to `severity` pixels (at least 1) in a random direction, zero fill
        shifted = torch.zeros_like(img)
        dx = torch.randint(-s, s + 1, (n,), generator=g)
        dy = torch.randint(-s, s + 1, (n,), generator=g)
        dx = torch.where((dx == 0) & (dy == 0), torch.ones_like(dx), dx).clamp(-3, 3)
        dy = dy.clamp(-3, 3)
        for i in range(n):
            a, b = int(dy[i]), int(dx[i])
            src = img[i, max(0, -a):8 - max(0, a), max(0, -b):8 - max(0, b)]
            shifted[i, max(0, a):max(0, a) + src.shape[0], max(0, b):max(0, b) + src.shape[1]] = src
        img = shifted
    return img.clamp(0, 1).reshape(x.shape)


def configure_bn_for_tta(model: nn.Module) -> nn.Module:
    """Tent-style setup: BN layers normalise with test-batch statistics, only BN affine parameters require grad."""
    model.train()
    for p in model.parameters():
        p.requires_grad_(False)
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.track_running_stats = False  # with no running buffers, BN uses the batch's statistics in train mode
            m.running_mean, m.running_var = None, None
            if m.affine:
                m.weight.requires_grad_(True)
                m.bias.requires_grad_(True)
    return model


def bn_affine_params(model: nn.Module) -> list[nn.Parameter]:
    """The BN scale and shift parameters of a model (what Tent adapts)."""
    return [p for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm) and m.affine
            for p in (m.weight, m.bias)]


def entropy(logits: torch.Tensor) -> torch.Tensor:
    """Shannon entropy (nats) of softmax(logits) along the last axis."""
    logp = logits.log_softmax(-1)
    return -(logp.exp() * logp).sum(-1)


@torch.no_grad()
def ema_update(teacher: nn.Module, student: nn.Module, momentum: float) -> None:
    """teacher <- momentum * teacher + (1 - momentum) * student, parameter by parameter."""
    if not 0.0 <= momentum <= 1.0:
        raise ValueError(f"momentum must be in [0, 1], got {momentum}")
    for t, s in zip(teacher.parameters(), student.parameters()):
        t.mul_(momentum).add_(s.detach(), alpha=1 - momentum)


def calibration_metrics(probs: torch.Tensor, y: torch.Tensor, n_bins: int = 15) -> dict[str, float]:
    """Error, NLL, Brier score (sum over classes) and ECE (equal-width confidence bins) of predicted probabilities."""
    probs = probs.double()
    n, k = probs.shape
    conf, pred = probs.max(-1)
    correct = (pred == y).double()
    nll = -torch.log(probs[torch.arange(n), y].clamp_min(1e-12)).mean()
    brier = ((probs - F.one_hot(y, k).double()) ** 2).sum(-1).mean()
    bins = torch.clamp((conf * n_bins).long(), max=n_bins - 1)
    ece = sum((bins == b).double().sum() / n * abs(correct[bins == b].mean() - conf[bins == b].mean())
              for b in range(n_bins) if (bins == b).any())
    return {"error": float(1 - correct.mean()), "nll": float(nll), "brier": float(brier), "ece": float(ece)}


class SwagDiag:
    """Running first and second moments of a model's parameters (SWAG-diagonal, Maddox et al. 2019)."""

    def __init__(self, model: nn.Module):
        self.n = 0
        self.m1 = [torch.zeros_like(p) for p in model.parameters()]
        self.m2 = [torch.zeros_like(p) for p in model.parameters()]

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        """Add the model's current parameters to the running moments."""
        self.n += 1
        for a, b, p in zip(self.m1, self.m2, model.parameters()):
            a.mul_((self.n - 1) / self.n).add_(p / self.n)
            b.mul_((self.n - 1) / self.n).add_(p.pow(2) / self.n)

    def mean(self) -> list[torch.Tensor]:
        """SWA mean of the collected parameters."""
        return [a.clone() for a in self.m1]

    def var(self) -> list[torch.Tensor]:
        """Diagonal variance of the collected parameters (clamped at 0)."""
        return [(b - a.pow(2)).clamp_min(0) for a, b in zip(self.m1, self.m2)]


def diag_gaussian_penalty(params, mu, var, damping: float = 1e-6) -> torch.Tensor:
    """Negative log-density (up to a constant) of N(mu, diag(var + damping)): 0.5 sum (p - mu)^2 / (var + damping)."""
    return 0.5 * sum(((p - m) ** 2 / (v + damping)).sum() for p, m, v in zip(params, mu, var))


def fisher_diag(params) -> list[torch.Tensor]:
    """Diagonal Fisher estimate from the gradients currently in ``p.grad`` (squared gradients)."""
    return [p.grad.detach().pow(2) for p in params]


@torch.no_grad()
def restore(params, source, mask_fn) -> None:
    """Reset the entries of each parameter selected by mask_fn(i, p) to the source value (in place)."""
    for i, (p, p0) in enumerate(zip(params, source)):
        p.copy_(torch.where(mask_fn(i, p), p0, p))


def low_fisher_mask(fim, quantile: float):
    """mask_fn for ``restore``: entries whose Fisher value is below the given quantile of all Fisher values (PETAL)."""
    threshold = torch.quantile(torch.cat([f.reshape(-1) for f in fim]), quantile)
    return lambda i, p: fim[i] < threshold


def random_mask(prob: float, generator: torch.Generator):
    """mask_fn for ``restore``: each entry independently with probability prob (CoTTA's stochastic restoration)."""
    return lambda i, p: torch.rand(p.shape, generator=generator) < prob
