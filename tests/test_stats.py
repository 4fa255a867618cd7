import numpy as np
import pytest

from lib.stats import Estimate, bootstrap_ci, fit_line, mean_ci, paired_bootstrap_ci, spearman


def test_mean_ci_matches_t_interval():
    est = mean_ci([1.0, 2.0, 3.0, 4.0])
    assert est.mean == pytest.approx(2.5)
    # t_{0.975,3} = 3.1824, sd = 1.291, se = 0.6455
    assert est.hi - est.mean == pytest.approx(3.1824 * 0.6455, rel=1e-3)
    assert est.n == 4 and est.values == (1.0, 2.0, 3.0, 4.0)


def test_mean_ci_single_value_has_infinite_interval_and_prints_plainly():
    est = mean_ci([0.5])
    assert est.lo == -np.inf and str(est) == "0.5"


def test_mean_ci_rejects_empty_and_nan():
    with pytest.raises(ValueError):
        mean_ci([])
    with pytest.raises(ValueError):
        mean_ci([1.0, float("nan")])


def test_bootstrap_ci_is_deterministic_and_covers_mean():
    x = np.random.default_rng(0).normal(1.0, 1.0, 200)
    a, b = bootstrap_ci(x, seed=3), bootstrap_ci(x, seed=3)
    assert a == b and a.lo < 1.0 < a.hi


def test_paired_bootstrap_detects_a_shift_and_checks_lengths():
    rng = np.random.default_rng(1)
    base = rng.normal(size=50)
    est = paired_bootstrap_ci(base + 0.5 + 0.01 * rng.normal(size=50), base)
    assert est.lo > 0.4 and est.hi < 0.6
    with pytest.raises(ValueError):
        paired_bootstrap_ci([1, 2], [1, 2, 3])


def test_fit_line_and_spearman():
    x = np.arange(10.0)
    assert fit_line(x, 3 * x + 1) == pytest.approx((3.0, 1.0))
    assert spearman(x, x**3) == pytest.approx(1.0)
    assert spearman(x, -x) == pytest.approx(-1.0)
    # rank correlations of few points are exact fractions: one adjacent swap among 4 points is exactly 0.8
    assert spearman([0, 30, 60, 90], [0.012, 0.085, 0.081, 0.09]) >= 0.8
    assert spearman([0, 30, 60, 90], [0.012, 0.085, 0.081, 0.09]) == 0.8


def test_estimate_str_and_dict():
    e = Estimate(0.123456, 0.1, 0.15, 5, (1, 2))
    assert str(e) == "0.123 [0.1, 0.15]"
    assert e.to_dict()["values"] == [1, 2]


def test_power_law_fit_recovers_exponent_and_r2():
    from lib.stats import power_law_fit

    x = np.array([64, 128, 256, 512, 1024.0])
    fit = power_law_fit(x, 3.0 * x ** -0.5)
    assert fit.exponent == pytest.approx(-0.5) and fit.prefactor == pytest.approx(3.0) and fit.r2 == pytest.approx(1.0)
    assert fit(256.0) == pytest.approx(3.0 / 16)
    noisy = power_law_fit(x, 3.0 * x ** -0.5 * np.array([1.3, 0.8, 1.2, 0.9, 1.1]))
    assert noisy.r2 < 0.99
    with pytest.raises(ValueError, match="positive"):
        power_law_fit([1, 2], [1, -1])
