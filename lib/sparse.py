"""Sparse-network helpers: ERK layer densities, random masks, and the prune/regrow step of dynamic sparse training.

Masks are boolean tensors shaped like the weights. Every function accepts leading batch dimensions (`batch_dims`)
so that many independent sparse networks (configurations x seeds) are handled as one tensor; counts are per
network and per layer, taken over the trailing (weight) dimensions.
"""
from __future__ import annotations

import math
from typing import Sequence

import torch


def erk_densities(shapes: Sequence[Sequence[int]], density: float) -> list[float]:
    """Erdős–Rényi-Kernel layer densities (d_l ∝ sum(shape_l)/prod(shape_l), capped at 1) with global density `density`."""
    if not 0 < density <= 1:
        raise ValueError(f"density must be in (0, 1], got {density}")
    sizes = [math.prod(s) for s in shapes]
    raw = [sum(s) / math.prod(s) for s in shapes]  # (n_in + n_out [+ kernel dims]) / (n_in n_out [...]) per layer
    total = sum(sizes)
    dense: set[int] = set()
    while True:  # scale eps so that sum_l d_l n_l = density * total; layers whose d_l would exceed 1 become dense
        budget = density * total - sum(sizes[i] for i in dense)
        eps = budget / sum(raw[i] * sizes[i] for i in range(len(shapes)) if i not in dense)
        over = {i for i in range(len(shapes)) if i not in dense and eps * raw[i] > 1}
        if not over:
            return [1.0 if i in dense else eps * raw[i] for i in range(len(shapes))]
        dense |= over


def _flat(x: torch.Tensor, batch_dims: int) -> torch.Tensor:
    return x.reshape(*x.shape[:batch_dims], -1)


def _top_k(scores: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """Boolean mask of exactly k[...] largest entries along the last axis of scores (ties broken by topk)."""
    k_max = int(k.max()) if k.numel() else 0
    out = torch.zeros(scores.shape, dtype=torch.bool)
    if k_max == 0:
        return out
    idx = scores.topk(k_max, dim=-1, sorted=True).indices
    return out.scatter_(-1, idx, torch.arange(k_max).expand_as(idx) < k.unsqueeze(-1))


def random_mask(shape: Sequence[int], density, generator: torch.Generator, batch_dims: int = 0) -> torch.Tensor:
    """Boolean mask with exactly round(density * n) active entries, uniformly placed, per network (leading dims)."""
    shape = tuple(shape)
    n = math.prod(shape[batch_dims:])
    d = torch.as_tensor(density, dtype=torch.float64).expand(shape[:batch_dims])
    k = torch.round(d * n).long()
    scores = torch.rand(*shape[:batch_dims], n, generator=generator)
    return _top_k(scores, k).reshape(shape)


def prune_regrow(weight: torch.Tensor, mask: torch.Tensor, frozen: torch.Tensor, zeta: float, criterion: str,
                 grad: torch.Tensor | None = None, generator: torch.Generator | None = None,
                 batch_dims: int = 0) -> torch.Tensor:
    """One DST topology update: drop the zeta share of trainable active weights of least |w|, regrow as many free ones.

    Trainable active = mask & ~frozen. The dropped ones are those of smallest magnitude (SET/RigL drop).
    Regrowth picks the same number among free positions (~frozen) that are inactive after the drop, by
    criterion "random" (uniform, SET) or "gradient" (largest |grad| of the loss w.r.t. the dense weight, RigL).
    Frozen positions (weights of earlier tasks) are never dropped, grown or otherwise changed in the mask.
    Returns the new mask; the caller initialises the grown weights (new & ~mask).
    """
    if criterion not in ("random", "gradient"):
        raise ValueError(f"criterion must be 'random' or 'gradient', got {criterion!r}")
    if criterion == "gradient" and grad is None:
        raise ValueError("gradient regrowth needs grad")
    if criterion == "random" and generator is None:
        raise ValueError("random regrowth needs a generator")
    w, m, f = _flat(weight, batch_dims), _flat(mask, batch_dims), _flat(frozen, batch_dims)
    trainable = m & ~f
    k = torch.floor(zeta * trainable.sum(-1).double()).long()  # number dropped = number grown, per network
    inf = torch.tensor(float("inf"), dtype=w.dtype)
    drop = _top_k(torch.where(trainable, -w.abs(), -inf), k)  # the k smallest |w| among trainable active
    kept = m & ~drop
    candidates = ~kept & ~f  # free and inactive after the drop (just-dropped positions included, as in SET/RigL)
    if criterion == "random":
        score = torch.rand(w.shape, generator=generator, dtype=w.dtype)
    else:
        score = _flat(grad, batch_dims).abs().to(w.dtype)
    score = torch.where(candidates, score, -inf)
    grow = _top_k(score, torch.minimum(k, candidates.sum(-1)))
    return (kept | grow).reshape(mask.shape)
