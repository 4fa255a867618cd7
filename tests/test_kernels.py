"""Tests for lib.kernels against brute force: Monte-Carlo expectations and the empirical NTK of wide networks."""
import math

import numpy as np
import pytest
import torch

from lib.kernels import (fc_ntk, gaussian_field_risk, gaussian_field_sample, hierarchical_cnn_ntk, kappa0, kappa1,
                         kernel_ridge, laplace_kernel, ridge_smoother)

F64 = torch.float64


def _gen(seed):
    return torch.Generator().manual_seed(seed)


def _circles(n, n_patches, seed):
    """n points made of n_patches unit vectors in R^2 (the chapter's input space)."""
    angles = torch.rand(n, n_patches, generator=_gen(seed), dtype=F64) * 2 * math.pi
    return torch.stack([angles.cos(), angles.sin()], -1).reshape(n, 2 * n_patches)


def test_arc_cosine_functions_match_monte_carlo():
    g = _gen(0)
    a = torch.randn(400_000, generator=g, dtype=F64)
    b0 = torch.randn(400_000, generator=g, dtype=F64)
    for rho in (-0.8, -0.2, 0.3, 0.9):
        b = rho * a + math.sqrt(1 - rho**2) * b0  # unit normals with correlation rho
        mc0 = 2 * ((a > 0) & (b > 0)).to(F64).mean()  # 2 E[step(a) step(b)]
        mc1 = 2 * (a.clamp(min=0) * b.clamp(min=0)).mean()  # 2 E[relu(a) relu(b)]
        se1 = 2 * (a.clamp(min=0) * b.clamp(min=0)).std() / math.sqrt(a.numel())  # Monte-Carlo standard error
        u = torch.tensor(rho, dtype=F64)
        assert abs(kappa0(u) - mc0) < 5e-3 and abs(kappa1(u) - mc1) < 4 * se1
    one = torch.tensor(1.0, dtype=F64)
    assert kappa0(one) == 1.0 and kappa1(one) == pytest.approx(1.0)
    assert kappa1(torch.tensor(-1.0, dtype=F64)) == pytest.approx(0.0, abs=1e-12)


def _relu2(h):
    return math.sqrt(2) * torch.relu(h)  # He scaling: keeps unit variance, matches kappa normalisation


def _empirical_ntk(f, params, x):
    """Theta(x_a, x_b) = sum over parameters of df(x_a)/dp df(x_b)/dp, by one backward pass per point."""
    rows = []
    for a in range(x.shape[0]):
        grads = torch.autograd.grad(f(x[a:a + 1]).sum(), params)
        rows.append(torch.cat([g.reshape(-1) for g in grads]))
    jac = torch.stack(rows)
    return jac @ jac.T


def _fc_net(width, d, depth, g):
    params = [torch.randn(width, d, generator=g, dtype=F64)]
    params += [torch.randn(width, width, generator=g, dtype=F64) for _ in range(depth - 1)]
    params += [torch.randn(width, generator=g, dtype=F64)]
    params = [p.requires_grad_() for p in params]

    def f(x):
        h = x @ params[0].T  # unit-norm inputs: preactivation variance x.x = 1
        for w in params[1:-1]:
            h = _relu2(h) @ w.T / math.sqrt(width)
        return _relu2(h) @ params[-1] / math.sqrt(width)

    return f, params


def _tree_net(width, d, filters, g):
    """Locally connected tree net (non-overlapping filters, separate weights per node), NTK parametrisation."""
    n_nodes = d // filters[0]
    params = [torch.randn(n_nodes, width, filters[0], generator=g, dtype=F64)]
    for s in filters[1:]:
        n_nodes //= s
        params.append(torch.randn(n_nodes, width, s, width, generator=g, dtype=F64))
    params.append(torch.randn(n_nodes, width, generator=g, dtype=F64))
    params = [p.requires_grad_() for p in params]

    def f(x):
        patches = x.reshape(x.shape[0], -1, filters[0])
        h = torch.einsum("npi,phi->nph", patches, params[0])  # unit-norm patches: Sigma_1 = x_i . y_i
        for s, w in zip(filters[1:], params[1:-1]):
            z = _relu2(h).reshape(h.shape[0], -1, s, width)  # group sibling nodes
            h = torch.einsum("nqsh,qksh->nqk", z, w) / math.sqrt(s * width)  # mean over children and channels
        top = params[-1]
        return torch.einsum("nqh,qh->n", _relu2(h), top) / math.sqrt(top.numel())

    return f, params


