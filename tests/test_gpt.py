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


# -- one model: generation with a KV cache, log-probabilities, SFT, DPO, fit, artifacts, record ----------------------
from lib import gpt as G  # noqa: E402


def _model(**kw):
    cfg = G.GPTConfig(vocab=13, seq_len=24, d_model=32, n_heads=4, n_layers=2, tied=True, **kw)
    m = G.GPT(cfg, seed=0)
    with torch.no_grad():  # larger weights than the init, so that greedy choices are far from ties
        for p in m.parameters():
            p.mul_(3.0)
    return m.eval()


def _generate_without_cache(model, prompts, max_new, pad=0):
    """Reference: greedy decoding by a full forward pass over each (unpadded) row at every step."""
    out = []
    for p in prompts:
        seq = list(p)
        for _ in range(max_new):
            logits = model(torch.tensor([seq]))[0, -1]
            seq.append(int(logits.argmax()))
        out.append(seq[len(p):])
    return out


def test_cached_batched_generation_matches_a_no_cache_reference():
    m = _model()
    prompts = [[1, 2, 3], [4], [5, 6, 7, 8, 9, 10], [11, 12]]  # different lengths in one batch
    got = G.generate(m, prompts, 8, temperature=0)
    assert got == _generate_without_cache(m, prompts, 8)
    # the cached logits equal the direct forward's logits at every step
    steps = []
    G.generate(m, prompts[:1], 5, temperature=0, logits_hook=lambda i, lg: steps.append(lg.clone()) or lg)
    full = m(torch.tensor([prompts[0] + got[0][:4]]))[0, len(prompts[0]) - 1:]
    torch.testing.assert_close(torch.cat(steps), full, atol=3e-4, rtol=1e-4)  # float32 summation order


def test_generation_stops_at_eos_samples_and_repeats_prompts():
    m = _model()
    eos = G.generate(m, [[1, 2]], 1, temperature=0)[0][0]  # the token greedy decoding emits first
    assert G.generate(m, [[1, 2]], 6, temperature=0, eos=eos) == [[]]
    gen = torch.Generator().manual_seed(0)
    rows = G.generate(m, [[1], [2, 3]], 5, temperature=1.0, top_p=0.9, n_samples=3, generator=gen)
    assert len(rows) == 6 and all(len(r) == 5 for r in rows)
    # a shared prefill gives the same samples as n copies of each prompt (same random stream)
    prompts = [[1], [2, 3, 4]]
    copies = G.generate(m, prompts, 5, n_samples=3, generator=torch.Generator().manual_seed(1))
    shared = G.generate(m, prompts, 5, n_samples=3, share_prompt=True, generator=torch.Generator().manual_seed(1))
    assert shared == copies
    with pytest.raises(ValueError, match="empty prompt"):
        G.generate(m, [[]], 3)
    with pytest.raises(ValueError, match="no room"):
        G.generate(m, [list(range(1, 13)) * 2], 3)


def test_completion_logprobs_match_a_direct_forward_pass():
    m = _model()
    prompts, comps = [[1, 2, 3], [4]], [[5, 6], [7, 8, 9]]
    lp, mask = G.completion_logprobs(m, prompts, comps)
    for b, (p, c) in enumerate(zip(prompts, comps)):
        logp = m(torch.tensor([p + c]))[0].log_softmax(-1)
        direct = torch.stack([logp[len(p) - 1 + j, c[j]] for j in range(len(c))])
        torch.testing.assert_close(lp[b, :len(c)], direct, atol=1e-5, rtol=1e-5)
        assert mask[b].sum() == len(c)
    torch.testing.assert_close(G.sequence_logprob(m, prompts, comps), lp.sum(1))
    torch.testing.assert_close(G.span_logprob(lp, mask, [(1, 2), (0, 3)]), torch.stack([lp[0, 1], lp[1].sum()]))
    # SFT on completions is the mean NLL of exactly those tokens
    torch.testing.assert_close(G.sft_loss(m, prompts, comps), -lp[mask].mean())


def test_dpo_loss_is_log2_at_the_reference_and_falls_with_the_margin():
    z = torch.zeros(4)
    assert abs(G.dpo_loss(z, z, z, z, beta=0.1).item() - np.log(2)) < 1e-6
    assert G.dpo_loss(z + 1, z - 1, z, z, beta=0.5) < np.log(2)


def test_fit_learns_a_copy_task_and_artifacts_round_trip(tmp_path):
    m = G.GPT(G.GPTConfig(vocab=8, seq_len=12, d_model=32, n_heads=2, n_layers=1, tied=True), seed=0)
    gen = torch.Generator().manual_seed(0)

    def loss(step):
        x = torch.randint(1, 8, (32, 4), generator=gen).tolist()
        return G.sft_loss(m, [r + [0] for r in x], x)

    losses = G.fit(m, loss, 150, 3e-3, warmup=10)
    assert losses[-10:].mean() < 0.5 * losses[:10].mean()
    torch.save(G.to_artifact(m), tmp_path / "m.pt")
    m2 = G.from_artifact(torch.load(tmp_path / "m.pt"))
    x = torch.randint(1, 8, (2, 6))
    torch.testing.assert_close(m2(x), m(x), atol=0.05, rtol=0.05)  # fp16 weights


def test_record_and_bidirectional_attention():
    m = _model()
    x = torch.tensor([[1, 2, 3, 4]])
    with G.record(m) as rec:
        m(x)
    assert len(rec["attn_logits"]) == 2 and rec["attn_logits"][0].shape == (1, 4, 4, 4)
    assert torch.isinf(rec["attn_logits"][0][0, 0, 0, 1])  # causal mask
    assert rec["mlp"][0].shape == (1, 4, 128)
    assert m.blocks[0].attn._record is None  # hooks removed
    enc = _model(causal=False)
    y1, y2 = enc(x), enc(torch.tensor([[1, 2, 3, 5]]))
    assert not torch.allclose(y1[0, 0], y2[0, 0])  # early positions see later tokens


def test_tokenizers_round_trip():
    from lib.tokenizers import CharTokenizer, WordTokenizer

    ct = CharTokenizer("~$ abc", {"pad": "~", "eos": "$"})
    assert ct.decode(ct.encode("ab ca")) == "ab ca" and ct.pad == 0 and ct.eos == 1
    with pytest.raises(ValueError, match="not in the alphabet"):
        ct.encode("z")
    wt = WordTokenizer(["<pad>", "<unk>", "sort", "x"], {"pad": "<pad>", "unk": "<unk>"})
    assert wt.encode("sort x foo") == [2, 3, 1] and wt.decode([2, 3]) == "sort x"
    with pytest.raises(ValueError, match="duplicate"):
        WordTokenizer(["a", "a"])
