"""Tests for lib.distributed: compressors and the heterogeneous logistic-regression and least-squares problems."""
import pytest
import torch

from lib.distributed import (logreg_grads, logreg_losses, logreg_smoothness, lsq_grads, lsq_losses,
                             make_heterogeneous_logreg, make_heterogeneous_lsq, randk, topk)


def test_topk_keeps_the_largest_magnitudes():
    x = torch.tensor([[0.5, -3.0, 2.0, 0.1], [1.0, 0.0, -0.2, -4.0]], dtype=torch.float64)
    assert torch.equal(topk(x, 1), torch.tensor([[0.0, -3.0, 0.0, 0.0], [0.0, 0.0, 0.0, -4.0]], dtype=torch.float64))
    assert torch.equal(topk(x, 2), torch.tensor([[0.0, -3.0, 2.0, 0.0], [1.0, 0.0, 0.0, -4.0]], dtype=torch.float64))
    assert torch.equal(topk(x, 4), x)


def test_topk_is_positively_homogeneous_and_contractive():
    x = torch.randn(3, 5, 20, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    for k in (1, 4, 20):
        assert torch.allclose(topk(3.7 * x, k), 3.7 * topk(x, k), rtol=0, atol=1e-14)
        err = (topk(x, k) - x).pow(2).sum(-1)
        assert torch.all(err <= (1 - k / 20) * x.pow(2).sum(-1) + 1e-12)  # contraction with alpha = k/d
    with pytest.raises(ValueError):
        topk(x, 0)


def test_randk_keeps_k_entries_and_is_unbiased_when_scaled():
    g = torch.Generator().manual_seed(1)
    x = torch.arange(1.0, 11.0, dtype=torch.float64).expand(20000, 10)
    out = randk(x, 3, g)
    assert torch.all((out != 0).sum(-1) == 3)
    assert torch.all((out == 0) | (out == x))  # kept entries are unchanged
    mean = randk(x, 3, g, unbiased=True).mean(0)
    assert torch.allclose(mean, x[0], rtol=0.05)
    a = randk(x[:4], 2, torch.Generator().manual_seed(5))
    assert torch.equal(a, randk(x[:4], 2, torch.Generator().manual_seed(5)))


def test_problem_is_deterministic_and_shapes_match():
    p = make_heterogeneous_logreg(n=6, m=8, d=5, sigma=1.0, seed=3)
    q = make_heterogeneous_logreg(n=6, m=8, d=5, sigma=1.0, seed=3)
    assert p.A.shape == (6, 8, 5) and p.b.shape == (6, 8) and p.L_i.shape == (6,)
    assert p.A.dtype == torch.float64 and torch.equal(p.A, q.A) and torch.equal(p.b, q.b)
    assert set(p.b.unique().tolist()) <= {-1.0, 1.0}
    assert p.L_am <= p.L_qm
    # sigma = 0 draws the same base features, only unscaled
    p0 = make_heterogeneous_logreg(n=6, m=8, d=5, sigma=0.0, seed=3)
    ratio = p.A / p0.A
    assert torch.allclose(ratio, ratio[:, :1, :1].expand_as(ratio))


def test_gradients_match_autograd_with_batch_dimensions():
    p = make_heterogeneous_logreg(n=4, m=7, d=6, sigma=0.8, seed=0)
    x = torch.randn(2, 3, 6, generator=torch.Generator().manual_seed(2), dtype=torch.float64, requires_grad=True)
    losses = logreg_losses(p.A, p.b, x, p.lam)  # (2, 3, 4)
    assert losses.shape == (2, 3, 4)
    for i in range(4):
        (auto,) = torch.autograd.grad(losses[..., i].sum(), x, retain_graph=True)
        assert torch.allclose(logreg_grads(p.A, p.b, x.detach(), p.lam)[..., i, :], auto, atol=1e-12)


def test_smoothness_constants_bound_the_hessian_norm():
    p = make_heterogeneous_logreg(n=5, m=10, d=4, sigma=1.0, seed=4, lam=0.3)
    g = torch.Generator().manual_seed(0)
    worst_i, worst = torch.zeros(5, dtype=torch.float64), 0.0
    for _ in range(30):
        x0 = 0.5 * torch.randn(4, generator=g, dtype=torch.float64)
        for i in range(5):
            H = torch.autograd.functional.hessian(lambda x: logreg_losses(p.A, p.b, x, p.lam)[i], x0)
            worst_i[i] = max(worst_i[i], torch.linalg.matrix_norm(H, ord=2))
        Hf = torch.autograd.functional.hessian(lambda x: logreg_losses(p.A, p.b, x, p.lam).mean(), x0)
        worst = max(worst, float(torch.linalg.matrix_norm(Hf, ord=2)))
    assert torch.all(worst_i <= p.L_i) and worst <= p.L
    assert torch.all(worst_i >= 0.25 * p.L_i)  # the bound is not vacuous
    L_i, L = logreg_smoothness(p.A, p.lam)
    assert torch.equal(L_i, p.L_i) and float(L) == p.L
    assert p.L <= p.L_am + 1e-12  # smoothness of the average is at most the average smoothness


def test_lsq_problem_optimum_and_gradients():
    p = make_heterogeneous_lsq(n=5, m=6, d=8, zeta=2.0, seed=1)
    assert p.A.shape == (5, 6, 8) and p.b.shape == (5, 6) and p.x_star.shape == (8,)
    assert torch.equal(p.A, make_heterogeneous_lsq(n=5, m=6, d=8, zeta=2.0, seed=1).A)
    # x* minimises f = mean f_i: the client gradients there average to zero, and f* = f(x*) is below f elsewhere
    assert torch.allclose(p.grads_star.mean(0), torch.zeros(8, dtype=torch.float64), atol=1e-10)
    x = torch.randn(3, 8, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    assert torch.all(lsq_losses(p.A, p.b, x).mean(-1) > p.f_star)
    assert abs(float(lsq_losses(p.A, p.b, p.x_star).mean()) - p.f_star) < 1e-12
    # gradients: autograd and the Hessian form H_i x - c_i agree with lsq_grads, with batch dimensions
    xr = x.clone().requires_grad_(True)
    losses = lsq_losses(p.A, p.b, xr)  # (3, 5)
    for i in range(5):
        (auto,) = torch.autograd.grad(losses[:, i].sum(), xr, retain_graph=True)
        assert torch.allclose(lsq_grads(p.A, p.b, x)[:, i], auto, atol=1e-12)
    hess_form = torch.einsum("nij,bj->bni", p.H, x) - p.c
    assert torch.allclose(hess_form, lsq_grads(p.A, p.b, x), atol=1e-12)


def test_lsq_heterogeneity_is_set_by_zeta():
    base = dict(n=10, m=30, d=40, seed=3)
    het = [make_heterogeneous_lsq(zeta=z, **base).heterogeneity for z in (0.0, 1.0, 5.0)]
    assert het[0] < het[1] < het[2]
    # zeta = 0 leaves only the 0.1 label noise; the same seed reuses the same base draws for every zeta
    assert het[0] < 0.05 * het[1]
    p0, p5 = make_heterogeneous_lsq(zeta=0.0, **base), make_heterogeneous_lsq(zeta=5.0, **base)
    assert torch.equal(p0.A, p5.A)
    no_noise = make_heterogeneous_lsq(zeta=0.0, noise=0.0, **base)
    assert no_noise.heterogeneity < 1e-20
    with pytest.raises(ValueError):
        make_heterogeneous_lsq(zeta=-1.0, **base)
