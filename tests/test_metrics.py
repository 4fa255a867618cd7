import math

import numpy as np
import pytest
from scipy import stats as st

from lib.metrics import pass_at_k, pass_at_n_exact


def _brute(n, c, k):
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def test_pass_at_k_matches_binomial_formula_on_a_grid():
    for n in (1, 2, 5, 13, 40):
        for c in range(n + 1):
            for k in range(1, n + 1):
                assert pass_at_k(n, c, k) == pytest.approx(_brute(n, c, k), abs=1e-12)


def test_pass_at_k_is_vectorised_and_broadcasts():
    n, c = np.array([10, 10, 200, 200]), np.array([0, 3, 1, 150])
    got = pass_at_k(n, c, 5)
    assert got.shape == (4,)
    assert np.allclose(got, [_brute(int(a), int(b), 5) for a, b in zip(n, c)], atol=1e-12)
    grid = pass_at_k(50, np.arange(51)[:, None], np.array([1, 10, 50])[None, :])
    assert grid.shape == (51, 3)
    assert np.allclose(grid[:, 0], np.arange(51) / 50)  # pass@1 is the fraction correct


def test_pass_at_k_edge_cases():
    assert pass_at_k(100, 0, 10) == 0.0  # no correct sample
    assert pass_at_k(100, 95, 10) == 1.0  # n - c < k: every 10-subset holds a correct one
    assert pass_at_k(100, 100, 100) == 1.0
    assert pass_at_k(5000, 1, 1) == pytest.approx(1 / 5000)  # large n stays finite and exact


def test_pass_at_k_rejects_bad_arguments():
    with pytest.raises(ValueError):
        pass_at_k(10, 2, 11)  # k > n
    with pytest.raises(ValueError):
        pass_at_k(10, 11, 1)  # c > n
    with pytest.raises(ValueError):
        pass_at_k(10, 2, 0)
    with pytest.raises(ValueError):
        pass_at_k(10, 2.5, 1)


def test_pass_at_k_is_unbiased_for_1_minus_1_minus_p_to_the_k():
    n = 40
    for p in (0.01, 0.1, 0.5):
        for k in (1, 4, 16):
            # exact expectation over c ~ Binomial(n, p)
            cs = np.arange(n + 1)
            mean = float((st.binom.pmf(cs, n, p) * pass_at_k(n, cs, k)).sum())
            assert mean == pytest.approx(1 - (1 - p) ** k, abs=1e-10)
    # and a Monte-Carlo check over many binomial draws
    rng = np.random.default_rng(0)
    c = rng.binomial(n, 0.05, size=200_000)
    assert pass_at_k(n, c, 8).mean() == pytest.approx(1 - 0.95**8, abs=3e-3)


def test_pass_at_n_exact():
    p = np.array([0.0, 1e-12, 0.1, 0.5, 1.0])
    got = pass_at_n_exact(p, 16)
    assert np.allclose(got, 1 - (1 - p) ** 16, rtol=1e-9, atol=1e-14)
    assert got[1] == pytest.approx(16e-12, rel=1e-6)  # no cancellation for tiny p
    assert pass_at_n_exact(0.3, 1) == pytest.approx(0.3)
    assert pass_at_n_exact(0.3, 0) == 0.0
    assert pass_at_n_exact(np.array([[0.2], [0.4]]), np.array([1, 4])).shape == (2, 2)
    with pytest.raises(ValueError):
        pass_at_n_exact(1.2, 3)