def _cosine_normalised(k):
    """K(x, y) / sqrt(K(x, x) K(y, y)): removes the common scale fluctuation of a finite net's NTK."""
    return k / torch.outer(k.diagonal(), k.diagonal()).sqrt()


def _mean_empirical_ntk(make_net, x, n_nets, seed):
    """Average over n_nets independent narrow nets (cheaper than one very wide net for the same error)."""
    g = _gen(seed)
    raw = torch.stack([_empirical_ntk(*make_net(g), x) for _ in range(n_nets)])
    return raw.mean(0), torch.stack([_cosine_normalised(k) for k in raw]).mean(0)


def test_fc_ntk_matches_wide_networks():
    x = torch.randn(6, 5, generator=_gen(1), dtype=F64)
    x = x / x.norm(dim=1, keepdim=True)  # inputs on the unit sphere
    theory = fc_ntk(x, x, depth=2)
    assert torch.allclose(theory.diagonal(), torch.full((6,), 3.0, dtype=F64))  # depth + 1 on the sphere
    raw, normed = _mean_empirical_ntk(lambda g: _fc_net(256, 5, 2, g), x, n_nets=50, seed=2)
    assert (raw.diagonal() / 3.0 - 1).abs().max() < 0.1  # the scale: E[Theta(x, x)] = 3
    assert (normed - _cosine_normalised(theory)).abs().max() < 0.04


def _flip(x, patches):
    """Reflect the given patches (x_i -> -x_i) of points made of four 2-d patches."""
    x = x.clone().reshape(-1, 4, 2)
    x[:, list(patches)] *= -1
    return x.reshape(-1, 8)


def test_hierarchical_ntk_matches_wide_tree_networks_and_sees_the_tree():
    # Points that the tree tells apart and a fully connected net does not: reflecting the two sibling patches
    # {0, 1} or the cousins {0, 2} leaves x.y unchanged, but not the kernel of the tree ((0, 1), (2, 3)).
    base = _circles(2, 4, seed=3)
    x = torch.cat([base, _flip(base, [0, 1]), _flip(base, [0, 2]), _flip(base, [3])])
    theory = hierarchical_cnn_ntk(x, x, filters=(2, 2, 2))
    assert torch.allclose(theory.diagonal(), torch.full((8,), 4.0, dtype=F64))  # L + 1 with L = 3
    raw, normed = _mean_empirical_ntk(lambda g: _tree_net(64, 8, (2, 2, 2), g), x, n_nets=100, seed=4)
    assert (raw.diagonal() / 4.0 - 1).abs().max() < 0.1
    tol = 0.035
    err = (normed - _cosine_normalised(theory)).abs().max()
    assert err < tol, f"normalised empirical NTK of width-64 tree nets deviates by {err:.3f}"
    # the check can fail: the FC NTK, and a tree pairing the wrong siblings ((0, 2), (1, 3)), are further off
    swapped = x.reshape(-1, 4, 2)[:, [0, 2, 1, 3]].reshape(-1, 8)
    for other in (fc_ntk(x, x, depth=3), hierarchical_cnn_ntk(swapped, swapped, filters=(2, 2, 2))):
        assert (normed - _cosine_normalised(other)).abs().max() > 2 * tol
    assert theory[0, 2] > theory[0, 4] + 0.2  # siblings reflected together stay closer than cousins


