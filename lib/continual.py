"""Continual-learning helpers: a small MLP (and a batch of them), a reservoir replay buffer, masked cross-entropy,
per-task accuracy, continual-evaluation metrics.

The metrics follow De Lange, van de Ven & Tuytelaars (ICLR 2023, arXiv:2205.13452), "Continual evaluation for
lifelong learning": accuracy is measured after every training iteration, and min-ACC / WC-ACC summarise the worst
case seen by a user of the model during training, not only at task boundaries.
"""
from __future__ import annotations

import contextlib
from typing import Sequence

import numpy as np
import torch
from torch import nn


class MLP(nn.Sequential):
    """ReLU multilayer perceptron with layer sizes `sizes` (optionally BatchNorm), initialised from `seed` if given."""

    def __init__(self, sizes: Sequence[int] = (64, 256, 256, 10), bn: bool = False, seed: int | None = None):
        if len(sizes) < 2:
            raise ValueError(f"an MLP needs at least input and output sizes, got {tuple(sizes)}")
        # with a seed, initialise from it without touching the global torch stream
        ctx = torch.random.fork_rng(devices=[]) if seed is not None else contextlib.nullcontext()
        with ctx:
            if seed is not None:
                torch.manual_seed(int(seed))
            layers: list[nn.Module] = []
            for i, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:])):
                layers.append(nn.Linear(d_in, d_out))
                if i < len(sizes) - 2:
                    layers += [nn.BatchNorm1d(d_out)] if bn else []
                    layers.append(nn.ReLU())
        super().__init__(*layers)

    def linears(self) -> list[nn.Linear]:
        """The Linear layers, input to output."""
        return [m for m in self if isinstance(m, nn.Linear)]


