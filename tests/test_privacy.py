"""Unit tests of lib.privacy."""
import math

import numpy as np
import pytest

from lib import privacy as P


def test_laplace_and_gaussian_noise_scales():
    rng = np.random.default_rng(0)
    x = P.laplace_mech(np.zeros(200_000), sensitivity=2.0, eps=0.5, rng=rng)
    assert np.mean(np.abs(x)) == pytest.approx(4.0, rel=0.02)  # E|Laplace(b)| = b = 2/0.5
    g = P.gaussian_mech(np.ones(200_000), sigma=3.0, rng=rng)
    assert g.mean() == pytest.approx(1.0, abs=0.03) and g.std() == pytest.approx(3.0, rel=0.01)
    assert np.shape(P.laplace_mech(1.0, 1.0, 1.0, rng)) == ()
    with pytest.raises(ValueError, match="eps"):
        P.laplace_mech(0.0, 1.0, 0.0, rng)


def test_calibrations():
    assert P.gaussian_sigma(1.0, 0.5, 1e-5) == pytest.approx(math.sqrt(2 * math.log(1.25e5)) / 0.5)
    assert P.zcdp_sigma(1.0, 0.5) == pytest.approx(1.0)
    for eps, delta in [(0.1, 1e-6), (1.0, 1e-5), (8.0, 1e-3)]:
        rho = P.zcdp_rho_from_eps_delta(eps, delta)
        assert P.zcdp_eps_from_rho(rho, delta) == pytest.approx(eps)
    with pytest.raises(ValueError):
        P.gaussian_sigma(1.0, 1.0, 1.5)
