"""lib.tinydiff: shapes, encode/decode split, DDIM inversion round trip, CFG, Frechet distance, EDM coefficients,
the builder's guidance sweep."""
import math

import numpy as np
import pytest
import torch

from lib import tinydiff as td


@pytest.fixture(scope="module")
def net():
    torch.manual_seed(0)
    return td.MLPUNet(widths=(32, 16, 8), d_emb=16).eval()


def test_shapes_and_encode_decode_split(net):
    x, y = torch.randn(5, 64), torch.tensor([0, 3, 9, 10, 2])
    h, skips = net.encode(x, 500, y)
    assert h.shape == (5, 8) and [s.shape[1] for s in skips] == [32, 16, 8]
    rec = []
    eps = net.decode(h, skips, 500, y, record=rec)
    assert eps.shape == (5, 64) and len(rec) == 3
    assert torch.equal(eps, net(x, 500, y))
    assert torch.allclose(net(x, torch.full((5,), 500), y), eps)  # int and tensor timesteps agree


def test_schedule_and_grid():
    s = td.Schedule()
    ab = s.alphas_bar
    assert ab.shape == (td.T,) and bool((ab[1:] < ab[:-1]).all()) and 0.999 < ab[0] < 1 and ab[-1] < 1e-5
    assert td.ddim_timesteps(50)[:2] == [999, 979] and td.ddim_timesteps(50)[-1] == 0
    assert td.ddim_timesteps(5, t_start=400) == [400, 300, 200, 100, 0]


def test_guidance_zero_is_conditional(net):
    x, y = torch.randn(4, 64), torch.tensor([1, 2, 3, 4])
    assert torch.equal(td.guided_eps(net, x, 300, y, 0.0), net(x, 300, y))
    ec, en = net(x, 300, y), net(x, 300, torch.full_like(y, td.NULL))
    assert torch.allclose(td.guided_eps(net, x, 300, y, 2.0), 3 * ec - 2 * en, atol=1e-5)
    g = torch.Generator().manual_seed(0)
    xT = torch.randn(4, 64, generator=g)
    a = td.ddim_sample(net, y, 5, x_T=xT, guidance=0.0)
    b = td.ddim_sample(net, y, 5, x_T=xT, eps_fn=lambda x, t, yy, i: net(x, t, yy))
    assert torch.equal(a, b)


def test_ddim_invert_then_sample_reconstructs(net):
    # eta=0, many steps, no clipping: the discretised ODE is nearly reversible (untrained net, smooth eps)
    x0 = td.digits_pm1()[0][:6]
    y = torch.arange(6)
    for t_end in (300, 800):  # near T-1 (abar ~ 1e-9) the x0 prediction amplifies any eps mismatch by 1e4
        xt = td.ddim_invert(net, x0, y, t_end=t_end, n_steps=100)
        back = td.ddim_sample(net, y, 100, x_T=xt, t_start=t_end, clip=False)
        assert (back - x0).abs().max() < 0.05, t_end  # vs ~1 for an unrelated image


def test_clip_keeps_x0_in_range_and_hook(net):
    seen = []

    def hook(i, t, x):
        seen.append(t)
        return x * 1.0

    out = td.ddim_sample(net, torch.arange(8), 10, generator=torch.Generator().manual_seed(1), step_hook=hook)
    assert out.abs().max() <= 1 + 1e-5 and seen == td.ddim_timesteps(10)
    out2 = td.ddim_sample(net, torch.arange(8), 10, eta=1.0, generator=torch.Generator().manual_seed(1))
    assert out2.abs().max() <= 1 + 1e-5


def test_frechet_closed_form():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((6, 6))
    S = A @ A.T + np.eye(6)
    mu = rng.standard_normal(6)
    assert abs(td.frechet(mu, S, mu, S)) < 1e-8
    a, b = rng.uniform(0.5, 2, 6), rng.uniform(0.5, 2, 6)  # diagonal: |dmu|^2 + sum (sqrt a - sqrt b)^2
    want = float(((mu - 1) ** 2).sum() + ((np.sqrt(a) - np.sqrt(b)) ** 2).sum())
    assert math.isclose(td.frechet(mu, np.diag(a), np.ones(6), np.diag(b)), want, rel_tol=1e-9)


def test_judge_fdd_and_accuracy():
    torch.manual_seed(0)
    j = td.DigitJudge().eval()
    x, y = td.digits_pm1()
    assert abs(j.fdd(x[:300], x[:300])) < 1e-6 and j.fdd(x[:300], x[300:600]) > 0
    acc = j.class_accuracy(x[:50], y[:50])
    assert 0 <= acc <= 1


def test_edm_precond_coefficients():
    sd = td.SIGMA_DATA
    c_skip, c_out, c_in, c_noise = td.edm_precond(torch.tensor([sd]))
    assert math.isclose(float(c_skip), 0.5) and math.isclose(float(c_out), sd / math.sqrt(2), rel_tol=1e-6)
    assert math.isclose(float(c_in), 1 / (sd * math.sqrt(2)), rel_tol=1e-6)
    assert math.isclose(float(c_noise), math.log(sd) / 4, rel_tol=1e-6)
    c_skip, c_out, _, _ = td.edm_precond(torch.tensor([1e-4]))
    assert float(c_skip) > 0.9999 and float(c_out) < 1e-3  # D(x, sigma -> 0) -> x
    s = td.edm_sigmas(18)
    assert s.shape == (19,) and math.isclose(float(s[0]), 80, rel_tol=1e-5) and math.isclose(float(s[-2]), 0.002,
                                                                                              rel_tol=1e-4)


def test_edm_train_loss_and_heun():
    x = td.digits_pm1()[0][:64]
    D = td.train_edm(x, steps=3, batch=16, widths=(16, 8, 4), d_emb=8)
    calls = []
    loss = td.edm_loss(D, x[:8], noise_fn=lambda s, shape, g: calls.append(1) or s * torch.randn(shape, generator=g),
                       generator=torch.Generator().manual_seed(0))
    assert loss.ndim == 0 and calls == [1]
    out = td.heun_sample(D, 4, td.edm_sigmas(4), generator=torch.Generator().manual_seed(0))
    assert out.shape == (4, 64) and torch.isfinite(out).all()
    prior = td.heun_sample(D, 4, td.edm_sigmas(4), prior_fn=lambda n, smax, g: torch.zeros(n, 64))
    assert prior.shape == (4, 64)


def test_float_label_embedding_equals_labels(net):
    x, y = torch.randn(3, 64), torch.tensor([2, 7, 10])
    emb = net.label.weight[y]
    assert torch.allclose(net(x, 100, emb), net(x, 100, y))
    assert torch.allclose(td.guided_eps(net, x, 100, emb, 1.5), td.guided_eps(net, x, 100, y, 1.5), atol=1e-6)


def test_sample_quality_guidance_sweep_picks_lowest_fdd(net):
    torch.manual_seed(0)
    j = td.DigitJudge().eval()
    q = td.sample_quality(net, j, n_per_class=3, n_steps=4, guidance=(0.5, 2.0))
    sweep = {float(w): v["fdd"] for w, v in q["by_guidance"].items()}
    assert set(sweep) == {0.5, 2.0} and q["guidance"] == min(sweep, key=sweep.get)
    assert q["fdd_guided"] == sweep[q["guidance"]]
    single = td.sample_quality(net, j, n_per_class=3, n_steps=4, guidance=2.0)
    assert "by_guidance" not in single and single["fdd_guided"] == pytest.approx(sweep[2.0])
