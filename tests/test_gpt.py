"""Unit tests of lib.gpt."""
import math

import numpy as np
import pytest
import torch

from lib.gpt import GPT, GPTConfig, evaluate, init_params, lm_loss, log_z, lr_schedule, token_losses, train

CFG = GPTConfig(vocab=11, seq_len=8, d_model=16, n_heads=2, n_layers=2)


def tokens(shape, seed=0, vocab=11):
    return torch.randint(0, vocab, shape, generator=torch.Generator().manual_seed(seed))


def test_shapes_stats_and_seeded_init():
    model = GPT(CFG, seed=0)
    logits, stats = model(tokens((3, 8)), return_stats=True)
    assert logits.shape == (3, 8, 11) and stats["max_attn_logit"].shape == (2,)
    assert torch.equal(model(tokens((3, 8))), GPT(CFG, seed=0)(tokens((3, 8))))
    assert not torch.equal(model.head.weight, GPT(CFG, seed=1).head.weight)
    assert all(p.ndim >= 1 for p in model.parameters()) and not any("bias" in n for n, _ in model.named_parameters())
    tied = GPT(GPTConfig(**{**CFG.__dict__, "tied": True}), seed=0)
    assert tied.head is None and tied(tokens((1, 8))).shape == (1, 8, 11)
    with pytest.raises(ValueError):
        model(tokens((1, 9)))


def test_causality_future_tokens_do_not_change_earlier_logits():
    for qk in (False, True):
        model = GPT(GPTConfig(**{**CFG.__dict__, "qk_layernorm": qk}), seed=3)
        x = tokens((2, 8), seed=4)
        y = x.clone()
        y[:, 5] = (y[:, 5] + 1) % 11
        a, b = model(x), model(y)
        assert torch.allclose(a[:, :5], b[:, :5], atol=1e-6) and not torch.allclose(a[:, 5:], b[:, 5:])


def test_max_attention_logit_matches_a_direct_computation_and_qk_layernorm_bounds_it():
    model = GPT(CFG, seed=0)
    with torch.no_grad():
        model.blocks[0].attn.qkv.weight.mul_(50.0)  # huge queries and keys
        x = tokens((2, 8))
        _, stats = model(x, return_stats=True)
        h = model.blocks[0].ln1(model.tok(x) + model.pos(torch.arange(8)))
        q, k, _ = model.blocks[0].attn.qkv(h).view(2, 8, 3, 2, 8).unbind(2)
        z = torch.einsum("bihd,bjhd->bhij", q, k) / math.sqrt(8)
        expect = z.masked_fill(~torch.ones(8, 8, dtype=torch.bool).tril(), 0).abs().amax()
        assert stats["max_attn_logit"][0] == pytest.approx(float(expect), rel=1e-5) and expect > 100
        qk = GPT(GPTConfig(**{**CFG.__dict__, "qk_layernorm": True}), seed=0)
        qk.blocks[0].attn.qkv.weight.mul_(50.0)
        _, s = qk(x, return_stats=True)
    # unit-gain LayerNorm gives |q| = |k| = sqrt(d_h), so by Cauchy-Schwarz |z_ij| <= d_h / sqrt(d_h) = sqrt(d_h)
    assert torch.all(s["max_attn_logit"] <= math.sqrt(CFG.d_head) + 1e-4)


def test_z_loss_value():
    logits = torch.randn(4, 5, 11, generator=torch.Generator().manual_seed(0)) * 3
    y = tokens((4, 5))
    lz = torch.log(torch.exp(logits).sum(-1))
    ce, lz2 = token_losses(logits, y)
    assert torch.allclose(lz2, lz, atol=1e-5) and torch.allclose(log_z(logits), lz, atol=1e-5)
    assert torch.allclose(ce.mean(), torch.nn.functional.cross_entropy(logits.view(-1, 11), y.view(-1)), atol=1e-5)
    expect = ce.mean() + 1e-4 * (lz ** 2).mean()
    assert float(lm_loss(logits, y, z_loss=1e-4)) == pytest.approx(float(expect), rel=1e-6)


def test_schedule_warms_up_then_decays():
    m = lr_schedule(100, 10)
    assert m[0] == pytest.approx(0.1) and m[9] == pytest.approx(1.0) and m[10] == pytest.approx(1.0)
    assert m[-1] == pytest.approx(0.0, abs=1e-12) and np.all(np.diff(m[10:]) <= 0)


def test_batched_training_matches_per_model_runs_and_learns():
    data = tokens((10, 4, 9), seed=1)
    p0 = init_params(CFG, [0, 0, 1])
    lrs = [1e-2, 3e-2, 1e-2]
    p, hist = train(CFG, p0, lrs, lambda s: data[s], 10, warmup=2, z_loss=[1e-4, 0.0, 1e-4])
    assert hist["loss"].shape == (10, 3) and hist["max_attn_logit"].shape == (10, 3, 2)
    assert np.allclose(hist["lr"][5], np.array(lrs) * lr_schedule(10, 2)[5])
    single, h1 = train(CFG, init_params(CFG, [1]), 1e-2, lambda s: data[s], 10, warmup=2)
    assert np.allclose(h1["loss"][:, 0], hist["loss"][:, 2], rtol=1e-4, atol=1e-5)  # models do not interact
    assert torch.allclose(single["head.weight"][0], p["head.weight"][2], atol=1e-4)
    ev = evaluate(CFG, p, data[:, 0])
    assert ev.shape == (3,) and torch.all(ev < evaluate(CFG, p0, data[:, 0]))  # training reduced the loss
    assert np.all(hist["grad_norm"] > 0) and np.all(np.isfinite(hist["max_attn_logit"]))


def test_gradient_clipping_caps_the_global_norm():
    data = tokens((2, 4, 9), seed=2)
    p0 = init_params(CFG, [0, 0])
    # with a huge eps Adam's step is ~ lr * g / eps (SGD-like); with lr = eps the single step taken (the schedule
    # is [1, 0]) is the gradient the optimiser received, so its norm shows the clipping
    p, h = train(CFG, p0, 1e3, lambda s: data[s], 2, eps=1e3, weight_decay=0.0, clip=1e-3)
    pu, _ = train(CFG, p0, 1e3, lambda s: data[s], 2, eps=1e3, weight_decay=0.0, clip=None)
    step = lambda q: torch.sqrt(sum((q[k][0] - p0[k][0]).pow(2).sum() for k in q))  # noqa: E731
    assert h["grad_norm"][0, 0] > 1e-2  # reported before clipping
    assert float(step(p)) == pytest.approx(1e-3, rel=1e-3)
    assert float(step(pu)) == pytest.approx(h["grad_norm"][0, 0], rel=1e-3)


def test_independent_weight_decay_shrinks_by_schedule_times_wd():
    zero = torch.zeros((5, 2, 9), dtype=torch.int64)
    p0 = init_params(CFG, [0, 0])
    # lr = 0 isolates the decay: independent decay still shrinks weights, coupled decay (lr * wd) does not
    p, _ = train(CFG, p0, [0.0, 0.0], lambda s: zero[s], 5, weight_decay=0.1)
    shrink = float(np.prod(1 - 0.1 * lr_schedule(5, 0)))
    assert torch.allclose(p["head.weight"][0], p0["head.weight"][0] * shrink, atol=1e-6)
    pc, _ = train(CFG, p0, [0.0, 0.0], lambda s: zero[s], 5, weight_decay=0.1, independent_wd=False)
    assert torch.equal(pc["head.weight"], p0["head.weight"])
