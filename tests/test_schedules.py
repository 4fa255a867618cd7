"""Unit tests of lib.schedules."""
import numpy as np
import pytest

from lib import schedules as S


def test_shapes_and_endpoints():
    T = 101
    for m in (S.constant(T), S.step(T), S.inverse_sqrt(T), S.cosine(T), S.linear(T)):
        assert m.shape == (T,) and m[0] == pytest.approx(1.0)
    assert S.cosine(T)[-1] == pytest.approx(0.0, abs=1e-15) and S.linear(T)[-1] == 0.0
    assert S.cosine(T, final=0.1)[-1] == pytest.approx(0.1)
    assert S.step(100)[49] == 1.0 and S.step(100)[50] == pytest.approx(0.1) and S.step(100)[75] == pytest.approx(0.01)
    with pytest.raises(ValueError):
        S.linear(1)


def test_warmup_ramps_to_schedule():
    m = S.with_warmup(S.cosine(100), 10)
    assert m[0] == pytest.approx(0.1 * S.cosine(100)[10]) and m[9] == pytest.approx(S.cosine(100)[10])
    assert np.all(np.diff(m[:10]) > 0)


def test_infinite_phases():
    m = S.infinite(200, warmup=10, cooldown=40, anneal=30, const=0.25, final=0.01)
    assert m[9] == pytest.approx(1.0) and m[49] == pytest.approx(0.25)
    assert np.all(m[50:170] == 0.25) and m[-1] == pytest.approx(0.01)
    assert np.all(np.diff(m[170:]) < 0)
    resumed = S.infinite(100, warmup=0, cooldown=0, anneal=30, const=0.25, final=0.01)
    assert resumed[0] == 0.25
    with pytest.raises(ValueError):
        S.infinite(10, warmup=5, cooldown=5, anneal=5, const=0.2, final=0.01)


def test_median_filter_matches_brute_force():
    x = np.random.default_rng(0).standard_normal(37)
    got = S.median_filter(x, 5)
    assert got[10] == np.median(x[8:13]) and got[0] == np.median(x[:3])
    assert np.array_equal(S.median_filter(x, 1), x)


def test_refine_constant_norms_is_linear_decay():
    for T in (2, 17, 1000):
        assert np.max(np.abs(S.refine(np.full(T, 3.0), tau=5) - S.linear(T))) < 1e-12


def test_refine_brute_force_and_warmup():
    g = np.linspace(5, 1, 50) ** 1.0  # decreasing norms -> warm-up
    w = S.refine(g, tau=1)
    brute = np.array([g[t] ** -2 * sum(g[s] ** -2 for s in range(t + 1, 50)) for t in range(50)])
    assert np.allclose(w, brute / brute.max())
    assert np.argmax(w) > 0 and w[-1] == 0.0
    assert np.allclose(S.refine(g, power=1), (lambda b: b / b.max())(
        np.array([g[t] ** -1 * sum(g[s] ** -1 for s in range(t + 1, 50)) for t in range(50)])))
    with pytest.raises(ValueError):
        S.refine([1.0, 0.0, 2.0])