def test_hierarchical_ntk_special_cases():
    x, y = _circles(5, 4, seed=5), _circles(7, 4, seed=6)
    k = hierarchical_cnn_ntk(x, y, filters=(2, 2, 2))
    assert k.shape == (5, 7)
    # one filter covering the whole input is a one-hidden-layer FC net
    assert torch.allclose(hierarchical_cnn_ntk(x, y, filters=(8,)), fc_ntk(x, y, depth=1), atol=1e-12)
    # a readout averaging top nodes = mean of the sub-trees' kernels
    halves = [hierarchical_cnn_ntk(x[:, i:i + 4], y[:, i:i + 4], filters=(2, 2)) for i in (0, 4)]
    assert torch.allclose(hierarchical_cnn_ntk(x, y, filters=(2, 2)), (halves[0] + halves[1]) / 2, atol=1e-12)
    # symmetric and positive semi-definite
    kxx = hierarchical_cnn_ntk(x, x, filters=(2, 2, 2))
    assert torch.allclose(kxx, kxx.T, atol=1e-12) and torch.linalg.eigvalsh(kxx).min() > -1e-10
    with pytest.raises(ValueError):
        hierarchical_cnn_ntk(x, y, filters=(3, 2))


def test_gaussian_field_sample_has_the_kernel_as_covariance():
    x = _circles(8, 2, seed=7)
    cov = laplace_kernel(x, x)
    assert torch.allclose(cov.diagonal(), torch.ones(8, dtype=F64))
    samples = gaussian_field_sample(cov, _gen(8), n_samples=40_000)
    assert samples.shape == (8, 40_000)
    emp = samples @ samples.T / samples.shape[1]
    assert (emp - cov).abs().max() < 0.04
    a = gaussian_field_sample(cov, _gen(9), n_samples=3)
    assert torch.equal(a, gaussian_field_sample(cov, _gen(9), n_samples=3))  # reproducible from the generator


def test_laplace_kernel_matches_definition():
    x, y = torch.randn(4, 3, dtype=F64), torch.randn(5, 3, dtype=F64)
    ref = np.exp(-np.linalg.norm(x.numpy()[:, None] - y.numpy()[None], axis=-1) / 2.0)
    assert np.allclose(laplace_kernel(x, y, length=2.0).numpy(), ref)


def test_kernel_ridge_interpolates_and_matches_direct_solve():
    x = _circles(50, 4, seed=10)
    k = hierarchical_cnn_ntk(x, x, filters=(2, 2, 2))
    y = torch.randn(50, 2, generator=_gen(11), dtype=F64)
    assert torch.allclose(kernel_ridge(k, y, k, ridge=1e-10), y, atol=1e-5)  # ridge -> 0 interpolates
    direct = k[:5].numpy() @ np.linalg.solve(k.numpy() + 0.3 * np.eye(50), y[:, 0].numpy())
    assert np.allclose(kernel_ridge(k, y[:, 0], k[:5], ridge=0.3).numpy(), direct)


def test_gaussian_field_risk_is_the_average_error_over_sampled_teachers():
    x = _circles(60, 2, seed=12)  # 40 train, 20 test
    cov = laplace_kernel(x, x, length=0.7)
    k = fc_ntk(x, x[:40], depth=2)
    a = ridge_smoother(k[:40], k[40:], ridge=1e-3)
    y = gaussian_field_sample(cov, _gen(13), n_samples=20_000)  # (60, draws)
    assert torch.allclose(a @ y[:40], kernel_ridge(k[:40], y[:40], k[40:], ridge=1e-3), atol=1e-8)
    sampled = ((a @ y[:40] - y[40:]) ** 2).mean(1)  # Monte-Carlo average over teacher draws, per test point
    exact = gaussian_field_risk(a, cov[:40, :40], cov[40:, :40], cov.diagonal()[40:])
    assert torch.allclose(sampled, exact, rtol=0.06)
    # a predictor that ignores the data has risk = prior variance
    assert torch.allclose(gaussian_field_risk(0 * a, cov[:40, :40], cov[40:, :40], cov.diagonal()[40:]),
                          torch.ones(20, dtype=F64))