def stack_mlps(nets: Sequence[MLP]) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Linear layers of same-shaped MLPs (no BatchNorm) stacked as leaf tensors [(W (B,in,out), b (B,1,out)), ...]."""
    layers = [net.linears() for net in nets]
    if len({tuple((l.in_features, l.out_features) for l in ls) for ls in layers}) != 1:
        raise ValueError("stack_mlps needs MLPs with identical layer sizes")
    if any(isinstance(m, nn.BatchNorm1d) for net in nets for m in net):
        raise ValueError("stack_mlps supports MLPs without BatchNorm only")
    return [(torch.stack([ls[i].weight.detach().T for ls in layers]).contiguous().requires_grad_(),
             torch.stack([ls[i].bias.detach() for ls in layers]).unsqueeze(1).requires_grad_())
            for i in range(len(layers[0]))]


def batched_mlp(layers: Sequence[tuple[torch.Tensor, torch.Tensor]], x: torch.Tensor) -> torch.Tensor:
    """Outputs of B stacked ReLU MLPs (from stack_mlps), each on its own inputs: x (B, n, d_in) -> (B, n, d_out)."""
    for W, b in layers[:-1]:
        x = torch.relu(torch.baddbmm(b, x, W))
    W, b = layers[-1]
    return torch.baddbmm(b, x, W)


def masked_ce(logits: torch.Tensor, y: torch.Tensor, present_classes=None, reduction: str = "mean") -> torch.Tensor:
    """Cross-entropy with the softmax restricted to the present classes (absent logits set to -inf).

    logits (..., N, K), labels y (..., N). present_classes: a sequence of class ids, a boolean mask (K,) or one per
    leading index (..., K), or None for the classes that occur in y (per leading index, i.e. per batch). Returns
    the mean over the N samples, shape (...), or the per-sample losses (..., N) with reduction="none".
    """
    k = logits.shape[-1]
    if present_classes is None:
        present = nn.functional.one_hot(y, k).any(-2)  # (..., K): classes occurring in each batch
    elif isinstance(present_classes, torch.Tensor) and present_classes.dtype == torch.bool:
        present = present_classes
    else:
        ids = torch.as_tensor(list(present_classes), dtype=torch.long)
        present = torch.zeros(k, dtype=torch.bool)
        present[ids] = True
    if present.shape[-1] != k:
        raise ValueError(f"present_classes must cover {k} classes, got a mask of shape {tuple(present.shape)}")
    present = present.unsqueeze(-2)  # broadcast over the N samples
    if not torch.gather(present.expand(*y.shape, k), -1, y.unsqueeze(-1)).all():
        raise ValueError("every label must be one of the present classes")
    masked = logits.masked_fill(~present, float("-inf"))
    nll = -torch.gather(torch.log_softmax(masked, -1), -1, y.unsqueeze(-1)).squeeze(-1)  # (..., N)
    if reduction == "none":
        return nll
    if reduction != "mean":
        raise ValueError(f"reduction must be 'mean' or 'none', got {reduction!r}")
    return nll.mean(-1)


class Reservoir:
    """Replay buffer keeping a uniform random sample of everything ever added (reservoir sampling, Vitter's R)."""

    def __init__(self, capacity: int, generator: torch.Generator):
        if capacity < 1:
            raise ValueError(f"capacity must be >= 1, got {capacity}")
        self.capacity = int(capacity)
        self.generator = generator
        self.n_seen = 0
        self.x: torch.Tensor | None = None
        self.y: torch.Tensor | None = None

    def __len__(self) -> int:
        return min(self.n_seen, self.capacity)

    def add(self, x: torch.Tensor, y: torch.Tensor) -> None:
        """Offer the samples (rows of x, labels y) to the buffer, in order, as a stream."""
        if x.shape[0] != y.shape[0]:
            raise ValueError(f"x has {x.shape[0]} rows but y has {y.shape[0]}")
        if self.x is None:
            self.x = torch.empty((self.capacity, *x.shape[1:]), dtype=x.dtype)
            self.y = torch.empty((self.capacity, *y.shape[1:]), dtype=y.dtype)
        m = x.shape[0]
        free = max(0, min(m, self.capacity - self.n_seen))  # fill empty slots first
        self.x[self.n_seen:self.n_seen + free] = x[:free]
        self.y[self.n_seen:self.n_seen + free] = y[:free]
        if free < m:
            # item number s (0-based, s >= capacity) replaces slot j ~ U{0..s} if j < capacity
            s = torch.arange(self.n_seen + free, self.n_seen + m, dtype=torch.float64)
            j = torch.floor(torch.rand(m - free, generator=self.generator, dtype=torch.float64) * (s + 1)).long()
            for i in torch.nonzero(j < self.capacity).flatten().tolist():  # sequential: a later item overwrites
                self.x[j[i]] = x[free + i]
                self.y[j[i]] = y[free + i]
        self.n_seen += m

    def sample(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        """n distinct stored samples drawn uniformly (all of them if fewer are stored)."""
        if len(self) == 0:
            raise ValueError("cannot sample from an empty buffer")
        idx = torch.randperm(len(self), generator=self.generator)[:n]
        return self.x[idx], self.y[idx]


def task_index(y: torch.Tensor, tasks: Sequence[Sequence[int]]) -> torch.Tensor:
    """Index of the task whose classes contain each label (-1 for labels in no task); same shape as y."""
    lookup = torch.full((int(max(max(c) for c in tasks)) + 1,), -1, dtype=torch.long)
    for k, classes in enumerate(tasks):
        lookup[torch.as_tensor(list(classes), dtype=torch.long)] = k
    inside = (y >= 0) & (y < lookup.numel())
    return torch.where(inside, lookup[y.clamp(0, lookup.numel() - 1)], torch.full_like(y, -1))


def task_accuracy(logits: torch.Tensor, y: torch.Tensor, tidx: torch.Tensor, n_tasks: int) -> torch.Tensor:
    """Accuracy of argmax(logits) on each task's samples, shape (..., n_tasks); NaN for a task without samples."""
    correct = (logits.argmax(-1) == y).to(torch.float64)  # (..., N)
    onehot = nn.functional.one_hot(tidx.clamp(min=0), n_tasks).to(torch.float64) * (tidx >= 0).unsqueeze(-1)
    hits = (correct.unsqueeze(-1) * onehot).sum(-2)
    counts = onehot.sum(-2)
    return torch.where(counts > 0, hits / counts.clamp(min=1), torch.full_like(hits, float("nan")))


@torch.no_grad()
def evaluate(model, x: torch.Tensor, y: torch.Tensor, tasks: Sequence[Sequence[int]] | None = None) -> torch.Tensor:
    """Per-task test accuracy A(E_k, f) of a model (eval mode), or overall accuracy if tasks is None."""
    training = getattr(model, "training", None)
    if isinstance(model, nn.Module):
        model.eval()
    try:
        logits = model(x)
    finally:
        if isinstance(model, nn.Module) and training:
            model.train()
    if tasks is None:
        return (logits.argmax(-1) == y).to(torch.float64).mean(-1)
    return task_accuracy(logits, y, task_index(y, tasks), len(tasks))


def continual_metrics(acc_curve, task_ends: Sequence[int]) -> dict:
    """ACC, min-ACC, WC-ACC, mean dip and mean recovery from per-evaluation accuracies acc_curve[..., n, k].

    acc_curve[..., n, k] is the accuracy A(E_k, f_n) on task k's test set at the n-th evaluation (leading axes,
    e.g. seeds, are kept); task_ends[k] is the row of the last evaluation while training on task k (the task
    boundary). Entries of tasks not yet learned are never read. Definitions (De Lange et al., 2023):

    - ACC = (1/T) sum_k A(E_k, f_end), the usual final average accuracy.
    - min-ACC = (1/(T-1)) sum_{k<T} min_{end_k < n <= end_T} A(E_k, f_n): average over the previous tasks of the
      lowest accuracy reached after each was learned (the paper's average minimum accuracy).
    - WC-ACC = (1/T) A(E_T, f_end) + (1 - 1/T) min-ACC: the paper's worst-case accuracy, a lower bound on ACC.
    - dip / recovery, per old task k and later task t: A_k at end of t-1 minus the minimum of A_k while training
      on t, and A_k at end of t minus that minimum; both averaged over all (k, t) pairs with k < t ("dips" and
      "recoveries" hold the per-pair values, ordered t = 2..T, then k = 1..t-1).

    Passing acc_curve[..., task_ends, :] with task_ends=range(T) gives the same metrics under the standard
    evaluation at task boundaries only.
    """
    a = np.asarray(acc_curve, dtype=float)
    ends = [int(e) for e in task_ends]
    n_tasks = len(ends)
    if a.ndim < 2 or a.shape[-1] != n_tasks:
        raise ValueError(f"acc_curve must be (..., n_evals, {n_tasks}), got shape {a.shape}")
    if any(e1 <= e0 for e0, e1 in zip(ends[:-1], ends[1:])) or ends[0] < 0 or ends[-1] >= a.shape[-2]:
        raise ValueError(f"task_ends must increase strictly within [0, {a.shape[-2] - 1}], got {ends}")
    last = ends[-1]
    acc = a[..., last, :].mean(-1)
    if n_tasks < 2:
        nan = np.full(acc.shape, np.nan)
        empty = np.zeros((*acc.shape, 0))
        return {"acc": acc, "min_acc": nan, "wc_acc": a[..., last, 0], "dip": nan, "recovery": nan,
                "dips": empty, "recoveries": empty}
    mins = np.stack([a[..., ends[k] + 1:last + 1, k].min(-1) for k in range(n_tasks - 1)], -1)
    min_acc = mins.mean(-1)
    wc_acc = a[..., last, n_tasks - 1] / n_tasks + (1 - 1 / n_tasks) * min_acc
    dips, recs = [], []
    for t in range(1, n_tasks):
        during = a[..., ends[t - 1] + 1:ends[t] + 1, :t]  # old tasks while training on task t
        low = during.min(-2)
        dips.append(a[..., ends[t - 1], :t] - low)
        recs.append(a[..., ends[t], :t] - low)
    dips, recs = np.concatenate(dips, -1), np.concatenate(recs, -1)
    out = {"acc": acc, "min_acc": min_acc, "wc_acc": wc_acc, "dip": dips.mean(-1), "recovery": recs.mean(-1),
           "dips": dips, "recoveries": recs}
    return {k: (float(v) if np.ndim(v) == 0 else v) for k, v in out.items()}
