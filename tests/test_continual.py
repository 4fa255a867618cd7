import numpy as np
import pytest
import torch
from scipy import stats

from lib.continual import (MLP, Reservoir, batched_mlp, continual_metrics, evaluate, masked_ce, stack_mlps,
                           task_accuracy, task_index)


# -- MLP -------------------------------------------------------------------------------------------------------
def test_mlp_shapes_and_layers():
    net = MLP((64, 32, 16, 10))
    assert net(torch.zeros(5, 64)).shape == (5, 10)
    assert [(l.in_features, l.out_features) for l in net.linears()] == [(64, 32), (32, 16), (16, 10)]
    assert sum(isinstance(m, torch.nn.ReLU) for m in net) == 2  # no activation after the output layer
    bn = MLP((64, 32, 10), bn=True)
    assert sum(isinstance(m, torch.nn.BatchNorm1d) for m in bn) == 1
    with pytest.raises(ValueError):
        MLP((64,))


def test_mlp_seed_is_reproducible_and_leaves_global_rng_alone():
    torch.manual_seed(123)
    before = torch.rand(3)
    torch.manual_seed(123)
    a, b, c = MLP(seed=7), MLP(seed=7), MLP(seed=8)
    assert torch.equal(torch.rand(3), before)  # seeded construction did not consume the global stream
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not torch.equal(a[0].weight, c[0].weight)


def test_stacked_mlps_match_the_single_models():
    nets = [MLP((6, 5, 4, 3), seed=s) for s in range(3)]
    layers = stack_mlps(nets)
    assert [tuple(W.shape) for W, _ in layers] == [(3, 6, 5), (3, 5, 4), (3, 4, 3)]
    assert all(p.is_leaf and p.requires_grad for layer in layers for p in layer)
    x = torch.randn(3, 7, 6)
    out = batched_mlp(layers, x)
    for r, net in enumerate(nets):
        assert torch.allclose(out[r], net(x[r]), atol=1e-6)
    # models stay independent: model 0's loss has no gradient on model 1's weights
    g = torch.autograd.grad(out[0].sum(), layers[0][0])[0]
    assert g[0].abs().sum() > 0 and g[1:].abs().sum() == 0
    with pytest.raises(ValueError):
        stack_mlps([MLP((6, 5, 3)), MLP((6, 4, 3))])
    with pytest.raises(ValueError):
        stack_mlps([MLP((6, 5, 3), bn=True)])


# -- masked cross-entropy --------------------------------------------------------------------------------------
def test_masked_ce_is_ce_over_the_present_classes():
    torch.manual_seed(0)
    logits, y = torch.randn(8, 5), torch.tensor([1, 3, 3, 1, 1, 3, 1, 3])
    sub = torch.tensor([1, 3])
    # the softmax over classes {1, 3} only: plain CE on those two columns with relabelled targets
    ref = torch.nn.functional.cross_entropy(logits[:, sub], (y == 3).long())
    assert torch.allclose(masked_ce(logits, y, [1, 3]), ref)
    assert torch.allclose(masked_ce(logits, y), ref)  # None: the classes that occur in y
    mask = torch.tensor([False, True, False, True, False])
    assert torch.allclose(masked_ce(logits, y, mask), ref)
    # all classes present: ordinary cross-entropy; never larger than it otherwise
    assert torch.allclose(masked_ce(logits, y, range(5)), torch.nn.functional.cross_entropy(logits, y))
    assert masked_ce(logits, y, [1, 3]) <= torch.nn.functional.cross_entropy(logits, y)
    assert masked_ce(logits, y, [1, 3], reduction="none").shape == (8,)
    with pytest.raises(ValueError):
        masked_ce(logits, y, [1, 2])  # label 3 is not present
    with pytest.raises(ValueError):
        masked_ce(logits, y, torch.ones(4, dtype=torch.bool))


def test_masked_ce_gradients_and_batches():
    logits = torch.randn(2, 4, 5, requires_grad=True)  # 2 models, 4 samples, 5 classes
    y = torch.tensor([[0, 2, 2, 0], [4, 4, 1, 1]])
    loss = masked_ce(logits, y)  # per model: classes {0, 2} and {1, 4}
    assert loss.shape == (2,) and torch.isfinite(loss).all()
    (g,) = torch.autograd.grad(loss.sum(), logits)
    assert torch.isfinite(g).all()
    assert g[0][:, [1, 3, 4]].abs().sum() == 0 and g[1][:, [0, 2, 3]].abs().sum() == 0  # absent logits untouched
    assert g[0][:, [0, 2]].abs().sum() > 0
    for r in range(2):  # the same as one model at a time
        assert torch.allclose(loss[r], masked_ce(logits[r].detach(), y[r]))
    per_model = torch.tensor([[True, False, True, False, False], [False, True, False, False, True]])
    assert torch.allclose(masked_ce(logits, y, per_model), loss)


# -- Reservoir -------------------------------------------------------------------------------------------------
def test_reservoir_fills_then_keeps_capacity():
    buf = Reservoir(5, torch.Generator().manual_seed(0))
    buf.add(torch.arange(3.0).view(3, 1), torch.arange(3))
    assert len(buf) == 3 and buf.y[:3].tolist() == [0, 1, 2]  # below capacity everything is kept, in order
    buf.add(torch.arange(3.0, 50.0).view(-1, 1), torch.arange(3, 50))
    assert len(buf) == 5 and buf.n_seen == 50
    assert len(set(buf.y.tolist())) == 5  # distinct items
    assert torch.equal(buf.x[:, 0].long(), buf.y)  # x and y stay paired
    x, y = buf.sample(3)
    assert x.shape == (3, 1) and len(set(y.tolist())) == 3 and set(y.tolist()) <= set(buf.y.tolist())
    assert buf.sample(10)[1].shape == (5,)  # at most what is stored
    with pytest.raises(ValueError):
        Reservoir(3, torch.Generator()).sample(1)


