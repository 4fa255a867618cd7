"""Unit tests of lib.sparse."""
import math

import pytest
import torch

from lib.sparse import erk_densities, prune_regrow, random_mask

SHAPES = [(256, 64), (256, 256), (10, 256)]


@pytest.mark.parametrize("density", [0.01, 0.05, 0.2, 0.5, 0.9])
def test_erk_hits_global_density_exactly(density):
    d = erk_densities(SHAPES, density)
    sizes = [math.prod(s) for s in SHAPES]
    assert sum(di * n for di, n in zip(d, sizes)) == pytest.approx(density * sum(sizes), rel=1e-12)
    assert all(0 < di <= 1 for di in d)


def test_erk_favours_small_layers_and_caps_at_one():
    d = erk_densities([(256, 64), (256, 256)], 0.05)
    assert d[0] / d[1] == pytest.approx((320 / (256 * 64)) / (512 / 256 ** 2))  # 2.5:1 for this MLP
    capped = erk_densities([(4, 4), (1000, 1000)], 0.3)  # the small layer would exceed 1
    assert capped[0] == 1.0
    assert capped[0] * 16 + capped[1] * 1e6 == pytest.approx(0.3 * (16 + 1e6))
    with pytest.raises(ValueError):
        erk_densities(SHAPES, 0.0)


def test_random_mask_counts_per_network():
    g = torch.Generator().manual_seed(0)
    m = random_mask((3, 40, 50), torch.tensor([0.1, 0.5, 0.01]), g, batch_dims=1)
    assert m.dtype == torch.bool and m.shape == (3, 40, 50)
    assert m.flatten(1).sum(-1).tolist() == [200, 1000, 20]
    assert random_mask((40, 50), 0.25, g).sum() == 500


def _setup(seed=0, batch=4):
    g = torch.Generator().manual_seed(seed)
    w = torch.randn(batch, 30, 20, generator=g)
    frozen = random_mask((batch, 30, 20), 0.3, g, batch_dims=1)
    mask = random_mask((batch, 30, 20), 0.2, g, batch_dims=1) | (frozen & (torch.rand(w.shape, generator=g) < 0.5))
    return g, w, mask, frozen


@pytest.mark.parametrize("criterion", ["random", "gradient"])
def test_prune_regrow_keeps_count_and_frozen(criterion):
    g, w, mask, frozen = _setup()
    w[frozen] = 1e-6  # frozen weights are the smallest: they must still never be dropped
    grad = torch.randn(w.shape, generator=g)
    new = prune_regrow(w, mask, frozen, 0.3, criterion, grad=grad, generator=g, batch_dims=1)
    assert torch.equal(new.flatten(1).sum(-1), mask.flatten(1).sum(-1))  # active count per network kept
    assert torch.equal(new & frozen, mask & frozen)  # frozen positions unchanged in the mask
    assert not ((new & ~mask) & frozen).any() and not ((mask & ~new) & frozen).any()
    for b in range(w.shape[0]):
        tr = (mask & ~frozen)[b]
        k = int(math.floor(0.3 * int(tr.sum())))
        dropped = tr & ~new[b]  # dropped and not regrown in place: among the k smallest |w| of the trainable ones
        assert 0 < int(dropped.sum()) <= k
        assert w[b][dropped].abs().max() <= w[b][tr].abs().sort().values[k - 1]
        grown = new[b] & ~mask[b]
        assert int(grown.sum()) == int(dropped.sum())
        if criterion == "gradient":  # the grown ones have the largest |grad| among free positions left inactive
            rest = ~new[b] & ~frozen[b]
            assert grad[b][grown].abs().min() >= grad[b][rest].abs().max()


def test_frozen_weights_never_change_in_masked_training():
    g, w, mask, frozen = _setup(1)
    w0 = w.clone()
    for step in range(20):  # SGD on the task's mask with old-task weights frozen, DST every 5 steps
        grad = torch.randn(w.shape, generator=g)
        w = w - 0.1 * grad * (mask & ~frozen)
        if step % 5 == 4:
            new = prune_regrow(w, mask, frozen, 0.3, "gradient", grad=grad, batch_dims=1)
            w = torch.where(new & ~mask, torch.zeros_like(w), w)  # grown weights start at 0
            mask = new
    assert torch.equal(w[frozen], w0[frozen])


def test_prune_regrow_rejects_bad_arguments():
    g, w, mask, frozen = _setup()
    with pytest.raises(ValueError):
        prune_regrow(w, mask, frozen, 0.3, "momentum", generator=g)
    with pytest.raises(ValueError):
        prune_regrow(w, mask, frozen, 0.3, "gradient")
