"""Unit tests of lib.markov."""
import math

import pytest
import torch

from lib.markov import sparse_markov


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


def test_transition_matrix_is_sparse_uniform_and_stochastic():
    lang = sparse_markov(32, 3, gen())
    P = lang.P
    assert P.shape == (32, 32) and torch.allclose(P.sum(-1), torch.ones(32, dtype=P.dtype))
    assert torch.all((P > 0).sum(-1) == 3)  # three *distinct* successors per token (drawn without replacement)
    assert torch.allclose(P[P > 0], torch.full((96,), 1 / 3, dtype=P.dtype))
    with pytest.raises(ValueError):
        sparse_markov(4, 5, gen())


def test_entropy_floor_is_log_n_succ():
    lang = sparse_markov(32, 3, gen(1))
    assert lang.loss_floor(33) == pytest.approx(math.log(3), abs=1e-12)
    assert lang.entropy_rate() == pytest.approx(math.log(3), abs=1e-9)
    assert sparse_markov(16, 16, gen()).loss_floor(5) == pytest.approx(math.log(16))  # no structure: log V


def test_samples_follow_the_chain_and_match_its_frequencies():
    lang = sparse_markov(8, 2, gen(2))
    x = lang.sample(4000, 6, gen(3))
    assert x.shape == (4000, 6) and x.dtype == torch.int64
    assert torch.all(lang.P[x[:, :-1], x[:, 1:]] > 0)  # every transition is allowed
    counts = torch.zeros(8, 8, dtype=torch.float64)
    counts.index_put_((x[:, :-1].reshape(-1), x[:, 1:].reshape(-1)), torch.ones(x[:, 1:].numel(),
                      dtype=torch.float64), accumulate=True)
    freq = counts / counts.sum(-1, keepdim=True)
    assert torch.allclose(freq, lang.P, atol=0.05)
    # the empirical cross-entropy of the true chain on its samples is close to the floor
    ce = -lang.P[x[:, :-1], x[:, 1:]].log().mean()
    assert float(ce) == pytest.approx(lang.loss_floor(6), abs=1e-9)  # uniform rows: exactly log 2 per token


def test_determinism_from_the_generator():
    a = sparse_markov(32, 3, gen(5)).sample(10, 20, gen(6))
    b = sparse_markov(32, 3, gen(5)).sample(10, 20, gen(6))
    c = sparse_markov(32, 3, gen(5)).sample(10, 20, gen(7))
    assert torch.equal(a, b) and not torch.equal(a, c)