def test_reservoir_keeps_a_uniform_sample():
    # every one of N stream items must end up in the buffer with probability capacity / N, whatever its position
    n_items, cap, reps = 50, 10, 2000
    gen = torch.Generator().manual_seed(2024)
    counts = np.zeros(n_items)
    items = torch.arange(n_items)
    for _ in range(reps):
        buf = Reservoir(cap, gen)
        for chunk in items.split(7):  # added in uneven chunks, as a stream
            buf.add(chunk.view(-1, 1).float(), chunk)
        counts[buf.y.numpy()] += 1
    expected = reps * cap / n_items
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert stats.chi2.sf(chi2, n_items - 1) > 1e-3  # no detectable departure from uniform inclusion
    early, late = counts[: n_items // 2].sum(), counts[n_items // 2:].sum()
    assert abs(early - late) / (reps * cap) < 0.03  # no bias towards early or late items
    # a short stream makes an off-by-one in the replacement draw obvious: each of 3 items kept with prob. 2/3
    small = np.zeros(3)
    for _ in range(reps):
        buf = Reservoir(2, gen)
        buf.add(torch.zeros(3, 1), torch.arange(3))
        small[buf.y.numpy()] += 1
    assert stats.chisquare(small).pvalue > 1e-3


# -- per-task accuracy -------------------------------------------------------------------------------------------
def test_task_index_and_accuracy():
    tasks = [(3, 1), (0, 2)]
    y = torch.tensor([1, 0, 3, 2, 4])
    assert task_index(y, tasks).tolist() == [0, 1, 0, 1, -1]
    pred = torch.tensor([1, 2, 3, 2, 4])  # right on labels 1, 3 (task 0) and 2 (task 1); label 4 is in no task
    logits = torch.nn.functional.one_hot(pred, 5).float()
    acc = task_accuracy(logits, y, task_index(y, tasks), 3)
    assert acc[:2].tolist() == [1.0, 0.5] and torch.isnan(acc[2])
    # batched over models: (B, N, C) logits and (B, N) labels
    accb = task_accuracy(torch.stack([logits, 1 - logits]), y.expand(2, -1), task_index(y, tasks).expand(2, -1), 2)
    assert accb.shape == (2, 2) and accb[0].tolist() == [1.0, 0.5]


def test_evaluate_restores_training_mode():
    net = MLP((4, 8, 3), bn=True, seed=0)
    net.train()
    x, y = torch.randn(10, 4), torch.randint(0, 3, (10,))
    acc = evaluate(net, x, y, [(0,), (1, 2)])
    assert acc.shape == (2,) and net.training
    assert 0 <= float(evaluate(net, x, y)) <= 1


# -- continual-evaluation metrics ---------------------------------------------------------------------------------
def _curve():
    # 3 tasks, 3 evaluations each; rows = evaluations, columns = tasks (NaN = not yet learned)
    n = np.nan
    return np.array([
        [0.5, n, n], [0.8, n, n], [0.9, n, n],            # task 1, ends at row 2
        [0.4, 0.6, n], [0.7, 0.8, n], [0.8, 0.9, n],      # task 2: task 1 dips to 0.4, recovers to 0.8
        [0.6, 0.3, 0.7], [0.7, 0.5, 0.9], [0.75, 0.85, 1.0],  # task 3
    ])


def test_continual_metrics_hand_made_curve():
    m = continual_metrics(_curve(), [2, 5, 8])
    assert m["acc"] == pytest.approx((0.75 + 0.85 + 1.0) / 3)
    # min-ACC: task 1 min after row 2 = 0.4, task 2 min after row 5 = 0.3
    assert m["min_acc"] == pytest.approx((0.4 + 0.3) / 2)
    assert m["wc_acc"] == pytest.approx(1.0 / 3 + (2 / 3) * 0.35)
    # dips: (k1,t2) 0.9-0.4; (k1,t3) 0.8-0.6; (k2,t3) 0.9-0.3. recoveries: 0.8-0.4; 0.75-0.6; 0.85-0.3
    assert m["dip"] == pytest.approx((0.5 + 0.2 + 0.6) / 3)
    assert m["recovery"] == pytest.approx((0.4 + 0.15 + 0.55) / 3)
    assert m["dips"] == pytest.approx([0.5, 0.2, 0.6])


def test_continual_metrics_at_boundaries_and_batched():
    c = _curve()
    b = continual_metrics(c[[2, 5, 8]], range(3))  # standard evaluation: only the task ends are seen
    assert b["min_acc"] == pytest.approx((0.75 + 0.85) / 2)
    assert b["min_acc"] >= continual_metrics(c, [2, 5, 8])["min_acc"]
    batch = np.stack([c, np.where(np.isnan(c), np.nan, 1.0)])  # leading seed axis; second curve is perfect
    m = continual_metrics(batch, [2, 5, 8])
    assert m["min_acc"].shape == (2,) and m["min_acc"][1] == 1.0 and m["recovery"][1] == 0.0
    assert m["min_acc"][0] == pytest.approx(0.35)


def test_continual_metrics_validates_input():
    with pytest.raises(ValueError):
        continual_metrics(_curve(), [2, 5])  # wrong number of tasks
    with pytest.raises(ValueError):
        continual_metrics(_curve(), [5, 2, 8])  # not increasing
    with pytest.raises(ValueError):
        continual_metrics(_curve(), [2, 5, 9])  # beyond the curve
