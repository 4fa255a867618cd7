"""Contrastive-learning helpers: digit augmentation, the supervised contrastive loss, simplex-ETF targets, prototypes.

`supcon_loss` is the "L_out" supervised contrastive loss of Khosla et al. (NeurIPS 2020, arXiv:2004.11362, Eq. 2);
`simplex_etf` builds the equiangular tight frame of neural collapse (Papyan, Han & Donoho, PNAS 2020), which
fixed-classifier methods pre-assign as class targets.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F


def augment_digits(x: torch.Tensor, generator: torch.Generator, max_shift: int = 1, noise: float = 0.1,
                   side: int = 8) -> torch.Tensor:
    """Shift each flattened side x side image by a random (dy, dx) in [-max_shift, max_shift]^2 (zero fill), add N(0, noise^2)."""
    if x.ndim != 2 or x.shape[1] != side * side:
        raise ValueError(f"expected N x {side * side} flattened images, got shape {tuple(x.shape)}")
    n, s = x.shape[0], int(max_shift)
    img = F.pad(x.view(n, side, side), (s, s, s, s))  # (n, side + 2s, side + 2s), zeros around
    off = torch.randint(0, 2 * s + 1, (n, 2), generator=generator)  # offset into the padded image
    ar = torch.arange(side)
    rows = (ar + off[:, :1])[:, :, None]  # (n, side, 1)
    cols = (ar + off[:, 1:])[:, None, :]  # (n, 1, side)
    out = img[torch.arange(n)[:, None, None], rows, cols].reshape(n, side * side)
    if noise > 0:
        out = out + noise * torch.randn(out.shape, generator=generator, dtype=out.dtype)
    return out


def supcon_loss(z: torch.Tensor, y: torch.Tensor, temperature: float = 0.1) -> torch.Tensor:
    """Supervised contrastive loss L_out (Khosla et al. 2020, Eq. 2) of embeddings z (N x d, normalised here), labels y.

    For anchor i with positives P(i) = {p != i : y_p = y_i}:
    l_i = -1/|P(i)| sum_{p in P(i)} log( exp(z_i.z_p / t) / sum_{a != i} exp(z_i.z_a / t) ); the loss is the mean of
    l_i over anchors that have at least one positive (0 if none has).
    """
    z = F.normalize(z, dim=-1)
    n = z.shape[0]
    sim = z @ z.T / temperature
    self_mask = torch.eye(n, dtype=torch.bool, device=z.device)
    sim = sim.masked_fill(self_mask, float("-inf"))  # a != i in the denominator
    log_prob = sim - torch.logsumexp(sim, dim=1, keepdim=True)
    pos = (y[:, None] == y[None, :]) & ~self_mask
    n_pos = pos.sum(1)
    has = n_pos > 0
    if not has.any():
        return z.sum() * 0.0
    per_anchor = -(log_prob.masked_fill(~pos, 0.0)).sum(1)[has] / n_pos[has]
    return per_anchor.mean()


def simplex_etf(k: int, d: int, generator: torch.Generator | None = None, dtype=torch.float32) -> torch.Tensor:
    """k unit vectors in R^d (rows, k x d) with pairwise cosine exactly -1/(k-1): a simplex ETF (needs d >= k-1).

    Rotated into R^d by a random orthonormal basis drawn from `generator` (identity-like basis if None).
    """
    if k < 2:
        raise ValueError(f"a simplex ETF needs k >= 2 vectors, got {k}")
    if d < k - 1:
        raise ValueError(f"k={k} equiangular vectors need d >= k-1 = {k - 1} dimensions, got d={d}")
    center = torch.eye(k, dtype=torch.float64) - 1.0 / k  # I - 11^T/k: rank k-1, eigenvalues 1 (x k-1) and 0
    evals, evecs = torch.linalg.eigh(center)
    basis = evecs[:, evals > 0.5]  # (k, k-1): orthonormal basis of the sum-zero subspace
    m = basis * (k / (k - 1)) ** 0.5  # rows: unit vectors, Gram = k/(k-1) (I - 11^T/k)
    if generator is None:
        rot = torch.eye(d, k - 1, dtype=torch.float64)
    else:
        rot, _ = torch.linalg.qr(torch.randn(d, k - 1, generator=generator, dtype=torch.float64))
    return (m @ rot.T).to(dtype)


def class_prototypes(z: torch.Tensor, y: torch.Tensor, n_classes: int) -> torch.Tensor:
    """L2-normalised class-mean embeddings (n_classes x d); rows of classes absent from y are zero."""
    onehot = F.one_hot(y, n_classes).to(z.dtype)  # (N, C)
    sums = onehot.T @ z
    counts = onehot.sum(0)[:, None]
    return F.normalize(sums / counts.clamp(min=1), dim=-1)


def cosine_scores(z: torch.Tensor, prototypes: torch.Tensor) -> torch.Tensor:
    """Cosine similarity of each embedding to each prototype (N x C): argmax is the nearest-class-mean prediction."""
    return F.normalize(z, dim=-1) @ F.normalize(prototypes, dim=-1).T
