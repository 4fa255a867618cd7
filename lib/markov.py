"""Sparse Markov "languages": a random order-1 chain over a small vocabulary, its samples and its exact loss floor.

Each token has `n_succ` distinct successors (drawn without replacement) and moves to one of them uniformly, so a
perfect next-token predictor reaches a cross-entropy of exactly log(n_succ) nats; a model that has learnt nothing
pays log(V). Language-model chapters use it as a stand-in corpus whose optimum is known.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class MarkovLanguage:
    """An order-1 Markov chain over `vocab` tokens: transition matrix P (V x V) and start distribution p0 (V)."""

    P: torch.Tensor
    p0: torch.Tensor

    @property
    def vocab(self) -> int:
        return self.P.shape[0]

    def sample(self, n: int, length: int, generator: torch.Generator) -> torch.Tensor:
        """`n` sequences of `length` tokens (int64, n x length), every draw from `generator`."""
        if n < 1 or length < 1:
            raise ValueError(f"need n >= 1 and length >= 1, got n={n}, length={length}")
        out = torch.empty(n, length, dtype=torch.int64)
        out[:, 0] = torch.multinomial(self.p0, n, replacement=True, generator=generator)
        for t in range(1, length):  # x_t ~ P[x_{t-1}, :]
            out[:, t] = torch.multinomial(self.P[out[:, t - 1]], 1, generator=generator).squeeze(1)
        return out

    def stationary(self) -> torch.Tensor:
        """Stationary distribution pi = pi P (the leading left eigenvector, normalised; unique if P is ergodic)."""
        vals, vecs = torch.linalg.eig(self.P.T.to(torch.float64))
        pi = vecs[:, torch.argmin((vals - 1).abs())].real
        return (pi / pi.sum()).to(self.P.dtype)

    def entropy_rate(self) -> float:
        """Entropy rate H = -sum_i pi_i sum_j P_ij log P_ij in nats."""
        return float((self.stationary() * _row_entropy(self.P)).sum())

    def loss_floor(self, length: int) -> float:
        """Exact minimum next-token cross-entropy (nats) averaged over positions 2..length of a sampled sequence."""
        if length < 2:
            raise ValueError(f"need length >= 2 to predict a next token, got {length}")
        h, p, total = _row_entropy(self.P).to(torch.float64), self.p0.to(torch.float64), 0.0
        for _ in range(length - 1):  # E[H(x_{t+1} | x_t)] under the marginal p_t of x_t
            total += float(p @ h)
            p = p @ self.P.to(torch.float64)
        return total / (length - 1)


def _row_entropy(P: torch.Tensor) -> torch.Tensor:
    return -torch.where(P > 0, P * P.clamp_min(1e-300).log(), torch.zeros_like(P)).sum(-1)


def sparse_markov(vocab: int, n_succ: int, generator: torch.Generator) -> MarkovLanguage:
    """Random chain: each token gets `n_succ` distinct successors, uniform transitions; uniform start token."""
    if not 1 <= n_succ <= vocab:
        raise ValueError(f"need 1 <= n_succ <= vocab, got n_succ={n_succ}, vocab={vocab}")
    succ = torch.rand(vocab, vocab, generator=generator).argsort(-1)[:, :n_succ]  # without replacement
    P = torch.zeros(vocab, vocab, dtype=torch.float64)
    P.scatter_(1, succ, 1.0 / n_succ)
    return MarkovLanguage(P=P, p0=torch.full((vocab,), 1.0 / vocab, dtype=torch.float64))
